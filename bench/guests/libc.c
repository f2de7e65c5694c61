/* libc hot spots, timed inside the program: `libc MODE` runs one of them
 * for a fixed amount of work and prints "ns-per-op: N" (one op: one call,
 * or for qsort one element of the array sorted).
 *
 *   strtod    strtod of a mix of 17-digit (%.17g) and short (%g) numbers
 *   printf17  snprintf "%.17g" of doubles
 *   printfg   snprintf "%g" of doubles
 *   qsort-random, qsort-sorted, qsort-reversed, qsort-equal
 *             qsort of 100000 ints (random, ascending, descending, 4 values)
 *   regex-literal, regex-class, regex-groups
 *             regexec of three patterns over log-like lines
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint64_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Doubles of every magnitude a program meets: 1e-30 to 1e30. */
static double random_double(void) {
    double mantissa = (double)(next_random() >> 11) / (double)(1ull << 53);
    int exp10 = (int)(next_random() % 61) - 30;
    double scale = 1;
    for (int i = 0; i < (exp10 < 0 ? -exp10 : exp10); i++) scale *= 10;
    return exp10 < 0 ? mantissa / scale : mantissa * scale;
}

enum { POOL = 4096 };

static volatile double sink;

static double bench_strtod(void) {
    static char pool[POOL][32];
    for (int i = 0; i < POOL; i++) snprintf(pool[i], sizeof pool[i], i % 2 ? "%.17g" : "%g", random_double());
    enum { ROUNDS = 100 };
    double start = now_ns(), sum = 0;
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < POOL; i++) sum += strtod(pool[i], NULL);
    sink = sum;
    return (now_ns() - start) / (ROUNDS * POOL);
}

static double bench_printf(const char *format) {
    static double pool[POOL];
    for (int i = 0; i < POOL; i++) pool[i] = random_double();
    enum { ROUNDS = 100 };
    char buf[64];
    unsigned long total = 0;
    double start = now_ns();
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < POOL; i++) total += snprintf(buf, sizeof buf, format, pool[i]);
    sink = total;
    return (now_ns() - start) / (ROUNDS * POOL);
}

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static double bench_qsort(const char *order) {
    enum { N = 100000, ROUNDS = 10 };
    static int data[N];
    double elapsed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            if (!strcmp(order, "random")) data[i] = (int)next_random();
            else if (!strcmp(order, "sorted")) data[i] = i;
            else if (!strcmp(order, "reversed")) data[i] = N - i;
            else data[i] = (int)(next_random() % 4);
        }
        double start = now_ns();
        qsort(data, N, sizeof data[0], compare_ints);
        elapsed += now_ns() - start;
        for (int i = 1; i < N; i++)
            if (data[i - 1] > data[i]) {
                fprintf(stderr, "qsort: not sorted\n");
                exit(1);
            }
    }
    return elapsed / ((double)ROUNDS * N);
}

static double bench_regex(const char *pattern) {
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED)) {
        fprintf(stderr, "regcomp failed: %s\n", pattern);
        exit(1);
    }
    static char lines[256][128];
    static const char *const levels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
    for (int i = 0; i < 256; i++)
        snprintf(lines[i], sizeof lines[i], "2026-12-05 08:%02d:%02d [%s] worker-%d: request %llu from user%d@example.%s took %dms",
                 i % 60, (i * 7) % 60, levels[i % 4], i % 16, (unsigned long long)(next_random() % 1000000),
                 i % 100, i % 3 ? "com" : "org", (int)(next_random() % 5000));
    enum { ROUNDS = 100 };
    regmatch_t m[4];
    unsigned long matched = 0;
    double start = now_ns();
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < 256; i++) matched += !regexec(&re, lines[i], 4, m, 0);
    double ns = (now_ns() - start) / (ROUNDS * 256);
    sink = matched;
    regfree(&re);
    return ns;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    double ns;
    if (!strcmp(mode, "strtod")) ns = bench_strtod();
    else if (!strcmp(mode, "printf17")) ns = bench_printf("%.17g");
    else if (!strcmp(mode, "printfg")) ns = bench_printf("%g");
    else if (!strncmp(mode, "qsort-", 6)) ns = bench_qsort(mode + 6);
    else if (!strcmp(mode, "regex-literal")) ns = bench_regex("ERROR");
    else if (!strcmp(mode, "regex-class")) ns = bench_regex("[a-z]+[0-9]*@[a-z]+\\.(com|net)");
    else if (!strcmp(mode, "regex-groups")) ns = bench_regex("^([0-9]+)-([0-9]+)-([0-9]+) .*took ([0-9]+)ms$");
    else {
        fprintf(stderr, "usage: libc strtod|printf17|printfg|qsort-{random,sorted,reversed,equal}|"
                        "regex-{literal,class,groups}\n");
        return 2;
    }
    printf("ns-per-op: %.1f\n", ns);
    return 0;
}
