/* Extra constants and helpers for the socket guests (net_*, hostile_net).
 * Values are x86-64 Linux's. */
#pragma once
#include "lt.h"

#ifdef __wasm__
/* clang turns memcmp(...) == 0 into bcmp, which lt.h does not provide. */
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
#endif

#define EMSGSIZE 90
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EADDRNOTAVAIL 99
#define ENOBUFS 105
#define EISCONN 106

#define SOCK_SEQPACKET 5
#define IPPROTO_UDP 17
#define SOL_IP 0
#define SOL_IPV6 41
#define SOL_TCP IPPROTO_TCP
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_LINGER 13
#define SO_RCVTIMEO 20
#define SO_ATTACH_FILTER 26
#define SO_GET_FILTER SO_ATTACH_FILTER
#define SO_ATTACH_REUSEPORT_CBPF 51
#define IP_MSFILTER 41
#define MCAST_MSFILTER 48
#define IPT_SO_SET_REPLACE 64
#define EBT_SO_GET_ENTRIES 129
#define TCP_MAXSEG 2
#define TCP_ZEROCOPY_RECEIVE 35
#define TCP_AO_GET_KEYS 41
#define MSG_WAITALL 0x100
#define MSG_CMSG_CLOEXEC 0x40000000

struct linger { int l_onoff, l_linger; };

/* Control buffers: the kernel aligns control messages to 8 bytes (musl's
 * CMSG_ALIGN uses size_t, which is 4 on WALI, so these are spelled out). */
#define LT_CMSG_LEN(n) (sizeof(struct cmsghdr) + (n))
#define LT_CMSG_SPACE(n) (sizeof(struct cmsghdr) + (((n) + 7) & ~7ul))
union lt_control { struct cmsghdr hdr; char buf[64]; long align; };

/* 127.0.0.1 (or ::1) with a port in network order; port 0 lets bind pick. */
static inline struct sockaddr_in lt_loopback4(uint16_t port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = port;
    a.sin_addr = LT_LOOPBACK;
    return a;
}
static inline struct sockaddr_in6 lt_loopback6(uint16_t port) {
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = port;
    a.sin6_addr[15] = 1;
    return a;
}

/* Either address family in one buffer, with its length. */
union lt_addr { struct sockaddr sa; struct sockaddr_in in4; struct sockaddr_in6 in6; struct sockaddr_un un; char raw[128]; };
static inline socklen_t lt_loopback(union lt_addr *a, int family, uint16_t port) {
    if (family == AF_INET6) { a->in6 = lt_loopback6(port); return sizeof a->in6; }
    a->in4 = lt_loopback4(port);
    return sizeof a->in4;
}
static inline uint16_t lt_port(const union lt_addr *a) { return a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in4.sin_port; }

/* An int socket option, read back; the value, or -errno. */
static inline long lt_getsockopt_int(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    long r = wali_getsockopt(fd, level, name, &v, &len);
    return r < 0 ? r : v;
}
static inline long lt_setsockopt_int(int fd, int level, int name, int v) {
    return wali_setsockopt(fd, level, name, &v, sizeof v);
}

/* A TCP listener on the loopback address with a port the kernel picks;
 * `*addr` receives its address. -errno if any step fails. */
static inline long lt_tcp_listener(int family, union lt_addr *addr, socklen_t *len) {
    long s = wali_socket(family, SOCK_STREAM, 0);
    if (s < 0) return s;
    *len = lt_loopback(addr, family, 0);
    long r = wali_bind((int)s, addr, *len);
    if (r == 0) r = wali_listen((int)s, 8);
    if (r == 0) r = wali_getsockname((int)s, addr, len);
    if (r < 0) { wali_close((int)s); return r; }
    return s;
}

#ifdef __wasm__
/* First address past the guest's linear memory, and a buffer that ends
 * exactly there: `lt_net_tail(n)` has n valid bytes, one more runs past. */
static inline unsigned long lt_net_end(void) { return __builtin_wasm_memory_size(0) * 65536ul; }
static inline void *lt_net_tail(unsigned long n) { return (void *)(lt_net_end() - n); }
/* Far outside the guest's memory (which is well below 4 GiB). */
#define LT_NET_WILD ((void *)0xfffffff0u)
#endif
