/* Files through POSIX calls, relative to the current directory (natively the
 * scratch directory, under WASI the preopen mapped to "."): open with its
 * flags, read/write/lseek/pread/pwrite, ftruncate, posix_fallocate and
 * posix_fadvise, fsync/fdatasync, fcntl's status flags (O_APPEND), stat and
 * lstat, mkdir/rmdir, rename, link, unlink, symlink/readlink, utimensat and
 * futimens, opendir/readdir. Under WASI these are fd_*, path_* calls. The
 * files it leaves behind are compared too (the harness lists them). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

static void show_stat(const char *path)
{
    struct stat st;
    errno = 0;
    if (lstat(path, &st) < 0) {
        printf("lstat %s: %s\n", path, errname(errno));
        return;
    }
    const char *kind = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : "other";
    /* Directory sizes depend on the file system: not printed. */
    printf("lstat %s: %s size %lld nlink %lld\n", path, kind, S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size,
           S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_nlink);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* readdir's order is the file system's: sorted before printing. */
static void list(const char *path)
{
    errno = 0;
    DIR *dir = opendir(path);
    if (!dir) {
        printf("opendir %s: %s\n", path, errname(errno));
        return;
    }
    char *names[64];
    int n = 0, dots = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && n < 64) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) {
            dots++;
            continue;
        }
        const char *kind = entry->d_type == DT_REG ? "f" : entry->d_type == DT_DIR ? "d" : entry->d_type == DT_LNK ? "l" : "?";
        names[n] = malloc(strlen(entry->d_name) + 3);
        sprintf(names[n++], "%s:%s", entry->d_name, kind);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, compare_names);
    printf("list %s (%d dot entries):", path, dots);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void read_back(const char *path)
{
    char buf[256];
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("read %s: %s\n", path, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    printf("read %s: %zd \"%s\"\n", path, n, buf);
}

int main(void)
{
    char buf[64];
    /* Line by line, so a crash keeps what was printed before it. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* open's creation flags. */
    int fd = open("data.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK(fd >= 0);
    SHOW("open O_EXCL again", open("data.txt", O_CREAT | O_EXCL | O_RDWR, 0644));
    SHOW("open missing", open("missing.txt", O_RDONLY));
    SHOW("open dir for writing", open(".", O_WRONLY));
    SHOW("open file as directory", open("data.txt", O_RDONLY | O_DIRECTORY));
    SHOW("write", write(fd, "hello, world\n", 13));
    SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
    SHOW("lseek set", lseek(fd, 7, SEEK_SET));
    SHOW("read", read(fd, buf, sizeof buf));
    SHOW("lseek end", lseek(fd, -6, SEEK_END));
    SHOW("lseek negative", lseek(fd, -100, SEEK_SET));
    /* No unknown whence: wasmtime traps on it (fd_seek's enum conversion)
     * where Linux answers EINVAL; see docs/wasi.md. */
    SHOW("pwrite", pwrite(fd, "WORLD", 5, 7));
    memset(buf, 0, sizeof buf);
    SHOW("pread", pread(fd, buf, 5, 7));
    printf("pread got \"%s\"\n", buf);
    SHOW("lseek after pread/pwrite (unchanged)", lseek(fd, 0, SEEK_CUR));
    SHOW("pread past end", pread(fd, buf, 5, 1000));
    SHOW("ftruncate grow", ftruncate(fd, 20));
    show_stat("data.txt");
    SHOW("ftruncate shrink", ftruncate(fd, 13));
    SHOW("fsync", fsync(fd));
    SHOW("fdatasync", fdatasync(fd));
    /* posix_fadvise and posix_fallocate return the error instead of -1. No
     * unknown advice: wasmtime traps on it as on an unknown whence. No
     * posix_fallocate: wasmtime answers ENOTSUP to fd_allocate (wasi_api.c
     * accepts either). */
    printf("posix_fadvise = %s\n", errname(posix_fadvise(fd, 0, 13, POSIX_FADV_SEQUENTIAL)));
    SHOW("ftruncate back", ftruncate(fd, 13));
    SHOW("close", close(fd));
    SHOW("close again", close(fd));
    SHOW("read closed", read(fd, buf, 1));

    /* O_APPEND, set at open and with fcntl. */
    fd = open("data.txt", O_WRONLY | O_APPEND);
    SHOW("fcntl getfl has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    SHOW("append", write(fd, "more\n", 5));
    close(fd);
    fd = open("data.txt", O_WRONLY);
    SHOW("fcntl getfl accmode is O_WRONLY", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    SHOW("fcntl setfl O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
    SHOW("fcntl getfl has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    SHOW("append via fcntl", write(fd, "last\n", 5));
    close(fd);
    read_back("data.txt");

    /* O_TRUNC and reading a write-only descriptor. */
    fd = open("trunc.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    write(fd, "0123456789", 10);
    SHOW("read write-only fd", read(fd, buf, 1));
    close(fd);
    fd = open("trunc.txt", O_WRONLY | O_TRUNC);
    write(fd, "abc", 3);
    SHOW("write read-only fd", write(open("trunc.txt", O_RDONLY), "x", 1));
    close(fd);
    read_back("trunc.txt");

    /* Directories. */
    SHOW("mkdir", mkdir("sub", 0755));
    SHOW("mkdir again", mkdir("sub", 0755));
    SHOW("mkdir nested missing", mkdir("nope/deeper", 0755));
    SHOW("mkdir nested", mkdir("sub/inner", 0755));
    fd = open("sub/inner/f", O_CREAT | O_WRONLY, 0644);
    write(fd, "inner\n", 6);
    close(fd);
    SHOW("rmdir non-empty", rmdir("sub/inner"));
    SHOW("rmdir file", rmdir("sub/inner/f"));
    SHOW("unlink dir", unlink("sub/inner"));
    SHOW("unlink", unlink("sub/inner/f"));
    SHOW("unlink again", unlink("sub/inner/f"));
    SHOW("rmdir", rmdir("sub/inner"));
    show_stat("sub/inner");

    /* rename: files, over files, directories, into a file's place. */
    fd = open("a.txt", O_CREAT | O_WRONLY, 0644);
    write(fd, "A\n", 2);
    close(fd);
    fd = open("b.txt", O_CREAT | O_WRONLY, 0644);
    write(fd, "B\n", 2);
    close(fd);
    SHOW("rename over", rename("a.txt", "b.txt"));
    read_back("b.txt");
    show_stat("a.txt");
    SHOW("rename missing", rename("a.txt", "c.txt"));
    SHOW("rename into dir", rename("b.txt", "sub/b.txt"));
    SHOW("rename dir", rename("sub", "sub2"));
    SHOW("rename dir over file", rename("sub2", "data.txt"));
    SHOW("rename file over dir", rename("trunc.txt", "sub2"));

    /* Hard links. */
    SHOW("link", link("data.txt", "hard.txt"));
    show_stat("data.txt");
    SHOW("link existing", link("data.txt", "hard.txt"));
    SHOW("link missing", link("missing.txt", "x.txt"));
    SHOW("unlink link", unlink("hard.txt"));
    show_stat("data.txt");

    /* Symbolic links. */
    SHOW("symlink", symlink("data.txt", "link"));
    SHOW("symlink dangling", symlink("nowhere", "dangling"));
    SHOW("symlink existing", symlink("data.txt", "link"));
    SHOW("symlink to dir", symlink("sub2", "dirlink"));
    memset(buf, 0, sizeof buf);
    SHOW("readlink", readlink("link", buf, sizeof buf));
    printf("readlink got \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    SHOW("readlink short buffer", readlink("link", buf, 4));
    printf("readlink short got \"%s\"\n", buf);
    SHOW("readlink file", readlink("data.txt", buf, sizeof buf));
    show_stat("link");
    show_stat("dangling");
    read_back("link");
    read_back("dangling");
    read_back("dirlink/b.txt");
    SHOW("open O_NOFOLLOW symlink", open("link", O_RDONLY | O_NOFOLLOW));
    SHOW("open O_CREAT through dangling", open("dangling", O_CREAT | O_WRONLY, 0644) >= 0);
    show_stat("nowhere");
    SHOW("unlink symlink", unlink("link"));
    show_stat("data.txt");

    /* Timestamps, set by path (utimensat) and by descriptor (futimens). */
    struct timespec times[2] = {{1000000000, 5000}, {1234567890, 123456789}};
    SHOW("utimensat", utimensat(AT_FDCWD, "data.txt", times, 0));
    struct stat st;
    stat("data.txt", &st);
    printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
    fd = open("data.txt", O_RDWR);
    SHOW("futimens", futimens(fd, omit));
    fstat(fd, &st);
    close(fd);
    printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    /* No UTIME_NOW: wasi-libc (Debian's 2022 snapshot) turns it into a
     * path_filestat_set_times that wasmtime rejects with EINVAL, where Linux
     * sets the time; wasi_api.c tests ATIM_NOW/MTIM_NOW directly. */
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    SHOW("utimensat bad nsec", utimensat(AT_FDCWD, "data.txt", bad, 0));
    SHOW("utimensat missing", utimensat(AT_FDCWD, "missing.txt", times, 0));

    list(".");
    list("sub2");
    list("missing");
    list("data.txt");
    return CHECK_STATUS();
}
