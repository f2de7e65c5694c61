/* Prints its arguments and checks write's result and errno on a bad fd. */
#include "lt.h"

int main(int argc, char **argv) {
    show("argc", argc);
    for (int i = 1; i < argc; i++) show_str("arg", argv[i]);
    expect_eq("write to stdout", wali_write(1, "hello\n", 6), 6);
    expect_eq("write to a bad fd", wali_write(-1, "x", 1), -EBADF);
    expect_eq("long is 64-bit", sizeof(long), 8);
    return lt_failures;
}
