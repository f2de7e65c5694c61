/*
 * The WASI preview 1 layer's private header: WASI's numbers and struct
 * layouts (from the snapshot-preview1 specification), the descriptor table,
 * and the helpers every area shares.
 *
 * Every WASI function takes addresses in the program's memory (lp_addr) and
 * answers a WASI errno; Linux errno values never leave the layer.
 */
#ifndef WASI_LAYER_H
#define WASI_LAYER_H

#include <stdint.h>
#include <stddef.h>
#include <sys/uio.h>
#include <time.h>
#include "lamina_program.h"

#define WASI_EXPORT(name) __attribute__((export_name(name)))
#define WALI_IMPORT(name) __attribute__((import_module("wali"), import_name(name)))

/* ---- errno ---- */
enum {
	WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3, WASI_EADDRNOTAVAIL = 4,
	WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9,
	WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
	WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17,
	WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
	WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26,
	WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31,
	WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
	WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40,
	WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
	WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50,
	WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
	WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
	WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
	WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
	WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73,
	WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

/* ---- rights ---- */
#define WASI_RIGHT(bit) ((uint64_t)1 << (bit))
#define R_FD_DATASYNC WASI_RIGHT(0)
#define R_FD_READ WASI_RIGHT(1)
#define R_FD_SEEK WASI_RIGHT(2)
#define R_FD_FDSTAT_SET_FLAGS WASI_RIGHT(3)
#define R_FD_SYNC WASI_RIGHT(4)
#define R_FD_TELL WASI_RIGHT(5)
#define R_FD_WRITE WASI_RIGHT(6)
#define R_FD_ADVISE WASI_RIGHT(7)
#define R_FD_ALLOCATE WASI_RIGHT(8)
#define R_PATH_CREATE_DIRECTORY WASI_RIGHT(9)
#define R_PATH_CREATE_FILE WASI_RIGHT(10)
#define R_PATH_LINK_SOURCE WASI_RIGHT(11)
#define R_PATH_LINK_TARGET WASI_RIGHT(12)
#define R_PATH_OPEN WASI_RIGHT(13)
#define R_FD_READDIR WASI_RIGHT(14)
#define R_PATH_READLINK WASI_RIGHT(15)
#define R_PATH_RENAME_SOURCE WASI_RIGHT(16)
#define R_PATH_RENAME_TARGET WASI_RIGHT(17)
#define R_PATH_FILESTAT_GET WASI_RIGHT(18)
#define R_PATH_FILESTAT_SET_SIZE WASI_RIGHT(19)
#define R_PATH_FILESTAT_SET_TIMES WASI_RIGHT(20)
#define R_FD_FILESTAT_GET WASI_RIGHT(21)
#define R_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define R_FD_FILESTAT_SET_TIMES WASI_RIGHT(23)
#define R_PATH_SYMLINK WASI_RIGHT(24)
#define R_PATH_REMOVE_DIRECTORY WASI_RIGHT(25)
#define R_PATH_UNLINK_FILE WASI_RIGHT(26)
#define R_POLL_FD_READWRITE WASI_RIGHT(27)
#define R_SOCK_SHUTDOWN WASI_RIGHT(28)
#define R_SOCK_ACCEPT WASI_RIGHT(29)
#define R_ALL (WASI_RIGHT(30) - 1)

/* ---- enums and flags ---- */
enum { WASI_FILETYPE_UNKNOWN, WASI_FILETYPE_BLOCK_DEVICE, WASI_FILETYPE_CHARACTER_DEVICE,
       WASI_FILETYPE_DIRECTORY, WASI_FILETYPE_REGULAR_FILE, WASI_FILETYPE_SOCKET_DGRAM,
       WASI_FILETYPE_SOCKET_STREAM, WASI_FILETYPE_SYMBOLIC_LINK };
enum { WASI_WHENCE_SET, WASI_WHENCE_CUR, WASI_WHENCE_END };
enum { WASI_CLOCK_REALTIME, WASI_CLOCK_MONOTONIC, WASI_CLOCK_PROCESS_CPUTIME, WASI_CLOCK_THREAD_CPUTIME };
enum { WASI_ADVICE_NORMAL, WASI_ADVICE_SEQUENTIAL, WASI_ADVICE_RANDOM, WASI_ADVICE_WILLNEED,
       WASI_ADVICE_DONTNEED, WASI_ADVICE_NOREUSE };
#define WASI_FDFLAG_APPEND 1
#define WASI_FDFLAG_DSYNC 2
#define WASI_FDFLAG_NONBLOCK 4
#define WASI_FDFLAG_RSYNC 8
#define WASI_FDFLAG_SYNC 16
#define WASI_FSTFLAG_ATIM 1
#define WASI_FSTFLAG_ATIM_NOW 2
#define WASI_FSTFLAG_MTIM 4
#define WASI_FSTFLAG_MTIM_NOW 8
#define WASI_LOOKUP_SYMLINK_FOLLOW 1
#define WASI_OFLAG_CREAT 1
#define WASI_OFLAG_DIRECTORY 2
#define WASI_OFLAG_EXCL 4
#define WASI_OFLAG_TRUNC 8
#define WASI_RIFLAG_RECV_PEEK 1
#define WASI_RIFLAG_RECV_WAITALL 2
#define WASI_ROFLAG_RECV_DATA_TRUNCATED 1
#define WASI_SDFLAG_RD 1
#define WASI_SDFLAG_WR 2
enum { WASI_EVENTTYPE_CLOCK, WASI_EVENTTYPE_FD_READ, WASI_EVENTTYPE_FD_WRITE };
#define WASI_EVENTRWFLAG_HANGUP 1
#define WASI_SUBCLOCKFLAG_ABSTIME 1
#define WASI_PREOPENTYPE_DIR 0

/* ---- struct layouts (wasm32, little-endian) ---- */
struct wasi_fdstat {
	uint8_t fs_filetype;
	uint16_t fs_flags;
	uint64_t fs_rights_base;
	uint64_t fs_rights_inheriting;
};
struct wasi_filestat {
	uint64_t dev, ino;
	uint8_t filetype;
	uint64_t nlink, size, atim, mtim, ctim;
};
struct wasi_dirent {
	uint64_t d_next, d_ino;
	uint32_t d_namlen;
	uint8_t d_type;
};
struct wasi_prestat {
	uint8_t tag;
	uint32_t pr_name_len;
};
struct wasi_subscription {
	uint64_t userdata;
	uint8_t tag;
	union {
		struct {
			uint32_t id;
			uint64_t timeout, precision;
			uint16_t flags;
		} clock;
		struct {
			uint32_t fd;
		} fd_readwrite;
	} u;
};
struct wasi_event {
	uint64_t userdata;
	uint16_t error;
	uint8_t type;
	struct {
		uint64_t nbytes;
		uint16_t flags;
	} fd_readwrite;
};
struct wasi_iovec {
	uint32_t buf, buf_len;
};
_Static_assert(sizeof(struct wasi_fdstat) == 24, "fdstat");
_Static_assert(sizeof(struct wasi_filestat) == 64 && offsetof(struct wasi_filestat, nlink) == 24, "filestat");
_Static_assert(sizeof(struct wasi_dirent) == 24 && offsetof(struct wasi_dirent, d_type) == 20, "dirent");
_Static_assert(sizeof(struct wasi_prestat) == 8, "prestat");
_Static_assert(sizeof(struct wasi_subscription) == 48 && offsetof(struct wasi_subscription, u) == 16, "subscription");
_Static_assert(offsetof(struct wasi_subscription, u.clock.flags) == 40, "subscription_clock");
_Static_assert(sizeof(struct wasi_event) == 32 && offsetof(struct wasi_event, fd_readwrite) == 16, "event");
_Static_assert(sizeof(struct wasi_iovec) == 8 && sizeof(struct iovec) == 8, "iovec");

/* ---- the descriptor table ----
 * WASI descriptor numbers index this table; each open entry owns a host
 * descriptor. Numbers are allocated lowest-free, as POSIX and wasmtime do. */
struct wasi_fd {
	int host;     /* -1: the slot is free */
	uint8_t filetype;
	uint64_t rights_base, rights_inheriting;
	uint8_t readonly; /* beneath a --ro-dir: what is opened from it is too */
	uint8_t socket;   /* sock_* work on sockets only */
	/* fd_readdir's place: the cookie of the entry after the last one it
	 * returned whole, and where that entry starts in the kernel's stream. */
	uint64_t dir_cookie;
	int64_t dir_offset;
	char *preopen_name; /* a preopened directory's guest name, else NULL */
	uint32_t preopen_name_len;
};

/* The entry for WASI descriptor fd if it is open and holds all of `needed`
 * base rights; else NULL with *err = EBADF or ENOTCAPABLE, or EPERM for a
 * right that writes on a descriptor under a --ro-dir. */
struct wasi_fd *fd_lookup(uint32_t fd, uint64_t needed, int *err);
/* A new entry at the lowest free number for host descriptor `host`;
 * returns the number, or -WASI errno (the host descriptor is closed then). */
int fd_insert(int host, uint8_t filetype, uint64_t base, uint64_t inheriting);
void fd_release(uint32_t fd);
/* The largest WASI descriptor number plus one. */
uint32_t fd_table_size(void);

/* What a descriptor of this kind can do: the rights reported and enforced
 * (as wasmtime reports them). */
uint64_t rights_for_filetype(uint8_t filetype, int readable, int writable);
uint8_t filetype_from_mode(unsigned mode);

/* The layer's own command line, which is the program's (main.c). */
extern int layer_argc;
extern char **layer_argv;

/* ---- errors and program memory ---- */
/* The WASI errno for a Linux errno value. */
int wasi_errno(int linux_errno);
/* The WASI errno of a failed libc call (from errno). */
int wasi_errno_last(void);
/* A system call's raw result (>= 0, or -Linux errno) as a WASI errno. */
static inline int wasi_from_ret(long long ret)
{
	return ret < 0 ? wasi_errno((int)-ret) : WASI_ESUCCESS;
}
/* Copies between the memories: 0 or WASI_EFAULT. */
static inline int get(void *dst, lp_addr src, uint32_t len)
{
	return lp_copy_from(dst, src, len) < 0 ? WASI_EFAULT : 0;
}
static inline int put(lp_addr dst, const void *src, uint32_t len)
{
	return lp_copy_to(dst, src, len) < 0 ? WASI_EFAULT : 0;
}
static inline int put_u32(lp_addr dst, uint32_t value)
{
	return put(dst, &value, sizeof value);
}

/* Checks a result pointer before the call acts (by storing 0 there): a call
 * that answers EFAULT has done nothing, e.g. written no data. */
static inline int claim_result(lp_addr dst)
{
	return put_u32(dst, 0);
}
static inline int put_u64(lp_addr dst, uint64_t value)
{
	return put(dst, &value, sizeof value);
}

/* WASI nanosecond timestamps to and from struct timespec. */
void timespec_from_ns(struct timespec *ts, uint64_t ns);
uint64_t ns_from_timespec(const struct timespec *ts);
int linux_clock_id(uint32_t wasi_clock, int *linux_clock);

/* The filestat of a host descriptor, or a WASI errno. */
int filestat_of_host_fd(int host, struct wasi_filestat *out);
/* Builds utimensat's times from WASI's set_times arguments; WASI_EINVAL
 * for a flag set with its _NOW twin or unknown bits. */
int timespecs_for_set_times(struct timespec *times, uint64_t atim, uint64_t mtim, uint32_t fst_flags);

/* System calls on the program's memory (lamina_program.h). */
LAMINA_PROGRAM_IMPORT("SYS_readv") long long lp_readv(int fd, lp_addr iov, int iovcnt);
LAMINA_PROGRAM_IMPORT("SYS_writev") long long lp_writev(int fd, lp_addr iov, int iovcnt);
LAMINA_PROGRAM_IMPORT("SYS_preadv") long long lp_preadv(int fd, lp_addr iov, int iovcnt, long long pos_l, long long pos_h);
LAMINA_PROGRAM_IMPORT("SYS_pwritev") long long lp_pwritev(int fd, lp_addr iov, int iovcnt, long long pos_l, long long pos_h);
LAMINA_PROGRAM_IMPORT("SYS_getrandom") long long lp_getrandom(lp_addr buf, unsigned len, unsigned flags);

/* The most iovecs one call takes, as the kernel's UIO_MAXIOV. */
#define WASI_IOV_MAX 1024

#endif
