/* Misuses of the heap that the C library's allocator must stop with a crash
 * (not a differential test: glibc catches fewer, and says so with SIGABRT;
 * musl's allocators crash, SIGSEGV natively and a trap, SIGILL, under
 * Lamina). Run by tests/malloc/run.sh: `hardening MODE` must die by a
 * signal for every mode but `ok`, which exits 0. */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long not_heap[16];
/* volatile: the compiler may not drop or reorder the allocations. */
static char *volatile shared;

static void *free_on_thread(void *arg) {
    (void)arg;
    shared = malloc(40);
    free(shared);
    return NULL; /* the thread's cache goes back to the shared pool */
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "ok";
    char *volatile p = malloc(40);
    memset(p, 1, 40);
    if (!strcmp(mode, "ok")) {
        free(p);
        p = malloc(100000);
        free(p);
        puts("ok");
        return 0;
    } else if (!strcmp(mode, "double")) {
        free(p);
        free(p);
    } else if (!strcmp(mode, "double-after-thread-exit")) {
        /* The second free reaches the shared pool's bits, not the cache. */
        pthread_t t;
        pthread_create(&t, NULL, free_on_thread, NULL);
        pthread_join(t, NULL);
        free(shared);
    } else if (!strcmp(mode, "double-after-flush")) {
        /* Enough frees of the class that p's cache is flushed past it. */
        enum { N = 2000 };
        static char *volatile many[N];
        for (int i = 0; i < N; i++) many[i] = malloc(40);
        for (int i = 0; i < N; i++) free(many[i]);
        free(p);
        for (int i = 0; i < N; i++) many[i] = malloc(40);
        free(p);
        for (int i = 0; i < N; i++) free(many[i]);
        free(p);
    } else if (!strcmp(mode, "interior")) {
        free(p + 16);
    } else if (!strcmp(mode, "static")) {
        free(&not_heap[8]);
    } else if (!strcmp(mode, "stack")) {
        char local[64];
        char *volatile q = local + 16;
        free(q);
    } else if (!strcmp(mode, "large-double")) {
        char *volatile big = malloc(100000);
        free(big);
        free(big);
    } else if (!strcmp(mode, "large-interior")) {
        char *volatile big = malloc(100000);
        free(big + 4096);
    } else if (!strcmp(mode, "realloc-invalid")) {
        p = realloc(&not_heap[8], 100);
    } else if (!strcmp(mode, "usable-size-invalid")) {
        printf("%zu\n", malloc_usable_size(p + 8));
    } else if (!strcmp(mode, "corrupt-link")) {
        /* A use after free overwrites the free-list link with a pointer of
         * the attacker's choosing: the allocator must not hand it out. */
        char *volatile q = malloc(40);
        free(q);
        free(p);
        *(void *volatile *)p = &not_heap[4];
        for (int i = 0; i < 4; i++) {
            char *volatile r = malloc(40);
            if (r == (char *)&not_heap[4]) {
                puts("handed out a forged pointer");
                return 0;
            }
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    puts("not stopped");
    return 0;
}
