/* errno after failing calls: each line names the call and the errno it set
 * (by its symbolic name when it is the expected one). Nothing here depends
 * on privileges (tests may run as root). errno is also per thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *errno_name(int e) {
#define NAME(x)                                                                                                        \
    case x: return #x
    switch (e) {
        NAME(ENOENT);
        NAME(EEXIST);
        NAME(EISDIR);
        NAME(ENOTDIR);
        NAME(ENOTEMPTY);
        NAME(EBADF);
        NAME(EPIPE);
        NAME(ESPIPE);
        NAME(EINVAL);
        NAME(ENAMETOOLONG);
        NAME(ELOOP);
        NAME(ERANGE);
        NAME(EAGAIN);
        NAME(EAFNOSUPPORT);
        NAME(EFAULT);
        NAME(EMFILE);
        NAME(EXDEV);
        NAME(ENOTSOCK);
        NAME(ENOTCONN);
        NAME(EDESTADDRREQ);
        NAME(ENOTTY);
        NAME(ECHILD);
        NAME(ESRCH);
        NAME(EDOM);
    case 0: return "0";
    default: return "other";
    }
#undef NAME
}

#define EXPECT_ERRNO(call, want)                                                                                       \
    do {                                                                                                               \
        errno = 0;                                                                                                     \
        long result_ = (long)(call);                                                                                   \
        int e_ = errno;                                                                                                \
        printf("%-60s -> %ld %s\n", #call, result_, errno_name(e_));                                                  \
        if (e_ != (want)) {                                                                                            \
            printf("FAIL line %d: errno %d, want %s\n", __LINE__, e_, #want);                                        \
            check_failures++;                                                                                          \
        }                                                                                                              \
    } while (0)

static void *thread_errno(void *arg) {
    (void)arg;
    errno = 0;
    close(-1);
    return (void *)(long)errno;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    CHECK_EQ(mkdir("dir", 0755), 0);
    CHECK_EQ(mkdir("dir/sub", 0755), 0);
    int fd = open("file", O_CREAT | O_WRONLY, 0644);
    write(fd, "data", 4);
    close(fd);
    symlink("loop-b", "loop-a");
    symlink("loop-a", "loop-b");

    EXPECT_ERRNO(open("missing", O_RDONLY), ENOENT);
    EXPECT_ERRNO(open("missing/deeper", O_RDONLY), ENOENT);
    EXPECT_ERRNO(open("file/below", O_RDONLY), ENOTDIR);
    EXPECT_ERRNO(open("dir", O_WRONLY), EISDIR);
    EXPECT_ERRNO(open("file", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    EXPECT_ERRNO(open("file", O_RDONLY | O_DIRECTORY), ENOTDIR);
    EXPECT_ERRNO(open("loop-a", O_RDONLY), ELOOP);
    char longname[PATH_MAX + 10];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    EXPECT_ERRNO(open(longname, O_RDONLY), ENAMETOOLONG);
    char longcomponent[300];
    memset(longcomponent, 'c', sizeof longcomponent - 1);
    longcomponent[sizeof longcomponent - 1] = 0;
    EXPECT_ERRNO(open(longcomponent, O_RDONLY), ENAMETOOLONG);
    EXPECT_ERRNO(mkdir("dir", 0755), EEXIST);
    EXPECT_ERRNO(mkdir("missing/new", 0755), ENOENT);
    EXPECT_ERRNO(rmdir("dir"), ENOTEMPTY);
    EXPECT_ERRNO(rmdir("file"), ENOTDIR);
    EXPECT_ERRNO(unlink("dir"), EISDIR);
    EXPECT_ERRNO(unlink("missing"), ENOENT);
    EXPECT_ERRNO(rename("dir", "dir/sub/inside"), EINVAL);
    EXPECT_ERRNO(rename("missing", "other"), ENOENT);
    EXPECT_ERRNO(rename("file", "dir"), EISDIR);
    EXPECT_ERRNO(chdir("file"), ENOTDIR);
    EXPECT_ERRNO(access("missing", F_OK), ENOENT);
    EXPECT_ERRNO(link("missing", "new-link"), ENOENT);
    EXPECT_ERRNO(symlink("target", "file"), EEXIST);
    EXPECT_ERRNO(readlink("file", longcomponent, sizeof longcomponent), EINVAL);
    EXPECT_ERRNO(truncate("dir", 0), EISDIR);
    struct stat st;
    EXPECT_ERRNO(stat("", &st), ENOENT);
    EXPECT_ERRNO(lstat("missing", &st), ENOENT);

    char buf[16];
    EXPECT_ERRNO(read(-1, buf, 1), EBADF);
    EXPECT_ERRNO(read(999, buf, 1), EBADF);
    EXPECT_ERRNO(close(-1), EBADF);
    EXPECT_ERRNO(dup2(999, 5), EBADF);
    EXPECT_ERRNO(fcntl(999, F_GETFD), EBADF);
    int dirfd = open("dir", O_RDONLY | O_DIRECTORY);
    EXPECT_ERRNO(read(dirfd, buf, sizeof buf), EISDIR);
    close(dirfd);
    int ro = open("file", O_RDONLY);
    EXPECT_ERRNO(write(ro, "x", 1), EBADF);
    EXPECT_ERRNO(ftruncate(ro, 0), EINVAL);
    EXPECT_ERRNO(lseek(ro, -10, SEEK_SET), EINVAL);
    EXPECT_ERRNO(fcntl(ro, 12345), EINVAL);
    EXPECT_ERRNO(isatty(ro), ENOTTY);
    close(ro);

    int p[2];
    CHECK_EQ(pipe(p), 0);
    EXPECT_ERRNO(lseek(p[0], 0, SEEK_CUR), ESPIPE);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char chunk[4096] = {0};
    long written = 0;
    errno = 0;
    while (write(p[1], chunk, sizeof chunk) > 0)
        written += (long)sizeof chunk;
    printf("filling a non-blocking pipe ends with %s (after some bytes: %d)\n", errno_name(errno), written > 0);
    close(p[0]);
    EXPECT_ERRNO(write(p[1], "x", 1), EPIPE);
    close(p[1]);

    EXPECT_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERRNO(send(s, "x", 1, 0), ENOTCONN);
    close(s);
    int plain = open("file", O_RDONLY);
    EXPECT_ERRNO(send(plain, "x", 1, 0), ENOTSOCK);
    close(plain);
    EXPECT_ERRNO(getcwd(buf, 1) == NULL, ERANGE);
    EXPECT_ERRNO(kill(999999999, 0), ESRCH);
    EXPECT_ERRNO(waitpid(-1, NULL, 0), ECHILD);

    EXPECT_ERRNO(strtol("99999999999999999999999", NULL, 10) == LONG_MAX, ERANGE);
    EXPECT_ERRNO(strtoul("-1", NULL, 10) == ULONG_MAX, 0);
    EXPECT_ERRNO(strtod("1e999", NULL) > 0, ERANGE);
    EXPECT_ERRNO(strtol("12", NULL, 99), EINVAL);

    /* Running out of descriptors, under a small limit. */
    struct rlimit lim;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
    lim.rlim_cur = 64;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
    int opened = 0;
    errno = 0;
    while (open("file", O_RDONLY) >= 0 && opened < 1000)
        opened++;
    printf("opening until failure: %s after %d\n", errno_name(errno), opened);
    for (int i = 3; i < 3 + opened + 10; i++)
        close(i);

    errno = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread_errno, NULL);
    void *theirs;
    pthread_join(t, &theirs);
    printf("errno is per thread: thread saw %s, main still %s\n", errno_name((int)(long)theirs), errno_name(errno));
    return CHECK_STATUS();
}
