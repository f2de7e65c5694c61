/* Signals through libc: sigaction with SA_SIGINFO, SA_RESETHAND, SA_NODEFER,
 * sa_mask and SA_ONSTACK; sigprocmask/sigpending; raise, kill and
 * pthread_kill; sigsuspend, ppoll and pselect masks; interrupted system
 * calls; and leaving a handler with siglongjmp, checking through
 * sigprocmask whether the mask was restored. Handlers only record facts in
 * volatile variables; main prints them. Queued signals and synchronous
 * waiting are in signals_wait.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t hits, last_signo, last_code, from_self, self_blocked, extra_blocked, depth, max_depth;

static int blocked_now(int sig) {
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

static void info_handler(int sig, siginfo_t *si, void *ctx) {
    (void)ctx;
    hits++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    from_self = si->si_pid == getpid();
    self_blocked = blocked_now(sig);
    extra_blocked = blocked_now(SIGUSR2);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static const char *code_name(int code) {
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    default: return "other";
    }
}

static void delivery(void) {
    sigset_t also;
    sigemptyset(&also);
    sigaddset(&also, SIGUSR2);
    install(SIGUSR1, info_handler, 0, &also);

    CHECK_EQ(raise(SIGUSR1), 0);
    printf("raise: hits=%d signo=%d code=%s self-blocked-in-handler=%d sa_mask-blocked=%d\n", hits, last_signo,
           code_name(last_code), self_blocked, extra_blocked);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    printf("kill self: hits=%d code=%s from own pid=%d\n", hits, code_name(last_code), from_self);
    printf("after the handler SIGUSR1 blocked=%d SIGUSR2 blocked=%d\n", blocked_now(SIGUSR1), blocked_now(SIGUSR2));

    printf("kill(self, 0)=%d\n", kill(getpid(), 0));
    errno = 0;
    int r = kill(getpid(), 1000);
    printf("kill with signal 1000: %d errno=%d\n", r, errno);
    errno = 0;
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    r = sigaction(SIGKILL, &sa, NULL);
    printf("sigaction(SIGKILL): %d errno=%d\n", r, errno);

    /* Ignored signals vanish. */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored SIGUSR2 survived\n");
    signal(SIGUSR2, SIG_DFL);
}

static void masking(void) {
    sigset_t block, old, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &block, &old), 0);
    hits = 0;
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    sigpending(&pending);
    printf("blocked: hits=%d pending SIGUSR1=%d SIGUSR2=%d\n", hits, sigismember(&pending, SIGUSR1),
           sigismember(&pending, SIGUSR2));
    CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
    printf("unblocked: delivered once before sigprocmask returned: hits=%d\n", hits);
    sigpending(&pending);
    printf("pending after delivery: %d\n", sigismember(&pending, SIGUSR1));
}

static volatile sig_atomic_t reset_hits;

static void reset_handler(int sig, siginfo_t *si, void *ctx) {
    (void)sig, (void)si, (void)ctx;
    reset_hits++;
}

static volatile sig_atomic_t nodefer_calls;

/* Re-raises its signal until it has run three times; how deeply the calls
 * nest shows whether the signal was blocked while the handler ran. */
static void nodefer_handler(int sig, siginfo_t *si, void *ctx) {
    (void)si, (void)ctx;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (++nodefer_calls < 3)
        raise(sig);
    depth--;
}

static void flags(void) {
    install(SIGURG, reset_handler, SA_RESETHAND, NULL);
    raise(SIGURG);
    raise(SIGURG); /* default action of SIGURG: ignore */
    struct sigaction now;
    sigaction(SIGURG, NULL, &now);
    printf("SA_RESETHAND: hits=%d, disposition reset to default: %d\n", reset_hits, now.sa_handler == SIG_DFL);

    install(SIGUSR2, nodefer_handler, SA_NODEFER, NULL);
    raise(SIGUSR2);
    printf("SA_NODEFER: %d calls, nested depth reached %d\n", nodefer_calls, max_depth);
    max_depth = nodefer_calls = 0;
    install(SIGUSR2, nodefer_handler, 0, NULL);
    raise(SIGUSR2);
    printf("without SA_NODEFER: %d calls, depth %d (each re-raise waits for the handler to return)\n", nodefer_calls,
           max_depth);
    signal(SIGUSR2, SIG_DFL);

    struct sigaction old;
    install(SIGUSR1, info_handler, SA_RESTART, NULL);
    sigaction(SIGUSR1, NULL, &old);
    printf("sigaction reads back SA_RESTART|SA_SIGINFO: %d, handler: %d\n",
           (old.sa_flags & (SA_RESTART | SA_SIGINFO)) == (SA_RESTART | SA_SIGINFO), old.sa_sigaction == info_handler);
}

static char alt_stack[64 * 1024];
static volatile sig_atomic_t on_alt_stack, ss_flags_in_handler;

static void altstack_handler(int sig) {
    (void)sig;
    char local;
    uintptr_t at = (uintptr_t)&local, base = (uintptr_t)alt_stack;
    on_alt_stack = at >= base && at < base + sizeof alt_stack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    ss_flags_in_handler = cur.ss_flags;
}

static void alternate_stack(void) {
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
    struct sigaction sa = {0};
    sa.sa_handler = altstack_handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("SA_ONSTACK: handler locals on the alternate stack: %d, SS_ONSTACK reported: %d\n", on_alt_stack,
           (ss_flags_in_handler & SS_ONSTACK) != 0);
    stack_t after;
    sigaltstack(NULL, &after);
    printf("after the handler: ss_flags=%d size=%zu\n", after.ss_flags, after.ss_size);
    ss.ss_flags = SS_DISABLE;
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
    signal(SIGUSR2, SIG_DFL);
}

static sigjmp_buf jump;

static void jumping_handler(int sig) { siglongjmp(jump, sig); }

static void jumps(void) {
    signal(SIGUSR1, jumping_handler);
    volatile int rounds = 0;
    int v = sigsetjmp(jump, 1);
    if (v == 0) {
        rounds++;
        raise(SIGUSR1);
        printf("FAIL: raise returned after siglongjmp\n");
    }
    printf("sigsetjmp(savemask=1): came back with %d after %d round(s), SIGUSR1 blocked now: %d\n", v, rounds,
           blocked_now(SIGUSR1));

    v = sigsetjmp(jump, 0);
    if (v == 0)
        raise(SIGUSR1);
    printf("sigsetjmp(savemask=0): came back with %d, SIGUSR1 still blocked from the handler: %d\n", v,
           blocked_now(SIGUSR1));
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);

    /* A mask change between sigsetjmp and the jump is undone as well. */
    v = sigsetjmp(jump, 1);
    if (v == 0) {
        sigset_t more;
        sigemptyset(&more);
        sigaddset(&more, SIGUSR2);
        sigprocmask(SIG_BLOCK, &more, NULL);
        siglongjmp(jump, 7);
    }
    printf("siglongjmp without a signal: %d, SIGUSR2 blocked: %d\n", v, blocked_now(SIGUSR2));
    signal(SIGUSR1, SIG_DFL);
}

static volatile sig_atomic_t alarm_hits;

static void alarm_handler(int sig) {
    (void)sig;
    alarm_hits++;
}

static void interruptions(void) {
    struct sigaction sa = {0};
    sa.sa_handler = alarm_handler;
    sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    /* Periodic, so a signal that comes before read() starts is not the
     * last one. */
    struct itimerval timer = {{0, 20000}, {0, 20000}};
    CHECK_EQ(setitimer(ITIMER_REAL, &timer, NULL), 0);
    char c;
    errno = 0;
    ssize_t r = read(fds[0], &c, 1);
    int read_errno = errno;
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_EQ(setitimer(ITIMER_REAL, &off, NULL), 0);
    printf("read interrupted by SIGALRM: %zd errno=%s handler ran: %d\n", r, read_errno == EINTR ? "EINTR" : "other",
           alarm_hits > 0);
    close(fds[0]);
    close(fds[1]);

    sigset_t block, old, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    alarm_hits = 0;
    struct itimerval once = {{0, 0}, {0, 10000}};
    setitimer(ITIMER_REAL, &once, NULL);
    sigemptyset(&waitmask);
    errno = 0;
    r = sigsuspend(&waitmask);
    printf("sigsuspend: %zd errno=%s hits=%d, mask restored (SIGALRM blocked): %d\n", r,
           errno == EINTR ? "EINTR" : "other", alarm_hits, blocked_now(SIGALRM));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* ppoll and pselect install their mask for the wait: a pending signal
     * it unblocks interrupts them at once, and the old mask is back after. */
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    signal(SIGUSR1, alarm_handler);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    for (int round = 0; round < 2; round++) {
        alarm_hits = 0;
        raise(SIGUSR1);
        struct timespec wait = {5, 0};
        errno = 0;
        int n = round == 0 ? ppoll(NULL, 0, &wait, &none) : pselect(0, NULL, NULL, NULL, &wait, &none);
        printf("%s with a mask unblocking a pending signal: %d errno=%s hits=%d, blocked again after: %d\n",
               round == 0 ? "ppoll" : "pselect", n, errno == EINTR ? "EINTR" : "other", alarm_hits,
               blocked_now(SIGUSR1));
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);

    alarm(1);
    unsigned left = alarm(0);
    printf("alarm(0) cancels, returning the seconds left: %u\n", left);
    signal(SIGALRM, SIG_DFL);
}

static volatile pthread_t handled_in;
static volatile sig_atomic_t thread_hits;

static void thread_handler(int sig) {
    (void)sig;
    handled_in = pthread_self();
    thread_hits++;
}

static void *sleeper(void *arg) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    while (!thread_hits)
        usleep(1000);
    return arg;
}

static volatile sig_atomic_t spinning;

/* Makes no system call until its handler has run: only a safe point inside
 * its loop can run the handler. */
static void *spinner(void *arg) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    spinning = 1;
    while (!thread_hits)
        ;
    return arg;
}

static void threads(void) {
    signal(SIGUSR1, thread_handler);
    /* Main blocks SIGUSR1; the thread's handler must run in the thread. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
    pthread_join(t, NULL);
    printf("pthread_kill: handled in the target thread: %d (hits %d)\n", pthread_equal(handled_in, t) != 0,
           thread_hits);

    /* A process-directed signal goes to a thread that does not block it. */
    thread_hits = 0;
    pthread_create(&t, NULL, sleeper, NULL);
    kill(getpid(), SIGUSR1);
    pthread_join(t, NULL);
    printf("kill with main blocking: handled in the other thread: %d\n", pthread_equal(handled_in, t) != 0);

    /* A thread busy in a loop without system calls gets the signal sent to
     * it, while the main thread spins too (and must not take it). */
    thread_hits = 0;
    pthread_create(&t, NULL, spinner, NULL);
    while (!spinning)
        ;
    CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
    while (!thread_hits)
        ;
    pthread_join(t, NULL);
    printf("pthread_kill to a busy thread: handled in it: %d (hits %d)\n", pthread_equal(handled_in, t) != 0,
           thread_hits);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
}

int main(void) {
    delivery();
    masking();
    flags();
    alternate_stack();
    jumps();
    interruptions();
    threads();
    return CHECK_STATUS();
}
