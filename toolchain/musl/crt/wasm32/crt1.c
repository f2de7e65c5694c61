/* The entry point of every WALI program (the module's exported _start). The
 * C library starts the process: see src/env/wasm32/__libc_start_main.c. */
#include <features.h>

_Noreturn void __libc_start_main(void);

void _start(void)
{
	__libc_start_main();
}
