/* N threads hammer a futex-based mutex and wait on a futex-based condition
 * (broadcast), then are joined through their set_tid_address words: the same
 * results natively (clone) and under Lamina (__wasm_thread_spawn). */
#include "lt_thread.h"

#define THREADS 4
#define ROUNDS 20000

static int mutex;           /* 0 free, 1 locked, 2 locked with waiters */
static long counter;
static int start_seq;        /* the condition: threads wait until it changes */
static int started;
static int distinct_tids = 1;
static long main_pid;

static void lock(int *m) {
    int c = 0;
    if (__atomic_compare_exchange_n(m, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    if (c != 2) c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        wali_futex(m, FUTEX_WAIT | FUTEX_PRIVATE, 2, NULL, NULL, 0);
        c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
    }
}

static void unlock(int *m) {
    if (__atomic_exchange_n(m, 0, __ATOMIC_RELEASE) == 2) wali_futex(m, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0);
}

static void worker(void *arg) {
    (void)arg;
    if (wali_getpid() != main_pid || wali_gettid() == main_pid) __atomic_store_n(&distinct_tids, 0, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    /* Wait for the broadcast. */
    while (__atomic_load_n(&start_seq, __ATOMIC_ACQUIRE) == 0) wali_futex(&start_seq, FUTEX_WAIT, 0, NULL, NULL, 0);
    for (int i = 0; i < ROUNDS; i++) {
        lock(&mutex);
        counter++;
        unlock(&mutex);
    }
}

/* futex_waitv: one thread waits on two words; the second is woken. */
struct futex_waitv { unsigned long long val, uaddr; unsigned flags, reserved; };
#define FUTEX2_U32_PRIVATE (2 | 128)
static int wv_a = 1, wv_b = 2;
static long waitv_result = -1000;

static void waitv_worker(void *arg) {
    (void)arg;
    struct futex_waitv w[2] = {
        {1, (unsigned long)&wv_a, FUTEX2_U32_PRIVATE, 0},
        {2, (unsigned long)&wv_b, FUTEX2_U32_PRIVATE, 0},
    };
    __atomic_store_n(&waitv_result, wali_futex_waitv(w, 2, 0, NULL, 1 /* CLOCK_MONOTONIC */), __ATOMIC_SEQ_CST);
}

static void waitv(void) {
    static char stack[65536] __attribute__((aligned(16)));
    struct lt_thread t = {waitv_worker, 0, 0, stack + sizeof stack};
    expect_eq("spawn the futex_waitv thread", lt_spawn(&t), 0);
    /* Wake the second word until the waiter is there to be woken. */
    while (wali_futex(&wv_b, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0) == 0) wali_sched_yield();
    lt_join(&t);
    expect_eq("futex_waitv returns the woken index", waitv_result, 1);

    struct futex_waitv w[2] = {
        {1, (unsigned long)&wv_a, FUTEX2_U32_PRIVATE, 0},
        {5, (unsigned long)&wv_b, FUTEX2_U32_PRIVATE, 0},
    };
    expect_eq("futex_waitv a changed value", wali_futex_waitv(w, 2, 0, NULL, 1), -EAGAIN);
    w[1].val = 2;
    struct timespec past = {0, 1};
    expect_eq("futex_waitv deadline passed", wali_futex_waitv(w, 2, 0, &past, 1), -110 /* ETIMEDOUT */);
    expect_eq("futex_waitv no waiters", wali_futex_waitv(w, 0, 0, NULL, 1), -EINVAL);
    expect_eq("futex_waitv flags", wali_futex_waitv(w, 2, 1, NULL, 1), -EINVAL);
    w[0].flags = 3; /* FUTEX2_SIZE_U64 */
    expect_eq("futex_waitv 64-bit futex", wali_futex_waitv(w, 2, 0, NULL, 1), -EINVAL);
    w[0].flags = FUTEX2_U32_PRIVATE;
    w[0].reserved = 1;
    expect_eq("futex_waitv reserved field", wali_futex_waitv(w, 2, 0, NULL, 1), -EINVAL);
}

static struct lt_thread threads[THREADS];
static char stacks[THREADS][65536] __attribute__((aligned(16)));

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    main_pid = wali_getpid();
    for (int i = 0; i < THREADS; i++) {
        threads[i].fn = worker;
        threads[i].arg = 0;
        threads[i].stack_top = stacks[i] + sizeof stacks[i];
        expect_eq("spawn", lt_spawn(&threads[i]), 0);
    }
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < THREADS) wali_sched_yield();
    __atomic_store_n(&start_seq, 1, __ATOMIC_RELEASE);
    long woken = wali_futex(&start_seq, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
    expect_true("broadcast woke at most all", woken >= 0 && woken <= THREADS);
    for (int i = 0; i < THREADS; i++) lt_join(&threads[i]);
    show("counter", counter);
    expect_eq("no lost increments", counter, (long)THREADS * ROUNDS);
    expect_eq("threads share the pid, not the tid", distinct_tids, 1);
    expect_eq("mutex free at the end", mutex, 0);

    /* futex errors: wrong value, bad op, timeout */
    int word = 5;
    expect_eq("wait on a changed value", wali_futex(&word, FUTEX_WAIT, 4, NULL, NULL, 0), -EAGAIN);
    struct timespec short_wait = {0, 1000000};
    expect_eq("wait times out", wali_futex(&word, FUTEX_WAIT, 5, &short_wait, NULL, 0), -110 /* ETIMEDOUT */);
    expect_eq("unknown op", wali_futex(&word, 99, 0, NULL, NULL, 0), -ENOSYS);
    /* REQUEUE: the fourth argument is a count, not a pointer. */
    int other = 0;
    expect_eq("requeue with no waiters", wali_futex(&word, 3 /* FUTEX_REQUEUE */, 1, (void *)1, &other, 0), 0);
    waitv();
    return lt_failures;
}
