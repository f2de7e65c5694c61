/* path_*: every path is resolved beneath the directory descriptor it is
 * relative to, by the kernel: openat2 with RESOLVE_BENEATH refuses
 * absolute paths, ".." above the start and symbolic links leading out,
 * atomically with the lookup. Calls with no openat2 form (mkdirat,
 * unlinkat, renameat2, linkat, symlinkat) run on the parent directory,
 * itself opened beneath, and name only the last component. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include "wasi_layer.h"

/* Lookup flags beyond SYMLINK_FOLLOW are none WASI defines. */
static int check_lookup(uint32_t flags)
{
	return flags & ~(uint32_t)WASI_LOOKUP_SYMLINK_FOLLOW ? WASI_EINVAL : WASI_ESUCCESS;
}

WALI_IMPORT("SYS_openat2") long long wali_openat2(int dirfd, const char *path, struct open_how *how, unsigned size);

/* How many symbolic links one path may pass through, as Linux's MAXSYMLINKS. */
#define SYMLINK_LIMIT 40

/* Whether s[0..len) is UTF-8 (WASI's strings are; wasmtime checks). */
static int is_utf8(const unsigned char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len;) {
		unsigned c = s[i];
		uint32_t extra;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			extra = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3, min = 0x10000, c &= 0x07;
		} else {
			return 0;
		}
		if (len - i <= extra)
			return 0;
		for (uint32_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past Unicode are not UTF-8. */
		if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		i += extra + 1;
	}
	return 1;
}

/* A guest path copied into the layer, NUL-terminated. */
static int read_path(lp_addr path, uint32_t len, char out[PATH_MAX])
{
	if ((uint64_t)path + len > UINT32_MAX + 1ull)
		return WASI_EFAULT;
	if (len >= PATH_MAX) {
		/* Too long to copy; still EFAULT when it is not all memory. */
		char last;
		return get(&last, path + len - 1, 1) ? WASI_EFAULT : WASI_ENAMETOOLONG;
	}
	if (get(out, path, len))
		return WASI_EFAULT;
	out[len] = 0;
	/* A NUL inside would silently cut the path short. */
	if (memchr(out, 0, len))
		return WASI_EINVAL;
	if (!is_utf8((const unsigned char *)out, len))
		return WASI_EILSEQ;
	return WASI_ESUCCESS;
}

/* A resolution error from the kernel: leaving the directory (EXDEV from
 * RESOLVE_BENEATH) is EPERM, as wasmtime answers an escape. */
static int beneath_errno(int linux_errno)
{
	return linux_errno == EXDEV ? WASI_EPERM : wasi_errno(linux_errno);
}

static int open_beneath(int dirfd, const char *path, uint64_t flags, uint64_t mode, int *out)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		/* openat2 refuses a mode without a file to create */
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long long fd = wali_openat2(dirfd, path, &how, sizeof how);
	if (fd < 0)
		return beneath_errno((int)-fd);
	*out = (int)fd;
	return WASI_ESUCCESS;
}

/* A path's parent directory, opened beneath the start, and its last
 * component (with a trailing slash kept, so the kernel applies its
 * directory rules to it). */
struct parent {
	int fd;
	int owned; /* fd was opened here and is closed by parent_close */
	char last[NAME_MAX + 2];
};

static void parent_close(struct parent *p)
{
	if (p->owned)
		close(p->fd);
	p->owned = 0;
}

static int resolve_parent(int dirfd, const char *path, struct parent *p)
{
	size_t len = strlen(path);
	p->fd = dirfd;
	p->owned = 0;
	if (len == 0)
		return WASI_ENOENT;
	size_t end = len;
	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return WASI_EPERM; /* "/" (or "//"): absolute, an escape */
	int trailing_slash = end < len;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t name_len = end - start;
	if (name_len > NAME_MAX)
		return WASI_ENAMETOOLONG;
	int dots = (name_len == 1 && path[start] == '.') || (name_len == 2 && path[start] == '.' && path[start + 1] == '.');
	char dir[PATH_MAX];
	int err;
	if (dots) {
		/* "." or "..": the directory it names (checked to be beneath),
		 * acted on as "." inside itself, which the kernel refuses to
		 * remove, rename or create as it would the original name. */
		memcpy(dir, path, end);
		dir[end] = 0;
		if ((err = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY, 0, &p->fd)))
			return err;
		p->owned = 1;
		strcpy(p->last, ".");
		return WASI_ESUCCESS;
	}
	if (start > 0) {
		memcpy(dir, path, start);
		dir[start] = 0;
		if ((err = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY, 0, &p->fd)))
			return err;
		p->owned = 1;
	}
	memcpy(p->last, path + start, name_len);
	p->last[name_len] = 0;
	if (trailing_slash)
		strcat(p->last, "/");
	return WASI_ESUCCESS;
}

/* As resolve_parent, following the last component while it is a symbolic
 * link (each target resolved beneath dirfd again), so that the call on
 * (parent, last) acts on what the path leads to. */
static int resolve_parent_following(int dirfd, const char *path, struct parent *p)
{
	char current[PATH_MAX], target[PATH_MAX];
	if (strlen(path) >= sizeof current)
		return WASI_ENAMETOOLONG;
	strcpy(current, path);
	for (int hops = 0; hops <= SYMLINK_LIMIT; hops++) {
		int err = resolve_parent(dirfd, current, p);
		if (err)
			return err;
		size_t last_len = strlen(p->last);
		int trailing_slash = last_len > 1 && p->last[last_len - 1] == '/';
		char name[NAME_MAX + 1];
		memcpy(name, p->last, last_len - trailing_slash);
		name[last_len - trailing_slash] = 0;
		ssize_t n = readlinkat(p->fd, name, target, sizeof target - 1);
		if (n < 0)
			return WASI_ESUCCESS; /* not a link (or absent): act on it */
		target[n] = 0;
		/* The link's target replaces the last component of the path. */
		size_t keep = strlen(current);
		while (keep > 0 && current[keep - 1] == '/')
			keep--;
		while (keep > 0 && current[keep - 1] != '/')
			keep--;
		if (target[0] == '/') {
			parent_close(p);
			return WASI_EPERM; /* an absolute link leads out */
		}
		if (keep + (size_t)n + 2 > sizeof current) {
			parent_close(p);
			return WASI_ENAMETOOLONG;
		}
		memcpy(current + keep, target, (size_t)n + 1);
		if (trailing_slash)
			strcat(current, "/");
		parent_close(p);
	}
	return WASI_ELOOP;
}

/* The descriptor's host fd if it holds `needed`, for a path call. */
static int dir_with(uint32_t fd, uint64_t needed, int *host)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, needed, &err);
	if (!f)
		return err;
	*host = f->host;
	return WASI_ESUCCESS;
}

WASI_EXPORT("path_create_directory") int wasi_path_create_directory(uint32_t fd, lp_addr path, uint32_t path_len)
{
	char buf[PATH_MAX];
	struct parent p;
	int dir, err;
	if ((err = dir_with(fd, R_PATH_CREATE_DIRECTORY, &dir)) || (err = read_path(path, path_len, buf)) ||
	    (err = resolve_parent(dir, buf, &p)))
		return err;
	err = mkdirat(p.fd, p.last, 0777) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&p);
	return err;
}

WASI_EXPORT("path_remove_directory") int wasi_path_remove_directory(uint32_t fd, lp_addr path, uint32_t path_len)
{
	char buf[PATH_MAX];
	struct parent p;
	int dir, err;
	if ((err = dir_with(fd, R_PATH_REMOVE_DIRECTORY, &dir)) || (err = read_path(path, path_len, buf)) ||
	    (err = resolve_parent(dir, buf, &p)))
		return err;
	err = unlinkat(p.fd, p.last, AT_REMOVEDIR) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&p);
	return err;
}

WASI_EXPORT("path_unlink_file") int wasi_path_unlink_file(uint32_t fd, lp_addr path, uint32_t path_len)
{
	char buf[PATH_MAX];
	struct parent p;
	int dir, err;
	if ((err = dir_with(fd, R_PATH_UNLINK_FILE, &dir)) || (err = read_path(path, path_len, buf)) ||
	    (err = resolve_parent(dir, buf, &p)))
		return err;
	err = unlinkat(p.fd, p.last, 0) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&p);
	return err;
}

WASI_EXPORT("path_symlink")
int wasi_path_symlink(lp_addr old_path, uint32_t old_len, uint32_t fd, lp_addr new_path, uint32_t new_len)
{
	char target[PATH_MAX], buf[PATH_MAX];
	struct parent p;
	int dir, err;
	if ((err = dir_with(fd, R_PATH_SYMLINK, &dir)) || (err = read_path(old_path, old_len, target)) ||
	    (err = read_path(new_path, new_len, buf)))
		return err;
	/* A link to an absolute path could never be followed beneath a
	 * preopen; refusing it at creation says so at once (wasmtime's EPERM). */
	if (target[0] == '/')
		return WASI_EPERM;
	if ((err = resolve_parent(dir, buf, &p)))
		return err;
	err = symlinkat(target, p.fd, p.last) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&p);
	return err;
}

WASI_EXPORT("path_link")
int wasi_path_link(uint32_t old_fd, uint32_t old_flags, lp_addr old_path, uint32_t old_len, uint32_t new_fd,
		   lp_addr new_path, uint32_t new_len)
{
	char old_buf[PATH_MAX], new_buf[PATH_MAX];
	struct parent op, np;
	int old_dir, new_dir, err;
	if ((err = check_lookup(old_flags)) || (err = dir_with(old_fd, R_PATH_LINK_SOURCE, &old_dir)) ||
	    (err = dir_with(new_fd, R_PATH_LINK_TARGET, &new_dir)) ||
	    (err = read_path(old_path, old_len, old_buf)) || (err = read_path(new_path, new_len, new_buf)))
		return err;
	err = (old_flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? resolve_parent_following(old_dir, old_buf, &op)
						      : resolve_parent(old_dir, old_buf, &op);
	if (err)
		return err;
	if ((err = resolve_parent(new_dir, new_buf, &np))) {
		parent_close(&op);
		return err;
	}
	err = linkat(op.fd, op.last, np.fd, np.last, 0) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&op);
	parent_close(&np);
	return err;
}

WASI_EXPORT("path_rename")
int wasi_path_rename(uint32_t fd, lp_addr old_path, uint32_t old_len, uint32_t new_fd, lp_addr new_path, uint32_t new_len)
{
	char old_buf[PATH_MAX], new_buf[PATH_MAX];
	struct parent op, np;
	int old_dir, new_dir, err;
	if ((err = dir_with(fd, R_PATH_RENAME_SOURCE, &old_dir)) || (err = dir_with(new_fd, R_PATH_RENAME_TARGET, &new_dir)) ||
	    (err = read_path(old_path, old_len, old_buf)) || (err = read_path(new_path, new_len, new_buf)))
		return err;
	if ((err = resolve_parent(old_dir, old_buf, &op)))
		return err;
	if ((err = resolve_parent(new_dir, new_buf, &np))) {
		parent_close(&op);
		return err;
	}
	long r = syscall(SYS_renameat2, op.fd, op.last, np.fd, np.last, 0);
	err = r == 0 ? WASI_ESUCCESS : wasi_errno_last();
	parent_close(&op);
	parent_close(&np);
	return err;
}

WASI_EXPORT("path_filestat_get")
int wasi_path_filestat_get(uint32_t fd, uint32_t flags, lp_addr path, uint32_t path_len, lp_addr stat_out)
{
	char buf[PATH_MAX];
	int dir, target, err;
	if ((err = check_lookup(flags)) || (err = dir_with(fd, R_PATH_FILESTAT_GET, &dir)) || (err = read_path(path, path_len, buf)))
		return err;
	/* O_PATH with O_NOFOLLOW opens a symbolic link itself. */
	uint64_t nofollow = (flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW;
	if ((err = open_beneath(dir, buf, O_PATH | nofollow, 0, &target)))
		return err;
	struct wasi_filestat st;
	err = filestat_of_host_fd(target, &st);
	close(target);
	return err ? err : put(stat_out, &st, sizeof st);
}

WASI_EXPORT("path_filestat_set_times")
int wasi_path_filestat_set_times(uint32_t fd, uint32_t flags, lp_addr path, uint32_t path_len, uint64_t atim,
				 uint64_t mtim, uint32_t fst_flags)
{
	char buf[PATH_MAX];
	struct timespec times[2];
	int dir, target, err;
	if ((err = check_lookup(flags)) || (err = dir_with(fd, R_PATH_FILESTAT_SET_TIMES, &dir)) ||
	    (err = timespecs_for_set_times(times, atim, mtim, fst_flags)) ||
	    (err = read_path(path, path_len, buf)))
		return err;
	uint64_t nofollow = (flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW;
	if ((err = open_beneath(dir, buf, O_PATH | nofollow, 0, &target)))
		return err;
	err = utimensat(target, "", times, AT_EMPTY_PATH) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	close(target);
	return err;
}

WASI_EXPORT("path_readlink")
int wasi_path_readlink(uint32_t fd, lp_addr path, uint32_t path_len, lp_addr buf, uint32_t buf_len, lp_addr bufused_out)
{
	char name[PATH_MAX], target[PATH_MAX];
	int dir, link, err;
	if ((err = dir_with(fd, R_PATH_READLINK, &dir)) || (err = read_path(path, path_len, name)))
		return err;
	if ((err = open_beneath(dir, name, O_PATH | O_NOFOLLOW, 0, &link)))
		return err;
	ssize_t n = readlinkat(link, "", target, sizeof target);
	/* On what is not a link the kernel answers ENOENT for the empty name;
	 * readlink(2) of the path itself says EINVAL. */
	err = n >= 0 ? WASI_ESUCCESS : errno == ENOENT ? WASI_EINVAL : wasi_errno_last();
	close(link);
	if (err)
		return err;
	/* A target longer than the buffer is cut to it, as readlink(2) does. */
	uint32_t used = (uint64_t)n < buf_len ? (uint32_t)n : buf_len;
	if ((err = put(buf, target, used)))
		return err;
	return put_u32(bufused_out, used);
}

WASI_EXPORT("path_open")
int wasi_path_open(uint32_t fd, uint32_t dirflags, lp_addr path, uint32_t path_len, uint32_t oflags,
		   uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags, lp_addr fd_out)
{
	(void)rights_inheriting; /* what a descriptor hands down follows from its kind */
	char buf[PATH_MAX];
	int err;
	if ((err = check_lookup(dirflags)))
		return err;
	if (oflags & ~(uint32_t)(WASI_OFLAG_CREAT | WASI_OFLAG_DIRECTORY | WASI_OFLAG_EXCL | WASI_OFLAG_TRUNC) ||
	    (rights_base | rights_inheriting) & ~R_ALL)
		return WASI_EINVAL;
	uint64_t needed = R_PATH_OPEN;
	if (oflags & WASI_OFLAG_CREAT)
		needed |= R_PATH_CREATE_FILE;
	struct wasi_fd *d = fd_lookup(fd, needed, &err);
	if (!d)
		return err;
	if ((err = read_path(path, path_len, buf)))
		return err;
	int readonly = d->readonly;
	int dir_host = d->host;

	/* The access mode is what the rights asked for imply (wasi-libc asks
	 * for FD_READ with O_RDONLY, FD_WRITE and friends with O_WRONLY). */
	int readable = (rights_base & (R_FD_READ | R_FD_READDIR)) != 0;
	int writable = (rights_base & (R_FD_WRITE | R_FD_DATASYNC | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE)) != 0;
	/* Truncating writes whatever the access mode (Linux truncates even a
	 * file opened read-only). */
	if ((writable || (oflags & WASI_OFLAG_TRUNC)) && readonly)
		return WASI_EPERM; /* beneath a --ro-dir, as wasmtime answers */
	if (fdflags & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_DSYNC | WASI_FDFLAG_NONBLOCK | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
		return WASI_EINVAL;

	uint64_t flags = 0;
	if (oflags & WASI_OFLAG_DIRECTORY) {
		flags |= O_DIRECTORY | O_RDONLY;
		writable = 0;
	} else if (writable) {
		flags |= readable ? O_RDWR : O_WRONLY;
	} else {
		flags |= O_RDONLY;
	}
	if (oflags & WASI_OFLAG_CREAT)
		flags |= O_CREAT;
	if (oflags & WASI_OFLAG_EXCL)
		flags |= O_EXCL;
	if (oflags & WASI_OFLAG_TRUNC)
		flags |= O_TRUNC;
	if (!(dirflags & WASI_LOOKUP_SYMLINK_FOLLOW))
		flags |= O_NOFOLLOW;
	if (fdflags & WASI_FDFLAG_APPEND)
		flags |= O_APPEND;
	if (fdflags & WASI_FDFLAG_NONBLOCK)
		flags |= O_NONBLOCK;
	if (fdflags & WASI_FDFLAG_SYNC)
		flags |= O_SYNC;
	if (fdflags & WASI_FDFLAG_DSYNC)
		flags |= O_DSYNC;
	if (fdflags & WASI_FDFLAG_RSYNC)
		flags |= O_RSYNC;

	int host;
	if ((err = open_beneath(dir_host, buf, flags, 0666, &host)))
		return err;
	struct stat st;
	if (fstat(host, &st) != 0) {
		err = wasi_errno_last();
		close(host);
		return err;
	}
	/* The rights are what the descriptor can do, as wasmtime reports them;
	 * what the program asked for chose the access mode above. */
	uint8_t type = filetype_from_mode(st.st_mode);
	uint64_t base = rights_for_filetype(type, readable, writable);
	int new_fd = fd_insert(host, type, base, base);
	if (new_fd < 0)
		return -new_fd;
	fd_lookup((uint32_t)new_fd, 0, &err)->readonly = (uint8_t)readonly;
	if ((err = put_u32(fd_out, (uint32_t)new_fd))) {
		close(host);
		fd_release((uint32_t)new_fd);
	}
	return err;
}
