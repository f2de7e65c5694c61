/* Processes through libc: fork and the wait family (exit codes, deaths by
 * signal, WNOHANG, ECHILD), pid relations, the stdio buffer a child
 * inherits, _exit skipping atexit handlers, vfork, exec (execvp of
 * /bin/echo, execl of /bin/sh -c, execve with an explicit environment, a
 * missing program), fork in a multithreaded process and from a thread,
 * pthread_atfork, FD_CLOEXEC across exec, posix_spawn, system and popen.
 * The harness runs both builds with PATH=/usr/bin:/bin only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static void describe(const char *label, int status) {
    if (WIFEXITED(status))
        printf("%s: exited with %d\n", label, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", label, WTERMSIG(status));
    else
        printf("%s: other status %#x\n", label, status);
}

/* Forks; the child runs `body` and exits with its result. Returns the wait
 * status. */
static int run_child(int (*body)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(body());
    CHECK(pid > 0);
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

static pid_t parent_pid;

static int exit_seven(void) { return 7; }
static int check_relations(void) { return (getppid() == parent_pid) + 2 * (getpid() != parent_pid); }
static int die_by_sigterm(void) { return raise(SIGTERM) + 100; }
static int die_by_abort(void) { abort(); }
static int exit_via_exit(void) {
    exit(42);
}

static void on_exit_message(void) {
    printf("atexit handler ran in pid-%s\n", getpid() == parent_pid ? "parent" : "child");
}

static void fork_and_wait(void) {
    parent_pid = getpid();
    describe("child returning 7", run_child(exit_seven));
    describe("pid relations (3 = getppid is parent and getpid differs)", run_child(check_relations));
    describe("child raising SIGTERM", run_child(die_by_sigterm));
    describe("child calling abort", run_child(die_by_abort));
    describe("child calling exit(42)", run_child(exit_via_exit));

    /* A child's copy of an unflushed stdio buffer is flushed by its exit():
     * the text appears twice; _exit discards it and skips atexit. */
    atexit(on_exit_message);
    printf("[unflushed text before fork]\n");
    pid_t pid = fork();
    if (pid == 0)
        exit(0);
    waitpid(pid, NULL, 0);
    printf("[parent continues]\n");
    fflush(stdout);
    printf("[discarded by _exit in the child]\n");
    pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    printf("\n[parent after _exit child]\n");

    /* Several children, reaped with waitpid(-1) in whatever order. */
    int seen = 0;
    for (int i = 1; i <= 4; i++) {
        fflush(stdout);
        if (fork() == 0) {
            usleep((5 - i) * 2000);
            _exit(10 * i);
        }
    }
    int status;
    pid_t got;
    while ((got = waitpid(-1, &status, 0)) > 0)
        seen |= 1 << (WEXITSTATUS(status) / 10);
    printf("reaped all four children (mask %#x), then errno=%s\n", seen, errno == ECHILD ? "ECHILD" : "other");

    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        ssize_t n = read(fds[0], &c, 1); /* blocks until the parent closes */
        _exit(n == 0 ? 5 : 6);
    }
    close(fds[0]);
    int r = waitpid(pid, &status, WNOHANG);
    printf("WNOHANG on a running child: %d\n", r);
    close(fds[1]);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    describe("child that waited for EOF", status);

    siginfo_t info;
    CHECK_EQ(pipe(fds), 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        read(fds[0], &c, 1);
        _exit(33);
    }
    close(fds[0]);
    memset(&info, 0xff, sizeof info);
    CHECK_EQ(waitid(P_ALL, 0, &info, WEXITED | WNOHANG), 0);
    printf("waitid WNOHANG on a running child: si_pid %d\n", info.si_pid);
    close(fds[1]);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED), 0);
    printf("waitid: CLD_EXITED=%d status=%d pid matches=%d\n", info.si_code == CLD_EXITED, info.si_status,
           info.si_pid == pid);

    volatile int shared = 0;
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        shared = 1; /* allowed to differ: vfork may or may not share memory */
        _exit(9);
    }
    waitpid(pid, &status, 0);
    describe("vfork child", status);
    (void)shared;
}

static void exec_family(void) {
    int status;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"echo", "hello", "from", "echo", NULL};
        execvp("echo", argv);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    describe("execvp echo", status);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "echo sh says $((6 * 7)); exit 3", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    describe("execl /bin/sh -c", status);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *argv[] = {"env", NULL};
        char *envp[] = {"ONLY=this", "AND=that", NULL};
        execve("/usr/bin/env", argv, envp);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    describe("execve env with two variables", status);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *argv[] = {"no-such-program-xyz", NULL};
        execvp(argv[0], argv);
        _exit(errno == ENOENT ? 120 : 121);
    }
    waitpid(pid, &status, 0);
    describe("execvp of a missing program (120 = ENOENT)", status);

    errno = 0;
    char *argv[] = {"x", NULL};
    int r = execv("/nonexistent/x", argv);
    printf("execv in the parent fails: %d errno=%s\n", r, errno == ENOENT ? "ENOENT" : "other");
}

/* pthread_atfork handlers append their letter to a log while armed. */
static char fork_log[16];
static int fork_log_len, fork_log_armed;

static void note(char c) {
    if (fork_log_armed && fork_log_len < (int)sizeof fork_log - 1)
        fork_log[fork_log_len++] = c;
}
static void atfork_prepare_a(void) { note('A'); }
static void atfork_prepare_b(void) { note('B'); }
static void atfork_parent_a(void) { note('a'); }
static void atfork_parent_b(void) { note('b'); }
static void atfork_child_a(void) { note('1'); }
static void atfork_child_b(void) { note('2'); }

/* Keeps allocating (taking malloc's lock) until told to stop. */
static void *allocator(void *arg) {
    volatile int *stop = arg;
    unsigned size = 1;
    while (!*stop) {
        size = size * 1103515245u + 12345u;
        free(malloc(64 + (size >> 20)));
    }
    return NULL;
}

/* Only the forking thread exists in the child; libc's own locks (malloc,
 * stdio) must be usable even if another thread held them at the fork. */
static int child_uses_libc(void) {
    char *p = malloc(100000);
    snprintf(p, 100000, "child of a threaded parent: malloc and stdio work");
    printf("%s\n", p);
    free(p);
    fflush(stdout);
    return 0;
}

static void *fork_from_thread(void *arg) {
    (void)arg;
    return (void *)(long)run_child(child_uses_libc);
}

static void threads_and_descriptors(void) {
    volatile int stop = 0;
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, allocator, (void *)&stop);
    int failures = 0;
    for (int i = 0; i < 20; i++) {
        int status = run_child(child_uses_libc);
        failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    pthread_t forker;
    pthread_create(&forker, NULL, fork_from_thread, NULL);
    void *status;
    pthread_join(forker, &status);
    stop = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("21 forks while threads allocate: failures %d; fork from a thread: ", failures);
    describe("child", (int)(long)status);

    /* Prepare handlers run in reverse order of registration, parent and
     * child handlers in order. */
    pthread_atfork(atfork_prepare_a, atfork_parent_a, atfork_child_a);
    pthread_atfork(atfork_prepare_b, atfork_parent_b, atfork_child_b);
    fflush(stdout);
    fork_log_armed = 1;
    pid_t pid = fork();
    if (pid == 0) {
        printf("pthread_atfork in the child: %s\n", fork_log);
        fflush(stdout);
        _exit(0);
    }
    fork_log_armed = 0;
    waitpid(pid, NULL, 0);
    printf("pthread_atfork in the parent: %s\n", fork_log);

    /* Descriptors without FD_CLOEXEC survive exec; those with it do not. */
    int keep = open("/dev/null", O_RDONLY), drop = open("/dev/null", O_RDONLY);
    dup2(keep, 8);
    dup2(drop, 9);
    fcntl(9, F_SETFD, FD_CLOEXEC);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c",
              "for fd in 8 9; do if { true <&$fd; } 2>/dev/null; then echo fd $fd open; else echo fd $fd closed; fi; "
              "done",
              (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    describe("exec with and without FD_CLOEXEC", st);
    close(keep);
    close(drop);
    close(8);
    close(9);
}

static void spawning(void) {
    fflush(stdout);
    pid_t pid;
    char *argv[] = {"sh", "-c", "echo spawned; exit 4", NULL};
    int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    printf("posix_spawn: %d\n", r);
    if (r == 0) {
        int status;
        waitpid(pid, &status, 0);
        describe("posix_spawn sh", status);
    }

    fflush(stdout);
    int status = system("echo from system; exit 5");
    describe("system", status);
    printf("system(NULL) reports a shell: %d\n", system(NULL) != 0);

    FILE *p = popen("echo one; echo two; echo three", "r");
    CHECK(p != NULL);
    if (p) {
        char line[64];
        int lines = 0;
        while (fgets(line, sizeof line, p))
            printf("popen read %d: %s", ++lines, line);
        describe("pclose", pclose(p));
    }
    fflush(stdout);
    p = popen("tr a-z A-Z", "w");
    CHECK(p != NULL);
    if (p) {
        fputs("written through popen\n", p);
        describe("pclose of writer", pclose(p));
    }
}

int main(void) {
    fork_and_wait();
    exec_family();
    threads_and_descriptors();
    spawning();
    return CHECK_STATUS();
}
