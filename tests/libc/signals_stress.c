/* Signals from several threads and processes at once, none lost: the same
 * counts natively and under Lamina. The process has four threads doing
 * different things (the main one waiting, one computing, one sleeping, one
 * blocked in a read), all with the signals unblocked, so the kernel may
 * hand a process-directed signal to any of them. At the same time:
 *   - three child processes each send one standard signal (SIGUSR1,
 *     SIGUSR2, and SIGBUS, whose host handler is the runtime's own under
 *     Lamina) with kill(), each waiting until the previous one was handled
 *     before sending the next (a standard signal still pending absorbs a
 *     second copy natively, so no test may depend on that);
 *   - a thread arms a one-shot ITIMER_REAL of a few microseconds (SIGALRM)
 *     and waits for its handler likewise, as CPython's
 *     test_stress_delivery_simultaneous does;
 *   - a third child queues real-time signals with sigqueue() without
 *     waiting (they never merge), and a thread sends others to the main
 *     thread with pthread_kill();
 *   - the computing thread's process itself is signalled by the kernel's
 *     SIGCHLD as the children end.
 * Handlers count in shared memory (children wait on the counts). Every
 * count must be exactly what was sent. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

enum { ROUNDS = 1500, QUEUED = 400, SECONDS = 60 };

struct shared {
    atomic_int got[65];
    atomic_int stop;
};

static struct shared *sh;
static pthread_t main_thread;
static int pipe_fds[2];

static void handler(int sig) {
    atomic_fetch_add(&sh->got[sig], 1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void pause_briefly(long ns) {
    struct timespec t = {0, ns};
    nanosleep(&t, NULL);
}

/* Waits until `sig` was handled `count` times, or the deadline passed. */
static int wait_for(int sig, int count, double deadline) {
    while (atomic_load(&sh->got[sig]) < count) {
        if (now() > deadline) return 0;
        pause_briefly(2000);
    }
    return 1;
}

/* A child sending `sig` to `parent` ROUNDS times, one at a time. */
static pid_t one_at_a_time(pid_t parent, int sig, double deadline) {
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < ROUNDS; i++) {
            kill(parent, sig);
            if (!wait_for(sig, i + 1, deadline)) _exit(1);
        }
        _exit(0);
    }
    return pid;
}

static pid_t queuer(pid_t parent) {
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < QUEUED; i++) {
            union sigval v = {.sival_int = i};
            if (sigqueue(parent, SIGRTMIN, v) != 0) _exit(2);
        }
        _exit(0);
    }
    return pid;
}

static double deadline;

static void *alarms(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        struct itimerval it = {{0, 0}, {0, 1 + (i * 7) % 10}};
        setitimer(ITIMER_REAL, &it, NULL);
        if (!wait_for(SIGALRM, i + 1, deadline)) break;
    }
    return NULL;
}

static void *to_main_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < QUEUED; i++) {
        pthread_kill(main_thread, SIGRTMIN + 1);
        if (i % 16 == 0) pause_briefly(1000);
    }
    return NULL;
}

static void *computing(void *arg) {
    (void)arg;
    volatile unsigned long x = 1;
    while (!atomic_load(&sh->stop)) x = x * 6364136223846793005UL + 1442695040888963407UL;
    return NULL;
}

static void *sleeping(void *arg) {
    (void)arg;
    while (!atomic_load(&sh->stop)) pause_briefly(50000);
    return NULL;
}

static void *reading(void *arg) {
    (void)arg;
    char c;
    /* Interrupted reads restart (SA_RESTART) until the pipe is written. */
    while (read(pipe_fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    return NULL;
}

int main(void) {
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    main_thread = pthread_self();
    CHECK_EQ(pipe(pipe_fds), 0);
    int sigs[] = {SIGUSR1, SIGUSR2, SIGBUS, SIGALRM, SIGCHLD, SIGRTMIN, SIGRTMIN + 1};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        CHECK_EQ(sigaction(sigs[i], &sa, NULL), 0);
    }
    deadline = now() + SECONDS;
    pthread_t busy[3];
    pthread_create(&busy[0], NULL, computing, NULL);
    pthread_create(&busy[1], NULL, sleeping, NULL);
    pthread_create(&busy[2], NULL, reading, NULL);

    pid_t parent = getpid();
    enum { CHILDREN = 4 };
    pid_t children[CHILDREN] = {
        one_at_a_time(parent, SIGUSR1, deadline),
        one_at_a_time(parent, SIGUSR2, deadline),
        one_at_a_time(parent, SIGBUS, deadline),
        queuer(parent),
    };
    pthread_t senders[2];
    pthread_create(&senders[0], NULL, alarms, NULL);
    pthread_create(&senders[1], NULL, to_main_thread, NULL);

    int statuses[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        /* Interrupted waits are restarted (SA_RESTART), as natively. */
        CHECK_EQ(waitpid(children[i], &statuses[i], 0), children[i]);
    }
    for (int i = 0; i < 2; i++) pthread_join(senders[i], NULL);
    wait_for(SIGRTMIN, QUEUED, deadline);
    wait_for(SIGRTMIN + 1, QUEUED, deadline);
    wait_for(SIGCHLD, 1, deadline);
    atomic_store(&sh->stop, 1);
    CHECK_EQ(write(pipe_fds[1], "x", 1), 1);
    for (int i = 0; i < 3; i++) pthread_join(busy[i], NULL);

    for (int i = 0; i < CHILDREN; i++)
        printf("child %d: %s\n", i, WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == 0 ? "done" : "gave up");
    printf("SIGUSR1 (kill, one at a time): %d\n", atomic_load(&sh->got[SIGUSR1]));
    printf("SIGUSR2 (kill, one at a time): %d\n", atomic_load(&sh->got[SIGUSR2]));
    printf("SIGBUS (kill, one at a time): %d\n", atomic_load(&sh->got[SIGBUS]));
    printf("SIGALRM (itimer, one at a time): %d\n", atomic_load(&sh->got[SIGALRM]));
    printf("SIGRTMIN (sigqueue): %d\n", atomic_load(&sh->got[SIGRTMIN]));
    printf("SIGRTMIN+1 (pthread_kill): %d\n", atomic_load(&sh->got[SIGRTMIN + 1]));
    /* Three children ended: SIGCHLD may merge, but at least one came. */
    printf("SIGCHLD: %s\n", atomic_load(&sh->got[SIGCHLD]) > 0 ? "received" : "none");
    CHECK_EQ(atomic_load(&sh->got[SIGUSR1]), ROUNDS);
    CHECK_EQ(atomic_load(&sh->got[SIGUSR2]), ROUNDS);
    CHECK_EQ(atomic_load(&sh->got[SIGBUS]), ROUNDS);
    CHECK_EQ(atomic_load(&sh->got[SIGALRM]), ROUNDS);
    CHECK_EQ(atomic_load(&sh->got[SIGRTMIN]), QUEUED);
    CHECK_EQ(atomic_load(&sh->got[SIGRTMIN + 1]), QUEUED);
    return CHECK_STATUS();
}
