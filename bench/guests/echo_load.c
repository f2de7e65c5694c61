/* Load generator for bench/guests/echo_server.c: CONNS connections to
 * 127.0.0.1:PORT, each making ROUNDS round trips of a SIZE-byte message (one
 * message in flight per connection, all connections at once, from one
 * thread with epoll). Every echoed byte is checked against what was sent
 * (each message is different). Prints one line:
 *   round-trips N seconds T per-second R p50-us A p99-us B
 * and exits 1 on any error or mismatch.
 *
 * Usage: echo_load PORT CONNS ROUNDS SIZE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct client {
	int fd, rounds_left;
	size_t sent, got;
	double start;
	unsigned char *out, *in;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static size_t size;

/* A new message for this client's next round. */
static void fill(struct client *c, int id)
{
	unsigned x = id * 2654435761u + c->rounds_left * 40503u + 1;
	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		c->out[i] = x >> 16;
	}
	c->sent = c->got = 0;
	c->start = now();
}

/* Writes what the socket takes; -1 on an error. */
static int push(struct client *c)
{
	while (c->sent < size) {
		ssize_t n = write(c->fd, c->out + c->sent, size - c->sent);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->sent += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: echo_load PORT CONNS ROUNDS SIZE\n");
		return 2;
	}
	int port = atoi(argv[1]), conns = atoi(argv[2]), rounds = atoi(argv[3]);
	size = strtoul(argv[4], NULL, 10);
	long total = (long)conns * rounds;
	double *lat = malloc(total * sizeof *lat);
	struct client *cl = calloc(conns, sizeof *cl);
	int ep = epoll_create1(0);
	if (!lat || !cl || ep < 0)
		fail("setup");
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < conns; i++) {
		struct client *c = &cl[i];
		c->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0)
			fail("connect");
		fcntl(c->fd, F_SETFL, O_NONBLOCK);
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c->out = malloc(size);
		c->in = malloc(size);
		c->rounds_left = rounds;
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
			fail("epoll_ctl");
	}
	long done = 0;
	int active = conns;
	double t0 = now();
	for (int i = 0; i < conns; i++) {
		/* What the socket does not take now is pushed as the echo of
		 * the first part arrives. */
		fill(&cl[i], i);
		if (push(&cl[i]) < 0)
			fail("write");
	}
	struct epoll_event events[256];
	while (active > 0) {
		int n = epoll_wait(ep, events, 256, 10000);
		if (n <= 0) {
			fprintf(stderr, "echo_load: no progress in 10 s (%ld of %ld round trips)\n", done, total);
			return 1;
		}
		for (int k = 0; k < n; k++) {
			int id = events[k].data.u32;
			struct client *c = &cl[id];
			ssize_t r = read(c->fd, c->in + c->got, size - c->got);
			if (r == 0) {
				fprintf(stderr, "echo_load: server closed connection %d\n", id);
				return 1;
			}
			if (r < 0) {
				if (errno == EAGAIN)
					continue;
				fail("read");
			}
			c->got += r;
			if (push(c) < 0)
				fail("write");
			if (c->got < size)
				continue;
			if (memcmp(c->in, c->out, size) != 0) {
				fprintf(stderr, "echo_load: connection %d: echoed bytes differ\n", id);
				return 1;
			}
			lat[done++] = now() - c->start;
			if (--c->rounds_left == 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				active--;
				continue;
			}
			fill(c, id);
			if (push(c) < 0)
				fail("write");
		}
	}
	double secs = now() - t0;
	qsort(lat, done, sizeof *lat, cmp);
	printf("round-trips %ld seconds %.4f per-second %.0f p50-us %.1f p99-us %.1f\n", done, secs, done / secs,
	       lat[done / 2] * 1e6, lat[(long)(done * 0.99)] * 1e6);
	return 0;
}
