/* mmap + first touch + munmap of 64 KiB anonymous private memory: the mean
 * of N rounds, timed inside the program (prints "ns-per-op: N"). */
#include "lt.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    const int rounds = 2000;
    const unsigned len = 65536;
    long start = lt_now_ns();
    for (int i = 0; i < rounds; i++) {
        long p = wali_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p < 0) return 1;
        for (unsigned off = 0; off < len; off += 4096) ((volatile char *)p)[off] = 1;
        if (wali_munmap((void *)p, len) != 0) return 2;
    }
    show("ns-per-op", (lt_now_ns() - start) / rounds);
    return 0;
}
