/* TCP over the loopback address, IPv4 and IPv6, within one process:
 * bind to port 0, listen, getsockname, connect (completes before accept on
 * loopback), accept, data both ways, shutdown, getpeername; accept4 flags
 * seen through fcntl; socket options round trips. Ports are never printed,
 * only how they relate. */
#include "lt_net.h"

static void round_trip(const char *fam, int family) {
    union lt_addr laddr, caddr, peer, name;
    socklen_t llen, clen, plen, nlen;
    put("== "); put(fam); put("\n");

    long s = lt_tcp_listener(family, &laddr, &llen);
    if (family == AF_INET6 && s < 0) {
        /* No IPv6 on this host: both builds see the same errno. */
        show("ipv6 listener errno", -s);
        return;
    }
    expect_true("listener", s >= 0);
    expect_eq("listener name length", llen, family == AF_INET6 ? 28 : 16);
    expect_eq("listener family", laddr.sa.sa_family, family);
    expect_true("listener port chosen", lt_port(&laddr) != 0);
    expect_eq("SO_ACCEPTCONN", lt_getsockopt_int((int)s, SOL_SOCKET, SO_ACCEPTCONN), 1);

    long c = wali_socket(family, SOCK_STREAM, 0);
    expect_true("client socket", c >= 0);
    expect_eq("SO_ACCEPTCONN client", lt_getsockopt_int((int)c, SOL_SOCKET, SO_ACCEPTCONN), 0);
    expect_eq("getpeername before connect", wali_getpeername((int)c, &peer, &(socklen_t){sizeof peer}), -ENOTCONN);
    expect_eq("connect", wali_connect((int)c, &laddr, llen), 0);
    expect_eq("connect again", wali_connect((int)c, &laddr, llen), -EISCONN);
    clen = sizeof caddr;
    expect_eq("client getsockname", wali_getsockname((int)c, &caddr, &clen), 0);
    expect_eq("client name length", clen, llen);
    expect_true("client port chosen", lt_port(&caddr) != 0 && lt_port(&caddr) != lt_port(&laddr));

    memset(&peer, 0xaa, sizeof peer);
    plen = sizeof peer;
    long a = wali_accept((int)s, &peer, &plen);
    expect_true("accept", a >= 0);
    expect_eq("accepted peer length", plen, llen);
    expect_true("accepted peer is the client", memcmp(&peer, &caddr, clen) == 0);
    expect_eq("bytes past the peer untouched", (unsigned char)peer.raw[llen], 0xaa);

    nlen = sizeof name;
    expect_eq("client getpeername", wali_getpeername((int)c, &name, &nlen), 0);
    expect_eq("client peer length", nlen, llen);
    expect_true("client peer is the listener", memcmp(&name, &laddr, llen) == 0);
    nlen = sizeof name;
    expect_eq("server getpeername", wali_getpeername((int)a, &name, &nlen), 0);
    expect_true("server peer is the client", nlen == clen && memcmp(&name, &caddr, clen) == 0);
    nlen = sizeof name;
    expect_eq("server getsockname", wali_getsockname((int)a, &name, &nlen), 0);
    expect_true("server name is the listener's", nlen == llen && lt_port(&name) == lt_port(&laddr));
    /* A short buffer gets a prefix; the length reports the full size. */
    memset(&name, 0xaa, sizeof name);
    nlen = 4;
    expect_eq("getsockname short buffer", wali_getsockname((int)c, &name, &nlen), 0);
    expect_eq("short buffer full length", nlen, clen);
    expect_true("short buffer prefix", memcmp(&name, &caddr, 4) == 0 && (unsigned char)name.raw[4] == 0xaa);
    nlen = 0;
    expect_eq("getsockname without buffer", wali_getsockname((int)c, NULL, &nlen), 0);
    expect_eq("getsockname size only", nlen, clen);

    /* Data both ways. */
    char buf[32];
    expect_eq("send ping", wali_sendto((int)c, "ping", 4, 0, NULL, 0), 4);
    memset(buf, 0, sizeof buf);
    expect_eq("recv ping", wali_recvfrom((int)a, buf, sizeof buf, 0, NULL, NULL), 4);
    expect_true("ping data", memcmp(buf, "ping", 4) == 0);
    expect_eq("send pong", wali_sendto((int)a, "pong!", 5, MSG_NOSIGNAL, NULL, 0), 5);
    memset(&name, 0xaa, sizeof name);
    nlen = sizeof name;
    expect_eq("recv pong with source", wali_recvfrom((int)c, buf, 5, MSG_WAITALL, &name, &nlen), 5);
    expect_true("pong data", memcmp(buf, "pong!", 5) == 0);
    /* TCP reports no source address: the kernel stores length 0. */
    expect_eq("stream source length", nlen, 0);
    expect_eq("peek", wali_sendto((int)c, "xyz", 3, 0, NULL, 0), 3);
    expect_eq("recv MSG_PEEK", wali_recvfrom((int)a, buf, 2, MSG_PEEK | MSG_WAITALL, NULL, NULL), 2);
    expect_eq("recv after peek", wali_recvfrom((int)a, buf, sizeof buf, 0, NULL, NULL), 3);
    expect_true("peeked data kept", memcmp(buf, "xyz", 3) == 0);
    expect_eq("recv nothing non-blocking", wali_recvfrom((int)a, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL), -EAGAIN);

    /* Half close: the server sees end of file, the client can still read. */
    expect_eq("shutdown client write", wali_shutdown((int)c, SHUT_WR), 0);
    expect_eq("server reads EOF", wali_recvfrom((int)a, buf, sizeof buf, 0, NULL, NULL), 0);
    expect_eq("client send after SHUT_WR", wali_sendto((int)c, "x", 1, MSG_NOSIGNAL, NULL, 0), -EPIPE);
    expect_eq("server still sends", wali_sendto((int)a, "late", 4, MSG_NOSIGNAL, NULL, 0), 4);
    expect_eq("client still reads", wali_recvfrom((int)c, buf, 4, MSG_WAITALL, NULL, NULL), 4);
    expect_eq("shutdown bad how", wali_shutdown((int)a, 7), -EINVAL);
    expect_eq("shutdown server", wali_shutdown((int)a, SHUT_RDWR), 0);
    expect_eq("client reads EOF", wali_recvfrom((int)c, buf, sizeof buf, 0, NULL, NULL), 0);
    wali_close((int)a);
    wali_close((int)c);

    /* accept4: flags visible through fcntl. */
    c = wali_socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    expect_eq("SOCK_CLOEXEC socket", wali_fcntl((int)c, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("connect 2", wali_connect((int)c, &laddr, llen), 0);
    expect_eq("accept4 bad flags", wali_accept4((int)s, NULL, NULL, 1), -EINVAL);
    a = wali_accept4((int)s, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    expect_true("accept4", a >= 0);
    expect_eq("accept4 cloexec", wali_fcntl((int)a, F_GETFD, 0), FD_CLOEXEC);
    expect_true("accept4 nonblock", (wali_fcntl((int)a, F_GETFL, 0) & O_NONBLOCK) != 0);
    expect_eq("accept4 socket reads EAGAIN", wali_recvfrom((int)a, buf, 1, 0, NULL, NULL), -EAGAIN);
    wali_close((int)a);
    expect_eq("connect 3", wali_connect((int)(c = wali_socket(family, SOCK_STREAM, 0)), &laddr, llen), 0);
    plen = sizeof peer;
    a = wali_accept4((int)s, &peer, &plen, 0);
    expect_true("accept4 no flags", a >= 0);
    expect_eq("accept4 no cloexec", wali_fcntl((int)a, F_GETFD, 0), 0);
    expect_eq("accept4 blocking", wali_fcntl((int)a, F_GETFL, 0) & O_NONBLOCK, 0);
    expect_eq("accept4 peer length", plen, llen);
    wali_close((int)a);
    wali_close((int)c);
    /* Nothing pending on a non-blocking listener. */
    wali_fcntl((int)s, F_SETFL, O_NONBLOCK);
    expect_eq("accept nothing pending", wali_accept((int)s, NULL, NULL), -EAGAIN);
    wali_close((int)s);
}

static void options(void) {
    put("== options\n");
    long s = wali_socket(AF_INET, SOCK_STREAM, 0);
    expect_eq("SO_REUSEADDR default", lt_getsockopt_int((int)s, SOL_SOCKET, SO_REUSEADDR), 0);
    expect_eq("set SO_REUSEADDR", lt_setsockopt_int((int)s, SOL_SOCKET, SO_REUSEADDR, 1), 0);
    expect_eq("SO_REUSEADDR set", lt_getsockopt_int((int)s, SOL_SOCKET, SO_REUSEADDR), 1);
    expect_eq("SO_TYPE", lt_getsockopt_int((int)s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    expect_eq("SO_DOMAIN", lt_getsockopt_int((int)s, SOL_SOCKET, SO_DOMAIN), AF_INET);
    expect_eq("SO_PROTOCOL", lt_getsockopt_int((int)s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    expect_eq("SO_ERROR", lt_getsockopt_int((int)s, SOL_SOCKET, SO_ERROR), 0);
    expect_eq("TCP_NODELAY default", lt_getsockopt_int((int)s, IPPROTO_TCP, TCP_NODELAY), 0);
    expect_eq("set TCP_NODELAY", lt_setsockopt_int((int)s, IPPROTO_TCP, TCP_NODELAY, 1), 0);
    expect_eq("TCP_NODELAY set", lt_getsockopt_int((int)s, IPPROTO_TCP, TCP_NODELAY), 1);
    expect_eq("set SO_RCVBUF", lt_setsockopt_int((int)s, SOL_SOCKET, SO_RCVBUF, 65536), 0);
    long rcvbuf = lt_getsockopt_int((int)s, SOL_SOCKET, SO_RCVBUF);
    expect_true("SO_RCVBUF at least what was set", rcvbuf >= 65536);
    show("SO_RCVBUF", rcvbuf);
    expect_eq("set SO_KEEPALIVE", lt_setsockopt_int((int)s, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
    expect_eq("SO_KEEPALIVE set", lt_getsockopt_int((int)s, SOL_SOCKET, SO_KEEPALIVE), 1);

    /* Structured values pass through as bytes. */
    struct linger lg = {1, 7}, back = {0, 0};
    socklen_t len = sizeof back;
    expect_eq("set SO_LINGER", wali_setsockopt((int)s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    expect_eq("get SO_LINGER", wali_getsockopt((int)s, SOL_SOCKET, SO_LINGER, &back, &len), 0);
    expect_true("SO_LINGER round trip", len == sizeof back && back.l_onoff == 1 && back.l_linger == 7);
    struct timeval tv = {3, 500000}, tvb = {0, 0};
    len = sizeof tvb;
    expect_eq("set SO_RCVTIMEO", wali_setsockopt((int)s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    expect_eq("get SO_RCVTIMEO", wali_getsockopt((int)s, SOL_SOCKET, SO_RCVTIMEO, &tvb, &len), 0);
    expect_true("SO_RCVTIMEO round trip", len == sizeof tvb && tvb.tv_sec == 3 && tvb.tv_usec == 500000);

    /* optlen is value-result: a long buffer is cut to the option's size, a
     * short one gets a prefix. */
    int v[4] = {-1, -1, -1, -1};
    len = sizeof v;
    expect_eq("getsockopt long buffer", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, v, &len), 0);
    expect_true("long buffer cut to int", len == sizeof(int) && v[0] == SOCK_STREAM && v[1] == -1);
    unsigned char b[4] = {0xaa, 0xaa, 0xaa, 0xaa};
    len = 2;
    expect_eq("getsockopt short buffer", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, b, &len), 0);
    expect_true("short buffer prefix", len == 2 && b[0] == SOCK_STREAM && b[1] == 0 && b[2] == 0xaa);
    len = 0;
    expect_eq("getsockopt no bytes", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, NULL, &len), 0);
    expect_eq("getsockopt no bytes length", len, 0);
    len = (socklen_t)-1;
    expect_eq("getsockopt negative length", wali_getsockopt((int)s, SOL_SOCKET, SO_TYPE, v, &len), -EINVAL);
    /* No filter attached: SO_GET_FILTER reports zero blocks. */
    len = 4;
    expect_eq("SO_GET_FILTER", wali_getsockopt((int)s, SOL_SOCKET, SO_GET_FILTER, v, &len), 0);
    expect_eq("SO_GET_FILTER length", len, 0);

    /* The kernel's own refusals. */
    int one = 1;
    expect_eq("setsockopt short int", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, &one, 2), -EINVAL);
    expect_eq("setsockopt negative length", wali_setsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, &one, 0x80000000u), -EINVAL);
    expect_eq("setsockopt unknown option", lt_setsockopt_int((int)s, SOL_SOCKET, 9999, 1), -ENOPROTOOPT);
    expect_eq("getsockopt unknown option", lt_getsockopt_int((int)s, SOL_SOCKET, 9999), -ENOPROTOOPT);
    expect_eq("setsockopt unknown level", lt_setsockopt_int((int)s, 9999, 1, 1), -ENOPROTOOPT);
    expect_eq("TCP option on UDP", lt_setsockopt_int((int)wali_socket(AF_INET, SOCK_DGRAM, 0), IPPROTO_TCP, TCP_NODELAY, 1), -ENOPROTOOPT);
    wali_close((int)s);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    round_trip("ipv4", AF_INET);
    round_trip("ipv6", AF_INET6);
    options();
    return lt_failures;
}
