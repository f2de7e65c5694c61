/* For a `main(argc, argv, envp)`, which clang leaves named main. */
#include <unistd.h>
#include "libc.h"

int main(int, char **, char **);

weak int __main_argc_argv(int argc, char **argv)
{
	return main(argc, argv, __environ);
}
