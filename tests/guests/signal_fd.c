/* Signals read from a descriptor (signalfd, signalfd4), queued to one thread
 * with information (rt_tgsigqueueinfo), and alarm: the same natively and
 * under Lamina. */
#include "lt_signal.h"

#define SI_USER 0
#define SI_QUEUE (-1)
#define SFD_NONBLOCK 04000
#define SFD_CLOEXEC 02000000
#define ITIMER_REAL 0

/* struct signalfd_siginfo: 128 bytes, the same on both targets. */
struct lt_sfd_info {
    unsigned ssi_signo;
    int ssi_errno, ssi_code;
    unsigned ssi_pid, ssi_uid;
    int ssi_fd;
    unsigned ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
    int ssi_status, ssi_int;
    unsigned long long ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
    char pad[128 - 80];
};

#define BIT(sig) (1UL << ((sig) - 1))

static void signal_descriptors(void) {
    long pid = wali_getpid();
    lt_set_mask(BIT(SIGUSR1) | BIT(SIGUSR2));
    unsigned long set = BIT(SIGUSR1);
    long fd = wali_signalfd4(-1, &set, 8, SFD_NONBLOCK | SFD_CLOEXEC);
    expect_true("signalfd4", fd >= 3);
    struct lt_sfd_info info;
    expect_eq("nothing pending: EAGAIN", wali_read((int)fd, &info, sizeof info), -EAGAIN);
    struct pollfd p = {(int)fd, POLLIN, 0};
    expect_eq("poll: not readable", wali_poll(&p, 1, 0), 0);
    expect_eq("kill self SIGUSR1", wali_kill((int)pid, SIGUSR1), 0);
    expect_eq("poll: readable", wali_poll(&p, 1, 0), 1);
    memset(&info, 0, sizeof info);
    expect_eq("read one record", wali_read((int)fd, &info, sizeof info), 128);
    expect_eq("ssi_signo", info.ssi_signo, SIGUSR1);
    expect_eq("ssi_code", info.ssi_code, SI_USER);
    expect_eq("ssi_pid", info.ssi_pid, pid);
    expect_eq("taken: no longer pending", wali_read((int)fd, &info, sizeof info), -EAGAIN);
    expect_eq("buffer too small", wali_read((int)fd, &info, 64), -EINVAL);

    /* SIGUSR2 is blocked but not in the set: the descriptor does not see it. */
    wali_kill((int)pid, SIGUSR2);
    expect_eq("a signal outside the set", wali_read((int)fd, &info, sizeof info), -EAGAIN);
    /* The same descriptor, now with SIGUSR2 too (signalfd: no flags). */
    set = BIT(SIGUSR1) | BIT(SIGUSR2);
    expect_eq("signalfd changes the set", wali_signalfd((int)fd, &set, 8), fd);
    expect_eq("now it is read", wali_read((int)fd, &info, sizeof info), 128);
    expect_eq("ssi_signo SIGUSR2", info.ssi_signo, SIGUSR2);

    /* Queued to this thread with a value. */
    struct lt_siginfo q;
    memset(&q, 0, sizeof q);
    q.si_signo = SIGUSR1;
    q.si_code = SI_QUEUE;
    q.si_pid = (int)pid;
    q.si_uid = (unsigned)wali_getuid();
    q.si_value = 4242;
    expect_eq("rt_tgsigqueueinfo", wali_rt_tgsigqueueinfo((int)pid, (int)wali_gettid(), SIGUSR1, &q), 0);
    expect_eq("queued record", wali_read((int)fd, &info, sizeof info), 128);
    expect_eq("queued ssi_code", info.ssi_code, SI_QUEUE);
    expect_eq("queued value", info.ssi_int, 4242);
    expect_eq("rt_tgsigqueueinfo no such thread", wali_rt_tgsigqueueinfo((int)pid, 0x3ffffff0, SIGUSR1, &q), -ESRCH);
    /* Only the kernel may claim a code of its own (SI_USER) to another
     * thread: refused before the target is even looked up. */
    q.si_code = SI_USER;
    expect_eq("rt_tgsigqueueinfo SI_USER elsewhere", wali_rt_tgsigqueueinfo(0x3ffffff0, 0x3ffffff0, SIGUSR1, &q), -EPERM);

    expect_eq("signalfd bad size", wali_signalfd4(-1, &set, 4, 0), -EINVAL);
    expect_eq("signalfd4 bad flags", wali_signalfd4(-1, &set, 8, 1), -EINVAL);
    expect_eq("signalfd of a non-signalfd", wali_signalfd(1, &set, 8), -EINVAL);
    expect_eq("signalfd bad descriptor", wali_signalfd(999, &set, 8), -EBADF);
    wali_close((int)fd);
    lt_set_mask(0);
}

static void alarms(void) {
    expect_eq("alarm: none before", wali_alarm(100), 0);
    struct itimerval it;
    expect_eq("getitimer", wali_getitimer(ITIMER_REAL, &it), 0);
    expect_true("ITIMER_REAL is the alarm", it.it_value.tv_sec >= 98 && it.it_value.tv_sec <= 100);
    long left = wali_alarm(0);
    expect_true("alarm(0) returns what was left", left == 99 || left == 100);
    expect_eq("alarm cancelled", wali_alarm(0), 0);

    /* A short alarm: its SIGALRM is taken by sigtimedwait. */
    lt_set_mask(BIT(SIGALRM));
    expect_eq("alarm 1", wali_alarm(1), 0);
    unsigned long set = BIT(SIGALRM);
    struct timespec ten = {10, 0};
    struct lt_siginfo info;
    expect_eq("SIGALRM comes", wali_rt_sigtimedwait(&set, &info, &ten, 8), SIGALRM);
    expect_eq("SIGALRM si_code is the kernel's", info.si_code, 0x80 /* SI_KERNEL */);
    lt_set_mask(0);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    signal_descriptors();
    alarms();
    return lt_failures;
}
