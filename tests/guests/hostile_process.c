/* Wild pointers, bad numbers and odd statuses to the process calls. */
#include "lt.h"

#define WILD ((void *)0xfffffff0u)
#define P_PID 1
#define WEXITED 4
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

/* A child that has exited, not yet reaped. */
static long exited_child(void) {
    long pid = wali_fork();
    if (pid == 0) wali_exit_group(0);
    struct timespec ms = {0, 20000000};
    wali_nanosleep(&ms, NULL);
    return pid;
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    /* The kernel would keep any address without looking; Lamina checks it
     * at once, since it is the one that will clear it. */
    expect_eq("set_tid_address wild", wali_set_tid_address(WILD), -EFAULT);
    expect_eq("set_tid_address NULL", wali_set_tid_address(NULL), wali_gettid());
    expect_eq("wait4 wild status", wali_wait4(-1, WILD, 1, NULL), -EFAULT);
    expect_eq("wait4 wild rusage", wali_wait4(-1, NULL, 1, WILD), -EFAULT);
    expect_eq("kill bad signal", wali_kill(wali_getpid(), -1), -EINVAL);
    expect_eq("tkill bad signal", wali_tkill((int)wali_gettid(), -1), -EINVAL);
    expect_eq("tkill no such thread", wali_tkill(0x7fffffff, 0), -ESRCH);
    expect_eq("tgkill bad signal", wali_tgkill(wali_getpid(), (int)wali_gettid(), -1), -EINVAL);
    long pidfd = wali_pidfd_open(wali_getpid(), 0);
    expect_eq("pidfd_send_signal wild info", wali_pidfd_send_signal((int)pidfd, 10, WILD, 0), -EFAULT);
    expect_eq("pidfd_send_signal bad signal", wali_pidfd_send_signal((int)pidfd, 65, NULL, 0), -EINVAL);
    expect_eq("pidfd_send_signal bad fd", wali_pidfd_send_signal(-1, 0, NULL, 0), -EBADF);
    expect_eq("pidfd_getfd bad fd", wali_pidfd_getfd(-1, 0, 0), -EBADF);
    expect_eq("pidfd_open bad pid", wali_pidfd_open(-5, 0), -EINVAL);
    wali_close((int)pidfd);
    /* vfork's child may clobber anything: it has its own copy. */
    static int value = 1;
    long child = wali_vfork();
    if (child == 0) { value = 0x5a; wali_exit_group(value); }
    int status = 0;
    expect_eq("vfork child waited for", wali_wait4((int)child, &status, 0, NULL), child);
    expect_eq("vfork child's status", (status >> 8) & 0xff, 0x5a);
    expect_eq("vfork parent's value unchanged", value, 1);
    int word = 0;
    expect_eq("futex wild word", wali_futex(WILD, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
    expect_eq("futex wild timeout", wali_futex(&word, FUTEX_WAIT, 0, WILD, NULL, 0), -EFAULT);
    unsigned long long waiter[3] = {0, (unsigned long)&word, 2 | 128};
    expect_eq("futex_waitv wild waiters", wali_futex_waitv(WILD, 1, 0, NULL, 1), -EFAULT);
    expect_eq("futex_waitv NULL waiters", wali_futex_waitv(NULL, 1, 0, NULL, 1), -EINVAL);
    expect_eq("futex_waitv too many", wali_futex_waitv(waiter, 129, 0, NULL, 1), -EINVAL);
    expect_eq("futex_waitv wild timeout", wali_futex_waitv(waiter, 1, 0, WILD, 1), -EFAULT);
    waiter[1] = 0xfffffff0u;
    expect_eq("futex_waitv wild futex", wali_futex_waitv(waiter, 1, 0, NULL, 1), -EFAULT);
    waiter[1] = 0x100000000ull;
    expect_eq("futex_waitv address past 4 GiB", wali_futex_waitv(waiter, 1, 0, NULL, 1), -EFAULT);
    waiter[1] = (unsigned long)&word + 1;
    expect_eq("futex_waitv misaligned futex", wali_futex_waitv(waiter, 1, 0, NULL, 1), -EINVAL);
    expect_eq("futex unknown operation", wali_futex(&word, 99, 0, NULL, NULL, 0), -ENOSYS);
    int info[32];
    expect_eq("waitid bad idtype", wali_waitid(99, 0, info, WEXITED, NULL), -EINVAL);
    long pid = exited_child();
    expect_eq("waitid wild siginfo", wali_waitid(P_PID, (int)pid, WILD, WEXITED, NULL), -EFAULT);
    expect_eq("waitid wild rusage", wali_waitid(P_PID, (int)pid, info, WEXITED, WILD), -EFAULT);
    expect_eq("the child is still there to reap", wali_wait4((int)pid, NULL, 0, NULL), pid);
    /* SYS_exit with a status past 8 bits: the parent sees its low byte. */
    pid = wali_fork();
    if (pid == 0) wali_exit(0x1234);
    status = 0;
    expect_eq("reap the exited child", wali_wait4((int)pid, &status, 0, NULL), pid);
    expect_eq("exit status keeps the low byte", (status >> 8) & 0xff, 0x34);
    return lt_failures;
}
