/* What execve keeps: ignored signals stay ignored, handled ones go back to
 * the default, the mask and pending signals stay. Run in a directory holding
 * a copy of this program (same build) as `./child`; argv[1] is "exec" (set
 * up, then execute ./child check) or "check" (report). */
#include "lt_signal.h"

static void handler(int sig) { (void)sig; }

static void check(void) {
    expect_true("SIGPIPE still ignored", lt_disposition(SIGPIPE).handler == LT_SIG_IGN);
    expect_true("SIGUSR2 still ignored", lt_disposition(SIGUSR2).handler == LT_SIG_IGN);
    struct lt_sigaction usr1 = lt_disposition(SIGUSR1);
    expect_eq("handled SIGUSR1 back to the default", (long)usr1.handler, 0);
    expect_eq("with no flags", (long)usr1.flags, 0);
    expect_eq("mask kept", (long)lt_mask(), (long)(LT_BIT(SIGINT) | LT_BIT(SIGHUP)));
    expect_eq("pending signal kept", (long)lt_pending(), (long)LT_BIT(SIGINT));
    int p[2];
    wali_pipe(p);
    wali_close(p[0]);
    expect_eq("ignored SIGPIPE: EPIPE", wali_write(p[1], "x", 1), -EPIPE);
}

int main(int argc, char **argv) {
    if (argc > 1 && lt_streq(argv[1], "check")) {
        check();
        return lt_failures;
    }
    lt_sigaction(SIGPIPE, LT_SIG_IGN, 0, 0, NULL);
    lt_sigaction(SIGUSR2, LT_SIG_IGN, 0, 0, NULL);
    lt_sigaction(SIGUSR1, handler, SA_RESTART, LT_BIT(SIGTERM), NULL);
    unsigned long set = LT_BIT(SIGINT) | LT_BIT(SIGHUP);
    wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8);
    wali_kill(lt_getpid(), SIGINT);
    char *child_argv[] = {"child", "check", NULL};
    long r = wali_execve("./child", child_argv, NULL);
    show("execve failed", r);
    return 1;
}
