#include <sched.h>
#include "syscall.h"

/* As natively with glibc (see sched_getparam.c): 0 on success, not the
 * previous policy POSIX asks for. */
int sched_setscheduler(pid_t pid, int sched, const struct sched_param *param)
{
	return syscall(SYS_sched_setscheduler, pid, sched, param);
}
