#include <sys/msg.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include "syscall.h"

#if __SIZEOF_LONG__ == 8

/* WALI's own C ABI: a message's long type is the kernel's, and the kernel
 * writes the message in place. */
ssize_t msgrcv(int q, void *m, size_t len, long type, int flag)
{
	return syscall_cp(SYS_msgrcv, q, m, len, type, flag);
}

#else

#include "kmsg.h"

/* ILP32: the message is received behind a 64-bit type (kmsg.h), then its
 * type and text are copied to the caller's. Received in place, the kernel
 * would write the text 4 bytes further than the caller reads it, and past
 * the end of its buffer. A type beyond 32 bits (sent by a program whose long
 * is 64-bit) keeps its low half: msgrcv can only ask for such a type by 0 or
 * a negative bound anyway. */
ssize_t msgrcv(int q, void *m, size_t len, long type, int flag)
{
	long long stack[KMSG_STACK_WORDS];
	struct kmsg *k = (void *)stack, *heap = 0;
	long r;
	/* The kernel writes at most len text bytes, whatever the message. */
	if (len > KMSG_STACK && !(k = heap = __kmsg_alloc(len)))
		return __syscall_ret(-ENOMEM);
	/* A cancellation point, as musl's msgrcv: a thread cancelled while
	 * it waits for a message frees the copy on its way out. */
	pthread_cleanup_push(free, heap);
	r = __syscall_cp(SYS_msgrcv, q, k, len, type, flag);
	if (r >= 0) {
		long t = k->type;
		memcpy(m, &t, sizeof t);
		memcpy((char *)m + sizeof t, k->text, r);
	}
	pthread_cleanup_pop(1);
	return __syscall_ret(r);
}

#endif
