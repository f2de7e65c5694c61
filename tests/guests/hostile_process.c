/* Wild pointers to the process calls Lamina implements so far. */
#include "lt.h"

#define WILD ((void *)0xfffffff0u)

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    /* The kernel would keep any address without looking; Lamina checks it
     * at once, since it is the one that will clear it. */
    expect_eq("set_tid_address wild", wali_set_tid_address(WILD), -EFAULT);
    expect_eq("set_tid_address NULL", wali_set_tid_address(NULL), wali_gettid());
    expect_eq("wait4 wild status", wali_wait4(-1, WILD, 1, NULL), -EFAULT);
    expect_eq("wait4 wild rusage", wali_wait4(-1, NULL, 1, WILD), -EFAULT);
    expect_eq("kill bad signal", wali_kill(wali_getpid(), -1), -EINVAL);
    return lt_failures;
}
