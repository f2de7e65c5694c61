/* fork + exit + wait latency: the mean of N rounds, timed inside the
 * program (prints "ns-per-op: N"). */
#include "lt.h"

static long now_ns(void) {
    struct timespec ts;
    wali_clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const int rounds = 200;
    long start = now_ns();
    for (int i = 0; i < rounds; i++) {
        long pid = wali_fork();
        if (pid == 0) wali_exit_group(0);
        int status;
        wali_wait4((int)pid, &status, 0, NULL);
    }
    show("ns-per-op", (now_ns() - start) / rounds);
    return 0;
}
