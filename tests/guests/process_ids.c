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
    int status = 0;
    expect_eq("wait4 without children", wali_wait4(-1, &status, WNOHANG, NULL), -ECHILD);
    return lt_failures;
}
