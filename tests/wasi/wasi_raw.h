/* The imports of wasi_snapshot_preview1 declared at the Wasm level, every
 * pointer and length a plain u32, so the WASI-level tests (tests/wasi/
 * wasi_*.c) can pass any address: <wasi/api.h> of Debian's wasi-libc takes
 * NUL-terminated paths and typed pointers only. Struct layouts and constants
 * still come from <wasi/api.h>. Also the checking helpers these programs
 * share. */
#ifndef WASI_RAW_H
#define WASI_RAW_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "../libc/check.h"

#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef uint32_t ptr_t; /* a guest address, any value */
typedef uint32_t len_t;

int32_t raw_args_get(ptr_t argv, ptr_t buf) WASI_IMPORT(args_get);
int32_t raw_args_sizes_get(ptr_t argc, ptr_t size) WASI_IMPORT(args_sizes_get);
int32_t raw_environ_get(ptr_t environ, ptr_t buf) WASI_IMPORT(environ_get);
int32_t raw_environ_sizes_get(ptr_t count, ptr_t size) WASI_IMPORT(environ_sizes_get);
int32_t raw_clock_res_get(uint32_t id, ptr_t res) WASI_IMPORT(clock_res_get);
int32_t raw_clock_time_get(uint32_t id, uint64_t precision, ptr_t time) WASI_IMPORT(clock_time_get);
int32_t raw_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) WASI_IMPORT(fd_advise);
int32_t raw_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len) WASI_IMPORT(fd_allocate);
int32_t raw_fd_close(uint32_t fd) WASI_IMPORT(fd_close);
int32_t raw_fd_datasync(uint32_t fd) WASI_IMPORT(fd_datasync);
int32_t raw_fd_fdstat_get(uint32_t fd, ptr_t stat) WASI_IMPORT(fd_fdstat_get);
int32_t raw_fd_fdstat_set_flags(uint32_t fd, uint32_t flags) WASI_IMPORT(fd_fdstat_set_flags);
int32_t raw_fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inheriting) WASI_IMPORT(fd_fdstat_set_rights);
int32_t raw_fd_filestat_get(uint32_t fd, ptr_t stat) WASI_IMPORT(fd_filestat_get);
int32_t raw_fd_filestat_set_size(uint32_t fd, uint64_t size) WASI_IMPORT(fd_filestat_set_size);
int32_t raw_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t flags) WASI_IMPORT(fd_filestat_set_times);
int32_t raw_fd_pread(uint32_t fd, ptr_t iovs, len_t iovcnt, uint64_t offset, ptr_t nread) WASI_IMPORT(fd_pread);
int32_t raw_fd_prestat_get(uint32_t fd, ptr_t prestat) WASI_IMPORT(fd_prestat_get);
int32_t raw_fd_prestat_dir_name(uint32_t fd, ptr_t path, len_t len) WASI_IMPORT(fd_prestat_dir_name);
int32_t raw_fd_pwrite(uint32_t fd, ptr_t iovs, len_t iovcnt, uint64_t offset, ptr_t nwritten) WASI_IMPORT(fd_pwrite);
int32_t raw_fd_read(uint32_t fd, ptr_t iovs, len_t iovcnt, ptr_t nread) WASI_IMPORT(fd_read);
int32_t raw_fd_readdir(uint32_t fd, ptr_t buf, len_t len, uint64_t cookie, ptr_t used) WASI_IMPORT(fd_readdir);
int32_t raw_fd_renumber(uint32_t fd, uint32_t to) WASI_IMPORT(fd_renumber);
int32_t raw_fd_seek(uint32_t fd, int64_t offset, uint32_t whence, ptr_t newoffset) WASI_IMPORT(fd_seek);
int32_t raw_fd_sync(uint32_t fd) WASI_IMPORT(fd_sync);
int32_t raw_fd_tell(uint32_t fd, ptr_t offset) WASI_IMPORT(fd_tell);
int32_t raw_fd_write(uint32_t fd, ptr_t iovs, len_t iovcnt, ptr_t nwritten) WASI_IMPORT(fd_write);
int32_t raw_path_create_directory(uint32_t fd, ptr_t path, len_t len) WASI_IMPORT(path_create_directory);
int32_t raw_path_filestat_get(uint32_t fd, uint32_t flags, ptr_t path, len_t len, ptr_t stat) WASI_IMPORT(path_filestat_get);
int32_t raw_path_filestat_set_times(uint32_t fd, uint32_t flags, ptr_t path, len_t len, uint64_t atim, uint64_t mtim,
                                    uint32_t fstflags) WASI_IMPORT(path_filestat_set_times);
int32_t raw_path_link(uint32_t old_fd, uint32_t old_flags, ptr_t old_path, len_t old_len, uint32_t new_fd, ptr_t new_path,
                      len_t new_len) WASI_IMPORT(path_link);
int32_t raw_path_open(uint32_t fd, uint32_t dirflags, ptr_t path, len_t len, uint32_t oflags, uint64_t base,
                      uint64_t inheriting, uint32_t fdflags, ptr_t opened) WASI_IMPORT(path_open);
int32_t raw_path_readlink(uint32_t fd, ptr_t path, len_t len, ptr_t buf, len_t buf_len, ptr_t used) WASI_IMPORT(path_readlink);
int32_t raw_path_remove_directory(uint32_t fd, ptr_t path, len_t len) WASI_IMPORT(path_remove_directory);
int32_t raw_path_rename(uint32_t fd, ptr_t old_path, len_t old_len, uint32_t new_fd, ptr_t new_path, len_t new_len)
    WASI_IMPORT(path_rename);
int32_t raw_path_symlink(ptr_t old_path, len_t old_len, uint32_t fd, ptr_t new_path, len_t new_len) WASI_IMPORT(path_symlink);
int32_t raw_path_unlink_file(uint32_t fd, ptr_t path, len_t len) WASI_IMPORT(path_unlink_file);
int32_t raw_poll_oneoff(ptr_t in, ptr_t out, len_t nsubscriptions, ptr_t nevents) WASI_IMPORT(poll_oneoff);
int32_t raw_proc_raise(uint32_t sig) WASI_IMPORT(proc_raise);
int32_t raw_sched_yield(void) WASI_IMPORT(sched_yield);
int32_t raw_random_get(ptr_t buf, len_t len) WASI_IMPORT(random_get);
int32_t raw_sock_accept(uint32_t fd, uint32_t flags, ptr_t opened) WASI_IMPORT(sock_accept);
int32_t raw_sock_recv(uint32_t fd, ptr_t iovs, len_t iovcnt, uint32_t flags, ptr_t received, ptr_t out_flags)
    WASI_IMPORT(sock_recv);
int32_t raw_sock_send(uint32_t fd, ptr_t iovs, len_t iovcnt, uint32_t flags, ptr_t sent) WASI_IMPORT(sock_send);
int32_t raw_sock_shutdown(uint32_t fd, uint32_t how) WASI_IMPORT(sock_shutdown);

/* A guest pointer as the u32 the imports take. */
#define P(x) ((ptr_t)(uintptr_t)(x))
/* A C string as the (pointer, length) pair WASI paths are. */
#define S(s) P(s), (len_t)strlen(s)

/* The preopen every WASI-level test is given (the harness's --dir
 * ROOT::/sandbox): the first descriptor after stdio. */
#define PREOPEN 3

/* Every right of WASI preview 1 (bits 0 to 28). More bits make wasmtime
 * trap ("Rights: Int conversion error") instead of answering EINVAL. */
#define ALL_RIGHTS ((uint64_t)0x1fffffff)

/* Prints "label: errno N", WASI's number. */
#define SAY(label, call) printf("%s: errno %d\n", label, (int)(call))

/* One past the last byte of linear memory. */
static inline ptr_t memory_end(void)
{
    return (ptr_t)(__builtin_wasm_memory_size(0) * 65536u);
}

#endif
