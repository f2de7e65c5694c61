#define _GNU_SOURCE
/* Process start-up of a WALI program: the runtime has no initial stack of
 * argv, envp and auxv; the program asks for its arguments and the path of its
 * environment file through WALI's auxiliary imports instead. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "atomic.h"
#include "libc.h"
#include "syscall.h"

#define WALI_AUX(name) __attribute__((__import_module__("wali"), __import_name__(name)))

WALI_AUX("__init") int __wali_init(void);
WALI_AUX("__cl_get_argc") unsigned __wali_cl_get_argc(void);
WALI_AUX("__cl_get_argv_len") unsigned __wali_cl_get_argv_len(unsigned);
WALI_AUX("__cl_copy_argv") int __wali_cl_copy_argv(char *, unsigned);
WALI_AUX("__get_init_envfile") int __wali_get_init_envfile(char *, unsigned);

/* Global constructors, synthesized by the linker. */
void __wasm_call_ctors(void);

/* The program's main, whatever its parameters (see __main_void.c). */
int __main_void(void);

hidden int __libc_argc;
hidden char **__libc_argv;

/* The stack protector's set-up, when a program uses it. */
static void no_ssp(void *entropy) {}
weak_alias(no_ssp, __init_ssp);

static void init_ssp(void)
{
	uintptr_t canary;
	if (__syscall(SYS_getrandom, &canary, sizeof canary, 0) == sizeof canary)
		__init_ssp(&canary);
	else
		__init_ssp(0);
}

static void fail(const char *why)
{
	/* Nothing is set up to report with stdio yet. */
	__syscall(SYS_write, 2, why, strlen(why));
	_Exit(127);
}

static char **read_argv(int argc)
{
	char **argv = malloc((argc + 1) * sizeof *argv);
	if (!argv) fail("out of memory reading the arguments\n");
	for (int i = 0; i < argc; i++) {
		size_t len = __wali_cl_get_argv_len(i);
		if (!(argv[i] = malloc(len + 1))) fail("out of memory reading the arguments\n");
		__wali_cl_copy_argv(argv[i], i);
		argv[i][len] = 0;
	}
	argv[argc] = 0;
	return argv;
}

/* The whole file, NUL-terminated, or a null pointer if it cannot be read. */
static char *read_file(const char *path)
{
	int fd = __sys_open(path, O_RDONLY|O_CLOEXEC);
	if (fd < 0) return 0;
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) fail("out of memory reading the environment\n");
		long n = __syscall(SYS_read, fd, buf + size, cap - size - 1);
		if (n == -EINTR) continue;
		if (n < 0) {
			free(buf);
			buf = 0;
			break;
		}
		if (!n) {
			buf[size] = 0;
			break;
		}
		size += n;
		if (cap - size < 2) buf = realloc(buf, cap *= 2);
	}
	__syscall(SYS_close, fd);
	return buf;
}

/* The environment file has one NAME=value per line. Lines without '=' (an
 * empty line, say) name no variable and are skipped. */
static char **read_environ(void)
{
	static char *empty[1];
	char path[4096];
	if (!__wali_get_init_envfile(path, sizeof path) || !path[0]) return empty;
	char *text = read_file(path);
	if (!text) fail("cannot read the environment file given by the runtime\n");
	size_t lines = 1;
	for (char *s = text; *s; s++) lines += *s == '\n';
	char **env = malloc((lines + 1) * sizeof *env);
	if (!env) fail("out of memory reading the environment\n");
	size_t n = 0;
	for (char *line = text; *line; ) {
		char *end = strchrnul(line, '\n');
		char *next = *end ? end + 1 : end;
		*end = 0;
		if (strchr(line, '=') && line[0] != '=') env[n++] = line;
		line = next;
	}
	env[n] = 0;
	return env;
}

_Noreturn void __libc_start_main(void)
{
	/* Only a program started twice gets a nonzero answer. */
	if (__wali_init()) a_crash();

	static size_t auxv[2];
	libc.auxv = auxv;
	libc.page_size = PAGE_SIZE;
	__init_tls(auxv);
	init_ssp();

	__environ = read_environ();
	__libc_argc = __wali_cl_get_argc();
	__libc_argv = read_argv(__libc_argc);
	char *pn = __libc_argc ? __libc_argv[0] : "";
	__progname = __progname_full = pn;
	for (size_t i = 0; pn[i]; i++) if (pn[i] == '/') __progname = pn + i + 1;

	__wasm_call_ctors();
	/* Returning from main is calling exit: atexit handlers run and stdio
	 * is flushed, as on every other Linux target. */
	exit(__main_void());
}
