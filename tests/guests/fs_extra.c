/* Files beyond WALI's table: copying between files inside the kernel
 * (copy_file_range), anonymous memory files (memfd_create) and file system
 * events (inotify: watches, events read with read(2), their layout), each
 * read back. Runs in an empty scratch directory. */
#include "lt_fs.h"

#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_WRITE 8
#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#define IN_NONBLOCK O_NONBLOCK
#define IN_CLOEXEC O_CLOEXEC
#define IN_MODIFY 0x2
#define IN_ATTRIB 0x4
#define IN_CLOSE_WRITE 0x8
#define IN_CREATE 0x100
#define IN_DELETE 0x200
#define IN_IGNORED 0x8000
#define IN_ONLYDIR 0x01000000
#define IN_DONT_FOLLOW 0x02000000
#define IN_MASK_ADD 0x20000000

struct inotify_event {
    int wd;
    uint32_t mask, cookie, len;
    char name[];
};

static char text[256];

static void copying(void) {
    expect_eq("source", lt_write_file("src", "0123456789"), 10);
    int in = (int)wali_open("src", O_RDONLY | O_CLOEXEC, 0);
    int out = (int)wali_open("dst", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    long long off_in = 2, off_out = 0;
    expect_eq("copy_file_range with offsets", wali_copy_file_range(in, &off_in, out, &off_out, 5, 0), 5);
    expect_eq("input offset advanced", off_in, 7);
    expect_eq("output offset advanced", off_out, 5);
    expect_eq("file offsets untouched", wali_lseek(in, 0, SEEK_CUR) + wali_lseek(out, 0, SEEK_CUR), 0);
    expect_eq("copy_file_range at the file offsets", wali_copy_file_range(in, NULL, out, NULL, 3, 0), 3);
    expect_eq("input file offset advanced", wali_lseek(in, 0, SEEK_CUR), 3);
    expect_eq("output file offset advanced", wali_lseek(out, 0, SEEK_CUR), 3);
    expect_eq("read the copy", lt_read_file("dst", text, sizeof text), 5);
    expect_true("copied bytes", lt_streq(text, "01256"));
    off_in = 10;
    expect_eq("copy_file_range at the end of input", wali_copy_file_range(in, &off_in, out, NULL, 5, 0), 0);
    long long a = 0, b = 1;
    expect_eq("copy_file_range overlapping in one file", wali_copy_file_range(out, &a, out, &b, 2, 0), -EINVAL);
    expect_eq("copy_file_range flags", wali_copy_file_range(in, NULL, out, NULL, 1, 1), -EINVAL);
    expect_eq("copy_file_range into a read-only fd", wali_copy_file_range(out, NULL, in, NULL, 1, 0), -EBADF);
    expect_eq("copy_file_range bad fd", wali_copy_file_range(-1, NULL, out, NULL, 1, 0), -EBADF);
    int p[2];
    expect_eq("pipe", wali_pipe(p), 0);
    expect_eq("copy_file_range from a pipe", wali_copy_file_range(p[0], NULL, out, NULL, 1, 0), -EINVAL);
    wali_close(p[0]);
    wali_close(p[1]);
    wali_close(in);
    wali_close(out);
}

static void memory_files(void) {
    int fd = (int)wali_memfd_create("lamina-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    expect_true("memfd_create", fd >= 0);
    expect_eq("memfd close-on-exec", wali_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("write to it", wali_write(fd, "in memory", 9), 9);
    struct stat st;
    expect_eq("fstat it", wali_fstat(fd, &st), 0);
    expect_true("a regular file of 9 bytes", (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 9);
    char back[9];
    expect_eq("read it back", wali_pread64(fd, back, 9, 0), 9);
    expect_true("same bytes", memcmp(back, "in memory", 9) == 0);
    /* The name is the guest's, as /proc shows it. */
    char link[64] = "/proc/self/fd/";
    lt_cat_long(link, fd);
    long n = wali_readlink(link, text, sizeof text - 1);
    text[n < 0 ? 0 : n] = 0;
    expect_true("its name in /proc", lt_streq(text, "/memfd:lamina-test (deleted)"));
    expect_eq("seal writes", wali_fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    expect_eq("seals read back", wali_fcntl(fd, F_GET_SEALS, 0), F_SEAL_WRITE);
    expect_eq("sealed against writes", wali_write(fd, "x", 1), -EPERM);
    wali_close(fd);
    int plain = (int)wali_memfd_create("", 0);
    expect_true("memfd with an empty name", plain >= 0);
    expect_eq("not close-on-exec", wali_fcntl(plain, F_GETFD, 0), 0);
    expect_eq("no sealing without MFD_ALLOW_SEALING", wali_fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE), -EPERM);
    wali_close(plain);
    char name[251];
    memset(name, 'n', 249);
    name[249] = 0;
    int longest = (int)wali_memfd_create(name, MFD_CLOEXEC);
    expect_true("249-byte name", longest >= 0);
    wali_close(longest);
    name[249] = 'n';
    name[250] = 0;
    expect_eq("250-byte name", wali_memfd_create(name, MFD_CLOEXEC), -EINVAL);
    expect_eq("unknown memfd flag", wali_memfd_create("x", 0x100), -EINVAL);
}

/* Reads what is queued on `in` and prints one line per event. */
static void show_events(int in) {
    static char ev[1024] __attribute__((aligned(8)));
    long n = wali_read(in, ev, sizeof ev);
    if (n < 0) {
        show("events", n);
        return;
    }
    for (long off = 0; off < n;) {
        struct inotify_event *e = (struct inotify_event *)(ev + off);
        put("event wd ");
        put_int(e->wd);
        put(" mask ");
        put_hex(e->mask);
        put(" len ");
        put_int(e->len);
        put(" name ");
        put(e->len ? e->name : "-");
        put("\n");
        off += (long)sizeof *e + e->len;
    }
}

static void events(void) {
    int in = (int)wali_inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    expect_true("inotify_init1", in >= 0);
    expect_eq("inotify close-on-exec", wali_fcntl(in, F_GETFD, 0), FD_CLOEXEC);
    expect_eq("a directory to watch", wali_mkdir("watched", 0755), 0);
    long wd = wali_inotify_add_watch(in, "watched", IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE);
    expect_eq("first watch", wd, 1);
    expect_eq("nothing yet", wali_read(in, text, sizeof text), -EAGAIN);
    expect_eq("create a file in it", lt_write_file("watched/file", "x"), 1);
    expect_eq("and one with a longer name", lt_write_file("watched/a-longer-file-name", ""), 0);
    show_events(in);
    expect_eq("remove it", wali_unlink("watched/file"), 0);
    show_events(in);
    expect_eq("same inode, same watch", wali_inotify_add_watch(in, "watched", IN_MASK_ADD | IN_ATTRIB), wd);
    expect_eq("chmod the directory", wali_chmod("watched", 0700), 0);
    show_events(in);
    expect_eq("inotify_rm_watch", wali_inotify_rm_watch(in, (int)wd), 0);
    show_events(in);
    expect_eq("removed twice", wali_inotify_rm_watch(in, (int)wd), -EINVAL);
    expect_eq("a plain file", lt_write_file("plain", "p"), 1);
    expect_eq("IN_ONLYDIR on a file", wali_inotify_add_watch(in, "plain", IN_ONLYDIR | IN_MODIFY), -ENOTDIR);
    expect_eq("a link to it", wali_symlink("plain", "link"), 0);
    long through = wali_inotify_add_watch(in, "link", IN_ATTRIB);
    long itself = wali_inotify_add_watch(in, "link", IN_ATTRIB | IN_DONT_FOLLOW);
    expect_true("the link and its target are two watches", through > wd && itself > through);
    expect_eq("the target again is the first", wali_inotify_add_watch(in, "plain", IN_ATTRIB), through);
    expect_eq("chmod the target", wali_chmod("plain", 0600), 0);
    show_events(in);
    expect_eq("missing path", wali_inotify_add_watch(in, "missing", IN_CREATE), -ENOENT);
    expect_eq("no events asked", wali_inotify_add_watch(in, "watched", 0), -EINVAL);
    int file = (int)wali_open("plain", O_RDONLY | O_CLOEXEC, 0);
    expect_eq("add_watch on another kind of fd", wali_inotify_add_watch(file, "watched", IN_CREATE), -EINVAL);
    expect_eq("rm_watch on another kind of fd", wali_inotify_rm_watch(file, 1), -EINVAL);
    wali_close(file);
    expect_eq("add_watch bad fd", wali_inotify_add_watch(-1, "watched", IN_CREATE), -EBADF);
    expect_eq("rm_watch bad fd", wali_inotify_rm_watch(-1, 1), -EBADF);
    wali_close(in);
    int old = (int)wali_inotify_init();
    expect_true("inotify_init", old >= 0);
    expect_eq("inotify_init: no flags", wali_fcntl(old, F_GETFD, 0), 0);
    wali_close(old);
    expect_eq("inotify_init1 unknown flag", wali_inotify_init1(1), -EINVAL);
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    copying();
    memory_files();
    events();
    return lt_failures;
}
