/* File I/O through unistd.h and fcntl.h: read/write/pread/pwrite, readv and
 * writev, lseek with holes, offsets past 4 GiB, file system statistics,
 * dup/dup2/dup3 sharing offsets, O_APPEND, descriptor flags, pipes, stat
 * fields (size, mode, links, exact timestamps set with utimensat), umask,
 * truncation, record locks seen from a forked child, flock, and system facts
 * (sysconf, uname, the user database) that must read the same as natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void reading_and_writing(void) {
    int fd = open("io.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    char buf[32] = {0};
    CHECK_EQ(pread(fd, buf, 4, 3), 4);
    printf("pread at 3: [%s], offset still %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
    CHECK_EQ(pwrite(fd, "AB", 2, 8), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    memset(buf, 0, sizeof buf);
    printf("after pwrite: read %zd [%s]\n", read(fd, buf, sizeof buf), buf);
    printf("read at EOF: %zd\n", read(fd, buf, sizeof buf));

    struct iovec out[3] = {{"one ", 4}, {"", 0}, {"two", 3}};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    printf("writev: %zd\n", writev(fd, out, 3));
    char a[3] = {0}, b[5] = {0};
    struct iovec in[2] = {{a, 2}, {b, 4}};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    printf("readv: %zd [%.2s] [%.4s]\n", readv(fd, in, 2), a, b);

    /* Seeking past the end leaves a hole that reads as zeros. */
    printf("lseek past end: %ld\n", (long)lseek(fd, 100, SEEK_END));
    CHECK_EQ(write(fd, "Z", 1), 1);
    struct stat st;
    fstat(fd, &st);
    char hole[4];
    CHECK_EQ(pread(fd, hole, 4, 50), 4);
    printf("size with hole: %lld, hole bytes zero: %d\n", (long long)st.st_size,
           !hole[0] && !hole[1] && !hole[2] && !hole[3]);
    printf("SEEK_DATA from 0: %ld\n", (long)lseek(fd, 0, SEEK_DATA));
    close(fd);
}

/* Offsets past 4 GiB need the 64-bit off_t all the way through. */
static void large_offsets(void) {
    const off_t big = 5LL << 30;
    int fd = open("sparse.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(pwrite(fd, "far", 3, big), 3);
    struct stat st;
    fstat(fd, &st);
    printf("sparse file: size %lld\n", (long long)st.st_size);
    printf("lseek SEEK_END: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    char buf[4] = {0};
    CHECK_EQ(pread(fd, buf, 3, big), 3);
    printf("pread at 5 GiB: [%s]\n", buf);
    FILE *f = fdopen(fd, "r+");
    CHECK_EQ(fseeko(f, big + 1, SEEK_SET), 0);
    long long pos = (long long)ftello(f);
    printf("ftello: %lld, getc: %c\n", pos, getc(f));
    CHECK_EQ(ftruncate(fd, big / 2), 0);
    fstat(fd, &st);
    printf("ftruncate to 2.5 GiB: %lld\n", (long long)st.st_size);
    fclose(f);
    unlink("sparse.bin");

    struct statvfs vfs;
    CHECK_EQ(statvfs(".", &vfs), 0);
    struct statfs fs;
    CHECK_EQ(statfs(".", &fs), 0);
    printf("statvfs: block size positive %d, blocks positive %d, name max %lu; statfs agrees: %d\n", vfs.f_bsize > 0,
           vfs.f_blocks > 0, (unsigned long)vfs.f_namemax, (unsigned long)fs.f_namelen == vfs.f_namemax);
}

static void descriptors(void) {
    int fd = open("io.txt", O_RDONLY);
    int copy = dup(fd);
    CHECK(copy > fd);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    printf("dup shares the offset: %ld\n", (long)lseek(copy, 0, SEEK_CUR));
    int fixed = dup2(fd, 20);
    printf("dup2 to 20: %d, FD_CLOEXEC clear: %d\n", fixed, fcntl(fixed, F_GETFD) == 0);
    int cloexec = dup3(fd, 21, O_CLOEXEC);
    printf("dup3 O_CLOEXEC: %d, flag set: %d\n", cloexec, (fcntl(cloexec, F_GETFD) & FD_CLOEXEC) != 0);
    printf("dup2 onto itself: %d\n", dup2(fd, fd) == fd);
    errno = 0;
    int r = dup3(fd, fd, 0);
    printf("dup3 onto itself: %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : "other");
    int low = fcntl(fd, F_DUPFD, 10);
    printf("F_DUPFD from 10: %d\n", low);
    printf("access mode O_RDONLY: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
    close(copy);
    close(fixed);
    close(cloexec);
    close(low);
    close(fd);

    fd = open("append.txt", O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    write(fd, "first", 5);
    lseek(fd, 0, SEEK_SET);
    write(fd, "+second", 7);
    printf("O_APPEND ignores the seek: offset %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl & ~O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "F", 1);
    close(fd);
    char buf[32] = {0};
    fd = open("append.txt", O_RDONLY);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("after clearing O_APPEND: [%s]\n", buf);

    int p[2];
    CHECK_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    printf("pipe2 flags: cloexec %d nonblock %d\n", (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
    errno = 0;
    ssize_t got = read(p[0], buf, 1);
    printf("empty non-blocking pipe read: %zd %s\n", got, errno == EAGAIN ? "EAGAIN" : "other");
    printf("pipe capacity at least 4096: %d\n", fcntl(p[0], F_GETPIPE_SZ) >= 4096);
    close(p[0]);
    close(p[1]);
}

static void metadata(void) {
    mode_t old = umask(022);
    int fd = open("meta.txt", O_CREAT | O_WRONLY | O_TRUNC, 0777);
    write(fd, "12345", 5);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    printf("mode with umask 022: %o, regular %d, size %lld, links %lu, owner is me %d\n", st.st_mode & 07777,
           S_ISREG(st.st_mode), (long long)st.st_size, (unsigned long)st.st_nlink, st.st_uid == geteuid());
    close(fd);
    umask(old);

    CHECK_EQ(link("meta.txt", "meta-link.txt"), 0);
    stat("meta.txt", &st);
    printf("after link: links %lu\n", (unsigned long)st.st_nlink);
    struct stat other;
    stat("meta-link.txt", &other);
    printf("same inode: %d\n", st.st_ino == other.st_ino && st.st_dev == other.st_dev);

    struct timespec times[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
    CHECK_EQ(utimensat(AT_FDCWD, "meta.txt", times, 0), 0);
    stat("meta.txt", &st);
    printf("utimensat: atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

    CHECK_EQ(chmod("meta.txt", 0640), 0);
    CHECK_EQ(symlink("meta.txt", "meta-sym"), 0);
    struct stat lst;
    lstat("meta-sym", &lst);
    stat("meta-sym", &st);
    printf("chmod 640: %o; symlink lstat is link %d size %lld, stat follows to mode %o\n", st.st_mode & 07777,
           S_ISLNK(lst.st_mode), (long long)lst.st_size, st.st_mode & 07777);
    char target[64] = {0};
    printf("readlink: %zd [%s]\n", readlink("meta-sym", target, sizeof target - 1), target);

    CHECK_EQ(truncate("meta.txt", 2), 0);
    stat("meta.txt", &st);
    printf("truncate to 2: %lld\n", (long long)st.st_size);
    struct stat fst;
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(fstatat(dfd, "meta-sym", &fst, AT_SYMLINK_NOFOLLOW), 0);
    printf("fstatat NOFOLLOW sees the link: %d\n", S_ISLNK(fst.st_mode));
    printf("faccessat R_OK: %d, X_OK on 640 file as owner: %d\n", faccessat(dfd, "meta.txt", R_OK, 0),
           geteuid() == 0 ? -1 : faccessat(dfd, "meta.txt", X_OK, 0));
    close(dfd);

    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    mkdir("sub", 0755);
    chdir("sub");
    char inner[4096];
    getcwd(inner, sizeof inner);
    printf("getcwd after chdir ends with /sub: %d and extends the old one: %d\n",
           strcmp(inner + strlen(inner) - 4, "/sub") == 0, strncmp(inner, cwd, strlen(cwd)) == 0);
    char *real = realpath("../meta-sym", NULL);
    int resolved = real && strcmp(real + strlen(real) - 9, "/meta.txt") == 0;
    printf("realpath resolves the link: %s\n", resolved ? "yes" : "no");
    free(real);
    chdir("..");
    unlink("meta-sym");
    unlink("meta-link.txt");
    unlink("meta.txt");
    rmdir("sub");
}

static void locks(void) {
    int fd = open("lock.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 3};
    CHECK_EQ(fcntl(fd, F_SETLK, &lk), 0);
    pid_t me = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct flock probe = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
        int bits = 0;
        if (fcntl(fd, F_GETLK, &probe) == 0)
            bits |= (probe.l_type == F_WRLCK) | (probe.l_start == 2) << 1 | (probe.l_len == 3) << 2 |
                    (probe.l_pid == me) << 3;
        struct flock mine = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1};
        errno = 0;
        if (fcntl(fd, F_SETLK, &mine) == -1 && (errno == EAGAIN || errno == EACCES))
            bits |= 16;
        mine.l_start = 6;
        if (fcntl(fd, F_SETLK, &mine) == 0)
            bits |= 32;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) /* flock locks are separate from fcntl locks */
            bits |= 64;
        _exit(bits);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child's view of the parent's lock: %#x (0x7f = all as expected)\n", WEXITSTATUS(status));
    lk.l_type = F_UNLCK;
    CHECK_EQ(fcntl(fd, F_SETLK, &lk), 0);
    close(fd);

    int a = open("lock.txt", O_RDONLY), b = open("lock.txt", O_RDONLY);
    CHECK_EQ(flock(a, LOCK_EX), 0);
    errno = 0;
    int r = flock(b, LOCK_EX | LOCK_NB);
    printf("flock through a second open file: %d %s\n", r, errno == EWOULDBLOCK ? "EWOULDBLOCK" : "other");
    flock(a, LOCK_UN);
    printf("after unlock: %d\n", flock(b, LOCK_EX | LOCK_NB));
    close(a);
    close(b);
    unlink("lock.txt");
}

static void system_facts(void) {
    printf("sysconf: page %ld, clock ticks %ld\n", sysconf(_SC_PAGESIZE), sysconf(_SC_CLK_TCK));
    long online = sysconf(_SC_NPROCESSORS_ONLN), configured = sysconf(_SC_NPROCESSORS_CONF);
    cpu_set_t set;
    CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    printf("processors: some online %d, configured >= online %d, online == affinity count %d\n", online > 0,
           configured >= online, online == CPU_COUNT(&set));
    printf("open max matches the descriptor limit: %d\n", sysconf(_SC_OPEN_MAX) == getdtablesize());
    struct utsname u;
    CHECK_EQ(uname(&u), 0);
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    printf("uname: %s, nodename is the host name: %d\n", u.sysname, strcmp(u.nodename, host) == 0);

    struct passwd *pw = getpwuid(0);
    printf("getpwuid(0): %s dir %s\n", pw ? pw->pw_name : "(none)", pw ? pw->pw_dir : "-");
    pw = getpwnam("root");
    printf("getpwnam(root): uid %d\n", pw ? (int)pw->pw_uid : -1);
    struct group *gr = getgrgid(0);
    printf("getgrgid(0): %s\n", gr ? gr->gr_name : "(none)");
    printf("getpwnam(no such user): %s\n", getpwnam("no-such-user-xyz") ? "found" : "NULL");
    printf("ids: uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());

    unsigned char random[32] = {0};
    CHECK_EQ(getrandom(random, sizeof random, 0), 32);
    int nonzero = 0;
    for (int i = 0; i < 32; i++)
        nonzero += random[i] != 0;
    printf("getrandom: 32 bytes, not all zero %d, getentropy %d\n", nonzero > 0, getentropy(random, 16));
}

int main(void) {
    reading_and_writing();
    large_offsets();
    descriptors();
    metadata();
    locks();
    system_facts();
    unlink("io.txt");
    unlink("append.txt");
    return CHECK_STATUS();
}
