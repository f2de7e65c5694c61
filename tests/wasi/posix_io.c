/* What the other POSIX programs cannot set up alone; the test harness
 * (crates/lamina/tests/wasi.rs) provides the rest. One mode per run:
 *
 *   posix_io readdir    a directory of 400 long names, more than one
 *                       fd_readdir buffer of wasi-libc: every entry once,
 *                       telldir/seekdir (readdir cookies) back into the
 *                       middle, rewinddir
 *   posix_io pipe       stdin is a pipe the harness writes to only when told:
 *                       poll on it while it is empty times out (fd
 *                       subscription not ready, clock fires), then becomes
 *                       readable, then reports the writer's hang-up
 *   posix_io accept     stdin is a listening TCP socket: accept (sock_accept),
 *                       recv with MSG_PEEK and plain (sock_recv), send
 *                       (sock_send), shutdown (sock_shutdown), and the
 *                       ENOTSOCK/EBADF cases
 *   posix_io preopens   run with a second, read-only preopen "ro" holding
 *                       secret.txt: reading it works, changing anything in
 *                       it fails, paths choose their preopen
 *
 * Nothing printed depends on time or on the host. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

enum { ENTRIES = 400 };

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names read from `dir` until its end (or `limit`), "." and ".."
 * skipped; returns how many. */
static int read_names(DIR *dir, char **names, int limit)
{
    int count = 0;
    struct dirent *entry;
    while (count < limit && (entry = readdir(dir))) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        CHECK(entry->d_type == DT_REG);
        names[count++] = strdup(entry->d_name);
    }
    return count;
}

static void free_names(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
}

static void readdir_many(void)
{
    CHECK_EQ(mkdir("many", 0755), 0);
    for (int i = 0; i < ENTRIES; i++) {
        char name[128];
        snprintf(name, sizeof name, "many/entry-%03d-%s", i, "with-a-long-name-so-that-few-fit-in-one-buffer-of-entries");
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        CHECK(fd >= 0);
        close(fd);
    }
    DIR *dir = opendir("many");
    CHECK(dir != NULL);
    if (!dir)
        return;

    /* Every entry exactly once, across buffer refills. */
    static char *names[ENTRIES + 1];
    int count = read_names(dir, names, ENTRIES + 1);
    printf("readdir: %d entries\n", count);
    CHECK_EQ(count, ENTRIES);
    static char *sorted[ENTRIES + 1];
    memcpy(sorted, names, count * sizeof *names);
    qsort(sorted, count, sizeof *sorted, compare_strings);
    int in_order = 1;
    for (int i = 0; i < count; i++) {
        char want[16];
        snprintf(want, sizeof want, "entry-%03d-", i);
        in_order &= !strncmp(sorted[i], want, strlen(want));
    }
    printf("sorted names are entry-000 .. entry-%03d: %s\n", count - 1, in_order ? "yes" : "no");
    CHECK(in_order);

    /* telldir in the middle, read on, seekdir back: the same sequence. */
    rewinddir(dir);
    static char *first[ENTRIES], *again[ENTRIES], *rest[ENTRIES];
    int half = read_names(dir, first, ENTRIES / 2);
    long middle = telldir(dir);
    int after = read_names(dir, rest, ENTRIES);
    seekdir(dir, middle);
    int replayed = read_names(dir, again, ENTRIES);
    int same = replayed == after;
    for (int i = 0; same && i < after; i++)
        same = !strcmp(rest[i], again[i]);
    printf("rewinddir, %d read, telldir, %d read to the end, seekdir back: %d read, same: %s\n", half, after,
           replayed, same ? "yes" : "no");
    CHECK_EQ(half + after, ENTRIES);
    CHECK(same);
    closedir(dir);
    free_names(names, count);
    free_names(first, half);
    free_names(rest, after);
    free_names(again, replayed);
}

/* Waits for stdin with a timeout; prints what poll said. */
static void poll_stdin(const char *when, int timeout_ms)
{
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    printf("%s: poll = %d, POLLIN %s, POLLHUP %s\n", when, n, (p.revents & POLLIN) ? "yes" : "no",
           (p.revents & POLLHUP) ? "yes" : "no");
}

static void pipe_poll(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    poll_stdin("empty pipe, 30 ms", 30);
    /* The harness writes one line to stdin when it reads this one. */
    printf("ready for data\n");
    poll_stdin("after the write", 60000);
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf);
    printf("read %zd bytes: %.*s", n, n > 0 ? (int)n : 0, buf);
    /* The harness closes its end when it reads this one. */
    printf("ready for hang-up\n");
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int ready = poll(&p, 1, 60000);
    /* Linux reports the writer's hang-up as POLLHUP, which WASI carries as
     * FD_READWRITE_HANGUP (wasmtime reports none on stdin: this mode is
     * compared with the native run only). POLLIN may come with it. */
    printf("after the hang-up: poll = %d, POLLHUP %s\n", ready, (p.revents & POLLHUP) ? "yes" : "no");
    CHECK_EQ(ready, 1);
    printf("read at end = %zd\n", read(0, buf, sizeof buf));
}

static void accept_one(void)
{
    int conn = accept(0, NULL, NULL);
    printf("accept: %s\n", conn >= 0 ? "a connection" : errname(errno));
    if (conn < 0)
        return;
    char buf[64];
    ssize_t n = recv(conn, buf, 5, MSG_PEEK);
    printf("recv MSG_PEEK = %zd: %.*s\n", n, n > 0 ? (int)n : 0, buf);
    n = recv(conn, buf, 5, MSG_WAITALL);
    printf("recv MSG_WAITALL = %zd: %.*s\n", n, n > 0 ? (int)n : 0, buf);
    for (int i = 0; i < n; i++)
        buf[i] -= 'a' - 'A';
    SHOW("send", send(conn, buf, n, 0));
    SHOW("shutdown SHUT_WR", shutdown(conn, SHUT_WR));
    SHOW("recv until the peer closes", recv(conn, buf, sizeof buf, 0));
    SHOW("recv on stdout (a pipe)", recv(1, buf, 1, 0));
    SHOW("shutdown of a bad descriptor", shutdown(99, SHUT_RDWR));
    SHOW("close", close(conn));
}

static void preopens(void)
{
    char buf[64] = {0};
    int fd = open("ro/secret.txt", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    printf("read ro/secret.txt: %zd bytes: %s", n, buf);
    close(fd);
    SHOW("open ro/secret.txt for writing", open("ro/secret.txt", O_WRONLY));
    SHOW("create ro/new", open("ro/new", O_WRONLY | O_CREAT, 0644));
    SHOW("mkdir ro/d", mkdir("ro/d", 0755));
    SHOW("unlink ro/secret.txt", unlink("ro/secret.txt"));
    SHOW("symlink in ro", symlink("secret.txt", "ro/link"));
    /* The writable preopen "." is still writable, and holds no "ro". */
    fd = open("here.txt", O_WRONLY | O_CREAT, 0644);
    SHOW("write here.txt", write(fd, "here\n", 5));
    close(fd);
    struct stat st;
    SHOW("stat ro (a preopen, not an entry of .)", stat("ro", &st) == 0 && S_ISDIR(st.st_mode));
    SHOW("stat ./ro/secret.txt", stat("./ro/secret.txt", &st));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "readdir"))
        readdir_many();
    else if (!strcmp(mode, "pipe"))
        pipe_poll();
    else if (!strcmp(mode, "accept"))
        accept_one();
    else if (!strcmp(mode, "preopens"))
        preopens();
    else {
        fprintf(stderr, "usage: posix_io readdir|pipe|accept|preopens\n");
        return 2;
    }
    return CHECK_STATUS();
}
