/* Small pipe I/O round trip: write 8 bytes to a pipe and read them back,
 * the mean of N rounds, timed inside the program (prints "ns-per-op: N").
 * One round is two syscalls with a guest buffer each. */
#include "lt.h"

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const long rounds = 500000;
    int fds[2];
    if (wali_pipe(fds) != 0) return 1;
    char out[8] = "lamina!", in[8];
    long start = lt_now_ns();
    for (long i = 0; i < rounds; i++) {
        out[0] = (char)i;
        if (wali_write(fds[1], out, 8) != 8) return 2;
        if (wali_read(fds[0], in, 8) != 8 || in[0] != out[0]) return 3;
    }
    show("ns-per-op", (lt_now_ns() - start) / rounds);
    return 0;
}
