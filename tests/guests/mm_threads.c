/* Guest threads mapping, filling, protecting, moving and unmapping memory at
 * the same time: every mapping keeps its own contents, fresh mappings are
 * zero, and the address space is reused (far more than 2 GiB is mapped in
 * all). Thread stacks are mmap'd too. */
#include "lt_mm.h"
#include "lt_thread.h"

#define THREADS 4
#define ROUNDS 400

static struct lt_thread threads[THREADS];
static volatile int failures[THREADS];

static void churn(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        unsigned len = (unsigned)(((i * 7 + me * 3) % 64 + 1) * PAGE);
        unsigned seed = (unsigned)(me * 1000 + i);
        long r = lt_map_anon(NULL, len, PROT_RW, 0);
        if (lt_failed(r) || !lt_all_zero(lt_ptr(r), len)) { failures[me]++; continue; }
        char *p = lt_ptr(r);
        lt_fill(p, len, seed);
        /* Protect a page and lift it again: the mapping is whole again. */
        if (i % 5 == 0 && (wali_mprotect(p, PAGE, PROT_READ) != 0 || wali_mprotect(p, PAGE, PROT_RW) != 0)) failures[me]++;
        if (i % 3 == 0) {
            long g = wali_mremap(p, len, 2 * len, MREMAP_MAYMOVE, NULL);
            if (lt_failed(g)) { failures[me]++; continue; }
            p = lt_ptr(g);
            if (!lt_all_zero(p + len, len)) failures[me]++;
            len *= 2;
        }
        if (!lt_holds(p, i % 3 == 0 ? len / 2 : len, seed)) failures[me]++;
        /* 2 MiB extra each round: 3.2 GiB mapped over the run. */
        long big = lt_map_anon(NULL, 2u << 20, PROT_RW, MAP_NORESERVE);
        if (lt_failed(big)) failures[me]++;
        else {
            lt_ptr(big)[(2u << 20) - 1] = 1;
            if (wali_munmap(lt_ptr(big), 2u << 20) != 0) failures[me]++;
        }
        if (wali_munmap(p, len) != 0) failures[me]++;
    }
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    for (int i = 0; i < THREADS; i++) {
        long stack = lt_map_anon(NULL, 16 * PAGE, PROT_RW, MAP_STACK);
        expect_true("map a thread stack", !lt_failed(stack));
        threads[i].fn = churn;
        threads[i].arg = (void *)(long)i;
        threads[i].stack_top = lt_ptr(stack) + 16 * PAGE;
        expect_eq("spawn", lt_spawn(&threads[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < THREADS; i++) {
        lt_join(&threads[i]);
        total += failures[i];
    }
    expect_eq("every mapping of every thread behaved", total, 0);
    return lt_failures;
}
