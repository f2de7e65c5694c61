/* Pipes, descriptor duplication, fcntl and ioctl: flags and close-on-exec as
 * the kernel reports them, non-blocking reads, record locks, FIONREAD. */
#include "lt_poll.h"

static void pipes(void) {
    int p[2] = {-1, -1};
    expect_eq("pipe", wali_pipe(p), 0);
    expect_true("pipe fds distinct", p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
    expect_eq("read end is read-only", wali_fcntl(p[0], F_GETFL, 0) & O_ACCMODE, O_RDONLY);
    expect_eq("write end is write-only", wali_fcntl(p[1], F_GETFL, 0) & O_ACCMODE, O_WRONLY);
    expect_eq("pipe not cloexec", wali_fcntl(p[0], F_GETFD, 0), 0);
    int n = -1;
    expect_eq("FIONREAD empty", wali_ioctl(p[0], FIONREAD, &n), 0);
    show("FIONREAD empty value", n);
    expect_eq("write 5", wali_write(p[1], "pipe!", 5), 5);
    expect_eq("FIONREAD", wali_ioctl(p[0], FIONREAD, &n), 0);
    show("FIONREAD value", n);
    char buf[8] = {0};
    expect_eq("read 3", wali_read(p[0], buf, 3), 3);
    expect_true("read data", memcmp(buf, "pip", 3) == 0);
    expect_eq("FIONREAD after read", wali_ioctl(p[0], FIONREAD, &n), 0);
    show("FIONREAD left", n);
    expect_eq("read rest", wali_read(p[0], buf, 8), 2);
    expect_eq("write to read end", wali_write(p[0], "x", 1), -EBADF);
    expect_eq("read from write end", wali_read(p[1], buf, 1), -EBADF);
    /* Non-blocking through F_SETFL. */
    long fl = wali_fcntl(p[0], F_GETFL, 0);
    expect_eq("F_SETFL O_NONBLOCK", wali_fcntl(p[0], F_SETFL, fl | O_NONBLOCK), 0);
    expect_true("F_GETFL shows O_NONBLOCK", (wali_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK) != 0);
    expect_eq("read empty non-blocking pipe", wali_read(p[0], buf, 1), -EAGAIN);
    expect_eq("F_SETFL clear", wali_fcntl(p[0], F_SETFL, fl), 0);
    expect_eq("F_GETFL cleared", wali_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK, 0);
    /* Non-blocking through FIONBIO. */
    int on = 1;
    expect_eq("FIONBIO on", wali_ioctl(p[0], FIONBIO, &on), 0);
    expect_true("FIONBIO sets O_NONBLOCK", (wali_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK) != 0);
    expect_eq("read after FIONBIO", wali_read(p[0], buf, 1), -EAGAIN);
    on = 0;
    expect_eq("FIONBIO off", wali_ioctl(p[0], FIONBIO, &on), 0);
    expect_eq("FIONBIO clears O_NONBLOCK", wali_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK, 0);
    /* Terminal requests on a pipe: not a tty. */
    struct termios_kernel t;
    struct winsize ws;
    expect_eq("TCGETS on a pipe", wali_ioctl(p[0], TCGETS, &t), -ENOTTY);
    expect_eq("TIOCGWINSZ on a pipe", wali_ioctl(p[1], TIOCGWINSZ, &ws), -ENOTTY);
    /* Write end closed: EOF. */
    expect_eq("close write end", wali_close(p[1]), 0);
    expect_eq("read at EOF", wali_read(p[0], buf, 1), 0);
    wali_close(p[0]);

    expect_eq("pipe2 cloexec+nonblock", wali_pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    expect_eq("pipe2 F_GETFD", wali_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
    expect_eq("pipe2 F_GETFD write end", wali_fcntl(p[1], F_GETFD, 0), FD_CLOEXEC);
    expect_true("pipe2 F_GETFL nonblock", (wali_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK) != 0);
    expect_eq("pipe2 empty read", wali_read(p[0], buf, 1), -EAGAIN);
    wali_close(p[0]);
    wali_close(p[1]);
    expect_eq("pipe2 no flags", wali_pipe2(p, 0), 0);
    expect_eq("pipe2 no flags F_GETFD", wali_fcntl(p[0], F_GETFD, 0), 0);
    wali_close(p[0]);
    wali_close(p[1]);
    expect_eq("pipe2 bad flags", wali_pipe2(p, 1), -EINVAL);
}

static void duplication(void) {
    int p[2];
    wali_pipe2(p, O_CLOEXEC);
    long d = wali_dup(p[1]);
    expect_true("dup", d >= 0 && d != p[0] && d != p[1]);
    expect_eq("dup drops cloexec", wali_fcntl((int)d, F_GETFD, 0), 0);
    expect_eq("write via dup", wali_write((int)d, "ab", 2), 2);
    char buf[4];
    expect_eq("read what dup wrote", wali_read(p[0], buf, 4), 2);
    expect_eq("dup bad fd", wali_dup(-1), -EBADF);

    long target = wali_dup(p[0]);
    expect_eq("dup2 onto own fd", wali_dup2(p[1], (int)target), target);
    expect_eq("dup2 target is the write end now", wali_fcntl((int)target, F_GETFL, 0) & O_ACCMODE, O_WRONLY);
    expect_eq("dup2 result not cloexec", wali_fcntl((int)target, F_GETFD, 0), 0);
    expect_eq("dup2 same fd", wali_dup2(p[1], p[1]), p[1]);
    expect_eq("dup2 bad oldfd", wali_dup2(-1, (int)target), -EBADF);
    expect_eq("dup2 bad newfd", wali_dup2(p[1], -1), -EBADF);

    expect_eq("dup3 cloexec", wali_dup3(p[0], (int)target, O_CLOEXEC), target);
    expect_eq("dup3 F_GETFD", wali_fcntl((int)target, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("dup3 target is the read end now", wali_fcntl((int)target, F_GETFL, 0) & O_ACCMODE, O_RDONLY);
    expect_eq("dup3 no flags", wali_dup3(p[1], (int)target, 0), target);
    expect_eq("dup3 no flags F_GETFD", wali_fcntl((int)target, F_GETFD, 0), 0);
    expect_eq("dup3 same fd", wali_dup3(p[1], p[1], 0), -EINVAL);
    expect_eq("dup3 bad flags", wali_dup3(p[1], (int)target, O_NONBLOCK), -EINVAL);
    expect_eq("dup3 bad oldfd", wali_dup3(-1, (int)target, 0), -EBADF);

    long hi = wali_fcntl(p[0], F_DUPFD, 100);
    expect_true("F_DUPFD at least 100", hi >= 100);
    expect_eq("F_DUPFD not cloexec", wali_fcntl((int)hi, F_GETFD, 0), 0);
    long hic = wali_fcntl(p[0], F_DUPFD_CLOEXEC, 200);
    expect_true("F_DUPFD_CLOEXEC at least 200", hic >= 200);
    expect_eq("F_DUPFD_CLOEXEC cloexec", wali_fcntl((int)hic, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("F_SETFD cloexec", wali_fcntl((int)hi, F_SETFD, FD_CLOEXEC), 0);
    expect_eq("F_GETFD after F_SETFD", wali_fcntl((int)hi, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("FIONCLEX", wali_ioctl((int)hi, FIONCLEX, NULL), 0);
    expect_eq("F_GETFD after FIONCLEX", wali_fcntl((int)hi, F_GETFD, 0), 0);
    expect_eq("FIOCLEX", wali_ioctl((int)hi, FIOCLEX, NULL), 0);
    expect_eq("F_GETFD after FIOCLEX", wali_fcntl((int)hi, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("F_DUPFD negative", wali_fcntl(p[0], F_DUPFD, -1), -EINVAL);
    expect_eq("F_GETFD bad fd", wali_fcntl(-1, F_GETFD, 0), -EBADF);
    int fds[] = {p[0], p[1], (int)d, (int)target, (int)hi, (int)hic};
    for (int i = 0; i < 6; i++) expect_eq("close dup", wali_close(fds[i]), 0);
}

static void show_lock(const char *what, struct flock *l) {
    put(what);
    put(": type ");
    put_int(l->l_type);
    put(" whence ");
    put_int(l->l_whence);
    put(" start ");
    put_int(l->l_start);
    put(" len ");
    put_int(l->l_len);
    put(" pid ");
    put_int(l->l_pid);
    put("\n");
}

static void locks_and_file_ioctls(void) {
    int fd = (int)wali_open("locked", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int other = (int)wali_open("locked", O_RDWR, 0);
    char zeros[100];
    memset(zeros, 0, sizeof zeros);
    expect_eq("fill", wali_write(fd, zeros, 100), 100);

    struct flock l = {F_WRLCK, SEEK_SET, 0, 10, 0};
    expect_eq("F_SETLK write lock", wali_fcntl(fd, F_SETLK, (unsigned long)&l), 0);
    struct flock q = {F_WRLCK, SEEK_SET, 0, 10, 0};
    expect_eq("F_GETLK own lock", wali_fcntl(fd, F_GETLK, (unsigned long)&q), 0);
    show_lock("own lock seen as", &q);
    /* An open-file-description lock on another description conflicts with
     * this process's record lock, which makes the conflict visible from one
     * process (the kernel reports pid -1 for OFD locks). */
    struct flock o = {F_WRLCK, SEEK_SET, 5, 10, 0};
    expect_eq("F_OFD_SETLK conflicting", wali_fcntl(other, F_OFD_SETLK, (unsigned long)&o), -EAGAIN);
    struct flock o2 = {F_RDLCK, SEEK_SET, 50, 20, 0};
    expect_eq("F_OFD_SETLK elsewhere", wali_fcntl(other, F_OFD_SETLK, (unsigned long)&o2), 0);
    struct flock g = {F_WRLCK, SEEK_SET, 40, 40, 0};
    expect_eq("F_GETLK sees OFD lock", wali_fcntl(fd, F_GETLK, (unsigned long)&g), 0);
    show_lock("conflict", &g);
    struct flock g2 = {F_RDLCK, SEEK_SET, 0, 100, 0};
    expect_eq("F_OFD_GETLK sees record lock", wali_fcntl(other, F_OFD_GETLK, (unsigned long)&g2), 0);
    expect_eq("conflicting type", g2.l_type, F_WRLCK);
    expect_eq("conflicting start", g2.l_start, 0);
    expect_eq("conflicting len", g2.l_len, 10);
    struct flock s = {F_WRLCK, SEEK_SET, 55, 1, 0};
    expect_eq("F_SETLK blocked by OFD lock", wali_fcntl(fd, F_SETLK, (unsigned long)&s), -EAGAIN);
    struct flock u = {F_UNLCK, SEEK_SET, 0, 0, 0};
    expect_eq("F_SETLK unlock", wali_fcntl(fd, F_SETLK, (unsigned long)&u), 0);
    struct flock bad = {7, SEEK_SET, 0, 1, 0};
    expect_eq("F_SETLK bad type", wali_fcntl(fd, F_SETLK, (unsigned long)&bad), -EINVAL);
    struct flock badw = {F_WRLCK, 9, 0, 1, 0};
    expect_eq("F_SETLK bad whence", wali_fcntl(fd, F_SETLK, (unsigned long)&badw), -EINVAL);
    int ro = (int)wali_open("locked", O_RDONLY, 0);
    struct flock w = {F_WRLCK, SEEK_SET, 90, 1, 0};
    expect_eq("write lock on read-only fd", wali_fcntl(ro, F_SETLK, (unsigned long)&w), -EBADF);

    /* ioctl on a regular file: FIONREAD is the bytes left; not a tty. */
    int n = -1;
    expect_eq("seek 30", wali_lseek(ro, 30, SEEK_SET), 30);
    expect_eq("FIONREAD on a file", wali_ioctl(ro, FIONREAD, &n), 0);
    show("FIONREAD on a file value", n);
    struct termios_kernel t;
    struct winsize ws;
    expect_eq("TCGETS on a file (isatty)", wali_ioctl(fd, TCGETS, &t), -ENOTTY);
    expect_eq("TIOCGWINSZ on a file", wali_ioctl(fd, TIOCGWINSZ, &ws), -ENOTTY);
    expect_eq("TCGETS bad fd", wali_ioctl(-1, TCGETS, &t), -EBADF);
    int devnull = (int)wali_open("/dev/null", O_RDWR, 0);
    expect_eq("TCGETS on /dev/null", wali_ioctl(devnull, TCGETS, &t), -ENOTTY);
    expect_eq("TIOCGWINSZ on /dev/null", wali_ioctl(devnull, TIOCGWINSZ, &ws), -ENOTTY);

    /* F_GETFL reports the open flags. */
    int ap = (int)wali_open("locked", O_WRONLY | O_APPEND, 0);
    expect_eq("F_GETFL append", wali_fcntl(ap, F_GETFL, 0) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_WRONLY | O_APPEND);
    expect_eq("F_SETFL drop append", wali_fcntl(ap, F_SETFL, 0), 0);
    expect_eq("F_GETFL no append", wali_fcntl(ap, F_GETFL, 0) & O_APPEND, 0);
    int fds[] = {fd, other, ro, devnull, ap};
    for (int i = 0; i < 5; i++) wali_close(fds[i]);
}

static void interfaces(void) {
    int s = (int)wali_socket(AF_INET, SOCK_DGRAM, 0);
    expect_true("socket", s >= 0);
    expect_eq("sizeof struct ifreq", sizeof(struct ifreq), 40);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    expect_eq("SIOCGIFINDEX lo", wali_ioctl(s, SIOCGIFINDEX, &ifr), 0);
    int index = ifr.u.ifr_ifindex;
    expect_true("lo has an index", index >= 1);
    expect_eq("SIOCGIFFLAGS lo", wali_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    expect_true("lo is a loopback", (ifr.u.ifr_flags & IFF_LOOPBACK) != 0);
    expect_eq("SIOCGIFMTU lo", wali_ioctl(s, SIOCGIFMTU, &ifr), 0);
    expect_true("lo has an mtu", ifr.u.ifr_mtu > 0);
    memset(&ifr, 0, sizeof ifr);
    ifr.u.ifr_ifindex = index;
    expect_eq("SIOCGIFNAME", wali_ioctl(s, SIOCGIFNAME, &ifr), 0);
    expect_true("index names lo", lt_streq(ifr.ifr_name, "lo"));
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "nosuchif0", 10);
    expect_eq("SIOCGIFINDEX unknown interface", wali_ioctl(s, SIOCGIFINDEX, &ifr), -ENODEV);
    wali_close(s);
}

/* close_range: a block of descriptors closed, or marked close-on-exec. */
static void closing_ranges(void) {
    long fds[4];
    for (int i = 0; i < 4; i++) fds[i] = wali_dup(0);
    expect_true("four duplicates in a row", fds[3] == fds[0] + 3);
    expect_eq("close_range CLOEXEC", wali_close_range((unsigned)fds[0], (unsigned)fds[1], 4 /* CLOSE_RANGE_CLOEXEC */), 0);
    expect_eq("marked close-on-exec", wali_fcntl((int)fds[0], F_GETFD, 0), FD_CLOEXEC);
    expect_eq("the rest not marked", wali_fcntl((int)fds[2], F_GETFD, 0), 0);
    expect_eq("close_range", wali_close_range((unsigned)fds[0], (unsigned)fds[2], 0), 0);
    expect_eq("first closed", wali_fcntl((int)fds[0], F_GETFD, 0), -EBADF);
    expect_eq("third closed", wali_fcntl((int)fds[2], F_GETFD, 0), -EBADF);
    expect_eq("fourth still open", wali_fcntl((int)fds[3], F_GETFD, 0), 0);
    expect_eq("close_range to the end", wali_close_range((unsigned)fds[3], ~0u, 0), 0);
    expect_eq("fourth closed", wali_fcntl((int)fds[3], F_GETFD, 0), -EBADF);
    expect_eq("close_range of nothing open", wali_close_range(500, 600, 0), 0);
    expect_eq("close_range first after last", wali_close_range(10, 9, 0), -EINVAL);
    expect_eq("close_range bad flags", wali_close_range(500, 600, 1), -EINVAL);
}

int main(int argc, char **argv) {
    closing_ranges();
    pipes();
    interfaces();
    duplication();
    locks_and_file_ioctls();
    return lt_failures;
}
