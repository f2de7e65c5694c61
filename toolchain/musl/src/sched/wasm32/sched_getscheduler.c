#include <sched.h>
#include "syscall.h"

/* As natively with glibc (see sched_getparam.c). */
int sched_getscheduler(pid_t pid)
{
	return syscall(SYS_sched_getscheduler, pid);
}
