/* How threads end a process (argv[1] picks the case): exit_group from a
 * thread while main waits, a crash in a thread, the main thread leaving
 * with SYS_exit while another thread finishes the work, and a thread whose
 * clear-tid word cannot be written when it ends. */
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

static volatile int worker_tid;
static int *unwritable_word;
/* Names a word in a PROT_NONE page for the kernel to clear at thread exit:
 * the clear fails, which the kernel ignores; the thread still ends. */
static void tid_word_unwritable(void *arg) {
    (void)arg;
    wali_set_tid_address(unwritable_word);
    worker_tid = (int)wali_gettid();
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
    if (lt_streq(mode, "tid-protnone")) {
        /* PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS */
        long page = wali_mmap(NULL, 4096, 0, 0x02 | 0x20, -1, 0);
        if (page < 0 && page > -4096) return 101;
        unwritable_word = (int *)(unsigned long)page;
        t.fn = tid_word_unwritable;
        if (lt_spawn(&t) != 0) return 100;
        /* tkill(tid, 0) fails with ESRCH once the thread is gone. */
        struct timespec ms1 = {0, 1000000};
        while (worker_tid == 0 || wali_tkill(worker_tid, 0) == 0) wali_nanosleep(&ms1, NULL);
        put("thread gone, process alive\n");
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
