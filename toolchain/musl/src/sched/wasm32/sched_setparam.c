#include <sched.h>
#include "syscall.h"

/* As natively with glibc (see sched_getparam.c). */
int sched_setparam(pid_t pid, const struct sched_param *param)
{
	return syscall(SYS_sched_setparam, pid, param);
}
