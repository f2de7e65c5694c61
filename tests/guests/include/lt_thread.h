/* Threads for test guests, the same source both ways: on WALI through
 * __wasm_thread_spawn with a tiny entry that installs the new stack pointer;
 * natively through the raw clone(2) of the C library. Each thread names its
 * exit word with set_tid_address, so joining is a futex wait on it in both
 * builds (the runtime, or the kernel, clears and wakes it on thread exit). */
#pragma once
#include "lt.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE 128

struct lt_thread {
    void (*fn)(void *);
    void *arg;
    volatile int tid; /* cleared by the runtime/kernel when the thread ends */
    char *stack_top;
};

static void lt_thread_body(struct lt_thread *t) {
    wali_set_tid_address((void *)&t->tid);
    t->fn(t->arg);
    wali_exit(0);
}

#ifdef __wasm__
WALI_IMPORT("__wasm_thread_spawn") int wali___wasm_thread_spawn(void *start, void *arg);
/* The entry: __stack_pointer = t->stack_top, then lt_thread_body(t). */
void lt_thread_entry(int tid, struct lt_thread *t);
__asm__(
    ".globaltype __stack_pointer, i32\n"
    ".functype lt_thread_body_c (i32) -> ()\n"
    ".globl lt_thread_entry\n"
    ".type lt_thread_entry,@function\n"
    "lt_thread_entry:\n"
    ".functype lt_thread_entry (i32, i32) -> ()\n"
    "  local.get 1\n"
    "  i32.load 12\n"
    "  global.set __stack_pointer\n"
    "  local.get 1\n"
    "  call lt_thread_body_c\n"
    "  end_function\n");
void lt_thread_body_c(struct lt_thread *t) { lt_thread_body(t); }

static int lt_spawn(struct lt_thread *t) {
    t->tid = 1; /* non-zero until the thread ends */
    int tid = wali___wasm_thread_spawn((void *)lt_thread_entry, t);
    return tid > 0 ? 0 : -1;
}
#else
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
static int lt_native_entry(void *t) { lt_thread_body(t); return 0; }
static int lt_spawn(struct lt_thread *t) {
    t->tid = 1;
    /* CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */
    int flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
    return clone(lt_native_entry, t->stack_top, flags, t) > 0 ? 0 : -1;
}
#endif

/* Waits until the thread has ended. */
static void lt_join(struct lt_thread *t) {
    int tid;
    while ((tid = t->tid) != 0) wali_futex((void *)&t->tid, FUTEX_WAIT, tid, NULL, NULL, 0);
}
