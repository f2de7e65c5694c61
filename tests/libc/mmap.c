/* Memory mappings through libc: anonymous private mappings (zeroed, large,
 * unmapped and mapped again), file mappings (MAP_SHARED stores reach the
 * file and read() sees them; MAP_PRIVATE stores do not; offsets; msync),
 * mprotect, mremap, MAP_FIXED over part of a mapping, shared mappings
 * across fork, and the errors of bad requests. Addresses are never
 * printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static long page;

static int all_bytes(const unsigned char *p, size_t len, unsigned char v) {
    for (size_t i = 0; i < len; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static void anonymous(void) {
    size_t len = 16 * (size_t)page;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    printf("anonymous: page aligned %d, zero filled %d\n", (uintptr_t)p % (uintptr_t)page == 0, all_bytes(p, len, 0));
    memset(p, 0x5a, len);
    printf("anonymous: written %d\n", all_bytes(p, len, 0x5a));
    CHECK_EQ(munmap(p, len), 0);

    /* A fresh mapping is zeroed again even if it reuses the range. */
    for (int round = 0; round < 20; round++) {
        unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(q != MAP_FAILED);
        if (!all_bytes(q, len, 0)) {
            printf("FAIL: round %d mapping not zeroed\n", round);
            check_failures++;
        }
        memset(q, round + 1, len);
        munmap(q, len);
    }
    printf("20 map/fill/unmap rounds: every new mapping zeroed\n");

    size_t big = 64u << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(b != MAP_FAILED);
    unsigned long sum = 0;
    for (size_t off = 0; off < big; off += (size_t)page) {
        b[off] = (unsigned char)(off >> 12);
        sum += b[off];
    }
    printf("64 MiB mapping: touched every page, checksum %lu\n", sum);
    /* Unmapping the middle leaves both ends usable. */
    CHECK_EQ(munmap(b + (16u << 20), 16u << 20), 0);
    b[0] = 1;
    b[big - 1] = 2;
    printf("after unmapping the middle: ends still writable %d %d\n", b[0], b[big - 1]);
    munmap(b, 16u << 20);
    munmap(b + (32u << 20), 32u << 20);

    unsigned char *r = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(r, 7, 4 * (size_t)page);
    CHECK_EQ(mprotect(r, (size_t)page, PROT_READ), 0);
    CHECK_EQ(mprotect(r, (size_t)page, PROT_READ | PROT_WRITE), 0);
    r[0] = 8;
    printf("mprotect: read-only and back to read-write\n");

    unsigned char *fixed = mmap(r + page, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                                -1, 0);
    printf("MAP_FIXED over the second page: same place %d, zeroed %d, neighbours kept %d %d\n", fixed == r + page,
           all_bytes(fixed, (size_t)page, 0), r[0] == 8, r[2 * page] == 7);
    munmap(r, 4 * (size_t)page);

    r = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(r, 7, 4 * (size_t)page);
    unsigned char *grown = mremap(r, 4 * (size_t)page, 64 * (size_t)page, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED);
    if (grown == MAP_FAILED)
        return;
    printf("mremap grow: old contents kept %d, new part zeroed %d\n", grown[3 * page] == 7,
           all_bytes(grown + 4 * page, 60 * (size_t)page, 0));
    unsigned char *shrunk = mremap(grown, 64 * (size_t)page, (size_t)page, 0);
    printf("mremap shrink in place: %d\n", shrunk == grown);
    munmap(shrunk, (size_t)page);
}

static void files(void) {
    int fd = open("mapped.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    size_t len = 3 * (size_t)page;
    CHECK_EQ(ftruncate(fd, (off_t)len), 0);
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    printf("file mapping starts zeroed: %d\n", all_bytes((unsigned char *)m, len, 0));
    strcpy(m, "written through MAP_SHARED");
    strcpy(m + 2 * page, "third page");
    CHECK_EQ(msync(m, len, MS_SYNC), 0);
    char buf[64] = {0};
    CHECK_EQ(pread(fd, buf, 26, 0), 26);
    printf("read() sees: [%s]\n", buf);
    CHECK_EQ(pread(fd, buf, 10, 2 * page), 10);
    buf[10] = 0;
    printf("read() at page 2 sees: [%s]\n", buf);

    /* Writes through the descriptor show in the mapping. */
    CHECK_EQ(pwrite(fd, "WRITE", 5, 0), 5);
    printf("mapping sees write(): [%.26s]\n", m);
    munmap(m, len);

    char *priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    memcpy(priv, "private", 7);
    CHECK_EQ(pread(fd, buf, 7, 0), 7);
    buf[7] = 0;
    printf("MAP_PRIVATE store stays private: file has [%s], mapping has [%.7s]\n", buf, priv);
    munmap(priv, len);

    char *off = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 2 * page);
    printf("mapping at offset 2 pages: [%s]\n", off);
    munmap(off, (size_t)page);
    errno = 0;
    void *bad = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 1);
    printf("unaligned offset: %s errno=%s\n", bad == MAP_FAILED ? "MAP_FAILED" : "mapped",
           errno == EINVAL ? "EINVAL" : "other");
    close(fd);

    /* The mapping outlives its descriptor. */
    fd = open("mapped.bin", O_RDONLY);
    char *ro = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    printf("after close: [%.26s]\n", ro);
    munmap(ro, len);
    unlink("mapped.bin");

    errno = 0;
    bad = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, 9999, 0);
    printf("bad descriptor: %s errno=%s\n", bad == MAP_FAILED ? "MAP_FAILED" : "mapped",
           errno == EBADF ? "EBADF" : "other");
    errno = 0;
    bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("zero length: %s errno=%s\n", bad == MAP_FAILED ? "MAP_FAILED" : "mapped",
           errno == EINVAL ? "EINVAL" : "other");
}

static void across_fork(void) {
    volatile int *shared = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *private = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED && private != MAP_FAILED);
    *shared = 1;
    *private = 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        *shared = 42;
        *private = 42;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("after the child's stores: MAP_SHARED sees %d, MAP_PRIVATE sees %d\n", *shared, *private);

    int fd = open("shared.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, page);
    char *f = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        strcpy(f, "from the child");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("shared file mapping after the child's store: [%s]\n", f);
    munmap(f, (size_t)page);
    close(fd);
    unlink("shared.bin");
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    anonymous();
    files();
    across_fork();
    return CHECK_STATUS();
}
