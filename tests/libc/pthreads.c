/* POSIX threads: mutex kinds, condition variables, rwlocks, thread-local
 * storage (_Thread_local and keys with destructors), join values and
 * pthread_exit, detached threads, pthread_once, barriers, semaphores,
 * spinlocks, C11 atomics and threads, cancellation with cleanup handlers,
 * attributes, and creating many short-lived threads. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WORKERS 6

static pthread_t start(void *(*fn)(void *), void *arg) {
    pthread_t t;
    int r = pthread_create(&t, NULL, fn, arg);
    CHECK_EQ(r, 0);
    return t;
}

static void *join(pthread_t t) {
    void *ret = (void *)-1;
    CHECK_EQ(pthread_join(t, &ret), 0);
    return ret;
}

/* ---- mutexes ---- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *arg) {
    long times = (long)(intptr_t)arg;
    for (long i = 0; i < times; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static pthread_mutex_t owned_lock;

static void *unlock_foreign(void *arg) {
    (void)arg;
    return (void *)(intptr_t)pthread_mutex_unlock(&owned_lock);
}

static void *try_foreign(void *arg) {
    return (void *)(intptr_t)pthread_mutex_trylock((pthread_mutex_t *)arg);
}

static void *timedlock_foreign(void *arg) {
    struct timespec soon;
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 10000000;
    if (soon.tv_nsec >= 1000000000) {
        soon.tv_sec++;
        soon.tv_nsec -= 1000000000;
    }
    return (void *)(intptr_t)pthread_mutex_timedlock((pthread_mutex_t *)arg, &soon);
}

static void mutexes(void) {
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        t[i] = start(increment, (void *)(intptr_t)20000);
    for (int i = 0; i < WORKERS; i++)
        join(t[i]);
    printf("mutex counter: %ld\n", counter);
    CHECK_EQ(counter, WORKERS * 20000L);

    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t recursive;
    pthread_mutex_init(&recursive, &attr);
    CHECK_EQ(pthread_mutex_lock(&recursive), 0);
    CHECK_EQ(pthread_mutex_lock(&recursive), 0);
    CHECK_EQ(pthread_mutex_trylock(&recursive), 0);
    printf("recursive: other thread trylock -> %s\n",
           (intptr_t)join(start(try_foreign, &recursive)) == EBUSY ? "EBUSY" : "other");
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pthread_mutex_unlock(&recursive), 0);
    int after_unlock = (int)(intptr_t)join(start(try_foreign, &recursive));
    printf("recursive: unlocked thrice, other thread trylock -> %d\n", after_unlock);
    pthread_mutex_destroy(&recursive);

    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&owned_lock, &attr);
    CHECK_EQ(pthread_mutex_lock(&owned_lock), 0);
    int relock = pthread_mutex_lock(&owned_lock);
    printf("errorcheck: relock -> %s\n", relock == EDEADLK ? "EDEADLK" : "other");
    int foreign = (int)(intptr_t)join(start(unlock_foreign, NULL));
    printf("errorcheck: unlock by another thread -> %s\n", foreign == EPERM ? "EPERM" : "other");
    CHECK_EQ(pthread_mutex_unlock(&owned_lock), 0);
    int again = pthread_mutex_unlock(&owned_lock);
    printf("errorcheck: unlock when unlocked -> %s\n", again == EPERM ? "EPERM" : "other");
    pthread_mutex_destroy(&owned_lock);
    pthread_mutexattr_destroy(&attr);

    pthread_mutex_t normal = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&normal);
    printf("normal: trylock while held -> %s\n", pthread_mutex_trylock(&normal) == EBUSY ? "EBUSY" : "other");
    pthread_mutex_unlock(&normal);

    pthread_mutex_lock(&normal);
    int timed = (int)(intptr_t)join(start(timedlock_foreign, &normal));
    printf("timedlock on a held mutex -> %s\n", timed == ETIMEDOUT ? "ETIMEDOUT" : "other");
    pthread_mutex_unlock(&normal);
}

/* ---- condition variables: a bounded queue ---- */

#define QUEUE 4
#define ITEMS 2000

static struct {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    int items[QUEUE];
    int head, count, done_producers;
} queue = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0};

static void *producer(void *arg) {
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&queue.lock);
        while (queue.count == QUEUE)
            pthread_cond_wait(&queue.not_full, &queue.lock);
        queue.items[(queue.head + queue.count++) % QUEUE] = base + i;
        pthread_cond_signal(&queue.not_empty);
        pthread_mutex_unlock(&queue.lock);
    }
    pthread_mutex_lock(&queue.lock);
    queue.done_producers++;
    pthread_cond_broadcast(&queue.not_empty);
    pthread_mutex_unlock(&queue.lock);
    return NULL;
}

static void *consumer(void *arg) {
    int producers = (int)(intptr_t)arg;
    long long sum = 0;
    for (;;) {
        pthread_mutex_lock(&queue.lock);
        while (queue.count == 0 && queue.done_producers < producers)
            pthread_cond_wait(&queue.not_empty, &queue.lock);
        if (queue.count == 0) {
            pthread_mutex_unlock(&queue.lock);
            break;
        }
        sum += queue.items[queue.head];
        queue.head = (queue.head + 1) % QUEUE;
        queue.count--;
        pthread_cond_signal(&queue.not_full);
        pthread_mutex_unlock(&queue.lock);
    }
    long long *result = malloc(sizeof *result);
    *result = sum;
    return result;
}

static void condition_variables(void) {
    pthread_t producers[3], consumers[2];
    for (int i = 0; i < 3; i++)
        producers[i] = start(producer, (void *)(intptr_t)(i * 100000));
    for (int i = 0; i < 2; i++)
        consumers[i] = start(consumer, (void *)(intptr_t)3);
    for (int i = 0; i < 3; i++)
        join(producers[i]);
    long long total = 0;
    for (int i = 0; i < 2; i++) {
        long long *part = join(consumers[i]);
        total += *part;
        free(part);
    }
    long long want = 0;
    for (int p = 0; p < 3; p++)
        want += (long long)p * 100000 * ITEMS + (long long)ITEMS * (ITEMS + 1) / 2;
    printf("queue: consumed sum %lld (expected %lld)\n", total, want);
    CHECK_EQ(total, want);

    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    struct timespec past;
    clock_gettime(CLOCK_REALTIME, &past);
    past.tv_sec -= 1;
    pthread_mutex_lock(&m);
    int r = pthread_cond_timedwait(&cond, &m, &past);
    printf("timedwait with a past deadline -> %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other");

    /* A monotonic-clock condition variable times out too. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    CHECK_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
    pthread_cond_t mono;
    pthread_cond_init(&mono, &ca);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 5000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    r = pthread_cond_timedwait(&mono, &m, &deadline);
    printf("monotonic timedwait 5ms -> %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other");
    pthread_mutex_unlock(&m);
    pthread_cond_destroy(&mono);
    pthread_condattr_destroy(&ca);
}

/* ---- rwlocks ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int readers_inside, max_readers_inside;
static pthread_barrier_t readers_ready;

static void *reader(void *arg) {
    (void)arg;
    pthread_rwlock_rdlock(&rw);
    int now = atomic_fetch_add(&readers_inside, 1) + 1;
    int seen = atomic_load(&max_readers_inside);
    while (now > seen && !atomic_compare_exchange_weak(&max_readers_inside, &seen, now))
        ;
    /* All readers hold the lock at the same time here. */
    pthread_barrier_wait(&readers_ready);
    atomic_fetch_sub(&readers_inside, 1);
    pthread_rwlock_unlock(&rw);
    return NULL;
}

static void *try_write(void *arg) {
    (void)arg;
    int r = pthread_rwlock_trywrlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    return (void *)(intptr_t)r;
}

static void *try_read(void *arg) {
    (void)arg;
    int r = pthread_rwlock_tryrdlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    return (void *)(intptr_t)r;
}

static void rwlocks(void) {
    pthread_barrier_init(&readers_ready, NULL, 4);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = start(reader, NULL);
    for (int i = 0; i < 4; i++)
        join(t[i]);
    printf("rwlock: readers inside together: %d\n", atomic_load(&max_readers_inside));
    pthread_barrier_destroy(&readers_ready);

    pthread_rwlock_rdlock(&rw);
    int write_attempt = (int)(intptr_t)join(start(try_write, NULL));
    int read_attempt = (int)(intptr_t)join(start(try_read, NULL));
    printf("rwlock: while read-locked, trywrlock -> %s, tryrdlock -> %d\n", write_attempt == EBUSY ? "EBUSY" : "other",
           read_attempt);
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_wrlock(&rw);
    printf("rwlock: while write-locked, tryrdlock -> %s\n",
           (intptr_t)join(start(try_read, NULL)) == EBUSY ? "EBUSY" : "other");
    pthread_rwlock_unlock(&rw);
    printf("rwlock: free again, trywrlock -> %d\n", (int)(intptr_t)join(start(try_write, NULL)));
}

/* ---- thread-local storage ---- */

static _Thread_local int tls_value = 17;
static _Thread_local char tls_buffer[64] = "initial";
static _Thread_local char tls_big_zeroed[65536];
static _Thread_local _Alignas(256) int tls_aligned = 5;
static pthread_key_t key;
static atomic_int destructor_calls, destructor_sum;

static void key_destructor(void *value) {
    atomic_fetch_add(&destructor_calls, 1);
    atomic_fetch_add(&destructor_sum, (int)(intptr_t)value);
}

static void *tls_worker(void *arg) {
    int id = (int)(intptr_t)arg;
    int initial = tls_value;
    int initial_text = strcmp(tls_buffer, "initial") == 0;
    for (size_t i = 0; i < sizeof tls_big_zeroed; i++)
        initial_text &= tls_big_zeroed[i] == 0;
    initial_text &= tls_aligned == 5 && (uintptr_t)&tls_aligned % 256 == 0;
    memset(tls_big_zeroed, id + 1, sizeof tls_big_zeroed);
    tls_value = id * 10;
    snprintf(tls_buffer, sizeof tls_buffer, "thread %d", id);
    CHECK(pthread_getspecific(key) == NULL);
    pthread_setspecific(key, (void *)(intptr_t)(id + 1));
    usleep(1000);
    int still_mine = tls_value == id * 10 && pthread_getspecific(key) == (void *)(intptr_t)(id + 1);
    char expect[64];
    snprintf(expect, sizeof expect, "thread %d", id);
    still_mine &= strcmp(tls_buffer, expect) == 0 && tls_big_zeroed[65535] == (char)(id + 1);
    return (void *)(intptr_t)(initial == 17 && initial_text && still_mine);
}

static void thread_locals(void) {
    CHECK_EQ(pthread_key_create(&key, key_destructor), 0);
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        t[i] = start(tls_worker, (void *)(intptr_t)i);
    int all_private = 1;
    for (int i = 0; i < WORKERS; i++)
        all_private &= (int)(intptr_t)join(t[i]);
    printf("TLS: every thread saw its own initialised copy: %d; main still has %d [%s]\n", all_private, tls_value,
           tls_buffer);
    printf("key destructors: %d calls, sum %d\n", atomic_load(&destructor_calls), atomic_load(&destructor_sum));
    CHECK_EQ(destructor_calls, WORKERS);
    pthread_key_delete(key);
}

/* ---- join values, pthread_exit, detach ---- */

static void *exit_early(void *arg) {
    if (arg)
        pthread_exit((void *)(intptr_t)1234);
    return (void *)(intptr_t)5678;
}

static sem_t detached_done;

static void *detached(void *arg) {
    *(int *)arg = 99;
    sem_post(&detached_done);
    return NULL;
}

static void lifetimes(void) {
    printf("join value via pthread_exit: %d, via return: %d\n", (int)(intptr_t)join(start(exit_early, (void *)1)),
           (int)(intptr_t)join(start(exit_early, NULL)));

    sem_init(&detached_done, 0, 0);
    int written = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int state;
    pthread_attr_getdetachstate(&attr, &state);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, &attr, detached, &written), 0);
    sem_wait(&detached_done);
    printf("detached thread ran: %d (attr says detached: %d)\n", written, state == PTHREAD_CREATE_DETACHED);
    pthread_attr_destroy(&attr);

    t = start(exit_early, NULL);
    CHECK_EQ(pthread_detach(t), 0);

    /* Many short-lived threads: stacks and thread slots must be reused. */
    long total = 0;
    for (int i = 0; i < 300; i++)
        total += (intptr_t)join(start(exit_early, (void *)(intptr_t)(i & 1)));
    printf("300 sequential threads, sum of results %ld\n", total);

    pthread_attr_init(&attr);
    CHECK_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
    size_t size;
    pthread_attr_getstacksize(&attr, &size);
    CHECK_EQ(pthread_create(&t, &attr, exit_early, NULL), 0);
    printf("thread with 256K stack returned %d (size %zu)\n", (int)(intptr_t)join(t), size);
    pthread_attr_destroy(&attr);

    pthread_t self = pthread_self();
    printf("pthread_equal(self, self)=%d, (self, other)=%d\n", pthread_equal(self, pthread_self()) != 0,
           pthread_equal(self, t) != 0);
}

/* ---- once, barriers, semaphores, spinlocks, atomics ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static pthread_barrier_t round_barrier;
static atomic_int serial_count;
static pthread_spinlock_t spin;
static long spin_counter;
static atomic_long atomic_counter;

static void init_once(void) {
    usleep(2000);
    atomic_fetch_add(&once_runs, 1);
}

static void *many_primitives(void *arg) {
    (void)arg;
    pthread_once(&once, init_once);
    int saw_init = atomic_load(&once_runs) == 1;
    for (int round = 0; round < 20; round++) {
        if (pthread_barrier_wait(&round_barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            atomic_fetch_add(&serial_count, 1);
        for (int i = 0; i < 100; i++) {
            pthread_spin_lock(&spin);
            spin_counter++;
            pthread_spin_unlock(&spin);
            atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
        }
    }
    return (void *)(intptr_t)saw_init;
}

static void synchronisation(void) {
    pthread_barrier_init(&round_barrier, NULL, WORKERS);
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        t[i] = start(many_primitives, NULL);
    int all_saw_init = 1;
    for (int i = 0; i < WORKERS; i++)
        all_saw_init &= (int)(intptr_t)join(t[i]);
    printf("pthread_once ran %d time(s), every caller saw it finished: %d\n", atomic_load(&once_runs), all_saw_init);
    printf("barrier: %d serial threads over 20 rounds\n", atomic_load(&serial_count));
    printf("spinlock counter %ld, atomic counter %ld\n", spin_counter, atomic_load(&atomic_counter));
    pthread_barrier_destroy(&round_barrier);
    pthread_spin_destroy(&spin);

    sem_t s;
    CHECK_EQ(sem_init(&s, 0, 2), 0);
    int value;
    sem_getvalue(&s, &value);
    printf("semaphore initial %d", value);
    CHECK_EQ(sem_trywait(&s), 0);
    CHECK_EQ(sem_trywait(&s), 0);
    errno = 0;
    int r = sem_trywait(&s);
    printf(", trywait on zero -> %d errno=%s", r, errno == EAGAIN ? "EAGAIN" : "other");
    struct timespec past;
    clock_gettime(CLOCK_REALTIME, &past);
    errno = 0;
    r = sem_timedwait(&s, &past);
    printf(", timedwait -> %d errno=%s", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "other");
    sem_post(&s);
    sem_getvalue(&s, &value);
    printf(", after post %d\n", value);
    sem_destroy(&s);
}

/* ---- C11 threads ---- */

static mtx_t c11_lock;
static cnd_t c11_cond;
static int c11_ready;
static tss_t c11_key;
static once_flag c11_once = ONCE_FLAG_INIT;
static int c11_once_runs;

static void c11_init(void) { c11_once_runs++; }

static int c11_worker(void *arg) {
    call_once(&c11_once, c11_init);
    tss_set(c11_key, arg);
    mtx_lock(&c11_lock);
    c11_ready++;
    cnd_signal(&c11_cond);
    mtx_unlock(&c11_lock);
    return (int)(intptr_t)tss_get(c11_key) * 2;
}

static void c11_threads(void) {
    CHECK_EQ(mtx_init(&c11_lock, mtx_plain), thrd_success);
    CHECK_EQ(cnd_init(&c11_cond), thrd_success);
    CHECK_EQ(tss_create(&c11_key, NULL), thrd_success);
    thrd_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK_EQ(thrd_create(&t[i], c11_worker, (void *)(intptr_t)(i + 1)), thrd_success);
    mtx_lock(&c11_lock);
    while (c11_ready < 3)
        cnd_wait(&c11_cond, &c11_lock);
    mtx_unlock(&c11_lock);
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        int r;
        CHECK_EQ(thrd_join(t[i], &r), thrd_success);
        sum += r;
    }
    printf("C11 threads: results sum %d, call_once ran %d, main's tss value %s\n", sum, c11_once_runs,
           tss_get(c11_key) == NULL ? "NULL" : "set");
    struct timespec past = {0, 0};
    mtx_lock(&c11_lock);
    int timed = cnd_timedwait(&c11_cond, &c11_lock, &past);
    printf("cnd_timedwait in the past: %s\n", timed == thrd_timedout ? "thrd_timedout" : "other");
    mtx_unlock(&c11_lock);
    tss_delete(c11_key);
    cnd_destroy(&c11_cond);
    mtx_destroy(&c11_lock);
}

/* ---- cancellation ---- */

static atomic_int cleanup_ran;

static void cleanup(void *arg) { atomic_store(&cleanup_ran, (int)(intptr_t)arg); }

static void *cancellable(void *arg) {
    sem_post((sem_t *)arg);
    pthread_cleanup_push(cleanup, (void *)(intptr_t)42);
    for (;;)
        sleep(1); /* a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static void *cancel_disabled(void *arg) {
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    sem_post((sem_t *)arg);
    usleep(20000);
    pthread_testcancel();
    return (void *)(intptr_t)7;
}

static void cancellation(void) {
    sem_t started;
    sem_init(&started, 0, 0);
    pthread_t t = start(cancellable, &started);
    sem_wait(&started);
    CHECK_EQ(pthread_cancel(t), 0);
    void *ret = join(t);
    printf("cancelled thread: result is PTHREAD_CANCELED: %d, cleanup handler ran with %d\n",
           ret == PTHREAD_CANCELED, atomic_load(&cleanup_ran));

    t = start(cancel_disabled, &started);
    sem_wait(&started);
    CHECK_EQ(pthread_cancel(t), 0);
    ret = join(t);
    printf("cancel while disabled: thread finished normally: %d\n", ret == (void *)(intptr_t)7);
    sem_destroy(&started);
}

int main(void) {
    mutexes();
    condition_variables();
    rwlocks();
    thread_locals();
    lifetimes();
    synchronisation();
    c11_threads();
    cancellation();
    return CHECK_STATUS();
}
