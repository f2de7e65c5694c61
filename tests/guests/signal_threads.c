/* Signals and threads: a signal sent to one thread is handled by that thread
 * (even in a loop without calls), masks and pending sets are per thread, and
 * a process-directed signal goes to a thread that does not block it. The
 * same natively (clone threads) and under Lamina. */
#include "lt_signal.h"
#include "lt_thread.h"

static volatile int handled_by, handled_count;
static volatile int thread_tid, phase, stop;
static volatile unsigned long thread_pending;

static void record(int sig) {
    (void)sig;
    handled_by = lt_gettid();
    handled_count++;
}

static void wait_for(volatile int *v, int value) {
    while (*v != value) lt_sleep_ms(1);
}

static void worker(void *arg) {
    (void)arg;
    thread_tid = lt_gettid();
    /* No calls: only a safe point inside the loop can run the handler. */
    while (handled_count < 1) {}
    unsigned long set = LT_BIT(SIGUSR2);
    wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8);
    phase = 1;
    while (phase != 2) {}
    thread_pending = lt_pending();
    wali_rt_sigprocmask(SIG_UNBLOCK, &set, NULL, 8);
    phase = 3;
    while (!stop) {}
}

static struct lt_thread t;
static char stack[65536] __attribute__((aligned(16)));

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    lt_sigaction(SIGUSR1, record, 0, 0, NULL);
    lt_sigaction(SIGUSR2, record, 0, 0, NULL);
    t.fn = worker;
    t.stack_top = stack + sizeof stack;
    expect_eq("spawn", lt_spawn(&t), 0);
    while (thread_tid == 0) lt_sleep_ms(1);

    wali_tkill(thread_tid, SIGUSR1);
    wait_for(&handled_count, 1);
    expect_true("tkill: handled by the thread it was sent to", handled_by == thread_tid);

    wait_for(&phase, 1);
    wali_tkill(thread_tid, SIGUSR2);
    expect_eq("pending for that thread only: not the main thread's", (long)lt_pending(), 0);
    phase = 2;
    wait_for(&phase, 3);
    expect_eq("the thread saw it pending", (long)thread_pending, (long)LT_BIT(SIGUSR2));
    expect_eq("handled once the thread unblocked it", handled_count, 2);
    expect_true("by that thread", handled_by == thread_tid);

    /* The main thread blocks it: a signal for the process goes to the other. */
    unsigned long set = LT_BIT(SIGUSR1);
    wali_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8);
    wali_kill(lt_getpid(), SIGUSR1);
    wait_for(&handled_count, 3);
    expect_true("process signal: handled by the thread that does not block it", handled_by == thread_tid);
    wali_rt_sigprocmask(SIG_UNBLOCK, &set, NULL, 8);

    stop = 1;
    lt_join(&t);
    wali_tkill(lt_gettid(), SIGUSR1);
    expect_true("and by the main thread for itself", handled_by == lt_getpid());
    return lt_failures;
}
