/* string.h: the mem* functions against byte-by-byte reference loops over
 * many lengths and alignments (overlapping moves both ways), and the str*
 * family including tokenisers, duplication and bounded copies. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

#define AREA 512

static unsigned char area[AREA], expect[AREA];

static void pattern(unsigned char *buf, unsigned seed) {
    for (int i = 0; i < AREA; i++)
        buf[i] = (unsigned char)(i * 13 + seed);
}

/* memcpy, memmove (both directions) and memset for lengths up to 240 (all
 * below 70) and every source/destination misalignment up to 7, against
 * naive loops. */
static void mem_exhaustive(void) {
    unsigned long mismatches = 0, cases = 0;
    for (size_t len = 0; len <= 240; len += (len < 70 ? 1 : 17)) {
        for (size_t dst = 0; dst < 8; dst++) {
            for (size_t src = 0; src < 8; src++) {
                pattern(area, 1);
                pattern(expect, 1);
                memcpy(area + dst, area + 256 + src, len);
                for (size_t i = 0; i < len; i++)
                    expect[dst + i] = expect[256 + src + i];
                mismatches += memcmp(area, expect, AREA) != 0;

                /* Overlapping forward and backward moves. */
                for (int dir = 0; dir < 2; dir++) {
                    size_t from = dir ? 64 + src : 64 + src + 5, to = dir ? 64 + dst + 5 : 64 + dst;
                    pattern(area, 2);
                    pattern(expect, 2);
                    memmove(area + to, area + from, len);
                    unsigned char tmp[AREA];
                    memcpy(tmp, expect + from, len);
                    for (size_t i = 0; i < len; i++)
                        expect[to + i] = tmp[i];
                    mismatches += memcmp(area, expect, AREA) != 0;
                }

                pattern(area, 3);
                pattern(expect, 3);
                memset(area + dst, (int)(0x100 + src), len);
                for (size_t i = 0; i < len; i++)
                    expect[dst + i] = (unsigned char)src;
                mismatches += memcmp(area, expect, AREA) != 0;
                cases += 4;
            }
        }
    }
    printf("mem exhaustive: %lu cases, %lu mismatches\n", cases, mismatches);
    CHECK_EQ(mismatches, 0);
}

static int sign(int v) { return (v > 0) - (v < 0); }

/* memcmp against a byte loop: every length to 40, at every alignment of
 * either side, with one byte changed at every position to a smaller and a
 * larger value (high bytes included: the bytes compare as unsigned), and
 * with later bytes also differing (only the first difference counts). */
static void memcmp_exhaustive(void) {
    unsigned char x[64], y[64];
    unsigned long cases = 0, wrong = 0;
    for (int len = 0; len <= 40; len++)
        for (int lo = 0; lo < 8; lo++)
            for (int ro = 0; ro < 8; ro++)
                for (int pos = 0; pos <= len; pos++)
                    for (int v = 0; v < 4; v++) {
                        for (int i = 0; i < 48; i++) x[lo + i] = y[ro + i] = (unsigned char)(0x41 + i * 37);
                        int want = 0;
                        if (pos < len) {
                            static const unsigned char deltas[4] = {1, 0xff, 0x80, 0x7f};
                            y[ro + pos] = (unsigned char)(x[lo + pos] + deltas[v]);
                            want = x[lo + pos] < y[ro + pos] ? -1 : 1;
                            if (pos + 1 < len) x[lo + pos + 1] ^= 0xff;
                        }
                        cases++;
                        wrong += sign(memcmp(x + lo, y + ro, (size_t)len)) != want;
                    }
    printf("memcmp exhaustive: %lu cases, %lu wrong\n", cases, wrong);
    CHECK_EQ(wrong, 0);
}

static void mem_search_and_compare(void) {
    const char hay[] = "the quick brown fox jumps over the lazy dog";
    printf("memchr q: %td, memchr none: %d\n", (char *)memchr(hay, 'q', sizeof hay) - hay,
           memchr(hay, 'Z', sizeof hay) == NULL);
    printf("memrchr o: %td\n", (char *)memrchr(hay, 'o', strlen(hay)) - hay);
    printf("memmem 'the l': %td, empty needle: %td\n", (char *)memmem(hay, strlen(hay), "the l", 5) - hay,
           (char *)memmem(hay, strlen(hay), "", 0) - hay);
    unsigned char a[4] = {1, 2, 0x80, 4}, b[4] = {1, 2, 0x7f, 4};
    printf("memcmp signs: %d %d %d %d\n", sign(memcmp(a, b, 4)), sign(memcmp(b, a, 4)), sign(memcmp(a, b, 2)),
           sign(memcmp(a, b, 0)));
    char buf[16];
    memset(buf, 'x', sizeof buf);
    bzero(buf + 4, 4);
    printf("bzero: %d %d %d\n", buf[3], buf[4], buf[8]);
    char *end = mempcpy(buf, "abc", 3);
    printf("mempcpy end offset %td\n", end - buf);
    printf("memccpy stops after ':': %td\n", (char *)memccpy(buf, "key:value", ':', 9) - buf);
    printf("ffs: %d %d %d %d\n", ffs(0), ffs(1), ffs(0x80), ffs(INT32_MIN));
}

static void str_basics(void) {
    char buf[64];
    printf("strlen: %zu %zu, strnlen: %zu %zu\n", strlen(""), strlen("hello"), strnlen("hello", 3),
           strnlen("hi", 10));
    strcpy(buf, "foo");
    strcat(buf, "bar");
    strncat(buf, "bazqux", 3);
    printf("strcpy/strcat/strncat: [%s]\n", buf);
    char padded[8];
    memset(padded, 'X', sizeof padded);
    strncpy(padded, "ab", sizeof padded);
    printf("strncpy pads with NUL: %d %d %d\n", padded[2], padded[5], padded[7]);
    memset(padded, 'X', sizeof padded);
    strncpy(padded, "abcdefghij", 4);
    printf("strncpy no terminator: %c%c%c%c then %c\n", padded[0], padded[1], padded[2], padded[3], padded[4]);
    char *p = stpcpy(buf, "stp");
    p = stpcpy(p, "cpy");
    printf("stpcpy chain: [%s] len %td\n", buf, p - buf);
    printf("strlcpy-like via snprintf: %d\n", snprintf(buf, 4, "%s", "truncated"));

    printf("strcmp: %d %d %d %d\n", sign(strcmp("abc", "abd")), sign(strcmp("abc", "abc")), sign(strcmp("b", "abc")),
           sign(strcmp("\xff", "a")));
    printf("strncmp: %d %d\n", sign(strncmp("abcX", "abcY", 3)), sign(strncmp("abcX", "abcY", 4)));
    printf("strcasecmp: %d %d %d\n", sign(strcasecmp("HeLLo", "hello")), sign(strcasecmp("a", "B")),
           sign(strncasecmp("ABCd", "abce", 3)));
    printf("strcoll C locale: %d\n", sign(strcoll("apple", "banana")));
    const char *s = "path/to/some/file.txt";
    printf("strchr '/': %s | strrchr '/': %s | strchr NUL at %td\n", strchr(s, '/'), strrchr(s, '/'),
           strchr(s, '\0') - s);
    printf("strstr: [%s] [%s] none: %d\n", strstr(s, "some"), strstr(s, ""), strstr(s, "xyz") == NULL);
    printf("strcasestr: [%s]\n", strcasestr("Hello World", "WORLD"));
    printf("strspn: %zu strcspn: %zu strpbrk: [%s]\n", strspn("aaabbbccc", "ab"), strcspn("hello, world", ",;"),
           strpbrk("key=value;other", ";="));
    printf("strchrnul missing -> end: %td\n", strchrnul(s, '#') - s);
}

static void tokenisers(void) {
    char text[] = ";;alpha;beta;;gamma;";
    printf("strtok:");
    for (char *t = strtok(text, ";"); t; t = strtok(NULL, ";"))
        printf(" [%s]", t);
    printf("\n");

    /* Nested tokenising needs the reentrant form. */
    char table[] = "a=1,b=2,c=3";
    char *outer_save, *inner_save;
    printf("strtok_r:");
    for (char *pair = strtok_r(table, ",", &outer_save); pair; pair = strtok_r(NULL, ",", &outer_save)) {
        char *key = strtok_r(pair, "=", &inner_save);
        char *value = strtok_r(NULL, "=", &inner_save);
        printf(" %s->%s", key, value);
    }
    printf("\n");

    char fields[] = "x,,y,";
    char *cursor = fields, *f;
    printf("strsep keeps empty fields:");
    while ((f = strsep(&cursor, ",")) != NULL)
        printf(" [%s]", f);
    printf("\n");
}

static void duplication_and_errors(void) {
    char *d = strdup("duplicate me");
    char *n = strndup("duplicate me", 9);
    printf("strdup [%s] strndup [%s] len %zu\n", d, n, strlen(n));
    CHECK(d != NULL && n != NULL);
    free(d);
    free(n);

    /* Message texts differ between C libraries except for a few; the codes
     * themselves are what programs compare. */
    printf("errno codes: ENOENT=%d EACCES=%d EINVAL=%d EAGAIN=%d EINTR=%d ENOSYS=%d ERANGE=%d EEXIST=%d\n", ENOENT,
           EACCES, EINVAL, EAGAIN, EINTR, ENOSYS, ERANGE, EEXIST);
    printf("strerror(ENOENT): %s\n", strerror(ENOENT));
    printf("strerror(EACCES): %s\n", strerror(EACCES));
    printf("strerror(EINVAL): %s\n", strerror(EINVAL));
    CHECK(strcmp(strerror(EPERM), strerror(ENOENT)) != 0);
}

int main(void) {
    mem_exhaustive();
    memcmp_exhaustive();
    mem_search_and_compare();
    str_basics();
    tokenisers();
    duplication_and_errors();
    return CHECK_STATUS();
}
