/* How threads end a process (argv[1] picks the case): exit_group from a
 * thread while main waits, a crash in a thread, and the main thread leaving
 * with SYS_exit while another thread finishes the work. */
#include "lt_thread.h"

static struct lt_thread t;
static char stack[65536] __attribute__((aligned(16)));
static int forever;

static void group_exit(void *arg) { (void)arg; put("thread: exit_group(7)\n"); wali_exit_group(7); }
static void crash(void *arg) { (void)arg; put("thread: crashing\n"); *(volatile int *)0xfffffff0u = 1; }
static void nothing(void *arg) { (void)arg; }
static void wait_forever(void *arg) {
    (void)arg;
    for (;;) wali_futex(&forever, FUTEX_WAIT, 0, NULL, NULL, 0);
}
static void finish_late(void *arg) {
    (void)arg;
    struct timespec ms50 = {0, 50000000};
    wali_nanosleep(&ms50, NULL);
    put("thread: finished after main left\n");
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    t.stack_top = stack + sizeof stack;
    if (lt_streq(mode, "quick")) {
        /* Threads that exit at once, before their spawner hears back. */
        for (int i = 0; i < 50; i++) {
            t.fn = nothing;
            if (lt_spawn(&t) != 0) return 100;
            lt_join(&t);
        }
        put("joined 50 threads\n");
        return 0;
    }
    t.fn = lt_streq(mode, "group") ? group_exit : lt_streq(mode, "crash") ? crash : lt_streq(mode, "fork-exit") ? wait_forever : finish_late;
    if (lt_spawn(&t) != 0) return 100;
    if (lt_streq(mode, "fork-exit")) {
        /* A child forked while another thread runs has one thread: its
         * SYS_exit ends the child process, with that status. */
        long pid = wali_fork();
        if (pid == 0) wali_exit(5);
        int status = 0;
        wali_wait4((int)pid, &status, 0, NULL);
        show("child status", status);
        wali_exit_group(0);
    }
    if (lt_streq(mode, "main-exits")) {
        put("main: leaving\n");
        wali_exit(0);
    }
    /* Wait for an end that never comes from here. */
    for (;;) wali_futex(&forever, FUTEX_WAIT, 0, NULL, NULL, 0);
}
