/* timerfd: arming one-shot, periodic and absolute timers, reading the
 * 8-byte expiration count after poll/epoll, old values, and the errors. */
#include "lt_poll.h"

int main(int argc, char **argv) {
    long t = wali_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    expect_true("timerfd_create", t >= 0);
    int fd = (int)t;
    expect_eq("timerfd cloexec", wali_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
    unsigned long n = 0;
    expect_eq("read unarmed", lt_read_u64(fd, &n), -EAGAIN);
    struct pollfd pf = {fd, POLLIN, 0};
    expect_eq("poll unarmed", wali_poll(&pf, 1, 0), 0);

    struct itimerspec one = {{0, 0}, {0, 20 * 1000 * 1000}}, old;
    memset(&old, 0xff, sizeof old);
    expect_eq("arm one-shot 20ms", wali_timerfd_settime(fd, 0, &one, &old), 0);
    expect_true("old value was disarmed",
                old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0 && old.it_interval.tv_nsec == 0);
    expect_eq("poll until it fires", wali_poll(&pf, 1, 5000), 1);
    expect_eq("fired revents", pf.revents, POLLIN);
    expect_eq("read expirations", lt_read_u64(fd, &n), 8);
    expect_eq("one expiration", (long)n, 1);
    expect_eq("read again", lt_read_u64(fd, &n), -EAGAIN);
    unsigned int small;
    expect_eq("read 4 bytes", wali_read(fd, &small, 4), -EINVAL);

    struct itimerspec periodic = {{0, 5 * 1000 * 1000}, {0, 5 * 1000 * 1000}};
    expect_eq("arm periodic", wali_timerfd_settime(fd, 0, &periodic, NULL), 0);
    expect_eq("periodic fires", wali_poll(&pf, 1, 5000), 1);
    expect_eq("periodic read", lt_read_u64(fd, &n), 8);
    expect_true("at least one expiration", n >= 1);
    struct itimerspec off = {{0, 0}, {0, 0}};
    expect_eq("disarm", wali_timerfd_settime(fd, 0, &off, &old), 0);
    expect_true("old interval", old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 5 * 1000 * 1000);
    expect_true("old value left", old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 5 * 1000 * 1000);
    expect_eq("disarmed poll", wali_poll(&pf, 1, 20), 0);

    /* timerfd_gettime: the time left and the interval, zero when disarmed. */
    struct itimerspec now;
    memset(&now, 0xff, sizeof now);
    expect_eq("gettime disarmed", wali_timerfd_gettime(fd, &now), 0);
    expect_true("disarmed reads zero", now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0 &&
                                           now.it_interval.tv_sec == 0 && now.it_interval.tv_nsec == 0);
    struct itimerspec slow = {{3, 0}, {5, 0}};
    expect_eq("arm 5s every 3s", wali_timerfd_settime(fd, 0, &slow, NULL), 0);
    expect_eq("gettime armed", wali_timerfd_gettime(fd, &now), 0);
    expect_true("gettime interval", now.it_interval.tv_sec == 3 && now.it_interval.tv_nsec == 0);
    expect_true("gettime value left", now.it_value.tv_sec >= 4 && now.it_value.tv_sec <= 5);
    expect_eq("disarm again", wali_timerfd_settime(fd, 0, &off, NULL), 0);
    expect_eq("gettime bad fd", wali_timerfd_gettime(-1, &now), -EBADF);
    int q[2];
    wali_pipe(q);
    expect_eq("gettime on a pipe", wali_timerfd_gettime(q[0], &now), -EINVAL);
    wali_close(q[0]);
    wali_close(q[1]);

    /* An absolute time in the past expires at once. */
    struct itimerspec past = {{0, 0}, {1, 0}};
    expect_eq("arm absolute past", wali_timerfd_settime(fd, TFD_TIMER_ABSTIME, &past, NULL), 0);
    expect_eq("absolute past readable", wali_poll(&pf, 1, 1000), 1);
    expect_eq("absolute read", lt_read_u64(fd, &n), 8);
    expect_eq("absolute expirations", (long)n, 1);

    /* Through epoll, with a blocking timerfd. */
    int bfd = (int)wali_timerfd_create(CLOCK_MONOTONIC, 0);
    int ep = (int)wali_epoll_create1(0);
    struct epoll_event e;
    e.events = EPOLLIN;
    e.data = 42;
    wali_epoll_ctl(ep, EPOLL_CTL_ADD, bfd, &e);
    one.it_value.tv_nsec = 10 * 1000 * 1000;
    expect_eq("arm blocking timer", wali_timerfd_settime(bfd, 0, &one, NULL), 0);
    struct epoll_event out;
    expect_eq("epoll sees it fire", wali_epoll_wait(ep, &out, 1, 5000), 1);
    expect_eq("epoll data", (long)out.data, 42);
    expect_eq("blocking read", lt_read_u64(bfd, &n), 8);
    expect_eq("blocking expirations", (long)n, 1);
    wali_close(ep);
    wali_close(bfd);

    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    expect_eq("settime bad nsec", wali_timerfd_settime(fd, 0, &bad, NULL), -EINVAL);
    expect_eq("settime bad flags", wali_timerfd_settime(fd, 4, &one, NULL), -EINVAL);
    expect_eq("settime bad fd", wali_timerfd_settime(-1, 0, &one, NULL), -EBADF);
    int p[2];
    wali_pipe(p);
    expect_eq("settime on a pipe", wali_timerfd_settime(p[0], 0, &one, NULL), -EINVAL);
    wali_close(p[0]);
    wali_close(p[1]);
    expect_eq("create bad clock", wali_timerfd_create(99, 0), -EINVAL);
    expect_eq("create bad flags", wali_timerfd_create(CLOCK_MONOTONIC, 1), -EINVAL);
    long rt = wali_timerfd_create(CLOCK_REALTIME, 0);
    expect_true("CLOCK_REALTIME timer", rt >= 0);
    wali_close((int)rt);
    wali_close(fd);
    return lt_failures;
}
