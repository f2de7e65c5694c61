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

#include "tcp_server.h"

#define BUF 65536

struct conn {
	int fd;
	size_t pending, sent; /* bytes of buf still to send back, from sent */
	char buf[BUF];
};

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
static int serve(int ep, void *conn)
{
	struct conn *c = conn;
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
	serve_forever(argc > 1 ? atoi(argv[1]) : 0, sizeof(struct conn), serve);
	return 0;
}
