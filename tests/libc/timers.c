/* POSIX per-process timers: timer_create with SIGEV_SIGNAL (the signal
 * carries the timer's value), a periodic timer counted through
 * timer_getoverrun and timer_gettime, and SIGEV_THREAD notification
 * (musl runs it on a helper thread it leaves with longjmp). Only counts and
 * flags are printed, never times. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t fired, value_ok, code_ok, first_overrun;
static timer_t timer;

static void on_timer(int sig, siginfo_t *si, void *ctx) {
    (void)sig, (void)ctx;
    if (fired++ == 0)
        first_overrun = timer_getoverrun(timer);
    value_ok = si->si_value.sival_int == 1234;
    code_ok = si->si_code == SI_TIMER;
}

static sem_t notified;
static int notify_value;

static void on_thread_notify(union sigval v) {
    notify_value = v.sival_int;
    sem_post(&notified);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 1234;
    timer_t t;
    CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &timer), 0);
    t = timer;
    struct itimerspec once = {.it_value = {0, 10000000}};
    CHECK_EQ(timer_settime(t, 0, &once, NULL), 0);
    while (!fired)
        pause();
    printf("one-shot: fired %d, SI_TIMER %d, value carried %d\n", fired, code_ok, value_ok);
    struct itimerspec left;
    CHECK_EQ(timer_gettime(t, &left), 0);
    printf("after expiry: disarmed %d\n", left.it_value.tv_sec == 0 && left.it_value.tv_nsec == 0);

    /* Periodic, with the signal blocked for 15 periods: the expirations
     * while it is pending are counted as overruns of its first delivery. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    fired = 0;
    struct itimerspec periodic = {.it_interval = {0, 2000000}, .it_value = {0, 2000000}};
    CHECK_EQ(timer_settime(t, 0, &periodic, NULL), 0);
    usleep(30000);
    CHECK_EQ(timer_gettime(t, &left), 0);
    printf("periodic: still armed %d\n", left.it_value.tv_sec != 0 || left.it_value.tv_nsec != 0);
    sigset_t pending;
    sigpending(&pending);
    printf("periodic: pending while blocked %d, not yet delivered %d\n", sigismember(&pending, SIGUSR1), fired == 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    CHECK_EQ(timer_delete(t), 0);
    printf("periodic: delivered after unblocking %d, overruns counted %d\n", fired > 0, first_overrun > 0);

    sem_init(&notified, 0, 0);
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = on_thread_notify;
    sev.sigev_value.sival_int = 77;
    CHECK_EQ(timer_create(CLOCK_REALTIME, &sev, &t), 0);
    CHECK_EQ(timer_settime(t, 0, &once, NULL), 0);
    sem_wait(&notified);
    printf("SIGEV_THREAD: notified with %d\n", notify_value);
    CHECK_EQ(timer_settime(t, 0, &once, NULL), 0);
    sem_wait(&notified);
    printf("SIGEV_THREAD: notified again\n");
    CHECK_EQ(timer_delete(t), 0);

    errno = 0;
    int r = timer_create(12345, NULL, &t);
    printf("bad clock: %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : "other");
    return CHECK_STATUS();
}
