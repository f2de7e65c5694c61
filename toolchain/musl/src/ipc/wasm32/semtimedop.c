#define _GNU_SOURCE
#include <sys/sem.h>
#include "syscall.h"

/* WALI's semtimedop reads the 64-bit kernel's timespec. In the ILP32 C ABI
 * tv_nsec is a 32-bit long followed by padding the caller may leave
 * uninitialised, so the timeout is rebuilt as two 64-bit words, as musl
 * does for its _time64 calls. musl's own semtimedop takes that path only
 * for seconds beyond 32 bits when the architecture also has a plain
 * SYS_semtimedop (which is WALI's, the same call), and otherwise passes a
 * 32-bit {seconds, nanoseconds} pair, half of what the kernel reads. Not a
 * cancellation point, as in musl. */
int semtimedop(int id, struct sembuf *buf, size_t n, const struct timespec *ts)
{
#if __SIZEOF_LONG__ == 8
	return syscall(SYS_semtimedop, id, buf, n, ts);
#else
	return syscall(SYS_semtimedop, id, buf, n,
		ts ? ((long long[]){ ts->tv_sec, ts->tv_nsec }) : 0);
#endif
}
