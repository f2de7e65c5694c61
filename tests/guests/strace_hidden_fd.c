/* Under `--strace=FILE` the runtime writes the trace through a descriptor
 * of its own in the table the guest shares. The guest must not reach it:
 * every call naming it is EBADF, as for a descriptor that is not open,
 * close_range passes over it, and a file the guest opens afterwards never
 * gets its number (the runtime would write the trace into the guest's
 * file). The descriptor is found in /proc/self/fd, which still lists it.
 * argv[1]: a file to create and write. Prints "ok …"/"FAIL …" lines; exit
 * status = failures. Raw WALI syscalls only. */
#include "lt.h"

/* The highest descriptor /proc/self/fd lists besides `self` and 0-2. */
static int listed_above_stdio(int self) {
    char buf[2048];
    int found = -1;
    long n;
    while ((n = wali_getdents64(self, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            int fd = 0, digits = 0;
            for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++, digits++) fd = fd * 10 + (*c - '0');
            if (digits && fd > 2 && fd != self && fd > found) found = fd;
            off += d->d_reclen;
        }
    }
    return found;
}

int main(int argc, char **argv) {
    if (argc < 2) return 100;
    int dir = (int)wali_openat(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
    int hidden = listed_above_stdio(dir);
    wali_close(dir);
    expect_true("the runtime's descriptor is listed", hidden > 2);

    expect_eq("fcntl F_GETFD", wali_fcntl(hidden, F_GETFD, 0), -EBADF);
    expect_eq("write", wali_write(hidden, "x", 1), -EBADF);
    expect_eq("dup2 onto it", wali_dup2(1, hidden), -EBADF);
    expect_eq("dup3 onto it", wali_dup3(1, hidden, 0), -EBADF);
    expect_eq("close", wali_close(hidden), -EBADF);
    expect_eq("close_range of it alone", wali_close_range(hidden, hidden, 0), 0);
    expect_eq("close_range with bad flags", wali_close_range(hidden, hidden, 0x100), -EINVAL);
    expect_eq("close_range across it", wali_close_range(3, hidden + 10, 0), 0);
    expect_eq("close_range of everything above 2", wali_close_range(3, ~0U, 0), 0);

    int fd = (int)wali_openat(AT_FDCWD, argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
    expect_eq("a new file gets descriptor 3", fd, 3);
    expect_eq("write to it", wali_write(fd, "guest data\n", 11), 11);
    expect_eq("close it", wali_close(fd), 0);
    return lt_failures;
}
