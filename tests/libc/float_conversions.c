/* Decimal <-> binary floating point conversions on millions of values:
 * printf of doubles (%.17g %e %.0f %.40f %g %a ...), strtod, strtof and
 * sscanf's %lf/%f, on pseudo-random bit patterns of every class (normal,
 * subnormal, near DBL_MAX, powers of two, short mantissas), on random
 * decimal strings, on the exact decimal halfway points between adjacent
 * doubles and floats (and strings just below and above them), on hex
 * floats, and on inf/nan spellings and out-of-range inputs with errno.
 *
 * glibc and musl both round correctly, so every output must agree with the
 * native build. Each section prints a running 64-bit hash of everything it
 * produced and counts (so one differing digit anywhere changes the digest)
 * plus every SAMPLE-th line itself (so a mismatch can be located). The only
 * outputs left out are those where the two libraries legitimately differ:
 * %a of subnormals (glibc prints 0x0.xxxp-1022, musl normalizes), the sign
 * and payload of a parsed NaN, errno for subnormal results and sscanf of
 * a prefix of a number (see range_error and special_strings). Round trips
 * and the rounding of halfway points are also checked outright. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Every SAMPLE-th result is printed (-DSAMPLE=1 prints all, to find a
 * difference). */
#ifndef SAMPLE
#define SAMPLE 65536
#endif

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* splitmix64: deterministic on every platform. */
static uint64_t next_random(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

struct digest {
    const char *name;
    uint64_t hash;
    unsigned long count;
};

/* FNV-1a over the bytes, with a separator so "ab","c" != "a","bc". */
static void feed(struct digest *d, const char *s) {
    uint64_t h = d->hash;
    for (const char *c = s; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3u;
    d->hash = (h ^ 0xff) * 0x100000001b3u;
    if (d->count % SAMPLE == 0) printf("%s #%lu: %s\n", d->name, d->count, s);
    d->count++;
}

static void report(const struct digest *d) {
    printf("%s: %lu results, digest %016" PRIx64 "\n", d->name, d->count, d->hash);
}

static double from_bits(uint64_t bits) {
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static uint64_t bits_of(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits;
}

static uint32_t float_bits(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* Whether errno reports a range error for result v. Only for results
 * rounded to zero or infinity: for a subnormal result C leaves it to the
 * implementation (glibc sets ERANGE when the result is inexact, musl when
 * it lost bits of the significand). */
static int range_error(double v, int e) {
    return (v == 0 || isinf(v)) && e == ERANGE;
}

/* A double of one of the classes that stress the conversions. */
static double random_double(unsigned long i) {
    uint64_t r = next_random(), sign = r & (1ull << 63), mant = r & 0xfffffffffffffull;
    uint64_t exp = (next_random() >> 20) % 2047; /* never inf/nan */
    switch (i % 8) {
    case 0: /* subnormal */
        exp = 0;
        break;
    case 1: /* near DBL_MAX */
        exp = 2046 - exp % 4;
        break;
    case 2: /* power of two */
        mant = 0;
        break;
    case 3: /* short mantissa: decimal-looking values */
        mant &= 0xfff0000000000ull;
        break;
    case 4: /* near 1, where %f and %g change form */
        exp = 1023 - 30 + exp % 60;
        break;
    default: /* any finite bit pattern */
        break;
    }
    return from_bits(sign | exp << 52 | mant);
}

static const char *const double_formats[] = {"%.17g", "%e", "%.0f", "%.40f", "%g", "%.3e", "%.25e", "%#.0e", "%+.1f"};

/* printf of random doubles, and strtod/strtof/sscanf of what was printed. */
static void printing(unsigned long n) {
    struct digest printed = {"printf", 0xcbf29ce484222325u, 0};
    struct digest hex = {"printf %a", 0xcbf29ce484222325u, 0};
    struct digest parsed = {"strtod/strtof of printed", 0xcbf29ce484222325u, 0};
    char buf[400];
    unsigned long round_trip_failures = 0;
    for (unsigned long i = 0; i < n; i++) {
        double v = random_double(i);
        for (size_t f = 0; f < sizeof double_formats / sizeof double_formats[0]; f++) {
            snprintf(buf, sizeof buf, double_formats[f], v);
            feed(&printed, buf);
        }
        if (fpclassify(v) == FP_NORMAL || v == 0) {
            snprintf(buf, sizeof buf, "%a %.3A %.0a", v, v, v);
            feed(&hex, buf);
        }
        snprintf(buf, sizeof buf, "%.17g", v);
        double back = strtod(buf, NULL);
        if (bits_of(back) != bits_of(v)) round_trip_failures++;
        float single = strtof(buf, NULL); /* one rounding from the decimal, not two */
        double scanned = 0;
        float scanned_single = 0;
        sscanf(buf, "%lf", &scanned);
        sscanf(buf, "%f", &scanned_single);
        snprintf(buf, sizeof buf, "%08" PRIx32 " %08" PRIx32 " %016" PRIx64, float_bits(single),
                 float_bits(scanned_single), bits_of(scanned));
        feed(&parsed, buf);
        if (bits_of(scanned) != bits_of(v)) round_trip_failures++;
    }
    report(&printed);
    report(&hex);
    report(&parsed);
    CHECK_EQ(round_trip_failures, 0);
}

/* Random decimal strings: 1 to 40 digits, exponents over the whole range. */
static void decimal_strings(unsigned long n) {
    struct digest d = {"strtod/strtof of random decimals", 0xcbf29ce484222325u, 0};
    char s[80], out[64];
    for (unsigned long i = 0; i < n; i++) {
        uint64_t r = next_random();
        int digits = 1 + r % 40, len = 0;
        if (r >> 8 & 1) s[len++] = '-';
        for (int k = 0; k < digits; k++) {
            if (k == 1 && (r >> 9 & 1)) s[len++] = '.';
            s[len++] = '0' + next_random() % 10;
        }
        int exp = (int)((r >> 16) % 700) - 360;
        len += snprintf(s + len, sizeof s - len, "e%d", exp);
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        int e = errno;
        errno = 0;
        float f = strtof(s, NULL);
        snprintf(out, sizeof out, "%016" PRIx64 " %08" PRIx32 " %d %d %td", bits_of(v), float_bits(f),
                 range_error(v, e), range_error(f, errno), end - s);
        feed(&d, out);
    }
    report(&d);
}

/* The exact decimal expansion of the midpoint between two adjacent doubles
 * (or floats) must round to even; a tiny bit above it rounds up, the
 * expansion cut short rounds down. The midpoint is exact in long double
 * (x86's 64-bit or wasm32's 113-bit significand) for doubles and in double
 * for floats, and printf prints it exactly. */
static void halfway_points(unsigned long n) {
    /* appended to the digits of a midpoint: less than any half unit in the last place above it */
    static const char just_above[] = "00000000000000000000001";
    struct digest d = {"halfway points", 0xcbf29ce484222325u, 0};
    static char exact[1200], s[1300];
    char out[80];
    unsigned long wrong = 0;
    for (unsigned long i = 0; i < n; i++) {
        double lo = fabs(random_double(i));
        if (lo == DBL_MAX) continue;
        double hi = nextafter(lo, INFINITY);
        long double mid = ((long double)lo + hi) / 2;
        snprintf(exact, sizeof exact, "%.800Le", mid);
        char *e = strchr(exact, 'e');
        /* the significant digits end before the trailing zeros */
        char *last = e - 1;
        while (*last == '0') last--;
        int sig = (int)(last - exact) + 1; /* past "d.", so digits can be appended */
        CHECK(sig > 2);
        const char *exponent = e;
        double even = (bits_of(lo) & 1) ? hi : lo;
        /* exactly halfway */
        snprintf(s, sizeof s, "%.*s%s", sig, exact, exponent);
        double v = strtod(s, NULL);
        if (v != even) wrong++;
        /* just above: a digit 1e-22 (relative) above */
        snprintf(s, sizeof s, "%.*s%s%s", sig, exact, just_above, exponent);
        double above = strtod(s, NULL);
        if (above != hi) wrong++;
        /* cut short at 17, 20 and 40 digits: just below */
        int cut = 18 + (int)(i % 3) * 10;
        double below = lo;
        if (cut < sig) {
            snprintf(s, sizeof s, "%.*s%s", cut, exact, exponent);
            below = strtod(s, NULL);
            if (below != lo) wrong++;
        }
        snprintf(out, sizeof out, "%d %016" PRIx64 " %016" PRIx64 " %016" PRIx64, sig, bits_of(v), bits_of(above),
                 bits_of(below));
        feed(&d, out);
        /* strtold (computed in long double) of a double's exact expansion is that double */
        if (i % 4 == 0) {
            snprintf(exact, sizeof exact, "%.800e", lo);
            if ((double)strtold(exact, NULL) != lo) wrong++;
        }

        /* the same for floats, with the midpoint exact in double */
        float flo = (float)lo;
        if (!isfinite(flo) || flo == FLT_MAX) continue;
        flo = fabsf(flo);
        float fhi = nextafterf(flo, INFINITY);
        double fmid = ((double)flo + fhi) / 2;
        snprintf(exact, sizeof exact, "%.200e", fmid);
        e = strchr(exact, 'e');
        for (last = e - 1; *last == '0'; last--);
        sig = (int)(last - exact) + 1;
        float feven = (float_bits(flo) & 1) ? fhi : flo;
        snprintf(s, sizeof s, "%.*s%s", sig, exact, e);
        float fv = strtof(s, NULL);
        if (fv != feven) wrong++;
        snprintf(s, sizeof s, "%.*s%s%s", sig, exact, just_above, e);
        float fabove = strtof(s, NULL);
        if (fabove != fhi) wrong++;
        snprintf(out, sizeof out, "%d %08" PRIx32 " %08" PRIx32, sig, float_bits(fv), float_bits(fabove));
        feed(&d, out);
    }
    report(&d);
    CHECK_EQ(wrong, 0);
}

/* Fixed inputs: hex floats, inf/nan spellings, partial numbers, ERANGE. */
static void special_strings(void) {
    static const char *const inputs[] = {
        "0x1.8p3", "0x.1p-1070", "0x1p-1074", "0x1p-1075", "0x1.0000000000001p-1075", "0x1.fffffffffffff8p1023",
        "0X1P+1024", "0x1.fffffffffffff7ffp1023", "-0x0p0", "0x", "0xg", "0x1p", "0x1p+", "0x.p1",
        "0x123456789abcdef0123p-70", "0x1.000001p0", "0x1.0000018p0", "0x1.00000080000001p0", "inf", "-INF",
        "infinity", "InFiNiTy", "infinit", "infx", "nan", "NaN", "-nan", "nan()", "nan(123abc_)", "nan(", "nan(1",
        "  \t+1.5x", "1e", "1e+", "1e+x", ".e1", ".", "-.", "+", "", "1.", ".5", "00000000000000000000001.5",
        "1e309", "-1e309", "1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862315807e308",
        "1.7976931348623159e308", "1e-400", "-1e-400", "4.9406564584124654e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "2.2250738585072011e-308", "2.2250738585072012e-308", "1e-320", "3.4028235e38",
        "3.4028236e38", "3.40282357e38", "3.4028234663852886e38", "1.4e-45", "7.006492e-46", "7.0064923e-46",
        "1.17549435e-38", "1e-50", "1e39", "123456789012345678901234567890", "9007199254740993",
        "9007199254740992.5", "9007199254740993.0000000000000000000000001", "0.1", "0.3", "100000000000000000000000",
        "1e23", "8.589973e9", "1e-5", "2.2250738585072014e-308", "0e999999999", "1e-999999999999999999999",
        "1e999999999999999999999", "0.000000000000000000000000000000000000000000000000000000000001e60",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const char *s = inputs[i];
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        int ev = errno;
        char *fend;
        errno = 0;
        float f = strtof(s, &fend);
        int ef = errno;
        /* sscanf only of complete numbers: of "1e+" glibc converts "1",
         * musl fails as C says it must (a prefix of a number is a matching
         * failure; scanf cannot give back "e+"). */
        double scanned = -1;
        int n = *end ? -2 : sscanf(s, "%lf", &scanned);
        if (isnan(v))
            printf("[%s] strtod nan, end %td; strtof %s, end %td", s, end - s, isnan(f) ? "nan" : "?", fend - s);
        else
            printf("[%s] strtod %016" PRIx64 " (%.17g) end %td%s; strtof %08" PRIx32 " end %td%s", s, bits_of(v), v,
                   end - s, range_error(v, ev) ? " ERANGE" : "", float_bits(f), fend - s,
                   range_error(f, ef) ? " ERANGE" : "");
        if (n == 1 && !isnan(scanned))
            printf("; sscanf %016" PRIx64 "\n", bits_of(scanned));
        else
            printf("; sscanf %d%s\n", n, n == 1 ? " nan" : "");
    }
}

int main(void) {
    printing(100000);
    decimal_strings(300000);
    halfway_points(40000);
    special_strings();
    return CHECK_STATUS();
}
