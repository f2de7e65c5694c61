/* Allocator microbenchmark (issue 11): per thread, 4M random malloc/free
 * operations over 4096 slots, sizes 8..127 bytes and 1 in 16 up to 4 KiB.
 * Usage: mb THREADS; prints the time to stderr. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void *work(void *arg){
    unsigned s = (unsigned)(size_t)arg * 2654435761u + 1;
    enum { SLOTS = 4096 };
    void **slot = calloc(SLOTS, sizeof *slot);
    long sum = 0;
    for (long i = 0; i < 4000000; i++) {
        s = s * 1103515245u + 12345u;
        unsigned k = (s >> 8) % SLOTS;
        if (slot[k]) { sum += ((unsigned char*)slot[k])[0]; free(slot[k]); slot[k] = 0; }
        else { size_t n = 8 + ((s >> 20) % 16 == 0 ? (s >> 4) % 4096 : (s >> 4) % 120); slot[k] = malloc(n); memset(slot[k], (int)i, n < 16 ? n : 16); }
    }
    for (int k = 0; k < SLOTS; k++) free(slot[k]);
    free(slot);
    return (void*)sum;
}
int main(int argc, char **argv){
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    pthread_t t[16]; double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, work, (void*)(size_t)i);
    long total = 0; for (int i = 0; i < threads; i++) { void *r; pthread_join(t[i], &r); total += (long)r; }
    fprintf(stderr, "%d threads: %.3f s\n", threads, now() - t0);
    printf("%ld\n", total);
    return 0;
}
