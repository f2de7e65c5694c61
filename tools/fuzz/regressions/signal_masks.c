/* Regression guest for two signal-mask bugs tools/fuzz found (see
 * tools/fuzz/results.md): after handlers ran, and after the program saved
 * and restored its mask, nothing may stay blocked.
 *
 *   1. Two signals received during one call that does not stop for them
 *      (MAP_POPULATE): the later one's handler ran the earlier one inside
 *      itself at its first import, then restored the mask the earlier one's
 *      start had installed, leaving that signal blocked for good.
 *   2. A signal received during rt_sigprocmask: the mask the call reported
 *      (and the guest later restored) held the waiting handler's bits.
 *
 * Prints "ok" lines, or "FAIL" lines and exits 1. Same output natively. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

static volatile unsigned long alrm, usr;
static sigset_t seen_in_alrm, seen_in_usr;
static void on_alrm(int s) { (void)s; alrm++; sigprocmask(SIG_BLOCK, NULL, &seen_in_alrm); }
static void on_usr(int s) { (void)s; usr++; sigprocmask(SIG_BLOCK, NULL, &seen_in_usr); }

static int blocked(int sig) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, sig);
}

int main(void) {
    signal(SIGALRM, on_alrm);
    signal(SIGUSR1, on_usr);
    timer_t t;
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    timer_create(CLOCK_MONOTONIC, &sev, &t);

    int fails = 0;
    for (int i = 0; i < 20; i++) {
        struct itimerval once = {{0, 0}, {0, 1000}};
        setitimer(ITIMER_REAL, &once, NULL);
        struct itimerspec later = {{0, 0}, {0, 2000000}};
        timer_settime(t, 0, &later, NULL);
        /* both signals arrive while the kernel populates 64 MiB */
        void *p = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p != MAP_FAILED) munmap(p, 64 << 20);
        struct timespec settle = {0, 3000000};
        nanosleep(&settle, NULL);
        if (blocked(SIGALRM) || blocked(SIGUSR1)) {
            printf("FAIL: round %d: a signal stayed blocked after its handler ran\n", i);
            fails++;
            break;
        }
    }
    if (alrm && usr && (!sigismember(&seen_in_alrm, SIGALRM) || !sigismember(&seen_in_usr, SIGUSR1))) {
        printf("FAIL: a handler ran without its own signal blocked\n");
        fails++;
    }
    printf("%s: two signals during one call\n", fails ? "FAIL" : "ok");

    /* A signal every 20 us while the mask is saved and restored. */
    struct itimerspec often = {{0, 20000}, {0, 20000}};
    timer_settime(t, 0, &often, NULL);
    sigset_t all, old;
    sigfillset(&all);
    int leaked = 0;
    for (long i = 0; i < 50000 && !leaked; i++) {
        sigprocmask(SIG_BLOCK, &all, &old);
        if (sigismember(&old, SIGUSR1)) leaked = 1;
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (blocked(SIGUSR1)) leaked = 1;
    }
    struct itimerspec stop = {{0, 0}, {0, 0}};
    timer_settime(t, 0, &stop, NULL);
    printf("%s: the mask saved and restored while signals arrive\n", leaked ? "FAIL" : "ok");
    return fails || leaked;
}
