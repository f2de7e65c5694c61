/* The container test's guest: prints its argv, a variable and its working
 * directory, writes a line to stderr, then exits with the status given as
 * `exit N`, traps on `trap` (wasm `unreachable`, a native SIGILL), or waits on
 * `sleep` (to be killed) and on `term` (with a SIGTERM handler that exits 42),
 * saying "waiting" once it is ready; `fork` runs a child that reports its
 * own pid and exits 5, and reports the child's status. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) {
    (void)sig;
    static const char line[] = "greet: SIGTERM\n";
    write(2, line, sizeof line - 1);
    _exit(42);
}

int main(int argc, char **argv) {
    char cwd[256];
    const char *greeting = getenv("GREETING");
    printf("argv:");
    for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
    printf("\nGREETING=%s\ncwd=%s\n", greeting ? greeting : "(unset)", getcwd(cwd, sizeof cwd) ? cwd : "?");
    fflush(stdout);
    fprintf(stderr, "greet: to stderr\n");
    if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
    if (argc > 1 && strcmp(argv[1], "fork") == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            printf("child: parent is %d\n", (int)getppid());
            return 5;
        }
        int status = 0;
        waitpid(pid, &status, 0);
        printf("parent: pid %d, child exited %d\n", (int)getpid(), WEXITSTATUS(status));
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "sleep") == 0 || strcmp(argv[1], "term") == 0)) {
        if (strcmp(argv[1], "term") == 0) signal(SIGTERM, on_term);
        printf("waiting\n");
        fflush(stdout);
        for (;;) pause();
    }
    return argc > 2 && strcmp(argv[1], "exit") == 0 ? atoi(argv[2]) : 0;
}
