/* The process's place in the file system: chdir/fchdir/getcwd, chroot and
 * statfs/fstatfs. Scratch directories differ between runs, so only relative
 * suffixes of the working directory are compared. */
#include "lt_fs.h"

static char cwd[4096], start[4096];

/* getcwd into `cwd`, checking the result is the length written. */
static int getcwd_ok(const char *label) {
    memset(cwd, 0, sizeof cwd);
    long n = wali_getcwd(cwd, sizeof cwd);
    expect_true(label, n > 1 && n == (long)strlen(cwd) + 1 && cwd[0] == '/');
    return n > 0;
}

static void working_directory(void) {
    getcwd_ok("getcwd");
    memcpy(start, cwd, sizeof cwd);
    expect_eq("mkdir a", wali_mkdir("a", 0755), 0);
    expect_eq("mkdir a/b", wali_mkdir("a/b", 0755), 0);
    long top = wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

    expect_eq("chdir a/b", wali_chdir("a/b"), 0);
    getcwd_ok("getcwd in a/b");
    expect_true("cwd ends in /a/b", lt_ends_with(cwd, "/a/b"));
    expect_true("cwd extends the start", memcmp(cwd, start, strlen(start)) == 0);
    expect_eq("relative paths follow the cwd", lt_write_file("here", "x"), 1);
    struct stat st;
    expect_eq("file landed in a/b", (wali_chdir(".."), wali_stat("b/here", &st)), 0);
    getcwd_ok("getcwd after chdir ..");
    expect_true("cwd ends in /a", lt_ends_with(cwd, "/a"));

    expect_eq("fchdir back", wali_fchdir((int)top), 0);
    getcwd_ok("getcwd after fchdir");
    expect_true("fchdir returned to the start", lt_streq(cwd, start));
    long b = wali_open("a/b", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("fchdir a/b", wali_fchdir((int)b), 0);
    getcwd_ok("getcwd after fchdir a/b");
    expect_true("fchdir cwd ends in /a/b", lt_ends_with(cwd, "/a/b"));
    expect_eq("fchdir to the start", wali_fchdir((int)top), 0);

    /* The old record format: the same names as getdents64's. */
    char old[1024], new64[1024];
    long d = wali_open("a", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    long n = wali_getdents((int)d, old, sizeof old);
    expect_true("getdents read records", n > 0);
    int names = 0;
    for (long at = 0; at < n;) {
        unsigned short reclen = *(unsigned short *)(old + at + 16);
        const char *name = old + at + 18;
        names += lt_streq(name, ".") || lt_streq(name, "..") || lt_streq(name, "b");
        expect_eq("d_type of b is a directory", lt_streq(name, "b") ? old[at + reclen - 1] : 4, 4 /* DT_DIR */);
        at += reclen;
    }
    expect_eq("getdents names", names, 3);
    expect_eq("getdents at the end", wali_getdents((int)d, old, sizeof old), 0);
    expect_eq("getdents buffer too small", (wali_lseek((int)d, 0, 0), wali_getdents((int)d, old, 8)), -EINVAL);
    long plain = wali_open("a/b/here", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("getdents not a directory", wali_getdents((int)plain, new64, sizeof new64), -ENOTDIR);
    wali_close((int)plain);
    wali_close((int)d);

    expect_eq("chdir missing", wali_chdir("missing"), -ENOENT);
    expect_eq("chdir to a file", wali_chdir("a/b/here"), -ENOTDIR);
    long file = wali_open("a/b/here", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("fchdir to a file", wali_fchdir((int)file), -ENOTDIR);
    expect_eq("fchdir bad fd", wali_fchdir(-1), -EBADF);
    char tiny[4];
    expect_eq("getcwd buffer too small", wali_getcwd(tiny, sizeof tiny), -ERANGE);
    expect_eq("getcwd size 0", wali_getcwd(cwd, 0), -ERANGE);
    getcwd_ok("getcwd unchanged by failures");
    expect_true("still at the start", lt_streq(cwd, start));

    /* getcwd reports a removed directory as unreachable. */
    expect_eq("chdir a/b again", wali_chdir("a/b"), 0);
    expect_eq("unlink here", wali_unlink("here"), 0);
    expect_eq("rmdir the cwd", wali_rmdir("../b"), 0);
    expect_eq("getcwd of a removed directory", wali_getcwd(cwd, sizeof cwd), -ENOENT);
    expect_eq("back to the start", wali_fchdir((int)top), 0);
    wali_close((int)file);
    wali_close((int)b);
    wali_close((int)top);
}

static void root_directory(void) {
    expect_eq("chroot missing", wali_chroot("no-such-dir"), -ENOENT);
    expect_eq("chroot to a file", (lt_write_file("f", "f"), wali_chroot("f")), -ENOTDIR);
    expect_eq("chroot through a file", wali_chroot("f/x"), -ENOTDIR);
}

static void file_systems(void) {
    struct statfs a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    expect_eq("statfs", wali_statfs(".", &a), 0);
    expect_true("statfs f_bsize", a.f_bsize > 0);
    expect_true("statfs f_namelen", a.f_namelen > 0);
    long fd = wali_open("f", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("fstatfs", wali_fstatfs((int)fd, &b), 0);
    expect_true("fstatfs f_bsize", b.f_bsize > 0);
    expect_true("same file system", a.f_type == b.f_type && a.f_fsid[0] == b.f_fsid[0] && a.f_fsid[1] == b.f_fsid[1]);
    wali_close((int)fd);
    expect_eq("statfs /proc", wali_statfs("/proc", &a), 0);
    expect_eq("/proc is procfs", a.f_type, PROC_SUPER_MAGIC);
    expect_eq("statfs missing", wali_statfs("missing", &a), -ENOENT);
    expect_eq("fstatfs bad fd", wali_fstatfs(-1, &a), -EBADF);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    working_directory();
    root_directory();
    file_systems();
    return lt_failures;
}
