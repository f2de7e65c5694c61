/* Shared self-check helpers for the libc differential tests.
 *
 * Each test prints what it observes (so native and WALI output can be
 * compared line by line) and additionally checks the values that the C/POSIX
 * standards pin down; a violated check prints a FAIL line, which the Rust
 * harness rejects even when both builds agree on it. */
#ifndef LIBC_CHECK_H
#define LIBC_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            printf("FAIL line %d: %s\n", __LINE__, #cond);              \
            check_failures++;                                           \
        }                                                               \
    } while (0)

/* Checks an integer-valued expression against its expected value and prints
 * both on failure. */
#define CHECK_EQ(expr, want)                                            \
    do {                                                                \
        long long got_ = (long long)(expr), want_ = (long long)(want);  \
        if (got_ != want_) {                                            \
            printf("FAIL line %d: %s == %lld, want %lld\n", __LINE__,   \
                   #expr, got_, want_);                                 \
            check_failures++;                                           \
        }                                                               \
    } while (0)

/* The exit status every test ends with: 0 when all checks held. */
#define CHECK_STATUS() (check_failures ? 1 : 0)

#endif
