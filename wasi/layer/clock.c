/* Clocks, randomness and scheduling: clock_gettime/clock_getres,
 * getrandom straight into the program's buffer, sched_yield. */
#include <sched.h>
#include <time.h>
#include "wasi_layer.h"

void timespec_from_ns(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

uint64_t ns_from_timespec(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

int linux_clock_id(uint32_t wasi_clock, int *linux_clock)
{
	switch (wasi_clock) {
	case WASI_CLOCK_REALTIME: *linux_clock = CLOCK_REALTIME; return 0;
	case WASI_CLOCK_MONOTONIC: *linux_clock = CLOCK_MONOTONIC; return 0;
	case WASI_CLOCK_PROCESS_CPUTIME: *linux_clock = CLOCK_PROCESS_CPUTIME_ID; return 0;
	case WASI_CLOCK_THREAD_CPUTIME: *linux_clock = CLOCK_THREAD_CPUTIME_ID; return 0;
	default: return WASI_EINVAL;
	}
}

WASI_EXPORT("clock_res_get") int wasi_clock_res_get(uint32_t id, lp_addr resolution_out)
{
	int clock, err = linux_clock_id(id, &clock);
	struct timespec ts;
	if (err)
		return err;
	if (clock_getres(clock, &ts) != 0)
		return wasi_errno_last();
	return put_u64(resolution_out, ns_from_timespec(&ts));
}

WASI_EXPORT("clock_time_get") int wasi_clock_time_get(uint32_t id, uint64_t precision, lp_addr time_out)
{
	(void)precision; /* Linux's clocks answer at their own resolution. */
	int clock, err = linux_clock_id(id, &clock);
	struct timespec ts;
	if (err)
		return err;
	if (clock_gettime(clock, &ts) != 0)
		return wasi_errno_last();
	return put_u64(time_out, ns_from_timespec(&ts));
}

WASI_EXPORT("random_get") int wasi_random_get(lp_addr buf, uint32_t len)
{
	/* getrandom returns at most 32 MiB per call (and may be interrupted). */
	while (len > 0) {
		long long got = lp_getrandom(buf, len, 0);
		if (got < 0)
			return wasi_from_ret(got);
		buf += (uint32_t)got;
		len -= (uint32_t)got;
	}
	return WASI_ESUCCESS;
}

WASI_EXPORT("sched_yield") int wasi_sched_yield(void)
{
	return sched_yield() == 0 ? WASI_ESUCCESS : wasi_errno_last();
}
