/* The kernel's errors for sockets: refused connections, calls on things
 * that are not sockets or not descriptors, bad families, types and
 * protocols, addresses in use, and calls in the wrong socket state. */
#include "lt_net.h"

static void creation(void) {
    put("== socket\n");
    expect_eq("bad family", wali_socket(4321, SOCK_STREAM, 0), -EAFNOSUPPORT);
    expect_eq("bad type", wali_socket(AF_INET, 77, 0), -EINVAL);
    expect_eq("bad type flags", wali_socket(AF_INET, SOCK_STREAM | 0x1000, 0), -EINVAL);
    expect_eq("bad protocol", wali_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), -EPROTONOSUPPORT);
    expect_eq("seqpacket over inet", wali_socket(AF_INET, SOCK_SEQPACKET, 0), -ESOCKTNOSUPPORT);
    long s = wali_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
    expect_true("explicit protocol", s >= 0);
    expect_true("SOCK_NONBLOCK", (wali_fcntl((int)s, F_GETFL, 0) & O_NONBLOCK) != 0);
    wali_close((int)s);
}

static void refused_and_in_use(void) {
    put("== addresses\n");
    /* A port bound but not listening refuses connections. */
    struct sockaddr_in addr = lt_loopback4(0);
    socklen_t len = sizeof addr;
    long holder = wali_socket(AF_INET, SOCK_STREAM, 0);
    expect_eq("bind holder", wali_bind((int)holder, &addr, sizeof addr), 0);
    expect_eq("holder name", wali_getsockname((int)holder, &addr, &len), 0);
    long c = wali_socket(AF_INET, SOCK_STREAM, 0);
    expect_eq("connect to a closed port", wali_connect((int)c, &addr, sizeof addr), -ECONNREFUSED);
    expect_eq("SO_ERROR after refusal", lt_getsockopt_int((int)c, SOL_SOCKET, SO_ERROR), 0);
    wali_close((int)c);

    /* Same port again, without SO_REUSEADDR. */
    long other = wali_socket(AF_INET, SOCK_STREAM, 0);
    expect_eq("listen holder", wali_listen((int)holder, 1), 0);
    expect_eq("bind port in use", wali_bind((int)other, &addr, sizeof addr), -EADDRINUSE);
    expect_eq("bind twice", wali_bind((int)holder, &addr, sizeof addr), -EINVAL);
    struct sockaddr_in any = lt_loopback4(0);
    expect_eq("bind short address", wali_bind((int)other, &any, 4), -EINVAL);
    expect_eq("bind long address", wali_bind((int)other, &any, 200), -EINVAL);
    expect_eq("bind NULL address", wali_bind((int)other, NULL, sizeof any), -EFAULT);
    struct sockaddr_in6 six = lt_loopback6(0);
    expect_eq("bind wrong family", wali_bind((int)other, &six, sizeof six), -EAFNOSUPPORT);
    struct sockaddr_in nonlocal = lt_loopback4(0);
    nonlocal.sin_addr = 0x010200c0; /* 192.0.2.1, a documentation address */
    /* EADDRNOTAVAIL unless the host allows non-local binds: shown, not expected. */
    show("bind foreign address", wali_bind((int)other, &nonlocal, sizeof nonlocal));
    expect_eq("connect short address", wali_connect((int)other, &addr, 8), -EINVAL);
    wali_close((int)other);
    wali_close((int)holder);
}

static void states(void) {
    put("== socket states\n");
    long t = wali_socket(AF_INET, SOCK_STREAM, 0);
    long u = wali_socket(AF_INET, SOCK_DGRAM, 0);
    char buf[4];
    union lt_addr name;
    socklen_t len = sizeof name;
    expect_eq("accept on a non-listening socket", wali_accept((int)t, &name, &len), -EINVAL);
    expect_eq("accept4 on a non-listening socket", wali_accept4((int)t, NULL, NULL, SOCK_CLOEXEC), -EINVAL);
    expect_eq("listen on UDP", wali_listen((int)u, 1), -EOPNOTSUPP);
    expect_eq("accept on UDP", wali_accept((int)u, NULL, NULL), -EOPNOTSUPP);
    expect_eq("getpeername unconnected", wali_getpeername((int)t, &name, &len), -ENOTCONN);
    expect_eq("shutdown unconnected", wali_shutdown((int)t, SHUT_RDWR), -ENOTCONN);
    expect_eq("send unconnected TCP", wali_sendto((int)t, "x", 1, MSG_NOSIGNAL, NULL, 0), -EPIPE);
    /* A never-connected TCP socket reads as closed. */
    expect_eq("recv unconnected TCP", wali_recvfrom((int)t, buf, 1, 0, NULL, NULL), 0);
    /* An unbound socket's name is the wildcard with port 0. */
    len = sizeof name;
    expect_eq("getsockname unbound", wali_getsockname((int)t, &name, &len), 0);
    expect_true("unbound name", len == 16 && name.in4.sin_port == 0 && name.in4.sin_addr == 0);
    wali_close((int)t);
    wali_close((int)u);
}

static void not_sockets(void) {
    put("== not sockets\n");
    int p[2];
    wali_pipe(p);
    int fd = p[0];
    union lt_addr name;
    socklen_t len = sizeof name;
    struct sockaddr_in addr = lt_loopback4(0);
    char buf[4];
    int v = 1;
    struct iovec iov = {buf, 1};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    expect_eq("bind pipe", wali_bind(fd, &addr, sizeof addr), -ENOTSOCK);
    expect_eq("connect pipe", wali_connect(fd, &addr, sizeof addr), -ENOTSOCK);
    expect_eq("listen pipe", wali_listen(fd, 1), -ENOTSOCK);
    expect_eq("accept pipe", wali_accept(fd, &name, &len), -ENOTSOCK);
    expect_eq("accept4 pipe", wali_accept4(fd, &name, &len, 0), -ENOTSOCK);
    expect_eq("getsockname pipe", wali_getsockname(fd, &name, &len), -ENOTSOCK);
    expect_eq("getpeername pipe", wali_getpeername(fd, &name, &len), -ENOTSOCK);
    expect_eq("sendto pipe", wali_sendto(p[1], "x", 1, 0, NULL, 0), -ENOTSOCK);
    expect_eq("recvfrom pipe", wali_recvfrom(fd, buf, 1, 0, NULL, NULL), -ENOTSOCK);
    expect_eq("sendmsg pipe", wali_sendmsg(p[1], &m, 0), -ENOTSOCK);
    expect_eq("recvmsg pipe", wali_recvmsg(fd, &m, 0), -ENOTSOCK);
    expect_eq("shutdown pipe", wali_shutdown(fd, SHUT_RD), -ENOTSOCK);
    expect_eq("setsockopt pipe", wali_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v), -ENOTSOCK);
    expect_eq("getsockopt pipe", wali_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), -ENOTSOCK);
    wali_close(p[0]);
    wali_close(p[1]);

    /* A closed descriptor. */
    fd = p[0];
    len = sizeof name;
    int sv[2];
    expect_eq("bind closed", wali_bind(fd, &addr, sizeof addr), -EBADF);
    expect_eq("connect closed", wali_connect(fd, &addr, sizeof addr), -EBADF);
    expect_eq("listen closed", wali_listen(fd, 1), -EBADF);
    expect_eq("accept closed", wali_accept(fd, &name, &len), -EBADF);
    expect_eq("accept4 closed", wali_accept4(fd, &name, &len, 0), -EBADF);
    expect_eq("getsockname closed", wali_getsockname(fd, &name, &len), -EBADF);
    expect_eq("getpeername closed", wali_getpeername(fd, &name, &len), -EBADF);
    expect_eq("sendto closed", wali_sendto(fd, "x", 1, 0, NULL, 0), -EBADF);
    expect_eq("recvfrom closed", wali_recvfrom(fd, buf, 1, 0, NULL, NULL), -EBADF);
    expect_eq("sendmsg closed", wali_sendmsg(fd, &m, 0), -EBADF);
    expect_eq("recvmsg closed", wali_recvmsg(fd, &m, 0), -EBADF);
    expect_eq("shutdown closed", wali_shutdown(fd, SHUT_RD), -EBADF);
    expect_eq("setsockopt closed", wali_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v), -EBADF);
    expect_eq("getsockopt closed", wali_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), -EBADF);
    expect_eq("socketpair still works", wali_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    creation();
    refused_and_in_use();
    states();
    not_sockets();
    return lt_failures;
}
