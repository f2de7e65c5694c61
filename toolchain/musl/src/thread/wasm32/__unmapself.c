#include "pthread_impl.h"
#include "syscall.h"

/* A detached thread frees its own stack and exits. Wasm keeps parameters and
 * return addresses off linear memory, and nothing here takes an address, so
 * no code touches the freed stack after the munmap. */
void __unmapself(void *base, size_t size)
{
	__syscall(SYS_munmap, base, size);
	for (;;) __syscall(SYS_exit, 0);
}
