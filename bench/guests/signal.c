/* Signal delivery latency: the mean time from kill(getpid(), SIGUSR1) to
 * the first instruction of the handler, timed inside the program (prints
 * "ns-per-op: N"). Natively the kernel runs the handler as kill returns;
 * under Lamina the native handler records the signal and the wasm handler
 * runs at the import's return. */
#include "lt_signal.h"

static long now_ns(void) {
    struct timespec ts;
    wali_clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static volatile long entered;
static void record(int sig) { (void)sig; entered = now_ns(); }

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const int rounds = 20000;
    int pid = lt_getpid();
    lt_sigaction(SIGUSR1, record, 0, 0, NULL);
    long total = 0;
    for (int i = 0; i < rounds; i++) {
        long before = now_ns();
        wali_kill(pid, SIGUSR1);
        total += entered - before;
    }
    show("ns-per-op", total / rounds);
    return 0;
}
