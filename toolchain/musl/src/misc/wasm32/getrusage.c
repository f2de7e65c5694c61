#include <sys/resource.h>
#include "syscall.h"

/* The 64-bit kernel's struct rusage, as WALI writes it: two timevals, then
 * fourteen counters. */
struct krusage {
	long long utime[2], stime[2];
	long long counters[14];
};

/* Copies what the kernel wrote into the caller's rusage, whose counters are
 * long: 32-bit in the ILP32 C ABI. */
hidden void __rusage_from_kernel(struct rusage *ru, const void *kernel)
{
	const struct krusage *k = kernel;
	long *counters = &ru->ru_maxrss;
	ru->ru_utime = (struct timeval){ .tv_sec = k->utime[0], .tv_usec = k->utime[1] };
	ru->ru_stime = (struct timeval){ .tv_sec = k->stime[0], .tv_usec = k->stime[1] };
	/* ru_maxrss to ru_nivcsw, consecutive longs. */
	for (int i = 0; i < 14; i++) counters[i] = k->counters[i];
}

int getrusage(int who, struct rusage *ru)
{
	struct krusage k;
	int r = __syscall(SYS_getrusage, who, &k);
	if (!r) __rusage_from_kernel(ru, &k);
	return __syscall_ret(r);
}
