#include <sched.h>
#include "syscall.h"

/* musl answers ENOSYS for the four sched_*param/sched_*scheduler calls, since
 * Linux applies them to one thread rather than the whole process POSIX means.
 * Lamina's C library makes the system call as glibc does, so programs see what
 * they see natively (pid 0 is the calling thread). */
int sched_getparam(pid_t pid, struct sched_param *param)
{
	return syscall(SYS_sched_getparam, pid, param);
}
