/* execve in its forms, the same natively and under Lamina. Run in a directory
 * holding `child` (the exec_child program of the same build, executable) and
 * `child-noexec` (the same without execute permission); argv[1] picks a case:
 *   image     replace this process by ./child: argv, environment, pid and
 *             descriptors carry over (the output goes on in the child)
 *   fork      fork + execve + wait4: exit statuses and deaths by signal
 *   native    a native program (/bin/echo, /bin/sh with the environment)
 *   script    a #!/bin/sh script
 *   interp    scripts whose interpreter is ./child, directly and nested
 *   errors    failures with the kernel's errno; the caller carries on
 *   clone     __clone (posix_spawn's way) running execve in the child
 *   thread    execve from a second thread of a multithreaded process
 *   nobody    a child that drops its privileges (to nobody, when run as
 *             root) and then executes ./child
 *   at        execveat: the file of a descriptor (close-on-exec, O_PATH),
 *             a path relative to a directory descriptor, AT_SYMLINK_NOFOLLOW,
 *             scripts named through descriptors, and the kernel's errors */
#include "lt_exec.h"
#include "lt_thread.h"

static char *child_env[8];
static char pid_var[48];

/* A fork whose child execs `path` with `argv` and `envp`, and the status. */
static int spawn(const char *path, char **argv, char **envp) {
    long pid = wali_fork();
    if (pid == 0) {
        long r = wali_execve((void *)path, argv, envp);
        put("FAIL exec in the child: "); put_int(r); put("\n");
        wali_exit_group(127);
    }
    return lt_wait(pid);
}

static void show_status(const char *label, int status) {
    put(label); put(": ");
    if ((status & 0x7f) == 0) { put("exited "); put_int((status >> 8) & 0xff); }
    else { put("killed by "); put_int(status & 0x7f); }
    put("\n");
}

static void image(void) {
    lt_write_file("inherited.txt", "inherited\n", 0644);
    int kept = (int)wali_open("inherited.txt", O_RDONLY, 0);
    int cloexec = (int)wali_open("inherited.txt", O_RDONLY | O_CLOEXEC, 0);
    expect_true("descriptors", kept >= 0 && cloexec >= 0);
    static char fds[64];
    lt_itoa(kept, fds);
    size_t n = strlen(fds);
    fds[n] = ',';
    lt_itoa(cloexec, fds + n + 1);
    static char fds_var[80] = "EXEC_FDS=";
    memcpy(fds_var + 9, fds, strlen(fds) + 1);
    memcpy(pid_var, "EXEC_EXPECT_PID=", 16);
    lt_itoa(wali_getpid(), pid_var + 16);
    char *envp[] = {"LAMINA_EXEC_TEST=hello world", pid_var, fds_var, "LAMINA_EXEC_TEST=shadowed", NULL};
    char *argv[] = {"chosen argv0", "a b", "", "-v", "--env", "last", NULL};
    put("before exec\n");
    long r = wali_execve("./child", argv, envp);
    put("FAIL execve returned: "); put_int(r); put("\n");
    lt_failures++;
}

/* A fork whose child execveat()s and the status, or the child's errno. */
static int spawn_at(int dirfd, const char *path, int flags, char **envp) {
    char *argv[] = {"by execveat", NULL};
    long pid = wali_fork();
    if (pid == 0) {
        long r = wali_execveat(dirfd, (void *)path, argv, envp, flags);
        wali_exit_group((int)(200 - r));
    }
    return lt_wait(pid);
}

#define O_PATH 010000000

static void at_cases(void) {
    char *exit5[] = {"EXEC_EXIT=5", NULL};
    int cloexec = (int)wali_open("./child", O_RDONLY | O_CLOEXEC, 0);
    int path_only = (int)wali_open("./child", O_PATH | O_CLOEXEC, 0);
    int dir = (int)wali_open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    int kept = (int)wali_open("./child", O_RDONLY, 0);
    expect_true("descriptors", cloexec >= 0 && path_only >= 0 && dir >= 0 && kept >= 0);
    show_status("close-on-exec descriptor", spawn_at(cloexec, "", AT_EMPTY_PATH, exit5));
    show_status("O_PATH descriptor", spawn_at(path_only, "", AT_EMPTY_PATH, exit5));
    show_status("inherited descriptor", spawn_at(kept, "", AT_EMPTY_PATH, exit5));
    show_status("relative to a directory", spawn_at(dir, "child", 0, exit5));
    show_status("absolute, directory ignored", spawn_at(-1, "/bin/true", 0, NULL));
    wali_symlinkat("child", AT_FDCWD, "child-link");
    show_status("through a symbolic link", spawn_at(dir, "child-link", 0, exit5));
    /* A script's interpreter opens it by its name, /dev/fd/N[/path]: gone
     * with a close-on-exec descriptor (ENOENT), there with another. */
    lt_write_file("via-fd.sh", "#!./child\n", 0755);
    int script = (int)wali_open("via-fd.sh", O_RDONLY | O_CLOEXEC, 0);
    int script_kept = (int)wali_open("via-fd.sh", O_RDONLY, 0);
    show_status("script through a close-on-exec descriptor", spawn_at(script, "", AT_EMPTY_PATH, exit5));
    show_status("script through a directory descriptor", spawn_at(dir, "via-fd.sh", 0, exit5));
    show_status("script through an inherited descriptor", spawn_at(script_kept, "", AT_EMPTY_PATH, exit5));
    char *argv[] = {"x", NULL};
    expect_eq("symbolic link not followed", wali_execveat(dir, "child-link", argv, NULL, AT_SYMLINK_NOFOLLOW), -ELOOP);
    expect_eq("unknown flag", wali_execveat(dir, "child", argv, NULL, 0x8), -EINVAL);
    expect_eq("empty path without AT_EMPTY_PATH", wali_execveat(cloexec, "", argv, NULL, 0), -ENOENT);
    expect_eq("closed directory descriptor", wali_execveat(999, "child", argv, NULL, 0), -EBADF);
    expect_eq("file as the directory", wali_execveat(cloexec, "child", argv, NULL, 0), -ENOTDIR);
    expect_eq("directory itself", wali_execveat(dir, "", argv, NULL, AT_EMPTY_PATH), -EACCES);
    expect_eq("working directory itself", wali_execveat(AT_FDCWD, "", argv, NULL, AT_EMPTY_PATH), -EACCES);
    expect_eq("closed descriptor itself", wali_execveat(999, "", argv, NULL, AT_EMPTY_PATH), -EBADF);
    expect_eq("missing file", wali_execveat(dir, "no-such-file", argv, NULL, 0), -ENOENT);
    expect_eq("no execute permission", wali_execveat(dir, "child-noexec", argv, NULL, 0), -EACCES);
    put("still here\n");
}

static void nobody(void) {
    char *argv[] = {"as nobody", NULL};
    char *envp[] = {"EXEC_EXIT=6", NULL};
    long pid = wali_fork();
    if (pid == 0) {
        /* Not root: the calls fail alike natively and under Lamina. */
        if (wali_setgid(65534) == 0 && wali_setuid(65534) == 0) put("dropped to nobody\n");
        long r = wali_execve("./child", argv, envp);
        wali_exit_group((int)(200 - r));
    }
    show_status("after dropping privileges", lt_wait(pid));
}

static void fork_cases(void) {
    char *argv[] = {"child", NULL};
    char *exit42[] = {"EXEC_EXIT=42", NULL};
    show_status("exit 42", spawn("./child", argv, exit42));
    char *exit300[] = {"EXEC_EXIT=300", NULL};
    show_status("exit 300", spawn("./child", argv, exit300));
    char *killed[] = {"EXEC_KILL=15", NULL};
    show_status("SIGTERM", spawn("./child", argv, killed));
    /* NULL argv and envp: the kernel runs the program with argv = [""]. */
    show_status("no arguments", spawn("./child", NULL, NULL));
}

static void native(void) {
    char *echo[] = {"echo", "hello", "from", "echo", NULL};
    show_status("echo", spawn("/bin/echo", echo, NULL));
    char *sh[] = {"sh", "-c", "printf '%s|%s|%s\\n' \"$0\" \"$1\" \"$LAMINA_EXEC_TEST\"", "zero", "one", NULL};
    char *env[] = {"LAMINA_EXEC_TEST=native env", NULL};
    show_status("sh", spawn("/bin/sh", sh, env));
}

static void script(void) {
    lt_write_file("script.sh", "#!/bin/sh\necho \"script: $0 [$1] [$2] $LAMINA_EXEC_TEST\"\nexit 3\n", 0755);
    char *argv[] = {"ignored", "x y", "z", NULL};
    char *env[] = {"LAMINA_EXEC_TEST=from envp", NULL};
    show_status("script", spawn("./script.sh", argv, env));
}

static void interp(void) {
    lt_write_file("tool-script", "#!./child  opt arg \t\nnot read\n", 0755);
    lt_write_file("nested", "#!./tool-script\n", 0755);
    char *argv[] = {"ignored", "x", NULL};
    char *env[] = {"LAMINA_EXEC_TEST=interpreted", NULL};
    show_status("interpreter", spawn("./tool-script", argv, env));
    show_status("nested", spawn("./nested", argv, env));
    /* Five scripts in a row are followed; a sixth is ELOOP. */
    lt_write_file("s1", "#!./nested\n", 0755);
    lt_write_file("s2", "#!./s1\n", 0755);
    lt_write_file("s3", "#!./s2\n", 0755);
    lt_write_file("s4", "#!./s3\n", 0755);
    show_status("five scripts deep", spawn("./s3", argv, env));
    expect_eq("six scripts deep", wali_execve("./s4", argv, env), -ELOOP);
}

static void errors(void) {
    char *argv[] = {"x", NULL};
    lt_write_file("data.txt", "just data\n", 0644);
    lt_write_file("garbage", "\x01\x02 not a program\n", 0755);
    lt_write_file("bad-interp", "#!./no-such-interpreter\n", 0755);
    lt_write_file("empty-shebang", "#!\n", 0755);
    lt_write_file("noexec-interp", "#!./child-noexec\n", 0755);
    lt_write_file("loop", "#!./loop\n", 0755);
    expect_eq("missing file", wali_execve("./no-such-file", argv, NULL), -ENOENT);
    expect_eq("empty path", wali_execve("", argv, NULL), -ENOENT);
    expect_eq("no execute permission", wali_execve("./data.txt", argv, NULL), -EACCES);
    expect_eq("program without execute permission", wali_execve("./child-noexec", argv, NULL), -EACCES);
    expect_eq("directory", wali_execve(".", argv, NULL), -EACCES);
    expect_eq("not a directory", wali_execve("./data.txt/x", argv, NULL), -ENOTDIR);
    expect_eq("unknown format", wali_execve("./garbage", argv, NULL), -ENOEXEC);
    expect_eq("missing interpreter", wali_execve("./bad-interp", argv, NULL), -ENOENT);
    expect_eq("no interpreter named", wali_execve("./empty-shebang", argv, NULL), -ENOEXEC);
    expect_eq("interpreter without execute permission", wali_execve("./noexec-interp", argv, NULL), -EACCES);
    expect_eq("interpreter loop", wali_execve("./loop", argv, NULL), -ELOOP);
    put("still here\n");
}

static int clone_pipe[2];

static int exec_echo(void *arg) {
    char **argv = arg;
    long r = wali_execve("/bin/echo", argv, NULL);
    return (int)-r;
}

static int returns_seven(void *arg) {
    (void)arg;
    return 7;
}

/* posix_spawn's protocol: a failed exec reports its errno through a
 * close-on-exec pipe; a successful one closes it. */
static int spawn_child(void *arg) {
    wali_close(clone_pipe[0]);
    int err = (int)-wali_execve((void *)arg, NULL, NULL);
    wali_write(clone_pipe[1], &err, sizeof err);
    wali_exit_group(127);
    return 0;
}

static void spawn_reporting(const char *path) {
    if (wali_pipe2(clone_pipe, O_CLOEXEC) != 0) { put("FAIL pipe2\n"); lt_failures++; }
    int pid = wali___clone(spawn_child, LT_CLONE_STACK_TOP, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)path);
    wali_close(clone_pipe[1]);
    int err = 0;
    long n = wali_read(clone_pipe[0], &err, sizeof err);
    wali_close(clone_pipe[0]);
    put(path); put(": ");
    if (n == sizeof err) { put("exec failed with errno "); put_int(err); put(", "); }
    show_status("status", lt_wait(pid));
}

static void clone_cases(void) {
    char *echo[] = {"echo", "spawned", "by", "__clone", NULL};
    /* Nothing is printed while a child may be printing. */
    int pid = wali___clone(exec_echo, LT_CLONE_STACK_TOP, CLONE_VM | CLONE_VFORK | SIGCHLD, echo);
    int status = lt_wait(pid);
    expect_true("__clone returns the child's pid", pid > 0);
    show_status("echo through __clone", status);
    pid = wali___clone(returns_seven, LT_CLONE_STACK_TOP, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    show_status("child function's result", lt_wait(pid));
    spawn_reporting("/bin/true");
    spawn_reporting("./no-such-program");
}

static volatile int exec_thread_started;

static void exec_from_thread(void *arg) {
    (void)arg;
    char *argv[] = {"from a thread", NULL};
    char *envp[] = {"LAMINA_EXEC_TEST=thread", pid_var, NULL};
    long r = wali_execve("./child", argv, envp);
    put("FAIL execve from a thread returned: "); put_int(r); put("\n");
    wali_exit_group(1);
}

static void thread(void) {
    static char stack[65536] __attribute__((aligned(16)));
    static struct lt_thread t;
    memcpy(pid_var, "EXEC_EXPECT_PID=", 16);
    lt_itoa(wali_getpid(), pid_var + 16);
    t.fn = exec_from_thread;
    t.stack_top = stack + sizeof stack;
    /* The exec ends this thread (and the process image) while it waits,
     * maybe before anything it printed now would be out. */
    if (lt_spawn(&t) != 0) { put("FAIL thread start\n"); lt_failures++; return; }
    lt_join(&t);
    put("FAIL the exec did not replace the process\n");
    lt_failures++;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *mode = argv[1];
    if (lt_streq(mode, "image")) image();
    else if (lt_streq(mode, "fork")) fork_cases();
    else if (lt_streq(mode, "native")) native();
    else if (lt_streq(mode, "script")) script();
    else if (lt_streq(mode, "interp")) interp();
    else if (lt_streq(mode, "errors")) errors();
    else if (lt_streq(mode, "clone")) clone_cases();
    else if (lt_streq(mode, "thread")) thread();
    else if (lt_streq(mode, "at")) at_cases();
    else if (lt_streq(mode, "nobody")) nobody();
    else return 2;
    return lt_failures;
}
