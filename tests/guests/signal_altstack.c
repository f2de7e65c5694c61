/* sigaltstack and SA_ONSTACK handlers: where handlers run, what sigaltstack
 * reports from inside them, SS_AUTODISARM, and the ucontext's uc_stack. The
 * same natively and under Lamina (whose handlers run on the guest's stack in
 * linear memory, switched to the alternate stack). */
#include "lt_signal.h"

static char alt[65536] __attribute__((aligned(16)));
static char alt2[65536] __attribute__((aligned(16)));

static int on_alt(const char *p) { return p >= alt && p < alt + sizeof alt; }

static volatile int in_alt, nested_in_alt, inside_flags, inside_change, inside_size, uc_ok;

static void nested(int sig) {
    char here;
    (void)sig;
    nested_in_alt = on_alt(&here);
}

static void onstack(int sig, struct lt_siginfo *info, void *context) {
    char here;
    struct lt_ucontext *uc = context;
    (void)info;
    in_alt = on_alt(&here);
    lt_stack_t now, other = {alt2, 0, sizeof alt2};
    wali_sigaltstack(NULL, &now);
    inside_flags = now.ss_flags;
    inside_size = (int)now.ss_size;
    inside_change = (int)wali_sigaltstack(&other, NULL);
    uc_ok = uc->uc_stack.ss_sp == alt && uc->uc_stack.ss_size == sizeof alt;
    if (sig == SIGUSR1) wali_kill(lt_getpid(), SIGUSR2);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    lt_stack_t old, ss;
    expect_eq("query", wali_sigaltstack(NULL, &old), 0);
    expect_eq("initially disabled", old.ss_flags, SS_DISABLE);
    expect_true("no stack", old.ss_sp == NULL && old.ss_size == 0);

    ss = (lt_stack_t){alt, 0, MINSIGSTKSZ - 1};
    expect_eq("too small", wali_sigaltstack(&ss, NULL), -ENOMEM);
    ss = (lt_stack_t){alt, 5, sizeof alt};
    expect_eq("bad flags", wali_sigaltstack(&ss, NULL), -EINVAL);
    ss = (lt_stack_t){alt, 0, sizeof alt};
    expect_eq("set", wali_sigaltstack(&ss, &old), 0);
    expect_eq("old still disabled", old.ss_flags, SS_DISABLE);
    wali_sigaltstack(NULL, &old);
    expect_true("reads back", old.ss_sp == alt && old.ss_size == sizeof alt && old.ss_flags == 0);

    /* An SA_ONSTACK handler runs on it; a handler nested in it stays there. */
    lt_sigaction(SIGUSR1, (lt_handler)onstack, SA_ONSTACK | SA_SIGINFO, 0, NULL);
    lt_sigaction(SIGUSR2, nested, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_true("SA_ONSTACK handler on the alternate stack", in_alt);
    expect_eq("reported on it from inside", inside_flags, SS_ONSTACK);
    expect_eq("cannot be changed while in use", inside_change, -EPERM);
    expect_true("uc_stack describes it", uc_ok);
    expect_true("a handler nested in it is on it too", nested_in_alt);
    /* Outside a handler, nothing is on it. */
    wali_kill(lt_getpid(), SIGUSR2);
    expect_true("a plain handler is not", !nested_in_alt);

    /* SS_AUTODISARM: disarmed while the handler runs, then restored. */
    ss = (lt_stack_t){alt, SS_AUTODISARM, sizeof alt};
    expect_eq("autodisarm", wali_sigaltstack(&ss, NULL), 0);
    lt_sigaction(SIGUSR1, (lt_handler)onstack, SA_ONSTACK | SA_SIGINFO, 0, NULL);
    lt_sigaction(SIGUSR2, LT_SIG_IGN, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_true("autodisarm: handler on the alternate stack", in_alt);
    expect_eq("autodisarm: reported disabled inside", inside_flags, SS_DISABLE);
    expect_eq("autodisarm: no size inside", inside_size, 0);
    expect_eq("autodisarm: may be changed inside", inside_change, 0);
    wali_sigaltstack(NULL, &old);
    expect_true("autodisarm: restored after", old.ss_sp == alt && old.ss_flags == SS_AUTODISARM);

    ss = (lt_stack_t){NULL, SS_DISABLE, 0};
    expect_eq("disable", wali_sigaltstack(&ss, NULL), 0);
    wali_sigaltstack(NULL, &old);
    expect_eq("disabled", old.ss_flags, SS_DISABLE);
    wali_kill(lt_getpid(), SIGUSR1);
    expect_true("disabled: SA_ONSTACK handler on the normal stack", !in_alt);
    return lt_failures;
}
