/* Dispositions, delivery to self, masks and pending sets: the same natively
 * and under Lamina. */
#include "lt_signal.h"

static volatile int hits[65];
static volatile unsigned long mask_in_handler;
static volatile int nested_hits;

static void count(int sig) {
    hits[sig]++;
    mask_in_handler = lt_mask();
}

/* Raises SIGUSR2 from inside a SIGUSR1 handler: with SIGUSR2 in sa_mask it
 * waits until this handler returns. */
static void raise_usr2(int sig) {
    hits[sig]++;
    wali_kill(lt_getpid(), SIGUSR2);
    nested_hits = hits[SIGUSR2];
}

static volatile int info_signo, info_code, info_pid_ok, info_uid_ok;
static volatile unsigned long uc_mask;

static void with_info(int sig, struct lt_siginfo *info, void *context) {
    struct lt_ucontext *uc = context;
    hits[sig]++;
    info_signo = info->si_signo;
    info_code = info->si_code;
    info_pid_ok = info->si_pid == lt_getpid();
    info_uid_ok = info->si_uid == (unsigned)wali_getuid();
    uc_mask = uc->uc_sigmask;
    /* What rt_sigreturn restores: the handler may change it. */
    if (sig == SIGUSR2) uc->uc_sigmask |= LT_BIT(SIGWINCH);
}

static void dispositions(void) {
    struct lt_sigaction old;
    expect_eq("initially default", (long)lt_disposition(SIGUSR1).handler, 0);
    expect_eq("install", lt_sigaction(SIGUSR1, count, SA_RESTART, LT_BIT(SIGUSR2) | LT_BIT(SIGKILL), &old), 0);
    expect_eq("old handler default", (long)old.handler, 0);
    expect_eq("old flags none", (long)old.flags, 0);
    struct lt_sigaction now = lt_disposition(SIGUSR1);
    expect_true("handler reads back", now.handler == count);
    expect_eq("flags read back", (long)now.flags, (long)(SA_RESTART | SA_RESTORER));
    /* The kernel never keeps SIGKILL or SIGSTOP in a mask. */
    expect_eq("mask read back", (long)now.mask, (long)LT_BIT(SIGUSR2));
    /* Flags the kernel does not know are dropped. */
    lt_sigaction(SIGUSR2, count, SA_NODEFER | SA_RESETHAND | SA_ONSTACK | SA_SIGINFO | 0x100 | 0x20000000, 0, NULL);
    expect_eq("known flags kept", (long)lt_disposition(SIGUSR2).flags,
              (long)(SA_NODEFER | SA_RESETHAND | SA_ONSTACK | SA_SIGINFO | SA_RESTORER));
    lt_sigaction(SIGUSR2, LT_SIG_DFL, 0, 0, NULL);
    expect_true("ignore reads back", (lt_sigaction(SIGWINCH, LT_SIG_IGN, 0, 0, NULL),
                                      lt_disposition(SIGWINCH).handler == LT_SIG_IGN));
    lt_sigaction(SIGWINCH, LT_SIG_DFL, 0, 0, NULL);
    /* The last real-time signal and the kernel's first one are settable. */
    expect_eq("signal 64", lt_sigaction(64, count, 0, 0, NULL), 0);
    expect_eq("signal 32", lt_sigaction(SIGRTMIN_KERNEL, count, 0, 0, NULL), 0);
    lt_sigaction(64, LT_SIG_DFL, 0, 0, NULL);
    lt_sigaction(SIGRTMIN_KERNEL, LT_SIG_DFL, 0, 0, NULL);

    struct lt_sigaction act = {count, SA_RESTORER, 0, 0};
    expect_eq("sigsetsize 128", wali_rt_sigaction(SIGUSR1, &act, NULL, 128), -EINVAL);
    expect_eq("sigsetsize 4", wali_rt_sigaction(SIGUSR1, NULL, &old, 4), -EINVAL);
    expect_eq("signal 0", wali_rt_sigaction(0, NULL, &old, 8), -EINVAL);
    expect_eq("signal 65", wali_rt_sigaction(65, NULL, &old, 8), -EINVAL);
    expect_eq("signal -1", wali_rt_sigaction(-1, NULL, &old, 8), -EINVAL);
    expect_eq("SIGKILL", lt_sigaction(SIGKILL, count, 0, 0, NULL), -EINVAL);
    expect_eq("SIGSTOP ignored", lt_sigaction(SIGSTOP, LT_SIG_IGN, 0, 0, NULL), -EINVAL);
    expect_eq("SIGKILL query", wali_rt_sigaction(SIGKILL, NULL, &old, 8), 0);
    expect_eq("SIGKILL is default", (long)old.handler, 0);
    expect_eq("query only", wali_rt_sigaction(SIGUSR1, NULL, NULL, 8), 0);
}

static void delivery(void) {
    /* A signal sent to oneself is handled before kill returns. */
    hits[SIGUSR1] = 0;
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("kill: handled before returning", hits[SIGUSR1], 1);
    expect_true("handler runs with sa_mask and itself blocked",
                (mask_in_handler & (LT_BIT(SIGUSR1) | LT_BIT(SIGUSR2))) == (LT_BIT(SIGUSR1) | LT_BIT(SIGUSR2)));
    expect_eq("mask restored after", (long)lt_mask(), 0);
    wali_tkill(lt_gettid(), SIGUSR1);
    expect_eq("tkill: handled", hits[SIGUSR1], 2);

    /* SA_NODEFER: the signal is not blocked in its own handler. */
    lt_sigaction(SIGHUP, count, SA_NODEFER, 0, NULL);
    wali_kill(lt_getpid(), SIGHUP);
    expect_eq("nodefer: handled", hits[SIGHUP], 1);
    expect_eq("nodefer: own signal not blocked", (long)(mask_in_handler & LT_BIT(SIGHUP)), 0);

    /* sa_mask holds a signal raised inside the handler until it returns. */
    lt_sigaction(SIGUSR1, raise_usr2, 0, LT_BIT(SIGUSR2), NULL);
    lt_sigaction(SIGUSR2, count, 0, 0, NULL);
    hits[SIGUSR2] = 0;
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("held by sa_mask while the handler ran", nested_hits, 0);
    expect_eq("then handled", hits[SIGUSR2], 1);
    /* Without it, the second handler nests inside the first. */
    lt_sigaction(SIGUSR1, raise_usr2, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("nested inside the handler", nested_hits, 2);

    /* SA_RESETHAND: once, then the default (flags stay). */
    lt_sigaction(SIGUSR1, count, SA_RESETHAND, 0, NULL);
    hits[SIGUSR1] = 0;
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("resethand: handled once", hits[SIGUSR1], 1);
    struct lt_sigaction after = lt_disposition(SIGUSR1);
    expect_eq("resethand: back to default", (long)after.handler, 0);
    expect_eq("resethand: flags stay", (long)after.flags, (long)(SA_RESETHAND | SA_RESTORER));

    /* Ignored signals vanish. */
    lt_sigaction(SIGUSR1, LT_SIG_IGN, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("ignored: nothing pending", (long)lt_pending(), 0);
    /* Default actions that ignore: SIGCHLD, SIGWINCH, SIGCONT. */
    wali_kill(lt_getpid(), SIGWINCH);
    wali_kill(lt_getpid(), SIGCHLD);
    wali_kill(lt_getpid(), SIGCONT);
    expect_eq("default-ignored signals: still here", (long)lt_pending(), 0);
}

static void masks(void) {
    lt_sigaction(SIGUSR1, count, 0, 0, NULL);
    hits[SIGUSR1] = 0;
    unsigned long set = LT_BIT(SIGUSR1) | LT_BIT(SIGKILL) | LT_BIT(SIGSTOP), old = 99;
    expect_eq("block", wali_rt_sigprocmask(SIG_BLOCK, &set, &old, 8), 0);
    expect_eq("old mask empty", (long)old, 0);
    expect_eq("SIGKILL and SIGSTOP cannot be blocked", (long)lt_mask(), (long)LT_BIT(SIGUSR1));
    wali_kill(lt_getpid(), SIGUSR1);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("blocked: not handled", hits[SIGUSR1], 0);
    expect_eq("blocked: pending", (long)lt_pending(), (long)LT_BIT(SIGUSR1));
    /* A standard signal is pending once, however often it was sent. */
    set = LT_BIT(SIGUSR1);
    expect_eq("unblock", wali_rt_sigprocmask(SIG_UNBLOCK, &set, &old, 8), 0);
    expect_eq("unblock: handled before returning", hits[SIGUSR1], 1);
    expect_eq("unblock: old mask", (long)old, (long)LT_BIT(SIGUSR1));
    expect_eq("nothing pending", (long)lt_pending(), 0);

    /* Real-time signals queue. */
    lt_sigaction(SIGRT(1), count, 0, 0, NULL);
    set = LT_BIT(SIGRT(1));
    wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8);
    for (int i = 0; i < 3; i++) wali_kill(lt_getpid(), SIGRT(1));
    wali_rt_sigprocmask(SIG_UNBLOCK, &set, NULL, 8);
    expect_eq("real-time: queued", hits[SIGRT(1)], 3);

    /* The fault signals can be blocked as far as the program sees. */
    set = LT_BIT(SIGSEGV) | LT_BIT(SIGFPE);
    wali_rt_sigprocmask(SIG_SETMASK, &set, NULL, 8);
    expect_eq("fault signals in the mask", (long)lt_mask(), (long)set);
    lt_sigaction(SIGSEGV, count, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGSEGV);
    expect_eq("sent SIGSEGV blocked: pending", (long)lt_pending(), (long)LT_BIT(SIGSEGV));
    expect_eq("sent SIGSEGV blocked: not handled", hits[SIGSEGV], 0);
    lt_set_mask(0);
    expect_eq("sent SIGSEGV: handled once unblocked", hits[SIGSEGV], 1);
    lt_sigaction(SIGSEGV, LT_SIG_IGN, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGSEGV);
    expect_eq("sent SIGSEGV ignored", hits[SIGSEGV], 1);
    lt_sigaction(SIGSEGV, LT_SIG_DFL, 0, 0, NULL);

    set = LT_BIT(SIGUSR2);
    expect_eq("bad how", wali_rt_sigprocmask(7, &set, &old, 8), -EINVAL);
    expect_eq("bad how without a set", wali_rt_sigprocmask(7, NULL, &old, 8), 0);
    expect_eq("sigprocmask size 128", wali_rt_sigprocmask(SIG_BLOCK, &set, &old, 128), -EINVAL);
    expect_eq("mask unchanged", (long)lt_mask(), 0);
    expect_eq("sigpending size 4", wali_rt_sigpending(&set, 4), 0);
    expect_eq("sigpending size 9", wali_rt_sigpending(&set, 9), -EINVAL);
}

static void siginfo(void) {
    lt_sigaction(SIGUSR2, (lt_handler)with_info, SA_SIGINFO, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR2);
    expect_eq("siginfo: handled", hits[SIGUSR2], 3);
    expect_eq("si_signo", info_signo, SIGUSR2);
    expect_eq("si_code of kill", info_code, SI_USER);
    expect_true("si_pid is the sender", info_pid_ok);
    expect_true("si_uid is the sender's", info_uid_ok);
    expect_eq("uc_sigmask is the mask to restore", (long)uc_mask, 0);
    expect_eq("the handler's uc_sigmask is restored", (long)lt_mask(), (long)LT_BIT(SIGWINCH));
    lt_set_mask(0);
    wali_tkill(lt_gettid(), SIGUSR2);
    expect_eq("si_code of tkill", info_code, SI_TKILL);
    lt_set_mask(0);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    dispositions();
    delivery();
    masks();
    siginfo();
#ifdef __wasm__
    /* Musl never calls it; there is no signal frame to return to (natively
     * the kernel would restore garbage registers and kill the process). */
    expect_eq("rt_sigreturn", wali_rt_sigreturn(0), -ENOSYS);
#else
    put("ok rt_sigreturn\n");
#endif
    return lt_failures;
}
