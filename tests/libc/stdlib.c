/* stdlib and friends: qsort/bsearch (large and small arrays, total orders
 * so the result is unique), string to number conversions with end pointers
 * and overflow, integer arithmetic helpers, ctype in the C locale over all
 * byte values, and pattern matching (fnmatch, glob, POSIX regex). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

struct record {
    int key;
    int index;
};

static int by_key_then_index(const void *a, const void *b) {
    const struct record *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void sorting(void) {
    enum { N = 50000 };
    static struct record recs[N];
    uint32_t state = 12345;
    for (int i = 0; i < N; i++) {
        state = state * 1664525u + 1013904223u;
        recs[i].key = (int)(state >> 20) - 2048; /* many duplicates, negatives */
        recs[i].index = i;
    }
    qsort(recs, N, sizeof recs[0], by_key_then_index);
    int sorted = 1;
    uint64_t hash = 0;
    for (int i = 0; i < N; i++) {
        if (i && by_key_then_index(&recs[i - 1], &recs[i]) >= 0)
            sorted = 0;
        hash = hash * 1000003u + (uint64_t)(recs[i].key * 31 + recs[i].index);
    }
    printf("qsort %d records: sorted %d, hash %016" PRIx64 ", first key %d, last key %d\n", N, sorted, hash,
           recs[0].key, recs[N - 1].key);

    int small[] = {5, -1, 3, 3, 0, 9, -7, 2};
    qsort(small, 8, sizeof small[0], compare_ints);
    printf("small:");
    for (int i = 0; i < 8; i++)
        printf(" %d", small[i]);
    printf("\n");
    qsort(small, 0, sizeof small[0], compare_ints);
    qsort(small, 1, sizeof small[0], compare_ints);

    int keys[] = {-7, 3, 4, 9, 10};
    for (int i = 0; i < 5; i++) {
        int *hit = bsearch(&keys[i], small, 8, sizeof small[0], compare_ints);
        printf("bsearch %d: %s\n", keys[i], hit ? (*hit == keys[i] ? "found" : "wrong") : "absent");
    }
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date"};
    qsort(words, 6, sizeof words[0], compare_strings);
    printf("strings:");
    for (int i = 0; i < 6; i++)
        printf(" %s", words[i]);
    const char *want = "date";
    const char **w = bsearch(&want, words, 6, sizeof words[0], compare_strings);
    printf(" | bsearch date at %td\n", w ? w - words : -1);
}

/* Only ERANGE on overflow is required; EINVAL for "no conversion" is
 * optional (musl sets it, glibc does not), and glibc leaves the end pointer
 * alone for an invalid base. */
static void show_long(const char *s, int base) {
    char *end = (char *)s;
    errno = 0;
    long v = strtol(s, &end, base);
    int e = errno;
    printf("strtol(\"%s\", %d) = %ld, consumed %td%s\n", s, base, v, end - s, e == ERANGE ? ", ERANGE" : "");
}

/* ERANGE is required on overflow; on underflow it is implementation-defined
 * (glibc sets it for any subnormal result, musl only when precision is lost),
 * so it is printed for infinite results only. */
static void show_double(const char *s) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int e = errno;
    if (v != v)
        printf("strtod(\"%s\") = nan, consumed %td\n", s, end - s);
    else
        printf("strtod(\"%s\") = %.17g, consumed %td%s\n", s, v, end - s, isinf(v) && e == ERANGE ? ", ERANGE" : "");
}

/* strtol at the limits of long, whose size the C ABI chooses (the WALI build
 * may have a 32-bit long, the native one has 64), so only the outcome is
 * printed: the limit itself, ERANGE just past it. */
static void long_limits(void) {
    char text[4][32];
    snprintf(text[0], sizeof text[0], "%ld", LONG_MAX);
    snprintf(text[1], sizeof text[1], "%lu", (unsigned long)LONG_MAX + 1);
    snprintf(text[2], sizeof text[2], "%ld", LONG_MIN);
    snprintf(text[3], sizeof text[3], "-%lu", (unsigned long)LONG_MAX + 2);
    const long want[4] = {LONG_MAX, LONG_MAX, LONG_MIN, LONG_MIN};
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        long v = strtol(text[i], &end, 0);
        printf("strtol(LONG_%s%s): limit %d, consumed all %d, ERANGE %d\n", i < 2 ? "MAX" : "MIN",
               i % 2 ? " beyond" : "", v == want[i], *end == 0, errno == ERANGE);
    }
    printf("strtoul(\"-1\") == ULONG_MAX: %d\n", strtoul("-1", NULL, 10) == ULONG_MAX);
}

static void conversions(void) {
    const char *longs[] = {"0", "  +42", "-17xyz", "0x1F", "0X1f", "017", "08", "0x", "zz", "", "   "};
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++)
        show_long(longs[i], 0);
    long_limits();
    show_long("1010", 2);
    show_long("zZ", 36);
    show_long("ff", 16);
    show_long("0xff", 16);
    show_long("777", 8);
    show_long("12", 1);
    show_long("12", 37);
    char *end;
    errno = 0;
    unsigned long long u = strtoull("18446744073709551615", &end, 10);
    printf("strtoull max: %llu errno %d\n", u, errno);
    errno = 0;
    u = strtoull("18446744073709551616", &end, 10);
    printf("strtoull overflow: %llu ERANGE %d\n", u, errno == ERANGE);
    printf("strtoull(\"-2\") = %llu\n", strtoull("-2", NULL, 10));
    printf("strtoimax: %jd strtoumax: %ju\n", strtoimax("-123456789012", NULL, 10), strtoumax("0777", NULL, 0));
    printf("atoi: %d %d %d atol: %ld atoll: %lld\n", atoi("  12abc"), atoi("-0"), atoi("x"), atol("-99999"),
           atoll("123456789012345"));

    const char *doubles[] = {"0", "-0", "3.14159", "  -12.5e-3xyz", "1e308", "1e309", "-1e309", "1e-320", "1e-400",
                             "0x1.8p3", "0X.8P-2", "inf", "-Infinity", "nan", "NAN(123)", ".5", "5.", ".", "e5",
                             "1e", "1e+", "0.1", "2.2250738585072011e-308", "4.9406564584124654e-324",
                             "123456789012345678901234567890", "1.7976931348623157e308", "0x1p-1074"};
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++)
        show_double(doubles[i]);
    printf("strtof: %.9g %.9g\n", strtof("0.1", NULL), strtof("3.4028235e38", NULL));
    printf("strtold: %.15Lg %.15Lg\n", strtold("0.1", NULL), strtold("1e4000", NULL));
    printf("atof: %.17g\n", atof("2.5e-3"));
}

static void arithmetic(void) {
    div_t d = div(-7, 2);
    ldiv_t ld = ldiv(-2000000000L, 7);
    lldiv_t lld = lldiv(-100000000000LL, 3);
    printf("div: %d %d ldiv: %ld %ld lldiv: %lld %lld\n", d.quot, d.rem, ld.quot, ld.rem, lld.quot, lld.rem);
    printf("abs: %d labs: %ld llabs: %lld imaxabs: %jd\n", abs(-5), labs(-2000000000L), llabs(LLONG_MIN + 1),
           imaxabs(-3));
    srand(7);
    int first[5], again[5];
    for (int i = 0; i < 5; i++)
        first[i] = rand();
    srand(7);
    for (int i = 0; i < 5; i++)
        again[i] = rand();
    printf("rand repeats after srand: %d, within RAND_MAX: %d\n", memcmp(first, again, sizeof first) == 0,
           first[0] >= 0 && first[0] <= RAND_MAX);
}

static void character_classes(void) {
    /* One checksum per classification function over every byte value. */
    int (*fns[])(int) = {isalnum, isalpha, isblank, iscntrl, isdigit, isgraph,
                         islower, isprint, ispunct, isspace, isupper, isxdigit};
    const char *names[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
                           "lower", "print", "punct", "space", "upper", "xdigit"};
    for (int f = 0; f < 12; f++) {
        int count = 0;
        unsigned hash = 0;
        for (int c = 0; c < 256; c++) {
            int yes = fns[f](c) != 0;
            count += yes;
            hash = hash * 3 + (unsigned)yes * (unsigned)c;
        }
        printf("is%s: %d chars, hash %08x, EOF: %d\n", names[f], count, hash, fns[f](EOF) != 0);
    }
    unsigned up = 0, low = 0;
    for (int c = -1; c < 256; c++) {
        up = up * 31 + (unsigned)toupper(c);
        low = low * 31 + (unsigned)tolower(c);
    }
    printf("toupper hash %08x tolower hash %08x\n", up, low);
    printf("isascii(200)=%d toascii(200)=%d\n", isascii(200) != 0, toascii(200));
}

static void patterns(void) {
    const char *pats[][2] = {{"*.c", "main.c"}, {"*.c", "main.h"}, {"?a[bc]*", "xabz"}, {"[!a-c]x", "dx"},
                             {"[!a-c]x", "bx"}, {"\\*", "*"}, {"a*b", "a/b"}, {"*", ".hidden"}};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        printf("fnmatch(%s, %s) = %s\n", pats[i][0], pats[i][1],
               fnmatch(pats[i][0], pats[i][1], 0) == 0 ? "match" : "no");
    printf("FNM_PATHNAME a*b vs a/b: %s, FNM_PERIOD * vs .hidden: %s\n",
           fnmatch("a*b", "a/b", FNM_PATHNAME) == 0 ? "match" : "no",
           fnmatch("*", ".hidden", FNM_PERIOD) == 0 ? "match" : "no");

    const char *files[] = {"g1.txt", "g2.txt", "g10.txt", "other.dat", ".g3.txt"};
    for (int i = 0; i < 5; i++)
        fclose(fopen(files[i], "w"));
    glob_t g;
    int r = glob("g*.txt", 0, NULL, &g);
    printf("glob g*.txt: %d ->", r);
    for (size_t i = 0; i < g.gl_pathc; i++)
        printf(" %s", g.gl_pathv[i]);
    printf("\n");
    globfree(&g);
    r = glob("nothing*", 0, NULL, &g);
    printf("glob no match: NOMATCH=%d\n", r == GLOB_NOMATCH);
    r = glob("nothing*", GLOB_NOCHECK, NULL, &g);
    printf("glob NOCHECK: %d %s\n", r, g.gl_pathc ? g.gl_pathv[0] : "-");
    globfree(&g);
    for (int i = 0; i < 5; i++)
        unlink(files[i]);

    regex_t re;
    CHECK_EQ(regcomp(&re, "([a-z]+)@([a-z]+)\\.(com|org)", REG_EXTENDED), 0);
    regmatch_t m[4];
    const char *text = "mail bob@example.org now";
    r = regexec(&re, text, 4, m, 0);
    printf("regex: %d", r);
    for (int i = 0; r == 0 && i < 4; i++)
        printf(" [%.*s]", (int)(m[i].rm_eo - m[i].rm_so), text + m[i].rm_so);
    printf("\n");
    printf("regex no match: %d\n", regexec(&re, "nobody here", 0, NULL, 0) == REG_NOMATCH);
    regfree(&re);
    CHECK_EQ(regcomp(&re, "^a.c$", REG_NOSUB | REG_ICASE), 0);
    printf("basic, icase: %d %d\n", regexec(&re, "AbC", 0, NULL, 0), regexec(&re, "abcd", 0, NULL, 0) == REG_NOMATCH);
    regfree(&re);
    printf("bad pattern rejected: %d\n", regcomp(&re, "a(b", REG_EXTENDED) != 0);

    char p1[] = "/usr/lib/libc.so", p2[] = "/usr/lib/libc.so", p3[] = "noslash", p4[] = "/", p5[] = "dir/";
    char p6[] = "noslash", p7[] = "dir/";
    printf("basename: %s %s %s dirname: %s %s %s %s\n", basename(p1), basename(p3), basename(p5), dirname(p2),
           dirname(p6), dirname(p4), dirname(p7));
}

int main(void) {
    sorting();
    conversions();
    arithmetic();
    character_classes();
    patterns();
    return CHECK_STATUS();
}
