/* Sleeping: nanosleep and clock_nanosleep really sleep (relative and
 * absolute), validate their requests, and leave the remainder alone when not
 * interrupted. */
#include "lt.h"
#include "lt_identity.h"

#define MS 1000000L

int main(int argc, char **argv) {
    struct timespec req = {0, 20 * MS}, rem = {77, 77};
    long before = lt_now(CLOCK_MONOTONIC);
    expect_eq("nanosleep 20ms", wali_nanosleep(&req, &rem), 0);
    expect_true("slept at least 20ms", lt_now(CLOCK_MONOTONIC) - before >= 20 * MS);
    expect_true("remainder untouched when not interrupted", rem.tv_sec == 77 && rem.tv_nsec == 77);

    before = lt_now(CLOCK_MONOTONIC);
    req.tv_nsec = 5 * MS;
    expect_eq("nanosleep with NULL rem", wali_nanosleep(&req, NULL), 0);
    expect_true("slept at least 5ms", lt_now(CLOCK_MONOTONIC) - before >= 5 * MS);

    struct timespec zero = {0, 0};
    expect_eq("nanosleep zero", wali_nanosleep(&zero, NULL), 0);
    struct timespec bad = {0, LT_NSEC};
    expect_eq("nanosleep nsec too big", wali_nanosleep(&bad, NULL), -EINVAL);
    bad.tv_nsec = -1;
    expect_eq("nanosleep negative nsec", wali_nanosleep(&bad, NULL), -EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    expect_eq("nanosleep negative sec", wali_nanosleep(&bad, NULL), -EINVAL);
    expect_eq("nanosleep NULL request", wali_nanosleep(NULL, NULL), -EFAULT);

    /* The same timespec as request and remainder, as the usual retry loop does. */
    req.tv_nsec = 2 * MS;
    expect_eq("nanosleep req == rem", wali_nanosleep(&req, &req), 0);
    expect_true("request kept", req.tv_sec == 0 && req.tv_nsec == 2 * MS);

    before = lt_now(CLOCK_MONOTONIC);
    req.tv_nsec = 10 * MS;
    rem.tv_sec = rem.tv_nsec = 77;
    expect_eq("clock_nanosleep relative", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), 0);
    expect_true("clock slept at least 10ms", lt_now(CLOCK_MONOTONIC) - before >= 10 * MS);
    expect_true("clock remainder untouched", rem.tv_sec == 77 && rem.tv_nsec == 77);

    long target = lt_now(CLOCK_MONOTONIC) + 10 * MS;
    struct timespec abs = {target / LT_NSEC, target % LT_NSEC};
    expect_eq("clock_nanosleep absolute", wali_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, &rem), 0);
    expect_true("woke after the deadline", lt_now(CLOCK_MONOTONIC) >= target);
    expect_true("absolute remainder untouched", rem.tv_sec == 77 && rem.tv_nsec == 77);

    struct timespec past = {1, 0};
    expect_eq("absolute realtime in the past", wali_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &past, NULL), 0);
    req.tv_nsec = 1 * MS;
    expect_eq("clock_nanosleep boottime", wali_clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL), 0);
    expect_eq("clock_nanosleep process cpu clock", wali_clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &zero, NULL), 0);
    expect_eq("clock_nanosleep thread cpu clock", wali_clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL),
              -EOPNOTSUPP);
    expect_eq("clock_nanosleep bad clock", wali_clock_nanosleep(100, 0, &req, NULL), -EINVAL);
    bad.tv_sec = 0;
    bad.tv_nsec = LT_NSEC;
    expect_eq("clock_nanosleep nsec too big", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), -EINVAL);
    expect_eq("clock_nanosleep NULL request", wali_clock_nanosleep(CLOCK_MONOTONIC, 0, NULL, NULL), -EFAULT);
    return lt_failures;
}
