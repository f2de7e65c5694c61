/* eventfd counter semantics (plain and EFD_SEMAPHORE), flags, and how the
 * counter shows up in poll. */
#include "lt_poll.h"

int main(int argc, char **argv) {
    unsigned long v = 0;
    long e = wali_eventfd(3);
    expect_true("eventfd", e >= 0);
    int fd = (int)e;
    expect_eq("eventfd flags", wali_fcntl(fd, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
    expect_eq("eventfd not cloexec", wali_fcntl(fd, F_GETFD, 0), 0);
    expect_eq("read counter", lt_read_u64(fd, &v), 8);
    show("counter", (long)v);
    expect_eq("add 5", lt_write_u64(fd, 5), 8);
    expect_eq("add 7", lt_write_u64(fd, 7), 8);
    expect_eq("read sum", lt_read_u64(fd, &v), 8);
    show("sum", (long)v);
    unsigned int small;
    expect_eq("read 4 bytes", wali_read(fd, &small, 4), -EINVAL);
    expect_eq("write 4 bytes", wali_write(fd, &small, 4), -EINVAL);
    expect_eq("write all ones", lt_write_u64(fd, ~0ul), -EINVAL);
    wali_close(fd);

    fd = (int)wali_eventfd2(0, EFD_NONBLOCK | EFD_CLOEXEC);
    expect_eq("eventfd2 cloexec", wali_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
    expect_true("eventfd2 nonblock", (wali_fcntl(fd, F_GETFL, 0) & O_NONBLOCK) != 0);
    expect_eq("read zero counter", lt_read_u64(fd, &v), -EAGAIN);
    struct pollfd pf = {fd, POLLIN | POLLOUT, 0};
    expect_eq("poll zero counter", wali_poll(&pf, 1, 0), 1);
    expect_eq("zero counter revents", pf.revents, POLLOUT);
    expect_eq("add max", lt_write_u64(fd, 0xfffffffffffffffeul), 8);
    expect_eq("poll full counter", wali_poll(&pf, 1, 0), 1);
    expect_eq("full counter revents", pf.revents, POLLIN);
    expect_eq("overflowing write", lt_write_u64(fd, 1), -EAGAIN);
    expect_eq("read full counter", lt_read_u64(fd, &v), 8);
    expect_true("full counter value", v == 0xfffffffffffffffeul);
    wali_close(fd);

    fd = (int)wali_eventfd2(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    for (int i = 0; i < 3; i++) {
        v = 0;
        expect_eq("semaphore read", lt_read_u64(fd, &v), 8);
        expect_eq("semaphore value", (long)v, 1);
    }
    expect_eq("semaphore exhausted", lt_read_u64(fd, &v), -EAGAIN);
    lt_write_u64(fd, 2);
    pf.fd = fd;
    pf.events = POLLIN;
    expect_eq("semaphore readable", wali_poll(&pf, 1, 0), 1);
    wali_close(fd);

    expect_eq("eventfd2 bad flags", wali_eventfd2(0, 0x10), -EINVAL);
    expect_eq("eventfd2 flag 2", wali_eventfd2(0, 2), -EINVAL);
    fd = (int)wali_eventfd(0xffffffffu);
    expect_eq("large initval read", wali_read(fd, &v, 8), 8);
    expect_true("large initval", v == 0xfffffffful);
    wali_close(fd);
    return lt_failures;
}
