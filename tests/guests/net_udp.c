/* UDP over the IPv4 loopback: sendto/recvfrom with source addresses,
 * truncated address buffers, MSG_PEEK/MSG_TRUNC, connected sockets, and
 * sendmsg/recvmsg with names, scatter/gather and the header fields the
 * kernel reports back. Ports are never printed, only how they relate. */
#include "lt_net.h"

static long udp_socket(struct sockaddr_in *addr) {
    long s = wali_socket(AF_INET, SOCK_DGRAM, 0);
    *addr = lt_loopback4(0);
    socklen_t len = sizeof *addr;
    if (s < 0 || wali_bind((int)s, addr, sizeof *addr) != 0 || wali_getsockname((int)s, addr, &len) != 0) return -1;
    return s;
}

static void datagrams(void) {
    put("== sendto/recvfrom\n");
    struct sockaddr_in aaddr, baddr, src;
    long a = udp_socket(&aaddr), b = udp_socket(&baddr);
    expect_true("two bound sockets", a >= 0 && b >= 0 && aaddr.sin_port != baddr.sin_port);
    expect_eq("SO_TYPE", lt_getsockopt_int((int)a, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);

    char buf[64];
    expect_eq("sendto", wali_sendto((int)a, "hello", 5, 0, &baddr, sizeof baddr), 5);
    memset(&src, 0xaa, sizeof src);
    socklen_t slen = sizeof src;
    memset(buf, 0, sizeof buf);
    expect_eq("recvfrom", wali_recvfrom((int)b, buf, sizeof buf, 0, &src, &slen), 5);
    expect_true("datagram data", memcmp(buf, "hello", 5) == 0);
    expect_eq("source length", slen, sizeof src);
    expect_eq("source family", src.sin_family, AF_INET);
    expect_true("source is the sender", src.sin_port == aaddr.sin_port && src.sin_addr == LT_LOOPBACK);

    /* A short address buffer gets a prefix and the full length. */
    expect_eq("sendto 2", wali_sendto((int)a, "again", 5, 0, &baddr, sizeof baddr), 5);
    unsigned char raw[16];
    memset(raw, 0xaa, sizeof raw);
    slen = 4;
    expect_eq("recvfrom short address", wali_recvfrom((int)b, buf, sizeof buf, 0, raw, &slen), 5);
    expect_eq("short address full length", slen, 16);
    expect_true("short address prefix", memcmp(raw, &src, 4) == 0 && raw[4] == 0xaa);
    /* A NULL address buffer: the length word is left alone. */
    expect_eq("sendto 3", wali_sendto((int)a, "third", 5, 0, &baddr, sizeof baddr), 5);
    slen = 1234;
    expect_eq("recvfrom no address", wali_recvfrom((int)b, buf, sizeof buf, 0, NULL, &slen), 5);
    expect_eq("length untouched", slen, 1234);

    /* MSG_PEEK keeps the datagram; MSG_TRUNC reports its real length. */
    expect_eq("sendto 4", wali_sendto((int)a, "0123456789", 10, 0, &baddr, sizeof baddr), 10);
    expect_eq("peek", wali_recvfrom((int)b, buf, 4, MSG_PEEK, NULL, NULL), 4);
    expect_eq("MSG_TRUNC length", wali_recvfrom((int)b, buf, 3, MSG_TRUNC, NULL, NULL), 10);
    expect_true("truncated data", memcmp(buf, "012", 3) == 0);
    expect_eq("queue empty", wali_recvfrom((int)b, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL), -EAGAIN);

    /* Errors from the kernel's address checks. */
    expect_eq("sendto short address", wali_sendto((int)a, "x", 1, 0, &baddr, 8), -EINVAL);
    expect_eq("sendto long address", wali_sendto((int)a, "x", 1, 0, &baddr, 129), -EINVAL);
    expect_eq("sendto no address", wali_sendto((int)a, "x", 1, 0, NULL, 0), -EDESTADDRREQ);
    expect_eq("getpeername unconnected", wali_getpeername((int)a, &src, &(socklen_t){sizeof src}), -ENOTCONN);

    /* Connected: no address needed, and only the peer's datagrams arrive. */
    expect_eq("connect", wali_connect((int)a, &baddr, sizeof baddr), 0);
    slen = sizeof src;
    expect_eq("getpeername", wali_getpeername((int)a, &src, &slen), 0);
    expect_true("peer is b", slen == sizeof src && src.sin_port == baddr.sin_port);
    expect_eq("send connected", wali_sendto((int)a, "conn", 4, 0, NULL, 0), 4);
    expect_eq("recv connected", wali_recvfrom((int)b, buf, sizeof buf, 0, NULL, NULL), 4);
    expect_eq("shutdown UDP", wali_shutdown((int)a, SHUT_RDWR), 0);
    wali_close((int)a);
    wali_close((int)b);
}

static void messages(void) {
    put("== sendmsg/recvmsg\n");
    struct sockaddr_in aaddr, baddr;
    long a = udp_socket(&aaddr), b = udp_socket(&baddr);

    /* Gather from two buffers, with the destination in msg_name. */
    struct iovec out[2] = {{"gath", 4}, {"ered", 4}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &baddr;
    m.msg_namelen = sizeof baddr;
    m.msg_iov = out;
    m.msg_iovlen = 2;
    expect_eq("sendmsg", wali_sendmsg((int)a, &m, 0), 8);

    /* Scatter into two buffers; the kernel reports the source's length and
     * clears the flags; no control data, so the control length becomes 0. */
    char p1[3], p2[16];
    struct iovec in[2] = {{p1, sizeof p1}, {p2, sizeof p2}};
    struct sockaddr_in src;
    union lt_control ctl;
    memset(&src, 0, sizeof src);
    memset(&m, 0, sizeof m);
    m.msg_name = &src;
    m.msg_namelen = 1000; /* more than any address: the kernel uses 128 */
    m.msg_iov = in;
    m.msg_iovlen = 2;
    m.msg_control = &ctl;
    m.msg_controllen = sizeof ctl;
    m.msg_flags = 0x7777;
    expect_eq("recvmsg", wali_recvmsg((int)b, &m, 0), 8);
    expect_true("scattered data", memcmp(p1, "gat", 3) == 0 && memcmp(p2, "hered", 5) == 0);
    expect_eq("msg_namelen written back", m.msg_namelen, sizeof src);
    expect_true("source is the sender", src.sin_port == aaddr.sin_port);
    expect_eq("msg_controllen written back", m.msg_controllen, 0);
    expect_eq("msg_flags written back", m.msg_flags, 0);

    /* A datagram longer than the buffers: MSG_TRUNC in msg_flags. No name
     * buffer: the kernel leaves msg_namelen alone. */
    expect_eq("sendto long", wali_sendto((int)a, "0123456789abcdefghij", 20, 0, &baddr, sizeof baddr), 20);
    memset(&m, 0, sizeof m);
    m.msg_namelen = 99;
    m.msg_iov = in;
    m.msg_iovlen = 2;
    expect_eq("recvmsg truncated", wali_recvmsg((int)b, &m, 0), 19);
    expect_eq("MSG_TRUNC reported", m.msg_flags, MSG_TRUNC);
    expect_eq("msg_namelen without name", m.msg_namelen, 99);

    /* The kernel's checks on the header. */
    memset(&m, 0, sizeof m);
    m.msg_iov = in;
    m.msg_iovlen = 1;
    expect_eq("sendmsg no destination", wali_sendmsg((int)a, &m, 0), -EDESTADDRREQ);
    m.msg_iovlen = 1025;
    expect_eq("sendmsg too many iovecs", wali_sendmsg((int)a, &m, 0), -EMSGSIZE);
    expect_eq("recvmsg too many iovecs", wali_recvmsg((int)b, &m, MSG_DONTWAIT), -EMSGSIZE);
    m.msg_iovlen = 1;
    m.msg_name = &baddr;
    m.msg_namelen = 0x80000000u;
    expect_eq("sendmsg negative namelen", wali_sendmsg((int)a, &m, 0), -EINVAL);
    m.msg_namelen = sizeof baddr;
    m.msg_controllen = 16; /* with a NULL control buffer */
    expect_eq("sendmsg NULL control", wali_sendmsg((int)a, &m, 0), -EFAULT);
    m.msg_controllen = 0x80000000u;
    expect_eq("sendmsg huge control", wali_sendmsg((int)a, &m, 0), -ENOBUFS);
    m.msg_controllen = 0;
    expect_eq("recvmsg nothing", wali_recvmsg((int)b, &m, MSG_DONTWAIT), -EAGAIN);
    expect_eq("recvmsg MSG_CMSG_COMPAT", wali_recvmsg((int)b, &m, (int)0x80000000u), -EINVAL);
    wali_close((int)a);
    wali_close((int)b);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    datagrams();
    messages();
    return lt_failures;
}
