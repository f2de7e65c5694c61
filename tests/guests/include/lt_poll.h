/* Extra constants and helpers for the descriptor I/O (io_*, hostile_io) and
 * polling (poll_*, hostile_poll) guests. Values are x86-64 Linux's. */
#pragma once
#include "lt.h"

#define O_ACCMODE 3
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define FIOCLEX 0x5451
#define FIONCLEX 0x5450
#define TCSETS 0x5402
#define TIOCSWINSZ 0x5414

/* Interface queries (if_nametoindex, if_indextoname). */
#define SIOCGIFNAME 0x8910
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFMTU 0x8921
#define SIOCGIFINDEX 0x8933
#define IFF_UP 0x1
#define IFF_LOOPBACK 0x8
#define ENODEV 19
struct ifreq {
    char ifr_name[16];
    union { int ifr_ifindex; short ifr_flags; int ifr_mtu; struct sockaddr ifr_addr; unsigned long ifr_map[3]; } u;
};

#define SIGUSR1 10
/* The kernel's sigset (what ppoll, pselect6 and epoll_pwait take): 8 bytes. */
#define LT_SIGSET_SIZE 8
#define LT_SIGBIT(sig) (1ul << ((sig) - 1))

#define EPOLLPRI 0x002
#define EPOLLRDHUP 0x2000
#define TFD_TIMER_ABSTIME 1
#define EP_MAX_EVENTS (0x7fffffff / 12)

/* pselect6's sixth argument: {sigmask address, sigset size}, both 8 bytes. */
struct lt_pselect6_sigmask { unsigned long mask, size; };

/* 8-byte counter reads and writes (eventfd, timerfd). */
static inline long lt_read_u64(int fd, unsigned long *v) { return wali_read(fd, v, 8); }
static inline long lt_write_u64(int fd, unsigned long v) { return wali_write(fd, &v, 8); }

#ifdef __wasm__
/* First address past the guest's linear memory, and a buffer that ends
 * exactly there: `lt_mem_tail(n)` has n valid bytes, one more runs past. */
static inline unsigned long lt_mem_end(void) { return __builtin_wasm_memory_size(0) * 65536ul; }
static inline void *lt_mem_tail(unsigned long n) { return (void *)(lt_mem_end() - n); }
/* Far outside the guest's memory (which is well below 4 GiB). */
#define LT_WILD ((void *)0xfffffff0u)
#endif
