/* Signals for test guests, the same source both ways. rt_sigaction takes the
 * kernel's struct k_sigaction: on WALI musl's packed 24-byte layout (the
 * handler is a table index, SIG_IGN is -2); natively the x86-64 kernel's
 * 32-byte one, where the kernel also needs SA_RESTORER and a restorer that
 * calls rt_sigreturn (written below in assembly, as the C library's is). */
#pragma once
#include "lt.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGVTALRM 26
#define SIGWINCH 28
#define SIGRTMIN_KERNEL 32
#define SIGRT(n) (35 + (n)) /* musl's SIGRTMIN is 35 */

#define SA_NOCLDSTOP 1ul
#define SA_SIGINFO 4ul
#define SA_RESTORER 0x04000000ul
#define SA_ONSTACK 0x08000000ul
#define SA_RESTART 0x10000000ul
#define SA_NODEFER 0x40000000ul
#define SA_RESETHAND 0x80000000ul

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define ILL_ILLOPN 2
#define FPE_INTDIV 1

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1 << 31)
#define MINSIGSTKSZ 2048

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

#define LT_BIT(sig) (1ul << ((sig) - 1))

typedef void (*lt_handler)(int);
#define LT_SIG_DFL ((lt_handler)0)
#ifdef __wasm__
#define LT_SIG_IGN ((lt_handler)-2)
#else
#define LT_SIG_IGN ((lt_handler)1)
#endif

struct lt_sigaction {
    lt_handler handler;
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
}
#ifdef __wasm__
__attribute__((packed))
#endif
;

typedef struct { void *ss_sp; int ss_flags; size_t ss_size; } lt_stack_t;

struct lt_siginfo {
    int si_signo, si_errno, si_code, __pad;
    int si_pid;          /* or si_timerid */
    unsigned si_uid;     /* or si_overrun */
    int si_value;        /* sival_int, or si_status */
    char __rest[128 - 28];
};

/* The wasm32 musl ucontext_t and the x86-64 kernel's agree on everything up
 * to uc_sigmask once pointer sizes follow the target. */
struct lt_ucontext {
    unsigned long uc_flags;
    void *uc_link;
    lt_stack_t uc_stack;
    unsigned long uc_mcontext[32];
    unsigned long uc_sigmask;
};

struct itimerval { struct timeval it_interval, it_value; };

#ifdef __wasm__
/* What clang turns memcmp(...) == 0 into (lt.h defines memcmp only). */
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
#endif

#ifndef __wasm__
void lt_restore_rt(void);
__asm__(".text\n.globl lt_restore_rt\nlt_restore_rt:\n\tmov $15, %rax\n\tsyscall\n\thlt\n");
#endif

/* rt_sigaction with the flags musl passes (SA_RESTORER always set). */
static long lt_sigaction(int sig, lt_handler handler, unsigned long flags, unsigned long mask,
                         struct lt_sigaction *old) {
    struct lt_sigaction act = {handler, flags | SA_RESTORER, 0, mask};
#ifndef __wasm__
    act.restorer = lt_restore_rt;
#endif
    return wali_rt_sigaction(sig, &act, old, 8);
}

/* The current disposition of `sig`. */
static struct lt_sigaction lt_disposition(int sig) {
    struct lt_sigaction old;
    memset(&old, 0, sizeof old);
    wali_rt_sigaction(sig, NULL, &old, 8);
    return old;
}

static unsigned long lt_mask(void) {
    unsigned long old = 0;
    wali_rt_sigprocmask(SIG_BLOCK, NULL, &old, 8);
    return old;
}

static void lt_set_mask(unsigned long mask) { wali_rt_sigprocmask(SIG_SETMASK, &mask, NULL, 8); }

static unsigned long lt_pending(void) {
    unsigned long set = 0;
    wali_rt_sigpending(&set, 8);
    return set;
}

/* One-shot ITIMER_REAL after `ms` milliseconds. */
static long lt_alarm_ms(long ms) {
    struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    return wali_setitimer(ITIMER_REAL, &t, NULL);
}

static void lt_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (wali_nanosleep(&ts, &ts) == -EINTR) {}
}

static int lt_getpid(void) { return (int)wali_getpid(); }
static int lt_gettid(void) { return (int)wali_gettid(); }
