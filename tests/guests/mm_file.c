/* File mappings: MAP_SHARED writes reach the file (seen with read(2)),
 * MAP_PRIVATE ones do not, msync, mremap of a file mapping, mprotect and
 * mmap errors from the file's open mode and type.
 *
 *   mm_file              the differential checks
 *   mm_file write NAME   writes a message into NAME only through a shared
 *                        mapping, for the host to read back */
#include "lt_mm.h"

static const char message[] = "written through MAP_SHARED by the guest\n";

static int open_file(const char *name, int flags) {
    return (int)wali_openat(AT_FDCWD, (void *)name, flags | O_CLOEXEC, 0644);
}

static int write_through_mapping(const char *name) {
    int fd = open_file(name, O_RDWR | O_CREAT | O_TRUNC);
    expect_true("create the file", fd >= 0);
    unsigned len = sizeof message - 1;
    expect_eq("size the file", wali_ftruncate(fd, len), 0);
    long r = wali_mmap(NULL, len, PROT_RW, MAP_SHARED, fd, 0);
    expect_true("map it shared", !lt_failed(r));
    expect_eq("close the descriptor", wali_close(fd), 0);
    memcpy(lt_ptr(r), message, len);
    expect_eq("unmap", wali_munmap(lt_ptr(r), len), 0);
    return lt_failures;
}

static void shared(int fd) {
    expect_eq("size the file", wali_ftruncate(fd, 2 * PAGE), 0);
    expect_eq("write through the descriptor", wali_pwrite64(fd, "file data", 9, 0), 9);
    long r = wali_mmap(NULL, 2 * PAGE, PROT_RW, MAP_SHARED, fd, 0);
    expect_true("map shared", !lt_failed(r));
    char *p = lt_ptr(r);
    expect_true("mapping shows the file", memcmp(p, "file data", 9) == 0);
    expect_true("rest of the page is zero", lt_all_zero(p + 9, 2 * PAGE - 9));
    memcpy(p + 100, "via mapping", 11);
    char buf[16];
    expect_eq("read(2) after a store", wali_pread64(fd, buf, 11, 100), 11);
    expect_true("read(2) sees the store", memcmp(buf, "via mapping", 11) == 0);
    expect_eq("msync MS_SYNC", wali_msync(p, 2 * PAGE, MS_SYNC), 0);
    expect_eq("msync MS_ASYNC", wali_msync(p, PAGE, MS_ASYNC), 0);
    expect_eq("msync MS_INVALIDATE", wali_msync(p, PAGE, MS_INVALIDATE | MS_SYNC), 0);
    expect_eq("pwrite shows in the mapping", wali_pwrite64(fd, "PW", 2, PAGE + 10), 2);
    expect_true("mapping sees pwrite", p[PAGE + 10] == 'P' && p[PAGE + 11] == 'W');

    /* Grow the file, then the mapping: old contents and the file's new page. */
    expect_eq("grow the file", wali_ftruncate(fd, 4 * PAGE), 0);
    expect_eq("write the third page", wali_pwrite64(fd, "third page", 10, 2 * PAGE), 10);
    long g = wali_mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, NULL);
    expect_true("mremap a shared file mapping", !lt_failed(g));
    p = lt_ptr(g);
    expect_true("first page kept", memcmp(p, "file data", 9) == 0 && memcmp(p + 100, "via mapping", 11) == 0);
    expect_true("grown part maps the file", memcmp(p + 2 * PAGE, "third page", 10) == 0);
    memcpy(p + 3 * PAGE + 5, "tail", 4);
    expect_eq("read the grown part", wali_pread64(fd, buf, 4, 3 * PAGE + 5), 4);
    expect_true("stores in the grown part reach the file", memcmp(buf, "tail", 4) == 0);
    long s = wali_mremap(p, 4 * PAGE, PAGE, 0, NULL);
    expect_eq("shrink it", s, (long)p);
    expect_eq("shrunk part unmapped", wali_msync(p + PAGE, PAGE, MS_SYNC), -ENOMEM);

    /* A second, independent mapping of the same file at an offset. */
    long o = wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 2 * PAGE);
    expect_true("map at an offset", !lt_failed(o) && memcmp(lt_ptr(o), "third page", 10) == 0);
    p[0] = 'F';
    expect_eq("read-only mapping cannot be written by read(2)", wali_pread64(fd, lt_ptr(o), 4, 0), -EFAULT);
    expect_eq("mprotect it writable", wali_mprotect(lt_ptr(o), PAGE, PROT_RW), 0);
    expect_eq("now read(2) can fill it", wali_pread64(fd, lt_ptr(o), 4, 0), 4);
    expect_eq("which writes the file", wali_pread64(fd, buf, 4, 2 * PAGE), 4);
    expect_true("the file changed", memcmp(buf, "File", 4) == 0);
    expect_eq("mprotect PROT_NONE", wali_mprotect(lt_ptr(o), PAGE, PROT_NONE), 0);
    expect_eq("write(2) from PROT_NONE file memory", wali_write(fd, lt_ptr(o), 4), -EFAULT);
    expect_eq("unmap the offset mapping", wali_munmap(lt_ptr(o), PAGE), 0);

    /* Duplicating a shared mapping with a zero old size. */
    long dup = wali_mremap(p, 0, PAGE, MREMAP_MAYMOVE, NULL);
    expect_true("mremap duplicates a shared mapping", !lt_failed(dup) && dup != (long)p);
    lt_ptr(dup)[1] = 'X';
    expect_true("the duplicate shares the pages", p[1] == 'X');
    expect_eq("unmap the duplicate", wali_munmap(lt_ptr(dup), PAGE), 0);
    expect_eq("unmap the mapping", wali_munmap(p, PAGE), 0);
    expect_eq("read after unmapping", wali_pread64(fd, buf, 2, 0), 2);
    expect_true("stores outlive the mapping", buf[0] == 'F' && buf[1] == 'X');
}

static void private_mapping(int fd) {
    long r = wali_mmap(NULL, PAGE, PROT_RW, MAP_PRIVATE, fd, 0);
    expect_true("map private", !lt_failed(r));
    char *p = lt_ptr(r);
    expect_true("private mapping shows the file", p[0] == 'F' && p[1] == 'X');
    memcpy(p, "PRIVATE", 7);
    char buf[8];
    expect_eq("read the file", wali_pread64(fd, buf, 7, 0), 7);
    expect_true("private stores stay private", buf[0] == 'F' && memcmp(p, "PRIVATE", 7) == 0);
    expect_eq("madvise DONTNEED drops private copies", wali_madvise(p, PAGE, MADV_DONTNEED), 0);
    expect_true("the file shows again", p[0] == 'F' && p[1] == 'X');
    expect_eq("msync a private mapping", wali_msync(p, PAGE, MS_SYNC), 0);
    expect_eq("unmap it", wali_munmap(p, PAGE), 0);
}

static void errors(const char *name, int fd) {
    expect_eq("offset not page aligned", wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100), -EINVAL);
    expect_eq("offset overflow", wali_mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, -4096), -EOVERFLOW);
    expect_eq("no map type", wali_mmap(NULL, PAGE, PROT_READ, 0, fd, 0), -EINVAL);
    expect_eq("SHARED_VALIDATE with an unknown flag", wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, fd, 0), -EOPNOTSUPP);
    long v = wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
    expect_true("SHARED_VALIDATE with known flags", !lt_failed(v));
    expect_eq("unmap it", wali_munmap(lt_ptr(v), PAGE), 0);
    int ro = open_file(name, O_RDONLY);
    expect_eq("shared writable map of a read-only descriptor", wali_mmap(NULL, PAGE, PROT_RW, MAP_SHARED, ro, 0), -EACCES);
    long rm = wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
    expect_true("shared read-only map of it", !lt_failed(rm));
    expect_eq("mprotect it writable", wali_mprotect(lt_ptr(rm), PAGE, PROT_RW), -EACCES);
    expect_eq("unmap", wali_munmap(lt_ptr(rm), PAGE), 0);
    long pm = wali_mmap(NULL, PAGE, PROT_RW, MAP_PRIVATE, ro, 0);
    expect_true("private writable map of a read-only descriptor", !lt_failed(pm));
    expect_eq("unmap private", wali_munmap(lt_ptr(pm), PAGE), 0);
    int wo = open_file(name, O_WRONLY);
    expect_eq("map a write-only descriptor", wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wo, 0), -EACCES);
    int closed = (int)wali_dup(ro);
    wali_close(closed);
    expect_eq("map a closed descriptor", wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, closed, 0), -EBADF);
    expect_eq("fd -1 without MAP_ANONYMOUS", wali_mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), -EBADF);
    int pipefd[2];
    expect_eq("pipe", wali_pipe(pipefd), 0);
    expect_eq("map a pipe", wali_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, pipefd[0], 0), -ENODEV);
    int dir = open_file(".", O_RDONLY | O_DIRECTORY);
    expect_eq("map a directory", wali_mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), -ENODEV);
    /* Failures leave nothing behind: the reserved range is still whole. */
    long res = lt_map_anon(NULL, 2 * PAGE, PROT_NONE, 0);
    expect_eq("failed MAP_FIXED over a mapping", wali_mmap(lt_ptr(res), PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, pipefd[0], 0), -ENODEV);
    expect_eq("the mapping is still there", wali_mprotect(lt_ptr(res), 2 * PAGE, PROT_READ), 0);
    expect_eq("unmap the reservation", wali_munmap(lt_ptr(res), 2 * PAGE), 0);
    wali_close(pipefd[0]);
    wali_close(pipefd[1]);
    wali_close(dir);
    wali_close(wo);
    wali_close(ro);
}

static void shared_anonymous(void) {
    long r = wali_mmap(NULL, 4 * PAGE, PROT_RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    expect_true("shared anonymous mapping", !lt_failed(r) && lt_all_zero(lt_ptr(r), 4 * PAGE));
    lt_fill(lt_ptr(r), 4 * PAGE, 9);
    long res = lt_map_anon(NULL, 4 * PAGE, PROT_NONE, 0);
    long m = wali_mremap(lt_ptr(r), 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, lt_ptr(res));
    expect_eq("move it", m, res);
    expect_true("contents moved", lt_holds(lt_ptr(m), 4 * PAGE, 9));
    expect_eq("madvise DONTNEED keeps shared contents", wali_madvise(lt_ptr(m), PAGE, MADV_DONTNEED), 0);
    expect_true("still there", lt_holds(lt_ptr(m), 4 * PAGE, 9));
    long d = wali_mremap(lt_ptr(m), 0, 2 * PAGE, MREMAP_MAYMOVE, NULL);
    expect_true("duplicate it", !lt_failed(d) && lt_holds(lt_ptr(d), 2 * PAGE, 9));
    lt_ptr(d)[0] = 0;
    expect_eq("the duplicate shares the pages", lt_ptr(m)[0], 0);
    expect_eq("unmap the duplicate", wali_munmap(lt_ptr(d), 2 * PAGE), 0);
    expect_eq("unmap it", wali_munmap(lt_ptr(m), 4 * PAGE), 0);
}

int main(int argc, char **argv) {
    if (argc == 3 && lt_streq(argv[1], "write")) return write_through_mapping(argv[2]);
    const char *name = "mapped.dat";
    int fd = open_file(name, O_RDWR | O_CREAT | O_TRUNC);
    expect_true("open", fd >= 0);
    shared(fd);
    private_mapping(fd);
    errors(name, fd);
    shared_anonymous();
    wali_close(fd);
    return lt_failures;
}
