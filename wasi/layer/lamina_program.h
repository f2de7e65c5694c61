/*
 * What Lamina gives the WASI layer beyond WALI: the program it serves.
 *
 * The layer (wasi_snapshot_preview1.wasm) is an ordinary WALI process with
 * its own shared memory, stack and heap. The WASI program is a second
 * instance in the same store with a memory of its own; the layer's exports
 * are the program's `wasi_snapshot_preview1` imports. Every address a WASI
 * function receives is an address in the program's memory, which the layer
 * cannot load from or store to directly (C has one address space), so it
 * reaches that memory in two ways:
 *
 *  - copy_from/copy_to move bytes between the two memories (small structs,
 *    paths, results);
 *  - every WALI system call is also imported from `lamina_program`, with the
 *    same name and type as from `wali`, but with its pointer arguments
 *    taken in the program's memory: readv/writev/preadv/pwritev/getrandom on
 *    the program's own iovecs and buffers move data with no copy.
 *
 * All pointers below are 32-bit guest addresses; `lp_addr` marks an address
 * in the program's memory, plain C pointers are the layer's own.
 */
#ifndef LAMINA_PROGRAM_H
#define LAMINA_PROGRAM_H

#include <stdint.h>

typedef uint32_t lp_addr;

#define LAMINA_PROGRAM_IMPORT(name) __attribute__((import_module("lamina_program"), import_name(name)))

/* Copies len bytes from the program's memory at src to the layer's at dst:
 * 0, or -EFAULT if either range is outside its memory (nothing copied). */
LAMINA_PROGRAM_IMPORT("copy_from") int lp_copy_from(void *dst, lp_addr src, uint32_t len);

/* Copies len bytes from the layer's memory at src to the program's at dst:
 * 0, or -EFAULT as above. */
LAMINA_PROGRAM_IMPORT("copy_to") int lp_copy_to(lp_addr dst, const void *src, uint32_t len);

/* Runs the program's `_start`; returns when it returns. A proc_exit inside
 * it ends the process and does not return here. */
LAMINA_PROGRAM_IMPORT("start") void lp_start(void);

/* Preopened directory number `index` (0, 1, ... in the order of the
 * command line's --dir/--ro-dir): writes the name the program knows it by
 * (GUEST of HOST::GUEST, else HOST; not NUL-terminated) to buf if it fits
 * in cap bytes, and returns its length either way; -ENOENT past the last. */
LAMINA_PROGRAM_IMPORT("preopen") int lp_preopen(uint32_t index, char *buf, uint32_t cap);

/* The descriptor Lamina opened for preopen `index` (O_PATH|O_DIRECTORY, on
 * HOST, before any sandbox was entered; the layer owns it from here on and
 * may move it), or -ENOENT past the last. */
LAMINA_PROGRAM_IMPORT("preopen_fd") int lp_preopen_fd(uint32_t index);

/* 1 if preopen `index` was given with --dir (writable), 0 with --ro-dir,
 * -ENOENT past the last. */
LAMINA_PROGRAM_IMPORT("preopen_writable") int lp_preopen_writable(uint32_t index);

/* WALI system calls on the program's memory: the same import names and
 * wasm types as the `wali` module's (toolchain/musl/arch/wasm32/
 * wali_syscalls.h declares them all: a `long` result is `long long`),
 * pointer arguments in the program's memory. Declare the ones the layer
 * uses, e.g.
 *   LAMINA_PROGRAM_IMPORT("SYS_readv") long long lp_readv(int fd, lp_addr iov, int iovcnt);
 * (WASI's iovec and ciovec have the layout of struct iovec on wasm32.) */

#endif
