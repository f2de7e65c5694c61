#define _GNU_SOURCE
#include <sys/msg.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include "syscall.h"

#if __SIZEOF_LONG__ == 8

/* WALI's own C ABI: a message's long type is the kernel's, and the kernel
 * reads the message in place. */
int msgsnd(int q, const void *m, size_t len, int flag)
{
	return syscall_cp(SYS_msgsnd, q, m, len, flag);
}

#else

#include "kmsg.h"

/* ILP32: the message is copied behind a 64-bit type (kmsg.h). Sent in
 * place, the kernel would take the first 4 text bytes for the type's high
 * half and send the text without them. */
int msgsnd(int q, const void *m, size_t len, int flag)
{
	long long stack[KMSG_STACK_WORDS];
	struct kmsg *k = (void *)stack, *heap = 0;
	long type;
	int r;
	if (len > KMSG_STACK) {
		/* The kernel refuses a text longer than its limit before it
		 * reads any (EINVAL): so is it here, before the caller's
		 * buffer, which may be shorter than len, is copied. */
		struct msginfo info;
		if (__syscall(SYS_msgctl, 0, IPC_INFO, &info) >= 0 && len > (size_t)info.msgmax)
			return __syscall_ret(-EINVAL);
		if (!(k = heap = __kmsg_alloc(len)))
			return __syscall_ret(-ENOMEM);
	}
	memcpy(&type, m, sizeof type);
	k->type = type;
	memcpy(k->text, (const char *)m + sizeof type, len);
	/* A cancellation point, as musl's msgsnd: a thread cancelled while
	 * it waits for room frees the copy on its way out. */
	pthread_cleanup_push(free, heap);
	r = __syscall_cp(SYS_msgsnd, q, k, len, flag);
	pthread_cleanup_pop(1);
	return __syscall_ret(r);
}

#endif
