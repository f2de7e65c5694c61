/* A WASI layer gone wrong, for crates/lamina/tests/wasi.rs: Lamina links it
 * to a WASI program as it links its own layer ($LAMINA_WASI_LAYER), but
 * instead of serving the program it opens the path its argv[1] names, as a
 * layer with a path-resolution bug could. Under --dir the kernel's part of
 * the sandbox must stop it (the second confinement of a WASI program).
 * Prints "read: " and the file's start, or "open: " and the errno. */
#include "lt.h"

/* The one function the program (tests/wasi/returns.c) imports. */
__attribute__((export_name("proc_exit"))) void rogue_proc_exit(int status) {
    wali_exit_group(status);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long fd = wali_openat(AT_FDCWD, argv[1], O_RDONLY, 0);
    if (fd < 0) {
        show("open", fd);
        return 0;
    }
    char buf[256];
    long n = wali_read((int)fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    put("read: ");
    put(buf);
    return 0;
}
