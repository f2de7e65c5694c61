/* The layer's process: the descriptor table, its set-up (stdio, then the
 * preopened directories Lamina hands over), and the program's start. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "wasi_layer.h"

int layer_argc;
char **layer_argv;

static struct wasi_fd *table;
static uint32_t table_len;

/* Rights as wasmtime reports them: a descriptor holds every right its
 * kind of file could use, less reading or writing when it was not opened
 * for it; a directory cannot seek, write or change sizes. What only
 * writes is withheld from everything under a --ro-dir. */
#define RIGHTS_NOT_DIR (R_FD_SEEK | R_FD_WRITE | R_PATH_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_SIZE)
/* A preopened directory's own rights and what it hands down (wasmtime's). */
#define RIGHTS_PREOPEN                                                                              \
	(R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET |   \
	 R_PATH_OPEN | R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | \
	 R_PATH_FILESTAT_GET | R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES | \
	 R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
#define RIGHTS_PREOPEN_INHERITING (R_ALL & ~(R_PATH_FILESTAT_SET_SIZE | R_SOCK_SHUTDOWN | R_SOCK_ACCEPT))
/* What writes: refused with EPERM on everything under a --ro-dir (the
 * rights stay as reported for a writable one, as in wasmtime, so that
 * wasi-libc asks for write access and is told no at open). */
#define RIGHTS_WRITING                                                                              \
	(R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | \
	 R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET |    \
	 R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | R_PATH_FILESTAT_SET_SIZE |                     \
	 R_PATH_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)

uint64_t rights_for_filetype(uint8_t filetype, int readable, int writable)
{
	uint64_t rights = R_ALL;
	if (filetype == WASI_FILETYPE_DIRECTORY) {
		rights &= ~RIGHTS_NOT_DIR;
	} else {
		if (!readable)
			rights &= ~(R_FD_READ | R_FD_READDIR);
		if (!writable)
			rights &= ~R_FD_WRITE;
	}
	return rights;
}

uint8_t filetype_from_mode(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
	case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
	case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
	case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
	case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
	case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
	default: return WASI_FILETYPE_UNKNOWN;
	}
}

struct wasi_fd *fd_lookup(uint32_t fd, uint64_t needed, int *err)
{
	if (fd >= table_len || table[fd].host < 0) {
		*err = WASI_EBADF;
		return NULL;
	}
	if ((table[fd].rights_base & needed) != needed) {
		*err = WASI_ENOTCAPABLE;
		return NULL;
	}
	if (table[fd].readonly && (needed & RIGHTS_WRITING)) {
		*err = WASI_EPERM;
		return NULL;
	}
	return &table[fd];
}

uint32_t fd_table_size(void)
{
	return table_len;
}

int fd_insert(int host, uint8_t filetype, uint64_t base, uint64_t inheriting)
{
	uint32_t fd = 0;
	while (fd < table_len && table[fd].host >= 0)
		fd++;
	if (fd == table_len) {
		uint32_t grown = table_len ? table_len * 2 : 16;
		struct wasi_fd *bigger = realloc(table, grown * sizeof *table);
		if (!bigger) {
			close(host);
			return -WASI_ENOMEM;
		}
		for (uint32_t i = table_len; i < grown; i++)
			bigger[i] = (struct wasi_fd){.host = -1};
		table = bigger;
		table_len = grown;
	}
	table[fd] = (struct wasi_fd){
		.host = host, .filetype = filetype, .rights_base = base, .rights_inheriting = inheriting};
	return (int)fd;
}

void fd_release(uint32_t fd)
{
	free(table[fd].preopen_name);
	table[fd] = (struct wasi_fd){.host = -1};
}

/* Standard input, output and error as wasmtime presents them: a terminal
 * is a character device, anything else of unknown type, and each may
 * only be read (0) or written (1, 2). A socket handed over as stdio
 * (inetd-style: a connection, or a listening socket to accept on) is
 * presented as the socket it is, with a socket's rights, since WASI
 * preview 1 gives a program no other way to receive one. */
static void add_stdio(int host)
{
	struct stat st;
	int type_of_socket;
	socklen_t len = sizeof type_of_socket;
	if (fstat(host, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    getsockopt(host, SOL_SOCKET, SO_TYPE, &type_of_socket, &len) == 0) {
		uint8_t type = type_of_socket == SOCK_DGRAM ? WASI_FILETYPE_SOCKET_DGRAM : WASI_FILETYPE_SOCKET_STREAM;
		uint64_t rights = rights_for_filetype(type, 1, 1);
		int fd = fd_insert(host, type, rights, rights);
		if (fd >= 0)
			table[fd].socket = 1;
		return;
	}
	uint8_t type = isatty(host) ? WASI_FILETYPE_CHARACTER_DEVICE : WASI_FILETYPE_UNKNOWN;
	uint64_t rights = host == 0 ? R_FD_READ : R_FD_WRITE;
	fd_insert(host, type, rights, rights);
}

static int add_preopen(uint32_t index, int host)
{
	/* Lamina opens it O_PATH; reading it (fd_readdir on the preopen
	 * itself) needs it open for reading, when that is allowed. */
	int readable = openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (readable >= 0) {
		close(host);
		host = readable;
	}
	int len = lp_preopen(index, NULL, 0);
	char *name = malloc(len > 0 ? (size_t)len : 1);
	if (len < 0 || !name || lp_preopen(index, name, (uint32_t)len) != len)
		return -1;
	int readonly = lp_preopen_writable(index) != 1;
	int fd = fd_insert(host, WASI_FILETYPE_DIRECTORY, RIGHTS_PREOPEN, RIGHTS_PREOPEN_INHERITING);
	if (fd < 0)
		return -1;
	table[fd].readonly = (uint8_t)readonly;
	table[fd].preopen_name = name;
	table[fd].preopen_name_len = (uint32_t)len;
	return 0;
}

int main(int argc, char **argv)
{
	layer_argc = argc;
	layer_argv = argv;
	for (int host = 0; host < 3; host++)
		add_stdio(host);
	for (uint32_t index = 0;; index++) {
		int host = lp_preopen_fd(index);
		if (host == -ENOENT)
			break;
		if (host < 0 || add_preopen(index, host) < 0) {
			static const char msg[] = "wasi layer: cannot set up a preopened directory\n";
			write(2, msg, sizeof msg - 1);
			return 71;
		}
	}
	lp_start();
	return 0;
}
