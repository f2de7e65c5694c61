#define _GNU_SOURCE
#include <sys/wait.h>
#include <sys/resource.h>
#include "syscall.h"

hidden void __rusage_from_kernel(struct rusage *, const void *);

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	/* The kernel's struct rusage (144 bytes, see getrusage). */
	long long k[18];
	int r = __syscall(SYS_wait4, pid, status, options, ru ? k : 0);
	if (r > 0 && ru) __rusage_from_kernel(ru, k);
	return __syscall_ret(r);
}
