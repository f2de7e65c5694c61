/* Queued and synchronously awaited signals: sigqueue carrying a value to an
 * SA_SIGINFO handler, real-time signals queueing and being taken lowest
 * number first by sigtimedwait, sigtimedwait timing out, sigwait, and
 * sigwaitinfo receiving a signal sent by another thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t hits, last_code, last_value, from_self;

static void queue_handler(int sig, siginfo_t *si, void *ctx) {
    (void)sig, (void)ctx;
    hits++;
    last_code = si->si_code;
    last_value = si->si_value.sival_int;
    from_self = si->si_pid == getpid();
}

static void *send_later(void *arg) {
    usleep(10000);
    kill(getpid(), (int)(long)arg);
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = queue_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    union sigval value = {.sival_int = 4242};
    int r = sigqueue(getpid(), SIGUSR1, value);
    printf("sigqueue: %d hits=%d SI_QUEUE=%d value=%d from own pid=%d\n", r, hits, last_code == SI_QUEUE, last_value,
           from_self);

    /* Real-time signals queue, and are taken lowest number first. */
    sigset_t rt, old;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN + 1);
    sigaddset(&rt, SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &rt, &old);
    raise(SIGRTMIN + 2);
    raise(SIGRTMIN + 1);
    value.sival_int = 77;
    sigqueue(getpid(), SIGRTMIN + 2, value);
    struct timespec zero = {0, 0};
    siginfo_t si;
    printf("sigtimedwait collects:");
    int n = 0, sig;
    while (n < 4 && (sig = sigtimedwait(&rt, &si, &zero)) > 0) {
        printf(" SIGRTMIN+%d(%s", sig - SIGRTMIN, si.si_code == SI_QUEUE ? "queued" : "raised");
        if (si.si_code == SI_QUEUE)
            printf(" value %d", si.si_value.sival_int);
        printf(")");
        n++;
    }
    printf(" = %d signals\n", n);
    CHECK_EQ(n, 3);
    errno = 0;
    r = sigtimedwait(&rt, &si, &zero);
    printf("sigtimedwait with nothing pending: %d errno=%s\n", r, errno == EAGAIN ? "EAGAIN" : "other");
    struct timespec short_wait = {0, 5000000};
    errno = 0;
    r = sigtimedwait(&rt, &si, &short_wait);
    printf("sigtimedwait 5ms: %d errno=%s\n", r, errno == EAGAIN ? "EAGAIN" : "other");

    sigset_t wait_set;
    sigemptyset(&wait_set);
    sigaddset(&wait_set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &wait_set, NULL);
    kill(getpid(), SIGUSR2);
    sig = 0;
    CHECK_EQ(sigwait(&wait_set, &sig), 0);
    printf("sigwait returned SIGUSR2: %d\n", sig == SIGUSR2);

    /* Every thread inherits the blocked mask, so the signal another thread
     * sends to the process stays pending until sigwaitinfo takes it. */
    pthread_t t;
    pthread_create(&t, NULL, send_later, (void *)(long)SIGUSR2);
    sig = sigwaitinfo(&wait_set, &si);
    pthread_join(t, NULL);
    printf("sigwaitinfo: SIGUSR2=%d SI_USER=%d from own pid=%d\n", sig == SIGUSR2, si.si_code == SI_USER,
           si.si_pid == getpid());
    sigprocmask(SIG_SETMASK, &old, NULL);
    return CHECK_STATUS();
}
