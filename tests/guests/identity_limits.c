/* Resource limits and usage: getrlimit/setrlimit/prlimit64 lower the open
 * file limit and read it back; getrusage reports sane values. */
#include "lt.h"
#include "lt_identity.h"

static volatile long sink;

int main(int argc, char **argv) {
    struct rlimit orig, now, old;
    expect_eq("getrlimit NOFILE", wali_getrlimit(RLIMIT_NOFILE, &orig), 0);
    expect_true("soft <= hard", orig.rlim_cur <= orig.rlim_max);
    expect_true("soft limit above 64", orig.rlim_cur > 64);

    struct rlimit lower = {64, orig.rlim_max};
    expect_eq("setrlimit lowers the soft limit", wali_setrlimit(RLIMIT_NOFILE, &lower), 0);
    expect_eq("getrlimit again", wali_getrlimit(RLIMIT_NOFILE, &now), 0);
    expect_true("soft limit is 64, hard unchanged", now.rlim_cur == 64 && now.rlim_max == orig.rlim_max);

    struct rlimit lower2 = {32, orig.rlim_max};
    expect_eq("prlimit64 set and get", wali_prlimit64(0, RLIMIT_NOFILE, &lower2, &old), 0);
    expect_true("old limit was 64", old.rlim_cur == 64 && old.rlim_max == orig.rlim_max);
    expect_eq("prlimit64 get only", wali_prlimit64(0, RLIMIT_NOFILE, NULL, &now), 0);
    expect_eq("soft limit is 32", now.rlim_cur, 32);
    expect_eq("prlimit64 on own pid", wali_prlimit64((int)wali_getpid(), RLIMIT_NOFILE, &orig, &old), 0);
    expect_eq("old limit was 32", old.rlim_cur, 32);
    expect_eq("prlimit64 neither", wali_prlimit64(0, RLIMIT_NOFILE, NULL, NULL), 0);
    expect_eq("limit restored", wali_getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur == orig.rlim_cur, 1);

    struct rlimit inverted = {orig.rlim_max, 16};
    expect_eq("setrlimit soft above hard", wali_setrlimit(RLIMIT_NOFILE, &inverted), -EINVAL);
    expect_eq("getrlimit bad resource", wali_getrlimit(RLIM_NLIMITS, &now), -EINVAL);
    expect_eq("setrlimit bad resource", wali_setrlimit(99, &orig), -EINVAL);
    expect_eq("prlimit64 bad resource", wali_prlimit64(0, -1, NULL, &now), -EINVAL);
    expect_eq("prlimit64 no such process", wali_prlimit64(0x7ffffff0, RLIMIT_NOFILE, NULL, &now), -ESRCH);
    expect_eq("getrlimit NULL", wali_getrlimit(RLIMIT_NOFILE, NULL), -EFAULT);
    expect_eq("setrlimit NULL", wali_setrlimit(RLIMIT_NOFILE, NULL), -EFAULT);

    /* The address space limit can be read (setting it is covered by the hostile test). */
    expect_eq("getrlimit AS", wali_getrlimit(RLIMIT_AS, &now), 0);
    expect_true("AS soft <= hard", now.rlim_cur <= now.rlim_max);
    struct rlimit core = {0, 0};
    expect_eq("getrlimit CORE", wali_getrlimit(RLIMIT_CORE, &core), 0);
    expect_eq("setrlimit CORE to itself", wali_setrlimit(RLIMIT_CORE, &core), 0);
    expect_eq("setrlimit AS to infinity keeps it", wali_prlimit64(0, RLIMIT_AS, NULL, &now) == 0 &&
              (now.rlim_cur != RLIM_INFINITY || wali_setrlimit(RLIMIT_AS, &now) == 0), 1);

    for (long i = 0; i < 20000000; i++) sink += i;
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    expect_eq("getrusage self", wali_getrusage(RUSAGE_SELF, &ru), 0);
    expect_true("user time sane", ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    expect_true("system time sane", ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
    expect_true("some cpu time used", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec > 0);
    expect_true("max rss positive", ru.ru_opt[0] > 0);
    expect_true("minor faults counted", ru.ru_opt[4] > 0);
    expect_eq("getrusage children", wali_getrusage(RUSAGE_CHILDREN, &ru), 0);
    expect_true("children times sane", ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec < 1000000);
    expect_eq("getrusage thread", wali_getrusage(RUSAGE_THREAD, &ru), 0);
    expect_true("thread used cpu", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec > 0);
    expect_eq("getrusage bad who", wali_getrusage(5, &ru), -EINVAL);
    expect_eq("getrusage NULL", wali_getrusage(RUSAGE_SELF, NULL), -EFAULT);
    return lt_failures;
}
