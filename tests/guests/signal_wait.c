/* Waiting for signals and POSIX timers: rt_sigtimedwait taking pending
 * signals (sent, queued with a value, the fault signals the runtime keeps
 * for itself, from another thread during the wait), timing out and being
 * interrupted; rt_sigqueueinfo; timer_create/settime/gettime/getoverrun/
 * delete with their signals collected by rt_sigtimedwait. The same natively
 * and under Lamina; only counts and flags are printed, never times. */
#include "lt_signal.h"
#include "lt_thread.h"

#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1

/* The kernel's struct sigevent as each target's C library passes it: the
 * value is an int or a pointer (4 bytes on WALI, 8 natively). */
struct lt_sigevent {
    union { int sival_int; void *sival_ptr; } value;
    int signo;
    int notify;
    int thread_id;
    int pad[11];
};

static volatile int hits[65];
static volatile int handler_value, handler_code;

static void count(int sig) { hits[sig]++; }

static void with_info(int sig, struct lt_siginfo *info, void *uc) {
    (void)uc;
    hits[sig]++;
    handler_value = info->si_value;
    handler_code = info->si_code;
}

static long wait_now(unsigned long set, struct lt_siginfo *info) {
    struct timespec zero = {0, 0};
    return wali_rt_sigtimedwait(&set, info, &zero, 8);
}

static long wait_long(unsigned long set, struct lt_siginfo *info) {
    struct timespec ten = {10, 0};
    return wali_rt_sigtimedwait(&set, info, &ten, 8);
}

/* A thread that sends `sig` to thread `to` after `delay_ms`. */
struct sending { int to, sig; long delay_ms; };
static struct lt_thread sender;
static char sender_stack[65536] __attribute__((aligned(16)));
static struct sending sending;

static void send_later(void *arg) {
    struct sending *s = arg;
    lt_sleep_ms(s->delay_ms);
    wali_tkill(s->to, s->sig);
}

static void send_from_thread(int sig, long delay_ms) {
    sending = (struct sending){lt_gettid(), sig, delay_ms};
    sender.fn = send_later;
    sender.arg = &sending;
    sender.stack_top = sender_stack + sizeof sender_stack;
    lt_spawn(&sender);
}

static void taking_pending_signals(void) {
    struct lt_siginfo info;
    lt_sigaction(SIGUSR1, count, 0, 0, NULL);
    lt_set_mask(LT_BIT(SIGUSR1));
    wali_kill(lt_getpid(), SIGUSR1);
    memset(&info, 0, sizeof info);
    expect_eq("sigtimedwait: takes the pending signal", wait_now(LT_BIT(SIGUSR1) | LT_BIT(SIGUSR2), &info), SIGUSR1);
    expect_eq("sigtimedwait: si_signo", info.si_signo, SIGUSR1);
    expect_eq("sigtimedwait: si_code SI_USER", info.si_code, SI_USER);
    expect_true("sigtimedwait: si_pid is ours", info.si_pid == lt_getpid());
    expect_true("sigtimedwait: si_uid is ours", info.si_uid == (unsigned)wali_getuid());
    expect_eq("sigtimedwait: taken, not pending", (long)lt_pending(), 0);
    expect_eq("sigtimedwait: the handler did not run", hits[SIGUSR1], 0);

    expect_eq("sigtimedwait: nothing pending, no wait: EAGAIN", wait_now(LT_BIT(SIGUSR1), &info), -EAGAIN);
    struct timespec short_wait = {0, 5000000};
    unsigned long set = LT_BIT(SIGUSR1);
    expect_eq("sigtimedwait: 5 ms pass: EAGAIN", wali_rt_sigtimedwait(&set, &info, &short_wait, 8), -EAGAIN);
    /* Without info, and without a timeout (the signal is pending already). */
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("sigtimedwait: info and timeout NULL", wali_rt_sigtimedwait(&set, NULL, NULL, 8), SIGUSR1);

    /* A signal pending but not in the set stays pending. */
    wali_kill(lt_getpid(), SIGUSR1);
    expect_eq("sigtimedwait: other signals stay", wait_now(LT_BIT(SIGUSR2), &info), -EAGAIN);
    expect_eq("sigtimedwait: still pending", (long)lt_pending(), (long)LT_BIT(SIGUSR1));
    /* Unblocking delivers it to the handler. */
    lt_set_mask(0);
    expect_eq("unblocked: handled", hits[SIGUSR1], 1);

    /* A signal the program does not block is taken too, if pending. */
    lt_set_mask(LT_BIT(SIGUSR2));
    lt_sigaction(SIGUSR2, count, 0, 0, NULL);
    wali_kill(lt_getpid(), SIGUSR2);
    expect_eq("standard signals: pending once", wait_now(LT_BIT(SIGUSR2), &info), SIGUSR2);
    expect_eq("standard signals: not twice", wait_now(LT_BIT(SIGUSR2), &info), -EAGAIN);

    /* Real-time signals queue and come lowest first. */
    lt_set_mask(LT_BIT(SIGRT(1)) | LT_BIT(SIGRT(2)));
    wali_kill(lt_getpid(), SIGRT(2));
    wali_kill(lt_getpid(), SIGRT(1));
    wali_kill(lt_getpid(), SIGRT(2));
    set = LT_BIT(SIGRT(1)) | LT_BIT(SIGRT(2));
    expect_eq("real-time: lowest first", wait_now(set, &info), SIGRT(1));
    expect_eq("real-time: then the next", wait_now(set, &info), SIGRT(2));
    expect_eq("real-time: queued twice", wait_now(set, &info), SIGRT(2));
    expect_eq("real-time: then none", wait_now(set, &info), -EAGAIN);
    lt_set_mask(0);
}

static void queueing(void) {
    struct lt_siginfo out, in;
    lt_set_mask(LT_BIT(SIGRT(2)));
    memset(&out, 0, sizeof out);
    out.si_signo = SIGRT(2);
    out.si_code = SI_QUEUE;
    out.si_pid = lt_getpid();
    out.si_uid = (unsigned)wali_getuid();
    out.si_value = 4242;
    expect_eq("sigqueueinfo: to self", wali_rt_sigqueueinfo(lt_getpid(), SIGRT(2), &out), 0);
    memset(&in, 0, sizeof in);
    expect_eq("sigqueueinfo: taken by sigtimedwait", wait_now(LT_BIT(SIGRT(2)), &in), SIGRT(2));
    expect_eq("sigqueueinfo: si_code SI_QUEUE", in.si_code, SI_QUEUE);
    expect_eq("sigqueueinfo: value carried", in.si_value, 4242);
    expect_true("sigqueueinfo: pid carried", in.si_pid == lt_getpid());
    /* The signal number is the argument's. */
    out.si_signo = SIGUSR2;
    out.si_value = -7;
    wali_rt_sigqueueinfo(lt_getpid(), SIGRT(2), &out);
    expect_eq("sigqueueinfo: the argument's signal", wait_now(LT_BIT(SIGRT(2)), &in), SIGRT(2));
    expect_eq("sigqueueinfo: si_signo is the signal", in.si_signo, SIGRT(2));
    expect_eq("sigqueueinfo: negative value", in.si_value, -7);
    lt_set_mask(0);

    /* An SA_SIGINFO handler receives the value. */
    lt_sigaction(SIGRT(3), (lt_handler)with_info, SA_SIGINFO, 0, NULL);
    out.si_value = 99;
    expect_eq("sigqueueinfo: to a handler", wali_rt_sigqueueinfo(lt_getpid(), SIGRT(3), &out), 0);
    expect_eq("sigqueueinfo: handled before returning", hits[SIGRT(3)], 1);
    expect_eq("sigqueueinfo: handler's value", handler_value, 99);
    expect_eq("sigqueueinfo: handler's si_code", handler_code, SI_QUEUE);

    /* Codes only the kernel may send are refused for other processes. */
    out.si_code = SI_USER;
    expect_eq("sigqueueinfo: SI_USER to another process", wali_rt_sigqueueinfo(1, SIGRT(2), &out), -EPERM);
    out.si_code = SI_QUEUE;
    expect_eq("sigqueueinfo: no such process", wali_rt_sigqueueinfo(0x3fffffff, SIGRT(2), &out), -ESRCH);
    expect_eq("sigqueueinfo: signal 0 checks", wali_rt_sigqueueinfo(lt_getpid(), 0, &out), 0);
}

static void fault_signals(void) {
    /* The fault signals the runtime reserves wait like any other while
     * blocked, and sigtimedwait takes them. */
    struct lt_siginfo info;
    lt_sigaction(SIGSEGV, count, 0, 0, NULL);
    lt_set_mask(LT_BIT(SIGSEGV) | LT_BIT(SIGUSR1));
    wali_kill(lt_getpid(), SIGUSR1);
    wali_kill(lt_getpid(), SIGSEGV);
    memset(&info, 0, sizeof info);
    unsigned long set = LT_BIT(SIGSEGV) | LT_BIT(SIGUSR1);
    expect_eq("sent SIGSEGV: taken first", wait_now(set, &info), SIGSEGV);
    expect_eq("sent SIGSEGV: si_code SI_USER", info.si_code, SI_USER);
    expect_true("sent SIGSEGV: si_pid is ours", info.si_pid == lt_getpid());
    expect_eq("sent SIGSEGV: then SIGUSR1", wait_now(set, &info), SIGUSR1);
    expect_eq("sent SIGSEGV: nothing left", (long)lt_pending(), 0);
    /* Sent by another thread while the wait sleeps. */
    send_from_thread(SIGSEGV, 100);
    memset(&info, 0, sizeof info);
    expect_eq("SIGSEGV from a thread: taken", wait_long(LT_BIT(SIGSEGV), &info), SIGSEGV);
    expect_eq("SIGSEGV from a thread: SI_TKILL", info.si_code, SI_TKILL);
    lt_join(&sender);
    lt_set_mask(0);
    expect_eq("SIGSEGV: the handler never ran", hits[SIGSEGV], 0);
    lt_sigaction(SIGSEGV, LT_SIG_DFL, 0, 0, NULL);
}

static void waiting(void) {
    struct lt_siginfo info;
    lt_set_mask(LT_BIT(SIGUSR2));
    send_from_thread(SIGUSR2, 100);
    memset(&info, 0, sizeof info);
    expect_eq("sent during the wait: taken", wait_long(LT_BIT(SIGUSR2), &info), SIGUSR2);
    expect_eq("sent during the wait: SI_TKILL", info.si_code, SI_TKILL);
    lt_join(&sender);
    /* A signal in the set that is not blocked is taken as well. */
    lt_set_mask(0);
    hits[SIGUSR2] = 0;
    send_from_thread(SIGUSR2, 100);
    expect_eq("unblocked, in the set: taken", wait_long(LT_BIT(SIGUSR2), &info), SIGUSR2);
    lt_join(&sender);
    expect_eq("unblocked, in the set: no handler", hits[SIGUSR2], 0);
    /* Another signal's handler interrupts the wait. */
    lt_sigaction(SIGUSR1, count, SA_RESTART, 0, NULL);
    hits[SIGUSR1] = 0;
    send_from_thread(SIGUSR1, 100);
    expect_eq("another signal: EINTR", wait_long(LT_BIT(SIGUSR2), &info), -EINTR);
    expect_eq("another signal: its handler ran", hits[SIGUSR1], 1);
    lt_join(&sender);
}

static void timers(void) {
    struct lt_siginfo info;
    struct lt_sigevent ev;
    int id = -1;
    lt_set_mask(LT_BIT(SIGRT(4)) | LT_BIT(SIGALRM));
    memset(&ev, 0, sizeof ev);
    ev.notify = SIGEV_SIGNAL;
    ev.signo = SIGRT(4);
    ev.value.sival_int = 1234;
    expect_eq("timer_create", wali_timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
    expect_true("timer_create: an id", id >= 0);
    struct itimerspec once = {{0, 0}, {0, 10000000}}, now, old;
    expect_eq("timer_settime: one-shot", wali_timer_settime(id, 0, &once, NULL), 0);
    memset(&info, 0, sizeof info);
    expect_eq("timer: its signal", wait_long(LT_BIT(SIGRT(4)), &info), SIGRT(4));
    expect_eq("timer: SI_TIMER", info.si_code, SI_TIMER);
    expect_eq("timer: the value", info.si_value, 1234);
    expect_eq("timer: si_timerid", info.si_pid, id);
    expect_eq("timer: no overrun", (long)info.si_uid, 0);
    expect_eq("timer_gettime", wali_timer_gettime(id, &now), 0);
    expect_true("timer_gettime: disarmed after expiry", now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);

    /* Periodic, its signal left pending: expirations meanwhile are overruns. */
    struct itimerspec periodic = {{0, 1000000}, {0, 1000000}};
    expect_eq("timer_settime: periodic", wali_timer_settime(id, 0, &periodic, NULL), 0);
    lt_sleep_ms(30);
    expect_eq("periodic: one signal", wait_now(LT_BIT(SIGRT(4)), &info), SIGRT(4));
    long overrun = wali_timer_getoverrun(id);
    expect_true("periodic: overruns counted", overrun > 0);
    expect_eq("periodic: si_overrun as timer_getoverrun", (long)info.si_uid, overrun);
    expect_eq("timer_gettime: periodic", wali_timer_gettime(id, &now), 0);
    expect_eq("timer_gettime: the interval", now.it_interval.tv_nsec, 1000000);
    struct itimerspec far = {{0, 0}, {100, 0}};
    expect_eq("timer_settime: with old", wali_timer_settime(id, 0, &far, &old), 0);
    expect_eq("timer_settime: old interval", old.it_interval.tv_nsec, 1000000);
    wali_timer_gettime(id, &now);
    expect_true("timer_gettime: far away", now.it_value.tv_sec > 90 && now.it_value.tv_sec <= 100);
    /* An absolute time in the past expires at once. */
    struct itimerspec past = {{0, 0}, {0, 1}};
    expect_eq("timer_settime: absolute", wali_timer_settime(id, TIMER_ABSTIME, &past, NULL), 0);
    expect_eq("absolute in the past: fired", wait_long(LT_BIT(SIGRT(4)), &info), SIGRT(4));
    struct itimerspec off = {{0, 0}, {0, 0}};
    wali_timer_settime(id, 0, &far, NULL);
    expect_eq("timer_settime: disarm", wali_timer_settime(id, 0, &off, &old), 0);
    expect_true("disarm: the old value", old.it_value.tv_sec > 90);
    expect_eq("timer_delete", wali_timer_delete(id), 0);
    expect_eq("deleted: timer_gettime", wali_timer_gettime(id, &now), -EINVAL);
    expect_eq("deleted: timer_getoverrun", wali_timer_getoverrun(id), -EINVAL);
    expect_eq("deleted: timer_delete", wali_timer_delete(id), -EINVAL);
    expect_eq("deleted: timer_settime", wali_timer_settime(id, 0, &once, NULL), -EINVAL);

    /* Without a sigevent: SIGALRM carrying the timer's id. */
    int plain = -1;
    expect_eq("timer_create: no sigevent", wali_timer_create(CLOCK_REALTIME, NULL, &plain), 0);
    wali_timer_settime(plain, 0, &once, NULL);
    expect_eq("no sigevent: SIGALRM", wait_long(LT_BIT(SIGALRM), &info), SIGALRM);
    expect_eq("no sigevent: the value is the id", info.si_value, plain);
    wali_timer_delete(plain);

    /* To this thread, by its id. */
    memset(&ev, 0, sizeof ev);
    ev.notify = SIGEV_THREAD_ID;
    ev.signo = SIGRT(4);
    ev.thread_id = lt_gettid();
    ev.value.sival_int = 5;
    expect_eq("timer_create: SIGEV_THREAD_ID", wali_timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
    wali_timer_settime(id, 0, &once, NULL);
    expect_eq("SIGEV_THREAD_ID: signal", wait_long(LT_BIT(SIGRT(4)), &info), SIGRT(4));
    expect_eq("SIGEV_THREAD_ID: value", info.si_value, 5);
    wali_timer_delete(id);
    /* No notification at all. */
    ev.notify = SIGEV_NONE;
    expect_eq("timer_create: SIGEV_NONE", wali_timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
    wali_timer_settime(id, 0, &far, NULL);
    wali_timer_gettime(id, &now);
    expect_true("SIGEV_NONE: armed", now.it_value.tv_sec > 90);
    wali_timer_delete(id);

    expect_eq("timer_create: bad clock", wali_timer_create(12345, NULL, &id), -EINVAL);
    ev.notify = 77;
    expect_eq("timer_create: unknown notification", wali_timer_create(CLOCK_MONOTONIC, &ev, &id), -EINVAL);
    ev.notify = SIGEV_SIGNAL;
    ev.signo = 65;
    expect_eq("timer_create: signal 65", wali_timer_create(CLOCK_MONOTONIC, &ev, &id), -EINVAL);
    lt_set_mask(0);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    taking_pending_signals();
    queueing();
    fault_signals();
    waiting();
    timers();
    return lt_failures;
}
