/* Unix-domain sockets: socketpair streams and datagrams, descriptor passing
 * with SCM_RIGHTS (a pipe's write end, written through after the trip), the
 * recvmsg header fields written back (incl. MSG_CTRUNC with a control buffer
 * too small), and a stream socket bound to a relative path. */
#include "lt_net.h"

/* Sends one byte with `fd` attached as SCM_RIGHTS. */
static long send_fd(int sock, int fd) {
    union lt_control ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.hdr.cmsg_len = LT_CMSG_LEN(sizeof(int));
    ctl.hdr.cmsg_level = SOL_SOCKET;
    ctl.hdr.cmsg_type = SCM_RIGHTS;
    memcpy(LT_CMSG_DATA(&ctl.hdr), &fd, sizeof fd);
    struct iovec iov = {"F", 1};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = &ctl;
    m.msg_controllen = LT_CMSG_SPACE(sizeof(int));
    return wali_sendmsg(sock, &m, 0);
}

static void pairs(void) {
    put("== socketpair\n");
    int sv[2] = {-1, -1};
    expect_eq("socketpair", wali_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    expect_true("two descriptors", sv[0] >= 0 && sv[1] >= 0 && sv[0] != sv[1]);
    expect_eq("SO_DOMAIN", lt_getsockopt_int(sv[0], SOL_SOCKET, SO_DOMAIN), AF_UNIX);
    char buf[32];
    expect_eq("send", wali_sendto(sv[0], "left", 4, 0, NULL, 0), 4);
    expect_eq("recv", wali_recvfrom(sv[1], buf, sizeof buf, 0, NULL, NULL), 4);
    expect_eq("send back", wali_sendto(sv[1], "right", 5, 0, NULL, 0), 5);
    expect_eq("recv back", wali_recvfrom(sv[0], buf, sizeof buf, 0, NULL, NULL), 5);
    expect_true("data", memcmp(buf, "right", 5) == 0);
    /* The peer of a socketpair has no name: length 2 (the family only). */
    union lt_addr name;
    socklen_t len = sizeof name;
    expect_eq("getpeername", wali_getpeername(sv[0], &name, &len), 0);
    expect_true("unnamed peer", len == 2 && name.sa.sa_family == AF_UNIX);
    wali_close(sv[0]);
    wali_close(sv[1]);

    /* Datagram pairs keep message boundaries. */
    expect_eq("socketpair dgram", wali_socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
    expect_eq("dgram cloexec", wali_fcntl(sv[1], F_GETFD, 0), FD_CLOEXEC);
    expect_eq("dgram 1", wali_sendto(sv[0], "one", 3, 0, NULL, 0), 3);
    expect_eq("dgram 2", wali_sendto(sv[0], "two!", 4, 0, NULL, 0), 4);
    expect_eq("recv dgram 1", wali_recvfrom(sv[1], buf, sizeof buf, 0, NULL, NULL), 3);
    expect_eq("recv dgram 2 truncated", wali_recvfrom(sv[1], buf, 2, MSG_TRUNC, NULL, NULL), 4);
    wali_close(sv[0]);
    wali_close(sv[1]);

    expect_eq("socketpair seqpacket", wali_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    wali_close(sv[0]);
    wali_close(sv[1]);
    expect_eq("socketpair inet", wali_socketpair(AF_INET, SOCK_STREAM, 0, sv), -EOPNOTSUPP);
    expect_eq("socketpair bad family", wali_socketpair(4321, SOCK_STREAM, 0, sv), -EAFNOSUPPORT);
    expect_eq("socketpair bad type", wali_socketpair(AF_UNIX, 77, 0, sv), -EINVAL);
    expect_eq("socketpair bad protocol", wali_socketpair(AF_UNIX, SOCK_STREAM, 5, sv), -EPROTONOSUPPORT);
}

static void rights(void) {
    put("== SCM_RIGHTS\n");
    int sv[2], p[2];
    wali_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    expect_eq("pipe", wali_pipe(p), 0);
    expect_eq("sendmsg with a descriptor", send_fd(sv[0], p[1]), 1);
    wali_close(p[1]); /* only the copy in flight keeps the write end open */

    union lt_control ctl;
    memset(&ctl, 0, sizeof ctl);
    char byte = 0;
    struct iovec iov = {&byte, 1};
    union lt_addr name;
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &name;
    m.msg_namelen = sizeof name;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = &ctl;
    m.msg_controllen = sizeof ctl;
    m.msg_flags = -1;
    expect_eq("recvmsg", wali_recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC), 1);
    expect_eq("data byte", byte, 'F');
    /* Written back: the unnamed sender's name length, the control bytes
     * used, and the flags. */
    expect_eq("msg_namelen", m.msg_namelen, 0);
    expect_eq("msg_controllen", m.msg_controllen, LT_CMSG_SPACE(sizeof(int)));
    expect_eq("msg_flags (the call's flags)", m.msg_flags, MSG_CMSG_CLOEXEC);
    expect_eq("cmsg_len", ctl.hdr.cmsg_len, LT_CMSG_LEN(sizeof(int)));
    expect_eq("cmsg pad", ctl.hdr.__pad1, 0);
    expect_eq("cmsg_level", ctl.hdr.cmsg_level, SOL_SOCKET);
    expect_eq("cmsg_type", ctl.hdr.cmsg_type, SCM_RIGHTS);
    int fd = -1;
    memcpy(&fd, LT_CMSG_DATA(&ctl.hdr), sizeof fd);
    expect_true("received a new descriptor", fd >= 0 && fd != sv[0] && fd != sv[1] && fd != p[0]);
    expect_eq("MSG_CMSG_CLOEXEC", wali_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("write through the received descriptor", wali_write(fd, "via fd", 6), 6);
    wali_close(fd);
    char buf[16];
    expect_eq("read it back from the pipe", wali_read(p[0], buf, sizeof buf), 6);
    expect_true("pipe data", memcmp(buf, "via fd", 6) == 0);
    expect_eq("all write ends closed", wali_read(p[0], buf, sizeof buf), 0);

    /* A control buffer with no room for the descriptor: MSG_CTRUNC, nothing
     * used, the descriptor dropped. */
    int q[2];
    wali_pipe(q);
    expect_eq("send again", send_fd(sv[0], q[1]), 1);
    wali_close(q[1]);
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = &ctl;
    m.msg_controllen = sizeof(struct cmsghdr);
    expect_eq("recvmsg small control", wali_recvmsg(sv[1], &m, 0), 1);
    expect_eq("MSG_CTRUNC", m.msg_flags, MSG_CTRUNC);
    expect_eq("no control used", m.msg_controllen, 0);
    expect_eq("dropped descriptor closed the pipe", wali_read(q[0], buf, sizeof buf), 0);
    /* And with no control buffer at all. */
    wali_pipe(q);
    expect_eq("send a third time", send_fd(sv[0], q[1]), 1);
    wali_close(q[1]);
    m.msg_control = NULL;
    m.msg_controllen = 0;
    expect_eq("recvmsg no control", wali_recvmsg(sv[1], &m, 0), 1);
    expect_eq("MSG_CTRUNC again", m.msg_flags, MSG_CTRUNC);
    expect_eq("dropped again", wali_read(q[0], buf, sizeof buf), 0);
    /* The kernel checks control messages it is sent. */
    memset(&ctl, 0, sizeof ctl);
    ctl.hdr.cmsg_len = 200;
    ctl.hdr.cmsg_level = SOL_SOCKET;
    ctl.hdr.cmsg_type = SCM_RIGHTS;
    m.msg_control = &ctl;
    m.msg_controllen = LT_CMSG_SPACE(sizeof(int));
    expect_eq("sendmsg bad cmsg_len", wali_sendmsg(sv[0], &m, 0), -EINVAL);
    ctl.hdr.cmsg_len = LT_CMSG_LEN(sizeof(int));
    int bad = 9999;
    memcpy(LT_CMSG_DATA(&ctl.hdr), &bad, sizeof bad);
    expect_eq("sendmsg bad descriptor", wali_sendmsg(sv[0], &m, 0), -EBADF);
    wali_close(sv[0]);
    wali_close(sv[1]);
    wali_close(p[0]);
    wali_close(q[0]);
}

static void named(void) {
    put("== named stream socket\n");
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, "sock", 5);
    socklen_t alen = 2 + 5;
    long s = wali_socket(AF_UNIX, SOCK_STREAM, 0);
    expect_eq("bind relative path", wali_bind((int)s, &addr, alen), 0);
    expect_eq("listen", wali_listen((int)s, 4), 0);
    long s2 = wali_socket(AF_UNIX, SOCK_STREAM, 0);
    expect_eq("bind same path", wali_bind((int)s2, &addr, alen), -EADDRINUSE);
    wali_close((int)s2);

    union lt_addr name;
    socklen_t len = sizeof name;
    expect_eq("getsockname", wali_getsockname((int)s, &name, &len), 0);
    expect_true("bound name", len == alen && memcmp(name.un.sun_path, "sock", 5) == 0);

    long c = wali_socket(AF_UNIX, SOCK_STREAM, 0);
    expect_eq("connect", wali_connect((int)c, &addr, alen), 0);
    len = sizeof name;
    expect_eq("client getpeername", wali_getpeername((int)c, &name, &len), 0);
    expect_true("peer is the path", len == alen && memcmp(name.un.sun_path, "sock", 5) == 0);
    len = sizeof name;
    long a = wali_accept((int)s, &name, &len);
    expect_true("accept", a >= 0);
    expect_eq("unnamed client", len, 2);
    expect_eq("send", wali_sendto((int)c, "unix!", 5, 0, NULL, 0), 5);
    char buf[8];
    expect_eq("recv", wali_recvfrom((int)a, buf, sizeof buf, 0, NULL, NULL), 5);
    expect_true("data", memcmp(buf, "unix!", 5) == 0);
    wali_close((int)a);
    wali_close((int)c);
    wali_close((int)s);

    /* Nobody listening at a path, or no such path. */
    c = wali_socket(AF_UNIX, SOCK_STREAM, 0);
    expect_eq("connect to closed socket", wali_connect((int)c, &addr, alen), -ECONNREFUSED);
    memcpy(addr.sun_path, "none", 5);
    expect_eq("connect to missing path", wali_connect((int)c, &addr, alen), -ENOENT);
    wali_close((int)c);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    pairs();
    rights();
    named();
    return lt_failures;
}
