/* time.h: clocks (monotonicity, consistency, sleeping at least as long as
 * asked), broken-down time conversion of fixed timestamps, mktime
 * normalisation, strftime/strptime, and POSIX TZ strings set by the program
 * itself (the environment is empty under Lamina, so nothing depends on the
 * host's time zone). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long long ns_between(struct timespec a, struct timespec b) {
    return (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}

static void clocks(void) {
    struct timespec prev, now, res;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &prev), 0);
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        backwards += ns_between(prev, now) < 0;
        CHECK(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);
        prev = now;
    }
    printf("monotonic went backwards: %d times\n", backwards);
    CHECK_EQ(backwards, 0);
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    printf("monotonic resolution positive and at most 1ms: %d\n",
           (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000));

    struct timespec real;
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &real), 0);
    time_t t = time(NULL);
    struct timeval tv;
    CHECK_EQ(gettimeofday(&tv, NULL), 0);
    printf("realtime after 2020: %d\n", real.tv_sec > 1577836800);
    printf("time() agrees with CLOCK_REALTIME within 2s: %d\n", llabs((long long)t - real.tv_sec) <= 2);
    printf("gettimeofday agrees within 2s: %d, usec in range: %d\n", llabs((long long)tv.tv_sec - real.tv_sec) <= 2,
           tv.tv_usec >= 0 && tv.tv_usec < 1000000);

    struct timespec cpu;
    CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu), 0);
    CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu), 0);
    printf("clock() non-negative: %d\n", clock() >= 0);

    /* Sleeping for 20ms must take at least 20ms. */
    struct timespec before, after, nap = {0, 20 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    CHECK_EQ(nanosleep(&nap, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("nanosleep(20ms) slept at least 20ms: %d\n", ns_between(before, after) >= 20 * 1000000LL);
    clock_gettime(CLOCK_MONOTONIC, &before);
    struct timespec deadline = before;
    deadline.tv_nsec += 15 * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("clock_nanosleep absolute reached the deadline: %d\n", ns_between(deadline, after) >= 0);
    CHECK_EQ(usleep(1000), 0);
    struct timespec bad = {0, 1000000000};
    printf("nanosleep with tv_nsec=1e9 fails: %d\n", nanosleep(&bad, NULL));
}

static void show_tm(const char *label, const struct tm *tm) {
    printf("%s: %04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d isdst=%d\n", label, tm->tm_year + 1900, tm->tm_mon + 1,
           tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_wday, tm->tm_yday, tm->tm_isdst);
}

static void broken_down(void) {
    const long long stamps[] = {0, -1, 951782400, 1234567890, 2147483647, 2147483648LL, 4102444800LL,
                                253402300799LL, -2208988800LL};
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        time_t t = (time_t)stamps[i];
        struct tm tm;
        CHECK(gmtime_r(&t, &tm) == &tm);
        char label[32];
        snprintf(label, sizeof label, "gmtime(%lld)", stamps[i]);
        show_tm(label, &tm);
        time_t back = timegm(&tm);
        CHECK_EQ(back, t);
        char text[128];
        strftime(text, sizeof text, "%a %A %b %B %d %e %j %U %W %u %w %y %C %G %g %V %D %F %T %R %I %p %%", &tm);
        printf("  strftime: %s\n", text);
        strftime(text, sizeof text, "%c | %x | %X | %h | %n%t|", &tm);
        printf("  C locale: %s\n", text);
        char buf[26];
        printf("  asctime_r: %s", asctime_r(&tm, buf));
    }
}

static void with_time_zones(void) {
    setenv("TZ", "UTC0", 1);
    tzset();
    struct tm tm = {.tm_year = 2024 - 1900, .tm_mon = 12, .tm_mday = 0, .tm_hour = 25, .tm_min = -30, .tm_sec = 61};
    time_t t = mktime(&tm);
    printf("mktime normalises month 13, day 0, hour 25, min -30, sec 61: %lld\n", (long long)t);
    show_tm("  normalised", &tm);
    struct tm local;
    time_t fixed = 1700000000;
    localtime_r(&fixed, &local);
    show_tm("localtime UTC0", &local);
    char zone[64];
    strftime(zone, sizeof zone, "%Z %z %s", &local);
    printf("  zone: %s\n", zone);
    char cbuf[26];
    printf("  ctime_r: %s", ctime_r(&fixed, cbuf));

    /* A zone with daylight saving time given as a POSIX rule string. */
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    tzset();
    const long long instants[] = {1700000000, 1690000000, 1710054000, 1710053999, 1699164000, 1699163999};
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
        time_t when = (time_t)instants[i];
        localtime_r(&when, &local);
        char label[40];
        snprintf(label, sizeof label, "EST5EDT %lld", instants[i]);
        show_tm(label, &local);
        strftime(zone, sizeof zone, "%Z %z", &local);
        printf("  zone: %s, mktime round trip: %d\n", zone, mktime(&local) == when);
    }
    printf("timezone=%ld daylight=%d tzname=%s/%s\n", timezone, daylight, tzname[0], tzname[1]);

    setenv("TZ", "<+0530>-5:30", 1);
    tzset();
    time_t zero = 0;
    localtime_r(&zero, &local);
    show_tm("UTC+5:30 epoch", &local);
    strftime(zone, sizeof zone, "%z", &local);
    printf("  offset: %s gmtoff=%ld\n", zone, local.tm_gmtoff);
    unsetenv("TZ");
}

static void parsing(void) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime("2024-02-29 23:59:58 tail", "%Y-%m-%d %H:%M:%S", &tm);
    printf("strptime rest: [%s]\n", rest ? rest : "(null)");
    /* glibc also fills in tm_wday and tm_yday; POSIX does not require it. */
    printf("strptime: %04d-%02d-%02d %02d:%02d:%02d\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
    printf("timegm: %lld\n", (long long)timegm(&tm));
    memset(&tm, 0, sizeof tm);
    rest = strptime("Mar 7 2001", "%b %d %Y", &tm);
    printf("strptime month name: %s %d/%d/%d\n", rest ? "ok" : "failed", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday);
    rest = strptime("not a date", "%Y-%m-%d", &tm);
    printf("strptime mismatch: %s\n", rest ? "matched" : "NULL");
    printf("difftime: %.1f\n", difftime((time_t)1000, (time_t)250));
}

int main(void) {
    clocks();
    broken_down();
    with_time_zones();
    parsing();
    return CHECK_STATUS();
}
