/* Syscall round trips: N calls of getppid (no memory arguments) and of
 * fstat (a 144-byte buffer checked and written). */
#include "lt.h"

int main(int argc, char **argv) {
    long n = 1000000;
    if (argc > 1) { n = 0; for (const char *p = argv[1]; *p; p++) n = n * 10 + (*p - '0'); }
    long sum = 0;
    struct stat st;
    for (long i = 0; i < n; i++) {
        sum += wali_getppid();
        sum += wali_fstat(1, &st);
    }
    return sum == 0;
}
