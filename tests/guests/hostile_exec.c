/* Hostile arguments to execve and __clone (WALI only). The target of every
 * execve that must fail is /bin/false, so a check that wrongly let the exec
 * through ends the run with status 1 and without the closing "done". */
#include "lt_exec.h"

#define WILD ((void *)0xfffffff0u)
#define PATH_MAX 4096
#define MAX_ARG_STRLEN (32 * 4096)

static char *mem_end(void) { return (char *)(__builtin_wasm_memory_size(0) * 65536ul); }

static char huge[MAX_ARG_STRLEN + 16];
static char big[120000];
static char *many[64];
static char *too_many[800001];

static int never_called(void *arg) { (void)arg; return 0; }
static void wrong_type(void) {}

static void clone_dies_of(const char *label, int (*fn)(void *)) {
    int pid = wali___clone(fn, LT_CLONE_STACK_TOP, SIGCHLD, NULL);
    expect_true(label, pid > 0);
    int status = lt_wait(pid);
    put(label); put(": ");
    show("termsig", status & 0x7f);
    expect_eq("the child crashed like a bad native call", status & 0x7f, 11);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    char *ok_argv[] = {"false", NULL};
    char *wild_entry[] = {"false", WILD, NULL};

    /* The path. */
    expect_eq("NULL path", wali_execve(NULL, ok_argv, NULL), -EFAULT);
    expect_eq("wild path", wali_execve(WILD, ok_argv, NULL), -EFAULT);
    memset(huge, 'a', PATH_MAX + 10);
    huge[0] = '/';
    expect_eq("path longer than PATH_MAX", wali_execve(huge, ok_argv, NULL), -ENAMETOOLONG);
    char *end = mem_end();
    memcpy(end - 3, "/bi", 3);
    expect_eq("path running off the end of memory", wali_execve(end - 3, ok_argv, NULL), -EFAULT);

    /* The arrays: the executable is opened first (Linux 6.8 and later). */
    expect_eq("missing file before a wild argv", wali_execve("./missing", WILD, NULL), -ENOENT);
    expect_eq("directory before a wild envp", wali_execve(".", ok_argv, WILD), -EACCES);
    expect_eq("wild argv", wali_execve("/bin/false", WILD, NULL), -EFAULT);
    expect_eq("wild envp", wali_execve("/bin/false", ok_argv, WILD), -EFAULT);
    expect_eq("wild argv entry", wali_execve("/bin/false", wild_entry, NULL), -EFAULT);
    expect_eq("wild envp entry", wali_execve("/bin/false", ok_argv, wild_entry), -EFAULT);
    char **tail = (char **)(end - 4);
    *tail = "false"; /* no terminator before the end of memory */
    expect_eq("argv running off the end of memory", wali_execve("/bin/false", tail, NULL), -EFAULT);
    expect_eq("envp running off the end of memory", wali_execve("/bin/false", ok_argv, tail), -EFAULT);
    memcpy(end - 3, "abc", 3);
    char *unterminated[] = {"false", end - 3, NULL};
    expect_eq("argument running off the end of memory", wali_execve("/bin/false", unterminated, NULL), -EFAULT);

    /* The kernel's limits. */
    memset(huge, 'a', MAX_ARG_STRLEN);
    huge[MAX_ARG_STRLEN] = 0;
    char *long_arg[] = {"false", huge, NULL};
    expect_eq("argument of MAX_ARG_STRLEN bytes", wali_execve("/bin/false", long_arg, NULL), -E2BIG);
    expect_eq("variable of MAX_ARG_STRLEN bytes", wali_execve("/bin/false", ok_argv, long_arg), -E2BIG);
    memset(big, 'b', sizeof big - 1);
    for (int i = 0; i < 63; i++) many[i] = big;
    expect_eq("7 MiB of arguments", wali_execve("/bin/false", many, NULL), -E2BIG);
    for (int i = 0; i < 800000; i++) too_many[i] = "";
    expect_eq("800000 arguments", wali_execve("/bin/false", too_many, NULL), -E2BIG);

    /* execveat: the same checks, and descriptors and flags the guest picks. */
    int bin = (int)wali_open("/bin", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    expect_eq("execveat of a wild path", wali_execveat(bin, WILD, ok_argv, NULL, 0), -EFAULT);
    expect_eq("execveat of a NULL path with AT_EMPTY_PATH", wali_execveat(bin, NULL, ok_argv, NULL, 0x1000), -EFAULT);
    expect_eq("execveat with every flag", wali_execveat(bin, "false", ok_argv, NULL, -1), -EINVAL);
    expect_eq("execveat of descriptor -1", wali_execveat(-1, "false", ok_argv, NULL, 0), -EBADF);
    expect_eq("execveat of a huge descriptor", wali_execveat(0x7fffffff, "", ok_argv, NULL, 0x1000), -EBADF);
    expect_eq("execveat of a negative descriptor", wali_execveat(-5, "", ok_argv, NULL, 0x1000), -EBADF);
    expect_eq("execveat with a wild argv", wali_execveat(bin, "false", WILD, NULL, 0), -EFAULT);
    expect_eq("execveat with a wild envp entry", wali_execveat(bin, "false", ok_argv, wild_entry, 0), -EFAULT);
    expect_eq("execveat beyond the limits", wali_execveat(bin, "false", too_many, NULL, 0), -E2BIG);
    /* A pipe is no executable, whatever its descriptor's flags. */
    int pipe_fds[2];
    expect_eq("pipe", wali_pipe2(pipe_fds, 0), 0);
    expect_eq("execveat of a pipe", wali_execveat(pipe_fds[1], "", ok_argv, NULL, 0x1000), -EACCES);

    /* __clone: only a fork signalling SIGCHLD, optionally CLONE_VM|CLONE_VFORK. */
    expect_eq("__clone with CLONE_THREAD",
              wali___clone(never_called, LT_CLONE_STACK_TOP, CLONE_THREAD | CLONE_VM | SIGCHLD, NULL), -EINVAL);
    expect_eq("__clone without exit signal", wali___clone(never_called, LT_CLONE_STACK_TOP, 0, NULL), -EINVAL);
    expect_eq("__clone with SIGTERM as exit signal",
              wali___clone(never_called, LT_CLONE_STACK_TOP, SIGTERM, NULL), -EINVAL);
    clone_dies_of("__clone of a NULL function", NULL);
    clone_dies_of("__clone of a function outside the table", (int (*)(void *))0x7fffffffu);
    clone_dies_of("__clone of a function of another type", (int (*)(void *))wrong_type);

    put("done\n");
    return lt_failures;
}
