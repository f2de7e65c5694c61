/* A small HTTP/1.1 server for the server benchmarks (bench/apps.py): one
 * thread, epoll, non-blocking sockets, keep-alive and pipelined requests.
 *   GET /      a fixed 13-byte body, "Hello, world\n"
 *   GET /file  the file named on the command line, sent with sendfile(2)
 *   anything else: 404; a request it cannot parse: 400 and close.
 * "Connection: close" (or HTTP/1.0 without keep-alive) closes after the
 * response.
 *
 * Usage: http_server FILE [PORT]   (default PORT 0: any free port). Listens on
 * 127.0.0.1 and prints "listening PORT" on stdout once it accepts
 * connections. Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcp_server.h"

#define IN 16384
#define OUT 4096

static const char hello[] = "Hello, world\n";
static int file_fd;
static off_t file_size;

struct conn {
	int fd;
	int close_after;       /* close once everything is sent */
	size_t in_len;         /* bytes of requests in in[] */
	size_t out_len, out_at; /* response head (or small body) in out[] */
	off_t file_at, file_end; /* file bytes still to send after out[] */
	char in[IN];
	char out[OUT];
};

/* Is header NAME (with its colon) in the head, with a value containing
 * WORD (case-insensitively)? */
static int header_has(const char *head, const char *name, const char *word)
{
	size_t n = strlen(name);
	for (const char *line = strstr(head, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
		if (strncasecmp(line + 2, name, n) != 0)
			continue;
		const char *end = strstr(line + 2, "\r\n");
		for (const char *p = line + 2 + n; end && p + strlen(word) <= end; p++)
			if (strncasecmp(p, word, strlen(word)) == 0)
				return 1;
	}
	return 0;
}

/* Prepares the response to the request whose head (NUL-terminated, without
 * the blank line) is HEAD; returns 0, or -1 when it cannot be parsed. */
static int respond(struct conn *c, char *head)
{
	char method[16], path[256], version[16];
	if (sscanf(head, "%15s %255s %15s", method, path, version) != 3 || strncmp(version, "HTTP/1.", 7) != 0)
		return -1;
	int http10 = strcmp(version, "HTTP/1.0") == 0;
	c->close_after = http10 ? !header_has(head, "Connection:", "keep-alive")
				: header_has(head, "Connection:", "close");
	const char *conn = c->close_after ? "close" : "keep-alive";
	int head_only = strcmp(method, "HEAD") == 0;
	if (strcmp(method, "GET") != 0 && !head_only) {
		c->out_len = snprintf(c->out, OUT, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: %s\r\n\r\n", conn);
	} else if (strcmp(path, "/") == 0) {
		c->out_len = snprintf(c->out, OUT, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
				     "Connection: %s\r\n\r\n%s", sizeof hello - 1, conn, head_only ? "" : hello);
	} else if (strcmp(path, "/file") == 0) {
		c->out_len = snprintf(c->out, OUT, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
				     "Content-Length: %lld\r\nConnection: %s\r\n\r\n", (long long)file_size, conn);
		c->file_at = 0;
		c->file_end = head_only ? 0 : file_size;
	} else {
		c->out_len = snprintf(c->out, OUT, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: %s\r\n\r\n", conn);
	}
	c->out_at = 0;
	return 0;
}

/* Sends what is pending: 1 when all went, 0 when the socket is full, -1 on
 * an error. */
static int flush_conn(struct conn *c)
{
	while (c->out_at < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_at, c->out_len - c->out_at);
		if (n < 0)
			return errno == EAGAIN ? 0 : errno == EINTR ? flush_conn(c) : -1;
		c->out_at += n;
	}
	while (c->file_at < c->file_end) {
		off_t at = c->file_at;
		ssize_t n = sendfile(c->fd, file_fd, &at, c->file_end - c->file_at);
		if (n < 0)
			return errno == EAGAIN ? 0 : errno == EINTR ? flush_conn(c) : -1;
		if (n == 0)
			return -1; /* the file shrank */
		c->file_at = at;
	}
	return 1;
}

static void watch(int ep, struct conn *c, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Answers every complete request received, reading more while the socket
 * has some; -1 when the connection is done. */
static int serve(int ep, void *conn)
{
	struct conn *c = conn;
	for (;;) {
		int r = flush_conn(c);
		if (r < 0)
			return -1;
		if (r == 0) {
			watch(ep, c, EPOLLOUT);
			return 0;
		}
		if (c->close_after)
			return -1;
		char *end = c->in_len ? memmem(c->in, c->in_len, "\r\n\r\n", 4) : NULL;
		if (end != NULL) {
			*end = '\0';
			if (respond(c, c->in) < 0) {
				c->out_len = snprintf(c->out, OUT, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
				c->out_at = 0;
				c->close_after = 1;
			}
			size_t used = end + 4 - c->in;
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			continue;
		}
		if (c->in_len == IN)
			return -1; /* a head larger than the buffer */
		ssize_t n = read(c->fd, c->in + c->in_len, IN - c->in_len);
		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -1;
			watch(ep, c, EPOLLIN);
			return 0;
		}
		c->in_len += n;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: http_server FILE [PORT]\n");
		return 2;
	}
	struct stat st;
	file_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (file_fd < 0 || fstat(file_fd, &st) < 0)
		die(argv[1]);
	file_size = st.st_size;
	serve_forever(argc > 2 ? atoi(argv[2]) : 0, sizeof(struct conn), serve);
	return 0;
}
