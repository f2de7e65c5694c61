/* Interval timers read back with getitimer, and pause(): it must sleep until
 * a handler has run and then fail with EINTR, once, without a loop around it
 * (CPython's test_signal calls signal.pause() once after setitimer). Only
 * counts and flags are printed, never times. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);

    struct itimerval now;
    CHECK_EQ(getitimer(ITIMER_REAL, &now), 0);
    printf("before: disarmed %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    struct itimerval once = {.it_value = {0, 50000}};
    CHECK_EQ(setitimer(ITIMER_REAL, &once, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_REAL, &now), 0);
    printf("armed: %d, within the 50 ms %d, one-shot %d\n", now.it_value.tv_sec != 0 || now.it_value.tv_usec != 0,
           now.it_value.tv_sec == 0 && now.it_value.tv_usec <= 50000,
           now.it_interval.tv_sec == 0 && now.it_interval.tv_usec == 0);

    errno = 0;
    int r = pause();
    printf("pause: %d errno=%s alarms=%d\n", r, errno == EINTR ? "EINTR" : strerror(errno), (int)alarms);
    CHECK_EQ(alarms, 1);
    CHECK_EQ(getitimer(ITIMER_REAL, &now), 0);
    printf("after: disarmed %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    /* A periodic timer reads back its interval; the virtual timer is unset. */
    struct itimerval periodic = {.it_interval = {2, 0}, .it_value = {3, 0}};
    CHECK_EQ(setitimer(ITIMER_REAL, &periodic, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_REAL, &now), 0);
    printf("periodic: interval %lld.%06ld, value at most 3 s %d\n", (long long)now.it_interval.tv_sec,
           (long)now.it_interval.tv_usec, now.it_value.tv_sec < 3 || (now.it_value.tv_sec == 3 && now.it_value.tv_usec == 0));
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_EQ(setitimer(ITIMER_REAL, &off, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_VIRTUAL, &now), 0);
    printf("virtual: disarmed %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    errno = 0;
    r = getitimer(12345, &now);
    printf("bad timer: %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
    return CHECK_STATUS();
}
