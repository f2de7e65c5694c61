/* Clocks: clock_gettime, clock_getres and gettimeofday give plausible,
 * consistent values (relations only: the values differ between runs). */
#include "lt.h"
#include "lt_identity.h"

static int valid(const struct timespec *t) { return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < LT_NSEC; }

static void clock_reads(const char *name, int clock) {
    struct timespec t = {-1, -1};
    long r = wali_clock_gettime(clock, &t);
    put(name);
    put(": ");
    expect_true("clock_gettime", r == 0 && valid(&t));
}

static volatile long sink;

int main(int argc, char **argv) {
    clock_reads("realtime", CLOCK_REALTIME);
    clock_reads("monotonic", CLOCK_MONOTONIC);
    clock_reads("process cputime", CLOCK_PROCESS_CPUTIME_ID);
    clock_reads("thread cputime", CLOCK_THREAD_CPUTIME_ID);
    clock_reads("monotonic raw", CLOCK_MONOTONIC_RAW);
    clock_reads("realtime coarse", CLOCK_REALTIME_COARSE);
    clock_reads("monotonic coarse", CLOCK_MONOTONIC_COARSE);
    clock_reads("boottime", CLOCK_BOOTTIME);

    struct timespec rt;
    wali_clock_gettime(CLOCK_REALTIME, &rt);
    expect_true("realtime is after 2020", rt.tv_sec > 1577836800L);

    long m1 = lt_now(CLOCK_MONOTONIC), m2 = lt_now(CLOCK_MONOTONIC);
    expect_true("monotonic does not go back", m2 >= m1);
    expect_true("boottime is at least monotonic", lt_now(CLOCK_BOOTTIME) >= m2);

    long c1 = lt_now(CLOCK_PROCESS_CPUTIME_ID), t1 = lt_now(CLOCK_THREAD_CPUTIME_ID);
    for (long i = 0; i < 20000000; i++) sink += i;
    long t2 = lt_now(CLOCK_THREAD_CPUTIME_ID), c2 = lt_now(CLOCK_PROCESS_CPUTIME_ID);
    expect_true("process cpu time advances with work", c2 > c1);
    expect_true("thread cpu time advances with work", t2 > t1);
    expect_true("thread cpu time within process cpu time", t2 <= c2);

    struct timespec res = {-1, -1};
    expect_eq("clock_getres monotonic", wali_clock_getres(CLOCK_MONOTONIC, &res), 0);
    expect_true("monotonic resolution is sub-second", res.tv_sec == 0 && res.tv_nsec > 0);
    expect_eq("clock_getres realtime", wali_clock_getres(CLOCK_REALTIME, &res), 0);
    expect_true("realtime resolution is sub-second", res.tv_sec == 0 && res.tv_nsec > 0);
    expect_eq("clock_getres coarse", wali_clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
    expect_true("coarse resolution is at most a second", res.tv_sec == 0 && res.tv_nsec > 0);
    expect_eq("clock_getres with NULL res", wali_clock_getres(CLOCK_MONOTONIC, NULL), 0);
    expect_eq("clock_getres bad clock", wali_clock_getres(100, &res), -EINVAL);
    expect_eq("clock_getres bad clock, NULL res", wali_clock_getres(100, NULL), -EINVAL);
    expect_eq("clock_gettime bad clock", wali_clock_gettime(100, &rt), -EINVAL);
    /* Negative ids are CPU clocks; -1 has the invalid clock type 3. */
    expect_eq("clock_gettime bad cpu clock", wali_clock_gettime(-1, &rt), -EINVAL);

    struct timeval tv = {-1, -1};
    struct timezone tz = {12345, 12345};
    expect_eq("gettimeofday", wali_gettimeofday(&tv, &tz), 0);
    wali_clock_gettime(CLOCK_REALTIME, &rt);
    expect_true("usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    expect_true("gettimeofday agrees with realtime", rt.tv_sec - tv.tv_sec >= 0 && rt.tv_sec - tv.tv_sec <= 2);
    expect_true("timezone was written", tz.tz_minuteswest != 12345 && tz.tz_dsttime != 12345);
    expect_eq("gettimeofday tv only", wali_gettimeofday(&tv, NULL), 0);
    tz.tz_minuteswest = 12345;
    expect_eq("gettimeofday tz only", wali_gettimeofday(NULL, &tz), 0);
    expect_true("timezone written again", tz.tz_minuteswest != 12345);
    expect_eq("gettimeofday both NULL", wali_gettimeofday(NULL, NULL), 0);
    expect_eq("clock_gettime NULL tp", wali_clock_gettime(CLOCK_MONOTONIC, NULL), -EFAULT);

    long long stored = -1;
    long now = wali_time(&stored);
    wali_clock_gettime(CLOCK_REALTIME, &rt);
    expect_true("time agrees with realtime", rt.tv_sec - now >= 0 && rt.tv_sec - now <= 2);
    expect_eq("time stores what it returns", stored, now);
    expect_true("time NULL", wali_time(NULL) >= now);

    /* Setting a clock: the monotonic clock never, the real-time clock only
     * with privilege (as root it is set to what it already is). */
    expect_eq("clock_settime monotonic", wali_clock_settime(CLOCK_MONOTONIC, &rt), -EINVAL);
    struct timespec bad = {0, 2000000000};
    expect_eq("clock_settime bad nsec", wali_clock_settime(CLOCK_REALTIME, &bad), -EINVAL);
    expect_eq("clock_settime bad clock", wali_clock_settime(100, &rt), -EINVAL);
    /* Neither time nor zone: only the privilege check (a zone alone could
     * warp the clock on the first call since boot). */
    long r = wali_settimeofday(NULL, NULL);
    if (wali_geteuid() == 0) expect_eq("settimeofday nothing", r, 0);
    else expect_eq("settimeofday needs privilege", r, -EPERM);
    struct timeval tv_bad = {0, 2000000};
    expect_eq("settimeofday bad usec", wali_settimeofday(&tv_bad, NULL), -EINVAL);
    return lt_failures;
}
