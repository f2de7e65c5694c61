/* Sockets through libc: socketpair with SCM_RIGHTS descriptor passing,
 * AF_UNIX stream sockets on a path served by a forked child, TCP over
 * 127.0.0.1 on an ephemeral port served by a thread, UDP datagrams, address
 * conversion and numeric getaddrinfo, socket options, non-blocking accept,
 * and readiness through poll, select and epoll. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static ssize_t read_full(int fd, char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0)
            return n < 0 ? n : (ssize_t)got;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static void pairs(void) {
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(write(sv[0], "ping", 4), 4);
    char buf[64] = {0};
    printf("socketpair: read %zd [%s]\n", read(sv[1], buf, sizeof buf - 1), buf);

    /* Pass a pipe's read end across the pair, then read through it. */
    int p[2];
    CHECK_EQ(pipe(p), 0);
    char data = 'D';
    struct iovec iov = {.iov_base = &data, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    CHECK_EQ(sendmsg(sv[0], &msg, 0), 1);
    close(p[0]);

    char got_data = 0;
    struct iovec riov = {.iov_base = &got_data, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } rcontrol;
    struct msghdr rmsg = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rcontrol.buf,
                          .msg_controllen = sizeof rcontrol.buf};
    CHECK_EQ(recvmsg(sv[1], &rmsg, 0), 1);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rmsg);
    int passed = -1;
    if (rc && rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS)
        memcpy(&passed, CMSG_DATA(rc), sizeof passed);
    printf("SCM_RIGHTS: byte %c, control length %s, descriptor received: %d\n", got_data,
           rmsg.msg_controllen == CMSG_SPACE(sizeof(int)) || rmsg.msg_controllen == CMSG_LEN(sizeof(int)) ? "ok"
                                                                                                         : "wrong",
           passed >= 0);
    CHECK_EQ(write(p[1], "through the passed fd", 21), 21);
    close(p[1]);
    memset(buf, 0, sizeof buf);
    printf("read via passed fd: [%.*s]\n", (int)read_full(passed, buf, 21), buf);
    close(passed);

    CHECK_EQ(shutdown(sv[0], SHUT_WR), 0);
    printf("after peer SHUT_WR: read returns %zd\n", read(sv[1], buf, sizeof buf));
    close(sv[0]);
    close(sv[1]);

    CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    send(sv[0], "one", 3, 0);
    send(sv[0], "three", 5, 0);
    ssize_t a = recv(sv[1], buf, sizeof buf, 0);
    ssize_t b = recv(sv[1], buf, sizeof buf, 0);
    printf("datagram pair keeps boundaries: %zd %zd\n", a, b);
    close(sv[0]);
    close(sv[1]);
}

static void unix_stream(void) {
    const char *path = "libc-test.sock";
    unlink(path);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, path);
    CHECK_EQ(bind(srv, (struct sockaddr *)&addr, sizeof addr), 0);
    CHECK_EQ(listen(srv, 4), 0);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        /* The child serves one connection: uppercases what it reads. */
        int conn = accept(srv, NULL, NULL);
        char buf[64];
        ssize_t n = read(conn, buf, sizeof buf);
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] -= 32;
        write(conn, buf, (size_t)n);
        close(conn);
        _exit(0);
    }
    close(srv);
    int cl = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(connect(cl, (struct sockaddr *)&addr, sizeof addr), 0);
    struct sockaddr_un peer;
    socklen_t len = sizeof peer;
    CHECK_EQ(getpeername(cl, (struct sockaddr *)&peer, &len), 0);
    printf("unix: peer path [%s]\n", peer.sun_path);
    write(cl, "hello unix", 10);
    char buf[64] = {0};
    ssize_t n = read_full(cl, buf, 10);
    printf("unix: echoed %zd [%s], then EOF: %zd\n", n, buf, read(cl, buf, sizeof buf));
    close(cl);
    int status;
    waitpid(child, &status, 0);
    printf("unix: server child exited %d\n", WEXITSTATUS(status));
    errno = 0;
    cl = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(addr.sun_path, "no-such.sock");
    int r = connect(cl, (struct sockaddr *)&addr, sizeof addr);
    printf("connect to a missing path: %d errno=%s\n", r, errno == ENOENT ? "ENOENT" : "other");
    close(cl);
    unlink(path);
}

struct server {
    int listener;
    long total;
};

/* Accepts two clients and sums the numbers each sends, one per line. */
static void *tcp_server(void *arg) {
    struct server *s = arg;
    for (int k = 0; k < 2; k++) {
        int conn = accept(s->listener, NULL, NULL);
        if (conn < 0)
            return NULL;
        FILE *f = fdopen(conn, "r+");
        char line[64];
        long sum = 0;
        while (fgets(line, sizeof line, f) && strcmp(line, "end\n") != 0)
            sum += atol(line);
        fprintf(f, "sum=%ld\n", sum);
        fclose(f);
        s->total += sum;
    }
    return NULL;
}

static void tcp(void) {
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    CHECK_EQ(setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr), 1);
    CHECK_EQ(bind(srv, (struct sockaddr *)&addr, sizeof addr), 0);
    CHECK_EQ(listen(srv, 8), 0);
    socklen_t len = sizeof addr;
    CHECK_EQ(getsockname(srv, (struct sockaddr *)&addr, &len), 0);
    char text[INET_ADDRSTRLEN];
    printf("tcp: listening on %s, ephemeral port assigned: %d\n", inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text),
           ntohs(addr.sin_port) != 0);

    struct server s = {.listener = srv};
    pthread_t t;
    pthread_create(&t, NULL, tcp_server, &s);
    for (int k = 0; k < 2; k++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        CHECK_EQ(connect(c, (struct sockaddr *)&addr, sizeof addr), 0);
        CHECK_EQ(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
        int nodelay = 0;
        socklen_t ol = sizeof nodelay;
        getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nodelay, &ol);
        FILE *f = fdopen(c, "r+");
        for (int i = 1; i <= 100 * (k + 1); i++)
            fprintf(f, "%d\n", i);
        fputs("end\n", f);
        fflush(f);
        char reply[64];
        printf("tcp client %d: nodelay=%d reply %s", k, nodelay != 0, fgets(reply, sizeof reply, f) ? reply : "none\n");
        fclose(f);
    }
    pthread_join(t, NULL);
    printf("tcp: server total %ld\n", s.total);

    /* Non-blocking accept with nobody connecting. */
    int fl = fcntl(srv, F_GETFL);
    fcntl(srv, F_SETFL, fl | O_NONBLOCK);
    errno = 0;
    int r = accept(srv, NULL, NULL);
    printf("non-blocking accept: %d errno=%s\n", r, errno == EAGAIN || errno == EWOULDBLOCK ? "EAGAIN" : "other");
    int type;
    socklen_t tl = sizeof type;
    getsockopt(srv, SOL_SOCKET, SO_TYPE, &type, &tl);
    printf("SO_TYPE is SOCK_STREAM: %d\n", type == SOCK_STREAM);
    close(srv);

    /* Connecting to the now-closed port is refused. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    r = connect(c, (struct sockaddr *)&addr, sizeof addr);
    printf("connect to a closed port: %d errno=%s\n", r, errno == ECONNREFUSED ? "ECONNREFUSED" : "other");
    close(c);
}

static void udp(void) {
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_EQ(bind(b, (struct sockaddr *)&addr, sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(b, (struct sockaddr *)&addr, &len);
    CHECK_EQ(sendto(a, "datagram", 8, 0, (struct sockaddr *)&addr, sizeof addr), 8);
    char buf[32] = {0};
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("udp: %zd [%s] from 127.0.0.1: %d\n", n, buf, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    close(a);
    close(b);
}

static void addresses(void) {
    struct in6_addr a6;
    char text[INET6_ADDRSTRLEN];
    CHECK_EQ(inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &a6), 1);
    printf("inet6 round trip: %s\n", inet_ntop(AF_INET6, &a6, text, sizeof text));
    CHECK_EQ(inet_pton(AF_INET6, "::ffff:10.0.0.1", &a6), 1);
    printf("mapped v4: %s\n", inet_ntop(AF_INET6, &a6, text, sizeof text));
    struct in_addr a4;
    printf("inet_pton invalid: %d, inet_aton: %d, inet_addr: %08x\n", inet_pton(AF_INET, "300.1.1.1", &a4),
           inet_aton("10.1.2.3", &a4), ntohl(inet_addr("192.168.1.2")));
    printf("htons(0x1234)=%#x htonl(0x01020304)=%#x\n", htons(0x1234), htonl(0x01020304));

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *res;
    int r = getaddrinfo("127.0.0.1", "8080", &hints, &res);
    printf("getaddrinfo numeric: %d", r);
    if (r == 0) {
        struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
        printf(" family AF_INET=%d port %d next=%s", res->ai_family == AF_INET, ntohs(sin->sin_port),
               res->ai_next ? "more" : "none");
        freeaddrinfo(res);
    }
    printf("\n");
    r = getaddrinfo("::1", "22", &hints, &res);
    printf("getaddrinfo ::1: %d family AF_INET6=%d\n", r, r == 0 && res->ai_family == AF_INET6);
    if (r == 0)
        freeaddrinfo(res);
    r = getaddrinfo("not-numeric.invalid", NULL, &hints, &res);
    printf("getaddrinfo non-numeric with AI_NUMERICHOST: EAI_NONAME=%d\n", r == EAI_NONAME);
    char host[64], serv[16];
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(443)};
    inet_pton(AF_INET, "10.9.8.7", &sin.sin_addr);
    r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    printf("getnameinfo numeric: %d %s %s\n", r, host, serv);
}

static void readiness(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct pollfd pfd[2] = {{.fd = sv[0], .events = POLLIN | POLLOUT}, {.fd = sv[1], .events = POLLIN}};
    int n = poll(pfd, 2, 0);
    printf("poll before data: %d ready, [0] in=%d out=%d, [1] in=%d\n", n, !!(pfd[0].revents & POLLIN),
           !!(pfd[0].revents & POLLOUT), !!(pfd[1].revents & POLLIN));
    write(sv[0], "x", 1);
    n = poll(pfd + 1, 1, 1000);
    printf("poll after write: %d, in=%d\n", n, !!(pfd[1].revents & POLLIN));
    close(sv[0]);
    n = poll(pfd + 1, 1, 1000);
    printf("poll after peer close: %d, in=%d hup=%d\n", n, !!(pfd[1].revents & POLLIN), !!(pfd[1].revents & POLLHUP));
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(sv[1], &rd);
    FD_SET(sv[0], &wr);
    struct timeval tv = {0, 0};
    n = select((sv[0] > sv[1] ? sv[0] : sv[1]) + 1, &rd, &wr, NULL, &tv);
    printf("select: %d ready, readable=%d writable=%d\n", n, FD_ISSET(sv[1], &rd) != 0, FD_ISSET(sv[0], &wr) != 0);
    write(sv[0], "y", 1);
    FD_ZERO(&rd);
    FD_SET(sv[1], &rd);
    tv.tv_usec = 500000;
    n = select(sv[1] + 1, &rd, NULL, NULL, &tv);
    printf("select after write: %d readable=%d\n", n, FD_ISSET(sv[1], &rd) != 0);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev), 0);
    struct epoll_event out[4];
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll: %d event(s), EPOLLIN=%d data=%llx\n", n, n > 0 && (out[0].events & EPOLLIN),
           n > 0 ? (unsigned long long)out[0].data.u64 : 0ULL);
    char c;
    read(sv[1], &c, 1);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll after draining: %d\n", n);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = sv[1];
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &ev), 0);
    write(sv[0], "zz", 2);
    int first = epoll_wait(ep, out, 4, 1000);
    int again = epoll_wait(ep, out, 4, 0);
    printf("edge triggered: first wait %d, second %d, data.fd matches %d\n", first, again, out[0].data.fd == sv[1]);
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], NULL), 0);
    errno = 0;
    int r = epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], NULL);
    printf("deleting twice: %d errno=%s\n", r, errno == ENOENT ? "ENOENT" : "other");
    close(ep);
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    pairs();
    unix_stream();
    tcp();
    udp();
    addresses();
    readiness();
    return CHECK_STATUS();
}
