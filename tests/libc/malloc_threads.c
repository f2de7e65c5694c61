/* malloc/calloc/realloc/free from many threads at once. Each thread keeps a
 * pool of blocks filled with a pattern derived from (thread, slot, size),
 * reallocates and frees them in a pseudo-random order, and verifies every
 * byte before letting a block go, so heap corruption or a block handed to
 * two threads shows up as a checksum mismatch. */
#include <errno.h>
#include <pthread.h>
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
    return CHECK_STATUS();
}
