/* Data moved by the kernel through pipes: splice between a file and a pipe
 * (with offsets the kernel reads and advances, and without), tee duplicating
 * a pipe's contents, vmsplice of guest memory into a pipe and out of one,
 * each read back; and the errors for descriptors of the wrong kind. */
#include "lt_poll.h"

#define SPLICE_F_NONBLOCK 2

static int same(const void *a, const char *b, long n) { return memcmp(a, b, (size_t)n) == 0; }

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    int file = (int)wali_open("src", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    expect_eq("fill the source", wali_write(file, "0123456789", 10), 10);
    int p[2], q[2];
    expect_eq("pipe p", wali_pipe2(p, O_CLOEXEC), 0);
    expect_eq("pipe q", wali_pipe2(q, O_CLOEXEC), 0);

    long long off = 3;
    expect_eq("splice a file into a pipe at an offset", wali_splice(file, &off, p[1], NULL, 4, 0), 4);
    expect_eq("splice advanced the offset", off, 7);
    expect_eq("the file offset is untouched", wali_lseek(file, 0, SEEK_CUR), 10);
    expect_eq("tee the pipe", wali_tee(p[0], q[1], 100, 0), 4);
    char got[16];
    expect_eq("read the copy", wali_read(q[0], got, sizeof got), 4);
    expect_true("tee copied", same(got, "3456", 4));
    int out = (int)wali_open("dst", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    long long at = 2;
    expect_eq("splice the pipe into a file at an offset", wali_splice(p[0], NULL, out, &at, 100, 0), 4);
    expect_eq("output offset advanced", at, 6);
    expect_eq("read the file", wali_pread64(out, got, sizeof got, 0), 6);
    expect_true("spliced bytes", got[0] == 0 && got[1] == 0 && same(got + 2, "3456", 4));
    expect_eq("splice from an empty pipe", wali_splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK), -EAGAIN);
    expect_eq("seek the source", wali_lseek(file, 8, SEEK_SET), 8);
    expect_eq("splice at the file offset", wali_splice(file, NULL, p[1], NULL, 10, 0), 2);
    expect_eq("which advanced", wali_lseek(file, 0, SEEK_CUR), 10);
    expect_eq("read it", wali_read(p[0], got, sizeof got), 2);
    expect_true("the last two bytes", same(got, "89", 2));

    char msg[] = "vmsplice!";
    struct iovec v[2] = {{msg, 2}, {msg + 2, 7}};
    expect_eq("vmsplice into a pipe", wali_vmsplice(p[1], v, 2, 0), 9);
    expect_eq("read it out", wali_read(p[0], got, sizeof got), 9);
    expect_true("vmspliced bytes", same(got, "vmsplice!", 9));
    expect_eq("write for vmsplice out", wali_write(p[1], "gathered", 8), 8);
    char g1[3], g2[10];
    struct iovec r[2] = {{g1, 3}, {g2, 10}};
    expect_eq("vmsplice out of a pipe", wali_vmsplice(p[0], r, 2, 0), 8);
    expect_true("scattered", same(g1, "gat", 3) && same(g2, "hered", 5));
    expect_eq("vmsplice nothing", wali_vmsplice(p[1], v, 0, 0), 0);

    expect_eq("splice without a pipe", wali_splice(file, NULL, out, NULL, 1, 0), -EINVAL);
    expect_eq("splice with an offset on the pipe", wali_splice(p[0], &off, out, NULL, 1, 0), -ESPIPE);
    expect_eq("splice unknown flag", wali_splice(p[0], NULL, out, NULL, 1, 0x100), -EINVAL);
    expect_eq("splice bad fd", wali_splice(-1, NULL, p[1], NULL, 1, 0), -EBADF);
    expect_eq("tee from a file", wali_tee(file, q[1], 1, 0), -EINVAL);
    expect_eq("tee a pipe into itself", wali_tee(p[0], p[1], 1, 0), -EINVAL);
    expect_eq("tee bad fd", wali_tee(-1, q[1], 1, 0), -EBADF);
    expect_eq("vmsplice into a file", wali_vmsplice(file, v, 2, 0), -EBADF);
    expect_eq("vmsplice bad fd", wali_vmsplice(-1, v, 2, 0), -EBADF);
    expect_eq("vmsplice unknown flag", wali_vmsplice(p[1], v, 2, 0x100), -EINVAL);
    return lt_failures;
}
