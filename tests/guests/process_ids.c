/* Process and thread identity, signalling a process without a signal, and
 * waiting with no children: the same natively and under Lamina (the guest's
 * main thread is the process's main thread). */
#include "lt.h"

#define WNOHANG 1

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    long pid = wali_getpid(), tid = wali_gettid();
    expect_true("pid positive", pid > 0);
    expect_eq("main thread id is the process id", tid, pid);
    int word = 7;
    expect_eq("set_tid_address returns the thread id", wali_set_tid_address(&word), tid);
    expect_eq("set_tid_address leaves the word", word, 7);
    expect_eq("kill self with signal 0", wali_kill((int)pid, 0), 0);
    expect_eq("tkill self with signal 0", wali_tkill((int)tid, 0), 0);
    expect_eq("kill a pid that cannot exist", wali_kill(0x3fffffff, 0), -ESRCH);
    expect_eq("kill with an invalid signal", wali_kill((int)pid, 65), -EINVAL);
    expect_eq("tkill an invalid thread id", wali_tkill(-1, 0), -EINVAL);
    expect_eq("tgkill self with signal 0", wali_tgkill((int)pid, (int)tid, 0), 0);
    expect_eq("tgkill a thread of another group", wali_tgkill(1, (int)tid, 0), -ESRCH);
    expect_eq("tgkill an invalid group", wali_tgkill(-1, (int)tid, 0), -EINVAL);

    long pidfd = wali_pidfd_open((int)pid, 0);
    expect_true("pidfd_open self", pidfd >= 3);
    expect_eq("pidfd_send_signal 0", wali_pidfd_send_signal((int)pidfd, 0, NULL, 0), 0);
    expect_eq("pidfd_send_signal bad flags", wali_pidfd_send_signal((int)pidfd, 0, NULL, 0x100), -EINVAL);
    expect_eq("pidfd_send_signal not a pidfd", wali_pidfd_send_signal(1, 0, NULL, 0), -EBADF);
    long copy = wali_pidfd_getfd((int)pidfd, 1, 0);
    expect_true("pidfd_getfd copies stdout", copy > pidfd);
    expect_eq("the copy writes to stdout", wali_write((int)copy, "via the copy\n", 13), 13);
    expect_eq("pidfd_getfd a closed fd", wali_pidfd_getfd((int)pidfd, 999, 0), -EBADF);
    expect_eq("pidfd_getfd bad flags", wali_pidfd_getfd((int)pidfd, 1, 1), -EINVAL);
    wali_close((int)copy);
    wali_close((int)pidfd);
    expect_eq("pidfd_open bad flags", wali_pidfd_open((int)pid, 1), -EINVAL);
    expect_eq("pidfd_open no such process", wali_pidfd_open(0x3ffffff0, 0), -ESRCH);

    int status = 0;
    expect_eq("wait4 without children", wali_wait4(-1, &status, WNOHANG, NULL), -ECHILD);
    return lt_failures;
}
