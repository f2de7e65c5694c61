/* The descriptors a program sees, and fexecve. A program starts with only
 * the descriptors it inherited (here 0, 1 and 2) and sees only those and
 * the ones it opens, in /proc/self/fd too; a child it forks and executes
 * sees what it inherited without FD_CLOEXEC. The child is this program
 * again, executed with fexecve() from a close-on-exec descriptor (which the
 * exec closes: the new image must not need it), with an O_PATH one, and
 * by execveat() relative to a directory descriptor. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Prints the open descriptors, from /proc/self/fd, but the listing's own. */
static void list_fds(const char *who) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        printf("FAIL opendir /proc/self/fd: %s\n", strerror(errno));
        check_failures++;
        return;
    }
    int fds[64], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (fd != dirfd(d)) fds[n++] = fd;
    }
    closedir(d);
    /* Sorted: the order of a directory listing is the file system's. */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (fds[j] < fds[i]) {
                int t = fds[i];
                fds[i] = fds[j];
                fds[j] = t;
            }
    printf("%s:", who);
    for (int i = 0; i < n; i++) printf(" %d", fds[i]);
    printf("\n");
    fflush(stdout);
}

static int status_of(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Forks a child that runs `how` to execute this program as "child TAG"; the
 * status it ends with. */
static int run_child(const char *self, const char *how, const char *tag) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid != 0) return status_of(pid);
    char *argv[] = {(char *)self, "child", (char *)tag, NULL};
    char *envp[] = {NULL};
    if (strcmp(how, "fexecve") == 0) {
        int fd = open(self, O_RDONLY | O_CLOEXEC);
        fexecve(fd, argv, envp);
    } else if (strcmp(how, "o_path") == 0) {
        int fd = open(self, O_PATH | O_CLOEXEC);
        fexecve(fd, argv, envp);
    } else if (strcmp(how, "dirfd") == 0) {
        const char *slash = strrchr(self, '/');
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - self) : 1, slash ? self : ".");
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        syscall(SYS_execveat, fd, slash ? slash + 1 : self, argv, envp, 0);
    }
    printf("FAIL %s: %s\n", how, strerror(errno));
    fflush(stdout);
    _exit(99);
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        printf("child by %s: ", argv[2]);
        list_fds("open");
        return 3;
    }
    list_fds("at start");
    int file = open(argv[0], O_RDONLY | O_CLOEXEC);
    int pipe_fds[2];
    CHECK_EQ(pipe(pipe_fds), 0);
    CHECK_EQ(file, 3);
    list_fds("after opening three");
    /* The pipe's read end survives the exec, the rest is close-on-exec. */
    CHECK_EQ(fcntl(pipe_fds[1], F_SETFD, FD_CLOEXEC), 0);
    printf("fexecve of a close-on-exec descriptor: exited %d\n", run_child(argv[0], "fexecve", "fexecve"));
    printf("fexecve of an O_PATH descriptor: exited %d\n", run_child(argv[0], "o_path", "O_PATH"));
    printf("execveat relative to a directory: exited %d\n", run_child(argv[0], "dirfd", "execveat"));
    close(file);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    list_fds("at the end");
    return CHECK_STATUS();
}
