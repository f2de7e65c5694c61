/* Prints the environment file Lamina hands over (WALI-only: native programs
 * get their environment from the kernel) and checks that the runtime's own
 * descriptor of it is gone once the guest has opened it. */
#include "lt.h"

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    char path[1024];
    int has = wali___get_init_envfile(path, sizeof path);
    show("has-env-file", has);
    if (!has) return 0;
    const char *prefix = "/proc/self/fd/";
    expect_eq("path is a descriptor of this process", memcmp(path, prefix, strlen(prefix)), 0);
    int runtime_fd = 0;
    for (const char *p = path + strlen(prefix); *p; p++) runtime_fd = runtime_fd * 10 + (*p - '0');
    expect_eq("access", wali_access(path, R_OK), 0);
    /* The runtime holds no low descriptor: open gets the lowest free one. */
    int lowest = (int)wali_dup(2);
    wali_close(lowest);
    int fd = (int)wali_open(path, O_RDONLY, 0);
    expect_true("open", fd >= 0);
    expect_eq("guest got the lowest free descriptor", fd, lowest);
    expect_eq("runtime descriptor closed after open", wali_fcntl(runtime_fd, F_GETFD, 0), -EBADF);
    static char content[65536];
    long n = wali_read(fd, content, sizeof content - 1);
    expect_true("read", n >= 0);
    put("---\n");
    wali_write(1, content, (unsigned)n);
    put("---\n");
    return lt_failures;
}
