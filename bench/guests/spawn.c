/* Thread spawn-to-entry latency: the mean time from the spawn call to the
 * first instruction of the new thread's function, timed inside the program
 * (prints "ns-per-op: N"). Threads are joined one by one. */
#include "lt_thread.h"

static long entered;
static void record(void *arg) { (void)arg; entered = lt_now_ns(); }

static struct lt_thread t;
static char stack[65536] __attribute__((aligned(16)));

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const int rounds = 200;
    long total = 0;
    for (int i = 0; i < rounds; i++) {
        t.fn = record;
        t.stack_top = stack + sizeof stack;
        long before = lt_now_ns();
        if (lt_spawn(&t) != 0) return 1;
        lt_join(&t);
        total += entered - before;
    }
    show("ns-per-op", total / rounds);
    return 0;
}
