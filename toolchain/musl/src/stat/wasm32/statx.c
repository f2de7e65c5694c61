#define _GNU_SOURCE
#include <sys/stat.h>
#include "syscall.h"

int statx(int dirfd, const char *restrict path, int flags, unsigned mask, struct statx *restrict st)
{
	return __syscall_ret(__syscall(SYS_statx, dirfd, path, flags, mask, st));
}
