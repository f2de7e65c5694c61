/* Hostile inputs to the clock and sleep calls (WALI only): pointers past the
 * end of memory or straddling it, NULL where the kernel needs a structure,
 * bad clock ids and requests. Each gets the kernel's errno and the runtime
 * survives. */
#include "lt.h"
#include "lt_identity.h"

/* `n` bytes before the end of linear memory. */
#define END(n) ((void *)(unsigned long)(lt_mem_end() - (n)))

int main(int argc, char **argv) {
    struct timespec ts;
    expect_eq("clock_gettime wild", wali_clock_gettime(CLOCK_MONOTONIC, LT_WILD), -EFAULT);
    expect_eq("clock_gettime wrapping", wali_clock_gettime(CLOCK_MONOTONIC, (void *)0xfffffffcu), -EFAULT);
    expect_eq("clock_gettime straddling the end", wali_clock_gettime(CLOCK_MONOTONIC, END(8)), -EFAULT);
    expect_eq("clock_gettime at the very end", wali_clock_gettime(CLOCK_MONOTONIC, END(16)), 0);
    expect_eq("clock_gettime NULL", wali_clock_gettime(CLOCK_REALTIME, NULL), -EFAULT);
    expect_eq("clock_gettime bad clock", wali_clock_gettime(12345, &ts), -EINVAL);
    expect_eq("clock_gettime bad cpu clock", wali_clock_gettime(-1, &ts), -EINVAL);

    expect_eq("clock_getres wild", wali_clock_getres(CLOCK_MONOTONIC, LT_WILD), -EFAULT);
    expect_eq("clock_getres straddling the end", wali_clock_getres(CLOCK_MONOTONIC, END(15)), -EFAULT);
    expect_eq("clock_getres NULL is allowed", wali_clock_getres(CLOCK_MONOTONIC, NULL), 0);
    expect_eq("clock_getres bad clock", wali_clock_getres(12345, NULL), -EINVAL);

    expect_eq("time wild", wali_time(LT_WILD), -EFAULT);
    expect_eq("time straddling", wali_time(END(4)), -EFAULT);
    expect_true("time at the very end", wali_time(END(8)) > 0);
    expect_eq("clock_settime wild", wali_clock_settime(CLOCK_REALTIME, LT_WILD), -EFAULT);
    expect_eq("clock_settime straddling", wali_clock_settime(CLOCK_REALTIME, END(8)), -EFAULT);
    expect_eq("settimeofday wild time", wali_settimeofday(LT_WILD, NULL), -EFAULT);
    expect_eq("settimeofday wild zone", wali_settimeofday(NULL, LT_WILD), -EFAULT);

    struct timespec req = {0, 1000000};
    expect_eq("nanosleep wild request", wali_nanosleep(LT_WILD, NULL), -EFAULT);
    expect_eq("nanosleep request straddling the end", wali_nanosleep(END(8), NULL), -EFAULT);
    expect_eq("nanosleep NULL request", wali_nanosleep(NULL, NULL), -EFAULT);
    /* The remainder is written only if the sleep is interrupted, as natively. */
    expect_eq("nanosleep wild remainder, not interrupted", wali_nanosleep(&req, LT_WILD), 0);
    expect_eq("nanosleep remainder straddling the end", wali_nanosleep(&req, END(8)), 0);
    struct timespec bad = {0, 1000000000};
    expect_eq("nanosleep bad nsec", wali_nanosleep(&bad, NULL), -EINVAL);

    struct timespec past = {1, 0};
    expect_eq("clock_nanosleep wild request", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, LT_WILD, NULL), -EFAULT);
    expect_eq("clock_nanosleep request straddling", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, END(4), NULL), -EFAULT);
    expect_eq("clock_nanosleep NULL request", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, NULL, NULL), -EFAULT);
    expect_eq("clock_nanosleep absolute ignores the remainder",
              wali_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, LT_WILD), 0);
    expect_eq("clock_nanosleep wild remainder, not interrupted",
              wali_clock_nanosleep(CLOCK_MONOTONIC, 0, &req, LT_WILD), 0);
    expect_eq("clock_nanosleep bad clock", wali_clock_nanosleep(12345, 0, &req, NULL), -EINVAL);
    expect_eq("clock_nanosleep bad nsec", wali_clock_nanosleep(CLOCK_REALTIME, 0, &bad, NULL), -EINVAL);

    struct timeval tv;
    struct timezone tz;
    expect_eq("gettimeofday wild tv", wali_gettimeofday(LT_WILD, NULL), -EFAULT);
    expect_eq("gettimeofday wild tz", wali_gettimeofday(NULL, LT_WILD), -EFAULT);
    expect_eq("gettimeofday tv straddling", wali_gettimeofday(END(8), &tz), -EFAULT);
    expect_eq("gettimeofday tz straddling", wali_gettimeofday(&tv, END(4)), -EFAULT);
    expect_eq("gettimeofday tz at the very end", wali_gettimeofday(&tv, END(8)), 0);
    expect_eq("gettimeofday both NULL", wali_gettimeofday(NULL, NULL), 0);

    expect_true("still alive", wali_clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    return lt_failures;
}
