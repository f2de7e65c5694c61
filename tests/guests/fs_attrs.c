/* File attributes and state: the chmod and chown families, utimensat,
 * utimes and futimesat, access/faccessat/faccessat2, truncate/ftruncate,
 * fsync/fdatasync/sync_file_range, sync/syncfs, fallocate, fadvise, readahead, flock and umask, each read back. Runs in an
 * empty scratch directory. */
#include "lt_fs.h"

static struct stat st;

static long mode_of(const char *path) {
    return wali_stat((void *)path, &st) == 0 ? (long)(st.st_mode & 07777) : -1;
}

static void modes(void) {
    expect_eq("umask set", wali_umask(022) >= 0, 1);
    expect_eq("umask returns the old mask", wali_umask(027), 022);
    expect_eq("create under umask 027", lt_write_file("masked", "m"), 1);
    expect_eq("umask applied", mode_of("masked"), 0640);
    expect_eq("umask restored", wali_umask(022), 027);
    expect_eq("umask keeps only permission bits", (wali_umask(0177777), wali_umask(022)), 0777);

    expect_eq("create data", lt_write_file("data", "0123456789"), 10);
    expect_eq("chmod", wali_chmod("data", 0600), 0);
    expect_eq("chmod read back", mode_of("data"), 0600);
    long fd = wali_open("data", O_RDWR | O_CLOEXEC, 0);
    expect_eq("fchmod", wali_fchmod((int)fd, 0640), 0);
    expect_eq("fchmod read back", mode_of("data"), 0640);
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("fchmodat", wali_fchmodat((int)dir, "data", 0604, 0), 0);
    expect_eq("fchmodat read back", mode_of("data"), 0604);
    expect_eq("chmod with the sticky bit", wali_chmod("data", 01644), 0);
    expect_eq("sticky bit read back", mode_of("data"), 01644);
    expect_eq("chmod 0644", wali_chmod("data", 0644), 0);
    expect_eq("chmod missing", wali_chmod("missing", 0644), -ENOENT);
    expect_eq("fchmod bad fd", wali_fchmod(-1, 0644), -EBADF);
    expect_eq("fchmodat bad dirfd", wali_fchmodat(-1, "data", 0644, 0), -EBADF);
    expect_eq("fchmodat missing", wali_fchmodat((int)dir, "missing", 0644, 0), -ENOENT);

    /* Ownership: give the file to its current owner and group (allowed to
     * any user) and check nothing else changed. */
    struct stat before;
    wali_fstat((int)fd, &before);
    int uid = (int)before.st_uid, gid = (int)before.st_gid;
    expect_eq("chown to the current owner", wali_chown("data", uid, gid), 0);
    expect_eq("chown -1 -1", wali_chown("data", -1, -1), 0);
    expect_eq("fchown", wali_fchown((int)fd, uid, -1), 0);
    expect_eq("symlink for lchown", wali_symlink("data", "lnk"), 0);
    expect_eq("fchownat nofollow", wali_fchownat((int)dir, "lnk", uid, gid, AT_SYMLINK_NOFOLLOW), 0);
    expect_eq("fchownat follow", wali_fchownat(AT_FDCWD, "lnk", -1, gid, 0), 0);
    expect_eq("fchownat empty path", wali_fchownat((int)fd, "", uid, gid, AT_EMPTY_PATH), 0);
    /* lchown changes the link itself: a dangling link, which chown cannot
     * follow, can still be given an owner. */
    expect_eq("lchown a link", wali_lchown("lnk", uid, gid), 0);
    expect_eq("dangling symlink to own", wali_symlink("nowhere", "dangling-owned"), 0);
    expect_eq("chown follows a dangling link", wali_chown("dangling-owned", uid, gid), -ENOENT);
    expect_eq("lchown does not follow it", wali_lchown("dangling-owned", uid, -1), 0);
    expect_eq("lchown missing", wali_lchown("missing", uid, gid), -ENOENT);
    if (uid == 0) {
        /* As root the owner can really change: on the link, not its target. */
        struct stat l;
        expect_eq("lchown to another owner", wali_lchown("lnk", 1234, 4321), 0);
        expect_eq("lstat the link", wali_lstat("lnk", &l), 0);
        expect_true("the link changed owner", l.st_uid == 1234 && l.st_gid == 4321);
        expect_eq("stat the target", wali_stat("lnk", &l), 0);
        expect_true("the target kept its owner", l.st_uid == 0 && l.st_gid == (unsigned)gid);
    }
    wali_stat("data", &st);
    expect_true("owner unchanged", st.st_uid == (unsigned)uid && st.st_gid == (unsigned)gid);
    expect_eq("chown missing", wali_chown("missing", uid, gid), -ENOENT);
    expect_eq("fchown bad fd", wali_fchown(-1, uid, gid), -EBADF);
    expect_eq("fchownat bad flags", wali_fchownat((int)dir, "data", uid, gid, 0x1), -EINVAL);
    wali_close((int)fd);
    wali_close((int)dir);
}

static void times(void) {
    struct timespec ts[2] = {{1000, 500}, {2000, 600}};
    expect_eq("utimensat", wali_utimensat(AT_FDCWD, "data", ts, 0), 0);
    wali_stat("data", &st);
    expect_true("utimensat atime", st.st_atim.tv_sec == 1000 && st.st_atim.tv_nsec == 500);
    expect_true("utimensat mtime", st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 600);

    long fd = wali_open("data", O_RDWR | O_CLOEXEC, 0);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {3000, 0}};
    expect_eq("utimensat on an fd (NULL path)", wali_utimensat((int)fd, NULL, omit, 0), 0);
    wali_fstat((int)fd, &st);
    expect_true("UTIME_OMIT kept atime", st.st_atim.tv_sec == 1000);
    expect_true("futimens mtime", st.st_mtim.tv_sec == 3000 && st.st_mtim.tv_nsec == 0);

    struct timespec lts[2] = {{1500, 0}, {2500, 0}};
    expect_eq("utimensat nofollow", wali_utimensat(AT_FDCWD, "lnk", lts, AT_SYMLINK_NOFOLLOW), 0);
    wali_lstat("lnk", &st);
    expect_true("symlink's own mtime", st.st_mtim.tv_sec == 2500);
    wali_stat("data", &st);
    expect_true("target untouched", st.st_mtim.tv_sec == 3000);

    expect_eq("utimensat NULL times", wali_utimensat(AT_FDCWD, "data", NULL, 0), 0);
    wali_stat("data", &st);
    expect_true("NULL times means now", st.st_mtim.tv_sec > 1000000000);
    expect_eq("utimensat missing", wali_utimensat(AT_FDCWD, "missing", ts, 0), -ENOENT);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    expect_eq("utimensat bad nsec", wali_utimensat(AT_FDCWD, "data", bad, 0), -EINVAL);
    expect_eq("utimensat bad flags", wali_utimensat(AT_FDCWD, "data", ts, 0x1), -EINVAL);
    expect_eq("utimensat bad fd", wali_utimensat(-1, NULL, ts, 0), -EBADF);

    struct timeval tv[2] = {{3000, 7}, {4000, 8}};
    expect_eq("utimes", wali_utimes("data", tv), 0);
    wali_stat("data", &st);
    expect_true("utimes atime", st.st_atim.tv_sec == 3000 && st.st_atim.tv_nsec == 7000);
    expect_true("utimes mtime", st.st_mtim.tv_sec == 4000 && st.st_mtim.tv_nsec == 8000);
    expect_eq("utimes NULL times", wali_utimes("data", NULL), 0);
    wali_stat("data", &st);
    expect_true("utimes now", st.st_mtim.tv_sec > 1000000000);
    expect_eq("utimes missing", wali_utimes("missing", tv), -ENOENT);
    struct timeval badtv[2] = {{0, 1000000}, {0, 0}};
    expect_eq("utimes bad usec", wali_utimes("data", badtv), -EINVAL);

    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    struct timeval tv2[2] = {{5000, 1}, {6000, 2}};
    expect_eq("futimesat", wali_futimesat((int)dir, "data", tv2), 0);
    wali_stat("data", &st);
    expect_true("futimesat atime", st.st_atim.tv_sec == 5000 && st.st_atim.tv_nsec == 1000);
    expect_true("futimesat mtime", st.st_mtim.tv_sec == 6000 && st.st_mtim.tv_nsec == 2000);
    struct timeval tv3[2] = {{7000, 0}, {8000, 0}};
    expect_eq("futimesat AT_FDCWD", wali_futimesat(AT_FDCWD, "data", tv3), 0);
    expect_true("futimesat AT_FDCWD mtime", (wali_stat("data", &st), st.st_mtim.tv_sec == 8000));
    struct timeval tv4[2] = {{9000, 0}, {9500, 0}};
    expect_eq("futimesat on an fd (NULL path)", wali_futimesat((int)fd, NULL, tv4), 0);
    expect_true("futimesat fd mtime", (wali_fstat((int)fd, &st), st.st_mtim.tv_sec == 9500));
    expect_eq("futimesat missing", wali_futimesat((int)dir, "missing", tv), -ENOENT);
    expect_eq("futimesat bad dirfd", wali_futimesat(-1, "data", tv), -EBADF);
    wali_close((int)dir);
    wali_close((int)fd);
}

static void creat_and_utime(void) {
    long fd = wali_creat("made", 0640);
    expect_true("creat", fd >= 3);
    expect_eq("creat opens for writing", wali_write((int)fd, "abc", 3), 3);
    char c;
    expect_eq("creat does not open for reading", wali_read((int)fd, &c, 1), -EBADF);
    wali_close((int)fd);
    fd = wali_creat("made", 0600);
    struct stat st;
    expect_eq("creat truncates", (wali_fstat((int)fd, &st), st.st_size), 0);
    expect_eq("creat keeps the first mode", st.st_mode & 0777, 0640);
    wali_close((int)fd);
    expect_eq("creat in a missing directory", wali_creat("missing/x", 0600), -ENOENT);

    long long times2[2] = {11000, 12000}; /* struct utimbuf: actime, modtime */
    expect_eq("utime", wali_utime("made", times2), 0);
    wali_stat("made", &st);
    expect_true("utime times", st.st_atim.tv_sec == 11000 && st.st_mtim.tv_sec == 12000 && st.st_mtim.tv_nsec == 0);
    expect_eq("utime NULL is now", wali_utime("made", NULL), 0);
    expect_true("utime now", (wali_stat("made", &st), st.st_mtim.tv_sec > 1000000000));
    expect_eq("utime missing", wali_utime("missing", times2), -ENOENT);
}

/* User attributes: when the file system has none (ENOTSUP) both builds say
 * so and stop there. */
static void xattrs(void) {
    lt_write_file("attrs", "x");
    long r = wali_setxattr("attrs", "user.lamina", "v1", 2, 0);
    show("setxattr", r);
    if (r != 0) return;
    char buf[64];
    memset(buf, 0, sizeof buf);
    expect_eq("getxattr", wali_getxattr("attrs", "user.lamina", buf, sizeof buf), 2);
    expect_true("value read back", buf[0] == 'v' && buf[1] == '1');
    expect_eq("getxattr size query", wali_getxattr("attrs", "user.lamina", NULL, 0), 2);
    expect_eq("getxattr buffer too small", wali_getxattr("attrs", "user.lamina", buf, 1), -ERANGE);
    expect_eq("getxattr missing", wali_getxattr("attrs", "user.none", buf, sizeof buf), -61 /* ENODATA */);
    expect_eq("setxattr XATTR_CREATE existing", wali_setxattr("attrs", "user.lamina", "v2", 2, 1), -17 /* EEXIST */);
    expect_eq("setxattr XATTR_REPLACE missing", wali_setxattr("attrs", "user.other", "v", 1, 2), -61);
    expect_eq("setxattr empty name", wali_setxattr("attrs", "", "v", 1, 0), -ERANGE);
    expect_eq("setxattr unknown namespace", wali_setxattr("attrs", "bogus.x", "v", 1, 0), -EOPNOTSUPP);
    long fd = wali_open("attrs", O_RDWR | O_CLOEXEC, 0);
    expect_eq("fsetxattr", wali_fsetxattr((int)fd, "user.second", "two", 3, 0), 0);
    expect_eq("fgetxattr", wali_fgetxattr((int)fd, "user.second", buf, sizeof buf), 3);
    long n = wali_listxattr("attrs", buf, sizeof buf);
    expect_true("listxattr both names", n >= 24);
    int found = 0;
    for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
        found += lt_streq(buf + i, "user.lamina") || lt_streq(buf + i, "user.second");
    expect_eq("listxattr names", found, 2);
    expect_eq("flistxattr", wali_flistxattr((int)fd, buf, sizeof buf), n);
    expect_eq("llistxattr size query", wali_llistxattr("attrs", NULL, 0), n);
    expect_eq("listxattr too small", wali_listxattr("attrs", buf, 3), -ERANGE);
    expect_eq("lsetxattr", wali_lsetxattr("attrs", "user.third", "3", 1, 0), 0);
    expect_eq("lgetxattr", wali_lgetxattr("attrs", "user.third", buf, sizeof buf), 1);
    expect_eq("removexattr", wali_removexattr("attrs", "user.lamina"), 0);
    expect_eq("lremovexattr", wali_lremovexattr("attrs", "user.third"), 0);
    expect_eq("fremovexattr", wali_fremovexattr((int)fd, "user.second"), 0);
    expect_eq("nothing left", wali_flistxattr((int)fd, buf, sizeof buf), 0);
    expect_eq("removexattr missing", wali_removexattr("attrs", "user.lamina"), -61);
    expect_eq("fgetxattr bad fd", wali_fgetxattr(-1, "user.x", buf, sizeof buf), -EBADF);
    /* On a symlink itself: user attributes are not allowed there. */
    expect_eq("symlink to attrs", wali_symlink("attrs", "attrs-link"), 0);
    expect_eq("lsetxattr on a symlink", wali_lsetxattr("attrs-link", "user.x", "v", 1, 0), -EPERM);
    expect_eq("setxattr through a symlink", wali_setxattr("attrs-link", "user.x", "v", 1, 0), 0);
    expect_eq("read through the file", wali_fgetxattr((int)fd, "user.x", buf, sizeof buf), 1);
    wali_close((int)fd);
}

static void access_checks(void) {
    expect_eq("access R_OK|W_OK", wali_access("data", R_OK | W_OK), 0);
    expect_eq("access F_OK", wali_access("data", F_OK), 0);
    /* No execute bit anywhere: refused even to root. */
    expect_eq("access X_OK", wali_access("data", X_OK), -EACCES);
    expect_eq("access missing", wali_access("missing", F_OK), -ENOENT);
    expect_eq("access bad mode", wali_access("data", 0x10), -EINVAL);
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("faccessat", wali_faccessat((int)dir, "data", R_OK, 0), 0);
    expect_eq("faccessat X_OK", wali_faccessat((int)dir, "data", X_OK, 0), -EACCES);
    expect_eq("faccessat missing", wali_faccessat((int)dir, "missing", F_OK, 0), -ENOENT);
    expect_eq("faccessat bad dirfd", wali_faccessat(-1, "data", F_OK, 0), -EBADF);
    expect_eq("dangling symlink", wali_symlink("nowhere", "dangling"), 0);
    expect_eq("faccessat2 follows", wali_faccessat2(AT_FDCWD, "dangling", F_OK, 0), -ENOENT);
    expect_eq("faccessat2 nofollow", wali_faccessat2(AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW), 0);
    expect_eq("faccessat2 AT_EACCESS", wali_faccessat2((int)dir, "data", R_OK | W_OK, AT_EACCESS), 0);
    long fd = wali_open("data", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("faccessat2 empty path", wali_faccessat2((int)fd, "", R_OK, AT_EMPTY_PATH), 0);
    wali_close((int)fd);
    expect_eq("faccessat2 bad flags", wali_faccessat2((int)dir, "data", F_OK, 0x1), -EINVAL);
    expect_eq("faccessat2 bad mode", wali_faccessat2((int)dir, "data", 0x10, 0), -EINVAL);
    wali_close((int)dir);
}

static void sizes(void) {
    expect_eq("truncate up", wali_truncate("data", 100), 0);
    expect_eq("size after truncate up", (wali_stat("data", &st), st.st_size), 100);
    expect_eq("truncate down", wali_truncate("data", 5), 0);
    expect_eq("size after truncate down", (wali_stat("data", &st), st.st_size), 5);
    char text[16];
    expect_eq("content kept", lt_read_file("data", text, sizeof text), 5);
    expect_true("content prefix", lt_streq(text, "01234"));
    expect_eq("truncate missing", wali_truncate("missing", 0), -ENOENT);
    expect_eq("truncate negative", wali_truncate("data", -1), -EINVAL);
    expect_eq("truncate a directory", wali_truncate(".", 0), -EISDIR);
    long fd = wali_open("data", O_RDWR | O_CLOEXEC, 0);
    expect_eq("ftruncate up", wali_ftruncate((int)fd, 1l << 33), 0);
    expect_eq("size is 8 GiB (64-bit length)", (wali_fstat((int)fd, &st), st.st_size), 1l << 33);
    expect_eq("ftruncate to zero", wali_ftruncate((int)fd, 0), 0);
    expect_eq("size zero", (wali_fstat((int)fd, &st), st.st_size), 0);
    expect_eq("ftruncate negative", wali_ftruncate((int)fd, -1), -EINVAL);
    expect_eq("ftruncate bad fd", wali_ftruncate(-1, 0), -EBADF);
    long ro = wali_open("data", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("ftruncate read-only fd", wali_ftruncate((int)ro, 0), -EINVAL);
    wali_close((int)ro);
    wali_close((int)fd);
}

static void syncing_and_locks(void) {
    long fd = wali_open("data", O_RDWR | O_CLOEXEC, 0);
    expect_eq("write", wali_write((int)fd, "synced", 6), 6);
    expect_eq("fsync", wali_fsync((int)fd), 0);
    expect_eq("fdatasync", wali_fdatasync((int)fd), 0);
    /* Offsets and lengths are 64-bit: a range past 4 GiB, and 0 for "to the end". */
    expect_eq("sync_file_range write", wali_sync_file_range((int)fd, 0, 6, SYNC_FILE_RANGE_WRITE), 0);
    long room = wali_open("room", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    struct stat grown;
    expect_eq("fallocate 8 KiB", wali_fallocate((int)room, 0, 0, 8192), 0);
    expect_eq("fstat after fallocate", wali_fstat((int)room, &grown), 0);
    expect_eq("fallocate grew the size", grown.st_size, 8192);
    expect_eq("fallocate keep size", wali_fallocate((int)room, FALLOC_FL_KEEP_SIZE, 8192, 4096), 0);
    expect_eq("fstat after keep size", wali_fstat((int)room, &grown), 0);
    expect_eq("fallocate kept the size", grown.st_size, 8192);
    expect_eq("fallocate zero length", wali_fallocate((int)room, 0, 0, 0), -EINVAL);
    expect_eq("fallocate negative offset", wali_fallocate((int)room, 0, -1, 10), -EINVAL);
    wali_close((int)room);
    expect_eq("unlink room", wali_unlink("room"), 0);
    expect_eq("sync_file_range wait-write-wait",
              wali_sync_file_range((int)fd, 0, 0,
                                   SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER),
              0);
    expect_eq("sync_file_range past 4 GiB", wali_sync_file_range((int)fd, 0x100000000LL, 0x100000000LL, SYNC_FILE_RANGE_WRITE), 0);
    expect_eq("sync_file_range negative offset", wali_sync_file_range((int)fd, -1, 6, SYNC_FILE_RANGE_WRITE), -EINVAL);
    expect_eq("sync_file_range unknown flag", wali_sync_file_range((int)fd, 0, 6, 8), -EINVAL);
    expect_eq("sync", wali_sync(), 0);
    expect_eq("syncfs", wali_syncfs((int)fd), 0);
    expect_eq("readahead", wali_readahead((int)fd, 0, 4096), 0);
    expect_eq("readahead past 4 GiB", wali_readahead((int)fd, 1ll << 33, 4096), 0);
    expect_eq("readahead nothing", wali_readahead((int)fd, 0, 0), 0);
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("fsync a directory", wali_fsync((int)dir), 0);
    wali_close((int)dir);
    expect_eq("fsync bad fd", wali_fsync(-1), -EBADF);
    expect_eq("fdatasync bad fd", wali_fdatasync(-1), -EBADF);
    expect_eq("sync_file_range bad fd", wali_sync_file_range(-1, 0, 0, SYNC_FILE_RANGE_WRITE), -EBADF);
    expect_eq("syncfs bad fd", wali_syncfs(-1), -EBADF);
    expect_eq("readahead bad fd", wali_readahead(-1, 0, 10), -EBADF);
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    expect_eq("fsync a pipe", wali_fsync(p[0]), -EINVAL);
    expect_eq("fdatasync a pipe", wali_fdatasync(p[0]), -EINVAL);
    expect_eq("fadvise a pipe", wali_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL), -ESPIPE);
    expect_eq("readahead a pipe", wali_readahead(p[0], 0, 10), -EINVAL);
    expect_eq("syncfs a pipe", wali_syncfs(p[0]), 0);
    wali_close(p[0]);
    wali_close(p[1]);

    expect_eq("fadvise sequential", wali_fadvise((int)fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
    expect_eq("fadvise willneed", wali_fadvise((int)fd, 0, 4096, POSIX_FADV_WILLNEED), 0);
    expect_eq("fadvise dontneed (64-bit offset)", wali_fadvise((int)fd, 1l << 33, 1l << 32, POSIX_FADV_DONTNEED), 0);
    expect_eq("fadvise bad advice", wali_fadvise((int)fd, 0, 0, 99), -EINVAL);
    expect_eq("fadvise negative length", wali_fadvise((int)fd, 0, -1, POSIX_FADV_NORMAL), -EINVAL);
    expect_eq("fadvise bad fd", wali_fadvise(-1, 0, 0, POSIX_FADV_NORMAL), -EBADF);

    long other = wali_open("data", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("flock exclusive", wali_flock((int)fd, LOCK_EX), 0);
    expect_eq("flock conflicting exclusive", wali_flock((int)other, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
    expect_eq("flock conflicting shared", wali_flock((int)other, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
    expect_eq("flock unlock", wali_flock((int)fd, LOCK_UN), 0);
    expect_eq("flock shared", wali_flock((int)other, LOCK_SH | LOCK_NB), 0);
    expect_eq("flock second shared", wali_flock((int)fd, LOCK_SH | LOCK_NB), 0);
    expect_eq("flock upgrade blocked", wali_flock((int)other, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
    expect_eq("flock bad operation", wali_flock((int)fd, 0), -EINVAL);
    expect_eq("flock bad fd", wali_flock(-1, LOCK_EX), -EBADF);
    wali_close((int)other);
    wali_close((int)fd);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    modes();
    times();
    creat_and_utime();
    xattrs();
    access_checks();
    sizes();
    syncing_and_locks();
    return lt_failures;
}
