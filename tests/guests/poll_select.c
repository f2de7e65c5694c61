/* Readiness of pipes and eventfds through poll, ppoll, select and pselect6;
 * zero and small timeouts (the kernel writes back the time left); signal
 * masks during the wait. */
#include "lt_poll.h"

static void fd_zero(fd_set *s) { memset(s, 0, sizeof *s); }

static void with_poll(void) {
    int p[2];
    wali_pipe(p);
    struct pollfd fds[2] = {{p[0], POLLIN, -1}, {p[1], POLLOUT, -1}};
    expect_eq("poll empty pipe", wali_poll(fds, 2, 0), 1);
    expect_eq("read end revents", fds[0].revents, 0);
    expect_eq("write end revents", fds[1].revents, POLLOUT);
    wali_write(p[1], "x", 1);
    expect_eq("poll after write", wali_poll(fds, 2, 0), 2);
    expect_eq("read end readable", fds[0].revents, POLLIN);
    /* nfds is the kernel's unsigned int: the upper half of nfds_t is ignored. */
    expect_eq("poll nfds upper bits", wali_poll(fds, (1ull << 32) | 1, 0), 1);
    expect_eq("poll zero fds", wali_poll(NULL, 0, 0), 0);
    expect_eq("poll zero fds sleeps", wali_poll(NULL, 0, 5), 0);
    /* A negative fd is skipped; a closed one is POLLNVAL. */
    int c = (int)wali_dup(p[0]);
    wali_close(c);
    struct pollfd odd[3] = {{-1, POLLIN, -1}, {c, POLLIN, -1}, {p[0], POLLIN | POLLOUT, -1}};
    expect_eq("poll negative and closed fds", wali_poll(odd, 3, 0), 2);
    expect_eq("negative fd revents", odd[0].revents, 0);
    expect_eq("closed fd revents", odd[1].revents, POLLNVAL);
    expect_eq("read end asked for POLLOUT", odd[2].revents, POLLIN);
    char b[4];
    wali_read(p[0], b, 4);
    expect_eq("poll small timeout", wali_poll(fds, 1, 20), 0);
    expect_eq("timed out revents", fds[0].revents, 0);
    wali_close(p[1]);
    expect_eq("poll after writer closed", wali_poll(fds, 1, 0), 1);
    expect_eq("hangup", fds[0].revents, POLLHUP);
    wali_close(p[0]);
    wali_pipe(p);
    wali_close(p[0]);
    struct pollfd w = {p[1], POLLOUT, 0};
    expect_eq("poll after reader closed", wali_poll(&w, 1, 0), 1);
    expect_eq("broken pipe revents", w.revents, POLLOUT | POLLERR);
    wali_close(p[1]);
}

static void with_ppoll(void) {
    int p[2];
    wali_pipe(p);
    struct pollfd fds[1] = {{p[0], POLLIN, 0}};
    struct timespec ts = {0, 0};
    expect_eq("ppoll zero timeout", wali_ppoll(fds, 1, &ts, NULL, LT_SIGSET_SIZE), 0);
    ts.tv_nsec = 20 * 1000 * 1000;
    expect_eq("ppoll 20ms", wali_ppoll(fds, 1, &ts, NULL, LT_SIGSET_SIZE), 0);
    expect_true("ppoll used the whole timeout", ts.tv_sec == 0 && ts.tv_nsec == 0);
    unsigned long mask = LT_SIGBIT(SIGUSR1);
    ts.tv_sec = 0;
    ts.tv_nsec = 1000 * 1000;
    expect_eq("ppoll with a mask", wali_ppoll(fds, 1, &ts, &mask, LT_SIGSET_SIZE), 0);
    expect_eq("ppoll mask with a bad size", wali_ppoll(fds, 1, &ts, &mask, 4), -EINVAL);
    expect_eq("ppoll NULL mask ignores the size", wali_ppoll(fds, 1, &ts, NULL, 4), 0);
    wali_write(p[1], "ab", 2);
    ts.tv_sec = 30;
    ts.tv_nsec = 0;
    expect_eq("ppoll ready fd", wali_ppoll(fds, 1, &ts, &mask, LT_SIGSET_SIZE), 1);
    expect_eq("ppoll revents", fds[0].revents, POLLIN);
    expect_true("ppoll returned early", ts.tv_sec >= 25 && ts.tv_sec < 30);
    expect_eq("ppoll NULL timeout, ready", wali_ppoll(fds, 1, NULL, NULL, 0), 1);
    ts.tv_nsec = 1000000000;
    expect_eq("ppoll bad timespec", wali_ppoll(fds, 1, &ts, NULL, LT_SIGSET_SIZE), -EINVAL);
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    expect_eq("ppoll negative timespec", wali_ppoll(fds, 1, &ts, NULL, LT_SIGSET_SIZE), -EINVAL);
    wali_close(p[0]);
    wali_close(p[1]);
}

static void with_select(void) {
    int p[2];
    wali_pipe(p);
    /* Put the pipe above 64 so the second word of each fd_set is used. */
    int r = (int)wali_fcntl(p[0], F_DUPFD, 100), w = (int)wali_fcntl(p[1], F_DUPFD, 100);
    int n = (r > w ? r : w) + 1;
    fd_set rs, ws;
    struct timeval tv = {0, 0};
    fd_zero(&rs);
    fd_zero(&ws);
    LT_FD_SET(r, &rs);
    LT_FD_SET(w, &ws);
    expect_eq("select empty pipe", wali_select(n, &rs, &ws, NULL, &tv), 1);
    expect_eq("select read bit", LT_FD_ISSET(r, &rs), 0);
    expect_eq("select write bit", LT_FD_ISSET(w, &ws), 1);
    wali_write(w, "x", 1);
    LT_FD_SET(r, &rs);
    expect_eq("select after write", wali_select(n, &rs, &ws, NULL, &tv), 2);
    expect_eq("select read bit now", LT_FD_ISSET(r, &rs), 1);
    char b[2];
    wali_read(r, b, 2);
    fd_zero(&rs);
    LT_FD_SET(r, &rs);
    tv.tv_usec = 20000;
    expect_eq("select 20ms", wali_select(n, &rs, NULL, NULL, &tv), 0);
    expect_true("select used the whole timeout", tv.tv_sec == 0 && tv.tv_usec == 0);
    expect_eq("select cleared the set", LT_FD_ISSET(r, &rs), 0);
    tv.tv_usec = 1000;
    expect_eq("select no sets, 1ms", wali_select(0, NULL, NULL, NULL, &tv), 0);
    expect_eq("select negative nfds", wali_select(-1, NULL, NULL, NULL, &tv), -EINVAL);
    tv.tv_usec = -1;
    expect_eq("select bad timeval", wali_select(0, NULL, NULL, NULL, &tv), -EINVAL);
    int c = (int)wali_dup(r);
    wali_close(c);
    fd_zero(&rs);
    LT_FD_SET(c, &rs);
    tv.tv_usec = 0;
    expect_eq("select closed fd", wali_select(c + 1, &rs, NULL, NULL, &tv), -EBADF);
    /* Only descriptors below nfds count. */
    fd_zero(&ws);
    LT_FD_SET(w, &ws);
    expect_eq("select fd at nfds ignored", wali_select(w, NULL, &ws, NULL, &tv), 0);
    int fds[] = {p[0], p[1], r, w};
    for (int i = 0; i < 4; i++) wali_close(fds[i]);
}

static void with_pselect6(void) {
    int ev = (int)wali_eventfd2(0, EFD_NONBLOCK);
    fd_set rs, ws;
    struct timespec ts = {0, 0};
    unsigned long mask = LT_SIGBIT(SIGUSR1);
    struct lt_pselect6_sigmask sm = {(unsigned long)(__SIZE_TYPE__)&mask, LT_SIGSET_SIZE};
    fd_zero(&rs);
    LT_FD_SET(ev, &rs);
    expect_eq("pselect6 eventfd at zero", wali_pselect6(ev + 1, &rs, NULL, NULL, &ts, &sm), 0);
    lt_write_u64(ev, 2);
    LT_FD_SET(ev, &rs);
    fd_zero(&ws);
    LT_FD_SET(ev, &ws);
    expect_eq("pselect6 eventfd readable+writable", wali_pselect6(ev + 1, &rs, &ws, NULL, &ts, &sm), 2);
    expect_eq("pselect6 read bit", LT_FD_ISSET(ev, &rs), 1);
    unsigned long v;
    lt_read_u64(ev, &v);
    fd_zero(&rs);
    LT_FD_SET(ev, &rs);
    ts.tv_nsec = 20 * 1000 * 1000;
    expect_eq("pselect6 20ms", wali_pselect6(ev + 1, &rs, NULL, NULL, &ts, &sm), 0);
    expect_true("pselect6 used the whole timeout", ts.tv_sec == 0 && ts.tv_nsec == 0);
    struct lt_pselect6_sigmask nomask = {0, LT_SIGSET_SIZE};
    expect_eq("pselect6 NULL mask", wali_pselect6(0, NULL, NULL, NULL, &ts, &nomask), 0);
    expect_eq("pselect6 no sigmask argument", wali_pselect6(0, NULL, NULL, NULL, &ts, NULL), 0);
    struct lt_pselect6_sigmask badsize = {(unsigned long)(__SIZE_TYPE__)&mask, 4};
    expect_eq("pselect6 mask with a bad size", wali_pselect6(0, NULL, NULL, NULL, &ts, &badsize), -EINVAL);
    struct lt_pselect6_sigmask nullbad = {0, 4};
    expect_eq("pselect6 NULL mask ignores the size", wali_pselect6(0, NULL, NULL, NULL, &ts, &nullbad), 0);
    expect_eq("pselect6 negative nfds", wali_pselect6(-1, NULL, NULL, NULL, &ts, NULL), -EINVAL);
    ts.tv_nsec = -5;
    expect_eq("pselect6 bad timespec", wali_pselect6(0, NULL, NULL, NULL, &ts, NULL), -EINVAL);
    wali_close(ev);
}

int main(int argc, char **argv) {
    with_poll();
    with_ppoll();
    with_select();
    with_pselect6();
    return lt_failures;
}
