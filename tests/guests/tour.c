/* A tour of the core runtime: write a file, read it back, stat it, list its
 * directory, then talk TCP to ourselves over loopback, driven by epoll. Run
 * differentially and compared with real strace (crates/lamina/tests/tour.rs). */
#include "lt.h"

static void file_round_trip(void) {
    expect_eq("mkdir", wali_mkdir("d", 0755), 0);
    int fd = (int)wali_open("d/file.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    expect_true("open for writing", fd >= 0);
    expect_eq("write", wali_write(fd, "hello, lamina\n", 14), 14);
    expect_eq("close", wali_close(fd), 0);

    fd = (int)wali_open("d/file.txt", O_RDONLY | O_CLOEXEC, 0);
    char buf[64];
    long n = wali_read(fd, buf, sizeof buf);
    expect_eq("read back", n, 14);
    expect_eq("same bytes", memcmp(buf, "hello, lamina\n", 14), 0);
    struct stat st;
    expect_eq("fstat", wali_fstat(fd, &st), 0);
    expect_eq("size", st.st_size, 14);
    expect_eq("regular file", st.st_mode & S_IFMT, S_IFREG);
    expect_eq("mode", st.st_mode & 0777, 0644);
    wali_close(fd);
}

static void list_directory(void) {
    int dir = (int)wali_open("d", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_true("open directory", dir >= 0);
    static char buf[4096];
    long n = wali_getdents64(dir, buf, sizeof buf);
    expect_true("getdents64", n > 0);
    int entries = 0, found = 0;
    for (long off = 0; off < n;) {
        struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
        entries++;
        if (lt_streq(e->d_name, "file.txt")) found = e->d_type == DT_REG;
        off += e->d_reclen;
    }
    expect_eq("entries", entries, 3);
    expect_true("file.txt listed as a regular file", found);
    wali_close(dir);
}

static void tcp_with_epoll(void) {
    int listener = (int)wali_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {AF_INET, 0, LT_LOOPBACK, {0}};
    expect_eq("bind", wali_bind(listener, &addr, sizeof addr), 0);
    expect_eq("listen", wali_listen(listener, 4), 0);
    socklen_t len = sizeof addr;
    expect_eq("getsockname", wali_getsockname(listener, &addr, &len), 0);
    expect_true("got a port", addr.sin_port != 0);

    int client = (int)wali_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    expect_eq("connect", wali_connect(client, &addr, sizeof addr), 0);

    int ep = (int)wali_epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {EPOLLIN, (uint64_t)listener};
    expect_eq("epoll_ctl listener", wali_epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev), 0);
    struct epoll_event ready[4];
    expect_eq("listener ready", wali_epoll_pwait(ep, ready, 4, 5000, NULL, 8), 1);
    expect_eq("ready fd", (long)ready[0].data, listener);

    int server = (int)wali_accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    expect_true("accept4", server >= 0);
    ev.data = (uint64_t)server;
    expect_eq("epoll_ctl server", wali_epoll_ctl(ep, EPOLL_CTL_ADD, server, &ev), 0);
    expect_eq("send ping", wali_sendto(client, "ping", 4, 0, NULL, 0), 4);
    expect_eq("server ready", wali_epoll_pwait(ep, ready, 4, 5000, NULL, 8), 1);
    expect_eq("ready is the server side", (long)ready[0].data, server);
    char buf[8];
    expect_eq("recv ping", wali_recvfrom(server, buf, sizeof buf, 0, NULL, NULL), 4);
    expect_eq("ping", memcmp(buf, "ping", 4), 0);
    expect_eq("send pong", wali_sendto(server, "pong", 4, 0, NULL, 0), 4);
    expect_eq("recv pong", wali_recvfrom(client, buf, sizeof buf, 0, NULL, NULL), 4);
    expect_eq("pong", memcmp(buf, "pong", 4), 0);
    wali_close(server);
    wali_close(client);
    wali_close(listener);
    wali_close(ep);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    file_round_trip();
    list_directory();
    tcp_with_epoll();
    expect_eq("unlink", wali_unlink("d/file.txt"), 0);
    expect_eq("rmdir", wali_rmdir("d"), 0);
    return lt_failures;
}
