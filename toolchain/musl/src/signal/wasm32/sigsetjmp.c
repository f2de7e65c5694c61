/* sigsetjmp is a macro in <setjmp.h> on wasm32, so that setjmp is called from
 * the program's own function (clang's rewriting needs that):
 *   sigsetjmp(b, s) = __wasm_sigsetjmp_tail(b, s, setjmp(b))
 * On the first return this records whether to save the mask and saves it;
 * when longjmp returns there again, it restores the mask. */
#include <setjmp.h>
#include "syscall.h"

hidden int __sigsetjmp_tail(sigjmp_buf, int);

int __wasm_sigsetjmp_tail(sigjmp_buf b, int savemask, int ret)
{
	if (!ret) b->__fl = savemask;
	return b->__fl ? __sigsetjmp_tail(b, ret) : ret;
}
