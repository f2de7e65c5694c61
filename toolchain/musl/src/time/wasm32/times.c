#include <sys/times.h>
#include "syscall.h"

clock_t times(struct tms *tms)
{
	/* The kernel's struct tms: four 64-bit clock_t, which is long, 32-bit
	 * in the ILP32 C ABI. */
	long long k[4] = { 0 };
	clock_t r = __syscall(SYS_times, tms ? k : 0);
	if (tms) {
		tms->tms_utime = k[0];
		tms->tms_stime = k[1];
		tms->tms_cutime = k[2];
		tms->tms_cstime = k[3];
	}
	return r;
}
