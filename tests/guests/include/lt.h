/* Lamina test guests: a freestanding runtime that builds two ways.
 *
 *   clang-22 --target=wasm32-unknown-linux-muslwali -nostdlib ...   (WALI)
 *   gcc ...                                                      (native)
 *
 * On wasm every wali_<name>() is an import of wali.SYS_<name>; natively it is
 * the raw x86-64 syscall. Both return the kernel's result (-errno on failure),
 * so a test prints the same lines under `lamina run` and natively.
 *
 * The structures below are written once with C types whose sizes follow each
 * target (pointers and size_t are 4 bytes on WALI, 8 natively; long is 8 on
 * both), which yields the WALI layout on wasm and the kernel's natively. */
#pragma once

typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef unsigned char uint8_t;
typedef unsigned long uint64_t;
typedef long int64_t;
typedef unsigned int socklen_t;
#define NULL ((void *)0)

#ifdef __wasm__
#define WALI_IMPORT(name) __attribute__((import_module("wali"), import_name(name)))
#else
long syscall(long number, ...);
int *__errno_location(void);
static inline long lt_raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
    long r = syscall(n, a, b, c, d, e, f);
    return r == -1 ? -(long)*__errno_location() : r;
}
#endif

#include "wali_syscalls.h"

/* ---- errno values (generic Linux) ---- */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EEXIST 17
#define EXDEV 18
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ESPIPE 29
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENOTSOCK 88
#define EDESTADDRREQ 89
#define EPROTOTYPE 91
#define EOPNOTSUPP 95
#define EAFNOSUPPORT 97
#define EADDRINUSE 98
#define ENOTCONN 107
#define ECONNREFUSED 111
#define EINPROGRESS 115

/* ---- files ---- */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define AT_EACCESS 0x200
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFIFO 0010000
#define S_IFSOCK 0140000
#define S_IFCHR 0020000
#define F_OK 0
#define R_OK 4
#define W_OK 2
#define X_OK 1
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

struct timespec { long tv_sec; long tv_nsec; };
struct timeval { long tv_sec; long tv_usec; };
struct timezone { int tz_minuteswest; int tz_dsttime; };

struct stat {
    unsigned long st_dev, st_ino, st_nlink;
    unsigned int st_mode, st_uid, st_gid, __pad0;
    unsigned long st_rdev;
    long st_size, st_blksize, st_blocks;
    struct timespec st_atim, st_mtim, st_ctim;
    long __unused[3];
};

struct statx_timestamp { long tv_sec; unsigned int tv_nsec; int __pad; };
struct statx {
    unsigned int stx_mask, stx_blksize;
    unsigned long stx_attributes;
    unsigned int stx_nlink, stx_uid, stx_gid;
    unsigned short stx_mode, __pad1;
    unsigned long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    unsigned int stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    unsigned long __spare[14];
};
#define STATX_BASIC_STATS 0x7ff

struct statfs {
    unsigned long f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int f_fsid[2];
    unsigned long f_namelen, f_frsize, f_flags, f_spare[4];
};

struct linux_dirent64 {
    unsigned long d_ino;
    long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

struct flock { short l_type, l_whence; long l_start, l_len; int l_pid; };

struct iovec { void *iov_base; size_t iov_len; };

/* ---- terminals ---- */
#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define FIONREAD 0x541B
#define FIONBIO 0x5421
struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; };
struct termios_kernel {
    unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line, c_cc[19];
};

/* ---- polling ---- */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
struct pollfd { int fd; short events, revents; };
typedef struct { unsigned long fds_bits[16]; } fd_set;
#define LT_FD_SET(fd, set) ((set)->fds_bits[(fd) / 64] |= 1ul << ((fd) % 64))
#define LT_FD_ISSET(fd, set) (((set)->fds_bits[(fd) / 64] >> ((fd) % 64)) & 1)
#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLET (1u << 31)
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_CLOEXEC O_CLOEXEC
struct epoll_event { uint32_t events; uint64_t data; } __attribute__((packed));
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_SEMAPHORE 1
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK
struct itimerspec { struct timespec it_interval, it_value; };

/* ---- sockets ---- */
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC
#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SCM_RIGHTS 1
#define IPPROTO_TCP 6
#define TCP_NODELAY 1
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define MSG_PEEK 2
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define MSG_CTRUNC 8
#define MSG_TRUNC 0x20
struct sockaddr { unsigned short sa_family; char sa_data[14]; };
struct sockaddr_in { unsigned short sin_family; unsigned short sin_port; uint32_t sin_addr; char sin_zero[8]; };
struct sockaddr_in6 { unsigned short sin6_family, sin6_port; uint32_t sin6_flowinfo; uint8_t sin6_addr[16]; uint32_t sin6_scope_id; };
struct sockaddr_un { unsigned short sun_family; char sun_path[108]; };
/* musl's msghdr: the 64-bit layout with explicit padding. */
struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    int msg_iovlen, __pad1;
    void *msg_control;
    socklen_t msg_controllen, __pad2;
    int msg_flags;
};
struct cmsghdr { socklen_t cmsg_len; int __pad1; int cmsg_level; int cmsg_type; };
#define LT_CMSG_DATA(c) ((unsigned char *)((struct cmsghdr *)(c) + 1))
static inline uint16_t lt_htons(uint16_t v) { return (uint16_t)((v << 8) | (v >> 8)); }
#define LT_LOOPBACK 0x0100007fu /* 127.0.0.1 in network order */

/* ---- time, identity, limits ---- */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
struct rlimit { unsigned long rlim_cur, rlim_max; };
#define RLIMIT_NOFILE 7
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
struct rusage { struct timeval ru_utime, ru_stime; long ru_opt[14]; long __reserved[16]; };
struct sysinfo {
    unsigned long uptime, loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit;
    char __reserved[256];
};
struct utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define GRND_NONBLOCK 1

/* ---- the WALI auxiliary imports ---- */
#ifdef __wasm__
WALI_IMPORT("__init") int wali___init(void);
WALI_IMPORT("__deinit") int wali___deinit(void);
WALI_IMPORT("__proc_exit") void wali___proc_exit(int);
WALI_IMPORT("__cl_get_argc") unsigned wali___cl_get_argc(void);
WALI_IMPORT("__cl_get_argv_len") unsigned wali___cl_get_argv_len(unsigned);
WALI_IMPORT("__cl_copy_argv") int wali___cl_copy_argv(char *, unsigned);
WALI_IMPORT("__get_init_envfile") int wali___get_init_envfile(char *, unsigned);
#endif

/* ---- string helpers (no libc on wasm) ---- */
#ifdef __wasm__
void *memset(void *d, int c, size_t n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *memcpy(void *d, const void *s, size_t n) { unsigned char *p = d; const unsigned char *q = s; while (n--) *p++ = *q++; return d; }
void *memmove(void *d, const void *s, size_t n) {
    unsigned char *p = d; const unsigned char *q = s;
    if (p < q) { while (n--) *p++ = *q++; } else { p += n; q += n; while (n--) *--p = *--q; }
    return d;
}
int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++) if (*p != *q) return *p - *q;
    return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
#else
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
/* A loop, not memcmp: clang turns `memcmp(...) == 0` into bcmp, which the
 * guests do not have. */
static inline int lt_streq(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* ---- output: everything goes through wali_write so both builds agree ---- */
static inline void put(const char *s) { wali_write(1, (void *)s, (unsigned)strlen(s)); }
static inline void put_int(long v) {
    char buf[24]; int i = 23; unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[--i] = '-';
    put(buf + i);
}
static inline void put_hex(unsigned long v) {
    char buf[24]; int i = 23; buf[i] = 0;
    do { buf[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    buf[--i] = 'x'; buf[--i] = '0';
    put(buf + i);
}
/* "label: value\n" */
static inline void show(const char *label, long v) { put(label); put(": "); put_int(v); put("\n"); }
static inline void show_str(const char *label, const char *s) { put(label); put(": "); put(s); put("\n"); }

/* Counts failed expectations; main returns it as the exit status. */
static int lt_failures;
/* Prints "ok label" or "FAIL label: got G want W" and counts failures. */
static inline void expect_eq(const char *label, long got, long want) {
    if (got == want) { put("ok "); put(label); put("\n"); return; }
    lt_failures++;
    put("FAIL "); put(label); put(": got "); put_int(got); put(" want "); put_int(want); put("\n");
}
static inline void expect_true(const char *label, int cond) { expect_eq(label, cond != 0, 1); }

/* Monotonic time in nanoseconds (benchmarks time themselves with it). */
static inline long lt_now_ns(void) {
    struct timespec ts;
    wali_clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* ---- entry ---- */
int main(int argc, char **argv);
#ifdef __wasm__
static char lt_arg_storage[8192];
static char *lt_argv[64];
void _start(void) {
    int r = wali___init();
    if (r == 0) {
        unsigned argc = wali___cl_get_argc(), used = 0;
        if (argc > 63) argc = 63;
        for (unsigned i = 0; i < argc; i++) {
            unsigned len = wali___cl_get_argv_len(i);
            if (used + len + 1 > sizeof lt_arg_storage) { argc = i; break; }
            lt_argv[i] = lt_arg_storage + used;
            wali___cl_copy_argv(lt_argv[i], i);
            used += len + 1;
        }
        lt_argv[argc] = 0;
        r = main((int)argc, lt_argv);
        if (r == 0) r = wali___deinit();
    }
    wali___proc_exit(r);
}
#endif
