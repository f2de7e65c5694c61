/* Named pipes: mkfifo (and mknod with S_IFIFO) create them, stat and
 * readdir report their type, a non-blocking reader can open one before any
 * writer, data flows through it between a parent and a forked child, and
 * creating one over an existing name fails with EEXIST. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    CHECK_EQ(mkfifo("fifo", 0600), 0);
    CHECK_EQ(mknod("node-fifo", S_IFIFO | 0600, 0), 0);
    struct stat st;
    CHECK_EQ(stat("fifo", &st), 0);
    printf("mkfifo: is a FIFO %d, mode %o\n", S_ISFIFO(st.st_mode), st.st_mode & 0777);
    CHECK_EQ(stat("node-fifo", &st), 0);
    printf("mknod S_IFIFO: is a FIFO %d\n", S_ISFIFO(st.st_mode));

    DIR *d = opendir(".");
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, "fifo") == 0)
            printf("readdir: d_type is DT_FIFO %d\n", e->d_type == DT_FIFO);
    closedir(d);

    errno = 0;
    int r = mkfifo("fifo", 0600);
    printf("mkfifo over an existing name: %d errno=%s\n", r, errno == EEXIST ? "EEXIST" : "other");

    /* A non-blocking reader may open before there is a writer. */
    int reader = open("fifo", O_RDONLY | O_NONBLOCK);
    printf("non-blocking open for reading without a writer: %d\n", reader >= 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int w = open("fifo", O_WRONLY);
        write(w, "through the fifo", 16);
        close(w);
        _exit(0);
    }
    int flags = fcntl(reader, F_GETFL);
    fcntl(reader, F_SETFL, flags & ~O_NONBLOCK);
    char buf[32] = {0};
    size_t got = 0;
    ssize_t n;
    /* Until the child opens the FIFO for writing, reads see end of file. */
    while (got < 16 && (n = read(reader, buf + got, sizeof buf - 1 - got)) >= 0) {
        if (n == 0)
            usleep(1000);
        got += (size_t)n;
    }
    waitpid(pid, NULL, 0);
    printf("read from the child's writes: [%s]\n", buf);
    close(reader);
    CHECK_EQ(unlink("fifo"), 0);
    CHECK_EQ(unlink("node-fifo"), 0);
    return CHECK_STATUS();
}
