/* fork + exit + wait latency: the mean of N rounds, timed inside the
 * program (prints "ns-per-op: N"). */
#include "lt.h"

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const int rounds = 200;
    long start = lt_now_ns();
    for (int i = 0; i < rounds; i++) {
        long pid = wali_fork();
        if (pid == 0) wali_exit_group(0);
        int status;
        wali_wait4((int)pid, &status, 0, NULL);
    }
    show("ns-per-op", (lt_now_ns() - start) / rounds);
    return 0;
}
