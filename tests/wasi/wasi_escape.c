/* Attempts to leave the preopened directory, each of which must fail. The
 * harness preopens ROOT as /sandbox (descriptor 3), puts a file beside it,
 * ROOT/../outside/secret.txt, and two symbolic links with absolute targets
 * in it, ROOT/hostabs -> the secret's absolute host path and ROOT/hostroot
 * -> / (a WASI program cannot make those: wasmtime refuses an absolute
 * target with EPERM). The program tries to read, overwrite, stat, link,
 * rename and delete outside through `..`, absolute paths and symbolic links
 * (absolute, relative, chains, a link to a directory outside, a link to the
 * preopen's parent); the files left behind are compared too, so an escape
 * that wrote anything shows there.
 *
 * The errno numbers printed are wasmtime's: EPERM (63) for every path that
 * would leave the directory (wasmtime 51 never says ENOTCAPABLE, 76, which
 * older versions did), ENOENT (44) where a name is resolved inside and does
 * not exist there (a/../..: no `a`). The program itself checks that nothing
 * succeeded (a FAIL line otherwise). */
#include "wasi_raw.h"

static const char *const escapes[] = {
    "..",
    "../",
    "../outside/secret.txt",
    "a/../../outside/secret.txt",
    "dir/../../outside/secret.txt",
    "./../outside/secret.txt",
    "dir/../..",
    "/",
    "/etc/passwd",
    "//etc/passwd",
    "/sandbox/dir",
    "up/secret.txt",   /* up -> ../outside */
    "rel",             /* rel -> ../outside/secret.txt */
    "chain",           /* chain -> hop -> rel */
    "dir/deep",        /* dir/deep -> ../../outside/secret.txt */
    "parent/outside/secret.txt", /* parent -> .. */
    "dotdot/secret.txt",         /* dotdot -> dir/../../outside */
    "hostabs",                   /* made by the harness */
    "hostroot",
    "hostroot/etc/passwd",
};

static int escaped;

static void refused(const char *what, const char *path, int e)
{
    printf("%s %s: errno %d\n", what, path, e);
    if (e == 0) {
        printf("FAIL: %s %s succeeded\n", what, path);
        escaped++;
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The links, created inside: a relative text is not checked when the
     * link is made, an absolute one is refused. */
    CHECK_EQ(raw_path_create_directory(PREOPEN, S("dir")), 0);
    SAY("symlink up", raw_path_symlink(S("../outside"), PREOPEN, S("up")));
    SAY("symlink to an absolute path", raw_path_symlink(S("/etc/passwd"), PREOPEN, S("abs")));
    SAY("symlink rel", raw_path_symlink(S("../outside/secret.txt"), PREOPEN, S("rel")));
    SAY("symlink hop", raw_path_symlink(S("rel"), PREOPEN, S("hop")));
    SAY("symlink chain", raw_path_symlink(S("hop"), PREOPEN, S("chain")));
    SAY("symlink dir/deep", raw_path_symlink(S("../../outside/secret.txt"), PREOPEN, S("dir/deep")));
    SAY("symlink parent", raw_path_symlink(S(".."), PREOPEN, S("parent")));
    SAY("symlink dotdot", raw_path_symlink(S("dir/../../outside"), PREOPEN, S("dotdot")));
    SAY("symlink inside", raw_path_symlink(S("dir/../file"), PREOPEN, S("inside")));
    /* Reading a link's text is allowed whatever it says. */
    char text[64] = {0};
    uint32_t n;
    SAY("readlink rel", raw_path_readlink(PREOPEN, S("rel"), P(text), sizeof text, P(&n)));
    printf("rel -> \"%.*s\"\n", (int)n, text);

    /* Control: `..` that stays inside, and a link that stays inside, work. */
    __wasi_fd_t fd;
    CHECK_EQ(raw_path_open(PREOPEN, 0, S("file"), __WASI_OFLAGS_CREAT, ALL_RIGHTS, ALL_RIGHTS, 0, P(&fd)), 0);
    raw_fd_close(fd);
    SAY("open dir/../file", raw_path_open(PREOPEN, 0, S("dir/../file"), 0, ALL_RIGHTS, ALL_RIGHTS, 0, P(&fd)));
    raw_fd_close(fd);
    SAY("open inside (follow)", raw_path_open(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S("inside"), 0, ALL_RIGHTS, ALL_RIGHTS, 0, P(&fd)));
    raw_fd_close(fd);

    __wasi_filestat_t st;
    for (unsigned i = 0; i < sizeof escapes / sizeof *escapes; i++) {
        const char *p = escapes[i];
        refused("open follow", p, raw_path_open(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(p), 0, ALL_RIGHTS & ~(uint64_t)__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, P(&fd)));
        refused("open directory", p, raw_path_open(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(p), __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~(uint64_t)__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, P(&fd)));
        refused("open write trunc", p, raw_path_open(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(p), __WASI_OFLAGS_TRUNC, ALL_RIGHTS, ALL_RIGHTS, 0, P(&fd)));
        refused("stat follow", p, raw_path_filestat_get(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(p), P(&st)));
        refused("set_times follow", p, raw_path_filestat_set_times(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(p), 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    }

    /* Changing things outside: creating, deleting, renaming and linking
     * across the boundary, without following links. */
    static const char *const outside[] = {"../outside/secret.txt", "../outside/new", "/tmp/wasi-escape", "up/new", "dir/../../outside/x"};
    for (unsigned i = 0; i < sizeof outside / sizeof *outside; i++) {
        const char *p = outside[i];
        refused("create file", p, raw_path_open(PREOPEN, 0, S(p), __WASI_OFLAGS_CREAT, ALL_RIGHTS, ALL_RIGHTS, 0, P(&fd)));
        refused("mkdir", p, raw_path_create_directory(PREOPEN, S(p)));
        refused("rmdir", p, raw_path_remove_directory(PREOPEN, S(p)));
        refused("unlink", p, raw_path_unlink_file(PREOPEN, S(p)));
        refused("symlink at", p, raw_path_symlink(S("file"), PREOPEN, S(p)));
        refused("rename to", p, raw_path_rename(PREOPEN, S("file"), PREOPEN, S(p)));
        refused("rename from", p, raw_path_rename(PREOPEN, S(p), PREOPEN, S("taken")));
        /* Without SYMLINK_FOLLOW (wasmtime answers EINVAL to path_link with
         * it, whatever the path). */
        refused("link from", p, raw_path_link(PREOPEN, 0, S(p), PREOPEN, S("stolen")));
        refused("link to", p, raw_path_link(PREOPEN, 0, S("file"), PREOPEN, S(p)));
        refused("stat nofollow", p, raw_path_filestat_get(PREOPEN, 0, S(p), P(&st)));
        refused("readlink", p, raw_path_readlink(PREOPEN, S(p), P(text), sizeof text, P(&n)));
    }
    /* A directory opened inside is a capability of its own: even its `..`
     * (the preopen) is out of its reach. */
    CHECK_EQ(raw_path_open(PREOPEN, 0, S("dir"), __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~(uint64_t)__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, P(&fd)), 0);
    __wasi_fd_t inner;
    refused("open .. from dir", "..", raw_path_open(fd, 0, S(".."), __WASI_OFLAGS_DIRECTORY, 0, 0, 0, P(&inner)));
    refused("open ../file from dir", "../file", raw_path_open(fd, 0, S("../file"), 0, 0, 0, 0, P(&inner)));
    refused("open ../.. from dir", "../..", raw_path_open(fd, 0, S("../.."), __WASI_OFLAGS_DIRECTORY, 0, 0, 0, P(&inner)));
    refused("open ../../outside/secret.txt from dir", "", raw_path_open(fd, 0, S("../../outside/secret.txt"), 0, ALL_RIGHTS, ALL_RIGHTS, 0, P(&inner)));
    raw_fd_close(fd);
    printf("escapes: %d\n", escaped);
    return CHECK_STATUS() || escaped;
}
