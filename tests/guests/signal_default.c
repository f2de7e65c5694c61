/* Default and ignored dispositions, and faults delivered to handlers: the
 * parent (the test) must see the same wait status natively and under
 * Lamina. argv[1] picks the case:
 *   term          SIGTERM, default action: killed by SIGTERM
 *   quit          SIGQUIT, default action (core dumps off): killed by SIGQUIT
 *   pipe-default  write to a pipe without reader: killed by SIGPIPE
 *   pipe-ignored  the same with SIGPIPE ignored: EPIPE, exit 0
 *   segv-exit     a bad memory access, handler exits 7
 *   segv-return   the same with SA_RESETHAND, handler returns: killed by SIGSEGV
 *   segv-onstack  the same on an alternate stack, handler exits 8
 *   ill-exit      __builtin_trap(), handler exits 9
 *   fpe-exit      integer division by zero, handler exits 10
 *   segv-blocked  a bad access with SIGSEGV blocked: killed by SIGSEGV
 *   segv-ignored  a bad access with SIGSEGV ignored: killed by SIGSEGV */
#include "lt_signal.h"

static volatile int zero, seven = 7;

static void fault_exit(int sig, struct lt_siginfo *info, void *context) {
    (void)context;
    show("signal", sig);
    show("si_signo", info->si_signo);
    show("si_code", info->si_code);
    wali_exit_group(sig == SIGSEGV ? 7 : sig == SIGILL ? 9 : 10);
}

static void fault_return(int sig) {
    show("handled, returning", sig);
}

static char alt[65536] __attribute__((aligned(16)));

static void onstack_exit(int sig) {
    char here;
    show("signal", sig);
    expect_true("on the alternate stack", &here >= alt && &here < alt + sizeof alt);
    lt_stack_t now;
    wali_sigaltstack(NULL, &now);
    expect_eq("reported on it", now.ss_flags, SS_ONSTACK);
    wali_exit_group(8);
}

static void bad_access(void) {
    /* Outside the wasm memory (at most 2 GiB here) and unmapped natively. */
    volatile int *p = (volatile int *)(unsigned long)0xfffffff0u;
    show("read", *p);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (lt_streq(mode, "term")) {
        wali_kill(lt_getpid(), SIGTERM);
    } else if (lt_streq(mode, "quit")) {
        struct rlimit none = {0, 0};
        wali_setrlimit(RLIMIT_CORE, &none);
        wali_kill(lt_getpid(), SIGQUIT);
    } else if (lt_streq(mode, "pipe-default") || lt_streq(mode, "pipe-ignored")) {
        if (lt_streq(mode, "pipe-ignored")) lt_sigaction(SIGPIPE, LT_SIG_IGN, 0, 0, NULL);
        int p[2];
        wali_pipe(p);
        wali_close(p[0]);
        show("write", wali_write(p[1], "x", 1));
        return lt_failures;
    } else if (lt_streq(mode, "segv-exit")) {
        lt_sigaction(SIGSEGV, (lt_handler)fault_exit, SA_SIGINFO, 0, NULL);
        bad_access();
    } else if (lt_streq(mode, "segv-return")) {
        lt_sigaction(SIGSEGV, fault_return, SA_RESETHAND, 0, NULL);
        bad_access();
    } else if (lt_streq(mode, "segv-onstack")) {
        lt_stack_t ss = {alt, 0, sizeof alt};
        wali_sigaltstack(&ss, NULL);
        lt_sigaction(SIGSEGV, onstack_exit, SA_ONSTACK, 0, NULL);
        bad_access();
    } else if (lt_streq(mode, "ill-exit")) {
        lt_sigaction(SIGILL, (lt_handler)fault_exit, SA_SIGINFO, 0, NULL);
        __builtin_trap();
    } else if (lt_streq(mode, "fpe-exit")) {
        lt_sigaction(SIGFPE, (lt_handler)fault_exit, SA_SIGINFO, 0, NULL);
        show("quotient", seven / zero);
    } else if (lt_streq(mode, "segv-blocked")) {
        lt_sigaction(SIGSEGV, fault_return, 0, 0, NULL);
        unsigned long set = LT_BIT(SIGSEGV);
        wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8);
        bad_access();
    } else if (lt_streq(mode, "segv-ignored")) {
        lt_sigaction(SIGSEGV, LT_SIG_IGN, 0, 0, NULL);
        bad_access();
    }
    put("still here\n");
    return 1;
}
