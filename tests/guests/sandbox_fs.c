/* File-system containment under `lamina run --dir/--ro-dir` (the sandbox):
 * every way out of the granted directories we can spell — absolute paths,
 * `..`, a sibling sharing the jail's name as prefix, /proc/self/root and
 * /proc/self/cwd, symlinks created inside pointing out, hard links and
 * renames across the boundary, openat on O_PATH descriptors of / and of the
 * jail's parent, chdir out, exec of a module outside — and writes into a
 * read-only directory; next to them what a sandboxed program may still do
 * (work inside its directories, read and exec from the read-only one, the
 * default devices). Each attempt prints one line
 *     "<who> <what>: <result>"
 * with result "ok" (success), "ran" (an exec'd module ran) or the negative
 * errno; the Rust test (crates/lamina/tests/sandbox.rs) holds the expected
 * values, with and without a sandbox. <who> is "self" (the process Lamina
 * started), "child" (a forked child) or "exec" (the process after execve of
 * this same module): the issue asks for each escape in all three.
 *
 * Modes (argv[1]):
 *   escape JAIL RO OUTSIDE   run every attempt as self, in a forked child,
 *                            then exec argv[0] as `escape-exec` to run them
 *                            again. Run with the working directory JAIL,
 *                            whose parent also holds `outside` (== OUTSIDE)
 *                            and `jailx` (the layout sandbox.rs builds).
 *   defaults                 what `--sandbox` alone leaves: /dev/null,
 *                            /dev/zero, /dev/urandom, the module (argv[0]);
 *                            and what it takes away (cwd, /, /etc/passwd).
 *   mapped DIR HOST          with --dir HOST::DIR: the directory at DIR
 *                            (read, create, exec a module there), not at
 *                            HOST, and / not listable; as self, in a forked
 *                            child and after exec of argv[0].
 *   ran LABEL                print "LABEL: ran" (the target of exec tests).
 * Raw WALI syscalls only; builds natively as well. */
#include "lt_fs.h"

#define RENAME_EXCHANGE_FLAG 2

static const char *who = "self";
static const char *jail, *ro, *outside;
static const char *self_path;

/* Rotating string buffers for joined paths. */
static char bufs[16][600];
static int next_buf;
static char *join(const char *a, const char *b, const char *c) {
    char *p = bufs[next_buf++ % 16];
    p[0] = 0;
    lt_cat(p, a);
    lt_cat(p, b);
    return lt_cat(p, c);
}
/* DIR "/" BASE "-" who SUFFIX: a name of its own for each of self/child/exec. */
static char *mine(const char *dir, const char *base, const char *suffix) {
    char *p = bufs[next_buf++ % 16];
    p[0] = 0;
    if (dir) { lt_cat(p, dir); lt_cat(p, "/"); }
    lt_cat(p, base);
    lt_cat(p, "-");
    lt_cat(p, who);
    return lt_cat(p, suffix);
}

static void report(const char *what, long r) {
    put(who); put(" "); put(what); put(": ");
    if (r >= 0) put("ok");
    else put_int(r);
    put("\n");
}

static long open_close(const char *path, int flags) {
    long fd = wali_open((void *)path, flags | O_CLOEXEC, 0644);
    if (fd >= 0) wali_close((int)fd);
    return fd;
}
static void try_open(const char *what, const char *path, int flags) { report(what, open_close(path, flags)); }

/* Opens `path` for appending and writes a line saying who got there. */
static void try_append(const char *what, const char *path) {
    long fd = wali_open((void *)path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
    if (fd >= 0) {
        char *line = join("pwned by ", who, "\n");
        long n = wali_write((int)fd, line, (unsigned)strlen(line));
        wali_close((int)fd);
        if (n < 0) fd = n;
    }
    report(what, fd);
}

/* Opens and reads a few bytes (the read's result is what counts). */
static void try_read(const char *what, const char *path) {
    char buf[16];
    long fd = wali_open((void *)path, O_RDONLY | O_CLOEXEC, 0);
    long r = fd;
    if (fd >= 0) {
        r = wali_read((int)fd, buf, sizeof buf);
        wali_close((int)fd);
    }
    report(what, r);
}

/* openat(dirfd, rel) where dirfd is `dir` opened with `flags`; if the
 * directory cannot even be opened, that refusal is the result. */
static void try_openat(const char *what, const char *dir, int dirflags, const char *rel) {
    long d = wali_open((void *)dir, dirflags | O_DIRECTORY | O_CLOEXEC, 0);
    long r = d;
    if (d >= 0) {
        r = wali_openat((int)d, (void *)rel, O_RDONLY | O_CLOEXEC, 0);
        if (r >= 0) wali_close((int)r);
        wali_close((int)d);
    }
    report(what, r);
}

/* A forked child execs `path` as `ran LABEL`: the module prints
 * "<LABEL>: ran", a failed exec is reported as "<LABEL>: -errno". */
static void try_exec_module(const char *what, const char *path) {
    char *label = join(who, " ", what);
    long pid = wali_fork();
    if (pid == 0) {
        char *argv[] = {(char *)path, "ran", label, NULL};
        long r = wali_execve((void *)path, argv, NULL);
        report(what, r);
        wali_exit_group(0);
    }
    int status = 0;
    if (pid < 0 || wali_wait4((int)pid, &status, 0, NULL) != pid) report("FAIL fork/wait for exec", pid);
}

static void inside_and_read_only(void) {
    /* What the sandbox grants: all of this works with and without one. */
    try_read("read inside", "inside.txt");
    try_read("read inside by absolute path", join(jail, "/inside.txt", ""));
    report("create inside", lt_write_file(mine(NULL, "new", ".txt"), "new\n"));
    report("mkdir inside", wali_mkdir(mine(NULL, "dir", ""), 0755));
    report("rename inside", wali_rename(mine(NULL, "new", ".txt"), join(mine(NULL, "dir", ""), "/moved.txt", "")));
    report("link inside", wali_link(join(mine(NULL, "dir", ""), "/moved.txt", ""), mine(NULL, "hardlink", "")));
    report("unlink inside", wali_unlink(mine(NULL, "hardlink", "")));
    report("symlink inside to inside", wali_symlink("inside.txt", mine(NULL, "goodlink", "")));
    try_read("read through symlink to inside", mine(NULL, "goodlink", ""));
    try_read("read ro", join(ro, "/ro.txt", ""));
    long d = wali_open((void *)ro, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    struct lt_listing l;
    long r = d < 0 ? d : lt_list_dir((int)d, &l);
    if (d >= 0) wali_close((int)d);
    report("list ro", r < 0 ? r : l.count);
    try_exec_module("exec module in ro", join(ro, "/module.wasm", ""));
    try_open("write /dev/null", "/dev/null", O_WRONLY);
    try_read("read /dev/zero", "/dev/zero");
    try_read("read /dev/urandom", "/dev/urandom");

    /* The read-only directory refuses every change. */
    try_append("write ro file", join(ro, "/ro.txt", ""));
    try_open("create in ro", mine(ro, "new", ".txt"), O_WRONLY | O_CREAT | O_EXCL);
    report("mkdir in ro", wali_mkdir(mine(ro, "dir", ""), 0755));
    report("unlink in ro", wali_unlink(mine(ro, "unlink", ".txt")));
    report("truncate in ro", wali_truncate(mine(ro, "trunc", ".txt"), 0));
    report("rename within ro", wali_rename(mine(ro, "rename", ".txt"), mine(ro, "renamed", ".txt")));
    report("symlink in ro", wali_symlink("ro.txt", mine(ro, "sym", "")));
}

static char secret[600];

static void escapes(void) {
    secret[0] = 0;
    lt_cat(lt_cat(secret, outside), "/secret.txt");
    /* Path spellings. */
    try_read("read absolute outside", secret);
    try_read("read ../outside", "../outside/secret.txt");
    try_read("read sub/../../outside", "sub/../../outside/secret.txt");
    try_read("read sibling sharing the jail's name as prefix", join(jail, "x/secret.txt", ""));
    try_read("read via /proc/self/root", join("/proc/self/root", secret, ""));
    try_read("read via /proc/self/cwd/..", "/proc/self/cwd/../outside/secret.txt");
    try_open("list the jail's parent", "..", O_RDONLY | O_DIRECTORY);
    try_open("list /", "/", O_RDONLY | O_DIRECTORY);

    /* Changes outside. */
    try_append("append outside", secret);
    try_open("create outside", mine(outside, "created", ".txt"), O_WRONLY | O_CREAT | O_EXCL);
    report("mkdir outside", wali_mkdir(mine(outside, "dir", ""), 0755));
    report("truncate outside", wali_truncate(mine(outside, "trunc", ".txt"), 0));
    report("unlink outside", wali_unlink(mine(outside, "unlink", ".txt")));
    report("rename within outside", wali_rename(mine(outside, "rename", ".txt"), mine(outside, "renamed", ".txt")));

    /* Symlinks created inside (allowed) that point out (not followed out). */
    report("symlink to outside file", wali_symlink(secret, mine(NULL, "link", "")));
    try_read("read through symlink to outside file", mine(NULL, "link", ""));
    try_append("append through symlink to outside file", mine(NULL, "link", ""));
    report("symlink to outside dir", wali_symlink((void *)outside, mine(NULL, "dirlink", "")));
    try_read("read through symlink to outside dir", join(mine(NULL, "dirlink", ""), "/secret.txt", ""));
    report("symlink to /", wali_symlink("/", mine(NULL, "rootlink", "")));
    try_read("read through symlink to /", join(mine(NULL, "rootlink", ""), secret, ""));

    /* Descriptors on directories above the jail. */
    try_openat("openat O_PATH fd of /", "/", O_PATH, secret + 1);
    try_openat("openat O_PATH fd of the jail's parent", "..", O_PATH, "outside/secret.txt");
    try_openat("openat jail fd with ../", jail, O_RDONLY, "../outside/secret.txt");
    long r = wali_chdir("/");
    if (r == 0) r = open_close(secret + 1, O_RDONLY);
    report("chdir / then open relative", r);
    wali_chdir((void *)jail);

    /* Across the boundary: Landlock answers EXDEV or EACCES (see sandbox.rs). */
    report("hard link outside file into jail", wali_link(secret, mine(NULL, "hard", "")));
    report("linkat through symlink to outside file", wali_linkat(AT_FDCWD, mine(NULL, "link", ""), AT_FDCWD, mine(NULL, "hard2", ""), AT_SYMLINK_FOLLOW));
    report("rename outside file into jail", wali_rename(mine(outside, "steal", ".txt"), mine(NULL, "stolen", "")));
    lt_write_file(mine(NULL, "export", ".txt"), "exported\n");
    report("rename jail file out", wali_rename(mine(NULL, "export", ".txt"), mine(outside, "exported", ".txt")));
    lt_write_file(mine(NULL, "swap", ".txt"), "swapped in\n");
    report("exchange jail file with outside file",
           wali_renameat2(AT_FDCWD, mine(NULL, "swap", ".txt"), AT_FDCWD, mine(outside, "exchange", ".txt"), RENAME_EXCHANGE_FLAG));

    /* Executing a module that lies outside. */
    try_exec_module("exec outside module", join(outside, "/module.wasm", ""));
}

/* The directory given at another path (`--dir HOST::DIR`) is found at DIR
 * only: a file system of the guest's own. */
static void mapped(const char *dir, const char *host) {
    try_read("read mapped file", join(dir, "/inside.txt", ""));
    report("create mapped file", lt_write_file(mine(dir, "written", ".txt"), "via mapping\n"));
    try_read("read at the host path", join(host, "/inside.txt", ""));
    try_open("list /", "/", O_RDONLY | O_DIRECTORY);
    try_exec_module("exec module at the guest path", join(dir, "/guest.wasm", ""));
}

static void attempts(void) {
    inside_and_read_only();
    escapes();
}

static void defaults(void) {
    try_open("write /dev/null", "/dev/null", O_WRONLY);
    try_read("read /dev/zero", "/dev/zero");
    try_read("read /dev/urandom", "/dev/urandom");
    try_read("read the module itself", self_path);
    try_read("read a file in the working directory", "inside.txt");
    try_open("create in the working directory", "created-by-defaults.txt", O_WRONLY | O_CREAT | O_EXCL);
    try_open("list /", "/", O_RDONLY | O_DIRECTORY);
    try_read("read /etc/passwd", "/etc/passwd");
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *mode = argv[1];
    self_path = argv[0];
    if (lt_streq(mode, "ran")) {
        put(argc > 2 ? argv[2] : "?");
        put(": ran\n");
        return 0;
    }
    if (lt_streq(mode, "defaults")) {
        defaults();
        return lt_failures;
    }
    if (lt_streq(mode, "mapped-exec") && argc > 3) {
        who = "exec";
        mapped(argv[2], argv[3]);
        return lt_failures;
    }
    if (lt_streq(mode, "mapped") && argc > 3) {
        mapped(argv[2], argv[3]);
        long pid = wali_fork();
        if (pid == 0) {
            who = "child";
            mapped(argv[2], argv[3]);
            wali_exit_group(lt_failures);
        }
        int status = -1;
        wali_wait4((int)pid, &status, 0, NULL);
        put("self forked child status: "); put_int(status); put("\n");
        char *args[] = {argv[0], "mapped-exec", argv[2], argv[3], NULL};
        report("exec self", wali_execve(argv[0], args, NULL));
        return 1;
    }
    if (argc < 5) return 2;
    jail = argv[2], ro = argv[3], outside = argv[4];
    if (lt_streq(mode, "escape-exec")) {
        who = "exec";
        attempts();
        return lt_failures;
    }
    if (!lt_streq(mode, "escape")) return 2;
    attempts();
    long pid = wali_fork();
    if (pid == 0) {
        who = "child";
        attempts();
        wali_exit_group(lt_failures);
    }
    int status = -1;
    wali_wait4((int)pid, &status, 0, NULL);
    put("self forked child status: "); put_int(status); put("\n");
    char *args[] = {argv[0], "escape-exec", (char *)jail, (char *)ro, (char *)outside, NULL};
    long r = wali_execve(argv[0], args, NULL);
    report("exec self", r);
    return 1;
}
