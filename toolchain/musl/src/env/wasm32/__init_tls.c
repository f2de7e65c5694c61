/* Thread-local storage in Wasm is the linker's: each thread has a TLS block
 * at the __tls_base global, initialized by __wasm_init_tls. A thread's
 * memory (laid out by pthread_create, libc.tls_size bytes) therefore holds
 * its struct pthread followed by its TLS block, and the thread pointer lives
 * in that TLS block (__wasm_thread_pointer). */
#include <string.h>
#include "pthread_impl.h"
#include "libc.h"
#include "atomic.h"
#include "syscall.h"

volatile int __thread_list_lock;

hidden _Thread_local void *__wasm_thread_pointer;

/* Linker-synthesized: points __tls_base at block and copies the TLS image. */
void __wasm_init_tls(void *block);
hidden void __wasm_set_tls_base(void *block);

int __init_tp(void *p)
{
	pthread_t td = p;
	td->self = td;
	int r = __set_thread_area(TP_ADJ(p));
	if (r < 0) return -1;
	if (!r) libc.can_do_threads = 1;
	td->detach_state = DT_JOINABLE;
	td->tid = __syscall(SYS_set_tid_address, &__thread_list_lock);
	td->locale = &libc.global_locale;
	td->robust_list.head = &td->robust_list.head;
	td->sysinfo = __sysinfo;
	td->next = td->prev = td;
	return 0;
}

static struct pthread main_thread;

static uintptr_t align_up(uintptr_t x, size_t align)
{
	return (x + align - 1) & -align;
}

static size_t tls_align(void)
{
	size_t align = __builtin_wasm_tls_align();
	return align > _Alignof(struct pthread) ? align : _Alignof(struct pthread);
}

void *__copy_tls(unsigned char *mem)
{
	pthread_t td = (pthread_t)align_up((uintptr_t)mem, _Alignof(struct pthread));
	void *block = (void *)align_up((uintptr_t)(td + 1), tls_align());
	void *own = __builtin_wasm_tls_base();
	size_t tp_offset = (uintptr_t)&__wasm_thread_pointer - (uintptr_t)own;
	__wasm_init_tls(block);
	__wasm_set_tls_base(own);
	*(void **)((char *)block + tp_offset) = td;
	td->dtv = 0;
	return td;
}

/* The TLS block of a thread whose struct pthread __copy_tls placed. */
hidden void *__wasm_tls_block(pthread_t td)
{
	return (void *)align_up((uintptr_t)(td + 1), tls_align());
}

static void static_init_tls(size_t *aux)
{
	libc.tls_align = tls_align();
	libc.tls_size = _Alignof(struct pthread) + sizeof(struct pthread)
		+ tls_align() + __builtin_wasm_tls_size();
	libc.tls_size = align_up(libc.tls_size, sizeof(void *));
	/* The main thread's TLS block is the static one __wasm_init_memory set up. */
	if (__init_tp(&main_thread) < 0)
		a_crash();
}

weak_alias(static_init_tls, __init_tls);
