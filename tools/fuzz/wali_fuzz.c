/* A guest-side fuzzer of Lamina's WALI syscall layer (issue 8, "Reliability").
 *
 *   build/bin/lamina-cc -O2 -o wali_fuzz.wasm tools/fuzz/wali_fuzz.c
 *   cd SCRATCH && lamina run --sandbox --dir . --max-memory=256M --max-threads=16 --max-cpu=60 \
 *       wali_fuzz.wasm SEED CALLS [-t FIRST] [-o NAME,...] [-x PATH]... [-n]
 *
 * It calls every WALI import — each syscall of the spec and beyond it (the
 * thunks of wali_fuzz_calls.h, generated from tests/guests/include/
 * wali_syscalls.h) and the auxiliary imports declared below — with arguments
 * drawn from a seeded xorshift generator: boundary integers, descriptors it
 * opened and random ones, paths in the scratch directory and outside it,
 * pointers into a scratch buffer, NULL, and wild pointers (past the end of
 * linear memory, near 4 GiB, ranges that cross the end), random lengths and
 * flags, structures with random and with plausible contents.
 *
 * What it checks itself (each is a line "fuzz: FINDING ..." on stderr and
 * exit status 3):
 *   - host memory: a call that reports having read or written bytes outside
 *     linear memory (a read()-like result that runs past the end, a fixed-size
 *     result structure "written" at a wild address, a pipe made with its fds
 *     stored out of bounds);
 *   - hangs: a forked child (which makes the calls that end a process) or a
 *     fork child that does not end within 10 s.
 * What the runner checks from outside: exit status 0 and the final line
 * "fuzz: N calls, seed S" (a runtime crash is a signal or status 1 with
 * "lamina: error"), no "panicked" and no "lamina: error" on stderr, no hang
 * (a wall-clock timeout), and that files outside the scratch directory are
 * unchanged (pass them with -x so the fuzzer aims at them).
 *
 * It avoids what would end, stop or hang the process on purpose, or harm the
 * machine the sandbox cannot protect when run as root:
 *   - exit, exit_group, __proc_exit, longjmp and signals of any number are
 *     only used in forked children ("terminal" calls), which the parent reaps;
 *   - a 10 ms ITIMER_REAL tick (handler without SA_RESTART) interrupts every
 *     blocking call; the signal set of sigsuspend/ppoll/pselect6/epoll_pwait
 *     never blocks it, and the tick, the mask and the protected signals'
 *     dispositions are restored after every call that may change them;
 *   - signals sent in the main process are 0, SIGUSR1/2, SIGALRM, SIGCHLD,
 *     SIGURG, SIGWINCH, SIGCONT and one real-time signal, all handled or
 *     harmless; sigevents and F_SETSIG only name those;
 *   - memory-management calls never touch the fuzzer's own data, stack or
 *     scratch buffer (everything below the end of the buffer, which is mapped
 *     first, at the top of memory); pointers handed to other calls point into
 *     the buffer, above it (memory only the fuzzer's own mappings occupy) or
 *     out of bounds, never into the fuzzer's data;
 *   - descriptors 1 and 2 (the runner's pipes) are never named;
 *   - as root: no device nodes (mknod), no realtime scheduling, no chroot, no
 *     change of the fuzzer's own ids, no resource limits or scheduling of
 *     processes that are not its own (those calls are not scoped by the
 *     sandbox), no raising of its CPU and file-size limits;
 *   - files it writes are capped by RLIMIT_FSIZE (4 MiB).
 *
 * Options: -t FIRST prints every call from number FIRST on (to find the call
 * a crash follows); -o NAME,... fuzzes only those imports; -x PATH adds a
 * path the fuzzer aims at; -n makes no forked children. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WALI_IMPORT(name) __attribute__((import_module("wali"), import_name(name)))
#include "../../tests/guests/include/wali_syscalls.h"

struct fz_generated {
    const char *name;
    long (*call)(const unsigned long long *);
    const char *types;
};
#include "wali_fuzz_calls.h"

/* ---- the auxiliary imports ---- */

WALI_IMPORT("__init") int wali_aux_init(void);
WALI_IMPORT("__deinit") int wali_aux_deinit(void);
WALI_IMPORT("__proc_exit") void wali_aux_proc_exit(int);
WALI_IMPORT("__cl_get_argc") int wali_aux_get_argc(void);
WALI_IMPORT("__cl_get_argv_len") int wali_aux_get_argv_len(int);
WALI_IMPORT("__cl_copy_argv") int wali_aux_copy_argv(void *, int);
WALI_IMPORT("__get_init_envfile") int wali_aux_get_init_envfile(void *, int);
WALI_IMPORT("__wasm_thread_spawn") int wali_aux_thread_spawn(void *, void *);
WALI_IMPORT("__clone") int wali_aux_clone(void *, void *, int, void *, void *);
WALI_IMPORT("setjmp") int wali_aux_setjmp(void *);
WALI_IMPORT("sigsetjmp") int wali_aux_sigsetjmp(void *, int);
WALI_IMPORT("longjmp") void wali_aux_longjmp(void *, int);

#define P(i) ((void *)(__UINTPTR_TYPE__)a[i])
static long fz_init(const unsigned long long *a) { (void)a; return wali_aux_init(); }
static long fz_deinit(const unsigned long long *a) { (void)a; return wali_aux_deinit(); }
static long fz_proc_exit(const unsigned long long *a) { wali_aux_proc_exit((int)a[0]); return 0; }
static long fz_get_argc(const unsigned long long *a) { (void)a; return wali_aux_get_argc(); }
static long fz_get_argv_len(const unsigned long long *a) { return wali_aux_get_argv_len((int)a[0]); }
static long fz_copy_argv(const unsigned long long *a) { return wali_aux_copy_argv(P(0), (int)a[1]); }
static long fz_get_init_envfile(const unsigned long long *a) { return wali_aux_get_init_envfile(P(0), (int)a[1]); }
static long fz_thread_spawn(const unsigned long long *a) { return wali_aux_thread_spawn(P(0), P(1)); }
static long fz_clone(const unsigned long long *a) { return wali_aux_clone(P(0), P(1), (int)a[2], P(3), P(4)); }
static long fz_setjmp(const unsigned long long *a) { return wali_aux_setjmp(P(0)); }
static long fz_sigsetjmp(const unsigned long long *a) { return wali_aux_sigsetjmp(P(0), (int)a[1]); }
static long fz_longjmp(const unsigned long long *a) { wali_aux_longjmp(P(0), (int)a[1]); return 0; }

static const struct fz_generated FZ_AUX[] = {
    {"__init", fz_init, ""},
    {"__deinit", fz_deinit, ""},
    {"__proc_exit", fz_proc_exit, "i"},
    {"__cl_get_argc", fz_get_argc, ""},
    {"__cl_get_argv_len", fz_get_argv_len, "u"},
    {"__cl_copy_argv", fz_copy_argv, "pu"},
    {"__get_init_envfile", fz_get_init_envfile, "pu"},
    {"__wasm_thread_spawn", fz_thread_spawn, "pp"},
    {"__clone", fz_clone, "ppipp"},
    {"setjmp", fz_setjmp, "p"},
    {"sigsetjmp", fz_sigsetjmp, "pi"},
    {"longjmp", fz_longjmp, "pi"},
};

/* ---- parameter kinds ---- */

#define TOKENS(X)                                                                                               \
    X(fd) X(dfd) X(path) X(xpath) X(B) X(b) X(len) X(O) X(o) X(s) X(ptr) X(int) X(uint) X(long) X(off) X(flags) \
    X(oflags) X(mode) X(amode) X(atflags) X(whence) X(prot) X(mflags) X(mfd) X(mrflags) X(msflags) X(madv)     \
    X(maddr) X(mlen) X(brk) X(sig) X(asig) X(ksa) X(sigset) X(ssz) X(how) X(ts) X(tv) X(ts2) X(tv2) X(its)       \
    X(itv) X(ms) X(which) X(domain) X(stype) X(proto) X(sa) X(sao) X(slen) X(msgf) X(msg) X(iov) X(cnt) X(pfds) \
    X(nfds) X(fdset) X(psmask) X(epev) X(epevs) X(epop) X(epflags) X(efdflags) X(tfdflags) X(tmflags) X(clk)  \
    X(timer) X(sev) X(rlim) X(res) X(who) X(stk) X(fword) X(futop) X(fcmd) X(farg) X(ioreq) X(ioarg)          \
    X(prctlopt) X(parg) X(flockop) X(uid) X(gsz) X(gids) X(kpid) X(spid) X(rpid) X(wopt) X(idtype) X(nodmode) \
    X(dev) X(policy) X(start) X(cfn) X(cloneflags) X(renflags) X(grflags) X(mclflags) X(sflags) X(level)      \
    X(optname) X(fdpair) X(argv) X(rlen) X(mmsg)

enum token {
#define X(t) T_##t,
    TOKENS(X)
#undef X
    T_COUNT
};
static const char *const TOKEN_NAMES[] = {
#define X(t) #t,
    TOKENS(X)
#undef X
};

/* What the fuzzer knows about each import it has a description for: its
 * parameters' kinds (a size follows O, o, s: the bytes of the structure) and
 * a weight (default 4; imports without a description get 1 and parameters
 * from their C types). */
struct hint {
    const char *name;
    const char *params;
    int weight;
};

static const struct hint HINTS[] = {
    {"SYS_read", "fd B len"},
    {"SYS_write", "fd B len"},
    {"SYS_open", "path oflags mode"},
    {"SYS_close", "fd"},
    {"SYS_stat", "path O144"},
    {"SYS_fstat", "fd O144"},
    {"SYS_lstat", "path O144"},
    {"SYS_poll", "pfds nfds ms", 3},
    {"SYS_lseek", "fd off whence"},
    {"SYS_mmap", "maddr mlen prot mflags mfd off", 8},
    {"SYS_mprotect", "maddr mlen prot", 6},
    {"SYS_munmap", "maddr mlen", 6},
    {"SYS_brk", "brk"},
    {"SYS_rt_sigaction", "asig ksa o24 ssz"},
    {"SYS_rt_sigprocmask", "how sigset o8 ssz"},
    {"SYS_rt_sigreturn", "long"},
    {"SYS_ioctl", "fd ioreq ioarg"},
    {"SYS_pread64", "fd B len off"},
    {"SYS_pwrite64", "fd B len off"},
    {"SYS_readv", "fd iov cnt"},
    {"SYS_writev", "fd iov cnt"},
    {"SYS_access", "path amode"},
    {"SYS_pipe", "fdpair"},
    {"SYS_select", "nfds fdset fdset fdset tv", 2},
    {"SYS_sched_yield", ""},
    {"SYS_mremap", "maddr mlen mlen mrflags maddr", 6},
    {"SYS_msync", "maddr mlen msflags"},
    {"SYS_madvise", "maddr mlen madv", 6},
    {"SYS_dup", "fd"},
    {"SYS_dup2", "fd fd"},
    {"SYS_nanosleep", "ts o16", 2},
    {"SYS_setitimer", "which itv o32"},
    {"SYS_getpid", ""},
    {"SYS_socket", "domain stype proto"},
    {"SYS_connect", "fd sa len"},
    {"SYS_accept", "fd sao slen"},
    {"SYS_sendto", "fd B len msgf sa len"},
    {"SYS_recvfrom", "fd B len msgf sao slen"},
    {"SYS_sendmsg", "fd msg msgf", 6},
    {"SYS_recvmsg", "fd msg msgf", 6},
    {"SYS_shutdown", "fd how"},
    {"SYS_bind", "fd sa len"},
    {"SYS_listen", "fd int"},
    {"SYS_getsockname", "fd sao slen"},
    {"SYS_getpeername", "fd sao slen"},
    {"SYS_socketpair", "domain stype proto fdpair"},
    {"SYS_setsockopt", "fd level optname b len"},
    {"SYS_getsockopt", "fd level optname b slen"},
    {"SYS_fork", "", 1},
    {"SYS_execve", "xpath argv argv", 2},
    {"SYS_exit", "int"},
    {"SYS_wait4", "kpid o4 wopt o272"},
    {"SYS_kill", "kpid sig"},
    {"SYS_uname", "O390"},
    {"SYS_fcntl", "fd fcmd farg", 6},
    {"SYS_flock", "fd flockop"},
    {"SYS_fsync", "fd"},
    {"SYS_fdatasync", "fd"},
    {"SYS_ftruncate", "fd off"},
    {"SYS_getcwd", "B len"},
    {"SYS_chdir", "path"},
    {"SYS_fchdir", "fd"},
    {"SYS_rename", "path path"},
    {"SYS_mkdir", "path mode"},
    {"SYS_rmdir", "path"},
    {"SYS_link", "path path"},
    {"SYS_unlink", "path"},
    {"SYS_symlink", "path path"},
    {"SYS_readlink", "path B len"},
    {"SYS_chmod", "path mode"},
    {"SYS_fchmod", "fd mode"},
    {"SYS_chown", "path uid uid"},
    {"SYS_fchown", "fd uid uid"},
    {"SYS_umask", "mode"},
    {"SYS_gettimeofday", "O16 O8"},
    {"SYS_getrlimit", "res O16"},
    {"SYS_getrusage", "who O144"},
    {"SYS_sysinfo", "O112"},
    {"SYS_getuid", ""},
    {"SYS_getgid", ""},
    {"SYS_setuid", "uid"},
    {"SYS_setgid", "uid"},
    {"SYS_geteuid", ""},
    {"SYS_getegid", ""},
    {"SYS_setpgid", "spid spid"},
    {"SYS_getppid", ""},
    {"SYS_setsid", ""},
    {"SYS_setreuid", "uid uid"},
    {"SYS_setregid", "uid uid"},
    {"SYS_getgroups", "gsz gids"},
    {"SYS_setgroups", "gsz gids"},
    {"SYS_setresuid", "uid uid uid"},
    {"SYS_setresgid", "uid uid uid"},
    {"SYS_getpgid", "rpid"},
    {"SYS_getsid", "rpid"},
    {"SYS_rt_sigpending", "o8 ssz"},
    {"SYS_rt_sigsuspend", "sigset ssz", 1},
    {"SYS_sigaltstack", "stk o12"},
    {"SYS_statfs", "path O120"},
    {"SYS_fstatfs", "fd O120"},
    {"SYS_prctl", "prctlopt parg parg parg parg"},
    {"SYS_setrlimit", "res rlim"},
    {"SYS_chroot", "xpath"},
    {"SYS_gettid", ""},
    {"SYS_tkill", "kpid sig"},
    {"SYS_futex", "fword futop int ts fword int", 6},
    {"SYS_sched_getaffinity", "rpid len b"},
    {"SYS_getdents64", "fd B len"},
    {"SYS_set_tid_address", "fword"},
    {"SYS_fadvise", "fd off off int"},
    {"SYS_clock_gettime", "clk O16"},
    {"SYS_clock_getres", "clk O16"},
    {"SYS_clock_nanosleep", "clk tmflags ts o16", 2},
    {"SYS_exit_group", "int"},
    {"SYS_epoll_ctl", "fd epop fd epev"},
    {"SYS_openat", "dfd path oflags mode", 6},
    {"SYS_mkdirat", "dfd path mode"},
    {"SYS_fchownat", "dfd path uid uid atflags"},
    {"SYS_newfstatat", "dfd path O144 atflags"},
    {"SYS_unlinkat", "dfd path atflags"},
    {"SYS_linkat", "dfd path dfd path atflags"},
    {"SYS_symlinkat", "path dfd path"},
    {"SYS_readlinkat", "dfd path B len"},
    {"SYS_fchmodat", "dfd path mode atflags"},
    {"SYS_faccessat", "dfd path amode atflags"},
    {"SYS_pselect6", "nfds fdset fdset fdset ts psmask", 2},
    {"SYS_ppoll", "pfds nfds ts sigset ssz", 3},
    {"SYS_utimensat", "dfd path ts2 atflags"},
    {"SYS_epoll_pwait", "fd epevs cnt ms sigset ssz", 3},
    {"SYS_eventfd", "uint"},
    {"SYS_accept4", "fd sao slen sflags"},
    {"SYS_eventfd2", "uint efdflags"},
    {"SYS_epoll_create1", "epflags"},
    {"SYS_dup3", "fd fd oflags"},
    {"SYS_pipe2", "fdpair oflags"},
    {"SYS_prlimit64", "spid res rlim o16"},
    {"SYS_renameat2", "dfd path dfd path renflags"},
    {"SYS_getrandom", "B len grflags"},
    {"SYS_statx", "dfd path atflags uint O256"},
    {"SYS_faccessat2", "dfd path amode atflags"},
    {"SYS_sendfile", "fd fd s8 rlen"},
    {"SYS_truncate", "path off"},
    {"SYS_rt_sigtimedwait", "sigset o128 ts ssz", 2},
    {"SYS_rt_sigqueueinfo", "kpid sig s128"},
    {"SYS_mknod", "path nodmode dev"},
    {"SYS_sched_setscheduler", "spid policy s4"},
    {"SYS_mlockall", "mclflags", 1},
    {"SYS_epoll_create", "int"},
    {"SYS_timer_create", "clk sev o4"},
    {"SYS_timer_settime", "timer tmflags its o32"},
    {"SYS_timer_gettime", "timer O32"},
    {"SYS_timer_getoverrun", "timer"},
    {"SYS_timer_delete", "timer"},
    {"SYS_epoll_wait", "fd epevs cnt ms", 3},
    {"SYS_utimes", "path tv2"},
    {"SYS_waitid", "idtype kpid o128 wopt o272"},
    {"SYS_mknodat", "dfd path nodmode dev"},
    {"SYS_futimesat", "dfd path tv2"},
    {"SYS_set_robust_list", "s24 len"},
    {"SYS_timerfd_create", "clk tfdflags"},
    {"SYS_timerfd_settime", "fd tmflags its o32"},
    {"SYS_preadv", "fd iov cnt off off"},
    {"SYS_getresuid", "o4 o4 o4"},
    {"SYS_getresgid", "o4 o4 o4"},
    {"SYS_setfsuid", "uid"},
    {"SYS_setfsgid", "uid"},
    {"SYS_times", "o32"},
    {"SYS_getpriority", "which spid"},
    {"SYS_setpriority", "which spid int"},
    {"SYS_sched_setaffinity", "spid len b"},
    {"SYS_sched_getparam", "rpid o4"},
    {"SYS_sched_setparam", "spid s4"},
    {"SYS_sched_getscheduler", "rpid"},
    {"SYS_sched_get_priority_max", "policy"},
    {"SYS_sched_get_priority_min", "policy"},
    {"SYS_sched_rr_get_interval", "rpid o16"},
    {"SYS_getcpu", "o4 o4 ptr"},
    {"SYS_capget", "s8 o24"},
    {"SYS_capset", "s8 s24"},
    {"SYS_sethostname", "b len"},
    {"SYS_setdomainname", "b len"},
    {"SYS_time", "o8"},
    {"SYS_clock_settime", "clk s16"},
    {"SYS_settimeofday", "s16 s8"},
    {"SYS_tgkill", "kpid kpid sig"},
    {"SYS_pidfd_open", "kpid flags"},
    {"SYS_pidfd_send_signal", "fd sig s128 flags"},
    {"SYS_pidfd_getfd", "fd int flags"},
    {"SYS_vfork", "", 1},
    {"SYS_sched_getattr", "rpid o56 len flags"},
    {"SYS_sched_setattr", "spid s56 flags"},
    {"SYS_ioprio_get", "which spid"},
    {"SYS_ioprio_set", "which spid int"},
    {"SYS_futex_waitv", "s96 cnt flags ts clk", 2},
    {"SYS_creat", "path mode"},
    {"SYS_getdents", "fd B len"},
    {"SYS_utime", "path s16"},
    {"SYS_setxattr", "path path b len flags"},
    {"SYS_lsetxattr", "path path b len flags"},
    {"SYS_fsetxattr", "fd path b len flags"},
    {"SYS_getxattr", "path path B len"},
    {"SYS_lgetxattr", "path path B len"},
    {"SYS_fgetxattr", "fd path B len"},
    {"SYS_listxattr", "path B len"},
    {"SYS_llistxattr", "path B len"},
    {"SYS_flistxattr", "fd B len"},
    {"SYS_removexattr", "path path"},
    {"SYS_close_range", "fd fd flags"},
    {"SYS_alarm", "uint"},
    {"SYS_signalfd", "fd sigset ssz"},
    {"SYS_signalfd4", "fd sigset ssz flags"},
    {"SYS_rt_tgsigqueueinfo", "kpid kpid sig s128"},
    {"SYS_lremovexattr", "path path"},
    {"SYS_fremovexattr", "fd path"},
    {"SYS_pwritev", "fd iov cnt off off"},
    {"SYS_preadv2", "fd iov cnt off off flags"},
    {"SYS_pwritev2", "fd iov cnt off off flags"},
    {"SYS_lchown", "path uid uid"},
    {"SYS_renameat", "dfd path dfd path"},
    {"SYS_sync", "", 1},
    {"SYS_syncfs", "fd", 1},
    {"SYS_readahead", "fd off len"},
    {"SYS_copy_file_range", "fd s8 fd s8 rlen flags"},
    {"SYS_memfd_create", "path flags"},
    {"SYS_inotify_init", ""},
    {"SYS_inotify_init1", "oflags"},
    {"SYS_inotify_add_watch", "fd path flags"},
    {"SYS_inotify_rm_watch", "fd int"},
    {"SYS_splice", "fd s8 fd s8 rlen flags", 3},
    {"SYS_tee", "fd fd rlen flags", 3},
    {"SYS_vmsplice", "fd iov cnt flags", 3},
    {"SYS_mlock", "maddr mlen"},
    {"SYS_mlock2", "maddr mlen flags"},
    {"SYS_munlock", "maddr mlen"},
    {"SYS_munlockall", "", 1},
    {"SYS_mincore", "maddr mlen b"},
    {"SYS_sendmmsg", "fd mmsg cnt msgf"},
    {"SYS_recvmmsg", "fd mmsg cnt msgf ts"},
    {"SYS_epoll_pwait2", "fd epevs cnt ts sigset ssz", 3},
    {"SYS_timerfd_gettime", "fd O32"},
    {"SYS_msgget", "int flags"},
    {"SYS_msgsnd", "int B len flags", 2},
    {"SYS_msgrcv", "int B len long flags", 2},
    {"SYS_msgctl", "int int o120"},
    {"SYS_semget", "int int flags"},
    {"SYS_semop", "int s12 int", 2},
    {"SYS_semtimedop", "int s12 int ts", 2},
    {"SYS_semctl", "int int int long"},
    {"SYS_mq_open", "path oflags mode s64"},
    {"SYS_mq_unlink", "path"},
    {"SYS_mq_timedsend", "fd B len uint ts"},
    {"SYS_mq_timedreceive", "fd B len o4 ts"},
    {"SYS_mq_notify", "fd sev"},
    {"SYS_mq_getsetattr", "fd s64 o64"},
    {"SYS_shmget", "int len flags"},
    {"SYS_shmat", "int maddr flags"},
    {"SYS_shmdt", "maddr"},
    {"SYS_shmctl", "int int o112"},
    {"__init", ""},
    {"__deinit", ""},
    {"__proc_exit", "int"},
    {"__cl_get_argc", ""},
    {"__cl_get_argv_len", "uint"},
    {"__cl_copy_argv", "b uint"},
    {"__get_init_envfile", "b len"},
    {"__wasm_thread_spawn", "start ptr", 2},
    {"__clone", "cfn ptr cloneflags ptr ptr", 1},
    {"setjmp", "b"},
    {"sigsetjmp", "b int"},
    {"longjmp", "b int"},
};

/* ---- state ---- */

enum special { SP_NONE, SP_TERMINAL, SP_FORK, SP_CLONE, SP_SIGACTION, SP_SIGPROCMASK, SP_TIMER, SP_CHDIR };

struct imp {
    const char *name;
    long (*call)(const unsigned long long *);
    int nparams;
    unsigned char tok[6];
    unsigned short size[6];
    int weight;
    int special;
    int returns_fd;
    unsigned long long calls;
};

#define MAX_IMPORTS 320
static struct imp imps[MAX_IMPORTS];
static int nimps;
static unsigned long long total_weight;

static uint64_t rs; /* xorshift64* state */
static uint64_t rnd(void) {
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return rs * 2685821657736338717ull;
}
static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static int chance(int pct) { return (int)below(100) < pct; }
static uint32_t r32(void) { return (uint32_t)rnd(); }
#define PICK(...) pick_((const long long[]){__VA_ARGS__}, sizeof((const long long[]){__VA_ARGS__}) / sizeof(long long))
static long long pick_(const long long *v, size_t n) { return v[below((uint32_t)n)]; }

/* Descriptors the fuzzer keeps: its copies of the runner's stdout/stderr and
 * of the scratch directory. Random descriptors never name them (nor 1, 2). */
#define OUT_FD 900
#define ERR_FD 901
#define CWD_FD 902
static int is_reserved_fd(long long fd) { return fd == 1 || fd == 2 || (fd >= OUT_FD && fd <= CWD_FD); }

#define BUFSZ (4u << 20)
#define ARENA (256u << 10)
static unsigned char *buf;
static uint32_t buf_lo, buf_hi;
static uint32_t arena_off;
static uint32_t memsize(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

#define POOL 48
static int pool[POOL];
static int npool;
static int last_fd = -1;

#define TRACKED 32
static struct { uint32_t addr, len; } tracked[TRACKED];
static int ntracked, tracked_next;

#define TIMERS 8
static int timers[TIMERS];
static int ntimers;

#define CHILDREN 8
static int children[CHILDREN];
static int nchildren;

static int self_pid, self_tid, helper_tid;
static uid_t self_uid;
static gid_t self_gid;
static char cwd_path[512];
static const char *extra_paths[16];
static int nextra;
static const char *module_path;

static volatile unsigned long ticks, usr_signals;
static int danger; /* in a forked child: terminal calls, any signal, any id */
static unsigned long long trace_from = ~0ull, call_index;
static unsigned long long errcount[4096], okcount, findings, slow_calls, unchecked_notes;
static unsigned long long child_exits, child_signals, child_kills;
static int no_children;

static const char *errno_name(int e) {
    static const char *const names[] = {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [EIO] = "EIO",
        [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF", [ECHILD] = "ECHILD",
        [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY",
        [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EMLINK] = "EMLINK",
        [EPIPE] = "EPIPE", [ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK", [ENAMETOOLONG] = "ENAMETOOLONG",
        [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
        [ENOMSG] = "ENOMSG", [ENODATA] = "ENODATA", [EOVERFLOW] = "EOVERFLOW", [EBADFD] = "EBADFD",
        [ENOTSOCK] = "ENOTSOCK", [EDESTADDRREQ] = "EDESTADDRREQ", [EMSGSIZE] = "EMSGSIZE",
        [EPROTOTYPE] = "EPROTOTYPE", [ENOPROTOOPT] = "ENOPROTOOPT", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
        [ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT", [EOPNOTSUPP] = "EOPNOTSUPP", [EPFNOSUPPORT] = "EPFNOSUPPORT",
        [EAFNOSUPPORT] = "EAFNOSUPPORT", [EADDRINUSE] = "EADDRINUSE", [EADDRNOTAVAIL] = "EADDRNOTAVAIL",
        [ENETUNREACH] = "ENETUNREACH", [ECONNABORTED] = "ECONNABORTED", [ECONNRESET] = "ECONNRESET",
        [ENOBUFS] = "ENOBUFS", [EISCONN] = "EISCONN", [ENOTCONN] = "ENOTCONN", [ETIMEDOUT] = "ETIMEDOUT",
        [ECONNREFUSED] = "ECONNREFUSED", [EALREADY] = "EALREADY", [EINPROGRESS] = "EINPROGRESS",
        [ESTALE] = "ESTALE", [ECANCELED] = "ECANCELED", [EOWNERDEAD] = "EOWNERDEAD",
    };
    static char other[16];
    if (e > 0 && e < (int)(sizeof names / sizeof *names) && names[e]) return names[e];
    snprintf(other, sizeof other, "E%d", e);
    return other;
}

static void out(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(int fd, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1) n = sizeof line - 1;
    for (int off = 0; off < n;) {
        long w = wali_write(fd, line + off, (unsigned)(n - off));
        if (w <= 0) break;
        off += (int)w;
    }
}

/* ---- signals and the tick ---- */

static void on_tick(int sig) { (void)sig; ticks++; }
static void on_usr(int sig) { (void)sig; usr_signals++; }
static void on_info(int sig, siginfo_t *si, void *uc) { (void)sig; (void)si; (void)uc; usr_signals++; }

#define SIG_RT 40
static const int HANDLED[] = {SIGUSR1, SIGUSR2, SIG_RT};
static const int IGNORED[] = {SIGPIPE, SIGXFSZ, SIGXCPU, SIGIO, SIGVTALRM, SIGPROF, SIGHUP, SIGTTIN, SIGTTOU, SIGTSTP};
static const int DEFAULTED[] = {SIGCHLD, SIGURG, SIGWINCH, SIGCONT};

static void set_action(int sig, void (*h)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sigaction(sig, &sa, NULL);
}

/* Restores the disposition of a protected signal; other signals are left as
 * the fuzz made them (they are never raised in the main process). */
static void restore_action(int sig) {
    if (sig == SIGALRM) set_action(sig, on_tick);
    for (unsigned i = 0; i < sizeof HANDLED / sizeof *HANDLED; i++)
        if (HANDLED[i] == sig) set_action(sig, on_usr);
    for (unsigned i = 0; i < sizeof IGNORED / sizeof *IGNORED; i++)
        if (IGNORED[i] == sig) set_action(sig, SIG_IGN);
    for (unsigned i = 0; i < sizeof DEFAULTED / sizeof *DEFAULTED; i++)
        if (DEFAULTED[i] == sig) set_action(sig, SIG_DFL);
}

static void restore_all_actions(void) {
    for (int sig = 1; sig < 65; sig++) restore_action(sig);
}

static void arm_tick(void) {
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void unblock_all(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static int protected_signal(int sig) {
    if (sig == SIGALRM) return 1;
    for (unsigned i = 0; i < sizeof HANDLED / sizeof *HANDLED; i++)
        if (HANDLED[i] == sig) return 1;
    for (unsigned i = 0; i < sizeof IGNORED / sizeof *IGNORED; i++)
        if (IGNORED[i] == sig) return 1;
    for (unsigned i = 0; i < sizeof DEFAULTED / sizeof *DEFAULTED; i++)
        if (DEFAULTED[i] == sig) return 1;
    return 0;
}

/* ---- the helper thread: a second guest thread busy in the runtime (so a
 * fork catches it holding the runtime's locks), and a thread id to aim at ---- */

static unsigned char helper_stack[64 * 1024] __attribute__((aligned(16)));
static struct helper {
    char *stack_top; /* at offset 0, read by the entry */
    volatile int tid;
} helper = {0};

void fz_helper_body(struct helper *h);
void fz_helper_entry(int tid, struct helper *h);
__asm__(".globaltype __stack_pointer, i32\n"
        ".functype fz_helper_body (i32) -> ()\n"
        ".globl fz_helper_entry\n"
        ".type fz_helper_entry,@function\n"
        "fz_helper_entry:\n"
        ".functype fz_helper_entry (i32, i32) -> ()\n"
        "  local.get 1\n"
        "  i32.load 0\n"
        "  global.set __stack_pointer\n"
        "  local.get 1\n"
        "  call fz_helper_body\n"
        "  end_function\n");

/* A thread entry that returns at once (no stack needed). */
void fz_quick_entry(int tid, void *arg);
__asm__(".globl fz_quick_entry\n"
        ".type fz_quick_entry,@function\n"
        "fz_quick_entry:\n"
        ".functype fz_quick_entry (i32, i32) -> ()\n"
        "  end_function\n");

static int fz_clone_child(void *arg) {
    (void)arg;
    return 0;
}

static struct timespec helper_nap = {0, 500000};
static unsigned long long helper_all = ~0ull;
void fz_helper_body(struct helper *h) {
    h->tid = (int)wali_gettid();
    wali_rt_sigprocmask(SIG_BLOCK, &helper_all, NULL, 8);
    for (;;) {
        long m = wali_mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m > 0) wali_munmap((void *)(__UINTPTR_TYPE__)m, 65536);
        wali_getpid();
        wali_nanosleep(&helper_nap, NULL);
    }
}

/* ---- memory ---- */

static void *slice(uint32_t n) {
    arena_off = (arena_off + 7) & ~7u;
    if (arena_off + n + 64 > ARENA) arena_off = 0;
    unsigned char *p = buf + arena_off;
    arena_off += n + 8;
    if (chance(4)) p += 1 + below(3);
    return p;
}

static void fill_random(void *p, uint32_t n) {
    unsigned char *c = p;
    for (uint32_t i = 0; i < n; i++) c[i] = (unsigned char)rnd();
}

static uint32_t wild(void) {
    uint32_t end = memsize();
    switch (below(9)) {
    case 0: return end;
    case 1: return end + below(4096);
    case 2: return end + 4096 * (1 + below(64));
    case 3: return 0x80000000u;
    case 4: return 0xfffff000u;
    case 5: return 0xffffffffu - below(64);
    case 6: return 0x7fffffffu;
    case 7: return end + (uint32_t)(rnd() % (0x100000000ull - end));
    default: return 0xfffffff0u;
    }
}

/* A pointer whose first bytes are in memory and whose n-byte range is not. */
static uint32_t crossing(uint32_t n) {
    if (n < 2) return memsize();
    return memsize() - 1 - below(n - 1);
}

static uint32_t tracked_ptr(void) {
    if (!ntracked) return wild();
    int i = (int)below((uint32_t)ntracked);
    uint32_t off = tracked[i].len ? below(tracked[i].len) : 0;
    return tracked[i].addr + (chance(50) ? 0 : (off & ~3u));
}

/* A pointer the kernel or the runtime may write n bytes at (or fail on). */
static uint32_t out_ptr(uint32_t n) {
    int c = (int)below(100);
    if (c < 66) return (uint32_t)(__UINTPTR_TYPE__)slice(n);
    if (c < 72) return 0;
    if (c < 82) return wild();
    if (c < 89) return crossing(n);
    if (c < 95) return tracked_ptr();
    if (n <= 512) return 1 + below(512); /* below the data, which starts at 1024 */
    return wild();
}

/* An n-byte structure the caller fills in, or a pointer that is not one:
 * NULL, out of bounds, across the end of memory, or (if the contents cannot
 * hurt the fuzzer) into one of its mappings, whose contents are whatever they
 * are and whose pages may be protected or beyond the end of a file. */
static void *in_struct_(uint32_t n, uint32_t *ptr, int tracked_ok) {
    int c = (int)below(100);
    if (c < 82) {
        void *p = slice(n);
        *ptr = (uint32_t)(__UINTPTR_TYPE__)p;
        return p;
    }
    *ptr = c < 88 ? 0 : c < 94 ? wild() : c < 97 || !tracked_ok ? crossing(n) : tracked_ptr();
    return NULL;
}
#define in_struct(n, ptr) in_struct_(n, ptr, 1)
/* For structures whose contents the fuzzer must control (limits, signal
 * dispositions, masks, timers, stacks). */
#define in_struct_safe(n, ptr) in_struct_(n, ptr, 0)

/* ---- values ---- */

static long long gen_int(void) {
    switch (below(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return INT_MIN;
    case 4: return INT_MAX;
    case 5: return (long long)0xffffffffu;
    case 6: return (int)r32();
    case 7: return 1 << below(31);
    case 8: return below(16);
    default: return below(256) - 16;
    }
}

static long long gen_long(void) {
    switch (below(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return LLONG_MIN;
    case 4: return LLONG_MAX;
    case 5: return 1ll << 32;
    case 6: return (long long)rnd();
    case 7: return 1ll << below(63);
    case 8: return (long long)0xffffffffu;
    case 9: return (1ll << 32) | below(16);
    default: return below(4096);
    }
}

static long long gen_len(void) {
    switch (below(14)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return below(16);
    case 3: case 4: return below(256);
    case 5: case 6: return below(8192);
    case 7: return below(BUFSZ);
    case 8: return 0x7fffffff;
    case 9: return 0xffffffffu;
    case 10: return 0x80000000u;
    case 11: return r32();
    case 12: return 4096 * (1 + below(16));
    default: return 64;
    }
}

static long long gen_off(void) {
    switch (below(10)) {
    case 0: return 0;
    case 1: return below(8192);
    case 2: return 4096ll * below(64);
    case 3: return -1;
    case 4: return LLONG_MAX;
    case 5: return 1ll << 40;
    case 6: return (long long)rnd();
    case 7: return (1ll << 32) + 4096;
    case 8: return LLONG_MIN;
    default: return below(512);
    }
}

static long long gen_flags(void) {
    switch (below(6)) {
    case 0: return 0;
    case 1: return 1u << below(32);
    case 2: return r32();
    case 3: return -1;
    default: return below(16);
    }
}

static int gen_fd(void) {
    long long v;
    switch (below(20)) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
        v = npool ? pool[below((uint32_t)npool)] : 3;
        break;
    case 10: case 11: v = below(32); break;
    case 12: v = below(1100); break;
    case 13: v = PICK(-1, AT_FDCWD, INT_MIN, INT_MAX, 1024, 4095, 65535, 1 << 20, -2); break;
    case 14: v = last_fd; break;
    case 15: v = 0; break;
    case 16: v = 960 + below(64); break; /* the runtime's own descriptors live here */
    default: v = npool ? pool[below((uint32_t)npool)] : 0;
    }
    if (is_reserved_fd(v)) v = 3 + below(8);
    return (int)v;
}

static int gen_dirfd(void) {
    if (chance(45)) return AT_FDCWD;
    return gen_fd();
}

/* Paths: the scratch directory's own files, paths outside it, odd spellings. */
static const char *const PATHS[] = {
    "f0", "f1", "f2", "d", "d/f3", "d/e", "d/e/f4", "fifo", "sock", "sym", "loop1", "dangle", "dsym", ".", "..",
    "", "/", "../outside", "../../etc/passwd", "/etc/passwd", "/etc", "/dev/null", "/dev/zero", "/dev/urandom",
    "/proc/self/mem", "/proc/self/fd/3", "/proc/self/exe", "/proc/self/maps", "/proc/self/root/etc/passwd",
    "/tmp", "/tmp/fz-outside", "/nonexistent/x", "f0/", "d/../f0", "./f0", "d//e/", "new", "new2", "d/new",
    "sym/x", "dsym/f3", "f0/..",
};

static uint32_t put_string(const char *s) {
    uint32_t n = (uint32_t)strlen(s) + 1;
    char *p = slice(n);
    memcpy(p, s, n);
    return (uint32_t)(__UINTPTR_TYPE__)p;
}

static uint32_t gen_path(void) {
    int c = (int)below(100);
    if (c < 60) return put_string(PATHS[below(sizeof PATHS / sizeof *PATHS)]);
    if (c < 66 && nextra) return put_string(extra_paths[below((uint32_t)nextra)]);
    if (c < 70 && cwd_path[0]) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s/%s", cwd_path, PATHS[below(12)]);
        return put_string(tmp);
    }
    if (c < 74) return 0;
    if (c < 78) return wild();
    if (c < 82) { /* random bytes */
        uint32_t n = 1 + below(24);
        char *p = slice(n + 1);
        for (uint32_t i = 0; i < n; i++) p[i] = (char)(1 + below(255));
        p[n] = 0;
        return (uint32_t)(__UINTPTR_TYPE__)p;
    }
    if (c < 86) { /* longer than PATH_MAX, or a component longer than NAME_MAX */
        uint32_t n = chance(50) ? 4095 + below(3) : 255 + below(3);
        char *p = slice(n + 1);
        for (uint32_t i = 0; i < n; i++) p[i] = (n > 300 && i % 2) ? '/' : 'a';
        p[n] = 0;
        return (uint32_t)(__UINTPTR_TYPE__)p;
    }
    if (c < 90) { /* no NUL before the end of the buffer (which may end the memory) */
        uint32_t n = 1 + below(64);
        memset(buf + BUFSZ - n, 'a', n);
        return buf_hi - n;
    }
    if (c < 93) return tracked_ptr();
    return crossing(8);
}

static uint32_t gen_xpath(void) {
    if (danger) {
        if (chance(15) && module_path) return put_string(module_path);
        return gen_path();
    }
    switch (below(6)) {
    case 0: return 0;
    case 1: return wild();
    case 2: return put_string("/nonexistent/prog");
    case 3: return put_string("");
    case 4: return put_string("d");
    default: return crossing(8);
    }
}

static long long gen_mode(void) {
    return PICK(0644, 0755, 0, 0777, 07777, 0600, 01777) ^ (chance(20) ? r32() : 0);
}

static long long gen_oflags(void) {
    if (chance(10)) return r32();
    static const int bits[] = {O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
                               O_PATH, O_TMPFILE, O_SYNC, O_DIRECT, O_NOATIME, O_NOCTTY, O_ASYNC, O_DSYNC};
    long long f = below(4);
    int n = (int)below(4);
    for (int i = 0; i < n; i++) f |= bits[below(sizeof bits / sizeof *bits)];
    if (chance(60)) f |= O_NONBLOCK;
    return f;
}

static long long gen_atflags(void) {
    if (chance(10)) return r32();
    static const int bits[] = {AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, AT_EACCESS,
                               AT_NO_AUTOMOUNT, 0x2000, 0x4000, 0x6000};
    long long f = 0;
    int n = (int)below(3);
    for (int i = 0; i < n; i++) f |= bits[below(sizeof bits / sizeof *bits)];
    return f;
}

static long long gen_sig(void) {
    if (danger && chance(50)) return below(70);
    return PICK(0, 0, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGURG, SIGWINCH, SIGCONT, SIG_RT, 65, -1, 1000, 64 + 1);
}

static int gen_pid_any(void) {
    /* a forked child may send any signal: only to itself */
    if (danger) return (int)PICK(self_pid, self_tid, 4194304 + (long long)below(1000));
    switch (below(12)) {
    case 0: return 0;
    case 1: return -1;
    case 2: case 3: return self_pid;
    case 4: return helper_tid ? helper_tid : self_pid;
    case 5: return nchildren ? children[below((uint32_t)nchildren)] : 1;
    case 6: return 1;
    case 7: return (int)below(40000);
    case 8: return INT_MIN;
    case 9: return -self_pid;
    case 10: return (int)r32();
    default: return self_tid;
    }
}

/* Pids for calls the sandbox does not scope (resource limits, scheduling):
 * only the fuzzer itself, or pids that cannot exist (pid_max <= 4194304). */
static int gen_pid_own(void) {
    switch (below(8)) {
    case 0: return 0;
    case 1: return self_pid;
    case 2: return helper_tid ? helper_tid : self_pid;
    case 3: return -1;
    case 4: return INT_MIN;
    case 5: return 4194304 + (int)below(1000000);
    case 6: return self_tid;
    default: return 0;
    }
}

static long long gen_uid(void) {
    if (danger) return PICK(0, -1, 1, 65534, 1000, (long long)r32(), -2);
    return PICK(-1, (long long)self_uid, (long long)self_gid, -1);
}

/* ---- structures ---- */

static void put_timespec(void *p, int interval) {
    long long sec, nsec;
    switch (below(10)) {
    case 0: sec = 0; nsec = 0; break;
    case 1: case 2: case 3: sec = 0; nsec = below(100000); break;
    case 4: sec = 0; nsec = 1000000 + below(2000000); break;
    case 5: sec = -1; nsec = 0; break;
    case 6: sec = 0; nsec = 1000000000; break;
    case 7: sec = LLONG_MAX; nsec = 999999999; break;
    case 8: sec = (long long)rnd(); nsec = (long long)rnd(); break;
    default: sec = 0; nsec = UTIME_NOW - (long long)below(2); /* UTIME_NOW, UTIME_OMIT */
    }
    if (interval && sec == 0 && nsec > 0 && nsec < 5000000) nsec = 5000000; /* no signal storms */
    memcpy(p, &sec, 8);
    memcpy((char *)p + 8, &nsec, 8);
}

static uint32_t gen_times(int n, int interval_first) {
    uint32_t ptr;
    unsigned char *p = in_struct_(16u * (uint32_t)n, &ptr, !interval_first);
    if (p) {
        for (int i = 0; i < n; i++) put_timespec(p + 16 * i, interval_first && i == 0);
        if (chance(5)) fill_random(p, 16u * (uint32_t)n);
    }
    return ptr;
}

static uint32_t gen_sigset(int keep_tick) {
    uint32_t ptr;
    /* a mask the kernel waits with must not block the tick */
    unsigned char *p = in_struct_(8, &ptr, !keep_tick);
    if (p) {
        uint64_t m = chance(30) ? 0 : chance(30) ? ~0ull : rnd();
        if (keep_tick) m &= ~(1ull << (SIGALRM - 1));
        memcpy(p, &m, 8);
    }
    return ptr;
}

static uint32_t gen_sigaction(void) {
    uint32_t ptr;
    unsigned char *p = in_struct_safe(24, &ptr);
    if (!p) return ptr;
    uint32_t handler;
    switch (below(7)) {
    case 0: handler = 0; break;
    case 1: handler = (uint32_t)-2; break;
    case 2: case 3: handler = (uint32_t)(__UINTPTR_TYPE__)on_usr; break;
    case 4: handler = (uint32_t)(__UINTPTR_TYPE__)on_info; break;
    case 5: handler = 0x10000 + below(1 << 20); break; /* past the table: a trap when it runs */
    default: handler = r32();
    }
    static const unsigned long long fl[] = {SA_SIGINFO, SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_ONSTACK,
                                            SA_NOCLDSTOP, SA_NOCLDWAIT, 0x04000000 /* SA_RESTORER */};
    unsigned long long flags = 0;
    for (int n = (int)below(3); n > 0; n--) flags |= fl[below(8)];
    if (chance(10)) flags = rnd();
    if (handler == (uint32_t)(__UINTPTR_TYPE__)on_info) flags |= SA_SIGINFO;
    uint32_t restorer = chance(80) ? 0 : r32();
    unsigned long long mask = chance(50) ? 0 : rnd();
    memcpy(p, &handler, 4);
    memcpy(p + 4, &flags, 8);
    memcpy(p + 12, &restorer, 4);
    memcpy(p + 16, &mask, 8);
    return ptr;
}

static uint32_t gen_sockaddr(uint32_t *natural) {
    uint32_t ptr;
    unsigned char *p = in_struct(128, &ptr);
    *natural = 16;
    if (!p) return ptr;
    memset(p, 0, 128);
    switch (below(9)) {
    case 0: case 1: case 2: {
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        static const char *const names[] = {"sock", "sock2", "d/s", "/tmp/fz-sock", "f0", "../sock"};
        const char *name = names[below(6)];
        strcpy(un.sun_path, name);
        memcpy(p, &un, sizeof un);
        *natural = (uint32_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name) + (chance(50) ? 1 : 0));
        break;
    }
    case 3: { /* abstract */
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        memcpy(un.sun_path, "\0fzabs", 6);
        memcpy(p, &un, sizeof un);
        *natural = (uint32_t)offsetof(struct sockaddr_un, sun_path) + 6;
        break;
    }
    case 4: case 5: {
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)r32())};
        in.sin_addr.s_addr = chance(50) ? htonl(0x7f000001) : r32();
        memcpy(p, &in, sizeof in);
        *natural = sizeof in;
        break;
    }
    case 6: {
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)r32())};
        in6.sin6_addr.s6_addr[15] = 1;
        memcpy(p, &in6, sizeof in6);
        *natural = sizeof in6;
        break;
    }
    case 7: p[0] = AF_UNSPEC; *natural = 16; break;
    default: fill_random(p, 128); *natural = below(129);
    }
    return ptr;
}

static uint32_t gen_socklen_ptr(void) {
    uint32_t ptr;
    unsigned char *p = in_struct(4, &ptr);
    if (p) {
        uint32_t v = (uint32_t)PICK(128, 16, 0, 110, 28, 0xffffffff, 0x80000000, 1, 4);
        if (chance(10)) v = r32();
        memcpy(p, &v, 4);
    }
    return ptr;
}

static void put_iovecs(struct iovec *v, int n) {
    for (int i = 0; i < n; i++) {
        uint32_t len = (uint32_t)gen_len();
        uint32_t base;
        switch (below(10)) {
        case 0: base = 0; break;
        case 1: base = wild(); break;
        case 2: base = crossing(len ? len : 2); break;
        case 3: base = tracked_ptr(); break;
        default: base = buf_lo + below(BUFSZ - 4096); if (len > 65536 && chance(70)) len = below(65536);
        }
        v[i].iov_base = (void *)(__UINTPTR_TYPE__)base;
        v[i].iov_len = len;
    }
}

static uint32_t gen_iov(uint32_t *natural) {
    int n = (int)(1 + below(8));
    uint32_t ptr;
    struct iovec *v = in_struct(8u * (uint32_t)n, &ptr);
    *natural = (uint32_t)n;
    if (v) put_iovecs(v, n);
    return ptr;
}

static void put_msghdr(struct msghdr *m) {
    memset(m, 0, sizeof *m);
    uint32_t natural;
    if (chance(40)) {
        m->msg_name = (void *)(__UINTPTR_TYPE__)gen_sockaddr(&natural);
        m->msg_namelen = chance(70) ? natural : (uint32_t)gen_len();
    }
    if (chance(90)) {
        m->msg_iov = (void *)(__UINTPTR_TYPE__)gen_iov(&natural);
        m->msg_iovlen = chance(80) ? (int)natural : (int)gen_int();
    }
    switch (below(5)) {
    case 0: case 1: { /* descriptors */
        int nfds = (int)(1 + below(4));
        uint32_t clen = (uint32_t)CMSG_SPACE(sizeof(int) * (unsigned)nfds);
        struct cmsghdr *c = slice(clen + 16);
        memset(c, 0, clen);
        c->cmsg_len = CMSG_LEN(sizeof(int) * (unsigned)nfds);
        if (chance(10)) c->cmsg_len = (socklen_t)gen_len();
        c->cmsg_level = chance(90) ? SOL_SOCKET : (int)gen_int();
        c->cmsg_type = chance(90) ? SCM_RIGHTS : (int)below(5);
        for (int i = 0; i < nfds; i++) ((int *)CMSG_DATA(c))[i] = gen_fd();
        m->msg_control = c;
        m->msg_controllen = chance(85) ? clen : (uint32_t)gen_len();
        break;
    }
    case 2: { /* credentials or random */
        uint32_t clen = 64;
        unsigned char *c = slice(clen);
        fill_random(c, clen);
        if (chance(50)) {
            struct cmsghdr *h = (struct cmsghdr *)c;
            h->cmsg_len = CMSG_LEN(12);
            h->cmsg_level = SOL_SOCKET;
            h->cmsg_type = SCM_CREDENTIALS;
        }
        m->msg_control = c;
        m->msg_controllen = chance(70) ? clen : (uint32_t)gen_len();
        break;
    }
    case 3: m->msg_control = (void *)(__UINTPTR_TYPE__)(chance(50) ? wild() : crossing(32)); m->msg_controllen = (uint32_t)gen_len(); break;
    default: break;
    }
    if (chance(20)) m->msg_flags = (int)r32();
}

static uint32_t gen_msghdr(void) {
    uint32_t ptr;
    struct msghdr *m = in_struct(sizeof(struct msghdr), &ptr);
    if (m) put_msghdr(m);
    return ptr;
}

/* A vector of 1-4 mmsghdrs (sendmmsg, recvmmsg), each message made as
 * gen_msghdr makes one. */
static uint32_t gen_mmsghdrs(uint32_t *natural) {
    int n = (int)(1 + below(4));
    uint32_t ptr;
    struct mmsghdr *v = in_struct(sizeof(struct mmsghdr) * (uint32_t)n, &ptr);
    *natural = (uint32_t)n;
    if (v)
        for (int i = 0; i < n; i++) {
            put_msghdr(&v[i].msg_hdr);
            v[i].msg_len = r32();
        }
    return ptr;
}

static uint32_t gen_pollfds(uint32_t *natural) {
    int n = (int)(1 + below(8));
    uint32_t ptr;
    struct pollfd *p = in_struct(8u * (uint32_t)n, &ptr);
    *natural = (uint32_t)n;
    if (p)
        for (int i = 0; i < n; i++) {
            p[i].fd = chance(10) ? -1 : gen_fd();
            p[i].events = (short)(chance(70) ? (POLLIN | POLLOUT) : r32());
            p[i].revents = (short)r32();
        }
    return ptr;
}

static uint32_t gen_fdset(void) {
    uint32_t ptr;
    unsigned char *p = in_struct(128, &ptr);
    if (p) {
        memset(p, 0, 128);
        if (chance(20)) fill_random(p, 128);
        else
            for (int n = (int)below(6); n > 0; n--) {
                int fd = gen_fd();
                if (fd >= 0 && fd < 1024) p[fd / 8] |= (unsigned char)(1 << (fd % 8));
            }
    }
    return ptr;
}

static uint32_t gen_rlimit(long long resource) {
    uint32_t ptr;
    unsigned char *p = in_struct_safe(16, &ptr);
    if (!p) return ptr;
    struct rlimit cur = {RLIM_INFINITY, RLIM_INFINITY};
    int known = resource >= 0 && resource < RLIM_NLIMITS;
    if (known) getrlimit((int)resource, &cur);
    unsigned long long v[2] = {cur.rlim_cur, cur.rlim_max};
    /* Limits that would end the fuzzer natively too: the CPU limit (SIGKILL at
     * the hard one), RLIMIT_RTTIME (a hard limit of 0 is SIGKILL at the next
     * CPU-timer check, real-time or not), the file size cap, the descriptors
     * it needs, and the stack (an exec'd module could not start). */
    int guarded = resource == RLIMIT_CPU || resource == RLIMIT_FSIZE || resource == RLIMIT_NOFILE ||
                  resource == RLIMIT_RTTIME || resource == RLIMIT_STACK;
    switch (below(guarded ? 2 : 6)) {
    case 0: break; /* the current limits */
    case 1: if (v[1] != RLIM_INFINITY) v[0] = v[1] + 1; else v[1] = v[0] - 1, v[0] = RLIM_INFINITY; break; /* soft > hard */
    case 2: v[0] = v[1] = RLIM_INFINITY; break;
    case 3: v[0] = below(1 << 20) << below(12); if (v[1] < v[0]) v[1] = v[0]; break;
    case 4: v[0] = rnd(); v[1] = rnd(); break;
    default: v[0] = v[1] = below(4) << below(30);
    }
    memcpy(p, v, 16);
    return ptr;
}

static uint32_t gen_sigevent(void) {
    uint32_t ptr;
    unsigned char *p = in_struct_safe(64, &ptr);
    if (!p) return ptr;
    fill_random(p, 64);
    int notify = (int)PICK(SIGEV_SIGNAL, SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, 4 /* SIGEV_THREAD_ID */, (long long)r32());
    int signo = (int)PICK(SIGALRM, SIGUSR1, SIGUSR2, SIG_RT, 0, 65, -1);
    int tid = (int)PICK(self_tid, helper_tid, 0, -1, (long long)below(40000));
    memcpy(p + 4, &signo, 4);
    memcpy(p + 8, &notify, 4);
    memcpy(p + 12, &tid, 4);
    return ptr;
}

static uint32_t gen_stack(void) {
    uint32_t ptr;
    unsigned char *p = in_struct_safe(12, &ptr);
    if (!p) return ptr;
    uint32_t size = (uint32_t)PICK(0, 2048, 8192, 65536, 1 << 20, 0xffffffff, 1);
    uint32_t sp = chance(80) ? buf_lo + ARENA + below(BUFSZ - ARENA - (1 << 20)) : chance(50) ? 0 : wild();
    int flags = (int)PICK(0, 0, SS_DISABLE, SS_ONSTACK, (long long)0x80000000u, (long long)r32());
    memcpy(p, &sp, 4);
    memcpy(p + 4, &flags, 4);
    memcpy(p + 8, &size, 4);
    return ptr;
}

static uint32_t gen_fword(void) {
    switch (below(8)) {
    case 0: return 0;
    case 1: return wild();
    case 2: return tracked_ptr();
    case 3: return (uint32_t)(__UINTPTR_TYPE__)slice(8) | 1; /* misaligned */
    default: {
        uint32_t *w = slice(8);
        *w = chance(50) ? 0 : chance(50) ? (uint32_t)self_tid : r32();
        return (uint32_t)(__UINTPTR_TYPE__)w & ~3u;
    }
    }
}

static uint32_t gen_argv(void) {
    switch (below(6)) {
    case 0: return 0;
    case 1: return wild();
    case 2: { /* unterminated: the array runs to the end of the buffer */
        uint32_t n = 1 + below(8);
        uint32_t *v = (uint32_t *)(buf + BUFSZ - 4 * n);
        for (uint32_t i = 0; i < n; i++) v[i] = put_string("x");
        return buf_hi - 4 * n;
    }
    default: {
        int n = (int)below(5);
        uint32_t *v = slice(4u * (uint32_t)n + 4);
        for (int i = 0; i < n; i++) v[i] = chance(85) ? put_string(i ? "arg" : "prog") : chance(50) ? wild() : 0;
        v[n] = 0;
        return (uint32_t)(__UINTPTR_TYPE__)v;
    }
    }
}

/* ---- memory-management addresses that never reach the fuzzer's own memory ---- */

static uint32_t gen_maddr(void) {
    uint32_t end = memsize();
    switch (below(12)) {
    case 0: case 1: case 2: return ntracked ? tracked[below((uint32_t)ntracked)].addr : 0;
    case 3: return tracked_ptr() & ~4095u;
    case 4: return 0;
    case 5: return end;
    case 6: return end - 4096 * below(16);
    case 7: return end + 4096 * below(16);
    case 8: return wild();
    case 9: return tracked_ptr() | (1 + below(4095));
    case 10: return below(16) * 4096;
    default: return r32() & ~4095u;
    }
}

static long long gen_mlen(void) {
    switch (below(10)) {
    case 0: return 0;
    case 1: case 2: case 3: return 4096 * (1 + below(16));
    case 4: return 65536 * (1 + below(8));
    case 5: return 1 + below(8192);
    case 6: return 0xffffffffu - below(4096);
    case 7: return 0x80000000u;
    case 8: return (1 + below(64)) << 20;
    default: return r32();
    }
}

/* Whether [addr, addr+len) reaches the fuzzer's own memory: everything from
 * 64 KiB (the runtime's reserved low pages) to the end of the buffer. */
static int hits_own(unsigned long long addr, unsigned long long len) {
    unsigned long long end = addr + ((len + 4095) & ~4095ull);
    if (len == 0) end = addr + 1;
    return addr < buf_hi && end > 65536;
}

/* ---- descriptors ---- */

static int in_pool(int fd) {
    for (int i = 0; i < npool; i++)
        if (pool[i] == fd) return 1;
    return 0;
}

static void pool_add(long long fd) {
    if (fd < 3 || fd > 1023 || is_reserved_fd(fd)) return;
    last_fd = (int)fd;
    if (in_pool((int)fd)) return;
    if (npool < POOL) {
        pool[npool++] = (int)fd;
        return;
    }
    int i = (int)below(POOL);
    wali_close(pool[i]);
    pool[i] = (int)fd;
}

static void setup_files(void) {
    mkdir("d", 0755);
    mkdir("d/e", 0755);
    int fd = open("f0", O_RDWR | O_CREAT, 0644);
    if (fd >= 0) {
        char block[4096];
        memset(block, 'x', sizeof block);
        if (lseek(fd, 0, SEEK_END) < 8192) write(fd, block, sizeof block);
        close(fd);
    }
    close(open("f1", O_RDWR | O_CREAT, 0644));
    close(open("d/f3", O_RDWR | O_CREAT, 0644));
    mkfifo("fifo", 0644);
    symlink("f0", "sym");
    symlink("d", "dsym");
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    symlink("nonexistent", "dangle");
}

static void setup_fds(void) {
    static const char *files[] = {"f0", "f1", "d/f3"};
    for (unsigned i = 0; i < 3; i++) pool_add(open(files[i], O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    pool_add(open("f0", O_RDONLY | O_CLOEXEC));
    pool_add(open("d", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    pool_add(open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    pool_add(open("/", O_PATH | O_CLOEXEC));
    pool_add(open("/etc/passwd", O_PATH | O_CLOEXEC));
    for (int i = 0; i < nextra; i++) pool_add(open(extra_paths[i], O_PATH | O_CLOEXEC));
    pool_add(open("/dev/null", O_RDWR | O_CLOEXEC));
    pool_add(open("/dev/zero", O_RDONLY | O_CLOEXEC));
    pool_add(open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    pool_add(open("fifo", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    int p[2];
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0) pool_add(p[0]), pool_add(p[1]);
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (unsigned i = 0; i < 3; i++)
        if (socketpair(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p) == 0) pool_add(p[0]), pool_add(p[1]);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l >= 0) {
        struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "sock"};
        unlink("sock");
        bind(l, (struct sockaddr *)&un, sizeof un);
        listen(l, 4);
        pool_add(l);
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c >= 0) connect(c, (struct sockaddr *)&un, sizeof un), pool_add(c);
    }
    pool_add(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    pool_add(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    pool_add(socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep >= 0) {
        for (int i = 0; i < npool; i += 3) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = (uint64_t)i};
            epoll_ctl(ep, EPOLL_CTL_ADD, pool[i], &ev);
        }
        pool_add(ep);
    }
    pool_add(eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC));
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t >= 0) {
        struct itimerspec its = {{0, 5000000}, {0, 5000000}};
        timerfd_settime(t, 0, &its, NULL);
        pool_add(t);
    }
}

/* Closes what the fuzz opened and the pool forgot, and starts a fresh pool. */
static void refresh(int full) {
    if (full) {
        for (int i = 0; i < npool; i++) wali_close(pool[i]);
        npool = 0;
    }
    for (int fd = 3; fd < OUT_FD; fd++)
        if (!in_pool(fd)) wali_close(fd);
    fchdir(CWD_FD);
    umask(022);
    setup_files();
    if (npool < 16) setup_fds();
    for (int i = 0; i < ntimers; i++) wali_timer_delete(timers[i]);
    ntimers = 0;
}

/* ---- arguments ---- */

struct call {
    unsigned long long a[6];
    int ptr_param;       /* a pointer waiting for its length parameter, or -1 */
    uint32_t natural;    /* that pointer's natural length (or count) */
};

static void gen_len_for(struct call *c, int j, int tok) {
    long long v = tok == T_len ? gen_len() : gen_int();
    if (c->ptr_param >= 0) {
        int p = c->ptr_param, choice = (int)below(10);
        if (choice < 5) {
            v = c->natural;
        } else if (choice == 5 && tok == T_len) {
            /* a range that ends exactly at the end of memory, or one past it */
            v = 1 + below(4096);
            c->a[p] = memsize() - (uint32_t)v + (chance(50) ? 1 : 0);
        }
        c->ptr_param = -1;
    }
    c->a[j] = (unsigned long long)v;
}

static uint32_t buffer_ptr(void) {
    int c = (int)below(100);
    if (c < 70) return buf_lo + below(BUFSZ);
    if (c < 76) return 0;
    if (c < 86) return wild();
    if (c < 93) return tracked_ptr();
    return buf_hi - below(4096);
}

/* An integer for a parameter that is a pointer for some values of another
 * (prctl, ioctl and fcntl arguments): never an address of the fuzzer's own
 * data or stack, which the kernel would then write. */
static unsigned long long not_own(unsigned long long v) {
    return v >= 65536 && v < buf_hi ? buffer_ptr() : v;
}

static void gen_arg(struct imp *im, struct call *c, int j) {
    unsigned long long *a = c->a;
    int tok = im->tok[j];
    uint32_t size = im->size[j], natural;
    switch (tok) {
    case T_fd: a[j] = (unsigned long long)(long long)gen_fd(); break;
    case T_dfd: a[j] = (unsigned long long)(long long)gen_dirfd(); break;
    case T_path: a[j] = gen_path(); break;
    case T_xpath: a[j] = gen_xpath(); break;
    case T_B: case T_b:
        a[j] = buffer_ptr();
        c->ptr_param = j;
        c->natural = below(4096);
        /* a length given before the pointer (getgroups-like): keep it */
        break;
    case T_len: case T_cnt: case T_nfds: case T_rlen: gen_len_for(c, j, tok == T_nfds || tok == T_cnt ? T_cnt : T_len);
        if (tok == T_nfds && chance(5)) a[j] = (1ull << 32) | below(4); /* a 64-bit count */
        if (tok == T_rlen && a[j] > (1u << 22) && chance(90)) a[j] = below(1 << 22);
        break;
    case T_O: case T_o: a[j] = out_ptr(size); break;
    case T_s: {
        uint32_t ptr;
        unsigned char *p = in_struct(size, &ptr);
        if (p) {
            if (chance(30)) memset(p, 0, size);
            else fill_random(p, size);
            if (size == 8 && chance(70)) { long long off = below(8192); memcpy(p, &off, 8); }
        }
        a[j] = ptr;
        break;
    }
    case T_ptr: {
        uint32_t ptr;
        unsigned char *p = in_struct(256, &ptr);
        if (p) fill_random(p, 256);
        a[j] = chance(70) ? ptr : out_ptr(256);
        break;
    }
    case T_int: a[j] = (unsigned long long)gen_int(); break;
    case T_uint: a[j] = (uint32_t)gen_int(); break;
    case T_long: a[j] = (unsigned long long)gen_long(); break;
    case T_off: a[j] = (unsigned long long)gen_off(); break;
    case T_flags: a[j] = (unsigned long long)gen_flags(); break;
    case T_oflags: a[j] = (unsigned long long)gen_oflags(); break;
    case T_mode: a[j] = (unsigned long long)gen_mode(); break;
    case T_amode: a[j] = chance(80) ? below(8) : (unsigned long long)gen_int(); break;
    case T_atflags: a[j] = (unsigned long long)gen_atflags(); break;
    case T_whence: a[j] = chance(85) ? below(5) : (unsigned long long)gen_int(); break;
    case T_prot: a[j] = chance(80) ? below(8) : (unsigned long long)gen_flags(); break;
    case T_mflags: {
        long long f = chance(70) ? MAP_PRIVATE | MAP_ANONYMOUS : PICK(MAP_SHARED, MAP_PRIVATE, MAP_SHARED | MAP_ANONYMOUS, MAP_SHARED_VALIDATE, 0);
        static const int bits[] = {MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE, MAP_GROWSDOWN,
                                   MAP_HUGETLB, MAP_LOCKED, MAP_STACK, 0x40 /* MAP_32BIT */, MAP_SYNC, MAP_NONBLOCK};
        for (int n = (int)below(3); n > 0; n--) f |= bits[below(sizeof bits / sizeof *bits)];
        if (chance(5)) f = r32();
        a[j] = (unsigned long long)f;
        break;
    }
    case T_mfd: a[j] = (unsigned long long)(long long)(chance(40) ? -1 : gen_fd()); break;
    case T_mrflags: a[j] = (unsigned long long)PICK(0, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_FIXED, MREMAP_MAYMOVE | 4 /* DONTUNMAP */, MREMAP_FIXED, (long long)r32()); break;
    case T_msflags: a[j] = (unsigned long long)PICK(MS_ASYNC, MS_SYNC, MS_INVALIDATE, MS_ASYNC | MS_SYNC, 0, (long long)r32()); break;
    case T_madv: a[j] = (unsigned long long)(chance(85) ? (long long)below(27) : PICK(100, 101, 102, 103, -1, (long long)r32())); break;
    case T_maddr: a[j] = gen_maddr(); break;
    case T_mlen: a[j] = (unsigned long long)gen_mlen(); break;
    case T_brk: {
        uint32_t cur = (uint32_t)wali_brk(NULL);
        a[j] = PICK(0, cur, cur + 4096, cur + 65536 * below(64), cur - 4096, (long long)wild(), (long long)r32());
        break;
    }
    case T_sig: a[j] = (unsigned long long)gen_sig(); break;
    case T_asig: a[j] = (unsigned long long)(chance(90) ? below(66) : gen_int()); break;
    case T_ksa: a[j] = gen_sigaction(); break;
    case T_sigset: a[j] = gen_sigset(im->special != SP_SIGPROCMASK); break;
    case T_ssz: a[j] = chance(85) ? 8 : (unsigned long long)PICK(0, 4, 16, 128, 0xffffffff, 7); break;
    case T_how: a[j] = chance(85) ? below(3) : (unsigned long long)gen_int(); break;
    case T_ts: a[j] = gen_times(1, 0); break;
    case T_tv: case T_itv: case T_its: case T_ts2: case T_tv2:
        a[j] = gen_times(tok == T_ts2 || tok == T_tv2 || tok == T_its || tok == T_itv ? 2 : 1, tok == T_its || tok == T_itv);
        break;
    case T_ms: a[j] = (unsigned long long)(long long)PICK(0, 0, 1, 2, -1, INT_MIN, INT_MAX, 5); break;
    case T_which: a[j] = chance(85) ? below(3) : (unsigned long long)gen_int(); break;
    case T_domain: a[j] = (unsigned long long)PICK(AF_UNIX, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, AF_UNSPEC, (long long)below(46), -1); break;
    case T_stype: a[j] = (unsigned long long)(PICK(SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW, SOCK_RDM, 0, 11) |
                                                (chance(70) ? SOCK_NONBLOCK : 0) | (chance(50) ? SOCK_CLOEXEC : 0) |
                                                (chance(5) ? r32() : 0));
        break;
    case T_proto: a[j] = (unsigned long long)(chance(70) ? 0 : PICK(IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 255, -1, (long long)r32())); break;
    case T_sa: a[j] = gen_sockaddr(&natural); c->ptr_param = j; c->natural = natural; break;
    case T_sao: a[j] = out_ptr(128); break;
    case T_slen: a[j] = gen_socklen_ptr(); break;
    case T_msgf: a[j] = (unsigned long long)((chance(80) ? MSG_DONTWAIT : 0) | (chance(30) ? PICK(MSG_PEEK, MSG_TRUNC, MSG_WAITALL, MSG_NOSIGNAL, MSG_OOB, MSG_CMSG_CLOEXEC, MSG_ERRQUEUE) : 0) | (chance(5) ? r32() : 0)); break;
    case T_msg: a[j] = gen_msghdr(); break;
    case T_mmsg: a[j] = gen_mmsghdrs(&natural); c->ptr_param = j; c->natural = natural; break;
    case T_iov: a[j] = gen_iov(&natural); c->ptr_param = j; c->natural = natural; break;
    case T_pfds: a[j] = gen_pollfds(&natural); c->ptr_param = j; c->natural = natural; break;
    case T_fdset: a[j] = gen_fdset(); break;
    case T_psmask: {
        uint32_t ptr;
        unsigned char *p = in_struct(16, &ptr);
        if (p) {
            unsigned long long v[2] = {gen_sigset(1), chance(85) ? 8 : (unsigned long long)gen_int()};
            if (chance(10)) v[0] |= 1ull << 32; /* a set pointer above 4 GiB */
            memcpy(p, v, 16);
        }
        a[j] = ptr;
        break;
    }
    case T_epev: {
        uint32_t ptr;
        unsigned char *p = in_struct(12, &ptr);
        if (p) {
            uint32_t ev = chance(70) ? (uint32_t)PICK(EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLET, EPOLLIN | EPOLLONESHOT, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLWAKEUP) : r32();
            uint64_t data = rnd();
            memcpy(p, &ev, 4);
            memcpy(p + 4, &data, 8);
        }
        a[j] = ptr;
        break;
    }
    case T_epevs: a[j] = buffer_ptr(); c->ptr_param = j; c->natural = 1 + below(64); break;
    case T_epop: a[j] = chance(85) ? 1 + below(3) : (unsigned long long)gen_int(); break;
    case T_epflags: a[j] = (unsigned long long)PICK(0, EPOLL_CLOEXEC, (long long)r32()); break;
    case T_efdflags: a[j] = (unsigned long long)(chance(85) ? (EFD_NONBLOCK | (chance(50) ? EFD_CLOEXEC : 0) | (chance(30) ? EFD_SEMAPHORE : 0)) : r32()); break;
    case T_tfdflags: a[j] = (unsigned long long)(chance(85) ? (TFD_NONBLOCK | (chance(50) ? TFD_CLOEXEC : 0)) : r32()); break;
    case T_tmflags: a[j] = (unsigned long long)PICK(0, 0, 1, 2, 3, (long long)r32()); break;
    case T_clk: a[j] = (unsigned long long)(chance(80) ? (long long)below(12) : PICK(-1, -2, -6, ~(12345 << 3), (long long)r32(), 16)); break;
    case T_timer: a[j] = (unsigned long long)(ntimers && chance(70) ? timers[below((uint32_t)ntimers)] : (int)PICK(0, 1, -1, 100, (long long)r32())); break;
    case T_sev: a[j] = gen_sigevent(); break;
    case T_rlim: a[j] = gen_rlimit(j > 0 ? (long long)(int)a[j - 1] : -1); break;
    case T_res: a[j] = (unsigned long long)(chance(85) ? (long long)below(16) : PICK(16, -1, 100, (long long)r32())); break;
    case T_who: a[j] = (unsigned long long)PICK(0, -1, 1, 2, (long long)r32()); break;
    case T_stk: a[j] = gen_stack(); break;
    case T_fword: a[j] = gen_fword(); break;
    case T_futop: a[j] = (unsigned long long)((chance(90) ? below(14) : r32()) | (chance(50) ? 128 : 0) | (chance(10) ? 256 : 0)); break;
    case T_fcmd:
        a[j] = (unsigned long long)(chance(90) ? PICK(F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW,
                                                      F_SETOWN, F_GETOWN, F_SETSIG, F_GETSIG, F_SETOWN_EX, F_GETOWN_EX,
                                                      F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETLEASE, F_GETLEASE,
                                                      F_NOTIFY, F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_GETPIPE_SZ,
                                                      F_ADD_SEALS, F_GET_SEALS, 1035, 1036, 1037, 1038)
                                        : (long long)r32());
        break;
    case T_farg: {
        int cmd = (int)a[j - 1];
        switch (cmd) {
        case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
            uint32_t ptr;
            unsigned char *p = in_struct(32, &ptr);
            if (p) {
                memset(p, 0, 32);
                short type = (short)PICK(F_RDLCK, F_WRLCK, F_UNLCK, 7), whence = (short)below(3);
                long long start = chance(70) ? below(100) : gen_off(), len = chance(70) ? below(100) : gen_off();
                memcpy(p, &type, 2);
                memcpy(p + 2, &whence, 2);
                memcpy(p + 8, &start, 8);
                memcpy(p + 16, &len, 8);
                if (chance(10)) fill_random(p, 32);
            }
            a[j] = ptr | (chance(5) ? 1ull << 32 : 0);
            break;
        }
        case F_SETOWN_EX: case F_GETOWN_EX: {
            uint32_t ptr;
            unsigned char *p = in_struct(8, &ptr);
            if (p) {
                int v[2] = {(int)below(4), cmd == F_SETOWN_EX ? gen_pid_any() : 0};
                memcpy(p, v, 8);
            }
            a[j] = ptr;
            break;
        }
        case F_SETSIG: a[j] = (unsigned long long)PICK(0, SIGUSR1, SIGIO, SIG_RT, 65, -1); break;
        case F_SETOWN: a[j] = (unsigned long long)(long long)gen_pid_any(); break;
        case F_DUPFD: case F_DUPFD_CLOEXEC: a[j] = (unsigned long long)PICK(0, 3, 100, 1023, 1024, 1 << 20, -1); break;
        case F_SETFL: case F_SETFD: a[j] = (unsigned long long)(chance(70) ? gen_oflags() : gen_long()); break;
        case F_SETLEASE: a[j] = (unsigned long long)PICK(F_RDLCK, F_WRLCK, F_UNLCK, 9); break;
        case F_NOTIFY: a[j] = (unsigned long long)gen_flags(); break;
        default: a[j] = chance(50) ? not_own((unsigned long long)gen_long()) : buffer_ptr();
        }
        break;
    }
    case T_ioreq:
        a[j] = (unsigned long long)(chance(85) ? PICK(TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCSWINSZ,
                                                      TIOCGPGRP, TIOCSPGRP, TIOCGSID, FIONREAD, TIOCOUTQ, FIONBIO,
                                                      FIOASYNC, TIOCGPTN, TIOCSPTLCK, TIOCMGET, TIOCMSET, TIOCGETD,
                                                      TCSBRK, TCXONC, TCFLSH, TIOCSCTTY, TIOCNOTTY, TIOCEXCL, FIOCLEX,
                                                      FIONCLEX, SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU,
                                                      SIOCGIFADDR, SIOCGIFCONF, TIOCSTI, 0x5401, 0x40086602)
                                        : (long long)r32());
        break;
    case T_ioarg: a[j] = chance(60) ? buffer_ptr() : not_own((uint32_t)gen_int()); break;
    case T_prctlopt: a[j] = (unsigned long long)(chance(80) ? PICK(1, 2, 3, 4, 8, 15, 16, 22, 23, 24, 29, 30, 35, 36, 37, 38, 39, 40, 41, 42, 0x53564d41, 47, 59, 65) : gen_int()); break;
    case T_parg: a[j] = chance(50) ? buffer_ptr() : not_own((unsigned long long)gen_long()); break;
    case T_flockop: a[j] = (unsigned long long)(chance(85) ? (PICK(LOCK_SH, LOCK_EX, LOCK_UN) | (chance(50) ? LOCK_NB : 0)) : gen_int()); break;
    case T_uid: a[j] = (unsigned long long)gen_uid(); break;
    case T_gsz: a[j] = (unsigned long long)PICK(0, 1, 2, 32, 65536, 65537, -1, (long long)r32()); break;
    case T_gids: {
        uint32_t ptr;
        unsigned char *p = in_struct(256, &ptr);
        if (p) memset(p, 0, 256);
        a[j] = chance(80) ? ptr : buffer_ptr();
        break;
    }
    case T_kpid: a[j] = (unsigned long long)(long long)gen_pid_any(); break;
    case T_spid: a[j] = (unsigned long long)(long long)gen_pid_own(); break;
    case T_rpid: a[j] = (unsigned long long)(long long)gen_pid_any(); break;
    case T_wopt: a[j] = (unsigned long long)((chance(80) ? WNOHANG : 0) | (chance(30) ? PICK(WUNTRACED, WCONTINUED, WEXITED, WNOWAIT, __WALL, __WCLONE, WSTOPPED) : 0) | (chance(5) ? r32() : 0)); break;
    case T_idtype: a[j] = (unsigned long long)(chance(85) ? below(4) : gen_int()); break;
    case T_nodmode: {
        unsigned type = (unsigned)PICK(S_IFREG, S_IFIFO, S_IFSOCK, 0, S_IFDIR, S_IFLNK, 0170000);
        unsigned long long m = type | (unsigned)(gen_mode() & 07777);
        if (chance(10)) m = r32();
        /* running as root the sandbox cannot stop device nodes: never make one */
        if ((m & S_IFMT) == S_IFCHR || (m & S_IFMT) == S_IFBLK) m = (m & ~(unsigned long long)S_IFMT) | S_IFIFO;
        a[j] = m;
        break;
    }
    case T_dev: a[j] = (unsigned long long)gen_int(); break;
    case T_policy: a[j] = (unsigned long long)PICK(SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, 7, -1, 0x40000000 /* RESET_ON_FORK */, 100); break;
    /* Bad function indices only past the table (an index of another function
     * of the same type, such as the helper's loop, would legitimately never
     * end): a trap in the new thread or the child. */
    case T_start: a[j] = danger ? (unsigned long long)PICK(0, 0x10000, 0x7fffffff, (long long)(0x10000 | r32()), (long long)(uint32_t)(__UINTPTR_TYPE__)fz_quick_entry)
                                : (uint32_t)(__UINTPTR_TYPE__)fz_quick_entry;
        break;
    case T_cfn: a[j] = danger ? (unsigned long long)PICK(0, 0x10000, 0x7fffffff, (long long)(0x10000 | r32()), (long long)(uint32_t)(__UINTPTR_TYPE__)fz_clone_child)
                              : (uint32_t)(__UINTPTR_TYPE__)fz_clone_child;
        break;
    case T_cloneflags: a[j] = chance(50) ? (unsigned long long)(SIGCHLD | (chance(50) ? CLONE_VM | CLONE_VFORK : 0)) : (unsigned long long)gen_flags(); break;
    case T_renflags: a[j] = (unsigned long long)PICK(0, 0, 1, 2, 4, 3, (long long)r32()); break;
    case T_grflags: a[j] = (unsigned long long)PICK(0, 1, 2, 4, 3, 7, (long long)r32()); break;
    case T_mclflags: a[j] = (unsigned long long)PICK(0, 1, 2, 3, 5, 4, 8, -1); break;
    case T_sflags: a[j] = (unsigned long long)PICK(0, SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_NONBLOCK | SOCK_CLOEXEC, (long long)r32()); break;
    case T_level: a[j] = (unsigned long long)PICK(SOL_SOCKET, SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_UDP, 263 /* SOL_PACKET */, (long long)r32()); break;
    case T_optname: a[j] = (unsigned long long)(chance(85) ? below(70) : gen_int()); break;
    case T_fdpair: a[j] = out_ptr(8); break;
    case T_argv: a[j] = gen_argv(); break;
    default: a[j] = (unsigned long long)gen_int();
    }
}

/* ---- findings ---- */

static void describe(struct imp *im, const unsigned long long *a, long r, char *line, size_t n) {
    int off = snprintf(line, n, "%s(", im->name);
    for (int j = 0; j < im->nparams && off < (int)n; j++)
    {
        off += snprintf(line + off, n - (size_t)off, "%s%s=%#llx", j ? ", " : "", TOKEN_NAMES[im->tok[j]], a[j]);
        uint32_t p = (uint32_t)a[j];
        if (im->tok[j] == T_rlim && p >= buf_lo && (uint64_t)p + 16 <= buf_hi && off < (int)n) {
            unsigned long long v[2];
            memcpy(v, (void *)(__UINTPTR_TYPE__)p, 16);
            off += snprintf(line + off, n - (size_t)off, " {%#llx, %#llx}", v[0], v[1]);
        }
    }
    if (off < (int)n) snprintf(line + off, n - (size_t)off, ") = %ld", r);
}

static unsigned long long seed_value;

static void finding(const char *what, struct imp *im, const unsigned long long *a, long r) {
    char line[700];
    describe(im, a, r, line, sizeof line);
    findings++;
    out(ERR_FD, "fuzz: FINDING %s: call #%llu (seed %llu): %s [memory end %#x]\n", what, call_index, seed_value, line, memsize());
}

static void note_unchecked(struct imp *im, const unsigned long long *a, long r) {
    if (unchecked_notes++ < 20) {
        char line[700];
        describe(im, a, r, line, sizeof line);
        out(ERR_FD, "fuzz: note: success with a range past the end of memory: call #%llu (seed %llu): %s [memory end %#x]\n",
            call_index, seed_value, line, memsize());
    }
}

/* The invariants the fuzzer can see from inside: nothing is read or written
 * outside linear memory. */
static void check(struct imp *im, const unsigned long long *a, long r) {
    unsigned long long end = memsize();
    for (int j = 0; j < im->nparams; j++) {
        unsigned long long p = a[j] & 0xffffffffull;
        switch (im->tok[j]) {
        case T_B:
            if (r > 0 && p && p + (unsigned long long)r > end) finding("bytes transferred outside linear memory", im, a, r);
            else if (r >= 0 && p) {
                for (int k = j + 1; k < im->nparams; k++)
                    if (im->tok[k] == T_len) {
                        unsigned long long len = a[k] & 0xffffffffull;
                        if (len && p + len > end) note_unchecked(im, a, r);
                        break;
                    }
            }
            break;
        case T_O:
            if (r >= 0 && p && p + im->size[j] > end) finding("a result structure written outside linear memory", im, a, r);
            break;
        case T_fdpair:
            if (r == 0 && p && p + 8 > end) finding("descriptors stored outside linear memory", im, a, r);
            break;
        default: break;
        }
    }
}

/* ---- one call ---- */

static void track_mapping(uint32_t addr, uint32_t len) {
    if (hits_own(addr, len)) return;
    tracked[tracked_next].addr = addr;
    tracked[tracked_next].len = len;
    tracked_next = (tracked_next + 1) % TRACKED;
    if (ntracked < TRACKED) ntracked++;
}

static int forked_child_wait(int pid, const char *what);

static long issue(struct imp *im, unsigned long long *a) {
    int traced = call_index >= trace_from;
    if (traced) {
        char line[700];
        describe(im, a, 0, line, sizeof line);
        out(ERR_FD, "fuzz: %s#%llu %s ...\n", danger ? "child " : "", call_index, line);
    }
    unsigned long t0 = ticks;
    long r = im->call(a);
    if (ticks - t0 > 300) {
        slow_calls++;
        char line[700];
        describe(im, a, r, line, sizeof line);
        out(ERR_FD, "fuzz: slow call (%lu ms): #%llu (seed %llu): %s\n", (ticks - t0) * 10, call_index, seed_value, line);
    }
    if (traced) out(ERR_FD, "fuzz: %s#%llu = %ld\n", danger ? "child " : "", call_index, r);
    return r;
}

static void count_result(long r) {
    if (r < 0 && r >= -4095) errcount[-r]++;
    else okcount++;
}

static int fork_child_body(void) {
    wali_exit_group(0);
    return 0;
}

static void fuzz_one(struct imp *im) {
    struct call c;
    memset(&c, 0, sizeof c);
    c.ptr_param = -1;
    arena_off = 0;
    for (int j = 0; j < im->nparams; j++) gen_arg(im, &c, j);
    unsigned long long *a = c.a;

    /* memory-management ranges never reach the fuzzer's own memory */
    if (!strcmp(im->name, "SYS_munmap") || !strcmp(im->name, "SYS_mprotect") || !strcmp(im->name, "SYS_madvise") ||
        !strcmp(im->name, "SYS_msync")) {
        if (hits_own(a[0] & 0xffffffff, a[1] & 0xffffffff)) a[0] = chance(50) ? memsize() : wild();
    } else if (!strcmp(im->name, "SYS_mmap")) {
        if ((a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && hits_own(a[0] & 0xffffffff, a[1] & 0xffffffff))
            a[0] = chance(50) ? memsize() : wild();
    } else if (!strcmp(im->name, "SYS_futex")) {
        /* The priority-inheritance waits are restarted by the kernel after a
         * signal handler (ERESTARTNOINTR), so the tick cannot end them: they
         * wait for their (absolute) timeout, natively too. Give them one that
         * has passed, or a bad pointer. */
        int op = (int)a[1] & 0x7f;
        if (op == 6 || op == 11 || op == 13) {
            if (chance(80)) {
                long long *t = slice(16);
                t[0] = 0;
                t[1] = below(1000);
                a[3] = (uint32_t)(__UINTPTR_TYPE__)t;
            } else {
                a[3] = wild();
            }
        }
    } else if (!strcmp(im->name, "SYS_prctl") && (int)a[0] == 29 /* PR_SET_TIMERSLACK */) {
        /* A huge slack lets even a passed timeout of those waits fire only
         * at its hard expiry, centuries later. */
        a[1] = below(1000000);
    } else if (!strcmp(im->name, "SYS_close_range")) {
        /* A range over the runner's pipes or the fuzzer's own descriptors
         * would end the run: keep it between them (3..899) or above them. */
        unsigned first = (unsigned)a[0], last = (unsigned)a[1];
        if (first < 3) first = 3 + below(8);
        if (first <= CWD_FD && last >= OUT_FD) last = first < OUT_FD ? OUT_FD - 1 : CWD_FD + 1 + below(100);
        if (first >= OUT_FD && first <= CWD_FD) first = CWD_FD + 1;
        a[0] = first;
        a[1] = last;
    } else if (!strcmp(im->name, "SYS_shmat")) {
        /* Attaching over mapped memory would replace the fuzzer's own. */
        a[2] &= ~(unsigned long long)SHM_REMAP;
    } else if (!strcmp(im->name, "SYS_mremap")) {
        if (hits_own(a[0] & 0xffffffff, a[1] & 0xffffffff)) a[0] = memsize();
        if (hits_own(a[0] & 0xffffffff, a[2] & 0xffffffff)) a[2] = 4096;
        if ((a[3] & MREMAP_FIXED) && hits_own(a[4] & 0xffffffff, a[2] & 0xffffffff)) a[4] = wild();
    }

    long r;
    sigset_t all, old;
    switch (im->special) {
    case SP_TERMINAL: /* only in forked children */
        if (!danger) return;
        im->calls++;
        call_index++;
        issue(im, a);
        return;
    case SP_FORK: {
        im->calls++;
        call_index++;
        r = issue(im, a);
        if (r == 0) fork_child_body();
        if (r > 0) forked_child_wait((int)r, "fork");
        count_result(r);
        return;
    }
    case SP_CLONE:
        im->calls++;
        call_index++;
        r = issue(im, a);
        if (r > 0) forked_child_wait((int)r, "__clone");
        count_result(r);
        return;
    case SP_SIGACTION:
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, &old);
        break;
    default: break;
    }

    im->calls++;
    call_index++;
    r = issue(im, a);
    count_result(r);
    check(im, a, r);

    if (im->returns_fd && r >= 0) pool_add(r);
    /* The mask is empty between calls (the fuzzer restores it after the
     * calls that set it): a call that leaves signals blocked broke the
     * kernel's rules (a handler's or a wait's mask not restored). */
    if (im->special != SP_SIGPROCMASK && im->special != SP_SIGACTION && !danger) {
        unsigned long long mask = 0;
        if (wali_rt_sigprocmask(SIG_BLOCK, NULL, &mask, 8) == 0 && mask) {
            char what[96];
            snprintf(what, sizeof what, "the signal mask was left at %#llx", mask);
            finding(what, im, a, r);
            unblock_all();
        }
    }
    switch (im->special) {
    case SP_SIGACTION: {
        int sig = (int)a[0];
        if (sig > 0 && sig < 65 && protected_signal(sig)) restore_action(sig);
        sigprocmask(SIG_SETMASK, &old, NULL);
        break;
    }
    case SP_SIGPROCMASK: unblock_all(); break;
    case SP_TIMER: arm_tick(); break;
    case SP_CHDIR: fchdir(CWD_FD); break;
    default: break;
    }
    if (r >= 0) {
        if (!strcmp(im->name, "SYS_pipe") || !strcmp(im->name, "SYS_pipe2") || !strcmp(im->name, "SYS_socketpair")) {
            uint32_t p = (uint32_t)a[im->nparams - (strcmp(im->name, "SYS_pipe2") ? 1 : 2)];
            if (p >= buf_lo && (uint64_t)p + 8 <= buf_hi) {
                int fds[2];
                memcpy(fds, (void *)(__UINTPTR_TYPE__)p, 8);
                pool_add(fds[0]);
                pool_add(fds[1]);
            }
        } else if (!strcmp(im->name, "SYS_msgget")) {
            /* System V objects outlive the run: removed at once. */
            wali_msgctl((int)r, IPC_RMID, NULL);
        } else if (!strcmp(im->name, "SYS_semget")) {
            wali_semctl((int)r, 0, IPC_RMID, 0);
        } else if (!strcmp(im->name, "SYS_shmget")) {
            wali_shmctl((int)r, IPC_RMID, NULL);
        } else if (!strcmp(im->name, "SYS_mmap") && r > 0) {
            track_mapping((uint32_t)r, (uint32_t)a[1]);
        } else if (!strcmp(im->name, "SYS_mremap") && r > 0) {
            track_mapping((uint32_t)r, (uint32_t)a[2]);
        } else if (!strcmp(im->name, "SYS_timer_create")) {
            uint32_t p = (uint32_t)a[2];
            if (p >= buf_lo && (uint64_t)p + 4 <= buf_hi) {
                int id;
                memcpy(&id, (void *)(__UINTPTR_TYPE__)p, 4);
                if (ntimers < TIMERS) timers[ntimers++] = id;
                else wali_timer_delete(id);
            }
        } else if (!strcmp(im->name, "SYS_fcntl") && ((int)a[1] == F_DUPFD || (int)a[1] == F_DUPFD_CLOEXEC)) {
            pool_add(r);
        }
    }
}

/* ---- forked children ---- */

static void remember_child(int pid) {
    if (nchildren < CHILDREN) children[nchildren++] = pid;
    else children[below(CHILDREN)] = pid;
}

/* Reaps a child, giving it 10 s (the tick interrupts the wait); a child that
 * stops is killed, one that does not end is a finding. */
static int forked_child_wait(int pid, const char *what) {
    remember_child(pid);
    unsigned long start = ticks;
    for (;;) {
        int st = 0;
        long r = wali_wait4(pid, &st, WUNTRACED | __WALL, NULL);
        if (r == pid) {
            if (WIFSTOPPED(st)) {
                kill(pid, SIGKILL);
                continue;
            }
            if (WIFEXITED(st)) child_exits++;
            else child_signals++;
            return st;
        }
        if (r != -EINTR) return -1;
        if (ticks - start > 1000) {
            findings++;
            out(ERR_FD, "fuzz: FINDING a %s child (pid %d) did not end within 10 s: call #%llu (seed %llu)\n", what, pid,
                call_index, seed_value);
            kill(pid, SIGKILL);
            child_kills++;
            start = ticks + 100000; /* report once */
        }
    }
}

static struct imp *find_imp(const char *name) {
    for (int i = 0; i < nimps; i++)
        if (!strcmp(imps[i].name, name)) return &imps[i];
    return NULL;
}

static struct imp *pick_imp(void) {
    unsigned long long w = rnd() % total_weight;
    for (int i = 0; i < nimps; i++) {
        if (w < (unsigned long long)imps[i].weight) return &imps[i];
        w -= (unsigned long long)imps[i].weight;
    }
    return &imps[nimps - 1];
}

/* The calls a forked child ends with, in turn. */
static const char *const TERMINALS[] = {
    "SYS_exit", "SYS_exit_group", "__proc_exit", "longjmp", "SYS_kill", "SYS_tkill", "SYS_rt_sigqueueinfo",
    "__wasm_thread_spawn", "__clone", "SYS_execve", "SYS_rt_sigreturn", "SYS_setuid", "SYS_chroot",
    "SYS_setresuid", "SYS_execve",
};
static unsigned terminal_next;
static unsigned long long terminal_counts[sizeof TERMINALS / sizeof *TERMINALS];

static void isolated(void) {
    unsigned which = terminal_next++ % (sizeof TERMINALS / sizeof *TERMINALS);
    struct imp *term = find_imp(TERMINALS[which]);
    uint64_t child_seed = rnd();
    int exec_self = which == 14 && chance(10);
    terminal_counts[which]++;
    if (term && term->special == SP_TERMINAL) term->calls++; /* counted here: the child cannot report */
    long pid = wali_fork();
    if (pid < 0) return;
    if (pid == 0) {
        rs = child_seed | 1;
        danger = 1;
        helper_tid = 0;
        self_pid = self_tid = (int)wali_getpid();
        arm_tick();
        for (int n = (int)below(20); n > 0; n--) fuzz_one(pick_imp());
        if (term) {
            if (exec_self) {
                const char *argv[] = {module_path, "exec-probe", NULL};
                execve(module_path, (char *const *)argv, NULL);
            } else {
                if (term->special == SP_TERMINAL) term->special = SP_NONE;
                fuzz_one(term);
                if (!strcmp(term->name, "__wasm_thread_spawn")) {
                    struct timespec ts = {0, 5000000};
                    nanosleep(&ts, NULL);
                }
            }
        }
        wali_exit_group(0);
    }
    call_index++;
    forked_child_wait((int)pid, TERMINALS[which]);
}

/* ---- set-up ---- */

static void setup_imports(const char *only) {
    for (unsigned g = 0; g < 2; g++) {
        const struct fz_generated *list = g ? FZ_AUX : FZ_GENERATED;
        unsigned n = g ? sizeof FZ_AUX / sizeof *FZ_AUX : sizeof FZ_GENERATED / sizeof *FZ_GENERATED;
        for (unsigned i = 0; i < n; i++) {
            struct imp *im = &imps[nimps++];
            im->name = list[i].name;
            im->call = list[i].call;
            im->nparams = (int)strlen(list[i].types);
            im->weight = 1;
            const char *params = NULL;
            for (unsigned h = 0; h < sizeof HINTS / sizeof *HINTS; h++)
                if (!strcmp(HINTS[h].name, im->name)) {
                    params = HINTS[h].params;
                    im->weight = HINTS[h].weight ? HINTS[h].weight : 4;
                }
            for (int j = 0; j < im->nparams; j++) {
                char t = list[i].types[j];
                im->tok[j] = t == 'p' ? T_ptr : t == 'l' ? T_long : t == 'u' ? T_uint : T_int;
            }
            if (params) {
                int j = 0;
                for (const char *p = params; *p && j < 6;) {
                    while (*p == ' ') p++;
                    char word[16];
                    int k = 0;
                    while (*p && *p != ' ' && k < 15) word[k++] = *p++;
                    word[k] = 0;
                    unsigned size = 0;
                    if ((word[0] == 'O' || word[0] == 'o' || word[0] == 's') && word[1] >= '0' && word[1] <= '9') {
                        size = (unsigned)atoi(word + 1);
                        word[1] = 0;
                    }
                    int found = -1;
                    for (int t = 0; t < T_COUNT; t++)
                        if (!strcmp(TOKEN_NAMES[t], word)) found = t;
                    if (found < 0) {
                        out(ERR_FD, "fuzz: bad parameter kind %s of %s\n", word, im->name);
                        _exit(2);
                    }
                    im->tok[j] = (unsigned char)found;
                    im->size[j] = (unsigned short)size;
                    j++;
                }
                if (j != im->nparams) {
                    out(ERR_FD, "fuzz: %s has %d parameters, its description %d\n", im->name, im->nparams, j);
                    _exit(2);
                }
            }
            static const char *const terminal[] = {"SYS_exit", "SYS_exit_group", "__proc_exit", "longjmp"};
            for (unsigned t = 0; t < 4; t++)
                if (!strcmp(im->name, terminal[t])) im->special = SP_TERMINAL;
            if (!strcmp(im->name, "SYS_fork") || !strcmp(im->name, "SYS_vfork")) im->special = SP_FORK;
            if (!strcmp(im->name, "__clone")) im->special = SP_CLONE;
            if (!strcmp(im->name, "SYS_rt_sigaction")) im->special = SP_SIGACTION;
            if (!strcmp(im->name, "SYS_rt_sigprocmask")) im->special = SP_SIGPROCMASK;
            if (!strcmp(im->name, "SYS_setitimer") || !strcmp(im->name, "SYS_alarm")) im->special = SP_TIMER;
            if (!strcmp(im->name, "SYS_chdir") || !strcmp(im->name, "SYS_fchdir") || !strcmp(im->name, "SYS_chroot"))
                im->special = SP_CHDIR;
            static const char *const fds[] = {"SYS_open", "SYS_openat", "SYS_dup", "SYS_dup2", "SYS_dup3",
                                              "SYS_socket", "SYS_accept", "SYS_accept4", "SYS_epoll_create",
                                              "SYS_epoll_create1", "SYS_eventfd", "SYS_eventfd2", "SYS_timerfd_create"};
            for (unsigned t = 0; t < sizeof fds / sizeof *fds; t++)
                if (!strcmp(im->name, fds[t])) im->returns_fd = 1;
            if (only) {
                size_t len = strlen(im->name);
                const char *hit = strstr(only, im->name);
                int listed = hit && (hit == only || hit[-1] == ',') && (hit[len] == 0 || hit[len] == ',');
                if (!listed) im->weight = 0;
            }
            if (im->special == SP_TERMINAL) im->weight = 0;
            total_weight += (unsigned long long)im->weight;
        }
    }
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "exec-probe")) return 0; /* the module executed by a child */
    if (argc < 3) {
        fprintf(stderr, "usage: %s SEED CALLS [-t FIRST] [-o NAME,...] [-x PATH]... [-n]\n", argv[0]);
        return 2;
    }
    module_path = argv[0];
    seed_value = strtoull(argv[1], NULL, 0);
    unsigned long long calls = strtoull(argv[2], NULL, 0);
    const char *only = NULL;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc) trace_from = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "-x") && i + 1 < argc && nextra < 16) extra_paths[nextra++] = argv[++i];
        else if (!strcmp(argv[i], "-n")) no_children = 1;
        else {
            fprintf(stderr, "fuzz: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    rs = seed_value * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (!rs) rs = 1;

    /* Keep the runner's stdout/stderr and the scratch directory out of reach. */
    fflush(stdout);
    int dot = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fcntl(1, F_DUPFD_CLOEXEC, OUT_FD) != OUT_FD || fcntl(2, F_DUPFD_CLOEXEC, ERR_FD) != ERR_FD || dot < 0 ||
        fcntl(dot, F_DUPFD_CLOEXEC, CWD_FD) != CWD_FD) {
        fprintf(stderr, "fuzz: cannot set up descriptors %d-%d\n", OUT_FD, CWD_FD);
        return 2;
    }
    close(dot);

    /* Refuse to run without a sandbox: the fuzz aims at files outside the
     * scratch directory and sends signals to pids it does not own. */
    int probe = open("/etc/passwd", O_RDONLY);
    if (probe >= 0 || errno != EACCES) {
        out(ERR_FD, "fuzz: /etc/passwd is readable: run me under `lamina run --sandbox --dir SCRATCH` only\n");
        return 2;
    }

    if (!getcwd(cwd_path, sizeof cwd_path)) cwd_path[0] = 0;
    self_pid = getpid();
    self_tid = (int)wali_gettid();
    self_uid = getuid();
    self_gid = getgid();
    struct rlimit fsize = {4 << 20, 4 << 20};
    setrlimit(RLIMIT_FSIZE, &fsize);

    /* The scratch buffer, mapped first: at the top of memory, above the
     * fuzzer's data, stack and heap, and below every later mapping. */
    long m = wali_mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m <= 0) {
        out(ERR_FD, "fuzz: cannot map the scratch buffer: %ld\n", m);
        return 2;
    }
    buf = (unsigned char *)(__UINTPTR_TYPE__)m;
    buf_lo = (uint32_t)m;
    buf_hi = buf_lo + BUFSZ;

    setup_imports(only);
    if (!total_weight) {
        out(ERR_FD, "fuzz: no import to call\n");
        return 2;
    }
    restore_all_actions();
    unblock_all();
    arm_tick();
    setup_files();
    setup_fds();

    helper.stack_top = (char *)helper_stack + sizeof helper_stack;
    helper_tid = wali_aux_thread_spawn((void *)fz_helper_entry, &helper);
    if (helper_tid < 0) helper_tid = 0;

    for (unsigned long long i = 0; call_index < calls; i++) {
        if (!no_children && i % 400 == 399) isolated();
        if (i % 1000 == 999) refresh(i % 10000 == 9999);
        fuzz_one(pick_imp());
    }

    /* Summary. */
    int called = 0;
    for (int i = 0; i < nimps; i++) called += imps[i].calls > 0;
    out(OUT_FD, "fuzz: imports %d, called %d\n", nimps, called);
    for (int i = 0; i < nimps; i++)
        if (!imps[i].calls && (imps[i].weight || imps[i].special == SP_TERMINAL)) out(OUT_FD, "fuzz: never called: %s\n", imps[i].name);
    char line[4096];
    int off = snprintf(line, sizeof line, "fuzz: results: ok %llu", okcount);
    for (int e = 1; e < 4096 && off < (int)sizeof line - 40; e++)
        if (errcount[e]) off += snprintf(line + off, sizeof line - (size_t)off, ", %s %llu", errno_name(e), errcount[e]);
    out(OUT_FD, "%s\n", line);
    out(OUT_FD, "fuzz: forked children: %llu exited, %llu killed by a signal, %llu hung; signals handled %lu; ticks %lu\n",
        child_exits, child_signals, child_kills, usr_signals, ticks);
    out(OUT_FD, "fuzz: findings %llu, slow calls %llu, unchecked-range notes %llu\n", findings, slow_calls, unchecked_notes);
    out(OUT_FD, "fuzz: %llu calls, seed %llu\n", call_index, seed_value);
    return findings ? 3 : 0;
}
