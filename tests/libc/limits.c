/* Every limit macro of <limits.h> and <stdint.h> against the type it is the
 * limit of: the macro has that type (after the integer promotions, as C
 * says), and the value its size and signedness give. The WALI build is
 * made in each C ABI of lamina cc, whose long and size_t types differ. */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <wchar.h>

#include "check.h"

static int checked;

#define SIGNED(T) ((T)-1 < 0)
/* The largest value of T, as an unsigned long long. */
#define MAX_OF(T) (SIGNED(T) ? (1ULL << (8 * sizeof(T) - 1)) - 1 : (unsigned long long)(T)~(T)0)
/* The macro's type is T's, promoted. */
#define HAS_TYPE(macro, T) _Generic((macro), __typeof__(+(T)0): 1, default: 0)

#define CHECK_MAX(macro, T)                                                         \
    do {                                                                            \
        checked++;                                                                  \
        if (!HAS_TYPE(macro, T) || (unsigned long long)(macro) != MAX_OF(T))        \
            printf("FAIL %s is not the largest %s (type ok %d)\n", #macro, #T,      \
                   HAS_TYPE(macro, T));                                             \
    } while (0)

#define CHECK_MIN(macro, T)                                                         \
    do {                                                                            \
        checked++;                                                                  \
        long long want_ = SIGNED(T) ? -(long long)MAX_OF(T) - 1 : 0;                \
        if (!HAS_TYPE(macro, T) || (long long)(macro) != want_)                     \
            printf("FAIL %s is not the smallest %s (type ok %d)\n", #macro, #T,     \
                   HAS_TYPE(macro, T));                                             \
    } while (0)

#define CHECK_BOTH(prefix, T)        \
    do {                             \
        CHECK_MIN(prefix##_MIN, T);  \
        CHECK_MAX(prefix##_MAX, T);  \
    } while (0)

int main(void) {
    CHECK_EQ(CHAR_BIT, 8);
    CHECK_BOTH(SCHAR, signed char);
    CHECK_MAX(UCHAR_MAX, unsigned char);
    CHECK_BOTH(CHAR, char);
    CHECK_BOTH(SHRT, short);
    CHECK_MAX(USHRT_MAX, unsigned short);
    CHECK_BOTH(INT, int);
    CHECK_MAX(UINT_MAX, unsigned);
    CHECK_BOTH(LONG, long);
    CHECK_MAX(ULONG_MAX, unsigned long);
    CHECK_BOTH(LLONG, long long);
    CHECK_MAX(ULLONG_MAX, unsigned long long);
    CHECK_MAX(SSIZE_MAX, ssize_t);
    CHECK_EQ(LONG_BIT, 8 * sizeof(long));

    CHECK_BOTH(INT8, int8_t);
    CHECK_BOTH(INT16, int16_t);
    CHECK_BOTH(INT32, int32_t);
    CHECK_BOTH(INT64, int64_t);
    CHECK_MAX(UINT8_MAX, uint8_t);
    CHECK_MAX(UINT16_MAX, uint16_t);
    CHECK_MAX(UINT32_MAX, uint32_t);
    CHECK_MAX(UINT64_MAX, uint64_t);
    CHECK_BOTH(INT_LEAST8, int_least8_t);
    CHECK_BOTH(INT_LEAST16, int_least16_t);
    CHECK_BOTH(INT_LEAST32, int_least32_t);
    CHECK_BOTH(INT_LEAST64, int_least64_t);
    CHECK_MAX(UINT_LEAST8_MAX, uint_least8_t);
    CHECK_MAX(UINT_LEAST16_MAX, uint_least16_t);
    CHECK_MAX(UINT_LEAST32_MAX, uint_least32_t);
    CHECK_MAX(UINT_LEAST64_MAX, uint_least64_t);
    CHECK_BOTH(INT_FAST8, int_fast8_t);
    CHECK_BOTH(INT_FAST16, int_fast16_t);
    CHECK_BOTH(INT_FAST32, int_fast32_t);
    CHECK_BOTH(INT_FAST64, int_fast64_t);
    CHECK_MAX(UINT_FAST8_MAX, uint_fast8_t);
    CHECK_MAX(UINT_FAST16_MAX, uint_fast16_t);
    CHECK_MAX(UINT_FAST32_MAX, uint_fast32_t);
    CHECK_MAX(UINT_FAST64_MAX, uint_fast64_t);
    CHECK_BOTH(INTPTR, intptr_t);
    CHECK_MAX(UINTPTR_MAX, uintptr_t);
    CHECK_BOTH(INTMAX, intmax_t);
    CHECK_MAX(UINTMAX_MAX, uintmax_t);
    CHECK_BOTH(PTRDIFF, ptrdiff_t);
    CHECK_MAX(SIZE_MAX, size_t);
    CHECK_BOTH(SIG_ATOMIC, sig_atomic_t);
    CHECK_BOTH(WCHAR, wchar_t);
    CHECK_BOTH(WINT, wint_t);
    /* The *_C macros make constants of the least types. */
    CHECK(HAS_TYPE(INT64_C(1), int64_t) && HAS_TYPE(UINT64_C(1), uint64_t));
    CHECK(HAS_TYPE(INTMAX_C(1), intmax_t) && HAS_TYPE(UINTMAX_C(1), uintmax_t));
    printf("limits checked: %d\n", checked);
    return CHECK_STATUS();
}
