/* libm. Correctly rounded operations (sqrt, fma, rounding, fmod, frexp,
 * ldexp, nextafter, ...) are printed exactly with %.17g (not %a, which C
 * libraries format differently for subnormals); transcendental
 * functions, where C libraries may differ in the last bit, are printed with
 * 12 significant digits. NaN signs are not compared: they are not
 * specified. errno is not compared either: musl reports math errors only
 * through floating-point exceptions (math_errhandling). The functions
 * returning long are in math_long_rounding.c. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

static const double inputs[] = {0.0, -0.0, 0.5, -0.5, 1.0, 1.5, 2.5, -2.5, 3.7, -3.7, 1e-300, 123456789.123,
                                4503599627370497.0, 1e300, 0.1, 2.0 / 3.0};
#define NINPUTS (sizeof inputs / sizeof inputs[0])

static void show_nan_aware(const char *label, double v) {
    if (isnan(v))
        printf(" %s=nan", label);
    else
        printf(" %s=%.17g", label, v);
}

static void exact_functions(void) {
    for (size_t i = 0; i < NINPUTS; i++) {
        double x = inputs[i];
        printf("x=%.17g:", x);
        show_nan_aware("sqrt", sqrt(x));
        printf(" floor=%.17g ceil=%.17g round=%.17g trunc=%.17g rint=%.17g nearbyint=%.17g", floor(x), ceil(x),
               round(x), trunc(x), rint(x), nearbyint(x));
        double ip;
        double frac = modf(x, &ip);
        int e;
        double m = frexp(x, &e);
        printf(" modf=%.17g,%.17g frexp=%.17g,%d", frac, ip, m, e);
        printf(" next_up=%.17g next_down=%.17g", nextafter(x, INFINITY), nextafter(x, -INFINITY));
        printf(" fabs=%.17g\n", fabs(x));
    }
    printf("fmod: %.17g %.17g %.17g %.17g %.17g\n", fmod(7.5, 2.0), fmod(-7.5, 2.0), fmod(1e300, 3.0), fmod(5.0, 0.3),
           fmod(0.0, 1.0));
    printf("remainder: %.17g %.17g remquo:", remainder(7.5, 2.0), remainder(-7.0, 2.0));
    int quo;
    double r = remquo(29.0, 3.0, &quo);
    printf(" %.17g quo&7=%d\n", r, quo & 7);
    printf("fma: %.17g %.17g\n", fma(0x1.0000001p0, 0x1.0000001p0, -1.0), fma(1e308, 10.0, -1e308 * 9.0));
    printf("ldexp: %.17g %.17g %.17g %.17g\n", ldexp(1.0, 1023), ldexp(1.0, 1024), ldexp(1.0, -1074),
           ldexp(1.0, -1075));
    printf("scalbn: %.17g ilogb: %d %d logb: %.17g\n", scalbn(3.0, 10), ilogb(1024.0), ilogb(0.1), logb(1e-310));
    printf("copysign: %.17g %.17g fmin: %.17g fmax: %.17g fdim: %.17g\n", copysign(2.0, -0.0), copysign(-2.0, 1.0),
           fmin(-0.5, NAN), fmax(NAN, 3.0), fdim(2.0, 5.0));
    printf("llround: %lld %lld %lld %lld llrint: %lld %lld\n", llround(2.5), llround(-2.5), llround(0.49999999999999994),
           llround(-1e15 - 0.5), llrint(2.5), llrint(3.5));
    printf("sqrt exact squares: %.17g %.17g %.17g\n", sqrt(0x1p-1000), sqrt(144.0),
           sqrt(0x1.fffffffffffffp+1023));
    printf("nextafter toward self: %.17g, 0 toward -1: %.17g, max toward inf: %.17g\n", nextafter(1.0, 1.0),
           nextafter(0.0, -1.0), nextafter(DBL_MAX, INFINITY));
    printf("hypot exact: %.17g %.17g\n", hypot(3.0, 4.0), hypot(5e-320, 12e-320));
    printf("float: sqrtf=%.17g fmaf=%.17g floorf=%.17g roundf=%.17g nextafterf=%.17g\n", sqrtf(2.0f),
           fmaf(1.5f, 1.5f, -2.25f), floorf(-1.5f), roundf(-0.5f), nextafterf(1.0f, 2.0f));
    printf("long double: sqrtl(2)=%.18Lg floorl=%.1Lf fmodl=%.3Lf\n", sqrtl(2.0L), floorl(-2.5L), fmodl(10.5L, 3.0L));
}

static void classification(void) {
    const double specials[] = {0.0, -0.0, 1.0, INFINITY, -INFINITY, NAN, DBL_MIN / 2, DBL_MAX};
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) {
        double v = specials[i];
        int c = fpclassify(v);
        printf("class %zu: %s isnan=%d isinf=%d isfinite=%d isnormal=%d signbit=%d\n", i,
               c == FP_ZERO        ? "zero"
               : c == FP_INFINITE  ? "infinite"
               : c == FP_NAN       ? "nan"
               : c == FP_SUBNORMAL ? "subnormal"
                                   : "normal",
               isnan(v) != 0, isinf(v) != 0, isfinite(v) != 0, isnormal(v) != 0, i == 5 ? 0 : signbit(v) != 0);
    }
    printf("sqrt(-1) is nan: %d, log(-1) is nan: %d, 0/0 is nan: %d\n", isnan(sqrt(-1.0)), isnan(log(-1.0)),
           isnan(0.0 / (volatile double){0.0}));
    printf("log(0)=%f exp(1000)=%f exp(-1000)=%.17g pow(0,-1)=%f atan(inf)=%.12g\n", log(0.0), exp(1000.0),
           exp(-1000.0), pow(0.0, -1.0), atan(INFINITY));
}

static void transcendental(void) {
    const double xs[] = {0.0, 0.5, 1.0, 2.0, 3.14159265358979, 10.0, -7.25, 100.0};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        printf("x=%g: sin=%.12g cos=%.12g tan=%.12g exp=%.12g atan=%.12g sinh=%.12g tanh=%.12g cbrt=%.12g\n", x,
               sin(x), cos(x), tan(x), exp(x), atan(x), sinh(x), tanh(x), cbrt(x));
        double ax = fabs(x) + 0.25;
        printf("   |x|+.25=%g: log=%.12g log2=%.12g log10=%.12g log1p=%.12g pow(x,1.5)=%.12g asinh=%.12g\n", ax,
               log(ax), log2(ax), log10(ax), log1p(ax), pow(ax, 1.5), asinh(ax));
    }
    printf("exact results: exp(0)=%.17g log(1)=%.17g pow(2,10)=%.17g pow(-2,3)=%.17g pow(4,0.5)=%.17g\n", exp(0.0),
           log(1.0), pow(2.0, 10.0), pow(-2.0, 3.0), pow(4.0, 0.5));
    printf("exact results: exp2(-3)=%.17g log2(1024)=%.17g\n", exp2(-3.0), log2(1024.0));
    printf("atan2 quadrants: %.12g %.12g %.12g %.12g\n", atan2(1.0, 1.0), atan2(1.0, -1.0), atan2(-1.0, -1.0),
           atan2(-0.0, 1.0));
    printf("asin/acos: %.12g %.12g erf: %.12g tgamma(5)=%.12g lgamma(10)=%.12g\n", asin(0.5), acos(-1.0), erf(0.5),
           tgamma(5.0), lgamma(10.0));
    printf("float: sinf=%.6g expf=%.6g logf=%.6g powf=%.6g\n", sinf(1.0f), expf(1.0f), logf(10.0f), powf(2.0f, 0.5f));
    double sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += sin(i * 0.001) * exp(-i * 0.001);
    printf("accumulated: %.9f\n", sum);
}

static void conversions(void) {
    printf("int casts: %d %d %lld %u\n", (int)2.9, (int)-2.9, (long long)-1e18, (unsigned)4e9);
    printf("float rounding: %.17g %.17g\n", (double)(float)0.1, (double)(float)16777217.0);
    printf("long double range: LDBL_DIG=%s LDBL_MANT_DIG>=64: %d\n", LDBL_DIG >= 18 ? ">=18" : "<18",
           LDBL_MANT_DIG >= 64);
    printf("limits: DBL_DIG=%d DBL_MANT_DIG=%d FLT_MANT_DIG=%d DBL_MAX_EXP=%d\n", DBL_DIG, DBL_MANT_DIG, FLT_MANT_DIG,
           DBL_MAX_EXP);
    CHECK(sqrt(2.0) * sqrt(2.0) != 2.0);
    CHECK_EQ(floor(-0.5) == -1.0, 1);
    CHECK(fma(0x1.0000001p0, 0x1.0000001p0, -1.0) == 0x1p-27 + 0x1p-56);
}

int main(void) {
    exact_functions();
    classification();
    transcendental();
    conversions();
    return CHECK_STATUS();
}
