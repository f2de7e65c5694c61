#include <sys/sysinfo.h>
#include <limits.h>
#include "syscall.h"

/* The 64-bit kernel's struct sysinfo, as WALI writes it. */
struct ksysinfo {
	long long uptime;
	unsigned long long loads[3];
	unsigned long long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long long totalhigh, freehigh;
	unsigned mem_unit;
};

int __lsysinfo(struct sysinfo *info)
{
	struct ksysinfo k;
	int r = __syscall(SYS_sysinfo, &k);
	if (r) return __syscall_ret(r);
	/* Memory sizes count units of mem_unit bytes. Where they exceed an
	 * unsigned long (ILP32 C ABI), count larger units, as a 32-bit kernel
	 * does; free amounts never exceed the totals. */
	unsigned long long most = k.totalram | k.totalswap | k.totalhigh;
	int shift = 0;
	while ((most >> shift) > ULONG_MAX) shift++;
	info->uptime = k.uptime;
	for (int i = 0; i < 3; i++) info->loads[i] = k.loads[i];
	info->totalram = k.totalram >> shift;
	info->freeram = k.freeram >> shift;
	info->sharedram = k.sharedram >> shift;
	info->bufferram = k.bufferram >> shift;
	info->totalswap = k.totalswap >> shift;
	info->freeswap = k.freeswap >> shift;
	info->procs = k.procs;
	info->totalhigh = k.totalhigh >> shift;
	info->freehigh = k.freehigh >> shift;
	info->mem_unit = (k.mem_unit ? k.mem_unit : 1) << shift;
	return 0;
}

weak_alias(__lsysinfo, sysinfo);
