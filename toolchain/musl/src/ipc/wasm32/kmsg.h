/* A System V message as the kernel reads and writes it: a 64-bit type, then
 * the text. A program's message starts with a long type, 32-bit in the ILP32
 * C ABI (its text at offset 4), so there msgsnd and msgrcv copy messages
 * through one of these. */
#include <stdint.h>
#include <stdlib.h>

struct kmsg {
	long long type;
	char text[];
};

/* Texts up to this long are copied on the stack: no allocation, as in the
 * call being replaced, for the usual messages (the kernel's default limit
 * is 8192 bytes); longer ones are allocated. */
#define KMSG_STACK 4096

/* The size, in long longs, of a stack buffer for a kmsg of up to KMSG_STACK
 * text bytes. */
#define KMSG_STACK_WORDS ((sizeof(struct kmsg) + KMSG_STACK) / sizeof(long long))

/* An allocated kmsg for `len` text bytes, or NULL (also for a length whose
 * size would overflow). */
static inline struct kmsg *__kmsg_alloc(size_t len)
{
	return len <= SIZE_MAX - sizeof(struct kmsg) ? malloc(sizeof(struct kmsg) + len) : 0;
}
