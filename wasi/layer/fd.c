/* fd_*: descriptors. Data moves with the program-memory system calls
 * (readv/writev/preadv/pwritev on the program's own iovecs: no copy);
 * everything else is the matching Linux call on the host descriptor. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "wasi_layer.h"

int filestat_of_host_fd(int host, struct wasi_filestat *out)
{
	struct stat st;
	if (fstat(host, &st) != 0)
		return wasi_errno_last();
	*out = (struct wasi_filestat){
		.dev = (uint64_t)st.st_dev,
		.ino = (uint64_t)st.st_ino,
		.filetype = filetype_from_mode(st.st_mode),
		.nlink = (uint64_t)st.st_nlink,
		.size = (uint64_t)st.st_size,
		.atim = ns_from_timespec(&st.st_atim),
		.mtim = ns_from_timespec(&st.st_mtim),
		.ctim = ns_from_timespec(&st.st_ctim),
	};
	return WASI_ESUCCESS;
}

int timespecs_for_set_times(struct timespec *times, uint64_t atim, uint64_t mtim, uint32_t fst_flags)
{
	if (fst_flags & ~(uint32_t)(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW | WASI_FSTFLAG_MTIM | WASI_FSTFLAG_MTIM_NOW))
		return WASI_EINVAL;
	if ((fst_flags & WASI_FSTFLAG_ATIM) && (fst_flags & WASI_FSTFLAG_ATIM_NOW))
		return WASI_EINVAL;
	if ((fst_flags & WASI_FSTFLAG_MTIM) && (fst_flags & WASI_FSTFLAG_MTIM_NOW))
		return WASI_EINVAL;
	if (fst_flags & WASI_FSTFLAG_ATIM)
		timespec_from_ns(&times[0], atim);
	else
		times[0].tv_nsec = (fst_flags & WASI_FSTFLAG_ATIM_NOW) ? UTIME_NOW : UTIME_OMIT;
	if (fst_flags & WASI_FSTFLAG_MTIM)
		timespec_from_ns(&times[1], mtim);
	else
		times[1].tv_nsec = (fst_flags & WASI_FSTFLAG_MTIM_NOW) ? UTIME_NOW : UTIME_OMIT;
	return WASI_ESUCCESS;
}

/* The iovec count of a read or write, as the kernel bounds it. */
static int check_iov_count(uint32_t iovs_len)
{
	return iovs_len > WASI_IOV_MAX ? WASI_EINVAL : WASI_ESUCCESS;
}

/* A WASI file offset or length as off_t: above 2^63 - 1 it would be negative. */
static int check_offset(uint64_t value)
{
	return value > (uint64_t)INT64_MAX ? WASI_EINVAL : WASI_ESUCCESS;
}

/* fd_lookup for reading or writing data: a directory has none to move
 * (EBADF, as wasmtime answers; Linux would say EISDIR). */
static struct wasi_fd *data_lookup(uint32_t fd, uint64_t needed, int *err)
{
	struct wasi_fd *f = fd_lookup(fd, 0, err);
	if (f && f->filetype == WASI_FILETYPE_DIRECTORY) {
		*err = WASI_EBADF;
		return NULL;
	}
	return f ? fd_lookup(fd, needed, err) : NULL;
}

WASI_EXPORT("fd_read") int wasi_fd_read(uint32_t fd, lp_addr iovs, uint32_t iovs_len, lp_addr nread_out)
{
	int err;
	struct wasi_fd *f = data_lookup(fd, R_FD_READ, &err);
	if (!f)
		return err;
	if ((err = check_iov_count(iovs_len)))
		return err;
	if ((err = claim_result(nread_out)))
		return err;
	long long n = lp_readv(f->host, iovs, (int)iovs_len);
	if (n < 0)
		return wasi_from_ret(n);
	return put_u32(nread_out, (uint32_t)n);
}

WASI_EXPORT("fd_write") int wasi_fd_write(uint32_t fd, lp_addr iovs, uint32_t iovs_len, lp_addr nwritten_out)
{
	int err;
	struct wasi_fd *f = data_lookup(fd, R_FD_WRITE, &err);
	if (!f)
		return err;
	if ((err = check_iov_count(iovs_len)))
		return err;
	if ((err = claim_result(nwritten_out)))
		return err;
	long long n = lp_writev(f->host, iovs, (int)iovs_len);
	if (n < 0)
		return wasi_from_ret(n);
	return put_u32(nwritten_out, (uint32_t)n);
}

WASI_EXPORT("fd_pread")
int wasi_fd_pread(uint32_t fd, lp_addr iovs, uint32_t iovs_len, uint64_t offset, lp_addr nread_out)
{
	int err;
	struct wasi_fd *f = data_lookup(fd, R_FD_READ | R_FD_SEEK, &err);
	if (!f)
		return err;
	if ((err = check_iov_count(iovs_len)) || (err = check_offset(offset)))
		return err;
	if ((err = claim_result(nread_out)))
		return err;
	/* On a 64-bit host the kernel takes the whole offset from pos_l. */
	long long n = lp_preadv(f->host, iovs, (int)iovs_len, (long long)offset, 0);
	if (n < 0)
		return wasi_from_ret(n);
	return put_u32(nread_out, (uint32_t)n);
}

WASI_EXPORT("fd_pwrite")
int wasi_fd_pwrite(uint32_t fd, lp_addr iovs, uint32_t iovs_len, uint64_t offset, lp_addr nwritten_out)
{
	int err;
	struct wasi_fd *f = data_lookup(fd, R_FD_WRITE | R_FD_SEEK, &err);
	if (!f)
		return err;
	if ((err = check_iov_count(iovs_len)) || (err = check_offset(offset)))
		return err;
	if ((err = claim_result(nwritten_out)))
		return err;
	long long n = lp_pwritev(f->host, iovs, (int)iovs_len, (long long)offset, 0);
	if (n < 0)
		return wasi_from_ret(n);
	return put_u32(nwritten_out, (uint32_t)n);
}

WASI_EXPORT("fd_seek") int wasi_fd_seek(uint32_t fd, int64_t offset, uint32_t whence, lp_addr newoffset_out)
{
	int linux_whence;
	switch (whence) {
	case WASI_WHENCE_SET: linux_whence = SEEK_SET; break;
	case WASI_WHENCE_CUR: linux_whence = SEEK_CUR; break;
	case WASI_WHENCE_END: linux_whence = SEEK_END; break;
	default: return WASI_EINVAL;
	}
	/* Asking for the current position only needs the right to tell it. */
	uint64_t needed = (whence == WASI_WHENCE_CUR && offset == 0) ? R_FD_TELL : R_FD_SEEK;
	int err;
	struct wasi_fd *f = fd_lookup(fd, needed, &err);
	if (!f)
		return err;
	off_t pos = lseek(f->host, (off_t)offset, linux_whence);
	if (pos < 0)
		return wasi_errno_last();
	return put_u64(newoffset_out, (uint64_t)pos);
}

WASI_EXPORT("fd_tell") int wasi_fd_tell(uint32_t fd, lp_addr offset_out)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_TELL, &err);
	if (!f)
		return err;
	off_t pos = lseek(f->host, 0, SEEK_CUR);
	if (pos < 0)
		return wasi_errno_last();
	return put_u64(offset_out, (uint64_t)pos);
}

WASI_EXPORT("fd_close") int wasi_fd_close(uint32_t fd)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	/* Linux releases the descriptor even when close reports an error. */
	int result = close(f->host) == 0 ? WASI_ESUCCESS : wasi_errno_last();
	fd_release(fd);
	return result == WASI_EINTR ? WASI_ESUCCESS : result;
}

WASI_EXPORT("fd_renumber") int wasi_fd_renumber(uint32_t from, uint32_t to)
{
	int err;
	struct wasi_fd *source = fd_lookup(from, 0, &err);
	if (!source)
		return err;
	struct wasi_fd *target = fd_lookup(to, 0, &err);
	if (!target)
		return err;
	if (from == to)
		return WASI_ESUCCESS;
	/* The table holds the host descriptors, so moving the entry is all of
	 * dup2's effect the program can see; the target's file is closed. */
	close(target->host);
	free(target->preopen_name);
	*target = *source;
	source->preopen_name = NULL;
	fd_release(from);
	return WASI_ESUCCESS;
}

WASI_EXPORT("fd_datasync") int wasi_fd_datasync(uint32_t fd)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_DATASYNC, &err);
	if (!f)
		return err;
	return fdatasync(f->host) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}

WASI_EXPORT("fd_sync") int wasi_fd_sync(uint32_t fd)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_SYNC, &err);
	if (!f)
		return err;
	return fsync(f->host) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}

WASI_EXPORT("fd_advise") int wasi_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice)
{
	static const int linux_advice[] = {
		[WASI_ADVICE_NORMAL] = POSIX_FADV_NORMAL,     [WASI_ADVICE_SEQUENTIAL] = POSIX_FADV_SEQUENTIAL,
		[WASI_ADVICE_RANDOM] = POSIX_FADV_RANDOM,     [WASI_ADVICE_WILLNEED] = POSIX_FADV_WILLNEED,
		[WASI_ADVICE_DONTNEED] = POSIX_FADV_DONTNEED, [WASI_ADVICE_NOREUSE] = POSIX_FADV_NOREUSE,
	};
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_ADVISE, &err);
	if (!f)
		return err;
	if (advice >= sizeof linux_advice / sizeof linux_advice[0])
		return WASI_EINVAL;
	if ((err = check_offset(offset)) || (err = check_offset(len)))
		return err;
	/* posix_fadvise answers the error number itself, not -1. */
	return wasi_errno(posix_fadvise(f->host, (off_t)offset, (off_t)len, linux_advice[advice]));
}

WASI_EXPORT("fd_allocate") int wasi_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_ALLOCATE, &err);
	if (!f)
		return err;
	if ((err = check_offset(offset)) || (err = check_offset(len)))
		return err;
	if (offset + len > (uint64_t)INT64_MAX)
		return WASI_EFBIG;
	if (fallocate(f->host, 0, (off_t)offset, (off_t)len) == 0)
		return WASI_ESUCCESS;
	/* A runtime or file system without fallocate: say so rather than
	 * pretend the space is reserved. */
	return errno == ENOSYS ? WASI_ENOTSUP : wasi_errno_last();
}

WASI_EXPORT("fd_fdstat_get") int wasi_fd_fdstat_get(uint32_t fd, lp_addr stat_out)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	int fl = fcntl(f->host, F_GETFL);
	if (fl < 0)
		return wasi_errno_last();
	struct wasi_fdstat st = {
		.fs_filetype = f->filetype,
		.fs_rights_base = f->rights_base,
		.fs_rights_inheriting = f->rights_inheriting,
	};
	if (fl & O_APPEND)
		st.fs_flags |= WASI_FDFLAG_APPEND;
	if (fl & O_NONBLOCK)
		st.fs_flags |= WASI_FDFLAG_NONBLOCK;
	if ((fl & O_SYNC) == O_SYNC)
		st.fs_flags |= WASI_FDFLAG_SYNC;
	else if (fl & O_DSYNC)
		st.fs_flags |= WASI_FDFLAG_DSYNC;
	return put(stat_out, &st, sizeof st);
}

WASI_EXPORT("fd_fdstat_set_flags") int wasi_fd_fdstat_set_flags(uint32_t fd, uint32_t flags)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_FDSTAT_SET_FLAGS, &err);
	if (!f)
		return err;
	/* Linux's F_SETFL changes only O_APPEND and O_NONBLOCK among WASI's
	 * flags; the sync flags are fixed at open. */
	if (flags & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
		return WASI_ENOTSUP;
	int fl = fcntl(f->host, F_GETFL);
	if (fl < 0)
		return wasi_errno_last();
	fl &= ~(O_APPEND | O_NONBLOCK);
	if (flags & WASI_FDFLAG_APPEND)
		fl |= O_APPEND;
	if (flags & WASI_FDFLAG_NONBLOCK)
		fl |= O_NONBLOCK;
	return fcntl(f->host, F_SETFL, fl) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}

WASI_EXPORT("fd_fdstat_set_rights") int wasi_fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inheriting)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	if ((base & ~f->rights_base) || (inheriting & ~f->rights_inheriting))
		return WASI_ENOTCAPABLE; /* rights only ever narrow */
	f->rights_base = base;
	f->rights_inheriting = inheriting;
	return WASI_ESUCCESS;
}

WASI_EXPORT("fd_filestat_get") int wasi_fd_filestat_get(uint32_t fd, lp_addr stat_out)
{
	int err;
	/* Looking needs no right (stdio has none to show), as in wasmtime. */
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	struct wasi_filestat st;
	if ((err = filestat_of_host_fd(f->host, &st)))
		return err;
	return put(stat_out, &st, sizeof st);
}

WASI_EXPORT("fd_filestat_set_size") int wasi_fd_filestat_set_size(uint32_t fd, uint64_t size)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_FILESTAT_SET_SIZE, &err);
	if (!f)
		return err;
	if ((err = check_offset(size)))
		return err;
	return ftruncate(f->host, (off_t)size) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}

WASI_EXPORT("fd_filestat_set_times")
int wasi_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst_flags)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, R_FD_FILESTAT_SET_TIMES, &err);
	if (!f)
		return err;
	struct timespec times[2];
	if ((err = timespecs_for_set_times(times, atim, mtim, fst_flags)))
		return err;
	return futimens(f->host, times) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}

WASI_EXPORT("fd_prestat_get") int wasi_fd_prestat_get(uint32_t fd, lp_addr prestat_out)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	if (!f->preopen_name)
		return WASI_EBADF; /* what the program's preopen scan stops at */
	struct wasi_prestat st = {.tag = WASI_PREOPENTYPE_DIR, .pr_name_len = f->preopen_name_len};
	return put(prestat_out, &st, sizeof st);
}

WASI_EXPORT("fd_prestat_dir_name") int wasi_fd_prestat_dir_name(uint32_t fd, lp_addr path, uint32_t path_len)
{
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	if (!f->preopen_name)
		return WASI_EBADF;
	if (path_len < f->preopen_name_len)
		return WASI_ENAMETOOLONG;
	return put(path, f->preopen_name, f->preopen_name_len);
}

/* Linux's getdents64 record. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static uint8_t filetype_from_dt(unsigned char dt)
{
	switch (dt) {
	case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
	case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
	case DT_DIR: return WASI_FILETYPE_DIRECTORY;
	case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
	case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
	case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
	default: return WASI_FILETYPE_UNKNOWN;
	}
}

/* Writes one dirent (header, then name) at buf + *used, cut off at the
 * end of the buffer: a full buffer tells the program to come back with a
 * larger one. Returns 1 when the whole entry fitted, 0 if not, or -errno. */
static int emit_dirent(lp_addr buf, uint32_t buf_len, uint32_t *used, const struct wasi_dirent *head, const char *name)
{
	uint32_t room = buf_len - *used;
	uint32_t n = room < sizeof *head ? room : (uint32_t)sizeof *head;
	if (put(buf + *used, head, n))
		return -WASI_EFAULT;
	*used += n;
	room -= n;
	n = room < head->d_namlen ? room : head->d_namlen;
	if (n && put(buf + *used, name, n))
		return -WASI_EFAULT;
	*used += n;
	return n == head->d_namlen && room >= head->d_namlen;
}

static int is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

WASI_EXPORT("fd_readdir")
int wasi_fd_readdir(uint32_t fd, lp_addr buf, uint32_t buf_len, uint64_t cookie, lp_addr bufused_out)
{
	/* Cookies count entries, as wasmtime's do: "." is 0, ".." 1 (listed
	 * first, whatever the kernel's order), then the directory's other
	 * entries in the kernel's order. File systems' own offsets (ext4's
	 * are hashes) would make the listing's order and what a stale cookie
	 * means depend on the file system. Reading on from where the last
	 * call stopped costs one lseek to the kernel offset remembered for
	 * it; any other cookie rereads the directory up to that entry. */
	static char dents[16384] __attribute__((aligned(8)));
	int err;
	struct wasi_fd *f = fd_lookup(fd, 0, &err);
	if (!f)
		return err;
	if (f->filetype != WASI_FILETYPE_DIRECTORY)
		return WASI_EBADF; /* as wasmtime answers; Linux says ENOTDIR */
	if (!(f = fd_lookup(fd, R_FD_READDIR, &err)))
		return err;
	if ((uint64_t)buf + buf_len > UINT32_MAX + 1ull)
		return WASI_EFAULT;

	uint32_t used = 0;
	uint64_t seq = cookie;
	for (; seq < 2 && used < buf_len; seq++) {
		struct stat st;
		const char *name = seq == 0 ? "." : "..";
		/* ".."'s inode may be outside the preopen: only "." is looked at. */
		if (fstat(f->host, &st) != 0)
			return wasi_errno_last();
		struct wasi_dirent head = {
			.d_next = seq + 1, .d_ino = seq == 0 ? (uint64_t)st.st_ino : 0,
			.d_namlen = (uint32_t)strlen(name), .d_type = WASI_FILETYPE_DIRECTORY};
		int fitted = emit_dirent(buf, buf_len, &used, &head, name);
		if (fitted < 0)
			return -fitted;
	}
	/* Where entry number `seq` starts in the kernel's stream. */
	uint64_t skip = 0;
	if (used < buf_len) {
		off_t start = 0;
		if (f->dir_cookie == seq && seq >= 2) {
			start = f->dir_offset;
		} else {
			skip = seq - 2;
		}
		if (lseek(f->host, start, SEEK_SET) < 0)
			return wasi_errno_last();
	}
	while (used < buf_len) {
		long got = syscall(SYS_getdents64, f->host, dents, sizeof dents);
		if (got < 0)
			return wasi_errno_last();
		if (got == 0)
			break;
		for (long at = 0; at < got && used < buf_len;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + at);
			at += d->d_reclen;
			if (is_dot_or_dotdot(d->d_name))
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			struct wasi_dirent head = {
				.d_next = seq + 1,
				.d_ino = d->d_ino,
				.d_namlen = (uint32_t)strlen(d->d_name),
				.d_type = filetype_from_dt(d->d_type),
			};
			int fitted = emit_dirent(buf, buf_len, &used, &head, d->d_name);
			if (fitted < 0)
				return -fitted;
			if (fitted) {
				seq++;
				f->dir_cookie = seq;
				f->dir_offset = d->d_off;
			}
		}
	}
	return put_u32(bufused_out, used);
}
