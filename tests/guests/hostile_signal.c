/* Hostile signal arguments (WALI only): every pointer past the end of
 * memory or across it, bad sizes, flags and indices, and handlers that
 * cannot be called as they are. Each gets the kernel's errno, or the crash a
 * native program would suffer, in a child; the runtime survives. */
#include "lt_signal.h"

#define BAD ((void *)0xfffffff0u)

static unsigned mem_end(void) { return (unsigned)__builtin_wasm_memory_size(0) * 65536u; }

static void handler(int sig) { (void)sig; }
static void with_info(int sig, struct lt_siginfo *info, void *uc) { (void)sig; (void)info; (void)uc; }
static void wrong_type(long long x) { (void)x; }

/* Sets the C stack pointer (to make a handler's frame impossible). */
void hostile_set_sp(int sp);
__asm__(
    ".globaltype __stack_pointer, i32\n"
    ".globl hostile_set_sp\n"
    ".type hostile_set_sp,@function\n"
    "hostile_set_sp:\n"
    ".functype hostile_set_sp (i32) -> ()\n"
    "  local.get 0\n"
    "  global.set __stack_pointer\n"
    "  end_function\n");

/* Runs `body` in a child and reports how the child ended. */
static int child_status(void (*body)(void)) {
    long pid = wali_fork();
    if (pid == 0) {
        body();
        wali_exit_group(0);
    }
    int status = 0;
    wali_wait4((int)pid, &status, 0, NULL);
    return status;
}
#define KILLED_BY(status, sig) (((status) & 0x7f) == (sig))

static void deliver_to_missing_function(void) {
    lt_sigaction(SIGUSR1, (lt_handler)0x7ffffff0, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
}

static void deliver_to_wrong_type(void) {
    lt_sigaction(SIGUSR1, (lt_handler)wrong_type, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
}

static void frame_below_memory(void) {
    int pid = lt_getpid();
    lt_sigaction(SIGUSR1, (lt_handler)with_info, SA_SIGINFO, 0, NULL);
    hostile_set_sp(1000);
    wali_kill(pid, SIGUSR1);
}

static void alt_stack_past_memory(void) {
    lt_stack_t ss = {(void *)0x70000000, 0, 65536};
    wali_sigaltstack(&ss, NULL);
    lt_sigaction(SIGUSR1, handler, SA_ONSTACK, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
}

static void alt_stack_wrapping(void) {
    lt_stack_t ss = {(void *)0xfffff000u, 0, 0x2000};
    wali_sigaltstack(&ss, NULL);
    lt_sigaction(SIGUSR1, handler, SA_ONSTACK, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR1);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    void *across = (void *)(unsigned long)(mem_end() - 4);
    struct lt_sigaction act = {handler, SA_RESTORER, 0, 0}, old;

    expect_eq("sigaction: act past the end", wali_rt_sigaction(SIGUSR1, BAD, NULL, 8), -EFAULT);
    expect_eq("sigaction: act across the end", wali_rt_sigaction(SIGUSR1, across, NULL, 8), -EFAULT);
    expect_eq("sigaction: size before act", wali_rt_sigaction(SIGUSR1, BAD, NULL, 7), -EINVAL);
    expect_eq("sigaction: act before signal", wali_rt_sigaction(99, BAD, NULL, 8), -EFAULT);
    /* oldact is written after the change, which stays. */
    expect_eq("sigaction: oldact past the end", wali_rt_sigaction(SIGUSR1, &act, BAD, 8), -EFAULT);
    expect_true("sigaction: changed anyway", lt_disposition(SIGUSR1).handler == handler);
    expect_eq("sigaction: oldact across the end", wali_rt_sigaction(SIGUSR1, NULL, across, 8), -EFAULT);
    expect_eq("sigaction: signal 65", wali_rt_sigaction(65, &act, &old, 8), -EINVAL);
    expect_eq("sigaction: huge signal", wali_rt_sigaction(0x7fffffff, &act, &old, 8), -EINVAL);
    expect_eq("sigaction: SIGSTOP", wali_rt_sigaction(SIGSTOP, &act, NULL, 8), -EINVAL);
    /* A handler index is not checked until it is called. */
    expect_eq("sigaction: any index", lt_sigaction(SIGUSR2, (lt_handler)0x7ffffff0, 0, 0, NULL), 0);
    lt_sigaction(SIGUSR2, LT_SIG_DFL, 0, 0, NULL);

    unsigned long set = LT_BIT(SIGUSR2);
    expect_eq("sigprocmask: set past the end", wali_rt_sigprocmask(SIG_BLOCK, BAD, NULL, 8), -EFAULT);
    expect_eq("sigprocmask: set across the end", wali_rt_sigprocmask(SIG_BLOCK, across, NULL, 8), -EFAULT);
    expect_eq("sigprocmask: bad how", wali_rt_sigprocmask(-1, &set, NULL, 8), -EINVAL);
    expect_eq("sigprocmask: size", wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 0), -EINVAL);
    expect_eq("sigprocmask: oldset past the end", wali_rt_sigprocmask(SIG_BLOCK, &set, BAD, 8), -EFAULT);
    expect_eq("sigprocmask: changed anyway", (long)lt_mask(), (long)LT_BIT(SIGUSR2));
    lt_set_mask(0);

    expect_eq("sigpending: past the end", wali_rt_sigpending(BAD, 8), -EFAULT);
    expect_eq("sigpending: across the end", wali_rt_sigpending(across, 8), -EFAULT);
    expect_eq("sigpending: size", wali_rt_sigpending(&set, 9), -EINVAL);
    expect_eq("sigpending: nothing asked", wali_rt_sigpending(NULL, 0), 0);

    expect_eq("sigsuspend: past the end", wali_rt_sigsuspend(BAD, 8), -EFAULT);
    expect_eq("sigsuspend: size", wali_rt_sigsuspend(&set, 128), -EINVAL);
    expect_eq("rt_sigreturn", wali_rt_sigreturn(0), -ENOSYS);

    lt_stack_t ss = {(void *)0x1000, 0, 8192}, oss;
    expect_eq("sigaltstack: ss past the end", wali_sigaltstack(BAD, NULL), -EFAULT);
    expect_eq("sigaltstack: ss across the end", wali_sigaltstack(across, NULL), -EFAULT);
    expect_eq("sigaltstack: old past the end", wali_sigaltstack(NULL, BAD), -EFAULT);
    ss.ss_flags = 0x7fff;
    expect_eq("sigaltstack: bad flags", wali_sigaltstack(&ss, &oss), -EINVAL);
    ss.ss_flags = 0;
    ss.ss_size = 100;
    expect_eq("sigaltstack: too small", wali_sigaltstack(&ss, &oss), -ENOMEM);
    /* The kernel does not look at the stack's memory until it is used. */
    ss = (lt_stack_t){BAD, 0, 8192};
    expect_eq("sigaltstack: any address", wali_sigaltstack(&ss, NULL), 0);
    ss = (lt_stack_t){NULL, SS_DISABLE, 0};
    wali_sigaltstack(&ss, NULL);

    struct itimerval t = {{0, 0}, {100, 0}}, off = {{0, 0}, {0, 0}};
    expect_eq("setitimer: new past the end", wali_setitimer(ITIMER_REAL, BAD, NULL), -EFAULT);
    expect_eq("setitimer: new across the end", wali_setitimer(ITIMER_REAL, across, NULL), -EFAULT);
    expect_eq("setitimer: bad which", wali_setitimer(-1, &t, NULL), -EINVAL);
    /* The timer is armed before the old value is stored. */
    expect_eq("setitimer: old past the end", wali_setitimer(ITIMER_REAL, &t, BAD), -EFAULT);
    struct itimerval was;
    wali_setitimer(ITIMER_REAL, &off, &was);
    expect_true("setitimer: armed anyway", was.it_value.tv_sec > 90);
    expect_eq("getitimer: bad which", wali_getitimer(-1, &was), -EINVAL);
    expect_eq("getitimer: past the end", wali_getitimer(ITIMER_REAL, BAD), -EFAULT);
    expect_eq("getitimer: across the end", wali_getitimer(ITIMER_REAL, across), -EFAULT);
    /* pause with every signal but the timer's blocked still ends with it. */
    lt_sigaction(SIGALRM, handler, 0, 0, NULL);
    t = (struct itimerval){{0, 0}, {0, 20000}};
    wali_setitimer(ITIMER_REAL, &t, NULL);
    expect_eq("pause: interrupted", wali_pause(), -EINTR);

    /* sigtimedwait: the size first, then the set, then the timeout; the
     * siginfo is written once the signal was taken, which stays taken. */
    struct timespec zero = {0, 0}, bad_nsec = {0, 1000000000}, negative = {-1, 0};
    set = LT_BIT(SIGUSR2);
    expect_eq("sigtimedwait: size", wali_rt_sigtimedwait(BAD, BAD, BAD, 7), -EINVAL);
    expect_eq("sigtimedwait: set past the end", wali_rt_sigtimedwait(BAD, NULL, &zero, 8), -EFAULT);
    expect_eq("sigtimedwait: set across the end", wali_rt_sigtimedwait(across, NULL, &zero, 8), -EFAULT);
    expect_eq("sigtimedwait: set NULL", wali_rt_sigtimedwait(NULL, NULL, &zero, 8), -EFAULT);
    expect_eq("sigtimedwait: timeout past the end", wali_rt_sigtimedwait(&set, NULL, BAD, 8), -EFAULT);
    expect_eq("sigtimedwait: timeout across the end", wali_rt_sigtimedwait(&set, NULL, across, 8), -EFAULT);
    expect_eq("sigtimedwait: nanoseconds out of range", wali_rt_sigtimedwait(&set, NULL, &bad_nsec, 8), -EINVAL);
    expect_eq("sigtimedwait: negative timeout", wali_rt_sigtimedwait(&set, NULL, &negative, 8), -EINVAL);
    lt_set_mask(set);
    wali_kill(lt_getpid(), SIGUSR2);
    expect_eq("sigtimedwait: info past the end", wali_rt_sigtimedwait(&set, BAD, &zero, 8), -EFAULT);
    expect_eq("sigtimedwait: the signal was taken", (long)lt_pending(), 0);
    wali_kill(lt_getpid(), SIGUSR2);
    expect_eq("sigtimedwait: info across the end", wali_rt_sigtimedwait(&set, across, &zero, 8), -EFAULT);
    expect_eq("sigtimedwait: taken again", (long)lt_pending(), 0);
    /* SIGKILL and SIGSTOP are never waited for; an empty set times out. */
    unsigned long unwaitable = LT_BIT(SIGKILL) | LT_BIT(SIGSTOP), none = 0;
    expect_eq("sigtimedwait: SIGKILL and SIGSTOP", wali_rt_sigtimedwait(&unwaitable, NULL, &zero, 8), -EAGAIN);
    expect_eq("sigtimedwait: empty set", wali_rt_sigtimedwait(&none, NULL, &zero, 8), -EAGAIN);
    lt_set_mask(0);

    struct lt_siginfo qi;
    memset(&qi, 0, sizeof qi);
    qi.si_code = -1; /* SI_QUEUE */
    expect_eq("sigqueueinfo: info past the end", wali_rt_sigqueueinfo(lt_getpid(), SIGUSR2, BAD), -EFAULT);
    expect_eq("sigqueueinfo: info across the end", wali_rt_sigqueueinfo(lt_getpid(), SIGUSR2, across), -EFAULT);
    expect_eq("sigqueueinfo: info NULL", wali_rt_sigqueueinfo(lt_getpid(), SIGUSR2, NULL), -EFAULT);
    expect_eq("sigqueueinfo: signal 65", wali_rt_sigqueueinfo(lt_getpid(), 65, &qi), -EINVAL);
    expect_eq("sigqueueinfo: signal -1", wali_rt_sigqueueinfo(lt_getpid(), -1, &qi), -EINVAL);
    qi.si_code = 0x80; /* SI_KERNEL may not be forged for another process */
    expect_eq("sigqueueinfo: forged code", wali_rt_sigqueueinfo(1, SIGUSR2, &qi), -EPERM);
    qi.si_code = -6; /* SI_TKILL neither */
    expect_eq("sigqueueinfo: forged SI_TKILL", wali_rt_sigqueueinfo(1, SIGUSR2, &qi), -EPERM);

    /* POSIX timers: the sigevent first, then clock and notification, the id
     * stored last. */
    struct { int value, signo, notify, tid, pad[12]; } ev = {0, SIGUSR2, 0, 0, {0}};
    int id = -1;
    expect_eq("timer_create: sigevent past the end", wali_timer_create(1, BAD, &id), -EFAULT);
    expect_eq("timer_create: sigevent across the end", wali_timer_create(1, across, &id), -EFAULT);
    expect_eq("timer_create: sigevent before clock", wali_timer_create(12345, BAD, &id), -EFAULT);
    expect_eq("timer_create: bad clock", wali_timer_create(12345, &ev, &id), -EINVAL);
    expect_eq("timer_create: bad clock before id", wali_timer_create(12345, &ev, BAD), -EINVAL);
    expect_eq("timer_create: id past the end", wali_timer_create(1, &ev, BAD), -EFAULT);
    expect_eq("timer_create: id across the end", wali_timer_create(1, &ev, (char *)across + 2), -EFAULT);
    expect_eq("timer_create: id NULL", wali_timer_create(1, &ev, NULL), -EFAULT);
    char timers[256];
    long listing = wali_open("/proc/self/timers", O_RDONLY, 0);
    expect_eq("timer_create: a timer that cannot be named is not left behind",
              wali_read((int)listing, timers, sizeof timers), 0);
    wali_close((int)listing);
    ev.signo = 0;
    expect_eq("timer_create: signal 0", wali_timer_create(1, &ev, &id), -EINVAL);
    ev.signo = SIGUSR2;
    ev.notify = 4; /* SIGEV_THREAD_ID */
    ev.tid = 0x3fffffff;
    expect_eq("timer_create: no such thread", wali_timer_create(1, &ev, &id), -EINVAL);
    ev.notify = -1;
    expect_eq("timer_create: bad notification", wali_timer_create(1, &ev, &id), -EINVAL);
    ev.notify = 1; /* SIGEV_NONE */
    expect_eq("timer_create", wali_timer_create(1, &ev, &id), 0);

    struct itimerspec far = {{0, 0}, {100, 0}}, wrong = {{0, 0}, {0, 1000000000}}, got;
    expect_eq("timer_settime: new past the end", wali_timer_settime(id, 0, BAD, NULL), -EFAULT);
    expect_eq("timer_settime: new across the end", wali_timer_settime(id, 0, across, NULL), -EFAULT);
    expect_eq("timer_settime: new before id", wali_timer_settime(-5, 0, BAD, NULL), -EFAULT);
    expect_eq("timer_settime: new NULL", wali_timer_settime(id, 0, NULL, NULL), -EINVAL);
    expect_eq("timer_settime: nanoseconds out of range", wali_timer_settime(id, 0, &wrong, NULL), -EINVAL);
    expect_eq("timer_settime: bad id", wali_timer_settime(-5, 0, &far, NULL), -EINVAL);
    expect_eq("timer_settime: unknown id", wali_timer_settime(0x7fffffff, 0, &far, NULL), -EINVAL);
    /* The timer is armed before the old value is stored. */
    expect_eq("timer_settime: old past the end", wali_timer_settime(id, 0, &far, BAD), -EFAULT);
    expect_eq("timer_gettime", wali_timer_gettime(id, &got), 0);
    expect_true("timer_settime: armed anyway", got.it_value.tv_sec > 90);
    expect_eq("timer_gettime: bad id before pointer", wali_timer_gettime(-5, BAD), -EINVAL);
    expect_eq("timer_gettime: past the end", wali_timer_gettime(id, BAD), -EFAULT);
    expect_eq("timer_gettime: across the end", wali_timer_gettime(id, across), -EFAULT);
    expect_eq("timer_gettime: NULL", wali_timer_gettime(id, NULL), -EFAULT);
    expect_eq("timer_getoverrun: bad id", wali_timer_getoverrun(-5), -EINVAL);
    expect_eq("timer_getoverrun", wali_timer_getoverrun(id), 0);
    expect_eq("timer_delete: bad id", wali_timer_delete(-5), -EINVAL);
    expect_eq("timer_delete", wali_timer_delete(id), 0);
    expect_eq("timer_delete: twice", wali_timer_delete(id), -EINVAL);

    /* Handlers that cannot be called crash the process as a jump through a
     * bad pointer would; frames that do not fit, as the kernel does. */
    expect_true("missing handler function: SIGSEGV", KILLED_BY(child_status(deliver_to_missing_function), SIGSEGV));
    expect_true("handler of the wrong type: SIGSEGV", KILLED_BY(child_status(deliver_to_wrong_type), SIGSEGV));
    expect_true("no room for the frame: SIGSEGV", KILLED_BY(child_status(frame_below_memory), SIGSEGV));
    expect_true("alternate stack outside memory: SIGSEGV", KILLED_BY(child_status(alt_stack_past_memory), SIGSEGV));
    expect_true("alternate stack wrapping around: SIGSEGV", KILLED_BY(child_status(alt_stack_wrapping), SIGSEGV));
    /* And the runtime still delivers. */
    lt_sigaction(SIGUSR1, handler, 0, 0, NULL);
    expect_eq("still delivers", wali_kill(lt_getpid(), SIGUSR1), 0);
    unsigned long usr1 = 1UL << (SIGUSR1 - 1);
    expect_eq("signalfd: wild mask", wali_signalfd(-1, BAD, 8), -EFAULT);
    expect_eq("signalfd: mask across the end", wali_signalfd4(-1, across, 8, 0), -EFAULT);
    expect_eq("signalfd: NULL mask", wali_signalfd4(-1, NULL, 8, 0), -EFAULT);
    expect_eq("signalfd: size before mask", wali_signalfd4(-1, BAD, 16, 0), -EINVAL);
    /* The fault signals are the runtime's: left out, never waiting here. */
    unsigned long faults = (1UL << (SIGSEGV - 1)) | usr1;
    long sfd = wali_signalfd4(-1, &faults, 8, 04000 /* SFD_NONBLOCK */);
    expect_true("signalfd with SIGSEGV in the set", sfd >= 0);
    char rec[128];
    expect_eq("nothing to read", wali_read((int)sfd, rec, sizeof rec), -EAGAIN);
    wali_close((int)sfd);
    expect_eq("rt_tgsigqueueinfo: wild info", wali_rt_tgsigqueueinfo(wali_getpid(), wali_gettid(), SIGUSR1, BAD), -EFAULT);
    expect_eq("rt_tgsigqueueinfo: bad signal", wali_rt_tgsigqueueinfo(wali_getpid(), wali_gettid(), 65, &usr1), -EINVAL);
    expect_eq("alarm: largest value", wali_alarm(~0u), 0);
    expect_true("alarm: cancelled, something left", wali_alarm(0) > 0);
    return lt_failures;
}
