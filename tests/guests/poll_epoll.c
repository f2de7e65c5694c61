/* epoll: registration (ADD/MOD/DEL and their errors), level- and
 * edge-triggered readiness of pipes and eventfds, event data passed through
 * the packed 12-byte epoll_event, maxevents, timeouts, signal masks. */
#include "lt_poll.h"

static struct epoll_event ev(uint32_t events, uint64_t data) {
    struct epoll_event e;
    e.events = events;
    e.data = data;
    return e;
}

static void registration(void) {
    long ep = wali_epoll_create(1);
    expect_true("epoll_create", ep >= 0);
    expect_eq("epoll_create not cloexec", wali_fcntl((int)ep, F_GETFD, 0), 0);
    expect_eq("epoll_create size 0", wali_epoll_create(0), -EINVAL);
    expect_eq("epoll_create negative size", wali_epoll_create(-3), -EINVAL);
    long ep2 = wali_epoll_create1(EPOLL_CLOEXEC);
    expect_eq("epoll_create1 cloexec", wali_fcntl((int)ep2, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("epoll_create1 bad flags", wali_epoll_create1(1), -EINVAL);

    int p[2];
    wali_pipe(p);
    struct epoll_event e = ev(EPOLLIN, 0x1122334455667788ul);
    expect_eq("ADD", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, p[0], &e), 0);
    expect_eq("ADD again", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, p[0], &e), -EEXIST);
    expect_eq("MOD unregistered", wali_epoll_ctl((int)ep, EPOLL_CTL_MOD, p[1], &e), -ENOENT);
    expect_eq("DEL unregistered", wali_epoll_ctl((int)ep, EPOLL_CTL_DEL, p[1], NULL), -ENOENT);
    expect_eq("ADD epoll to itself", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, (int)ep, &e), -EINVAL);
    expect_eq("unknown op", wali_epoll_ctl((int)ep, 99, p[0], &e), -EINVAL);
    expect_eq("ctl on a non-epoll fd", wali_epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e), -EINVAL);
    expect_eq("ctl bad epfd", wali_epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &e), -EBADF);
    expect_eq("ctl bad fd", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, -1, &e), -EBADF);
    int file = (int)wali_open("plain", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_eq("ADD regular file", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, file, &e), -EPERM);
    wali_close(file);

    struct epoll_event out[4];
    memset(out, 0, sizeof out);
    expect_eq("wait nothing ready", wali_epoll_wait((int)ep, out, 4, 0), 0);
    wali_write(p[1], "abc", 3);
    expect_eq("wait readable", wali_epoll_wait((int)ep, out, 4, 0), 1);
    expect_eq("events", out[0].events, EPOLLIN);
    expect_true("data round trip", out[0].data == 0x1122334455667788ul);
    expect_eq("level-triggered again", wali_epoll_pwait((int)ep, out, 4, 0, NULL, 0), 1);
    e = ev(EPOLLOUT, 7);
    expect_eq("MOD to EPOLLOUT", wali_epoll_ctl((int)ep, EPOLL_CTL_MOD, p[0], &e), 0);
    expect_eq("read end never writable", wali_epoll_wait((int)ep, out, 4, 0), 0);
    e = ev(EPOLLIN | EPOLLOUT, 8);
    expect_eq("ADD write end", wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, p[1], &e), 0);
    expect_eq("write end writable", wali_epoll_wait((int)ep, out, 4, 0), 1);
    expect_eq("write end events", out[0].events, EPOLLOUT);
    expect_eq("write end data", (long)out[0].data, 8);
    expect_eq("DEL with NULL event", wali_epoll_ctl((int)ep, EPOLL_CTL_DEL, p[1], NULL), 0);
    expect_eq("DEL read end", wali_epoll_ctl((int)ep, EPOLL_CTL_DEL, p[0], &e), 0);
    expect_eq("nothing registered", wali_epoll_wait((int)ep, out, 4, 0), 0);
    e = ev(EPOLLIN, 9);
    wali_epoll_ctl((int)ep, EPOLL_CTL_ADD, p[0], &e);
    wali_close(p[1]);
    expect_eq("writer closed", wali_epoll_wait((int)ep, out, 4, 0), 1);
    expect_eq("hangup with data left", out[0].events, EPOLLIN | EPOLLHUP);
    char b[4];
    wali_read(p[0], b, 4);
    expect_eq("writer closed, drained", wali_epoll_wait((int)ep, out, 4, 0), 1);
    expect_eq("hangup only", out[0].events, EPOLLHUP);
    wali_close(p[0]);
    wali_close((int)ep);
    wali_close((int)ep2);
}

static void edge_triggered(void) {
    int ep = (int)wali_epoll_create1(0);
    int lt = (int)wali_eventfd2(0, EFD_NONBLOCK), et = (int)wali_eventfd2(0, EFD_NONBLOCK);
    struct epoll_event e = ev(EPOLLIN, 1);
    wali_epoll_ctl(ep, EPOLL_CTL_ADD, lt, &e);
    e = ev(EPOLLIN | EPOLLET, 2);
    wali_epoll_ctl(ep, EPOLL_CTL_ADD, et, &e);
    struct epoll_event out[4];
    lt_write_u64(lt, 1);
    lt_write_u64(et, 1);
    expect_eq("both ready", wali_epoll_wait(ep, out, 4, 0), 2);
    expect_eq("both data", (long)(out[0].data | out[1].data), 3);
    expect_eq("only level-triggered again", wali_epoll_wait(ep, out, 4, 0), 1);
    expect_eq("level-triggered data", (long)out[0].data, 1);
    lt_write_u64(et, 1);
    expect_eq("new edge", wali_epoll_wait(ep, out, 4, 0), 2);
    expect_eq("edge consumed", wali_epoll_wait(ep, out, 4, 0), 1);
    /* MOD re-arms an edge-triggered registration. */
    e = ev(EPOLLIN | EPOLLET, 2);
    wali_epoll_ctl(ep, EPOLL_CTL_MOD, et, &e);
    expect_eq("MOD re-arms", wali_epoll_wait(ep, out, 4, 0), 2);
    /* maxevents caps one wait; the rest come next time. */
    expect_eq("maxevents 1", wali_epoll_wait(ep, out, 1, 0), 1);
    unsigned long v;
    lt_read_u64(lt, &v);
    lt_read_u64(et, &v);
    expect_eq("drained", wali_epoll_wait(ep, out, 4, 0), 0);
    expect_eq("timeout 20ms", wali_epoll_wait(ep, out, 4, 20), 0);
    unsigned long mask = LT_SIGBIT(SIGUSR1);
    expect_eq("pwait with mask", wali_epoll_pwait(ep, out, 4, 1, &mask, LT_SIGSET_SIZE), 0);
    expect_eq("pwait mask bad size", wali_epoll_pwait(ep, out, 4, 0, &mask, 4), -EINVAL);
    lt_write_u64(lt, 5);
    expect_eq("pwait ready", wali_epoll_pwait(ep, out, 4, -1, &mask, LT_SIGSET_SIZE), 1);
    /* epoll_pwait2: a timespec timeout, NULL for none. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    expect_eq("pwait2 ready, no timeout", wali_epoll_pwait2(ep, out, 4, NULL, &mask, LT_SIGSET_SIZE), 1);
    expect_eq("pwait2 data", (long)out[0].data, 1);
    lt_read_u64(lt, &v);
    long t0 = lt_now_ns();
    expect_eq("pwait2 timeout 20ms", wali_epoll_pwait2(ep, out, 4, &ts, NULL, 0), 0);
    expect_true("pwait2 waited its timeout", lt_now_ns() - t0 >= 19 * 1000 * 1000);
    struct timespec zero = {0, 0};
    expect_eq("pwait2 zero timeout", wali_epoll_pwait2(ep, out, 4, &zero, &mask, LT_SIGSET_SIZE), 0);
    struct timespec bad_ts = {0, 1000000000};
    expect_eq("pwait2 bad nsec", wali_epoll_pwait2(ep, out, 4, &bad_ts, NULL, 0), -EINVAL);
    struct timespec negative = {-1, 0};
    expect_eq("pwait2 negative timeout", wali_epoll_pwait2(ep, out, 4, &negative, NULL, 0), -EINVAL);
    expect_eq("pwait2 mask bad size", wali_epoll_pwait2(ep, out, 4, &zero, &mask, 4), -EINVAL);
    expect_eq("pwait2 maxevents 0", wali_epoll_pwait2(ep, out, 0, &zero, NULL, 0), -EINVAL);
    expect_eq("pwait2 bad epfd", wali_epoll_pwait2(-1, out, 4, &zero, NULL, 0), -EBADF);
    expect_eq("maxevents 0", wali_epoll_wait(ep, out, 0, 0), -EINVAL);
    expect_eq("maxevents -1", wali_epoll_pwait(ep, out, -1, 0, NULL, 0), -EINVAL);
    expect_eq("wait on a non-epoll fd", wali_epoll_wait(lt, out, 4, 0), -EINVAL);
    expect_eq("wait bad epfd", wali_epoll_wait(-1, out, 4, 0), -EBADF);
    wali_close(lt);
    wali_close(et);
    wali_close(ep);
}

int main(int argc, char **argv) {
    registration();
    edge_triggered();
    return lt_failures;
}
