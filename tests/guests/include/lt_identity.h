/* Constants and structures for the time and identity/limits guests
 * (x86-64 Linux values, which WALI uses). */
#pragma once
#include "lt.h"


/* ---- clocks ---- */
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define LT_NSEC 1000000000L

static inline long lt_ns(const struct timespec *t) { return t->tv_sec * LT_NSEC + t->tv_nsec; }
static inline long lt_now(int clock) {
    struct timespec t;
    wali_clock_gettime(clock, &t);
    return lt_ns(&t);
}

/* ---- resources ---- */
#define RLIMIT_CPU 0
#define RLIMIT_AS 9
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/* ---- scheduling ---- */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
struct sched_param { int sched_priority; };
/* The kernel's layout; on WALI each pointer is 4 bytes padded to 8 by the
 * following long, so the size is 24 on both targets. */
struct robust_list_head { void *next; long futex_offset; void *pending; };

/* ---- randomness ---- */
#define GRND_RANDOM 2
#define GRND_INSECURE 4

/* ---- prctl ---- */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_SET_SECCOMP 22
#define PR_GET_TSC 25
#define PR_SET_TSC 26
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_MM 35
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_GET_TID_ADDRESS 40
#define PR_SET_MDWE 65
#define PR_SET_VMA 0x53564d41
#define SIGUSR1 10

/* ---- memory locking ---- */
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

#ifdef __wasm__
/* The end of linear memory: ranges reaching past it must fault. */
static inline unsigned long lt_mem_end(void) { return __builtin_wasm_memory_size(0) * 65536ul; }
#endif
/* An address far past the end of guest memory (which is well below 4 GiB). */
#define LT_WILD ((void *)0xfffffff0u)
