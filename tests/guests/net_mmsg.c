/* sendmmsg and recvmmsg over UDP on the IPv4 loopback: batches with
 * destinations and scatter/gather, the byte count of each message and the
 * header fields written back, MSG_WAITFORONE, a batch ended by a bad entry,
 * and the errors. Ports are never printed, only how they relate. */
#include "lt_net.h"

#define MSG_WAITFORONE 0x10000

struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };

static long udp_socket(struct sockaddr_in *addr) {
    long s = wali_socket(AF_INET, SOCK_DGRAM, 0);
    *addr = lt_loopback4(0);
    socklen_t len = sizeof *addr;
    if (s < 0 || wali_bind((int)s, addr, sizeof *addr) != 0 || wali_getsockname((int)s, addr, &len) != 0) return -1;
    return s;
}

int main(int argc, char **argv) {
    struct sockaddr_in aaddr, baddr;
    long a = udp_socket(&aaddr), b = udp_socket(&baddr);
    expect_true("two bound sockets", a >= 0 && b >= 0);

    put("== sendmmsg\n");
    struct iovec parts[4] = {{"one", 3}, {"two", 3}, {"-and-", 5}, {"three", 5}};
    struct mmsghdr out[3];
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; i++) {
        out[i].msg_hdr.msg_name = &baddr;
        out[i].msg_hdr.msg_namelen = sizeof baddr;
        out[i].msg_len = 0xdead;
    }
    out[0].msg_hdr.msg_iov = &parts[0];
    out[0].msg_hdr.msg_iovlen = 1;
    out[1].msg_hdr.msg_iov = &parts[1];
    out[1].msg_hdr.msg_iovlen = 2; /* gathered: "two-and-" */
    out[2].msg_hdr.msg_iov = &parts[3];
    out[2].msg_hdr.msg_iovlen = 1;
    expect_eq("sendmmsg three", wali_sendmmsg((int)a, out, 3, 0), 3);
    expect_true("msg_len of each", out[0].msg_len == 3 && out[1].msg_len == 8 && out[2].msg_len == 5);
    expect_eq("sendmmsg none", wali_sendmmsg((int)a, out, 0, 0), 0);

    put("== recvmmsg\n");
    char bufs[4][16];
    struct iovec in[4];
    struct sockaddr_in src[4];
    struct mmsghdr msgs[4];
    memset(msgs, 0, sizeof msgs);
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < 4; i++) {
        in[i].iov_base = bufs[i];
        in[i].iov_len = sizeof bufs[i];
        msgs[i].msg_hdr.msg_iov = &in[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &src[i];
        msgs[i].msg_hdr.msg_namelen = 1000;
        msgs[i].msg_hdr.msg_flags = 0x7777;
        msgs[i].msg_len = 0xdead;
    }
    expect_eq("recvmmsg three of four", wali_recvmmsg((int)b, msgs, 4, MSG_DONTWAIT, NULL), 3);
    expect_true("data of each", memcmp(bufs[0], "one", 3) == 0 && memcmp(bufs[1], "two-and-", 8) == 0 &&
                                    memcmp(bufs[2], "three", 5) == 0);
    expect_true("msg_len of each received", msgs[0].msg_len == 3 && msgs[1].msg_len == 8 && msgs[2].msg_len == 5);
    expect_true("namelen written back", msgs[0].msg_hdr.msg_namelen == sizeof src[0] &&
                                            msgs[2].msg_hdr.msg_namelen == sizeof src[2]);
    expect_true("sources are the sender", src[0].sin_port == aaddr.sin_port && src[2].sin_port == aaddr.sin_port);
    expect_eq("flags written back", msgs[1].msg_hdr.msg_flags, 0);
    expect_true("fourth untouched", msgs[3].msg_len == 0xdead && msgs[3].msg_hdr.msg_namelen == 1000);
    expect_eq("recvmmsg empty", wali_recvmmsg((int)b, msgs, 4, MSG_DONTWAIT, NULL), -EAGAIN);

    /* A datagram longer than its buffer: MSG_TRUNC in its own flags. */
    expect_eq("sendto long", wali_sendto((int)a, "0123456789abcdefXYZ", 19, 0, &baddr, sizeof baddr), 19);
    expect_eq("recvmmsg truncated", wali_recvmmsg((int)b, msgs, 1, MSG_DONTWAIT, NULL), 1);
    expect_eq("truncated length", msgs[0].msg_len, 16);
    expect_eq("MSG_TRUNC reported", msgs[0].msg_hdr.msg_flags, MSG_TRUNC);

    /* MSG_WAITFORONE: blocks for the first, then takes what is there. */
    wali_sendto((int)a, "w1", 2, 0, &baddr, sizeof baddr);
    struct timespec timeout = {5, 0};
    expect_eq("recvmmsg wait for one", wali_recvmmsg((int)b, msgs, 4, MSG_WAITFORONE, &timeout), 1);
    expect_true("timeout left", timeout.tv_sec <= 5 && timeout.tv_sec >= 4);

    /* A bad entry ends the batch; a bad first entry fails the call. */
    out[1].msg_hdr.msg_namelen = 0x80000000u;
    expect_eq("batch ends at a bad entry", wali_sendmmsg((int)a, out, 3, 0), 1);
    expect_eq("only the first arrived", wali_recvmmsg((int)b, msgs, 4, MSG_DONTWAIT, NULL), 1);
    expect_eq("bad first entry", wali_sendmmsg((int)a, &out[1], 2, 0), -EINVAL);
    expect_eq("sendmmsg bad fd", wali_sendmmsg(-1, out, 1, 0), -EBADF);
    expect_eq("sendmmsg bad fd, bad entry", wali_sendmmsg(-1, &out[1], 1, 0), -EBADF);
    expect_eq("recvmmsg bad fd", wali_recvmmsg(-1, msgs, 1, 0, NULL), -EBADF);
    expect_eq("recvmmsg not a socket", wali_recvmmsg(0, msgs, 1, MSG_DONTWAIT, NULL), -ENOTSOCK);
    struct timespec bad = {0, 1000000000};
    expect_eq("recvmmsg bad timeout", wali_recvmmsg((int)b, msgs, 1, 0, &bad), -EINVAL);

    /* Connected: no destination needed. */
    expect_eq("connect", wali_connect((int)a, &baddr, sizeof baddr), 0);
    struct mmsghdr plain;
    memset(&plain, 0, sizeof plain);
    plain.msg_hdr.msg_iov = &parts[0];
    plain.msg_hdr.msg_iovlen = 1;
    expect_eq("sendmmsg connected", wali_sendmmsg((int)a, &plain, 1, 0), 1);
    msgs[0].msg_hdr.msg_name = NULL;
    msgs[0].msg_hdr.msg_namelen = 77;
    expect_eq("recvmmsg without a name", wali_recvmmsg((int)b, msgs, 1, 0, NULL), 1);
    expect_eq("namelen left alone", msgs[0].msg_hdr.msg_namelen, 77);
    wali_close((int)a);
    wali_close((int)b);
    return lt_failures;
}
