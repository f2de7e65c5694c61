/* clang renames a `main` of no parameters to __main_void and one of (argc,
 * argv) to __main_argc_argv; start-up always calls __main_void. These weak
 * definitions bridge to whichever main the program has. */
#include "libc.h"

int __main_argc_argv(int, char **);

extern hidden int __libc_argc;
extern hidden char **__libc_argv;

weak int __main_void(void)
{
	return __main_argc_argv(__libc_argc, __libc_argv);
}
