/* qsort and qsort_r: arrays of many sizes, element widths and orders
 * (random, sorted, reversed, few distinct values, organ pipe, sawtooth,
 * all equal, an array the median of three pivot handles worst) sorted with a
 * total order (key, then the element's original position), so the sorted
 * array is unique: it is checked to be ordered and a permutation of the
 * input, and a digest of every sorted array is printed to compare with the
 * native build. The comparator checks that it is only ever given pointers
 * to elements of the array being sorted, and that qsort_r passes its
 * argument through. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static uint64_t rng_state = 0x853c49e6748fea9bu;

static uint64_t next_random(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The array being sorted, for the comparator's pointer checks. */
static const unsigned char *sorted_base;
static size_t sorted_count, sorted_width;
static unsigned long bad_pointers, comparisons;

/* An element: its key in the first 4 bytes, its original position in the
 * next 4, padding up to the width (width 8, 12 or 20 bytes; width 4 keys
 * only, where equal keys are indistinguishable anyway). */
static uint32_t key_of(const unsigned char *e) {
    uint32_t k;
    memcpy(&k, e, 4);
    return k;
}

static uint32_t position_of(const unsigned char *e) {
    uint32_t p = 0;
    if (sorted_width >= 8) memcpy(&p, e + 4, 4);
    return p;
}

static void check_pointer(const void *p) {
    const unsigned char *e = p;
    if (e < sorted_base || e >= sorted_base + sorted_count * sorted_width || (size_t)(e - sorted_base) % sorted_width)
        bad_pointers++;
}

static int total_order(const void *a, const void *b) {
    check_pointer(a);
    check_pointer(b);
    comparisons++;
    uint32_t ka = key_of(a), kb = key_of(b);
    if (ka != kb) return ka < kb ? -1 : 1;
    uint32_t pa = position_of(a), pb = position_of(b);
    return (pa > pb) - (pa < pb);
}

static int total_order_r(const void *a, const void *b, void *arg) {
    if (arg != &sorted_base) bad_pointers++;
    return total_order(a, b);
}

enum order { RANDOM, SORTED, REVERSED, FEW, ORGAN_PIPE, SAWTOOTH, EQUAL, MEDIAN_OF_3_KILLER, ORDERS };
static const char *const order_names[] = {"random", "sorted", "reversed", "few", "organ-pipe", "sawtooth", "equal",
                                          "median-of-3-killer"};

static uint32_t key_for(enum order order, size_t i, size_t n) {
    switch (order) {
    case RANDOM: return (uint32_t)next_random();
    case SORTED: return (uint32_t)i;
    case REVERSED: return (uint32_t)(n - i);
    case FEW: return (uint32_t)(next_random() % 4);
    case ORGAN_PIPE: return (uint32_t)(i < n / 2 ? i : n - i);
    case SAWTOOTH: return (uint32_t)(i % 97);
    case EQUAL: return 7;
    default: /* Musser's sequence: 1, k+2, 3, k+4, ... then 2, 4, 6, ... (k = n/2) */
        if (i < n / 2) return (uint32_t)(i % 2 ? n / 2 + i + 1 : i + 1);
        return (uint32_t)((i - n / 2 + 1) * 2);
    }
}

static uint64_t digest = 0xcbf29ce484222325u;

static void sort_one(size_t n, size_t width, enum order order, int reentrant) {
    unsigned char *a = malloc(n * width + 1), *orig = malloc(n * width + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char *e = a + i * width;
        memset(e, 0xa5, width);
        uint32_t k = key_for(order, i, n), p = (uint32_t)i;
        memcpy(e, &k, 4);
        if (width >= 8) memcpy(e + 4, &p, 4);
    }
    memcpy(orig, a, n * width);
    sorted_base = a;
    sorted_count = n;
    sorted_width = width;
    if (reentrant)
        qsort_r(a, n, width, total_order_r, &sorted_base);
    else
        qsort(a, n, width, total_order);
    /* ordered, and a permutation: every original position appears once */
    unsigned long unordered = 0, lost = 0;
    for (size_t i = 1; i < n; i++)
        if (total_order(a + (i - 1) * width, a + i * width) > 0) unordered++;
    if (width >= 8) {
        unsigned char *seen = calloc(n, 1);
        for (size_t i = 0; i < n; i++) {
            uint32_t p = position_of(a + i * width);
            if (p >= n || seen[p]++ ||
                memcmp(a + i * width, orig + (size_t)p * width, width))
                lost++;
        }
        free(seen);
    }
    CHECK_EQ(unordered, 0);
    CHECK_EQ(lost, 0);
    for (size_t i = 0; i < n * width; i++) digest = (digest ^ a[i]) * 0x100000001b3u;
    free(a);
    free(orig);
}

int main(void) {
    static const size_t widths[] = {4, 8, 12, 20};
    static const size_t sizes[] = {0, 1, 2, 3, 5, 8, 12, 13, 16, 31, 64, 100, 129, 200, 1000, 4097, 30000};
    unsigned long sorts = 0;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int order = 0; order < ORDERS; order++) {
                sort_one(sizes[s], widths[w], order, (int)(sorts % 2));
                sorts++;
            }
    /* one large array per order, where the worst cases would show */
    for (int order = 0; order < ORDERS; order++) {
        comparisons = 0;
        sort_one(200000, 8, order, 0);
        /* a bound any O(n log n) sort meets (n log2 n is 3.5M): catches quadratic behaviour */
        printf("200000 %s: comparisons within 4 n log2 n: %d\n", order_names[order], comparisons < 14200000);
        sorts++;
    }
    printf("%lu sorts, digest %016" PRIx64 "\n", sorts, digest);
    CHECK_EQ(bad_pointers, 0);
    return CHECK_STATUS();
}
