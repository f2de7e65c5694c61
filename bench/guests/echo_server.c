/* A TCP echo server for the server benchmarks (bench/apps.py): one thread,
 * epoll, non-blocking sockets, any number of connections; every byte a
 * client sends is sent back. What cannot be written at once is kept and
 * sent when the socket is writable again (reading from that client pauses
 * meanwhile).
 *
 * Usage: echo_server [PORT]   (default 0: any free port). Listens on
 * 127.0.0.1 and prints "listening PORT" on stdout once it accepts
 * connections. Runs until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536

struct conn {
	int fd;
	size_t pending, sent; /* bytes of buf still to send back, from sent */
	char buf[BUF];
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

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

static void drop(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Sends what is pending; 1 when all of it went, 0 when the socket is full,
 * -1 on an error. */
static int flush_conn(struct conn *c)
{
	while (c->pending > 0) {
		ssize_t n = write(c->fd, c->buf + c->sent, c->pending);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		c->sent += n;
		c->pending -= n;
	}
	return 1;
}

/* Echoes what can be read; returns -1 when the connection is done. */
static int serve(int ep, struct conn *c)
{
	for (;;) {
		int r = flush_conn(c);
		if (r < 0)
			return -1;
		if (r == 0) {
			struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return 0;
		}
		ssize_t n = read(c->fd, c->buf, BUF);
		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -1;
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return 0;
		}
		c->sent = 0;
		c->pending = n;
	}
}

int main(int argc, char **argv)
{
	/* A client that goes away mid-response is an EPIPE, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	int lfd = listen_on(argc > 1 ? atoi(argv[1]) : 0);
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
			struct conn *c = events[i].data.ptr;
			if (c == NULL) {
				int fd;
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					int one = 1;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					c = calloc(1, sizeof *c);
					if (c == NULL)
						die("calloc");
					c->fd = fd;
					struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0)
						die("epoll_ctl");
				}
				if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
					die("accept4");
				continue;
			}
			if (serve(ep, c) < 0)
				drop(ep, c);
		}
	}
}
