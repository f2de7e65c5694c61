/* Hostile arguments to the descriptor I/O calls (WALI only): buffers outside
 * guest memory, wrapping lengths, bad iovec arrays and counts, sendfile
 * and splice offsets outside memory, vmsplice iovecs, bad fds,
 * unknown fcntl commands and ioctl requests. The runtime must answer with
 * the kernel's errno and survive. */
#include "lt_poll.h"

static int closed_fd(void) {
    int fd = (int)wali_dup(1);
    wali_close(fd);
    return fd;
}

static void buffers(int file, int p[2]) {
    char ok[16];
    expect_eq("read wild buffer", wali_read(file, LT_WILD, 8), -EFAULT);
    expect_eq("read past the end", wali_read(file, lt_mem_tail(4), 8), -EFAULT);
    expect_eq("read wrapping length", wali_read(file, ok, 0xffffffffu), -EFAULT);
    expect_eq("read NULL", wali_read(file, NULL, 8), -EFAULT);
    expect_eq("write wild buffer", wali_write(p[1], LT_WILD, 8), -EFAULT);
    expect_eq("write past the end", wali_write(p[1], lt_mem_tail(4), 5), -EFAULT);
    expect_eq("write wrapping length", wali_write(p[1], ok, 0xfffffff0u), -EFAULT);
    expect_eq("pread wild buffer", wali_pread64(file, LT_WILD, 8, 0), -EFAULT);
    expect_eq("pread past the end", wali_pread64(file, lt_mem_tail(1), 2, 0), -EFAULT);
    expect_eq("pwrite wild buffer", wali_pwrite64(file, LT_WILD, 8, 0), -EFAULT);
    expect_eq("pwrite wrapping length", wali_pwrite64(file, ok, 0xffffffffu, 0), -EFAULT);
    /* The very last bytes of memory are usable. */
    expect_eq("pwrite the last bytes", wali_pwrite64(file, lt_mem_tail(4), 4, 0), 4);
    expect_eq("pread into the last bytes", wali_pread64(file, lt_mem_tail(4), 4, 0), 4);
    expect_eq("pipe wild array", wali_pipe(LT_WILD), -EFAULT);
    expect_eq("pipe array past the end", wali_pipe(lt_mem_tail(4)), -EFAULT);
    expect_eq("pipe NULL", wali_pipe(NULL), -EFAULT);
    expect_eq("pipe2 wild array", wali_pipe2(LT_WILD, 0), -EFAULT);
    expect_eq("pipe2 array past the end", wali_pipe2(lt_mem_tail(7), O_CLOEXEC), -EFAULT);
}

static void sendfile_offsets(int file, int p[2]) {
    long long off = 0;
    expect_eq("sendfile wild offset", wali_sendfile(p[1], file, LT_WILD, 4), -EFAULT);
    /* The offset is 8 bytes: 4 left at the end of memory are too few. */
    expect_eq("sendfile offset past the end", wali_sendfile(p[1], file, lt_mem_tail(4), 4), -EFAULT);
    expect_eq("sendfile bad in fd", wali_sendfile(p[1], closed_fd(), &off, 4), -EBADF);
    expect_eq("sendfile bad out fd", wali_sendfile(closed_fd(), file, &off, 4), -EBADF);
    /* A count past the kernel's limit is capped: the whole file is copied. */
    expect_eq("sendfile huge count", wali_sendfile(p[1], file, &off, 0xffffffffu), 16);
    expect_eq("sendfile advanced the offset", off, 16);
    char drain[16];
    expect_eq("drain the pipe", wali_read(p[0], drain, sizeof drain), 16);
}

/* splice, tee and vmsplice: offsets and iovecs outside memory, bad
 * descriptors and flags. */
static void splicing(int file, int p[2]) {
    long long off = 0;
    char a[8];
    expect_eq("splice wild input offset", wali_splice(file, LT_WILD, p[1], NULL, 4, 0), -EFAULT);
    expect_eq("splice input offset past the end", wali_splice(file, lt_mem_tail(4), p[1], NULL, 4, 0), -EFAULT);
    expect_eq("splice wild output offset", wali_splice(p[0], NULL, file, LT_WILD, 4, 0), -EFAULT);
    expect_eq("splice bad in fd", wali_splice(closed_fd(), &off, p[1], NULL, 4, 0), -EBADF);
    expect_eq("splice bad out fd", wali_splice(file, &off, closed_fd(), NULL, 4, 0), -EBADF);
    expect_eq("splice every flag", wali_splice(file, &off, p[1], NULL, 4, ~0), -EINVAL);
    /* A length past the pipe's size moves what fits: the whole file. */
    expect_eq("splice huge length", wali_splice(file, &off, p[1], NULL, 0xffffffffu, 0), 16);
    expect_eq("splice advanced the offset", off, 16);
    expect_eq("tee bad in fd", wali_tee(closed_fd(), p[1], 4, 0), -EBADF);
    expect_eq("tee every flag", wali_tee(p[0], p[1], 4, ~0), -EINVAL);
    char drain[16];
    expect_eq("drain the pipe", wali_read(p[0], drain, sizeof drain), 16);
    expect_eq("vmsplice wild array", wali_vmsplice(p[1], LT_WILD, 1, 0), -EFAULT);
    expect_eq("vmsplice array past the end", wali_vmsplice(p[1], lt_mem_tail(12), 2, 0), -EFAULT);
    struct iovec wild[2] = {{a, 8}, {LT_WILD, 8}};
    expect_eq("vmsplice entry points outside", wali_vmsplice(p[1], wild, 2, 0), -EFAULT);
    struct iovec tail[1] = {{lt_mem_tail(4), 5}};
    expect_eq("vmsplice entry runs past the end", wali_vmsplice(p[1], tail, 1, 0), -EFAULT);
    expect_eq("vmsplice out into memory's end", wali_vmsplice(p[0], tail, 1, 0), -EFAULT);
    struct iovec good[1] = {{a, 8}};
    expect_eq("vmsplice count 1025", wali_vmsplice(p[1], good, 1025, 0), -EINVAL);
    expect_eq("vmsplice count 2^31", wali_vmsplice(p[1], good, (int)0x80000000u, 0), -EINVAL);
    expect_eq("vmsplice bad fd", wali_vmsplice(closed_fd(), good, 1, 0), -EBADF);
    expect_eq("nothing reached the pipe", wali_ioctl(p[0], FIONREAD, &off), 0);
    expect_eq("pipe still empty", (int)off, 0);
}

static void iovecs(int file, int p[2]) {
    char a[8], b[8];
    struct iovec good[2] = {{a, 8}, {b, 8}};
    expect_eq("readv wild array", wali_readv(file, LT_WILD, 1), -EFAULT);
    expect_eq("readv array past the end", wali_readv(file, lt_mem_tail(12), 2), -EFAULT);
    expect_eq("writev wild array", wali_writev(p[1], LT_WILD, 2), -EFAULT);
    expect_eq("preadv wild array", wali_preadv(file, LT_WILD, 1, 0, 0), -EFAULT);
    expect_eq("pwritev wild array", wali_pwritev(file, LT_WILD, 1, 0, 0), -EFAULT);
    struct iovec wild[2] = {{a, 8}, {LT_WILD, 8}};
    expect_eq("readv entry points outside", wali_readv(file, wild, 2), -EFAULT);
    expect_eq("writev entry points outside", wali_writev(p[1], wild, 2), -EFAULT);
    expect_eq("preadv entry points outside", wali_preadv(file, wild, 2, 0, 0), -EFAULT);
    expect_eq("pwritev entry points outside", wali_pwritev(file, wild, 2, 0, 0), -EFAULT);
    struct iovec tail[1] = {{lt_mem_tail(4), 5}};
    expect_eq("readv entry runs past the end", wali_readv(file, tail, 1), -EFAULT);
    struct iovec wrap[1] = {{a, 0xffffffffu}};
    expect_eq("writev entry length wraps", wali_writev(p[1], wrap, 1), -EFAULT);
    /* A zero-length entry is never touched, wherever it points. */
    struct iovec empty[2] = {{LT_WILD, 0}, {a, 1}};
    expect_eq("writev zero-length wild entry", wali_writev(p[1], empty, 2), 1);
    expect_eq("drain", wali_read(p[0], b, 8), 1);
    expect_eq("readv iovcnt -1", wali_readv(file, good, -1), -EINVAL);
    expect_eq("readv iovcnt 1025", wali_readv(file, good, 1025), -EINVAL);
    expect_eq("writev iovcnt -1", wali_writev(p[1], good, -1), -EINVAL);
    expect_eq("writev iovcnt 1025", wali_writev(p[1], good, 1025), -EINVAL);
    expect_eq("preadv iovcnt -1", wali_preadv(file, good, -1, 0, 0), -EINVAL);
    expect_eq("preadv iovcnt 1025", wali_preadv(file, good, 1025, 0, 0), -EINVAL);
    expect_eq("pwritev iovcnt -1", wali_pwritev(file, good, -1, 0, 0), -EINVAL);
    expect_eq("pwritev iovcnt 1025", wali_pwritev(file, good, 1025, 0, 0), -EINVAL);
    expect_eq("readv iovcnt 0x80000000", wali_readv(file, good, (int)0x80000000u), -EINVAL);
    expect_eq("preadv2 wild array", wali_preadv2(file, LT_WILD, 1, 0, 0, 0), -EFAULT);
    expect_eq("pwritev2 wild array", wali_pwritev2(file, LT_WILD, 1, 0, 0, 0), -EFAULT);
    expect_eq("preadv2 entry points outside", wali_preadv2(file, wild, 2, 0, 0, 0), -EFAULT);
    expect_eq("pwritev2 entry points outside", wali_pwritev2(file, wild, 2, -1, 0, 0), -EFAULT);
    expect_eq("preadv2 entry runs past the end", wali_preadv2(file, tail, 1, 0, 0, 0), -EFAULT);
    expect_eq("preadv2 iovcnt 1025", wali_preadv2(file, good, 1025, 0, 0, 0), -EINVAL);
    expect_eq("pwritev2 iovcnt -1", wali_pwritev2(file, good, -1, 0, 0, 0), -EINVAL);
    expect_eq("preadv2 every flag", wali_preadv2(file, good, 2, 0, 0, ~0), -EOPNOTSUPP);
    expect_eq("pwritev2 every flag", wali_pwritev2(file, good, 2, 0, 0, ~0), -EOPNOTSUPP);
}

static void bad_fds(void) {
    /* A descriptor of our own as the target: dup2/dup3 must fail on the bad
     * source before they would replace it. */
    int spare = (int)wali_dup(1);
    int c = closed_fd();
    char buf[8];
    struct iovec v = {buf, 8};
    int bad[] = {-1, c, 0x7fffffff, (int)0x80000000u};
    for (int i = 0; i < 4; i++) {
        int fd = bad[i];
        expect_eq("read bad fd", wali_read(fd, buf, 8), -EBADF);
        expect_eq("write bad fd", wali_write(fd, buf, 8), -EBADF);
        expect_eq("pread64 bad fd", wali_pread64(fd, buf, 8, 0), -EBADF);
        expect_eq("pwrite64 bad fd", wali_pwrite64(fd, buf, 8, 0), -EBADF);
        expect_eq("readv bad fd", wali_readv(fd, &v, 1), -EBADF);
        expect_eq("writev bad fd", wali_writev(fd, &v, 1), -EBADF);
        expect_eq("preadv bad fd", wali_preadv(fd, &v, 1, 0, 0), -EBADF);
        expect_eq("pwritev bad fd", wali_pwritev(fd, &v, 1, 0, 0), -EBADF);
        expect_eq("preadv2 bad fd", wali_preadv2(fd, &v, 1, 0, 0, 0), -EBADF);
        expect_eq("pwritev2 bad fd", wali_pwritev2(fd, &v, 1, -1, 0, 0), -EBADF);
        expect_eq("lseek bad fd", wali_lseek(fd, 0, SEEK_SET), -EBADF);
        expect_eq("close bad fd", wali_close(fd), -EBADF);
        expect_eq("dup bad fd", wali_dup(fd), -EBADF);
        expect_eq("dup2 bad fd", wali_dup2(fd, spare), -EBADF);
        expect_eq("dup3 bad fd", wali_dup3(fd, spare, 0), -EBADF);
        expect_eq("fcntl bad fd", wali_fcntl(fd, F_GETFL, 0), -EBADF);
        expect_eq("ioctl bad fd", wali_ioctl(fd, FIONREAD, buf), -EBADF);
    }
    expect_eq("dup2 onto negative fd", wali_dup2(1, -5), -EBADF);
    expect_eq("dup3 onto huge fd", wali_dup3(1, 0x7fffffff, 0), -EBADF);
    expect_eq("dup3 bad flags", wali_dup3(1, spare, 0x40), -EINVAL);
    expect_eq("dup3 onto itself", wali_dup3(spare, spare, 0), -EINVAL);
    expect_eq("spare still open", wali_fcntl(spare, F_GETFD, 0), 0);
    wali_close(spare);
    expect_eq("pipe2 bad flags", wali_pipe2(buf, 0x1), -EINVAL);
    expect_eq("lseek bad whence", wali_lseek(1, 0, 12345), -EINVAL);
}

static void fcntl_and_ioctl(int file, int p[2]) {
    struct flock l = {F_RDLCK, SEEK_SET, 0, 1, 0};
    expect_eq("fcntl unknown command", wali_fcntl(file, 9999, 0), -EINVAL);
    expect_eq("fcntl negative command", wali_fcntl(file, -1, 0), -EINVAL);
    expect_eq("F_GETLK wild pointer", wali_fcntl(file, F_GETLK, 0xfffffff0u), -EFAULT);
    expect_eq("F_GETLK past the end", wali_fcntl(file, F_GETLK, (unsigned long)lt_mem_tail(16)), -EFAULT);
    expect_eq("F_GETLK NULL", wali_fcntl(file, F_GETLK, 0), -EFAULT);
    expect_eq("F_SETLK wild pointer", wali_fcntl(file, F_SETLK, 0xfffffff0u), -EFAULT);
    expect_eq("F_SETLKW wild pointer", wali_fcntl(file, F_SETLKW, 0xfffffff0u), -EFAULT);
    expect_eq("F_OFD_GETLK wild pointer", wali_fcntl(file, F_OFD_GETLK, 0xfffffff0u), -EFAULT);
    /* An address above 4 GiB is not the low half's alias. */
    unsigned long above = (1ul << 32) | (unsigned long)(unsigned)(__SIZE_TYPE__)&l;
    expect_eq("F_GETLK address above 4 GiB", wali_fcntl(file, F_GETLK, above), -EFAULT);
    expect_eq("F_GETLK valid", wali_fcntl(file, F_GETLK, (unsigned long)&l), 0);
    expect_eq("F_GETLK valid: unlocked", l.l_type, F_UNLCK);
    expect_eq("F_GETOWN_EX wild pointer", wali_fcntl(file, 16, 0xfffffff0u), -EFAULT);

    int n = 0;
    expect_eq("ioctl unknown request", wali_ioctl(file, 0x12345678, &n), -ENOTTY);
    expect_eq("ioctl unknown request on a pipe", wali_ioctl(p[0], 0x7fff, LT_WILD), -ENOTTY);
    expect_eq("FIONREAD wild pointer", wali_ioctl(p[0], FIONREAD, LT_WILD), -EFAULT);
    expect_eq("FIONREAD past the end", wali_ioctl(p[0], FIONREAD, lt_mem_tail(3)), -EFAULT);
    expect_eq("FIONREAD NULL", wali_ioctl(p[0], FIONREAD, NULL), -EFAULT);
    expect_eq("FIONREAD into the last bytes", wali_ioctl(p[0], FIONREAD, lt_mem_tail(4)), 0);
    expect_eq("FIONBIO wild pointer", wali_ioctl(p[0], FIONBIO, LT_WILD), -EFAULT);
    int s = (int)wali_socket(AF_INET, SOCK_DGRAM, 0);
    expect_eq("SIOCGIFINDEX wild pointer", wali_ioctl(s, SIOCGIFINDEX, LT_WILD), -EFAULT);
    expect_eq("SIOCGIFNAME past the end", wali_ioctl(s, SIOCGIFNAME, lt_mem_tail(39)), -EFAULT);
    expect_eq("SIOCGIFCONF refused", wali_ioctl(s, 0x8912, &n), -ENOTTY);
    wali_close(s);
    /* The master side of a pseudo-terminal is a tty: the kernel would write
     * the window size through the pointer. */
    int ptm = (int)wali_open("/dev/ptmx", O_RDWR | O_NOCTTY, 0);
    if (ptm >= 0) {
        struct winsize ws;
        expect_eq("TIOCGWINSZ on a pty", wali_ioctl(ptm, TIOCGWINSZ, &ws), 0);
        expect_eq("TIOCGWINSZ wild pointer", wali_ioctl(ptm, TIOCGWINSZ, LT_WILD), -EFAULT);
        expect_eq("TIOCGWINSZ past the end", wali_ioctl(ptm, TIOCGWINSZ, lt_mem_tail(7)), -EFAULT);
        expect_eq("TIOCSWINSZ wild pointer", wali_ioctl(ptm, TIOCSWINSZ, LT_WILD), -EFAULT);
        expect_eq("TCGETS wild pointer", wali_ioctl(ptm, TCGETS, LT_WILD), -EFAULT);
        wali_close(ptm);
    } else {
        put("no /dev/ptmx: tty pointer checks skipped\n");
    }
}

int main(int argc, char **argv) {
    int file = (int)wali_open("scratch", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_true("open scratch", file >= 0);
    expect_eq("fill scratch", wali_write(file, "0123456789abcdef", 16), 16);
    expect_eq("rewind", wali_lseek(file, 0, SEEK_SET), 0);
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    buffers(file, p);
    sendfile_offsets(file, p);
    splicing(file, p);
    iovecs(file, p);
    bad_fds();
    fcntl_and_ioctl(file, p);
    expect_eq("runtime survived: write", wali_write(p[1], "ok", 2), 2);
    expect_eq("close_range wrapping range", wali_close_range(~0u, 0, 0), -EINVAL);
    expect_eq("close_range every flag", wali_close_range(1000, 1001, ~0u), -EINVAL);
    return lt_failures;
}
