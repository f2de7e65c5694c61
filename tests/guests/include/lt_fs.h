/* Files-and-directories helpers for the fs guests (on top of lt.h). */
#pragma once
#include "lt.h"

#define O_PATH 010000000
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
/* openat2's argument, first version (24 bytes). */
struct lt_open_how {
    unsigned long long flags, mode, resolve;
};
#define O_TMPFILE 020200000
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_RANDOM 1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED 3
#define POSIX_FADV_DONTNEED 4
#define FALLOC_FL_KEEP_SIZE 1
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#define STATX_TYPE 0x1
#define STATX_MODE 0x2
#define STATX_NLINK 0x4
#define STATX_SIZE 0x200
#define STATX__RESERVED 0x80000000u
#define DT_UNKNOWN 0
#define PROC_SUPER_MAGIC 0x9fa0
#define EWOULDBLOCK EAGAIN

#ifdef __wasm__
/* clang turns `memcmp(...) == 0` into a call to bcmp, which lt.h lacks. */
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
#endif

/* A guest address no guest memory reaches (memory is far below 4 GiB). */
#define LT_BAD ((void *)0xfffffff0u)

/* Creates (or truncates) `path` with mode 0644 holding `data`; returns the
 * bytes written or -errno. */
static inline long lt_write_file(const char *path, const char *data) {
    long fd = wali_open((void *)path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fd;
    long n = wali_write((int)fd, (void *)data, (unsigned)strlen(data));
    wali_close((int)fd);
    return n;
}

/* Reads up to `cap - 1` bytes of `path` into `buf` (NUL-terminated); returns
 * the length or -errno. */
static inline long lt_read_file(const char *path, char *buf, unsigned cap) {
    long fd = wali_open((void *)path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return fd;
    long n = wali_read((int)fd, buf, cap - 1);
    wali_close((int)fd);
    buf[n < 0 ? 0 : n] = 0;
    return n;
}

static inline int lt_ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Appends `s` to the string `dst`; returns dst. */
static inline char *lt_cat(char *dst, const char *s) {
    memcpy(dst + strlen(dst), s, strlen(s) + 1);
    return dst;
}

/* Appends the decimal form of `v` to the string `dst`; returns dst. */
static inline char *lt_cat_long(char *dst, long v) {
    char buf[24]; int i = 23; unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[--i] = '-';
    return lt_cat(dst, buf + i);
}

/* The entries of a directory as getdents64 reports them ("." and ".."
 * excluded). */
struct lt_listing {
    int count;
    char names[16][64];
    unsigned char types[16];
};

/* Lists the directory open on `fd` with getdents64, in small batches so that
 * several calls are needed; returns 0, or -errno of the failing call. */
static inline long lt_list_dir(int fd, struct lt_listing *out) {
    static unsigned long buf[16]; /* 128 bytes: a few records per call */
    out->count = 0;
    for (;;) {
        long n = wali_getdents64(fd, buf, sizeof buf);
        if (n <= 0) return n;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)buf + off);
            off += d->d_reclen;
            if (lt_streq(d->d_name, ".") || lt_streq(d->d_name, "..")) continue;
            if (out->count < 16 && strlen(d->d_name) < 64) {
                memcpy(out->names[out->count], d->d_name, strlen(d->d_name) + 1);
                out->types[out->count] = d->d_type;
            }
            out->count++;
        }
    }
}

/* Whether the listing has `name` with type `type`. */
static inline int lt_listed(const struct lt_listing *l, const char *name, int type) {
    for (int i = 0; i < l->count && i < 16; i++)
        if (lt_streq(l->names[i], name)) return l->types[i] == type;
    return 0;
}
