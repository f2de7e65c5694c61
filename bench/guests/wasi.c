/* WASI benchmarks (also built natively): the same POSIX C, timed inside the
 * program so that engines compare on the work alone, not on start-up.
 *
 *   wasi files    64 KiB write+read cycles over a 64 MiB file (per cycle)
 *   wasi small    create, write 100 bytes, close, stat, unlink (per file)
 *   wasi compute  a 4 MiB sieve and a hash loop, no system calls (per round)
 *
 * Paths are relative: run it in a scratch directory (natively) or with that
 * directory preopened as "." (WASI). Prints "ns-per-op: N". */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void fail(const char *what) {
    perror(what);
    _exit(1);
}

static char block[64 << 10];

static long files(void) {
    enum { BLOCKS = 1024 };
    int fd = open("bench.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail("open bench.dat");
    memset(block, 'x', sizeof block);
    for (int i = 0; i < BLOCKS; i++)
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block) fail("write");
    if (lseek(fd, 0, SEEK_SET) != 0) fail("lseek");
    for (int i = 0; i < BLOCKS; i++)
        if (read(fd, block, sizeof block) != (ssize_t)sizeof block) fail("read");
    close(fd);
    if (unlink("bench.dat") != 0) fail("unlink bench.dat");
    return BLOCKS;
}

static long small(void) {
    enum { FILES = 2000 };
    char name[32], text[100];
    memset(text, 'y', sizeof text);
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "small-%d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) fail("open small");
        if (write(fd, text, sizeof text) != (ssize_t)sizeof text) fail("write small");
        close(fd);
        struct stat st;
        if (stat(name, &st) != 0 || st.st_size != (off_t)sizeof text) fail("stat small");
        if (unlink(name) != 0) fail("unlink small");
    }
    return FILES;
}

static unsigned char composite[4 << 20];
static volatile uint64_t sink;

static long compute(void) {
    enum { ROUNDS = 4 };
    for (int round = 0; round < ROUNDS; round++) {
        memset(composite, 0, sizeof composite);
        long primes = 0;
        for (long i = 2; i < (long)sizeof composite; i++) {
            if (composite[i]) continue;
            primes++;
            for (long j = i * i; j < (long)sizeof composite; j += i) composite[j] = 1;
        }
        uint64_t h = 1469598103934665603ull ^ (uint64_t)primes;
        for (long i = 0; i < 50000000; i++) h = (h ^ (uint64_t)i) * 1099511628211ull;
        sink = h;
    }
    return ROUNDS;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    long (*work)(void) = !strcmp(mode, "files") ? files : !strcmp(mode, "small") ? small
                       : !strcmp(mode, "compute") ? compute : NULL;
    if (!work) {
        fprintf(stderr, "usage: %s files|small|compute\n", argv[0]);
        return 2;
    }
    work(); /* warm-up: page cache, allocator, lazily compiled paths */
    double start = now_ns();
    long ops = work();
    printf("ns-per-op: %.0f\n", (now_ns() - start) / (double)ops);
    return 0;
}
