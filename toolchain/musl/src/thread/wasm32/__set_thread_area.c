#include "pthread_impl.h"

/* The thread pointer is a TLS variable of the calling thread. */
int __set_thread_area(void *p)
{
	__wasm_thread_pointer = p;
	return 0;
}
