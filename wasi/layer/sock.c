/* sock_*: sockets the program inherited (WASI p1 cannot create them).
 * Plain receives and sends are readv/writev on the program's iovecs;
 * receives with flags go through recvmsg into a layer buffer. */
#include <stdlib.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wasi_layer.h"

/* fd_lookup for a socket: any other descriptor is ENOTSOCK. */
static struct wasi_fd *socket_lookup(uint32_t fd, uint64_t needed, int *err)
{
	struct wasi_fd *f = fd_lookup(fd, 0, err);
	if (f && !f->socket) {
		*err = WASI_ENOTSOCK;
		return NULL;
	}
	return f ? fd_lookup(fd, needed, err) : NULL;
}

WASI_EXPORT("sock_accept") int wasi_sock_accept(uint32_t fd, uint32_t flags, lp_addr fd_out)
{
	int err;
	struct wasi_fd *f = socket_lookup(fd, R_SOCK_ACCEPT, &err);
	if (!f)
		return err;
	if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
		return WASI_EINVAL;
	int host = accept4(f->host, NULL, NULL, SOCK_CLOEXEC | ((flags & WASI_FDFLAG_NONBLOCK) ? SOCK_NONBLOCK : 0));
	if (host < 0)
		return wasi_errno_last();
	uint8_t type = f->filetype;
	uint64_t base = rights_for_filetype(type, 1, 1);
	int new_fd = fd_insert(host, type, base, base);
	if (new_fd < 0)
		return -new_fd;
	fd_lookup((uint32_t)new_fd, 0, &err)->socket = 1;
	if ((err = put_u32(fd_out, (uint32_t)new_fd))) {
		close(host);
		fd_release((uint32_t)new_fd);
	}
	return err;
}

/* Receives with flags into a layer buffer, then scatters the bytes into
 * the program's iovecs; the total is bounded like one read. */
static int recv_with_flags(int host, lp_addr iovs, uint32_t iovs_len, int flags, uint32_t *received, uint16_t *ro_flags)
{
	struct wasi_iovec *iov = malloc(iovs_len * sizeof *iov + 1);
	if (!iov)
		return WASI_ENOMEM;
	int err = get(iov, iovs, iovs_len * sizeof *iov);
	uint64_t total = 0;
	for (uint32_t i = 0; !err && i < iovs_len; i++)
		total += iov[i].buf_len;
	if (total > (1u << 30))
		total = 1u << 30;
	char *data = err ? NULL : malloc(total ? total : 1);
	if (!err && !data)
		err = WASI_ENOMEM;
	if (!err) {
		struct iovec one = {.iov_base = data, .iov_len = total};
		struct msghdr msg = {.msg_iov = &one, .msg_iovlen = 1};
		ssize_t n = recvmsg(host, &msg, flags);
		if (n < 0) {
			err = wasi_errno_last();
		} else {
			*received = (uint32_t)n;
			*ro_flags = (msg.msg_flags & MSG_TRUNC) ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0;
			uint32_t at = 0;
			for (uint32_t i = 0; !err && i < iovs_len && at < (uint32_t)n; i++) {
				uint32_t part = (uint32_t)n - at < iov[i].buf_len ? (uint32_t)n - at : iov[i].buf_len;
				err = put(iov[i].buf, data + at, part);
				at += part;
			}
		}
	}
	free(data);
	free(iov);
	return err;
}

WASI_EXPORT("sock_recv")
int wasi_sock_recv(uint32_t fd, lp_addr ri_data, uint32_t ri_data_len, uint32_t ri_flags, lp_addr ro_datalen_out,
		   lp_addr ro_flags_out)
{
	int err;
	struct wasi_fd *f = socket_lookup(fd, R_FD_READ, &err);
	if (!f)
		return err;
	if (ri_data_len > WASI_IOV_MAX || (ri_flags & ~(uint32_t)(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL)))
		return WASI_EINVAL;
	uint32_t received = 0;
	uint16_t ro_flags = 0;
	if (ri_flags == 0) {
		long long n = lp_readv(f->host, ri_data, (int)ri_data_len);
		if (n < 0)
			return wasi_from_ret(n);
		received = (uint32_t)n;
	} else {
		int flags = ((ri_flags & WASI_RIFLAG_RECV_PEEK) ? MSG_PEEK : 0) | ((ri_flags & WASI_RIFLAG_RECV_WAITALL) ? MSG_WAITALL : 0);
		if ((err = recv_with_flags(f->host, ri_data, ri_data_len, flags, &received, &ro_flags)))
			return err;
	}
	if ((err = put_u32(ro_datalen_out, received)))
		return err;
	return put(ro_flags_out, &ro_flags, sizeof ro_flags);
}

WASI_EXPORT("sock_send")
int wasi_sock_send(uint32_t fd, lp_addr si_data, uint32_t si_data_len, uint32_t si_flags, lp_addr so_datalen_out)
{
	int err;
	struct wasi_fd *f = socket_lookup(fd, R_FD_WRITE, &err);
	if (!f)
		return err;
	if (si_data_len > WASI_IOV_MAX || si_flags != 0)
		return WASI_EINVAL; /* WASI defines no send flags */
	long long n = lp_writev(f->host, si_data, (int)si_data_len);
	if (n < 0)
		return wasi_from_ret(n);
	return put_u32(so_datalen_out, (uint32_t)n);
}

WASI_EXPORT("sock_shutdown") int wasi_sock_shutdown(uint32_t fd, uint32_t how)
{
	int err;
	struct wasi_fd *f = socket_lookup(fd, R_SOCK_SHUTDOWN, &err);
	if (!f)
		return err;
	int linux_how;
	switch (how) {
	case WASI_SDFLAG_RD: linux_how = SHUT_RD; break;
	case WASI_SDFLAG_WR: linux_how = SHUT_WR; break;
	case WASI_SDFLAG_RD | WASI_SDFLAG_WR: linux_how = SHUT_RDWR; break;
	default: return WASI_EINVAL;
	}
	return shutdown(f->host, linux_how) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}
