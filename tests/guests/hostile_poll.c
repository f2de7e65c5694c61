/* Hostile arguments to the polling calls (WALI only): arrays, fd_sets,
 * timeouts and signal masks outside guest memory or running past its end,
 * bad counts, sizes, fds and flags. The runtime must answer with the
 * kernel's errno, in the kernel's order, and survive. */
#include "lt_poll.h"

static struct timespec zero_ts;

static void polls(int rd) {
    struct pollfd *tail = lt_mem_tail(8);
    tail->fd = rd;
    tail->events = POLLIN;
    expect_eq("poll array at the very end", wali_poll(tail, 1, 0), 0);
    expect_eq("poll array past the end", wali_poll(tail, 2, 0), -EFAULT);
    expect_eq("poll wild array", wali_poll(LT_WILD, 1, 0), -EFAULT);
    expect_eq("poll NULL array", wali_poll(NULL, 1, 0), -EFAULT);
    expect_eq("poll wild array, no fds", wali_poll(LT_WILD, 0, 0), 0);
    /* Over RLIMIT_NOFILE is EINVAL before the array is looked at. */
    expect_eq("poll nfds too large", wali_poll(tail, 0xffffffffu, 0), -EINVAL);
    expect_eq("poll nfds too large, wild array", wali_poll(LT_WILD, 0x7fffffff, 0), -EINVAL);
    struct rlimit lim;
    expect_eq("getrlimit", wali_prlimit64(0, RLIMIT_NOFILE, NULL, &lim), 0);
    expect_eq("poll nfds just over the limit", wali_poll(tail, lim.rlim_cur + 1, 0), -EINVAL);
    expect_eq("poll nfds at the limit", wali_poll(tail, lim.rlim_cur, 0), -EFAULT);
    /* Only the low 32 bits of nfds count. */
    expect_eq("poll nfds upper half", wali_poll(tail, 0xffffffff00000001ull, 0), 0);

    struct timespec ts = {0, 0};
    unsigned long mask = 0;
    expect_eq("ppoll array past the end", wali_ppoll(tail, 2, &ts, NULL, 8), -EFAULT);
    expect_eq("ppoll wild array", wali_ppoll(LT_WILD, 1, &ts, NULL, 8), -EFAULT);
    expect_eq("ppoll nfds too large", wali_ppoll(LT_WILD, 0xffffffffu, &ts, NULL, 8), -EINVAL);
    expect_eq("ppoll wild timeout", wali_ppoll(tail, 1, LT_WILD, NULL, 8), -EFAULT);
    expect_eq("ppoll timeout past the end", wali_ppoll(tail, 1, lt_mem_tail(12), NULL, 8), -EFAULT);
    expect_eq("ppoll wild sigmask", wali_ppoll(tail, 1, &ts, LT_WILD, 8), -EFAULT);
    expect_eq("ppoll sigmask past the end", wali_ppoll(tail, 1, &ts, lt_mem_tail(4), 8), -EFAULT);
    expect_eq("ppoll sigmask bad size", wali_ppoll(tail, 1, &ts, &mask, 16), -EINVAL);
    expect_eq("ppoll sigmask huge size", wali_ppoll(tail, 1, &ts, &mask, 0xffffffffu), -EINVAL);
    /* The timeout is read first: it wins over a bad array. */
    expect_eq("ppoll wild timeout and array", wali_ppoll(LT_WILD, 0xffffffffu, LT_WILD, NULL, 8), -EFAULT);
    struct pollfd local = {rd, POLLIN, 0};
    struct timespec *tts = lt_mem_tail(16);
    *tts = zero_ts;
    expect_eq("ppoll timeout at the very end", wali_ppoll(&local, 1, tts, NULL, 8), 0);
    unsigned long *tmask = lt_mem_tail(8);
    *tmask = 0;
    expect_eq("ppoll sigmask at the very end", wali_ppoll(&local, 1, &ts, tmask, 8), 0);
}

static void selects(void) {
    /* With nfds <= 64 the kernel touches exactly 8 bytes of each set (it
     * reads them whatever bits are set, so empty sets are enough here). */
    unsigned long *set = lt_mem_tail(8);
    struct timeval tv = {0, 0};
    *set = 0;
    expect_eq("select 8-byte set at the very end", wali_select(64, set, NULL, NULL, &tv), 0);
    expect_eq("select set needing 16 bytes", wali_select(65, set, NULL, NULL, &tv), -EFAULT);
    expect_eq("select write set past the end", wali_select(65, NULL, set, NULL, &tv), -EFAULT);
    expect_eq("select except set past the end", wali_select(65, NULL, NULL, set, &tv), -EFAULT);
    expect_eq("select wild set", wali_select(1, LT_WILD, NULL, NULL, &tv), -EFAULT);
    expect_eq("select wild sets, nfds 0", wali_select(0, LT_WILD, LT_WILD, LT_WILD, &tv), 0);
    /* The kernel caps nfds at the size of its descriptor table, which the
     * runtime cannot see: it requires the sets to hold nfds bits. */
    expect_eq("select huge nfds", wali_select(0x7fffffff, set, NULL, NULL, &tv), -EFAULT);
    expect_eq("select negative nfds", wali_select(-1, LT_WILD, NULL, NULL, &tv), -EINVAL);
    expect_eq("select wild timeout", wali_select(0, NULL, NULL, NULL, LT_WILD), -EFAULT);
    expect_eq("select timeout past the end", wali_select(0, NULL, NULL, NULL, lt_mem_tail(8)), -EFAULT);
    fd_set ok;
    memset(&ok, 0, sizeof ok);
    struct timeval bad = {0, -1};
    expect_eq("select bad timeval", wali_select(1, &ok, NULL, NULL, &bad), -EINVAL);

    struct timespec ts = {0, 0};
    unsigned long mask = 0;
    struct lt_pselect6_sigmask sm = {(unsigned long)(__SIZE_TYPE__)&mask, LT_SIGSET_SIZE};
    *set = 0;
    expect_eq("pselect6 8-byte set at the very end", wali_pselect6(64, set, NULL, NULL, &ts, &sm), 0);
    expect_eq("pselect6 set needing 16 bytes", wali_pselect6(65, set, NULL, NULL, &ts, &sm), -EFAULT);
    expect_eq("pselect6 wild set", wali_pselect6(1, NULL, LT_WILD, NULL, &ts, &sm), -EFAULT);
    expect_eq("pselect6 wild timeout", wali_pselect6(0, NULL, NULL, NULL, LT_WILD, &sm), -EFAULT);
    expect_eq("pselect6 wild sigmask argument", wali_pselect6(0, NULL, NULL, NULL, &ts, LT_WILD), -EFAULT);
    expect_eq("pselect6 sigmask argument past the end",
              wali_pselect6(0, NULL, NULL, NULL, &ts, lt_mem_tail(8)), -EFAULT);
    struct lt_pselect6_sigmask wild = {0xfffffff0ul, LT_SIGSET_SIZE};
    expect_eq("pselect6 wild sigmask", wali_pselect6(0, NULL, NULL, NULL, &ts, &wild), -EFAULT);
    struct lt_pselect6_sigmask tailmask = {(unsigned long)(__SIZE_TYPE__)lt_mem_tail(4), LT_SIGSET_SIZE};
    expect_eq("pselect6 sigmask past the end", wali_pselect6(0, NULL, NULL, NULL, &ts, &tailmask), -EFAULT);
    struct lt_pselect6_sigmask above = {(1ul << 32) | sm.mask, LT_SIGSET_SIZE};
    expect_eq("pselect6 sigmask above 4 GiB", wali_pselect6(0, NULL, NULL, NULL, &ts, &above), -EFAULT);
    struct lt_pselect6_sigmask badsize = {sm.mask, 9};
    expect_eq("pselect6 sigmask bad size", wali_pselect6(0, NULL, NULL, NULL, &ts, &badsize), -EINVAL);
    struct lt_pselect6_sigmask nullmask = {0, 12345};
    expect_eq("pselect6 NULL sigmask, any size", wali_pselect6(0, NULL, NULL, NULL, &ts, &nullmask), 0);
    struct lt_pselect6_sigmask *tailarg = lt_mem_tail(16);
    *tailarg = sm;
    expect_eq("pselect6 sigmask argument at the very end", wali_pselect6(0, NULL, NULL, NULL, &ts, tailarg), 0);
    expect_eq("pselect6 negative nfds", wali_pselect6(-5, LT_WILD, NULL, NULL, &ts, NULL), -EINVAL);
}

static void epolls(int rd) {
    expect_eq("epoll_create zero", wali_epoll_create(0), -EINVAL);
    expect_eq("epoll_create negative", wali_epoll_create(-1), -EINVAL);
    expect_eq("epoll_create1 bad flags", wali_epoll_create1(0x7fffffff), -EINVAL);
    int ep = (int)wali_epoll_create1(EPOLL_CLOEXEC);
    expect_true("epoll_create1", ep >= 0);
    struct epoll_event e;
    e.events = EPOLLIN;
    e.data = 1;
    expect_eq("ctl ADD wild event", wali_epoll_ctl(ep, EPOLL_CTL_ADD, rd, LT_WILD), -EFAULT);
    expect_eq("ctl ADD NULL event", wali_epoll_ctl(ep, EPOLL_CTL_ADD, rd, NULL), -EFAULT);
    expect_eq("ctl ADD event past the end", wali_epoll_ctl(ep, EPOLL_CTL_ADD, rd, lt_mem_tail(11)), -EFAULT);
    struct epoll_event *tev = lt_mem_tail(12);
    *tev = e;
    expect_eq("ctl ADD event at the very end", wali_epoll_ctl(ep, EPOLL_CTL_ADD, rd, tev), 0);
    expect_eq("ctl MOD wild event", wali_epoll_ctl(ep, EPOLL_CTL_MOD, rd, LT_WILD), -EFAULT);
    expect_eq("ctl unknown op wild event", wali_epoll_ctl(ep, 42, rd, LT_WILD), -EFAULT);
    expect_eq("ctl unknown op", wali_epoll_ctl(ep, 42, rd, &e), -EINVAL);
    expect_eq("ctl bad epfd", wali_epoll_ctl(-1, EPOLL_CTL_ADD, rd, &e), -EBADF);
    expect_eq("ctl bad fd", wali_epoll_ctl(ep, EPOLL_CTL_MOD, 0x7fffffff, &e), -EBADF);
    /* DEL never reads the event, so any pointer is accepted. */
    expect_eq("ctl DEL wild event", wali_epoll_ctl(ep, EPOLL_CTL_DEL, rd, LT_WILD), 0);
    expect_eq("ctl DEL again", wali_epoll_ctl(ep, EPOLL_CTL_DEL, rd, NULL), -ENOENT);
    expect_eq("ctl ADD again", wali_epoll_ctl(ep, EPOLL_CTL_ADD, rd, &e), 0);

    struct epoll_event *tail = lt_mem_tail(12);
    expect_eq("wait events array at the very end", wali_epoll_wait(ep, tail, 1, 0), 0);
    expect_eq("wait events array past the end", wali_epoll_wait(ep, tail, 2, 0), -EFAULT);
    expect_eq("wait wild events", wali_epoll_wait(ep, LT_WILD, 1, 0), -EFAULT);
    expect_eq("wait maxevents 0", wali_epoll_wait(ep, LT_WILD, 0, 0), -EINVAL);
    expect_eq("wait maxevents -1", wali_epoll_wait(ep, LT_WILD, -1, 0), -EINVAL);
    expect_eq("wait maxevents over EP_MAX_EVENTS", wali_epoll_wait(ep, tail, EP_MAX_EVENTS + 1, 0), -EINVAL);
    expect_eq("wait maxevents INT_MAX", wali_epoll_wait(ep, tail, 0x7fffffff, 0), -EINVAL);
    expect_eq("wait EP_MAX_EVENTS past the end", wali_epoll_wait(ep, tail, EP_MAX_EVENTS, 0), -EFAULT);
    expect_eq("wait bad epfd", wali_epoll_wait(-1, tail, 1, 0), -EBADF);
    expect_eq("wait non-epoll fd", wali_epoll_wait(rd, tail, 1, 0), -EINVAL);

    unsigned long mask = 0;
    expect_eq("pwait array at the very end", wali_epoll_pwait(ep, tail, 1, 0, &mask, 8), 0);
    expect_eq("pwait array past the end", wali_epoll_pwait(ep, tail, 2, 0, &mask, 8), -EFAULT);
    expect_eq("pwait wild events", wali_epoll_pwait(ep, LT_WILD, 1, 0, NULL, 8), -EFAULT);
    expect_eq("pwait maxevents 0", wali_epoll_pwait(ep, LT_WILD, 0, 0, NULL, 8), -EINVAL);
    expect_eq("pwait maxevents -7", wali_epoll_pwait(ep, tail, -7, 0, &mask, 8), -EINVAL);
    expect_eq("pwait wild sigmask", wali_epoll_pwait(ep, tail, 1, 0, LT_WILD, 8), -EFAULT);
    expect_eq("pwait sigmask past the end", wali_epoll_pwait(ep, tail, 1, 0, lt_mem_tail(7), 8), -EFAULT);
    expect_eq("pwait sigmask bad size", wali_epoll_pwait(ep, tail, 1, 0, &mask, 7), -EINVAL);
    /* The mask is installed before the array is looked at. */
    expect_eq("pwait wild sigmask and array", wali_epoll_pwait(ep, LT_WILD, 0, 0, LT_WILD, 8), -EFAULT);
    expect_eq("pwait bad epfd", wali_epoll_pwait(-1, tail, 1, 0, NULL, 8), -EBADF);

    struct timespec zero = {0, 0}, *ttail = lt_mem_tail(16);
    *ttail = zero;
    expect_eq("pwait2 timeout at the very end", wali_epoll_pwait2(ep, tail, 1, ttail, &mask, 8), 0);
    expect_eq("pwait2 wild timeout", wali_epoll_pwait2(ep, tail, 1, LT_WILD, &mask, 8), -EFAULT);
    expect_eq("pwait2 timeout past the end", wali_epoll_pwait2(ep, tail, 1, lt_mem_tail(15), NULL, 8), -EFAULT);
    expect_eq("pwait2 array past the end", wali_epoll_pwait2(ep, tail, 2, &zero, &mask, 8), -EFAULT);
    expect_eq("pwait2 wild events", wali_epoll_pwait2(ep, LT_WILD, 1, &zero, NULL, 8), -EFAULT);
    expect_eq("pwait2 maxevents -7", wali_epoll_pwait2(ep, LT_WILD, -7, &zero, NULL, 8), -EINVAL);
    expect_eq("pwait2 wild sigmask", wali_epoll_pwait2(ep, tail, 1, &zero, LT_WILD, 8), -EFAULT);
    expect_eq("pwait2 bad epfd", wali_epoll_pwait2(-1, tail, 1, &zero, NULL, 8), -EBADF);
    wali_close(ep);
}

static void counters(void) {
    expect_eq("eventfd2 bad flags", wali_eventfd2(0, 0x4), -EINVAL);
    expect_eq("eventfd2 all flags", wali_eventfd2(0, -1), -EINVAL);
    int ev = (int)wali_eventfd(1);
    expect_true("eventfd", ev >= 0);
    expect_eq("eventfd read wild", wali_read(ev, LT_WILD, 8), -EFAULT);
    expect_eq("eventfd read past the end", wali_read(ev, lt_mem_tail(4), 8), -EFAULT);
    expect_eq("eventfd write wild", wali_write(ev, LT_WILD, 8), -EFAULT);
    wali_close(ev);

    expect_eq("timerfd_create bad clock", wali_timerfd_create(-1, 0), -EINVAL);
    expect_eq("timerfd_create bad flags", wali_timerfd_create(CLOCK_MONOTONIC, 0x40), -EINVAL);
    int t = (int)wali_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    expect_true("timerfd_create", t >= 0);
    struct itimerspec it = {{0, 0}, {0, 1000}}, old;
    expect_eq("settime wild new", wali_timerfd_settime(t, 0, LT_WILD, NULL), -EFAULT);
    expect_eq("settime NULL new", wali_timerfd_settime(t, 0, NULL, NULL), -EFAULT);
    expect_eq("settime new past the end", wali_timerfd_settime(t, 0, lt_mem_tail(31), NULL), -EFAULT);
    expect_eq("settime bad fd", wali_timerfd_settime(-1, 0, &it, NULL), -EBADF);
    expect_eq("settime bad flags", wali_timerfd_settime(t, 8, &it, NULL), -EINVAL);
    /* The kernel arms the timer before it stores the old value. */
    expect_eq("settime wild old", wali_timerfd_settime(t, 0, &it, LT_WILD), -EFAULT);
    struct pollfd pf = {t, POLLIN, 0};
    expect_eq("armed despite the wild old value", wali_poll(&pf, 1, 1000), 1);
    expect_eq("settime old past the end", wali_timerfd_settime(t, 0, &it, lt_mem_tail(16)), -EFAULT);
    expect_eq("bad fd beats a wild old value", wali_timerfd_settime(-1, 0, &it, LT_WILD), -EBADF);
    struct itimerspec *tnew = lt_mem_tail(32);
    *tnew = it;
    expect_eq("settime new at the very end", wali_timerfd_settime(t, 0, tnew, &old), 0);
    expect_eq("settime old at the very end", wali_timerfd_settime(t, 0, &it, tnew), 0);
    expect_eq("timerfd read wild", wali_read(t, LT_WILD, 8), -EFAULT);
    /* The kernel finds the timer before it stores its setting. */
    expect_eq("gettime wild", wali_timerfd_gettime(t, LT_WILD), -EFAULT);
    expect_eq("gettime NULL", wali_timerfd_gettime(t, NULL), -EFAULT);
    expect_eq("gettime past the end", wali_timerfd_gettime(t, lt_mem_tail(31)), -EFAULT);
    expect_eq("gettime at the very end", wali_timerfd_gettime(t, tnew), 0);
    expect_eq("gettime bad fd beats a wild pointer", wali_timerfd_gettime(-1, LT_WILD), -EBADF);
    wali_close(t);
}

int main(int argc, char **argv) {
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    polls(p[0]);
    selects();
    epolls(p[0]);
    counters();
    expect_eq("runtime survived", wali_write(p[1], "ok", 2), 2);
    return lt_failures;
}
