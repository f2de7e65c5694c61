/* __clone of the wasm32 port. A new thread (CLONE_THREAD, as pthread_create
 * asks) is a new instance of the module started by the runtime through
 * WALI's __wasm_thread_spawn; anything else (posix_spawn's CLONE_VM|
 * CLONE_VFORK) is the runtime's wali.__clone, which runs func in a child
 * process. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include "pthread_impl.h"
#include "syscall.h"

#define WALI_AUX(name) __attribute__((__import_module__("wali"), __import_name__(name)))

WALI_AUX("__wasm_thread_spawn") int __wali_thread_spawn(void (*entry)(int, void *), void *start);
WALI_AUX("__clone") int __wali_clone(int (*func)(void *), void *stack, int flags, void *arg, void *varargs);

void __wasm_thread_start_libc(int tid, void *start);
hidden void *__wasm_tls_block(pthread_t td);

/* What __wasm_thread_start_libc reads; stack and tls_base come first. */
struct thread_start {
	void *stack;
	void *tls_base;
	int (*func)(void *);
	void *arg;
	pid_t *parent_tid;
	volatile int *child_cleartid;
};

hidden void __wasm_thread_main(int tid, void *p)
{
	struct thread_start *start = p;
	/* Both threads store the tid (CLONE_PARENT_SETTID): whoever runs
	 * first makes it visible. */
	a_store(start->parent_tid, tid);
	/* CLONE_CHILD_CLEARTID: the runtime clears and wakes this word when
	 * the thread is gone. */
	__syscall(SYS_set_tid_address, start->child_cleartid);
	int status = start->func(start->arg);
	for (;;) __syscall(SYS_exit, status);
}

static int spawn_thread(int (*func)(void *), void *stack, void *arg, pid_t *ptid, pthread_t td, volatile int *ctid)
{
	uintptr_t sp = (uintptr_t)stack & -16;
	sp -= sizeof(struct thread_start);
	sp &= -16;
	struct thread_start *start = (void *)sp;
	*start = (struct thread_start){
		.stack = (void *)sp,
		.tls_base = __wasm_tls_block(td),
		.func = func,
		.arg = arg,
		.parent_tid = ptid,
		.child_cleartid = ctid,
	};
	int tid = __wali_thread_spawn(__wasm_thread_start_libc, start);
	if (tid < 0) return -EAGAIN;
	a_store(ptid, tid);
	return tid;
}

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	if (flags & CLONE_THREAD) {
		pid_t *ptid = va_arg(ap, pid_t *);
		void *tls = va_arg(ap, void *);
		volatile int *ctid = va_arg(ap, volatile int *);
		va_end(ap);
		return spawn_thread(func, stack, arg, ptid, tls, ctid);
	}
	int r = __wali_clone(func, stack, flags, arg, ap);
	va_end(ap);
	return r;
}
