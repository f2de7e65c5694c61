/* setjmp and longjmp through Wasm exception handling. With
 * `-mllvm -wasm-enable-sjlj` clang rewrites every function that calls setjmp:
 * the call records the function's invocation and a label in the jmp_buf
 * (__wasm_setjmp), longjmp throws a __c_longjmp exception (__wasm_longjmp),
 * and the function catches it, asks __wasm_setjmp_test whether the jmp_buf
 * belongs to this invocation and, if so, resumes after that setjmp with the
 * value. A jmp_buf whose frame has returned is never matched again. */
#include <setjmp.h>
#include <stdint.h>
#include "libc.h"

/* The part of a jmp_buf (344 bytes) this scheme uses. */
struct wasm_jmp_buf {
	void *invocation;
	uint32_t label;
	struct wasm_longjmp_arg {
		void *env;
		int val;
	} arg;
};

_Static_assert(sizeof(struct wasm_jmp_buf) <= sizeof(__jmp_buf), "jmp_buf too small");

void __wasm_setjmp(void *env, uint32_t label, void *invocation)
{
	struct wasm_jmp_buf *jb = env;
	jb->invocation = invocation;
	jb->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation)
{
	struct wasm_jmp_buf *jb = env;
	return jb->invocation == invocation ? jb->label : 0;
}

/* The exception carries a pointer to {env, val}, kept in the jmp_buf itself
 * so that it outlives the throwing frame. */
_Noreturn void __wasm_longjmp(void *env, int val)
{
	struct wasm_jmp_buf *jb = env;
	jb->arg.env = env;
	jb->arg.val = val ? val : 1;
	/* Tag 1 is __c_longjmp (c_longjmp.s). */
	__builtin_wasm_throw(1, &jb->arg);
}

/* For callers clang did not rewrite (longjmp through a function pointer). */
_Noreturn void longjmp(jmp_buf env, int val)
{
	__wasm_longjmp(env, val);
}

weak_alias(longjmp, _longjmp);
