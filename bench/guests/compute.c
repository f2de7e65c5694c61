/* Pure computation, no syscalls: a sieve of Eratosthenes repeated over a
 * 4 MiB table, then a 64-bit hash loop. Compares generated code. */
#include "lt.h"

static unsigned char composite[4 << 20];

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    long primes = 0;
    for (int round = 0; round < 8; round++) {
        memset(composite, 0, sizeof composite);
        primes = 0;
        for (long i = 2; i < (long)sizeof composite; i++) {
            if (composite[i]) continue;
            primes++;
            for (long j = i * i; j < (long)sizeof composite; j += i) composite[j] = 1;
        }
    }
    unsigned long h = 1469598103934665603ul;
    for (long i = 0; i < 200000000; i++) h = (h ^ (unsigned long)i) * 1099511628211ul;
    show("primes", primes);
    show("hash-low-bit", (long)(h & 1));
    return 0;
}
