/* Network containment under `lamina run --allow-net[=ADDR:PORT,...]` (the
 * sandbox): TCP connect and bind to listed and unlisted addresses (an
 * unlisted port, and a listed port at another address), UDP sendto, connect,
 * sendmsg and bind, socket families a sandbox never gets (netlink, packet,
 * raw), and named Unix sockets inside and outside the granted directories
 * (connect, bind, sendto). Each attempt prints one line
 *     "<who> <what>: <result>"
 * with result "ok" or the negative errno; the Rust test
 * (crates/lamina/tests/sandbox.rs) runs the listeners and receivers the
 * attempts aim at, holds the expected values, and checks what reached them.
 * <who> is "self", "child" (a forked child) or "exec" (after execve of this
 * module), as in sandbox_fs.c.
 *
 * Modes (argv[1]):
 *   net TCP_OK TCP_DENIED BIND_OK BIND_DENIED UDP_OK UDP_DENIED UNIX_OK
 *       UNIX_DENIED UNIX_DGRAM_DENIED UNIX_BIND_DIR
 *           TCP_OK/TCP_DENIED: ports of TCP listeners on 127.0.0.1;
 *           BIND_OK/BIND_DENIED: free ports to bind; UDP_OK/UDP_DENIED:
 *           ports of UDP receivers on 127.0.0.1; UNIX_OK/UNIX_DENIED: paths
 *           of Unix stream listeners; UNIX_DGRAM_DENIED: a Unix datagram
 *           receiver; UNIX_BIND_DIR: where to try binding "bound-<who>.sock".
 *           Every attempt as self, in a forked child, then after exec of
 *           argv[0] (as `net-exec` with the same arguments).
 *   families  just the three socket families, once (compared with native).
 * Raw WALI syscalls only; builds natively as well. */
#include "lt_net.h"

#define AF_NETLINK 16
#define AF_PACKET 17
#define SOCK_RAW 3
#define IPPROTO_ICMP 1
#define ETH_P_ALL 0x0003
#define NETLINK_ROUTE 0
/* 127.0.0.2 in network order: loopback, but not the listed address. */
#define LT_LOOPBACK_2 0x0200007fu

static const char *who = "self";
static char **args; /* argv[2..] of the net mode */

static void report(const char *what, long r) {
    put(who); put(" "); put(what); put(": ");
    if (r >= 0) put("ok");
    else put_int(r);
    put("\n");
}

static long atoi_(const char *s) {
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
    return v;
}

static struct sockaddr_in ip4(uint32_t addr, long port) {
    struct sockaddr_in a = lt_loopback4(lt_htons((uint16_t)port));
    a.sin_addr = addr;
    return a;
}

/* socket(), then `op` on it; a failing socket() is the result. */
static long tcp_connect(uint32_t addr, long port) {
    long s = wali_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    struct sockaddr_in a = ip4(addr, port);
    long r = wali_connect((int)s, &a, sizeof a);
    wali_close((int)s);
    return r;
}

static long bind_listen(int type, long port) {
    long s = wali_socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    lt_setsockopt_int((int)s, SOL_SOCKET, SO_REUSEADDR, 1);
    struct sockaddr_in a = ip4(LT_LOOPBACK, port);
    long r = wali_bind((int)s, &a, sizeof a);
    if (r == 0 && type == SOCK_STREAM) r = wali_listen((int)s, 4);
    wali_close((int)s);
    return r;
}

static long udp_sendto(long port) {
    long s = wali_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    struct sockaddr_in a = ip4(LT_LOOPBACK, port);
    long r = wali_sendto((int)s, (void *)who, (unsigned)strlen(who), 0, &a, sizeof a);
    wali_close((int)s);
    return r;
}

static long udp_connect(long port) {
    long s = wali_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    struct sockaddr_in a = ip4(LT_LOOPBACK, port);
    long r = wali_connect((int)s, &a, sizeof a);
    wali_close((int)s);
    return r;
}

static long udp_sendmsg(long port) {
    long s = wali_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    struct sockaddr_in a = ip4(LT_LOOPBACK, port);
    struct iovec iov = {(void *)who, strlen(who)};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &a;
    m.msg_namelen = sizeof a;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    long r = wali_sendmsg((int)s, &m, 0);
    wali_close((int)s);
    return r;
}

static socklen_t unix_addr(struct sockaddr_un *a, const char *path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n >= sizeof a->sun_path) n = sizeof a->sun_path - 1;
    memcpy(a->sun_path, path, n);
    return (socklen_t)(2 + n + 1);
}

static long unix_op(int type, const char *path, int op) {
    long s = wali_socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (s < 0) return s;
    struct sockaddr_un a;
    socklen_t len = unix_addr(&a, path);
    long r = op == 0 ? wali_connect((int)s, &a, len)
           : op == 1 ? wali_bind((int)s, &a, len)
                     : wali_sendto((int)s, (void *)who, (unsigned)strlen(who), 0, &a, len);
    wali_close((int)s);
    return r;
}

static long try_socket(int family, int type, int proto) {
    long s = wali_socket(family, type | SOCK_CLOEXEC, proto);
    if (s >= 0) wali_close((int)s);
    return s;
}

static void families(void) {
    report("netlink socket", try_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    report("packet socket", try_socket(AF_PACKET, SOCK_RAW, lt_htons(ETH_P_ALL)));
    report("raw socket", try_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
}

static void attempts(void) {
    long tcp_ok = atoi_(args[0]), tcp_denied = atoi_(args[1]), bind_ok = atoi_(args[2]), bind_denied = atoi_(args[3]);
    long udp_ok = atoi_(args[4]), udp_denied = atoi_(args[5]);
    const char *unix_ok = args[6], *unix_denied = args[7], *dgram_denied = args[8], *bind_dir = args[9];

    report("tcp connect listed", tcp_connect(LT_LOOPBACK, tcp_ok));
    report("tcp connect unlisted port", tcp_connect(LT_LOOPBACK, tcp_denied));
    report("tcp connect listed port at another address", tcp_connect(LT_LOOPBACK_2, tcp_ok));
    report("tcp bind listed", bind_listen(SOCK_STREAM, bind_ok));
    report("tcp bind unlisted", bind_listen(SOCK_STREAM, bind_denied));

    report("udp sendto listed", udp_sendto(udp_ok));
    report("udp sendto unlisted", udp_sendto(udp_denied));
    report("udp connect unlisted", udp_connect(udp_denied));
    report("udp sendmsg unlisted", udp_sendmsg(udp_denied));
    report("udp bind unlisted", bind_listen(SOCK_DGRAM, bind_denied));

    families();

    report("unix connect inside", unix_op(SOCK_STREAM, unix_ok, 0));
    report("unix connect outside", unix_op(SOCK_STREAM, unix_denied, 0));
    report("unix sendto outside", unix_op(SOCK_DGRAM, dgram_denied, 2));
    char path[300];
    path[0] = 0;
    memcpy(path, bind_dir, strlen(bind_dir) + 1);
    memcpy(path + strlen(path), "/bound-", 8);
    memcpy(path + strlen(path), who, strlen(who) + 1);
    memcpy(path + strlen(path), ".sock", 6);
    report("unix bind outside", unix_op(SOCK_STREAM, path, 1));
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (lt_streq(argv[1], "families")) {
        families();
        return 0;
    }
    if (argc < 12) return 2;
    args = argv + 2;
    if (lt_streq(argv[1], "net-exec")) {
        who = "exec";
        attempts();
        return 0;
    }
    if (!lt_streq(argv[1], "net")) return 2;
    attempts();
    long pid = wali_fork();
    if (pid == 0) {
        who = "child";
        attempts();
        wali_exit_group(0);
    }
    int status = -1;
    wali_wait4((int)pid, &status, 0, NULL);
    put("self forked child status: "); put_int(status); put("\n");
    char *next[13];
    next[0] = argv[0];
    next[1] = "net-exec";
    for (int i = 2; i < 12; i++) next[i] = argv[i];
    next[12] = NULL;
    long r = wali_execve(argv[0], next, NULL);
    report("exec self", r);
    return 1;
}
