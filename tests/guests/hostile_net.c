/* Hostile socket calls (WALI only): addresses, buffers, length words and
 * msghdr fields outside guest memory or running past its end, lengths that
 * are huge or negative, bad descriptors, and the socket options Lamina
 * refuses because their values hold host pointers. Each gets an exact errno
 * and the runtime must survive. */
#include "lt_net.h"

#ifndef __wasm__
#error "hostile_net is a WALI-only guest"
#endif

#define WILD LT_NET_WILD
#define TAIL(n) lt_net_tail(n)

static int listener;
static struct sockaddr_in laddr;

/* A client connected to the listener, not yet accepted. */
static long pending_client(void) {
    long c = wali_socket(AF_INET, SOCK_STREAM, 0);
    wali_connect((int)c, &laddr, sizeof laddr);
    return c;
}

static void addresses_in(void) {
    put("== bind/connect/sendto addresses\n");
    long s = wali_socket(AF_INET, SOCK_STREAM, 0);
    long u = wali_socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = lt_loopback4(0);
    expect_eq("bind wild", wali_bind((int)s, WILD, sizeof addr), -EFAULT);
    expect_eq("bind past the end", wali_bind((int)s, TAIL(8), sizeof addr), -EFAULT);
    expect_eq("bind huge length", wali_bind((int)s, &addr, 0xffffffffu), -EINVAL);
    expect_eq("bind wild, long length", wali_bind((int)s, WILD, 129), -EINVAL);
    expect_eq("bind bad fd", wali_bind(-1, &addr, sizeof addr), -EBADF);
    expect_eq("connect wild", wali_connect((int)s, WILD, sizeof addr), -EFAULT);
    expect_eq("connect past the end", wali_connect((int)s, TAIL(15), sizeof addr), -EFAULT);
    expect_eq("connect negative length", wali_connect((int)s, &addr, 0x80000000u), -EINVAL);
    expect_eq("connect bad fd", wali_connect(-9, &laddr, sizeof laddr), -EBADF);
    /* An address ending exactly at the end of memory is fine (UDP, so the
     * listener's queue stays empty). */
    memcpy(TAIL(sizeof laddr), &laddr, sizeof laddr);
    expect_eq("connect from the last bytes", wali_connect((int)u, TAIL(sizeof laddr), sizeof laddr), 0);
    expect_eq("listen bad fd", wali_listen(-1, 1), -EBADF);
    expect_eq("listen closed fd", wali_listen(9999, 1), -EBADF);

    char data[8] = "payload";
    expect_eq("sendto wild buffer", wali_sendto((int)u, WILD, 4, 0, &laddr, sizeof laddr), -EFAULT);
    expect_eq("sendto buffer past the end", wali_sendto((int)u, TAIL(2), 4, 0, &laddr, sizeof laddr), -EFAULT);
    expect_eq("sendto length wraps", wali_sendto((int)u, data, 0xffffffffu, 0, &laddr, sizeof laddr), -EFAULT);
    expect_eq("sendto wild address", wali_sendto((int)u, data, 4, 0, WILD, sizeof laddr), -EFAULT);
    expect_eq("sendto address past the end", wali_sendto((int)u, data, 4, 0, TAIL(4), sizeof laddr), -EFAULT);
    expect_eq("sendto huge address length", wali_sendto((int)u, data, 4, 0, &laddr, 0xffffffffu), -EINVAL);
    /* No byte of an empty buffer is touched, wherever it points. */
    expect_eq("sendto wild empty buffer", wali_sendto((int)u, WILD, 0, 0, &laddr, sizeof laddr), 0);
    expect_eq("sendto bad fd", wali_sendto(-1, data, 4, 0, NULL, 0), -EBADF);
    /* A NULL address with any length means "no address". */
    long u2 = wali_socket(AF_INET, SOCK_DGRAM, 0);
    expect_eq("sendto NULL address, huge length", wali_sendto((int)u2, data, 4, 0, NULL, 0xffffffffu), -EDESTADDRREQ);
    wali_close((int)u2);
    wali_close((int)s);
    wali_close((int)u);
}

static void addresses_out(void) {
    put("== accept/getsockname/getpeername/recvfrom addresses\n");
    union lt_addr name;
    socklen_t len;
    long c = pending_client();
    len = sizeof name;
    expect_eq("accept wild address", wali_accept(listener, WILD, &len), -EFAULT);
    expect_eq("accept address past the end", wali_accept(listener, TAIL(8), &len), -EFAULT);
    expect_eq("accept wild length", wali_accept(listener, &name, WILD), -EFAULT);
    expect_eq("accept length past the end", wali_accept(listener, &name, TAIL(2)), -EFAULT);
    expect_eq("accept4 wild address", wali_accept4(listener, WILD, &len, 0), -EFAULT);
    expect_eq("accept4 wild length", wali_accept4(listener, &name, WILD, SOCK_CLOEXEC), -EFAULT);
    expect_eq("accept4 bad flags", wali_accept4(listener, NULL, NULL, -1), -EINVAL);
    expect_eq("accept bad fd", wali_accept(-1, NULL, NULL), -EBADF);
    expect_eq("accept4 bad fd", wali_accept4(-1, &name, &len, 0), -EBADF);
    /* Without an address buffer the length word is never read. */
    long a = wali_accept(listener, NULL, WILD);
    expect_true("accept ignores the length without a buffer", a >= 0);
    wali_close((int)a);
    wali_close((int)c);
    /* A negative length: the kernel accepts, then refuses to store. */
    c = pending_client();
    len = 0x80000000u;
    expect_eq("accept negative length", wali_accept(listener, &name, &len), -EINVAL);
    wali_close((int)c);
    /* A huge length only needs room for the largest address. */
    c = pending_client();
    len = 0x7fffffffu;
    a = wali_accept4(listener, &name, &len, SOCK_CLOEXEC);
    expect_true("accept4 huge length", a >= 0);
    expect_eq("accept4 huge length stored", len, sizeof(struct sockaddr_in));

    len = sizeof name;
    expect_eq("getsockname wild address", wali_getsockname((int)c, WILD, &len), -EFAULT);
    expect_eq("getsockname wild length", wali_getsockname((int)c, &name, WILD), -EFAULT);
    expect_eq("getsockname length past the end", wali_getsockname((int)c, &name, TAIL(3)), -EFAULT);
    expect_eq("getsockname NULL address", wali_getsockname((int)c, NULL, &len), -EFAULT);
    len = 0xffffffffu;
    expect_eq("getsockname negative length", wali_getsockname((int)c, &name, &len), -EINVAL);
    len = 17;
    expect_eq("getsockname one byte too many", wali_getsockname((int)c, TAIL(16), &len), -EFAULT);
    len = 16;
    expect_eq("getsockname into the last bytes", wali_getsockname((int)c, TAIL(16), &len), 0);
    /* The length word itself in the last 4 bytes. */
    socklen_t *tail_len = TAIL(4);
    *tail_len = 0x7fffffffu;
    expect_eq("getsockname huge length", wali_getsockname((int)c, &name, tail_len), 0);
    expect_eq("getsockname huge length stored", *tail_len, 16);
    expect_eq("getsockname bad fd", wali_getsockname(-1, &name, &len), -EBADF);
    len = sizeof name;
    expect_eq("getpeername wild address", wali_getpeername((int)c, WILD, &len), -EFAULT);
    expect_eq("getpeername wild length", wali_getpeername((int)c, &name, WILD), -EFAULT);
    expect_eq("getpeername address past the end", wali_getpeername((int)c, TAIL(15), &len), -EFAULT);
    expect_eq("getpeername bad fd", wali_getpeername(-1, &name, &len), -EBADF);

    char buf[16];
    expect_eq("recvfrom wild buffer", wali_recvfrom((int)a, WILD, 4, 0, NULL, NULL), -EFAULT);
    expect_eq("recvfrom buffer past the end", wali_recvfrom((int)a, TAIL(3), 4, 0, NULL, NULL), -EFAULT);
    expect_eq("recvfrom length wraps", wali_recvfrom((int)a, buf, 0xfffffff0u, 0, NULL, NULL), -EFAULT);
    expect_eq("recvfrom wild address", wali_recvfrom((int)a, buf, 4, 0, WILD, &len), -EFAULT);
    expect_eq("recvfrom wild length", wali_recvfrom((int)a, buf, 4, 0, &name, WILD), -EFAULT);
    expect_eq("recvfrom bad fd", wali_recvfrom(-1, buf, 4, 0, NULL, NULL), -EBADF);
    expect_eq("recvfrom no address, wild length", wali_recvfrom((int)a, buf, 4, MSG_DONTWAIT, NULL, WILD), -EAGAIN);
    expect_eq("send", wali_sendto((int)c, "tail", 4, 0, NULL, 0), 4);
    expect_eq("recvfrom into the last bytes", wali_recvfrom((int)a, TAIL(4), 4, MSG_WAITALL, NULL, NULL), 4);
    expect_true("data at the end", memcmp(TAIL(4), "tail", 4) == 0);
    expect_eq("shutdown bad fd", wali_shutdown(-1, SHUT_RD), -EBADF);
    expect_eq("shutdown bad how", wali_shutdown((int)a, 99), -EINVAL);
    wali_close((int)a);
    wali_close((int)c);
}

static void pairs(void) {
    put("== socketpair\n");
    expect_eq("socketpair wild", wali_socketpair(AF_UNIX, SOCK_STREAM, 0, WILD), -EFAULT);
    expect_eq("socketpair past the end", wali_socketpair(AF_UNIX, SOCK_STREAM, 0, TAIL(4)), -EFAULT);
    int *sv = TAIL(8);
    expect_eq("socketpair into the last bytes", wali_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    wali_close(sv[0]);
    wali_close(sv[1]);
    expect_eq("socket bad family", wali_socket(-1, SOCK_STREAM, 0), -EAFNOSUPPORT);
    expect_eq("socket bad flags", wali_socket(AF_INET, -1, 0), -EINVAL);
}

/* Fills `m` for one iovec over `data`. */
static void one_iov(struct msghdr *m, struct iovec *iov, void *data, size_t len) {
    memset(m, 0, sizeof *m);
    iov->iov_base = data;
    iov->iov_len = len;
    m->msg_iov = iov;
    m->msg_iovlen = 1;
}

static void messages(void) {
    put("== sendmsg/recvmsg\n");
    int sv[2];
    wali_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    char data[8] = "message";
    struct iovec iov;
    struct msghdr m;
    one_iov(&m, &iov, data, 7);
    expect_eq("sendmsg wild header", wali_sendmsg(sv[0], WILD, 0), -EFAULT);
    expect_eq("recvmsg wild header", wali_recvmsg(sv[1], WILD, 0), -EFAULT);
    expect_eq("sendmsg header past the end", wali_sendmsg(sv[0], TAIL(20), 0), -EFAULT);
    expect_eq("sendmsg bad fd", wali_sendmsg(-1, &m, 0), -EBADF);
    expect_eq("recvmsg bad fd", wali_recvmsg(-1, &m, 0), -EBADF);

    m.msg_iov = WILD;
    expect_eq("sendmsg wild iovec array", wali_sendmsg(sv[0], &m, 0), -EFAULT);
    m.msg_iov = TAIL(4);
    expect_eq("recvmsg iovec array past the end", wali_recvmsg(sv[1], &m, MSG_DONTWAIT), -EFAULT);
    one_iov(&m, &iov, WILD, 4);
    expect_eq("sendmsg wild iovec buffer", wali_sendmsg(sv[0], &m, 0), -EFAULT);
    one_iov(&m, &iov, TAIL(2), 4);
    expect_eq("recvmsg iovec buffer past the end", wali_recvmsg(sv[1], &m, MSG_DONTWAIT), -EFAULT);
    one_iov(&m, &iov, data, 0xffffffffu);
    expect_eq("sendmsg iovec length wraps", wali_sendmsg(sv[0], &m, 0), -EFAULT);
    one_iov(&m, &iov, data, 7);
    m.msg_iovlen = 2000;
    expect_eq("sendmsg huge iovlen", wali_sendmsg(sv[0], &m, 0), -EMSGSIZE);
    m.msg_iovlen = -1;
    expect_eq("recvmsg negative iovlen", wali_recvmsg(sv[1], &m, 0), -EMSGSIZE);

    one_iov(&m, &iov, data, 7);
    m.msg_name = WILD;
    m.msg_namelen = 16;
    expect_eq("sendmsg wild name", wali_sendmsg(sv[0], &m, 0), -EFAULT);
    expect_eq("recvmsg wild name", wali_recvmsg(sv[1], &m, 0), -EFAULT);
    m.msg_name = TAIL(16);
    m.msg_namelen = 5000; /* cut to 128: still past the end */
    expect_eq("recvmsg long name past the end", wali_recvmsg(sv[1], &m, 0), -EFAULT);
    m.msg_namelen = 0xffffffffu;
    expect_eq("sendmsg negative namelen", wali_sendmsg(sv[0], &m, 0), -EINVAL);

    one_iov(&m, &iov, data, 7);
    m.msg_control = WILD;
    m.msg_controllen = 24;
    expect_eq("sendmsg wild control", wali_sendmsg(sv[0], &m, 0), -EFAULT);
    expect_eq("recvmsg wild control", wali_recvmsg(sv[1], &m, 0), -EFAULT);
    m.msg_control = TAIL(8);
    expect_eq("recvmsg control past the end", wali_recvmsg(sv[1], &m, 0), -EFAULT);
    m.msg_controllen = 0x80000000u;
    expect_eq("sendmsg huge control", wali_sendmsg(sv[0], &m, 0), -ENOBUFS);
    m.msg_control = NULL;
    m.msg_controllen = 24;
    expect_eq("sendmsg NULL control", wali_sendmsg(sv[0], &m, 0), -EFAULT);

    /* Headers in the last bytes of memory work, and get written back. */
    struct msghdr *tail = TAIL(sizeof(struct msghdr));
    one_iov(tail, &iov, data, 7);
    expect_eq("sendmsg header in the last bytes", wali_sendmsg(sv[0], tail, 0), 7);
    char in[8] = {0};
    one_iov(tail, &iov, in, sizeof in);
    tail->msg_flags = -1;
    expect_eq("recvmsg header in the last bytes", wali_recvmsg(sv[1], tail, 0), 7);
    expect_eq("flags written back at the end", tail->msg_flags, 0);
    /* A zero-length iovec may point anywhere. */
    one_iov(&m, &iov, WILD, 0);
    expect_eq("sendmsg empty wild iovec", wali_sendmsg(sv[0], &m, 0), 0);
    wali_close(sv[0]);
    wali_close(sv[1]);
}

static void options(void) {
    put("== setsockopt/getsockopt\n");
    long s = wali_socket(AF_INET, SOCK_STREAM, 0);
    int v = 1;
    socklen_t len = sizeof v;
    expect_eq("setsockopt wild value", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, WILD, 4), -EFAULT);
    expect_eq("setsockopt value past the end", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, TAIL(2), 4), -EFAULT);
    expect_eq("setsockopt huge length", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, &v, 0x7fffffffu), -EFAULT);
    expect_eq("setsockopt negative length", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, WILD, 0x80000000u), -EINVAL);
    expect_eq("setsockopt NULL value", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, NULL, 4), -EFAULT);
    expect_eq("setsockopt bad fd", wali_setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, &v, 4), -EBADF);
    *(int *)TAIL(4) = 1;
    expect_eq("setsockopt value in the last bytes", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, TAIL(4), 4), 0);

    expect_eq("getsockopt wild value", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, WILD, &len), -EFAULT);
    expect_eq("getsockopt wild length", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, &v, WILD), -EFAULT);
    expect_eq("getsockopt length past the end", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, &v, TAIL(2)), -EFAULT);
    expect_eq("getsockopt value past the end", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, TAIL(3), &len), -EFAULT);
    /* The whole of optlen must be guest memory. */
    len = 0x7fffffffu;
    expect_eq("getsockopt huge length", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, &v, &len), -EFAULT);
    len = 0xffffffffu;
    expect_eq("getsockopt negative length", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, &v, &len), -EINVAL);
    len = 4;
    expect_eq("getsockopt NULL length", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, &v, NULL), -EFAULT);
    expect_eq("getsockopt bad fd", wali_getsockopt(-1, SOL_SOCKET, SO_TYPE, &v, &len), -EBADF);
    socklen_t *tail_len = TAIL(4);
    *tail_len = 4;
    expect_eq("getsockopt length in the last bytes", wali_getsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, &v, tail_len), 0);
    expect_true("value read", v == 1 && *tail_len == 4);
    /* SO_GET_FILTER counts 8-byte filter blocks. */
    len = 4;
    expect_eq("SO_GET_FILTER blocks past the end", wali_getsockopt((int)s, SOL_SOCKET, SO_GET_FILTER, TAIL(16), &len), -EFAULT);
    expect_eq("SO_GET_FILTER blocks in memory", wali_getsockopt((int)s, SOL_SOCKET, SO_GET_FILTER, TAIL(32), &len), 0);

    /* Options whose values hold host pointers are refused. */
    struct { uint16_t len; uint32_t filter; } fprog = {1, 0x1000};
    char big[256];
    memset(big, 0, sizeof big);
    expect_eq("SO_ATTACH_FILTER", wali_setsockopt((int)s, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), -ENOPROTOOPT);
    expect_eq("SO_ATTACH_REUSEPORT_CBPF", wali_setsockopt((int)s, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof fprog), -ENOPROTOOPT);
    expect_eq("PACKET_FANOUT_DATA", wali_setsockopt((int)s, 263, 22, &fprog, sizeof fprog), -ENOPROTOOPT);
    expect_eq("IPT_SO_SET_REPLACE", wali_setsockopt((int)s, SOL_IP, IPT_SO_SET_REPLACE, big, sizeof big), -ENOPROTOOPT);
    expect_eq("IP6T_SO_SET_REPLACE", wali_setsockopt((int)s, SOL_IPV6, IPT_SO_SET_REPLACE, big, sizeof big), -ENOPROTOOPT);
    expect_eq("EBT_SO_SET_COUNTERS", wali_setsockopt((int)s, SOL_IP, 129, big, sizeof big), -ENOPROTOOPT);
    expect_eq("XDP_UMEM_REG", wali_setsockopt((int)s, 283, 4, big, 32), -ENOPROTOOPT);
    expect_eq("RDS_GET_MR", wali_setsockopt((int)s, 276, 2, big, 32), -ENOPROTOOPT);
    len = sizeof big;
    expect_eq("get IP_MSFILTER", wali_getsockopt((int)s, SOL_IP, IP_MSFILTER, big, &len), -ENOPROTOOPT);
    expect_eq("get MCAST_MSFILTER", wali_getsockopt((int)s, SOL_IP, MCAST_MSFILTER, big, &len), -ENOPROTOOPT);
    expect_eq("get IPv6 MCAST_MSFILTER", wali_getsockopt((int)s, SOL_IPV6, MCAST_MSFILTER, big, &len), -ENOPROTOOPT);
    expect_eq("get TCP_ZEROCOPY_RECEIVE", wali_getsockopt((int)s, SOL_TCP, TCP_ZEROCOPY_RECEIVE, big, &len), -ENOPROTOOPT);
    expect_eq("get TCP_AO_GET_KEYS", wali_getsockopt((int)s, SOL_TCP, TCP_AO_GET_KEYS, big, &len), -ENOPROTOOPT);
    expect_eq("get EBT_SO_GET_ENTRIES", wali_getsockopt((int)s, SOL_IP, EBT_SO_GET_ENTRIES, big, &len), -ENOPROTOOPT);
    expect_eq("get MPTCP_FULL_INFO", wali_getsockopt((int)s, 284, 4, big, &len), -ENOPROTOOPT);
    expect_eq("get SCTP_SOCKOPT_CONNECTX3", wali_getsockopt((int)s, 132, 111, big, &len), -ENOPROTOOPT);
    expect_eq("refused length untouched", len, sizeof big);
    /* Same numbers in the other direction are plain data for the kernel. */
    expect_eq("set IP_MSFILTER short", wali_setsockopt((int)s, SOL_IP, IP_MSFILTER, big, 4), -EINVAL);
    wali_close((int)s);
}

struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };

static void batches(void) {
    put("== sendmmsg/recvmmsg\n");
    struct sockaddr_in baddr = lt_loopback4(0);
    socklen_t blen = sizeof baddr;
    long u = wali_socket(AF_INET, SOCK_DGRAM, 0), b = wali_socket(AF_INET, SOCK_DGRAM, 0);
    wali_bind((int)b, &baddr, sizeof baddr);
    wali_getsockname((int)b, &baddr, &blen);
    char data[4] = "abc";
    struct iovec iov = {data, 3};
    struct mmsghdr m;
    memset(&m, 0, sizeof m);
    m.msg_hdr.msg_name = &baddr;
    m.msg_hdr.msg_namelen = sizeof baddr;
    m.msg_hdr.msg_iov = &iov;
    m.msg_hdr.msg_iovlen = 1;

    expect_eq("sendmmsg wild vector", wali_sendmmsg((int)u, WILD, 1, 0), -EFAULT);
    expect_eq("sendmmsg wild vector, bad fd", wali_sendmmsg(-1, WILD, 1, 0), -EBADF);
    expect_eq("sendmmsg wild vector, not a socket", wali_sendmmsg(0, WILD, 1, 0), -ENOTSOCK);
    expect_eq("sendmmsg wild vector, none", wali_sendmmsg((int)u, WILD, 0, 0), 0);
    expect_eq("sendmmsg NULL vector", wali_sendmmsg((int)u, NULL, 1, 0), -EFAULT);
    expect_eq("recvmmsg NULL vector", wali_recvmmsg((int)b, NULL, 1, MSG_DONTWAIT, NULL), -EFAULT);
    /* One entry in the last bytes of memory, the next past the end: the
     * batch is the first message only. */
    struct mmsghdr *tail = TAIL(sizeof m);
    *tail = m;
    expect_eq("sendmmsg entry at the very end", wali_sendmmsg((int)u, tail, 1, 0), 1);
    expect_eq("msg_len at the very end", tail->msg_len, 3);
    expect_eq("sendmmsg second entry past the end", wali_sendmmsg((int)u, tail, 2, 0), 1);
    expect_eq("sendmmsg vector past the end", wali_sendmmsg((int)u, TAIL(sizeof m - 1), 1, 0), -EFAULT);
    /* A count beyond UIO_MAXIOV is cut; the entries after the first are
     * outside memory here, so one message goes. */
    expect_eq("sendmmsg huge count", wali_sendmmsg((int)u, tail, 0xffffffffu, 0), 1);
    struct mmsghdr bad = m;
    bad.msg_hdr.msg_iov = WILD;
    expect_eq("sendmmsg wild iovec", wali_sendmmsg((int)u, &bad, 1, 0), -EFAULT);
    bad = m;
    bad.msg_hdr.msg_name = TAIL(8);
    expect_eq("sendmmsg name past the end", wali_sendmmsg((int)u, &bad, 1, 0), -EFAULT);
    iov.iov_base = WILD;
    expect_eq("sendmmsg wild data", wali_sendmmsg((int)u, &m, 1, 0), -EFAULT);
    iov.iov_base = data;

    char buf[8];
    struct iovec rio = {buf, sizeof buf};
    struct mmsghdr r;
    memset(&r, 0, sizeof r);
    r.msg_hdr.msg_iov = &rio;
    r.msg_hdr.msg_iovlen = 1;
    struct timespec zero = {0, 0};
    expect_eq("recvmmsg wild timeout", wali_recvmmsg((int)b, &r, 1, MSG_DONTWAIT, WILD), -EFAULT);
    expect_eq("recvmmsg timeout past the end", wali_recvmmsg((int)b, &r, 1, MSG_DONTWAIT, TAIL(15)), -EFAULT);
    expect_eq("recvmmsg wild vector", wali_recvmmsg((int)b, WILD, 1, MSG_DONTWAIT, &zero), -EFAULT);
    expect_eq("recvmmsg wild vector, bad fd", wali_recvmmsg(-1, WILD, 1, MSG_DONTWAIT, NULL), -EBADF);
    struct mmsghdr *rtail = TAIL(sizeof r);
    *rtail = r;
    expect_eq("recvmmsg entry at the very end", wali_recvmmsg((int)b, rtail, 2, MSG_DONTWAIT, NULL), 1);
    expect_eq("received length at the very end", rtail->msg_len, 3);
    rio.iov_base = TAIL(2);
    expect_eq("recvmmsg buffer past the end", wali_recvmmsg((int)b, &r, 1, MSG_DONTWAIT, NULL), -EFAULT);
    wali_close((int)u);
    wali_close((int)b);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    struct sockaddr_in a = lt_loopback4(0);
    socklen_t len = sizeof a;
    listener = (int)wali_socket(AF_INET, SOCK_STREAM, 0);
    if (wali_bind(listener, &a, sizeof a) || wali_listen(listener, 16) || wali_getsockname(listener, &laddr, &len)) {
        put("FAIL no listener\n");
        return 1;
    }
    addresses_in();
    addresses_out();
    pairs();
    messages();
    options();
    batches();
    return lt_failures;
}
