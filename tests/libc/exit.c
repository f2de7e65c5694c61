/* How processes end, each case in a forked child whose wait status the
 * parent prints: returning from main (status truncated to 8 bits), exit
 * running atexit handlers in reverse order (including one registered during
 * exit) and flushing every stream, _Exit and quick_exit skipping them,
 * pthread_exit in the main thread leaving the process to the last thread,
 * exit called from another thread, main returning while a thread is
 * blocked, _exit from a signal handler, and SIGKILL. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void describe(const char *label, int status) {
    if (WIFEXITED(status))
        printf("%s: exited with %d\n", label, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", label, WTERMSIG(status));
    else
        printf("%s: other status %#x\n", label, status);
}

static pid_t start_child(void) {
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    return pid;
}

static void finish_child(pid_t pid, const char *label) {
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    describe(label, status);
}

static void late_handler(void) { printf("  handler registered during exit ran\n"); }
static void first_handler(void) { printf("  first registered, runs last\n"); }
static void second_handler(void) {
    printf("  second registered, runs first; registers another\n");
    atexit(late_handler);
}
/* quick_exit does not flush streams, so the handler does. */
static void quick_handler(void) {
    printf("  at_quick_exit handler\n");
    fflush(stdout);
}
static void not_for_quick(void) { printf("  FAIL: atexit handler ran on quick_exit\n"); }

static void *worker_finishing_late(void *arg) {
    (void)arg;
    usleep(20000);
    printf("  worker finishes after main's pthread_exit\n");
    return NULL;
}

static void *worker_exiting(void *arg) {
    (void)arg;
    printf("  worker calls exit(7) with this line still buffered");
    exit(7);
}

static void *worker_blocked(void *arg) {
    char c;
    read(*(int *)arg, &c, 1); /* nobody ever writes */
    return NULL;
}

static void exit_from_handler(int sig) { _exit(100 + sig); }

int main(void) {
    pid_t pid = start_child();
    if (pid == 0) {
        atexit(first_handler);
        atexit(second_handler);
        FILE *f = fopen("flushed-at-exit.txt", "w");
        fputs("written but never flushed by the program", f);
        printf("  child returns 300 from main");
        return 300;
    }
    finish_child(pid, "return 300 from main");
    FILE *f = fopen("flushed-at-exit.txt", "r");
    char line[64] = "(missing)";
    if (f) {
        fgets(line, sizeof line, f);
        fclose(f);
    }
    printf("the child's unflushed file after its exit: [%s]\n", line);

    pid = start_child();
    if (pid == 0)
        exit(-1);
    finish_child(pid, "exit(-1)");

    pid = start_child();
    if (pid == 0) {
        atexit(not_for_quick);
        printf("  _Exit discards this buffered line\n");
        _Exit(9);
    }
    finish_child(pid, "_Exit(9)");

    pid = start_child();
    if (pid == 0) {
        atexit(not_for_quick);
        at_quick_exit(quick_handler);
        fflush(stdout);
        quick_exit(4);
    }
    finish_child(pid, "quick_exit(4)");

    pid = start_child();
    if (pid == 0) {
        atexit(first_handler);
        pthread_t t;
        pthread_create(&t, NULL, worker_finishing_late, NULL);
        printf("  main thread calls pthread_exit\n");
        fflush(stdout);
        pthread_exit(NULL);
    }
    finish_child(pid, "pthread_exit in main, worker returns");

    pid = start_child();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, worker_exiting, NULL);
        pthread_join(t, NULL);
        printf("FAIL: join returned after exit\n");
        _exit(1);
    }
    finish_child(pid, "\nexit(7) from a second thread");

    pid = start_child();
    if (pid == 0) {
        static int p[2];
        pipe(p);
        pthread_t t;
        pthread_create(&t, NULL, worker_blocked, &p[0]);
        usleep(5000);
        exit(5); /* as if main returned 5: the blocked thread must not keep the process alive */
    }
    finish_child(pid, "exit(5) while a thread is blocked");

    pid = start_child();
    if (pid == 0) {
        signal(SIGUSR1, exit_from_handler);
        raise(SIGUSR1);
        _exit(1);
    }
    finish_child(pid, "_exit from a SIGUSR1 handler (100 + signal)");

    pid = start_child();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    finish_child(pid, "raise(SIGKILL)");
    unlink("flushed-at-exit.txt");
    return CHECK_STATUS();
}
