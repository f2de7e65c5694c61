/* Reaches every system call import of the C library: syscall() dispatches
 * on a number known only at run time, so the whole table is linked in; and
 * the auxiliary imports come with start-up, threads and posix_spawn. The
 * toolchain_abi test checks their wasm types against the WALI spec. */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		/* Never taken in the test: only linked. */
		pthread_t t;
		pthread_create(&t, 0, nothing, 0);
		pid_t pid;
		posix_spawn(&pid, argv[1], 0, 0, argv, 0);
		return (int)syscall(atoi(argv[1]), 0, 0, 0, 0, 0, 0);
	}
	/* SYS_getpid through the run-time dispatcher. */
	printf("%d\n", syscall(39) == getpid());
	return 0;
}
