/* The libm functions returning long (lround, lrint and their float and long
 * double forms). In WALI's own C ABI `long` is 64 bits while pointers are 32,
 * so these catch a compiler that lowers the calls with a pointer-sized
 * result type (the module then fails validation). The large value is one
 * that needs all of long, whichever its size, and only whether it came back
 * whole is printed. */
#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "check.h"

int main(void) {
    /* volatile keeps the compiler from folding the calls at compile time. */
    volatile double d = 2.5, big = LONG_MAX > INT_MAX ? 1e15 + 0.5 : 2e9 + 0.5;
    const long big_rounded = LONG_MAX > INT_MAX ? (long)1000000000000001LL : 2000000001L;
    volatile float f = -3.5f;
    volatile long double ld = 7.5L;
    printf("lround: %ld %ld, all of long: %d\n", lround(d), lround(-d), lround(big) == big_rounded);
    printf("lrint (to nearest even): %ld %ld %ld\n", lrint(d), lrint(d + 1.0), lrint(-d));
    printf("lroundf: %ld lrintf: %ld\n", lroundf(f), lrintf(f));
    printf("lroundl: %ld lrintl: %ld\n", lroundl(ld), lrintl(ld));
    CHECK_EQ(lround(big), big_rounded);
    CHECK_EQ(lrint(d), 2);
    CHECK_EQ(lroundf(f), -4);
    CHECK_EQ(lrintl(ld), 8);
    printf("sizeof(long) matches LONG_MAX: %d\n", (sizeof(long) == 8) == (LONG_MAX > INT_MAX));
    return CHECK_STATUS();
}
