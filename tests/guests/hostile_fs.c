/* Hostile inputs to every files-and-directories syscall: pointers outside
 * guest memory, buffers and strings that run off its end, sizes that wrap,
 * bad descriptors, flags and modes — each with the errno the kernel gives a
 * native caller. Then attempts to open the runtime's own memory through
 * /proc under many spellings, all of which must be refused. WALI only; the
 * parts that do not depend on the end of guest memory also hold natively. */
#include "lt_fs.h"

static char longpath[5001];
static struct stat st;
static struct statx stx;
static struct statfs sfs;
static char buf[256];

#ifdef __wasm__
/* The first address past guest memory. */
static char *mem_end(void) { return (char *)(__builtin_wasm_memory_size(0) * 65536ul); }
#endif

static void bad_paths(void) {
    /* The same three bad paths for every path argument: outside memory, a
     * string with no NUL before the end of memory, and one longer than
     * PATH_MAX. */
    char *bad = LT_BAD;
    memset(longpath, 'a', sizeof longpath - 1);
#ifdef __wasm__
    char *unterminated = mem_end() - 4;
    memcpy(unterminated, "abcd", 4);
#else
    char *unterminated = bad;
#endif
    char *paths[3] = {bad, unterminated, longpath};
    long want[3] = {-EFAULT, -EFAULT, -ENAMETOOLONG};
    const char *what[3] = {"outside memory", "unterminated", "too long"};
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    struct timespec ts[2] = {{1, 0}, {2, 0}};
    struct timeval tv[2] = {{1, 0}, {2, 0}};
    expect_eq("scratch file", lt_write_file("f", "data"), 4);
    long in = wali_inotify_init1(O_CLOEXEC);
    for (int i = 0; i < 3; i++) {
        char *p = paths[i];
        long w = want[i];
        put("-- path "); put(what[i]); put("\n");
        expect_eq("open", wali_open(p, O_RDONLY, 0), w);
        expect_eq("open O_CREAT", wali_open(p, O_RDWR | O_CREAT, 0644), w);
        expect_eq("creat", wali_creat(p, 0644), w);
        expect_eq("openat", wali_openat((int)dir, p, O_RDONLY, 0), w);
        expect_eq("stat", wali_stat(p, &st), w);
        expect_eq("lstat", wali_lstat(p, &st), w);
        expect_eq("newfstatat", wali_newfstatat((int)dir, p, &st, 0), w);
        expect_eq("statx", wali_statx((int)dir, p, 0, STATX_BASIC_STATS, &stx), w);
        expect_eq("readlink", wali_readlink(p, buf, sizeof buf), w);
        expect_eq("readlinkat", wali_readlinkat((int)dir, p, buf, sizeof buf), w);
        expect_eq("link old", wali_link(p, "new"), w);
        expect_eq("link new", wali_link("f", p), w);
        expect_eq("linkat old", wali_linkat((int)dir, p, (int)dir, "new", 0), w);
        expect_eq("linkat new", wali_linkat((int)dir, "f", (int)dir, p, 0), w);
        expect_eq("symlink target", wali_symlink(p, "new"), w);
        expect_eq("symlink name", wali_symlink("f", p), w);
        expect_eq("symlinkat target", wali_symlinkat(p, (int)dir, "new"), w);
        expect_eq("symlinkat name", wali_symlinkat("f", (int)dir, p), w);
        expect_eq("unlink", wali_unlink(p), w);
        expect_eq("unlinkat", wali_unlinkat((int)dir, p, 0), w);
        expect_eq("rename old", wali_rename(p, "new"), w);
        expect_eq("rename new", wali_rename("f", p), w);
        expect_eq("renameat2 old", wali_renameat2((int)dir, p, (int)dir, "new", 0), w);
        expect_eq("renameat2 new", wali_renameat2((int)dir, "f", (int)dir, p, 0), w);
        expect_eq("renameat old", wali_renameat((int)dir, p, (int)dir, "new"), w);
        expect_eq("renameat new", wali_renameat(AT_FDCWD, "f", (int)dir, p), w);
        expect_eq("mkdir", wali_mkdir(p, 0755), w);
        expect_eq("mkdirat", wali_mkdirat((int)dir, p, 0755), w);
        expect_eq("mknod", wali_mknod(p, S_IFIFO | 0644, 0), w);
        expect_eq("mknodat", wali_mknodat((int)dir, p, S_IFIFO | 0644, 0), w);
        expect_eq("rmdir", wali_rmdir(p), w);
        expect_eq("chmod", wali_chmod(p, 0644), w);
        expect_eq("fchmodat", wali_fchmodat((int)dir, p, 0644, 0), w);
        expect_eq("chown", wali_chown(p, -1, -1), w);
        expect_eq("fchownat", wali_fchownat((int)dir, p, -1, -1, 0), w);
        expect_eq("lchown", wali_lchown(p, -1, -1), w);
        expect_eq("inotify_add_watch", wali_inotify_add_watch((int)in, p, 0x100), w);
        expect_eq("utimensat", wali_utimensat((int)dir, p, ts, 0), w);
        expect_eq("utimes", wali_utimes(p, tv), w);
        expect_eq("utime", wali_utime(p, NULL), w);
        expect_eq("setxattr path", wali_setxattr(p, "user.x", "v", 1, 0), w);
        expect_eq("lsetxattr path", wali_lsetxattr(p, "user.x", "v", 1, 0), w);
        expect_eq("getxattr path", wali_getxattr(p, "user.x", buf, sizeof buf), w);
        expect_eq("lgetxattr path", wali_lgetxattr(p, "user.x", NULL, 0), w);
        expect_eq("listxattr path", wali_listxattr(p, NULL, 0), w);
        expect_eq("llistxattr path", wali_llistxattr(p, buf, sizeof buf), w);
        expect_eq("removexattr path", wali_removexattr(p, "user.x"), w);
        expect_eq("lremovexattr path", wali_lremovexattr(p, "user.x"), w);
        expect_eq("futimesat", wali_futimesat((int)dir, p, tv), w);
        expect_eq("access", wali_access(p, F_OK), w);
        expect_eq("faccessat", wali_faccessat((int)dir, p, F_OK, 0), w);
        expect_eq("faccessat2", wali_faccessat2((int)dir, p, F_OK, 0), w);
        expect_eq("truncate", wali_truncate(p, 0), w);
        expect_eq("chdir", wali_chdir(p), w);
        expect_eq("chroot", wali_chroot(p), w);
        expect_eq("statfs", wali_statfs(p, &sfs), w);
    }
    /* memfd_create's name is no path: the kernel's own limit, 249 bytes,
     * makes a longer one EINVAL. */
    expect_eq("memfd_create name outside memory", wali_memfd_create(bad, 0), -EFAULT);
    expect_eq("memfd_create unterminated name", wali_memfd_create(unterminated, 0), -EFAULT);
    expect_eq("memfd_create long name", wali_memfd_create(longpath, 0), -EINVAL);
    expect_eq("memfd_create NULL name", wali_memfd_create(NULL, 0), -EFAULT);
    expect_eq("memfd_create bad flags before a bad name", wali_memfd_create(bad, 0x100), -EINVAL);
    put("-- NULL paths\n");
    expect_eq("open NULL", wali_open(NULL, O_RDONLY, 0), -EFAULT);
    expect_eq("stat NULL", wali_stat(NULL, &st), -EFAULT);
    expect_eq("rename NULL", wali_rename("f", NULL), -EFAULT);
    expect_eq("renameat NULL", wali_renameat(AT_FDCWD, NULL, AT_FDCWD, "g"), -EFAULT);
    expect_eq("lchown NULL", wali_lchown(NULL, -1, -1), -EFAULT);
    expect_eq("inotify_add_watch NULL", wali_inotify_add_watch((int)in, NULL, 0x100), -EFAULT);
    wali_close((int)in);
    expect_eq("utimes NULL path", wali_utimes(NULL, tv), -EFAULT);
    expect_eq("futimesat NULL path with AT_FDCWD", wali_futimesat(AT_FDCWD, NULL, tv), -EFAULT);
    expect_eq("chdir NULL", wali_chdir(NULL), -EFAULT);
    expect_eq("mknod NULL", wali_mknod(NULL, S_IFIFO | 0644, 0), -EFAULT);
    expect_eq("mknodat NULL", wali_mknodat((int)dir, NULL, S_IFIFO | 0644, 0), -EFAULT);
    wali_close((int)dir);
}

static void bad_buffers(void) {
    long fd = wali_open("f", O_RDWR | O_CLOEXEC, 0);
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("symlink for readlink", wali_symlink("f", "lnk"), 0);
    void *bad = LT_BAD;
    put("-- buffers outside memory\n");
    expect_eq("stat buf", wali_stat("f", bad), -EFAULT);
    expect_eq("lstat buf", wali_lstat("f", bad), -EFAULT);
    expect_eq("fstat buf", wali_fstat((int)fd, bad), -EFAULT);
    expect_eq("newfstatat buf", wali_newfstatat((int)dir, "f", bad, 0), -EFAULT);
    expect_eq("newfstatat NULL buf", wali_newfstatat((int)dir, "f", NULL, 0), -EFAULT);
    expect_eq("statx buf", wali_statx((int)dir, "f", 0, STATX_BASIC_STATS, bad), -EFAULT);
    expect_eq("statx NULL buf", wali_statx((int)dir, "f", 0, STATX_BASIC_STATS, NULL), -EFAULT);
    long copy = wali_open("copy", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    long long off = 0;
    expect_eq("copy_file_range input offset", wali_copy_file_range((int)fd, bad, (int)copy, &off, 1, 0), -EFAULT);
    expect_eq("copy_file_range output offset", wali_copy_file_range((int)fd, &off, (int)copy, bad, 1, 0), -EFAULT);
#ifdef __wasm__
    /* An loff_t is 8 bytes: 4 left at the end of memory are too few. */
    expect_eq("copy_file_range offset past the end",
              wali_copy_file_range((int)fd, mem_end() - 4, (int)copy, NULL, 1, 0), -EFAULT);
#endif
    expect_eq("copy_file_range nothing moved", off, 0);
    wali_close((int)copy);
    expect_eq("getdents64 buf", wali_getdents64((int)dir, bad, 256), -EFAULT);
    expect_eq("getdents buf", wali_getdents((int)dir, bad, 256), -EFAULT);
    expect_eq("utime times", wali_utime("f", bad), -EFAULT);
    /* Attribute names are read as the kernel reads them: up to 255 bytes. */
    expect_eq("setxattr name outside memory", wali_setxattr("f", bad, "v", 1, 0), -EFAULT);
    expect_eq("getxattr name too long", wali_getxattr("f", longpath, buf, sizeof buf), -ERANGE);
    expect_eq("fsetxattr value outside memory", wali_fsetxattr((int)fd, "user.x", bad, 4, 0), -EFAULT);
    expect_eq("fsetxattr value too large", wali_fsetxattr((int)fd, "user.x", buf, 65537, 0), -E2BIG);
    expect_eq("fgetxattr name outside memory", wali_fgetxattr((int)fd, bad, buf, sizeof buf), -EFAULT);
    expect_eq("flistxattr list outside memory", wali_flistxattr((int)fd, bad, 64), -EFAULT);
    expect_eq("fremovexattr empty name", wali_fremovexattr((int)fd, ""), -ERANGE);
    expect_eq("lsetxattr bad flags", wali_lsetxattr("f", "user.x", "v", 1, 8), -EINVAL);
    expect_eq("readlink buf", wali_readlink("lnk", bad, 16), -EFAULT);
    expect_eq("readlinkat buf", wali_readlinkat((int)dir, "lnk", bad, 16), -EFAULT);
    expect_eq("utimensat times", wali_utimensat((int)dir, "f", bad, 0), -EFAULT);
    expect_eq("utimes times", wali_utimes("f", bad), -EFAULT);
    expect_eq("futimesat times", wali_futimesat((int)dir, "f", bad), -EFAULT);
    expect_eq("getcwd buf", wali_getcwd(bad, 256), -EFAULT);
    expect_eq("getcwd NULL", wali_getcwd(NULL, 256), -EFAULT);
    expect_eq("statfs buf", wali_statfs(".", bad), -EFAULT);
    expect_eq("fstatfs buf", wali_fstatfs((int)fd, bad), -EFAULT);
    expect_eq("fstatfs NULL", wali_fstatfs((int)fd, NULL), -EFAULT);
    struct lt_open_how how = {O_RDONLY, 0, RESOLVE_BENEATH};
    expect_eq("openat2 how", wali_openat2((int)dir, "f", bad, sizeof how), -EFAULT);
    expect_eq("openat2 NULL how", wali_openat2((int)dir, "f", NULL, sizeof how), -EFAULT);
    expect_eq("openat2 path", wali_openat2((int)dir, bad, &how, sizeof how), -EFAULT);
    expect_eq("openat2 size past a page", wali_openat2((int)dir, "f", &how, 4097), -E2BIG);
    expect_eq("openat2 size 4 GiB - 1", wali_openat2((int)dir, "f", &how, 0xffffffffu), -E2BIG);

    put("-- sizes the kernel refuses\n");
    expect_eq("readlink size 0", wali_readlink("lnk", buf, 0), -EINVAL);
    expect_eq("readlink negative size", wali_readlink("lnk", buf, 0x80000000u), -EINVAL);
    expect_eq("readlinkat size -1", wali_readlinkat((int)dir, "lnk", buf, 0xffffffffu), -EINVAL);
    expect_eq("getdents64 too small", wali_getdents64((int)dir, buf, 1), -EINVAL);
    expect_eq("getcwd size 0", wali_getcwd(buf, 0), -ERANGE);

#ifdef __wasm__
    /* Structures and buffers that start inside memory and end outside it. */
    char *end = mem_end();
    put("-- buffers running off the end of memory\n");
    expect_eq("stat 1 byte short", wali_stat("f", end - 143), -EFAULT);
    expect_eq("stat exactly fits", wali_stat("f", end - 144), 0);
    expect_eq("lstat", wali_lstat("f", end - 100), -EFAULT);
    expect_eq("fstat", wali_fstat((int)fd, end - 143), -EFAULT);
    expect_eq("newfstatat", wali_newfstatat((int)dir, "f", end - 143, 0), -EFAULT);
    expect_eq("statx 1 byte short", wali_statx((int)dir, "f", 0, STATX_BASIC_STATS, end - 255), -EFAULT);
    expect_eq("statx exactly fits", wali_statx((int)dir, "f", 0, STATX_BASIC_STATS, end - 256), 0);
    expect_eq("statfs 1 byte short", wali_statfs(".", end - 119), -EFAULT);
    expect_eq("statfs exactly fits", wali_statfs(".", end - 120), 0);
    expect_eq("fstatfs", wali_fstatfs((int)fd, end - 119), -EFAULT);
    expect_eq("utimensat times", wali_utimensat((int)dir, "f", end - 31, 0), -EFAULT);
    expect_eq("utimes times", wali_utimes("f", end - 31), -EFAULT);
    expect_eq("futimesat times", wali_futimesat((int)dir, "f", end - 16), -EFAULT);
    expect_eq("getdents64 count past the end", wali_getdents64((int)dir, end - 64, 128), -EFAULT);
    expect_eq("getdents64 count wraps", wali_getdents64((int)dir, buf, 0xffffffffu), -EFAULT);
    expect_eq("getdents64 count 2^31", wali_getdents64((int)dir, buf, (int)0x80000000u), -EFAULT);
    expect_eq("readlink past the end", wali_readlink("lnk", end - 8, 16), -EFAULT);
    expect_eq("readlinkat past the end", wali_readlinkat((int)dir, "lnk", end - 8, 16), -EFAULT);
    expect_eq("readlink at the very end", wali_readlink("lnk", end - 1, 1), 1);
    expect_eq("getcwd past the end", wali_getcwd(end - 8, 4096), -EFAULT);
    expect_eq("getcwd size wraps", wali_getcwd(buf, 0xffffffffu), -EFAULT);
#endif
    wali_close((int)dir);
    wali_close((int)fd);
}

static void bad_fds_and_flags(void) {
    long fd = wali_open("f", O_RDWR | O_CLOEXEC, 0);
    long closed = wali_open("f", O_RDONLY, 0);
    wali_close((int)closed);
    struct timespec ts[2] = {{1, 0}, {2, 0}};
    struct timeval tv[2] = {{1, 0}, {2, 0}};
    int bads[2] = {-1, (int)closed};
    for (int i = 0; i < 2; i++) {
        int b = bads[i];
        put(i == 0 ? "-- fd -1\n" : "-- closed fd\n");
        expect_eq("openat", wali_openat(b, "f", O_RDONLY, 0), -EBADF);
        expect_eq("fstat", wali_fstat(b, &st), -EBADF);
        expect_eq("newfstatat", wali_newfstatat(b, "f", &st, 0), -EBADF);
        expect_eq("newfstatat empty path", wali_newfstatat(b, "", &st, AT_EMPTY_PATH), -EBADF);
        expect_eq("statx", wali_statx(b, "f", 0, STATX_BASIC_STATS, &stx), -EBADF);
        expect_eq("getdents64", wali_getdents64(b, buf, sizeof buf), -EBADF);
        expect_eq("readlinkat", wali_readlinkat(b, "f", buf, sizeof buf), -EBADF);
        expect_eq("linkat old dir", wali_linkat(b, "f", AT_FDCWD, "n", 0), -EBADF);
        expect_eq("linkat new dir", wali_linkat(AT_FDCWD, "f", b, "n", 0), -EBADF);
        expect_eq("symlinkat", wali_symlinkat("f", b, "n"), -EBADF);
        expect_eq("unlinkat", wali_unlinkat(b, "f", 0), -EBADF);
        expect_eq("renameat2 old dir", wali_renameat2(b, "f", AT_FDCWD, "n", 0), -EBADF);
        expect_eq("renameat2 new dir", wali_renameat2(AT_FDCWD, "f", b, "n", 0), -EBADF);
        expect_eq("mkdirat", wali_mkdirat(b, "n", 0755), -EBADF);
        expect_eq("mknodat", wali_mknodat(b, "n", S_IFIFO | 0644, 0), -EBADF);
        expect_eq("fchmod", wali_fchmod(b, 0644), -EBADF);
        expect_eq("fchmodat", wali_fchmodat(b, "f", 0644, 0), -EBADF);
        expect_eq("fchown", wali_fchown(b, -1, -1), -EBADF);
        expect_eq("fchownat", wali_fchownat(b, "f", -1, -1, 0), -EBADF);
        expect_eq("utimensat", wali_utimensat(b, NULL, ts, 0), -EBADF);
        expect_eq("futimesat", wali_futimesat(b, NULL, tv), -EBADF);
        expect_eq("faccessat", wali_faccessat(b, "f", F_OK, 0), -EBADF);
        expect_eq("faccessat2", wali_faccessat2(b, "f", F_OK, 0), -EBADF);
        expect_eq("ftruncate", wali_ftruncate(b, 0), -EBADF);
        expect_eq("fsync", wali_fsync(b), -EBADF);
        expect_eq("fdatasync", wali_fdatasync(b), -EBADF);
        expect_eq("sync_file_range", wali_sync_file_range(b, 0, 0, SYNC_FILE_RANGE_WRITE), -EBADF);
        expect_eq("fallocate", wali_fallocate(b, 0, 0, 1), -EBADF);
        expect_eq("fadvise", wali_fadvise(b, 0, 0, POSIX_FADV_NORMAL), -EBADF);
        expect_eq("flock", wali_flock(b, LOCK_EX), -EBADF);
        expect_eq("fchdir", wali_fchdir(b), -EBADF);
        expect_eq("fstatfs", wali_fstatfs(b, &sfs), -EBADF);
        expect_eq("renameat old dir", wali_renameat(b, "f", AT_FDCWD, "n"), -EBADF);
        expect_eq("renameat new dir", wali_renameat(AT_FDCWD, "f", b, "n"), -EBADF);
        expect_eq("syncfs", wali_syncfs(b), -EBADF);
        expect_eq("readahead", wali_readahead(b, 0, 1), -EBADF);
        expect_eq("copy_file_range in", wali_copy_file_range(b, NULL, (int)fd, NULL, 1, 0), -EBADF);
        expect_eq("copy_file_range out", wali_copy_file_range((int)fd, NULL, b, NULL, 1, 0), -EBADF);
        expect_eq("inotify_add_watch", wali_inotify_add_watch(b, "f", 0x100), -EBADF);
        expect_eq("inotify_rm_watch", wali_inotify_rm_watch(b, 1), -EBADF);
    }
    put("-- descriptors of the wrong kind\n");
    expect_eq("openat relative to a file", wali_openat((int)fd, "x", O_RDONLY, 0), -ENOTDIR);
    expect_eq("getdents64 of a file", wali_getdents64((int)fd, buf, sizeof buf), -ENOTDIR);
    expect_eq("fchdir to a file", wali_fchdir((int)fd), -ENOTDIR);
    expect_eq("sync_file_range with every flag bit", wali_sync_file_range((int)fd, 0, 0, ~0), -EINVAL);
    expect_eq("fallocate with every mode bit", wali_fallocate((int)fd, ~0, 0, 1), -EOPNOTSUPP);
    expect_eq("fallocate past the largest file", wali_fallocate((int)fd, 0, 0x7fffffffffffffffLL, 2), -EFBIG);
    expect_eq("sync_file_range of a negative length", wali_sync_file_range((int)fd, 0, -1, SYNC_FILE_RANGE_WRITE), -EINVAL);
    int p[2];
    wali_pipe(p);
    expect_eq("fsync a pipe", wali_fsync(p[0]), -EINVAL);
    expect_eq("fadvise a pipe", wali_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL), -ESPIPE);
    expect_eq("ftruncate a pipe", wali_ftruncate(p[1], 0), -EINVAL);
    expect_eq("readahead a pipe", wali_readahead(p[0], 0, 1), -EINVAL);
    expect_eq("copy_file_range to a pipe", wali_copy_file_range((int)fd, NULL, p[1], NULL, 1, 0), -EINVAL);
    expect_eq("inotify_add_watch on a pipe", wali_inotify_add_watch(p[0], "f", 0x100), -EINVAL);
    wali_close(p[0]);
    wali_close(p[1]);

    put("-- invalid flags, modes and values\n");
    expect_eq("open O_TMPFILE read-only", wali_open(".", O_TMPFILE | O_RDONLY, 0600), -EINVAL);
    expect_eq("newfstatat flags", wali_newfstatat(AT_FDCWD, "f", &st, 0x40000000), -EINVAL);
    expect_eq("statx flags", wali_statx(AT_FDCWD, "f", 0x40000000, STATX_BASIC_STATS, &stx), -EINVAL);
    expect_eq("statx reserved mask", wali_statx(AT_FDCWD, "f", 0, STATX__RESERVED, &stx), -EINVAL);
    expect_eq("linkat flags", wali_linkat(AT_FDCWD, "f", AT_FDCWD, "n", 0x1), -EINVAL);
    expect_eq("unlinkat flags", wali_unlinkat(AT_FDCWD, "f", 0x1), -EINVAL);
    expect_eq("renameat2 flags", wali_renameat2(AT_FDCWD, "f", AT_FDCWD, "n", 0x100), -EINVAL);
    expect_eq("renameat2 noreplace|exchange", wali_renameat2(AT_FDCWD, "f", AT_FDCWD, "n", RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
    expect_eq("fchownat flags", wali_fchownat(AT_FDCWD, "f", -1, -1, 0x1), -EINVAL);
    expect_eq("utimensat flags", wali_utimensat(AT_FDCWD, "f", ts, 0x1), -EINVAL);
    struct timespec badts[2] = {{0, -1}, {0, 0}};
    expect_eq("utimensat nsec", wali_utimensat(AT_FDCWD, "f", badts, 0), -EINVAL);
    struct timeval badtv[2] = {{0, 0}, {0, 1000000}};
    expect_eq("utimes usec", wali_utimes("f", badtv), -EINVAL);
    expect_eq("futimesat usec", wali_futimesat(AT_FDCWD, "f", badtv), -EINVAL);
    expect_eq("mknod unknown file type", wali_mknod("n", 0170000 | 0644, 0), -EINVAL);
    expect_eq("mknodat a directory", wali_mknodat(AT_FDCWD, "n", S_IFDIR | 0755, 0), -EPERM);
    expect_eq("access mode", wali_access("f", 0x10), -EINVAL);
    expect_eq("faccessat mode", wali_faccessat(AT_FDCWD, "f", -1, 0), -EINVAL);
    expect_eq("faccessat2 flags", wali_faccessat2(AT_FDCWD, "f", F_OK, 0x1), -EINVAL);
    expect_eq("truncate negative", wali_truncate("f", -1), -EINVAL);
    expect_eq("ftruncate negative", wali_ftruncate((int)fd, -1), -EINVAL);
    expect_eq("ftruncate beyond 2^63", wali_ftruncate((int)fd, (long)(1ul << 63)), -EINVAL);
    expect_eq("fadvise advice", wali_fadvise((int)fd, 0, 0, 99), -EINVAL);
    expect_eq("fadvise negative length", wali_fadvise((int)fd, 0, -5, POSIX_FADV_NORMAL), -EINVAL);
    expect_eq("flock operation 0", wali_flock((int)fd, 0), -EINVAL);
    expect_eq("flock operation 3", wali_flock((int)fd, 3), -EINVAL);
    expect_eq("copy_file_range flags", wali_copy_file_range((int)fd, NULL, (int)fd, NULL, 1, ~0), -EINVAL);
    long in = wali_inotify_init1(O_CLOEXEC);
    expect_eq("inotify_add_watch no events", wali_inotify_add_watch((int)in, "f", 0), -EINVAL);
    expect_eq("inotify_add_watch add and create", wali_inotify_add_watch((int)in, "f", 0x100 | 0x20000000 | 0x10000000), -EINVAL);
    expect_eq("inotify_rm_watch unknown watch", wali_inotify_rm_watch((int)in, 12345), -EINVAL);
    wali_close((int)in);
    expect_eq("inotify_init1 every flag", wali_inotify_init1(~0), -EINVAL);
    expect_eq("memfd_create every flag", wali_memfd_create("m", ~0), -EINVAL);
    /* The calls without arguments: sync always succeeds; new descriptors
     * past the descriptor limit are EMFILE. */
    expect_eq("sync", wali_sync(), 0);
    struct rlimit lim, few = {3, 0};
    expect_eq("getrlimit NOFILE", wali_getrlimit(RLIMIT_NOFILE, &lim), 0);
    few.rlim_max = lim.rlim_max;
    expect_eq("allow only 3 descriptors", wali_setrlimit(RLIMIT_NOFILE, &few), 0);
    expect_eq("inotify_init past the limit", wali_inotify_init(), -EMFILE);
    expect_eq("inotify_init1 past the limit", wali_inotify_init1(O_CLOEXEC), -EMFILE);
    expect_eq("memfd_create past the limit", wali_memfd_create("m", 0), -EMFILE);
    expect_eq("restore the limit", wali_setrlimit(RLIMIT_NOFILE, &lim), 0);
    long old = wali_umask(0xffffffff);
    expect_eq("umask keeps only 0777", wali_umask((int)old), 0777);
    wali_close((int)fd);
}

#ifdef __wasm__
static void try_mem(const char *label, int dirfd, const char *path, int flags) {
    long r = wali_openat(dirfd, (void *)path, flags, 0);
    expect_eq(label, r, -EACCES);
    if (r >= 0) wali_close((int)r);
    struct lt_open_how how = {(unsigned)flags, 0, 0};
    r = wali_openat2(dirfd, (void *)path, &how, sizeof how);
    expect_eq(label, r, -EACCES);
    if (r >= 0) wali_close((int)r);
}

/* The runtime's memory, reached every way we can think of, must never be
 * handed out: the guest would rewrite Lamina itself through it. */
static void process_memory(void) {
    char p[128];
    put("-- /proc/<pid>/mem\n");
    try_mem("/proc/self/mem O_RDWR", AT_FDCWD, "/proc/self/mem", O_RDWR);
    try_mem("/proc/self/mem O_RDONLY", AT_FDCWD, "/proc/self/mem", O_RDONLY);
    try_mem("/proc/self/mem O_WRONLY", AT_FDCWD, "/proc/self/mem", O_WRONLY | O_CLOEXEC);
    try_mem("/proc/self/mem O_PATH", AT_FDCWD, "/proc/self/mem", O_PATH);
    try_mem("/proc/self/mem O_CREAT", AT_FDCWD, "/proc/self/mem", O_RDWR | O_CREAT);
    try_mem("/proc/self/mem O_TRUNC|O_APPEND", AT_FDCWD, "/proc/self/mem", O_WRONLY | O_TRUNC | O_APPEND);
    expect_eq("open (not openat)", wali_open("/proc/self/mem", O_RDWR, 0), -EACCES);
    try_mem("/proc/thread-self/mem", AT_FDCWD, "/proc/thread-self/mem", O_RDWR);
    p[0] = 0;
    lt_cat(lt_cat_long(lt_cat(p, "/proc/"), wali_getpid()), "/mem");
    try_mem("/proc/<pid>/mem", AT_FDCWD, p, O_RDWR);
    p[0] = 0;
    lt_cat(lt_cat_long(lt_cat(p, "/proc/self/task/"), wali_gettid()), "/mem");
    try_mem("/proc/self/task/<tid>/mem", AT_FDCWD, p, O_RDWR);
    p[0] = 0;
    lt_cat(lt_cat_long(lt_cat(lt_cat_long(lt_cat(p, "/proc/"), wali_getpid()), "/task/"), wali_gettid()), "/mem");
    try_mem("/proc/<pid>/task/<tid>/mem", AT_FDCWD, p, O_RDWR);
    try_mem("dot-dot spelling", AT_FDCWD, "/proc/self/../self/./mem", O_RDWR);
    try_mem("doubled slashes", AT_FDCWD, "//proc///self//mem", O_RDWR);
    try_mem("via /proc/self/root", AT_FDCWD, "/proc/self/root/proc/self/mem", O_RDWR);
    try_mem("via /proc/self/cwd", AT_FDCWD, "/proc/self/cwd/../../../../../../../../proc/self/mem", O_RDWR);

    expect_eq("symlink to mem", wali_symlink("/proc/self/mem", "memlink"), 0);
    try_mem("through a symlink", AT_FDCWD, "memlink", O_RDWR);
    expect_eq("symlink to /proc/self", wali_symlink("/proc/self", "selflink"), 0);
    try_mem("through a directory symlink", AT_FDCWD, "selflink/mem", O_RDWR);
    expect_eq("relative symlink chain", wali_symlink("memlink", "memlink2"), 0);
    try_mem("through a symlink chain", AT_FDCWD, "memlink2", O_RDWR);

    long self = wali_open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_true("open /proc/self", self >= 0);
    try_mem("openat(/proc/self fd, mem)", (int)self, "mem", O_RDWR);
    long proc = wali_open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    try_mem("openat(/proc O_PATH fd, self/mem)", (int)proc, "self/mem", O_RDWR);
    try_mem("openat(/proc fd, thread-self/mem)", (int)proc, "thread-self/mem", O_RDWR);
    p[0] = 0;
    lt_cat(lt_cat_long(lt_cat(p, "/proc/self/fd/"), self), "/mem");
    try_mem("through /proc/self/fd/<dirfd>/mem", AT_FDCWD, p, O_RDWR);
    long task = wali_openat((int)self, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    p[0] = 0;
    lt_cat(lt_cat_long(p, wali_gettid()), "/mem");
    try_mem("openat(task fd, <tid>/mem)", (int)task, p, O_RDWR);
    wali_close((int)task);

    long here = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("chdir /proc/self", wali_chdir("/proc/self"), 0);
    try_mem("relative to a /proc/self cwd", AT_FDCWD, "mem", O_RDWR);
    try_mem("./mem", AT_FDCWD, "./mem", O_RDWR);
    expect_eq("back", wali_fchdir((int)here), 0);

    /* Other procfs files stay available. */
    long maps = wali_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    expect_true("/proc/self/maps opens", maps >= 0);
    wali_close((int)maps);
    long st8 = wali_openat((int)self, "status", O_RDONLY | O_CLOEXEC, 0);
    expect_true("/proc/self/status opens", st8 >= 0);
    expect_true("and reads", wali_read((int)st8, buf, sizeof buf) > 0);
    wali_close((int)st8);
    long mi = wali_open("/proc/meminfo", O_RDONLY | O_CLOEXEC, 0);
    expect_true("/proc/meminfo opens", mi >= 0);
    wali_close((int)mi);

    /* After a chroot (root only), /proc is whatever the guest put there: a
     * fake tree whose thread-self/fd/<n> links name harmless files must not
     * fool the check. The real procfs stays reachable through `self`. */
    expect_eq("mkdir proc", wali_mkdir("proc", 0755), 0);
    expect_eq("mkdir proc/thread-self", wali_mkdir("proc/thread-self", 0755), 0);
    expect_eq("mkdir proc/thread-self/fd", wali_mkdir("proc/thread-self/fd", 0755), 0);
    expect_eq("mkdir proc/self", wali_mkdir("proc/self", 0755), 0);
    expect_eq("mkdir proc/self/fd", wali_mkdir("proc/self/fd", 0755), 0);
    for (int n = 0; n < 64; n++) {
        char l[64] = "proc/thread-self/fd/";
        lt_cat_long(l, n);
        wali_symlink("/harmless", l);
        char m[64] = "proc/self/fd/";
        lt_cat_long(m, n);
        wali_symlink("/harmless", m);
    }
    long r = wali_chroot(".");
    if (r == 0) {
        try_mem("after chroot into a fake /proc", (int)self, "mem", O_RDWR);
        try_mem("after chroot, O_RDONLY", (int)self, "mem", O_RDONLY);
        maps = wali_openat((int)self, "maps", O_RDONLY | O_CLOEXEC, 0);
        /* Without a real /proc to ask, procfs files cannot be told apart
         * from mem files any more, so they are refused too. */
        expect_eq("after chroot, other procfs files are refused", maps, -EACCES);
        if (maps >= 0) wali_close((int)maps);
    } else {
        expect_eq("chroot refused to non-root", r, -EPERM);
    }
    wali_close((int)here);
    wali_close((int)proc);
    wali_close((int)self);
}
#endif

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    bad_paths();
    bad_buffers();
    bad_fds_and_flags();
#ifdef __wasm__
    process_memory();
#endif
    return lt_failures;
}
