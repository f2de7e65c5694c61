/* The part the benchmark servers (echo_server.c, http_server.c) share: a
 * listening socket on 127.0.0.1 and a one-thread epoll loop that accepts
 * every connection (non-blocking, TCP_NODELAY) and hands each readiness
 * event to the server's own `serve`.
 *
 * A server's connection type starts with the socket: `struct conn { int fd;
 * ... }`, allocated zeroed with `conn_size` bytes. `serve(ep, conn)` returns
 * -1 to have the connection closed and freed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Listens on 127.0.0.1:PORT (0: any free port) and prints "listening PORT"
 * on stdout once connections are accepted. */
static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		die("bind");
	if (listen(fd, 1024) < 0)
		die("listen");
	socklen_t len = sizeof addr;
	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");
	printf("listening %d\n", ntohs(addr.sin_port));
	fflush(stdout);
	return fd;
}

/* Serves connections on PORT until killed. */
static void serve_forever(int port, size_t conn_size, int (*serve)(int ep, void *conn))
{
	/* A client that goes away mid-response is an EPIPE, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	int lfd = listen_on(port);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl");
	struct epoll_event events[256];
	for (;;) {
		int n = epoll_wait(ep, events, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int *conn = events[i].data.ptr;
			if (conn == NULL) {
				int fd;
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					int one = 1;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					conn = calloc(1, conn_size);
					if (conn == NULL)
						die("calloc");
					*conn = fd;
					struct epoll_event cev = {.events = EPOLLIN, .data.ptr = conn};
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0)
						die("epoll_ctl");
				}
				if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
					die("accept4");
				continue;
			}
			if (serve(ep, conn) < 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, *conn, NULL);
				close(*conn);
				free(conn);
			}
		}
	}
}
