/* fork + exit + wait latency: the mean of N rounds, timed inside the
 * program (prints "ns-per-op: N").
 *
 * `fork MIB` first maps a heap of MIB MiB and writes every page of it (so the
 * kernel copies its page tables at every fork, as for a real program's
 * heap). Natively the heap is an anonymous private mapping, as malloc makes
 * one; under Lamina it is part of linear memory. */
#include "lt.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20

int main(int argc, char **argv) {
    unsigned heap = 0;
    for (const char *d = argc > 1 ? argv[1] : ""; *d >= '0' && *d <= '9'; d++) heap = heap * 10 + (unsigned)(*d - '0');
    heap <<= 20;
    if (heap) {
        long p = wali_mmap(NULL, heap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p < 0) return 1;
        for (unsigned off = 0; off < heap; off += 4096) ((volatile char *)p)[off] = (char)off;
    }
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
