// Self-checks of the C++ differential tests (crates/lamina/tests/cxx.rs), as
// tests/libc/check.h for C: each program prints what it observes, so that
// the native and the WALI build can be compared line by line, and checks
// what the C++ standard pins down; a violated check prints a FAIL line,
// which the harness rejects even when both builds agree on it.
#ifndef CXX_CHECK_H
#define CXX_CHECK_H

#include <cstdio>

static int check_failures;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            std::printf("FAIL line %d: %s\n", __LINE__, #cond);         \
            check_failures++;                                           \
        }                                                               \
    } while (0)

// The exit status every test ends with: 0 when all checks held.
#define CHECK_STATUS() (check_failures ? 1 : 0)

#endif
