/* System calls of the wasm32 WALI port. There is no numbered entry point:
 * __wali_syscall (generated from the WALI specification) maps each number
 * to its typed import, and folds away when the number is a constant. */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

/* Arguments travel as long long, whatever the size of long: a 64-bit value
 * (an off_t, a pselect6 mask slot) reaches an i64 import whole in the ILP32
 * ABI too, and each import then narrows what it takes as i32. Results are
 * long, as musl wants them; the only 64-bit result, lseek's offset, is taken
 * from the import itself (src/unistd/wasm32/lseek.c). */
#define __scc(X) ((long long)(X))
typedef long long syscall_arg_t;

#include "wali_syscalls.h"

#if __SIZEOF_LONG__ == 4
/* ILP32 C ABI: time_t is wider than long, and musl then builds 64-bit time
 * arguments ({seconds, nanoseconds} as long long[2]) for the syscalls it
 * knows by a _time64 name. WALI's syscalls take those 64-bit structures under
 * the plain names, so the plain names are the _time64 ones, as on an
 * architecture born with 64-bit time. (getrusage, wait4, getitimer and
 * setitimer have wasm32 versions of their own.) */
#define SYS_clock_gettime64 SYS_clock_gettime
#define SYS_clock_settime64 SYS_clock_settime
#define SYS_clock_adjtime64 SYS_clock_adjtime
#define SYS_clock_getres_time64 SYS_clock_getres
#define SYS_clock_nanosleep_time64 SYS_clock_nanosleep
#define SYS_timer_gettime64 SYS_timer_gettime
#define SYS_timer_settime64 SYS_timer_settime
#define SYS_timerfd_gettime64 SYS_timerfd_gettime
#define SYS_timerfd_settime64 SYS_timerfd_settime
#define SYS_utimensat_time64 SYS_utimensat
#define SYS_pselect6_time64 SYS_pselect6
#define SYS_ppoll_time64 SYS_ppoll
#define SYS_recvmmsg_time64 SYS_recvmmsg
#define SYS_mq_timedsend_time64 SYS_mq_timedsend
#define SYS_mq_timedreceive_time64 SYS_mq_timedreceive
#define SYS_semtimedop_time64 SYS_semtimedop
#define SYS_rt_sigtimedwait_time64 SYS_rt_sigtimedwait
#define SYS_futex_time64 SYS_futex
#define SYS_sched_rr_get_interval_time64 SYS_sched_rr_get_interval
#endif

static inline long __syscall0(syscall_arg_t n)
{
	return __wali_syscall(n, 0, 0, 0, 0, 0, 0);
}

static inline long __syscall1(syscall_arg_t n, syscall_arg_t a)
{
	return __wali_syscall(n, a, 0, 0, 0, 0, 0);
}

static inline long __syscall2(syscall_arg_t n, syscall_arg_t a, syscall_arg_t b)
{
	return __wali_syscall(n, a, b, 0, 0, 0, 0);
}

static inline long __syscall3(syscall_arg_t n, syscall_arg_t a, syscall_arg_t b, syscall_arg_t c)
{
	return __wali_syscall(n, a, b, c, 0, 0, 0);
}

static inline long __syscall4(syscall_arg_t n, syscall_arg_t a, syscall_arg_t b, syscall_arg_t c,
	syscall_arg_t d)
{
	return __wali_syscall(n, a, b, c, d, 0, 0);
}

static inline long __syscall5(syscall_arg_t n, syscall_arg_t a, syscall_arg_t b, syscall_arg_t c,
	syscall_arg_t d, syscall_arg_t e)
{
	return __wali_syscall(n, a, b, c, d, e, 0);
}

static inline long __syscall6(syscall_arg_t n, syscall_arg_t a, syscall_arg_t b, syscall_arg_t c,
	syscall_arg_t d, syscall_arg_t e, syscall_arg_t f)
{
	return __wali_syscall(n, a, b, c, d, e, f);
}

#define IPC_64 0
