/* Files and names: open/openat, the stat family, getdents64, links and
 * symlinks, unlink, rename/renameat2, mkdir/mkdirat/rmdir, mknod/mknodat
 * (FIFOs and regular files), with their side
 * effects read back and the usual errno cases. Runs in an empty scratch
 * directory. */
#include "lt_fs.h"

static void opening(void) {
    expect_eq("umask set", wali_umask(022) >= 0, 1);
    long fd = wali_open("data", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    expect_true("open creates", fd >= 0);
    expect_eq("write", wali_write((int)fd, "hello, files\n", 13), 13);
    expect_eq("close", wali_close((int)fd), 0);
    expect_eq("open O_EXCL on an existing file", wali_open("data", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
    expect_eq("open missing", wali_open("missing", O_RDONLY, 0), -ENOENT);
    expect_eq("open through a file", wali_open("data/x", O_RDONLY, 0), -ENOTDIR);
    expect_eq("open O_DIRECTORY on a file", wali_open("data", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    expect_eq("open a directory for writing", wali_open(".", O_WRONLY, 0), -EISDIR);

    char text[64];
    expect_eq("read back", lt_read_file("data", text, sizeof text), 13);
    expect_true("content", lt_streq(text, "hello, files\n"));

    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_true("open .", dir >= 0);
    fd = wali_openat((int)dir, "data", O_RDONLY | O_CLOEXEC, 0);
    expect_true("openat relative to a directory fd", fd >= 0);
    expect_eq("read via openat", wali_read((int)fd, text, 5), 5);
    expect_true("openat content", memcmp(text, "hello", 5) == 0);
    wali_close((int)fd);
    fd = wali_openat(AT_FDCWD, "data", O_WRONLY | O_APPEND | O_CLOEXEC, 0);
    expect_eq("append via openat", wali_write((int)fd, "more\n", 5), 5);
    wali_close((int)fd);
    expect_eq("openat missing", wali_openat((int)dir, "missing", O_RDONLY, 0), -ENOENT);
    expect_eq("openat with a bad dirfd", wali_openat(-1, "data", O_RDONLY, 0), -EBADF);
    fd = wali_openat((int)dir, "data", O_RDONLY, 0);
    expect_eq("openat with a file as dirfd", wali_openat((int)fd, "x", O_RDONLY, 0), -ENOTDIR);
    wali_close((int)fd);
    wali_close((int)dir);
}

static void metadata(void) {
    struct stat st;
    expect_eq("stat", wali_stat("data", &st), 0);
    expect_eq("stat size", st.st_size, 18);
    expect_eq("stat type", st.st_mode & S_IFMT, S_IFREG);
    expect_eq("stat mode (umask applied)", st.st_mode & 07777, 0644);
    expect_eq("stat nlink", st.st_nlink, 1);
    expect_eq("stat missing", wali_stat("missing", &st), -ENOENT);
    expect_eq("stat through a file", wali_stat("data/x", &st), -ENOTDIR);

    expect_eq("symlink", wali_symlink("data", "lnk"), 0);
    expect_eq("lstat", wali_lstat("lnk", &st), 0);
    expect_eq("lstat type", st.st_mode & S_IFMT, S_IFLNK);
    expect_eq("lstat size is the target length", st.st_size, 4);
    expect_eq("stat follows", wali_stat("lnk", &st), 0);
    expect_eq("stat through the link", st.st_size, 18);

    long fd = wali_open("data", O_RDONLY | O_CLOEXEC, 0);
    struct stat fst;
    expect_eq("fstat", wali_fstat((int)fd, &fst), 0);
    expect_true("fstat is the same file", fst.st_ino == st.st_ino && fst.st_dev == st.st_dev);
    expect_eq("fstat size", fst.st_size, 18);

    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("newfstatat", wali_newfstatat((int)dir, "data", &st, 0), 0);
    expect_eq("newfstatat size", st.st_size, 18);
    expect_eq("newfstatat nofollow", wali_newfstatat((int)dir, "lnk", &st, AT_SYMLINK_NOFOLLOW), 0);
    expect_eq("newfstatat nofollow type", st.st_mode & S_IFMT, S_IFLNK);
    expect_eq("newfstatat empty path", wali_newfstatat((int)fd, "", &st, AT_EMPTY_PATH), 0);
    expect_eq("newfstatat empty path size", st.st_size, 18);
    expect_eq("newfstatat of a directory", wali_newfstatat(AT_FDCWD, ".", &st, 0), 0);
    expect_eq("directory type", st.st_mode & S_IFMT, S_IFDIR);
    /* NULL with AT_EMPTY_PATH is accepted from Linux 6.11: the kernel decides. */
    show("newfstatat NULL path", wali_newfstatat((int)fd, NULL, &st, AT_EMPTY_PATH));
    expect_eq("newfstatat missing", wali_newfstatat((int)dir, "missing", &st, 0), -ENOENT);
    expect_eq("newfstatat bad flags", wali_newfstatat((int)dir, "data", &st, 0x40000000), -EINVAL);

    struct statx stx;
    memset(&stx, 0, sizeof stx);
    expect_eq("statx", wali_statx((int)dir, "data", 0, STATX_BASIC_STATS, &stx), 0);
    expect_true("statx mask has size", (stx.stx_mask & STATX_SIZE) != 0);
    expect_eq("statx size", stx.stx_size, 18);
    expect_eq("statx mode", stx.stx_mode, S_IFREG | 0644);
    expect_eq("statx nlink", stx.stx_nlink, 1);
    expect_eq("statx nofollow", wali_statx(AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx), 0);
    expect_eq("statx symlink type", stx.stx_mode & S_IFMT, S_IFLNK);
    expect_eq("statx empty path", wali_statx((int)fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx), 0);
    expect_eq("statx empty path size", stx.stx_size, 18);
    show("statx NULL path", wali_statx((int)fd, NULL, AT_EMPTY_PATH, STATX_SIZE, &stx));
    expect_eq("statx missing", wali_statx(AT_FDCWD, "missing", 0, STATX_SIZE, &stx), -ENOENT);
    wali_close((int)fd);
    wali_close((int)dir);
    expect_eq("fstat closed fd", wali_fstat((int)fd, &st), -EBADF);
    expect_eq("fstat bad fd", wali_fstat(-1, &st), -EBADF);
}

static void links(void) {
    char buf[64];
    memset(buf, 0, sizeof buf);
    expect_eq("readlink", wali_readlink("lnk", buf, sizeof buf), 4);
    expect_true("readlink content", memcmp(buf, "data", 4) == 0 && buf[4] == 0);
    expect_eq("readlink truncates", wali_readlink("lnk", buf, 2), 2);
    expect_eq("readlink of a file", wali_readlink("data", buf, sizeof buf), -EINVAL);
    expect_eq("readlink missing", wali_readlink("missing", buf, sizeof buf), -ENOENT);

    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("symlinkat", wali_symlinkat("no-such-target", (int)dir, "dangling"), 0);
    memset(buf, 0, sizeof buf);
    expect_eq("readlinkat", wali_readlinkat((int)dir, "dangling", buf, sizeof buf), 14);
    expect_true("readlinkat content", lt_streq(buf, "no-such-target"));
    struct stat st;
    expect_eq("stat of a dangling link", wali_stat("dangling", &st), -ENOENT);
    expect_eq("symlink onto an existing name", wali_symlink("x", "data"), -EEXIST);
    expect_eq("symlinkat with a bad dirfd", wali_symlinkat("x", -1, "y"), -EBADF);

    expect_eq("link", wali_link("data", "hard"), 0);
    expect_eq("stat after link", wali_stat("data", &st), 0);
    expect_eq("nlink after link", st.st_nlink, 2);
    expect_eq("link onto an existing name", wali_link("data", "hard"), -EEXIST);
    expect_eq("link missing", wali_link("missing", "x"), -ENOENT);
    expect_eq("linkat follow", wali_linkat(AT_FDCWD, "lnk", (int)dir, "hard2", AT_SYMLINK_FOLLOW), 0);
    expect_eq("linkat of a symlink target", wali_lstat("hard2", &st), 0);
    expect_eq("linkat made a regular file", st.st_mode & S_IFMT, S_IFREG);
    expect_eq("nlink after linkat", st.st_nlink, 3);
    expect_eq("linkat nofollow", wali_linkat((int)dir, "lnk", AT_FDCWD, "lnk2", 0), 0);
    expect_eq("linkat nofollow links the symlink", wali_lstat("lnk2", &st), 0);
    expect_eq("linked symlink type", st.st_mode & S_IFMT, S_IFLNK);
    expect_eq("linkat bad flags", wali_linkat(AT_FDCWD, "data", AT_FDCWD, "x", 0x1), -EINVAL);

    expect_eq("unlink", wali_unlink("hard"), 0);
    expect_eq("unlink again", wali_unlink("hard"), -ENOENT);
    expect_eq("unlinkat", wali_unlinkat((int)dir, "hard2", 0), 0);
    expect_eq("unlinkat symlink", wali_unlinkat((int)dir, "lnk2", 0), 0);
    expect_eq("nlink after unlinks", (wali_stat("data", &st), st.st_nlink), 1);
    expect_eq("unlink of a directory", wali_unlink("."), -EISDIR);
    expect_eq("unlinkat bad flags", wali_unlinkat((int)dir, "data", 0x1), -EINVAL);
    wali_close((int)dir);
}

static void renaming(void) {
    struct stat st;
    expect_eq("write a", lt_write_file("a", "aaaa"), 4);
    expect_eq("write b", lt_write_file("b", "bb"), 2);
    expect_eq("rename", wali_rename("a", "c"), 0);
    expect_eq("old name gone", wali_stat("a", &st), -ENOENT);
    expect_eq("new name there", (wali_stat("c", &st), st.st_size), 4);
    expect_eq("rename missing", wali_rename("a", "d"), -ENOENT);
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("renameat2 noreplace onto existing", wali_renameat2((int)dir, "c", (int)dir, "b", RENAME_NOREPLACE), -EEXIST);
    expect_eq("renameat2 exchange", wali_renameat2((int)dir, "c", AT_FDCWD, "b", RENAME_EXCHANGE), 0);
    expect_eq("exchanged b", (wali_stat("b", &st), st.st_size), 4);
    expect_eq("exchanged c", (wali_stat("c", &st), st.st_size), 2);
    expect_eq("renameat2 noreplace to a new name", wali_renameat2(AT_FDCWD, "c", (int)dir, "e", RENAME_NOREPLACE), 0);
    expect_eq("renameat2 result", (wali_stat("e", &st), st.st_size), 2);
    expect_eq("renameat2 plain replaces", wali_renameat2(AT_FDCWD, "e", AT_FDCWD, "b", 0), 0);
    expect_eq("replaced", (wali_stat("b", &st), st.st_size), 2);
    expect_eq("renameat2 bad flags", wali_renameat2(AT_FDCWD, "b", AT_FDCWD, "f", RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
    expect_eq("renameat2 bad dirfd", wali_renameat2(-1, "b", AT_FDCWD, "f", 0), -EBADF);
    /* renameat: renameat2 without flags, replacing the target. */
    expect_eq("renameat", wali_renameat((int)dir, "b", AT_FDCWD, "g"), 0);
    expect_eq("renameat result", (wali_stat("g", &st), st.st_size), 2);
    expect_eq("renameat old name gone", wali_stat("b", &st), -ENOENT);
    expect_eq("write h", lt_write_file("h", "hhh"), 3);
    expect_eq("renameat replaces", wali_renameat(AT_FDCWD, "h", (int)dir, "g"), 0);
    expect_eq("renameat replaced", (wali_stat("g", &st), st.st_size), 3);
    expect_eq("renameat missing", wali_renameat(AT_FDCWD, "h", AT_FDCWD, "i"), -ENOENT);
    expect_eq("renameat bad dirfd", wali_renameat(AT_FDCWD, "g", -1, "i"), -EBADF);
    expect_eq("renameat back", wali_renameat(AT_FDCWD, "g", AT_FDCWD, "b"), 0);
    wali_close((int)dir);
}

static void directories(void) {
    struct stat st;
    expect_eq("mkdir", wali_mkdir("sub", 0755), 0);
    expect_eq("mkdir mode", (wali_stat("sub", &st), st.st_mode & 07777), 0755);
    expect_eq("mkdir type", st.st_mode & S_IFMT, S_IFDIR);
    expect_eq("mkdir existing", wali_mkdir("sub", 0755), -EEXIST);
    expect_eq("mkdir under a file", wali_mkdir("data/sub", 0755), -ENOTDIR);
    expect_eq("mkdir missing parent", wali_mkdir("nope/sub", 0755), -ENOENT);
    long sub = wali_open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("mkdirat", wali_mkdirat((int)sub, "inner", 0700), 0);
    expect_eq("mkdirat mode", (wali_stat("sub/inner", &st), st.st_mode & 07777), 0700);
    expect_eq("file in sub", lt_write_file("sub/f1", "1"), 1);
    expect_eq("file 2 in sub", lt_write_file("sub/f2", "22"), 2);
    expect_eq("symlink in sub", wali_symlinkat("f1", (int)sub, "l1"), 0);

    struct lt_listing l;
    expect_eq("getdents64 lists", lt_list_dir((int)sub, &l), 0);
    expect_eq("entries seen", l.count, 4);
    expect_true("f1 listed as a file", lt_listed(&l, "f1", DT_REG));
    expect_true("f2 listed as a file", lt_listed(&l, "f2", DT_REG));
    expect_true("l1 listed as a link", lt_listed(&l, "l1", DT_LNK));
    expect_true("inner listed as a directory", lt_listed(&l, "inner", DT_DIR));
    static unsigned long small[2];
    expect_eq("getdents64 at the end", wali_getdents64((int)sub, small, sizeof small), 0);
    expect_eq("lseek back", wali_lseek((int)sub, 0, SEEK_SET), 0);
    expect_eq("getdents64 buffer too small", wali_getdents64((int)sub, small, 8), -EINVAL);
    long file = wali_open("data", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("getdents64 of a file", wali_getdents64((int)file, small, sizeof small), -ENOTDIR);
    wali_close((int)file);
    expect_eq("getdents64 bad fd", wali_getdents64(-1, small, sizeof small), -EBADF);

    expect_eq("rmdir non-empty", wali_rmdir("sub"), -ENOTEMPTY);
    expect_eq("rmdir a file", wali_rmdir("data"), -ENOTDIR);
    expect_eq("rmdir missing", wali_rmdir("missing"), -ENOENT);
    expect_eq("unlinkat a directory without AT_REMOVEDIR", wali_unlinkat((int)sub, "inner", 0), -EISDIR);
    expect_eq("unlinkat AT_REMOVEDIR", wali_unlinkat((int)sub, "inner", AT_REMOVEDIR), 0);
    expect_eq("unlinkat f1", wali_unlinkat((int)sub, "f1", 0), 0);
    expect_eq("unlinkat f2", wali_unlinkat((int)sub, "f2", 0), 0);
    expect_eq("unlinkat l1", wali_unlinkat((int)sub, "l1", 0), 0);
    expect_eq("lseek back again", wali_lseek((int)sub, 0, SEEK_SET), 0);
    expect_eq("getdents64 of an empty directory", lt_list_dir((int)sub, &l), 0);
    expect_eq("no entries left", l.count, 0);
    wali_close((int)sub);
    expect_eq("rmdir", wali_rmdir("sub"), 0);
    expect_eq("rmdir removed it", wali_stat("sub", &st), -ENOENT);
    expect_eq("mkdirat bad dirfd", wali_mkdirat(-1, "x", 0755), -EBADF);
}

static void nodes(void) {
    struct stat st;
    expect_eq("mknod fifo", wali_mknod("fifo", S_IFIFO | 0666, 0), 0);
    expect_eq("mknod fifo stat", wali_lstat("fifo", &st), 0);
    expect_eq("mknod fifo type", st.st_mode & S_IFMT, S_IFIFO);
    expect_eq("mknod fifo mode (umask applied)", st.st_mode & 07777, 0644);
    expect_eq("mknod existing", wali_mknod("fifo", S_IFIFO | 0644, 0), -EEXIST);
    expect_eq("mknod missing dir", wali_mknod("nope/fifo", S_IFIFO | 0644, 0), -ENOENT);
    /* Opened read-write a FIFO does not block, and carries bytes through. */
    long fd = wali_open("fifo", O_RDWR | O_CLOEXEC, 0);
    expect_true("open the fifo", fd >= 0);
    expect_eq("write into the fifo", wali_write((int)fd, "piped", 5), 5);
    char text[8];
    expect_eq("read from the fifo", wali_read((int)fd, text, sizeof text), 5);
    expect_true("fifo content", memcmp(text, "piped", 5) == 0);
    wali_close((int)fd);

    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("mknodat fifo", wali_mknodat((int)dir, "fifo2", S_IFIFO | 0600, 0), 0);
    expect_eq("mknodat fifo type", (wali_stat("fifo2", &st), st.st_mode & S_IFMT), S_IFIFO);
    expect_eq("mknodat fifo mode", st.st_mode & 07777, 0600);
    expect_eq("mknodat regular file", wali_mknodat(AT_FDCWD, "plain", S_IFREG | 0640, 0), 0);
    expect_eq("mknodat regular type", (wali_stat("plain", &st), st.st_mode & S_IFMT), S_IFREG);
    expect_eq("mknodat regular mode", st.st_mode & 07777, 0640);
    expect_eq("mknodat regular size", st.st_size, 0);
    expect_eq("mknodat mode 0 is a regular file", wali_mknodat((int)dir, "zero", 0, 0), 0);
    expect_eq("mknodat mode 0 type", (wali_stat("zero", &st), st.st_mode & S_IFMT), S_IFREG);
    expect_eq("mknodat existing", wali_mknodat((int)dir, "plain", S_IFIFO | 0644, 0), -EEXIST);
    expect_eq("mknodat missing dir", wali_mknodat((int)dir, "nope/x", S_IFIFO | 0644, 0), -ENOENT);
    expect_eq("mknodat a directory", wali_mknodat((int)dir, "d", S_IFDIR | 0755, 0), -EPERM);
    expect_eq("mknodat unknown type", wali_mknodat((int)dir, "t", 0170000 | 0644, 0), -EINVAL);
    expect_eq("mknodat bad dirfd", wali_mknodat(-1, "x", S_IFIFO | 0644, 0), -EBADF);
    expect_eq("unlink fifo", wali_unlink("fifo"), 0);
    expect_eq("unlinkat fifo2", wali_unlinkat((int)dir, "fifo2", 0), 0);
    expect_eq("unlink plain", wali_unlink("plain"), 0);
    expect_eq("unlink zero", wali_unlink("zero"), 0);
    wali_close((int)dir);
}

/* openat2: lookups confined to a directory (RESOLVE_BENEATH, IN_ROOT,
 * NO_SYMLINKS) and the argument checks on its open_how. */
static void confined_opens(void) {
    expect_eq("mkdir box", wali_mkdir("box", 0755), 0);
    expect_eq("box/in", lt_write_file("box/in", "inside\n"), 7);
    expect_eq("symlink up", wali_symlink("../data", "box/up"), 0);
    expect_eq("symlink absolute", wali_symlink("/in", "box/abs"), 0);
    long box = wali_open("box", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    expect_true("open box", box >= 0);
    struct lt_open_how how = {O_RDONLY | O_CLOEXEC, 0, RESOLVE_BENEATH};
    long fd = wali_openat2((int)box, "in", &how, sizeof how);
    expect_true("openat2 beneath", fd >= 0);
    char text[16];
    expect_eq("read beneath", wali_read((int)fd, text, 7), 7);
    expect_true("beneath content", memcmp(text, "inside\n", 7) == 0);
    wali_close((int)fd);
    expect_eq("openat2 .. beneath", wali_openat2((int)box, "../data", &how, sizeof how), -EXDEV);
    expect_eq("openat2 absolute beneath", wali_openat2((int)box, "/in", &how, sizeof how), -EXDEV);
    expect_eq("openat2 symlink out beneath", wali_openat2((int)box, "up", &how, sizeof how), -EXDEV);
    expect_eq("openat2 absolute symlink beneath", wali_openat2((int)box, "abs", &how, sizeof how), -EXDEV);
    how.resolve = RESOLVE_IN_ROOT;
    fd = wali_openat2((int)box, "abs", &how, sizeof how);
    expect_true("openat2 in root follows /in inside", fd >= 0);
    wali_close((int)fd);
    fd = wali_openat2((int)box, "../../in", &how, sizeof how);
    expect_true("openat2 in root clamps ..", fd >= 0);
    wali_close((int)fd);
    how.resolve = RESOLVE_NO_SYMLINKS;
    expect_eq("openat2 no symlinks", wali_openat2((int)box, "abs", &how, sizeof how), -ELOOP);
    how.resolve = 0x80;
    expect_eq("openat2 unknown resolve flag", wali_openat2((int)box, "in", &how, sizeof how), -EINVAL);
    how.resolve = RESOLVE_BENEATH;
    how.mode = 0644;
    expect_eq("openat2 mode without O_CREAT", wali_openat2((int)box, "in", &how, sizeof how), -EINVAL);
    how.mode = 0;
    expect_eq("openat2 size too small", wali_openat2((int)box, "in", &how, sizeof how - 1), -EINVAL);
    unsigned long long longer[5] = {O_RDONLY | O_CLOEXEC, 0, RESOLVE_BENEATH, 0, 0};
    fd = wali_openat2((int)box, "in", longer, sizeof longer);
    expect_true("openat2 longer struct, zero tail", fd >= 0);
    wali_close((int)fd);
    longer[4] = 1;
    expect_eq("openat2 longer struct, nonzero tail", wali_openat2((int)box, "in", longer, sizeof longer), -E2BIG);
    wali_close((int)box);
    expect_eq("unlink box/in", wali_unlink("box/in"), 0);
    expect_eq("unlink box/up", wali_unlink("box/up"), 0);
    expect_eq("unlink box/abs", wali_unlink("box/abs"), 0);
    expect_eq("rmdir box", wali_rmdir("box"), 0);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    confined_opens();
    opening();
    metadata();
    links();
    renaming();
    directories();
    nodes();
    struct lt_listing l;
    long dir = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("final listing", lt_list_dir((int)dir, &l), 0);
    expect_eq("final entry count", l.count, 4);
    expect_true("data left", lt_listed(&l, "data", DT_REG));
    expect_true("b left", lt_listed(&l, "b", DT_REG));
    expect_true("lnk left", lt_listed(&l, "lnk", DT_LNK));
    expect_true("dangling left", lt_listed(&l, "dangling", DT_LNK));
    wali_close((int)dir);
    return lt_failures;
}
