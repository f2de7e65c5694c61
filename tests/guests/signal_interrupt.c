/* Signals that interrupt: timers in compute loops, blocking calls with and
 * without SA_RESTART, sigsuspend and ppoll with temporary masks. The same
 * natively and under Lamina. argv[1]:
 *   (none)        everything below that ends by itself
 *   spin          alarm after 100 ms in `for (;;)`; the handler exits 3
 *   wait-sigint   prints "ready", then spins until SIGINT, whose handler
 *                 prints and exits 42 (sent by the test from outside) */
#include "lt_signal.h"

static volatile int hits[65];
static volatile unsigned long mask_in_handler;

static void count(int sig) {
    hits[sig]++;
    mask_in_handler = lt_mask();
}

static void alarm_exit(int sig) {
    (void)sig;
    put("alarm in the loop\n");
    wali_exit_group(3);
}

static void sigint_exit(int sig) {
    (void)sig;
    put("interrupted\n");
    wali_exit_group(42);
}

static volatile unsigned long sink;

/* Pure computation, no calls: only an interruption can end it. */
static void spin_until(volatile int *flag) {
    unsigned long h = 1;
    while (!*flag) h = h * 31 + 7;
    sink = h;
}

static void compute_loop(void) {
    lt_sigaction(SIGALRM, count, 0, 0, NULL);
    hits[SIGALRM] = 0;
    lt_alarm_ms(50);
    spin_until(&hits[SIGALRM]);
    expect_eq("alarm ended a compute loop", hits[SIGALRM], 1);
    /* A periodic timer, three ticks. */
    struct itimerval t = {{0, 20000}, {0, 20000}}, old;
    expect_eq("periodic timer", wali_setitimer(ITIMER_REAL, &t, NULL), 0);
    while (hits[SIGALRM] < 4) sink++;
    struct itimerval off = {{0, 0}, {0, 0}};
    expect_eq("disarm", wali_setitimer(ITIMER_REAL, &off, &old), 0);
    expect_eq("old interval", old.it_interval.tv_usec, 20000);
    expect_true("old value left", old.it_value.tv_sec == 0 && old.it_value.tv_usec <= 20000);
    expect_eq("bad timer", wali_setitimer(7, &t, NULL), -EINVAL);
    /* getitimer reads a timer back; pause sleeps until a handler ran. */
    struct itimerval once = {{0, 0}, {0, 30000}}, now;
    expect_eq("one-shot timer", wali_setitimer(ITIMER_REAL, &once, NULL), 0);
    expect_eq("getitimer", wali_getitimer(ITIMER_REAL, &now), 0);
    expect_true("getitimer: armed, one-shot",
                now.it_value.tv_sec == 0 && now.it_value.tv_usec > 0 && now.it_value.tv_usec <= 30000 &&
                    now.it_interval.tv_sec == 0 && now.it_interval.tv_usec == 0);
    hits[SIGALRM] = 0;
    expect_eq("pause ends in EINTR", wali_pause(), -EINTR);
    expect_eq("pause waited for the handler", hits[SIGALRM], 1);
    expect_eq("getitimer after expiry", wali_getitimer(ITIMER_REAL, &now), 0);
    expect_true("getitimer: disarmed", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);
    /* CPU time: ITIMER_VIRTUAL counts only while the process computes. */
    lt_sigaction(SIGVTALRM, count, 0, 0, NULL);
    struct itimerval cpu = {{0, 0}, {0, 30000}};
    wali_setitimer(ITIMER_VIRTUAL, &cpu, NULL);
    spin_until(&hits[SIGVTALRM]);
    expect_eq("virtual timer ended a compute loop", hits[SIGVTALRM], 1);
}

/* A child that writes to `fd` after `ms` milliseconds, then exits. */
static int writer(int fd, long ms) {
    long pid = wali_fork();
    if (pid == 0) {
        lt_sleep_ms(ms);
        wali_write(fd, "late", 4);
        wali_exit_group(0);
    }
    return (int)pid;
}

static void blocking_calls(void) {
    int p[2];
    char buf[8];
    int status;
    wali_pipe(p);
    /* Without SA_RESTART the read fails with EINTR once the handler ran. */
    lt_sigaction(SIGALRM, count, 0, 0, NULL);
    hits[SIGALRM] = 0;
    lt_alarm_ms(50);
    expect_eq("read interrupted", wali_read(p[0], buf, sizeof buf), -EINTR);
    expect_eq("handler ran before read returned", hits[SIGALRM], 1);
    /* With SA_RESTART the handler runs at once and the read goes on. */
    lt_sigaction(SIGALRM, count, SA_RESTART, 0, NULL);
    int pid = writer(p[1], 300);
    lt_alarm_ms(50);
    long n = wali_read(p[0], buf, sizeof buf);
    expect_eq("restarted read got the data", n, 4);
    expect_eq("handler ran during the read", hits[SIGALRM], 2);
    wali_wait4(pid, &status, 0, NULL);
    /* Sleeps and waits are never restarted. */
    lt_alarm_ms(50);
    struct timespec ts = {5, 0}, rem = {0, 0};
    expect_eq("nanosleep interrupted", wali_nanosleep(&ts, &rem), -EINTR);
    expect_true("time left reported", rem.tv_sec >= 3 && rem.tv_sec <= 4);
    struct pollfd pfd = {p[0], POLLIN, 0};
    lt_alarm_ms(50);
    expect_eq("poll interrupted despite SA_RESTART", wali_poll(&pfd, 1, 5000), -EINTR);
    /* wait4 restarts. */
    pid = (int)wali_fork();
    if (pid == 0) {
        lt_sleep_ms(200);
        wali_exit_group(9);
    }
    lt_alarm_ms(50);
    expect_eq("wait4 restarted", wali_wait4(pid, &status, 0, NULL), pid);
    expect_eq("wait4 status", (status >> 8) & 0xff, 9);
    expect_eq("handler ran during wait4", hits[SIGALRM], 5);
    wali_close(p[0]);
    wali_close(p[1]);
}

static void temporary_masks(void) {
    lt_sigaction(SIGALRM, count, 0, LT_BIT(SIGHUP), NULL);
    unsigned long blocked = LT_BIT(SIGALRM) | LT_BIT(SIGUSR2);
    lt_set_mask(blocked);
    /* sigsuspend: the mask is swapped and restored atomically; the handler
     * runs with the temporary mask (plus its own) before it returns. */
    hits[SIGALRM] = 0;
    lt_alarm_ms(50);
    unsigned long during = LT_BIT(SIGUSR1);
    expect_eq("sigsuspend", wali_rt_sigsuspend(&during, 8), -EINTR);
    expect_eq("handler ran before sigsuspend returned", hits[SIGALRM], 1);
    expect_eq("with the temporary mask", (long)mask_in_handler,
              (long)(LT_BIT(SIGUSR1) | LT_BIT(SIGALRM) | LT_BIT(SIGHUP)));
    expect_eq("mask restored", (long)lt_mask(), (long)blocked);
    /* A signal already pending when sigsuspend starts ends it at once. */
    wali_kill(lt_getpid(), SIGALRM);
    expect_eq("pending, blocked", (long)lt_pending(), (long)LT_BIT(SIGALRM));
    expect_eq("sigsuspend with one pending", wali_rt_sigsuspend(&during, 8), -EINTR);
    expect_eq("handled", hits[SIGALRM], 2);
    expect_eq("sigsuspend size", wali_rt_sigsuspend(&during, 16), -EINVAL);
    /* ppoll and pselect6 install their mask for the wait in the same way. */
    int p[2];
    wali_pipe(p);
    struct pollfd pfd = {p[0], POLLIN, 0};
    struct timespec five = {5, 0};
    lt_alarm_ms(50);
    expect_eq("ppoll interrupted", wali_ppoll(&pfd, 1, &five, &during, 8), -EINTR);
    expect_eq("ppoll: handled with its mask", (long)mask_in_handler,
              (long)(LT_BIT(SIGUSR1) | LT_BIT(SIGALRM) | LT_BIT(SIGHUP)));
    expect_eq("ppoll: mask restored", (long)lt_mask(), (long)blocked);
    fd_set readfds;
    memset(&readfds, 0, sizeof readfds);
    LT_FD_SET(p[0], &readfds);
    struct { unsigned long mask; unsigned long size; } sigmask = {(unsigned long)&during, 8};
    lt_alarm_ms(50);
    expect_eq("pselect6 interrupted", wali_pselect6(p[0] + 1, &readfds, NULL, NULL, &five, &sigmask), -EINTR);
    expect_eq("pselect6: handled with its mask", (long)mask_in_handler,
              (long)(LT_BIT(SIGUSR1) | LT_BIT(SIGALRM) | LT_BIT(SIGHUP)));
    int ep = (int)wali_epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, 0}, out;
    wali_epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    lt_alarm_ms(50);
    expect_eq("epoll_pwait interrupted", wali_epoll_pwait(ep, &out, 1, 5000, &during, 8), -EINTR);
    expect_eq("epoll_pwait: handled with its mask", (long)mask_in_handler,
              (long)(LT_BIT(SIGUSR1) | LT_BIT(SIGALRM) | LT_BIT(SIGHUP)));
    expect_eq("handler count", hits[SIGALRM], 5);
    lt_set_mask(0);
    wali_close(ep);
    wali_close(p[0]);
    wali_close(p[1]);
}

int main(int argc, char **argv) {
    if (argc > 1 && lt_streq(argv[1], "spin")) {
        lt_sigaction(SIGALRM, alarm_exit, 0, 0, NULL);
        lt_alarm_ms(100);
        for (;;) {}
    }
    if (argc > 1 && lt_streq(argv[1], "wait-sigint")) {
        lt_sigaction(SIGINT, sigint_exit, 0, 0, NULL);
        put("ready\n");
        static volatile int never;
        spin_until(&never);
    }
    compute_loop();
    blocking_calls();
    temporary_masks();
    return lt_failures;
}
