/* proc_exit and proc_raise. */
#include <signal.h>
#include <unistd.h>
#include "wasi_layer.h"

WASI_EXPORT("proc_exit") void wasi_proc_exit(uint32_t code)
{
	/* The whole process ends here, program and layer: nothing of the
	 * layer's needs flushing, and the program's stdio was its own. */
	_exit((int)code);
}

/* WASI's signal numbers, in order from 1 (0 is "no signal"). */
static const int linux_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1,
	SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN,
	SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGPOLL, SIGPWR, SIGSYS,
};

WASI_EXPORT("proc_raise") int wasi_proc_raise(uint32_t sig)
{
	if (sig == 0)
		return WASI_ESUCCESS; /* as kill(pid, 0): nothing is sent */
	if (sig > sizeof linux_signals / sizeof linux_signals[0])
		return WASI_EINVAL;
	return raise(linux_signals[sig - 1]) == 0 ? WASI_ESUCCESS : wasi_errno_last();
}
