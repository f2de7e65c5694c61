/* The printf family: integer, floating and string conversions with flags,
 * widths and precisions; snprintf truncation and return values; vsnprintf,
 * asprintf, dprintf and positional arguments. */
#define _GNU_SOURCE
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static int format_into(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void integers(void) {
    printf("[%d] [%i] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-8.3d|]\n", 42, -42, 42, 42, 42, 42, 42, 7,
           -7, 7);
    printf("[%d] [%d] [%u] [%ld] [%ld] [%lu]\n", INT_MAX, INT_MIN, UINT_MAX, (long)INT_MAX, (long)INT_MIN,
           (unsigned long)UINT_MAX);
    /* The limits of long depend on the C ABI (the WALI build may have a
     * 32-bit long): %ld and %lu must print them as %lld and %llu do. */
    char l[64], ll[64];
    snprintf(l, sizeof l, "%ld %ld %lu", LONG_MAX, LONG_MIN, ULONG_MAX);
    snprintf(ll, sizeof ll, "%lld %lld %llu", (long long)LONG_MAX, (long long)LONG_MIN,
             (unsigned long long)ULONG_MAX);
    printf("long limits print as long long: %d\n", strcmp(l, ll) == 0);
    printf("[%lld] [%lld] [%llu]\n", LLONG_MAX, LLONG_MIN, ULLONG_MAX);
    /* glibc's L before an integer conversion, the same as ll (Debian's
     * bzip2recover prints its 64-bit bit offsets with %Lu). */
    printf("[%Lu] [%Ld] [%Lx] [%5Lo] [%Li]\n", ULLONG_MAX, LLONG_MIN, 0x123456789abcULL, 8ULL, -5LL);
    printf("[%hd] [%hhd] [%hu] [%hhu]\n", (short)-12345, (signed char)-100, (unsigned short)65535,
           (unsigned char)200);
    printf("[%zu] [%zd] [%td] [%jd] [%ju]\n", (size_t)123456, (ssize_t)-5, (ptrdiff_t)-77, (intmax_t)INT64_MIN,
           (uintmax_t)UINT64_MAX);
    printf("[%x] [%X] [%#x] [%#X] [%08x] [%#010x] [%lx] [%llx]\n", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu,
           0xbeefu, 0xdeadbeefUL, 0x123456789abcdefULL);
    printf("[%o] [%#o] [%#o] [%.0d] [%.0x] [%#.0o]\n", 8u, 8u, 0u, 0, 0u, 0u);
    printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 1, 6, 2, 4, 3, 7, 5, 4);
    printf("[%*d] (negative width means left-justify)\n", -6, 9);
    printf("[%" PRId64 "] [%" PRIu64 "] [%" PRIx32 "]\n", (int64_t)-1, (uint64_t)1 << 63, (uint32_t)0xabcdef);
    int count = 0;
    printf("counted%n chars\n", &count);
    printf("%%n stored %d\n", count);
}

static void floats(void) {
    const double values[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 123456.789, 1e-10, 6.02214076e23, 1e300,
                             DBL_MIN, DBL_MAX, 0.5, 2.5, 1e15, 1e16, 9.999999e-5};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        double v = values[i];
        printf("%zu: f[%f] e[%e] g[%g] .3f[%.3f] .10e[%.10e] .17g[%.17g] a[%a] .3a[%.3a]\n", i, v, v, v, v, v, v, v,
               v);
    }
    /* %a of a subnormal is not pinned down: glibc keeps the 0x0.…p-1022
     * form, musl normalises, so print only the decimal forms. */
    printf("subnormal: [%e] [%.17g] [%.3f]\n", 5e-324, 5e-324, -5e-324);
    printf("[%10.3f] [%-10.3f|] [%+.2f] [% .2f] [%010.3f] [%#.0f] [%.0f] [%.0f] [%.0f]\n", 3.14159, 3.14159, 2.0,
           2.0, -3.14159, 3.0, 0.5, 1.5, 2.5);
    printf("[%#g] [%#.3g] [%g] [%g] [%g] [%G] [%E]\n", 1.0, 1.0, 100000.0, 1000000.0, 0.0001, 1e-5, 12345.678);
    printf("[%f] [%f] [%F] [%e] [%g] [%5.1f] [%-6f|]\n", INFINITY, -INFINITY, INFINITY, NAN, -NAN, INFINITY, NAN);
    printf("[%A] [%a] [%a] [%a]\n", 1.0, -0.75, 1024.0, 0x1.fffffffffffffp+1023);
    printf("Lf: [%Lf] [%.20Lf] [%Le] [%Lg]\n", 1.0L / 3.0L, 0.1L, 12345.6789L, 1e-3L);
    printf("float promoted: [%f] [%.9g]\n", 0.1f, 0.1f);
    printf("[%.40f]\n", 0.1);
    printf("[%.60e]\n", 1.0 / 7.0);
    printf("[%.0e] [%.0g] [%.1g] [%.2g]\n", 15.0, 15.0, 0.15, 995.0);
}

static void strings_and_chars(void) {
    printf("[%s] [%10s] [%-10s|] [%.3s] [%10.2s] [%-*.*s|]\n", "hello", "hi", "hi", "truncate", "abc", 5, 2, "xyz");
    printf("[%c] [%3c] [%-3c|] [%c]\n", 'a', 'b', 'c', 0x41);
    printf("[%s]\n", "");
    printf("positional: %2$s %1$s %2$s; %3$*4$d|\n", "world", "hello", 7, 4);
}

static void truncation(void) {
    char buf[8];
    memset(buf, 'X', sizeof buf);
    int n = snprintf(buf, sizeof buf, "%s", "0123456789");
    printf("snprintf(8, 10 chars) = %d, buf=[%s]\n", n, buf);
    CHECK_EQ(n, 10);
    CHECK_EQ(buf[7], '\0');
    memset(buf, 'X', sizeof buf);
    n = snprintf(buf, 1, "abc");
    printf("snprintf(1) = %d, buf[0]=%d buf[1]=%c\n", n, buf[0], buf[1]);
    memset(buf, 'X', sizeof buf);
    n = snprintf(buf, 0, "%d", 12345);
    printf("snprintf(0) = %d, untouched: %c\n", n, buf[0]);
    n = snprintf(NULL, 0, "%08.3f|%s", -1.5, "tail");
    printf("snprintf(NULL, 0) = %d\n", n);
    n = format_into(buf, sizeof buf, "%d-%d-%d", 1, 22, 333);
    printf("vsnprintf = %d [%s]\n", n, buf);

    char big[600];
    n = snprintf(big, sizeof big, "%500d|", 1);
    printf("wide field: %d, last chars [%s]\n", n, big + 495);

    char *s = NULL;
    n = asprintf(&s, "%s=%d", "answer", 42);
    printf("asprintf = %d [%s]\n", n, s);
    free(s);

    fflush(stdout);
    n = dprintf(STDOUT_FILENO, "dprintf straight to fd %d\n", STDOUT_FILENO);
    printf("dprintf returned %d\n", n);

    char wbuf[64];
    n = sprintf(wbuf, "%s|%5.1f|%-4d|%c", "ab", 9.96, 3, 'z');
    printf("sprintf = %d [%s]\n", n, wbuf);
    CHECK_EQ(n, (int)strlen(wbuf));
}

int main(void) {
    integers();
    floats();
    strings_and_chars();
    truncation();
    return CHECK_STATUS();
}
