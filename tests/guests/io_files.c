/* Data through regular files: read/write, positioned and vectored I/O (with
 * preadv2/pwritev2 and their flags),
 * seeking, copying with sendfile, close; and the errors for the wrong kind
 * of descriptor. */
#include "lt_poll.h"

#define RWF_DSYNC 0x2
#define RWF_APPEND 0x10

static int same(const void *a, const char *b, long n) { return memcmp(a, b, (size_t)n) == 0; }

static void plain_io(void) {
    int fd = (int)wali_open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_true("open data.txt", fd >= 0);
    expect_eq("write", wali_write(fd, "hello world", 11), 11);
    expect_eq("offset after write", wali_lseek(fd, 0, SEEK_CUR), 11);
    expect_eq("seek set 0", wali_lseek(fd, 0, SEEK_SET), 0);
    char buf[32];
    memset(buf, 0, sizeof buf);
    expect_eq("read 5", wali_read(fd, buf, 5), 5);
    expect_true("read 5 data", same(buf, "hello", 5));
    expect_eq("seek cur +1", wali_lseek(fd, 1, SEEK_CUR), 6);
    expect_eq("read rest", wali_read(fd, buf, sizeof buf), 5);
    expect_true("read rest data", same(buf, "world", 5));
    expect_eq("read at eof", wali_read(fd, buf, sizeof buf), 0);
    expect_eq("seek end -5", wali_lseek(fd, -5, SEEK_END), 6);
    expect_eq("seek end 0", wali_lseek(fd, 0, SEEK_END), 11);
    expect_eq("seek before start", wali_lseek(fd, -1, SEEK_SET), -EINVAL);
    expect_eq("seek bad whence", wali_lseek(fd, 0, 99), -EINVAL);
    expect_eq("offset unchanged by failed seeks", wali_lseek(fd, 0, SEEK_CUR), 11);
    expect_eq("seek past end", wali_lseek(fd, 20, SEEK_SET), 20);
    expect_eq("write past end", wali_write(fd, "X", 1), 1);
    expect_eq("size with hole", wali_lseek(fd, 0, SEEK_END), 21);
    memset(buf, 1, sizeof buf);
    expect_eq("pread the hole", wali_pread64(fd, buf, 9, 11), 9);
    expect_true("hole reads as zeros", buf[0] == 0 && buf[8] == 0);
    expect_eq("read zero bytes", wali_read(fd, buf, 0), 0);
    expect_eq("write zero bytes", wali_write(fd, buf, 0), 0);
    expect_eq("close", wali_close(fd), 0);
    expect_eq("close again", wali_close(fd), -EBADF);
    expect_eq("read closed fd", wali_read(fd, buf, 1), -EBADF);
    expect_eq("write closed fd", wali_write(fd, "x", 1), -EBADF);
    expect_eq("lseek closed fd", wali_lseek(fd, 0, SEEK_SET), -EBADF);
}

static void positioned_io(void) {
    int fd = (int)wali_open("pos.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_eq("write abcdefgh", wali_write(fd, "abcdefgh", 8), 8);
    expect_eq("seek to 3", wali_lseek(fd, 3, SEEK_SET), 3);
    expect_eq("pwrite at 1", wali_pwrite64(fd, "XY", 2, 1), 2);
    expect_eq("pwrite keeps offset", wali_lseek(fd, 0, SEEK_CUR), 3);
    char buf[16];
    expect_eq("pread at 0", wali_pread64(fd, buf, 8, 0), 8);
    expect_true("pread data", same(buf, "aXYdefgh", 8));
    expect_eq("pread keeps offset", wali_lseek(fd, 0, SEEK_CUR), 3);
    expect_eq("pread past eof", wali_pread64(fd, buf, 8, 100), 0);
    expect_eq("pread short at end", wali_pread64(fd, buf, 8, 6), 2);
    expect_eq("pread negative offset", wali_pread64(fd, buf, 1, -1), -EINVAL);
    expect_eq("pwrite negative offset", wali_pwrite64(fd, "z", 1, -1), -EINVAL);
    expect_eq("read continues at offset", wali_read(fd, buf, 2), 2);
    expect_true("read after pread", same(buf, "de", 2));
    /* O_APPEND: write goes to the end; Linux's pwrite appends too. */
    int ap = (int)wali_open("pos.txt", O_WRONLY | O_APPEND, 0);
    expect_eq("append write", wali_write(ap, "12", 2), 2);
    expect_eq("append pwrite", wali_pwrite64(ap, "34", 2, 0), 2);
    expect_eq("size after appends", wali_lseek(fd, 0, SEEK_END), 12);
    expect_eq("pread appended", wali_pread64(fd, buf, 4, 8), 4);
    expect_true("appended data", same(buf, "1234", 4));
    wali_close(ap);
    wali_close(fd);
}

static void vectored_io(void) {
    int fd = (int)wali_open("vec.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char a[] = "ab", c[] = "cdefg";
    struct iovec out[3] = {{a, 2}, {NULL, 0}, {c, 5}};
    expect_eq("writev 3 iovecs", wali_writev(fd, out, 3), 7);
    expect_eq("writev offset", wali_lseek(fd, 0, SEEK_CUR), 7);
    expect_eq("writev zero iovecs", wali_writev(fd, out, 0), 0);
    expect_eq("seek 0", wali_lseek(fd, 0, SEEK_SET), 0);
    char x[3] = {0}, y[10] = {0};
    struct iovec in[2] = {{x, 3}, {y, 10}};
    expect_eq("readv split", wali_readv(fd, in, 2), 7);
    expect_true("readv first", same(x, "abc", 3));
    expect_true("readv second", same(y, "defg", 4));
    expect_eq("readv at eof", wali_readv(fd, in, 2), 0);
    memset(x, 0, 3);
    memset(y, 0, 10);
    expect_eq("preadv at 2", wali_preadv(fd, in, 2, 2, 0), 5);
    expect_true("preadv first", same(x, "cde", 3));
    expect_true("preadv second", same(y, "fg", 2));
    expect_eq("preadv keeps offset", wali_lseek(fd, 0, SEEK_CUR), 7);
    expect_eq("preadv negative offset", wali_preadv(fd, in, 2, -1, 0), -EINVAL);
    struct iovec patch[2] = {{"XY", 2}, {"Z", 1}};
    expect_eq("pwritev at 1", wali_pwritev(fd, patch, 2, 1, 0), 3);
    expect_eq("pwritev keeps offset", wali_lseek(fd, 0, SEEK_CUR), 7);
    memset(x, 0, 3);
    memset(y, 0, 10);
    expect_eq("pwritev read back", wali_preadv(fd, in, 2, 0, 0), 7);
    expect_true("pwritev landed", same(x, "aXY", 3) && same(y, "Zefg", 4));
    expect_eq("pwritev negative offset", wali_pwritev(fd, patch, 2, -1, 0), -EINVAL);
    /* preadv2/pwritev2: offset -1 is the file's own position, which then
     * advances; RWF_* flags reach the kernel. */
    expect_eq("seek 1", wali_lseek(fd, 1, SEEK_SET), 1);
    memset(x, 0, 3);
    memset(y, 0, 10);
    expect_eq("preadv2 at the file offset", wali_preadv2(fd, in, 2, -1, 0, 0), 6);
    expect_true("preadv2 read from there", same(x, "XYZ", 3) && same(y, "efg", 3));
    expect_eq("preadv2 advanced the file offset", wali_lseek(fd, 0, SEEK_CUR), 7);
    memset(x, 0, 3);
    expect_eq("preadv2 at 4", wali_preadv2(fd, in, 2, 4, 0, 0), 3);
    expect_true("preadv2 at 4 read", same(x, "efg", 3));
    expect_eq("preadv2 keeps the file offset", wali_lseek(fd, 0, SEEK_CUR), 7);
    expect_eq("preadv2 unknown flag", wali_preadv2(fd, in, 2, 0, 0, 0x40000000), -EOPNOTSUPP);
    expect_eq("pwritev2 RWF_APPEND ignores the offset", wali_pwritev2(fd, patch, 2, 0, 0, RWF_APPEND), 3);
    struct stat st;
    expect_eq("fstat", wali_fstat(fd, &st), 0);
    expect_eq("pwritev2 appended", st.st_size, 10);
    expect_eq("pwritev2 RWF_DSYNC at the file offset", wali_pwritev2(fd, patch, 2, -1, 0, RWF_DSYNC), 3);
    expect_eq("pwritev2 advanced the file offset", wali_lseek(fd, 0, SEEK_CUR), 10);
    char whole[10];
    expect_eq("read it all", wali_pread64(fd, whole, 10, 0), 10);
    expect_true("pwritev2 landed", same(whole, "aXYZefgXYZ", 10));
    expect_eq("pwritev2 negative offset", wali_pwritev2(fd, patch, 2, -2, 0, 0), -EINVAL);
    expect_eq("pwritev2 unknown flag", wali_pwritev2(fd, patch, 2, 0, 0, 0x40000000), -EOPNOTSUPP);
    expect_eq("preadv2 closed fd", wali_preadv2(-1, in, 2, 0, 0, 0), -EBADF);
    expect_eq("seek 7", wali_lseek(fd, 7, SEEK_SET), 7);
    /* Many small iovecs, as stdio and writev-heavy servers use. */
    struct iovec many[64];
    char digits[64];
    for (int i = 0; i < 64; i++) {
        digits[i] = (char)('0' + i % 10);
        many[i].iov_base = &digits[i];
        many[i].iov_len = 1;
    }
    expect_eq("writev 64 iovecs", wali_writev(fd, many, 64), 64);
    char back[64];
    expect_eq("pread them back", wali_pread64(fd, back, 64, 7), 64);
    expect_true("64 iovecs in order", same(back, digits, 64));
    expect_eq("readv closed fd", wali_readv(-1, in, 2), -EBADF);
    wali_close(fd);
}

static void wrong_kind_of_fd(void) {
    int ro = (int)wali_open("data.txt", O_RDONLY, 0);
    expect_eq("write to read-only fd", wali_write(ro, "x", 1), -EBADF);
    expect_eq("pwrite to read-only fd", wali_pwrite64(ro, "x", 1, 0), -EBADF);
    struct iovec v = {"x", 1};
    expect_eq("writev to read-only fd", wali_writev(ro, &v, 1), -EBADF);
    wali_close(ro);
    int wo = (int)wali_open("data.txt", O_WRONLY, 0);
    char b[4];
    expect_eq("read from write-only fd", wali_read(wo, b, 1), -EBADF);
    expect_eq("pread from write-only fd", wali_pread64(wo, b, 1, 0), -EBADF);
    wali_close(wo);
    int dir = (int)wali_open(".", O_RDONLY | O_DIRECTORY, 0);
    expect_eq("read a directory", wali_read(dir, b, 4), -EISDIR);
    wali_close(dir);
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    expect_eq("lseek on a pipe", wali_lseek(p[0], 0, SEEK_SET), -ESPIPE);
    expect_eq("pread on a pipe", wali_pread64(p[0], b, 1, 0), -ESPIPE);
    expect_eq("pwrite on a pipe", wali_pwrite64(p[1], "x", 1, 0), -ESPIPE);
    struct iovec r = {b, 1};
    expect_eq("preadv on a pipe", wali_preadv(p[0], &r, 1, 0, 0), -ESPIPE);
    wali_close(p[0]);
    wali_close(p[1]);
}

static void copied_with_sendfile(void) {
    int src = (int)wali_open("sf_src.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int dst = (int)wali_open("sf_dst.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_eq("write source", wali_write(src, "0123456789", 10), 10);
    long long off = 2;
    expect_eq("sendfile from an offset", wali_sendfile(dst, src, &off, 5), 5);
    expect_eq("sendfile advances the offset it was given", off, 7);
    expect_eq("sendfile leaves the file offset alone", wali_lseek(src, 0, SEEK_CUR), 10);
    expect_eq("seek source to 8", wali_lseek(src, 8, SEEK_SET), 8);
    expect_eq("sendfile from the file offset", wali_sendfile(dst, src, NULL, 100), 2);
    expect_eq("file offset advanced", wali_lseek(src, 0, SEEK_CUR), 10);
    expect_eq("sendfile at end of file", wali_sendfile(dst, src, NULL, 5), 0);
    expect_eq("sendfile nothing", wali_sendfile(dst, src, &off, 0), 0);
    char buf[16];
    expect_eq("read the copy", wali_pread64(dst, buf, sizeof buf, 0), 7);
    expect_true("copied data", same(buf, "2345689", 7));
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    expect_eq("sendfile into a pipe", wali_sendfile(p[1], src, &off, 3), 3);
    expect_eq("offset after the pipe copy", off, 10);
    expect_eq("read the pipe", wali_read(p[0], buf, sizeof buf), 3);
    expect_true("piped data", same(buf, "789", 3));
    off = -1;
    expect_eq("sendfile negative offset", wali_sendfile(dst, src, &off, 1), -EINVAL);
    expect_eq("sendfile from a closed fd", wali_sendfile(dst, 99, NULL, 1), -EBADF);
    int ro = (int)wali_open("sf_src.txt", O_RDONLY, 0);
    off = 0;
    expect_eq("sendfile to a read-only fd", wali_sendfile(ro, src, &off, 1), -EBADF);
    wali_close(ro);
    wali_close(p[0]);
    wali_close(p[1]);
    wali_close(src);
    wali_close(dst);
}

int main(int argc, char **argv) {
    plain_io();
    positioned_io();
    vectored_io();
    copied_with_sendfile();
    wrong_kind_of_fd();
    return lt_failures;
}
