#define _GNU_SOURCE
/* Regression guest (tools/fuzz finding): under a sandbox a guest could change
 * the mode, owner and times of files outside its directories (Landlock does
 * not cover metadata, nor extended attributes). Run as `metadata_outside OUTSIDE_FILE` in a --dir
 * scratch directory: every change of OUTSIDE_FILE, however spelled, must be
 * refused (EACCES), and the same changes inside the directory must work. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %s\n", what, r == 0 ? "ok" : strerror(errno)); }

static void attempts(const char *where, const char *path) {
    char what[128];
    struct timespec times[2] = {{1, 0}, {1, 0}};
    snprintf(what, sizeof what, "%s chmod", where);
    show(what, chmod(path, 0600));
    snprintf(what, sizeof what, "%s chown", where);
    show(what, chown(path, getuid(), getgid()));
    snprintf(what, sizeof what, "%s utimensat", where);
    show(what, utimensat(AT_FDCWD, path, times, 0));
    struct timeval tv[2] = {{1, 0}, {1, 0}};
    snprintf(what, sizeof what, "%s utimes", where);
    show(what, utimes(path, tv));
    int fd = open(path, O_PATH);
    snprintf(what, sizeof what, "%s fchownat O_PATH AT_EMPTY_PATH", where);
    show(what, fchownat(fd, "", getuid(), getgid(), AT_EMPTY_PATH));
    snprintf(what, sizeof what, "%s utimensat O_PATH AT_EMPTY_PATH", where);
    show(what, utimensat(fd, "", times, AT_EMPTY_PATH));
    close(fd);
    /* Extended attributes: changed, read and removed (Landlock covers none). */
    snprintf(what, sizeof what, "%s setxattr", where);
    show(what, setxattr(path, "user.lamina", "v", 1, 0));
    char value[8];
    snprintf(what, sizeof what, "%s getxattr", where);
    show(what, getxattr(path, "user.lamina", value, sizeof value) < 0 ? -1 : 0);
    snprintf(what, sizeof what, "%s removexattr", where);
    show(what, removexattr(path, "user.lamina"));
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    attempts("outside", argv[1]);
    unlink("link");
    symlink(argv[1], "link");
    attempts("through a symlink", "link");
    close(open("inside", O_CREAT | O_WRONLY, 0644));
    attempts("inside", "inside");
    return 0;
}
