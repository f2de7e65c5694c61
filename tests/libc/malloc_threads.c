/* malloc/calloc/realloc/free from many threads at once. Each thread keeps a
 * pool of blocks filled with a pattern derived from (thread, slot, size),
 * reallocates and frees them in a pseudo-random order, and verifies every
 * byte before letting a block go, so heap corruption or a block handed to
 * two threads shows up as a checksum mismatch. Then the allocator's edges
 * (sizes, alignments, realloc across size classes, calloc of reused memory,
 * malloc_usable_size), blocks freed by another thread than the one that
 * allocated them, fork from a threaded program, and that a double free and
 * a free of a non-heap pointer kill the process (glibc aborts; musl crashes). */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define THREADS 8
#define SLOTS 64
#define ROUNDS 3000

struct block {
    unsigned char *data;
    size_t size;
    unsigned char seed;
};

struct result {
    uint64_t checksum;
    unsigned long corrupt;
};

static uint32_t next_random(uint32_t *state) {
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static void fill(struct block *b) {
    for (size_t i = 0; i < b->size; i++)
        b->data[i] = (unsigned char)(b->seed + i * 7);
}

/* Adds the block's bytes to the checksum and counts bytes that differ from
 * the pattern within the first `valid` bytes. */
static unsigned long verify(const struct block *b, size_t valid, uint64_t *checksum) {
    unsigned long bad = 0;
    for (size_t i = 0; i < valid; i++) {
        unsigned char want = (unsigned char)(b->seed + i * 7);
        bad += b->data[i] != want;
        *checksum = *checksum * 31 + b->data[i];
    }
    return bad;
}

static void *worker(void *arg) {
    unsigned id = (unsigned)(uintptr_t)arg;
    struct block pool[SLOTS] = {0};
    struct result *r = calloc(1, sizeof *r);
    uint32_t state = 1234567u * (id + 1);
    for (int round = 0; round < ROUNDS; round++) {
        struct block *b = &pool[next_random(&state) % SLOTS];
        uint32_t op = next_random(&state) % 4;
        /* Mostly small sizes, sometimes large ones that take the mmap path. */
        size_t size = next_random(&state) % 16 == 0 ? 70000 + next_random(&state) % 200000
                                                    : 1 + next_random(&state) % 600;
        if (b->data == NULL) {
            b->data = op == 0 ? calloc(size, 1) : malloc(size);
            if (!b->data) {
                r->corrupt++;
                continue;
            }
            if (op == 0)
                for (size_t i = 0; i < size; i++)
                    r->corrupt += b->data[i] != 0;
            b->size = size;
            b->seed = (unsigned char)(id * 37 + round);
            fill(b);
        } else if (op == 1) {
            size_t keep = size < b->size ? size : b->size;
            unsigned char *grown = realloc(b->data, size);
            if (!grown) {
                r->corrupt++;
                continue;
            }
            b->data = grown;
            r->corrupt += verify(b, keep, &r->checksum);
            b->size = size;
            fill(b);
        } else {
            r->corrupt += verify(b, b->size, &r->checksum);
            free(b->data);
            b->data = NULL;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (pool[i].data) {
            r->corrupt += verify(&pool[i], pool[i].size, &r->checksum);
            free(pool[i].data);
        }
    }
    return r;
}

/* Every size from 0 to 70000 (sparsely above 4 KiB), each block filled and
 * checked after its neighbours were allocated: overlapping blocks show. */
static void sizes(void) {
    enum { N = 600 };
    static unsigned char *blocks[N];
    static size_t lens[N];
    unsigned long bad = 0, small_usable = 0;
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        lens[i] = n;
        blocks[i] = malloc(n);
        if (!blocks[i]) { bad++; continue; }
        if (malloc_usable_size(blocks[i]) < n) small_usable++;
        memset(blocks[i], i & 0xff, n);
        n += n < 4096 ? 7 : n < 40000 ? 997 : 4099;
    }
    for (int i = 0; i < N; i++) {
        for (size_t j = 0; blocks[i] && j < lens[i]; j++) bad += blocks[i][j] != (i & 0xff);
        free(blocks[i]);
    }
    printf("sizes: bad %lu, usable size too small %lu\n", bad, small_usable);
    CHECK_EQ(bad, 0);
    CHECK_EQ(small_usable, 0);
}

/* posix_memalign, aligned_alloc and memalign for alignments from a pointer's
 * to 128 KiB and sizes on both sides of each. */
static void alignments(void) {
    unsigned long misaligned = 0, failed = 0;
    for (size_t align = sizeof(void *); align <= 131072; align *= 2) {
        size_t lens[] = {1, align / 2 + 1, align, align + 1, 3 * align, 40000};
        for (unsigned i = 0; i < sizeof lens / sizeof *lens; i++) {
            void *p = NULL, *q, *r;
            if (posix_memalign(&p, align, lens[i])) { failed++; continue; }
            q = aligned_alloc(align, lens[i]);
            r = memalign(align, lens[i]);
            if (!q || !r) { failed++; free(p); free(q); free(r); continue; }
            misaligned += (uintptr_t)p % align != 0;
            misaligned += (uintptr_t)q % align != 0;
            misaligned += (uintptr_t)r % align != 0;
            failed += malloc_usable_size(p) < lens[i];
            memset(p, 1, lens[i]);
            memset(q, 2, lens[i]);
            memset(r, 3, lens[i]);
            failed += ((unsigned char *)p)[lens[i] - 1] != 1 || ((unsigned char *)q)[0] != 2;
            free(p);
            free(r);
            free(q);
        }
    }
    void *p = (void *)1;
    printf("alignments: misaligned %lu failed %lu, non-power-of-two %d\n", misaligned, failed,
           posix_memalign(&p, 24, 10));
    CHECK_EQ(misaligned, 0);
    CHECK_EQ(failed, 0);
}

/* realloc growing from 1 byte to 300 KB and shrinking back, through every
 * class and into large blocks, keeping the contents. */
static void reallocs(void) {
    unsigned long bad = 0;
    unsigned char *p = NULL;
    size_t n = 0;
    for (size_t next = 1; next <= 300000; next += next / 3 + 1) {
        p = realloc(p, next);
        if (!p) { bad++; break; }
        for (size_t j = 0; j < n; j++) bad += p[j] != (unsigned char)(j * 13);
        for (size_t j = n; j < next; j++) p[j] = (unsigned char)(j * 13);
        n = next;
    }
    while (p && n > 1) {
        n = n * 2 / 3;
        p = realloc(p, n);
        if (!p) { bad++; break; }
        for (size_t j = 0; j < n; j++) bad += p[j] != (unsigned char)(j * 13);
    }
    free(p);
    printf("realloc across classes: bad %lu\n", bad);
    CHECK_EQ(bad, 0);
}

/* calloc must clear memory that was used and freed: fill blocks of several
 * sizes, free them, calloc the same sizes. */
static void calloc_reuse(void) {
    size_t sizes[] = {16, 24, 100, 1000, 5000, 20000, 50000, 200000};
    enum { COPIES = 20 };
    unsigned long dirty = 0;
    for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        void *blocks[COPIES];
        for (int k = 0; k < COPIES; k++) {
            blocks[k] = malloc(sizes[i]);
            CHECK(blocks[k] != NULL);
            memset(blocks[k], 0xa5, sizes[i]);
        }
        for (int k = 0; k < COPIES; k++) free(blocks[k]);
        for (int k = 0; k < COPIES; k++) {
            unsigned char *c = calloc(1, sizes[i]);
            CHECK(c != NULL);
            for (size_t j = 0; j < sizes[i]; j++) dirty += c[j] != 0;
            blocks[k] = c;
        }
        for (int k = 0; k < COPIES; k++) free(blocks[k]);
    }
    printf("calloc of reused memory: dirty bytes %lu\n", dirty);
    CHECK_EQ(dirty, 0);
}

/* Producers allocate and fill blocks, consumers on other threads check and
 * free them: every block is freed by a thread that did not allocate it. */
#define HANDOFF 4000
struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned char *slots[HANDOFF];
    size_t lens[HANDOFF];
    int produced, consumed;
    unsigned long bad;
};

static void *producer(void *arg) {
    struct handoff *h = arg;
    uint32_t state = 99;
    for (int i = 0; i < HANDOFF; i++) {
        size_t n = 1 + next_random(&state) % (i % 50 == 0 ? 60000 : 900);
        unsigned char *p = malloc(n);
        memset(p, (unsigned char)i, n);
        pthread_mutex_lock(&h->lock);
        h->slots[i] = p;
        h->lens[i] = n;
        h->produced = i + 1;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    struct handoff *h = arg;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        while (h->consumed == h->produced && h->consumed < HANDOFF) pthread_cond_wait(&h->cond, &h->lock);
        if (h->consumed == HANDOFF) {
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        int i = h->consumed++;
        unsigned char *p = h->slots[i];
        size_t n = h->lens[i];
        pthread_mutex_unlock(&h->lock);
        unsigned long bad = 0;
        for (size_t j = 0; j < n; j++) bad += p[j] != (unsigned char)i;
        free(p);
        /* Allocate on this thread too, so its cache holds others' blocks. */
        free(malloc(n));
        pthread_mutex_lock(&h->lock);
        h->bad += bad;
        pthread_mutex_unlock(&h->lock);
    }
}

static void cross_thread_frees(void) {
    static struct handoff h = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    pthread_t p, c[3];
    CHECK_EQ(pthread_create(&p, NULL, producer, &h), 0);
    for (int i = 0; i < 3; i++) CHECK_EQ(pthread_create(&c[i], NULL, consumer, &h), 0);
    pthread_join(p, NULL);
    for (int i = 0; i < 3; i++) pthread_join(c[i], NULL);
    printf("blocks freed by another thread: %d, bad %lu\n", h.consumed, h.bad);
    CHECK_EQ(h.bad, 0);
}

/* fork while other threads allocate: the child (one thread) must be able to
 * allocate and free at once, whatever the other threads held. */
static volatile int churning = 1;
static void *churn(void *arg) {
    uint32_t state = (uint32_t)(uintptr_t)arg;
    while (churning) {
        void *p[16];
        for (int i = 0; i < 16; i++) p[i] = malloc(1 + next_random(&state) % 3000);
        for (int i = 0; i < 16; i++) free(p[i]);
    }
    return NULL;
}

static void fork_while_threads_allocate(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) CHECK_EQ(pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)), 0);
    int ok = 0;
    for (int round = 0; round < 5; round++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            unsigned long bad = 0;
            for (int i = 0; i < 2000; i++) {
                size_t n = 1 + (i * 37) % 5000;
                unsigned char *p = malloc(n);
                if (!p) _exit(2);
                memset(p, i, n);
                bad += p[n - 1] != (unsigned char)i;
                if (i % 3) free(p);
            }
            void *big = malloc(1 << 20);
            free(big);
            _exit(bad ? 1 : 0);
        }
        int status;
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    churning = 0;
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    printf("fork from a threaded program, malloc in the child: %d of 5\n", ok);
    CHECK_EQ(ok, 5);
}

/* Each misuse in a child of its own, which must die by a signal (glibc:
 * SIGABRT; musl's allocators: a crash, SIGSEGV natively, a trap under
 * Lamina), never go on. */
static void misuse(const char *what, int mode) {
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        static long not_heap[8];
        char *volatile p = malloc(40);
        memset(p, 1, 40);
        free(p);
        if (mode == 0) free(p);
        else free(&not_heap[4]);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    printf("%s: %s\n", what, WIFSIGNALED(status) ? "killed by a signal" : "not stopped");
    CHECK(WIFSIGNALED(status));
}

int main(void) {
    pthread_t threads[THREADS];
    for (unsigned i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, worker, (void *)(uintptr_t)i), 0);
    uint64_t total = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        void *ret;
        CHECK_EQ(pthread_join(threads[i], &ret), 0);
        struct result *r = ret;
        printf("thread %u: checksum %016llx corrupt %lu\n", i, (unsigned long long)r->checksum, r->corrupt);
        CHECK_EQ(r->corrupt, 0);
        total ^= r->checksum;
        free(r);
    }
    printf("combined checksum %016llx\n", (unsigned long long)total);

    /* A block freed by one thread can be reused by another: memory must be
     * usable after a cross-thread free. */
    void *p = malloc(100);
    memset(p, 0xab, 100);
    free(p);
    void *q = realloc(NULL, 50);
    CHECK(q != NULL);
    memset(q, 0xcd, 50);
    q = realloc(q, 0x100000);
    CHECK(q != NULL);
    printf("large realloc kept prefix: %d\n", ((unsigned char *)q)[49] == 0xcd);
    free(q);
    void *aligned = NULL;
    CHECK_EQ(posix_memalign(&aligned, 4096, 1000), 0);
    printf("posix_memalign aligned: %d\n", (uintptr_t)aligned % 4096 == 0);
    free(aligned);
    aligned = aligned_alloc(64, 640);
    printf("aligned_alloc aligned: %d\n", (uintptr_t)aligned % 64 == 0);
    free(aligned);
    /* volatile: compilers may elide an unused allocation and fold the test. */
    void *volatile huge = calloc((size_t)-1 / 2, 4);
    printf("calloc overflow: %s errno=%d\n", huge == NULL ? "NULL" : "non-NULL", errno);
    free(huge);

    sizes();
    alignments();
    reallocs();
    calloc_reuse();
    cross_thread_frees();
    fork_while_threads_allocate();
    misuse("double free", 0);
    misuse("free of a static object", 1);
    return CHECK_STATUS();
}
