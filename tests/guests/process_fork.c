/* fork + wait4 status round trips (exit codes and deaths by signal), waitid's
 * siginfo, SYS_exit ending a single-threaded child, and a pipe between
 * parent and child: the same natively and under Lamina. */
#include "lt.h"

#define SIGKILL 9
#define SIGTERM 15
#define SIGSEGV 11

static int wait_for(long pid) {
    int status = 0;
    long r = wali_wait4((int)pid, &status, 0, NULL);
    expect_eq("wait4 returns the child", r, pid);
    return status;
}

static void child_exits_with(int code) {
    long pid = wali_fork();
    if (pid == 0) wali_exit_group(code);
    int status = wait_for(pid);
    put("exit "); put_int(code); put(": ");
    show("status", status);
    expect_eq("exited normally", status & 0x7f, 0);
    expect_eq("exit code", (status >> 8) & 0xff, code & 0xff);
}

static void child_killed_by(int sig) {
    long pid = wali_fork();
    if (pid == 0) {
        wali_kill((int)wali_getpid(), sig);
        wali_exit_group(99); /* not reached */
    }
    int status = wait_for(pid);
    put("signal "); put_int(sig); put(": ");
    show("termsig", status & 0x7f);
    expect_eq("killed by the signal", status & 0x7f, sig);
}

/* A wild store: SIGSEGV natively, an out-of-bounds trap under Lamina, which
 * reports it to the parent the same way. */
static void child_crashes(void) {
    long pid = wali_fork();
    if (pid == 0) {
        *(volatile int *)0xfffffff0u = 1;
        wali_exit_group(99);
    }
    int status = wait_for(pid);
    show("crash termsig", status & 0x7f);
    expect_eq("killed by SIGSEGV", status & 0x7f, SIGSEGV);
}

#define P_PID 1
#define WEXITED 4
#define CLD_EXITED 1

/* waitid fills a siginfo_t (128 bytes, the kernel's layout on both sides):
 * si_signo @0, si_code @8, si_pid @16, si_status @24. */
static void waitid_reports(int code) {
    long pid = wali_fork();
    if (pid == 0) wali_exit(code); /* SYS_exit in a single-threaded child */
    int info[32] = {0};
    expect_eq("waitid", wali_waitid(P_PID, (int)pid, info, WEXITED, NULL), 0);
    expect_eq("waitid si_signo is SIGCHLD", info[0], 17);
    expect_eq("waitid si_code", info[2], CLD_EXITED);
    expect_eq("waitid si_pid", info[4], pid);
    show("waitid si_status", info[6]);
    expect_eq("waitid again: no child", wali_waitid(P_PID, (int)pid, info, WEXITED, NULL), -ECHILD);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    waitid_reports(7);
    child_crashes();
    child_exits_with(0);
    child_exits_with(42);
    child_exits_with(300);
    child_killed_by(SIGKILL);
    child_killed_by(SIGTERM);

    int fds[2];
    expect_eq("pipe", wali_pipe(fds), 0);
    long pid = wali_fork();
    if (pid == 0) {
        wali_close(fds[0]);
        const char *msg = "from the child";
        wali_write(fds[1], (void *)msg, (unsigned)strlen(msg));
        wali_exit_group(0);
    }
    wali_close(fds[1]);
    char buf[64];
    long n = wali_read(fds[0], buf, sizeof buf - 1);
    expect_eq("read the child's message", n, 14);
    buf[n > 0 ? n : 0] = 0;
    show_str("message", buf);
    expect_eq("read EOF after the child exits", wali_read(fds[0], buf, sizeof buf), 0);
    expect_eq("child status", wait_for(pid), 0);

    /* Memory is copied, not shared: the child's write is invisible here. */
    static int shared_value = 1;
    pid = wali_fork();
    if (pid == 0) { shared_value = 2; wali_exit_group(shared_value); }
    expect_eq("child saw its own copy", (wait_for(pid) >> 8) & 0xff, 2);
    expect_eq("parent's copy unchanged", shared_value, 1);

    /* Under Lamina vfork is a fork: the child's writes stay its own. (The
     * native build forks too: a raw vfork from C shares the caller's stack.) */
#ifdef __wasm__
    pid = wali_vfork();
#else
    pid = wali_fork();
#endif
    if (pid == 0) { shared_value = 3; wali_exit_group(shared_value); }
    expect_eq("vfork child's status", (wait_for(pid) >> 8) & 0xff, 3);
    expect_eq("parent's copy unchanged after vfork", shared_value, 1);
    return lt_failures;
}
