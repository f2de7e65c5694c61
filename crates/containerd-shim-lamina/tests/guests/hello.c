/* The container test's second program, built twice: natively (a static ELF,
 * which the shim runs as a normal container) and for WASI preview 1 (which
 * Lamina runs through its WASI layer). Prints its arguments. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello from");
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
