/* Syscall round trip without memory arguments: the mean time of one getppid
 * over N calls, timed inside the program (prints "ns-per-op: N"). */
#include "lt.h"

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const long rounds = 2000000;
    long sum = 0;
    long start = lt_now_ns();
    for (long i = 0; i < rounds; i++) sum += wali_getppid();
    long elapsed = lt_now_ns() - start;
    if (sum == 0) return 1;
    show("ns-per-op", elapsed / rounds);
    return 0;
}
