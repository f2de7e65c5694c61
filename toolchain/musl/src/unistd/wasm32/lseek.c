#include <unistd.h>
#include "syscall.h"

off_t __lseek(int fd, off_t offset, int whence)
{
	/* Straight from the import, not through __syscall: its result is a long,
	 * which cannot hold a 64-bit offset in the ILP32 C ABI. Offsets are never
	 * negative, so a negative result is an error number. */
	long long r = __wali_syscall(SYS_lseek, fd, offset, whence, 0, 0, 0);
	return r < 0 ? __syscall_ret(r) : r;
}

weak_alias(__lseek, lseek);
weak_alias(__lseek, lseek64);
