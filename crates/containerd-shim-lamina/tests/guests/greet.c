/* The container test's guest: prints its argv, a variable and its working
 * directory, writes a line to stderr, then exits with the status given as
 * `exit N`, traps on `trap` (wasm `unreachable`, a native SIGILL), or waits on
 * `sleep` (to be killed) and on `term` (with a SIGTERM handler that exits 42),
 * saying "waiting" once it is ready; `fork` runs a child that reports its
 * own pid and exits 5, and reports the child's status; `exec` runs a child
 * that executes this module again (argv[0] `again`, `exit 7`) and reports
 * its status; `touch N` writes N MiB of fresh memory, then says so; `cat
 * FILE...` prints each file's first line or why it could not be read; `fds`
 * lists its open descriptors. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The blocks `touch` writes stay reachable through it, so that the compiler
 * cannot drop the allocations. */
char *volatile last_block;

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
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            char *again[] = {"again", "exit", "7", NULL};
            execv("/app/greet.wasm", again);
            perror("execv");
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        printf("parent: exec child exited %d\n", WEXITSTATUS(status));
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "touch") == 0) {
        int mib = atoi(argv[2]);
        for (int i = 0; i < mib; i++) {
            char *block = malloc(1 << 20);
            if (!block) {
                printf("malloc failed after %d MiB\n", i);
                return 2;
            }
            memset(block, i, 1 << 20);
            last_block = block;
        }
        printf("touched %d MiB\n", mib);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "fds") == 0) {
        DIR *dir = opendir("/proc/self/fd");
        if (!dir) return 1;
        printf("fds:");
        for (struct dirent *e; (e = readdir(dir));)
            if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(dir)) printf(" %s", e->d_name);
        printf("\n");
        closedir(dir);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cat") == 0) {
        for (int i = 2; i < argc; i++) {
            char line[256] = "";
            FILE *f = fopen(argv[i], "r");
            if (!f) {
                printf("%s: %s\n", argv[i], strerror(errno));
                continue;
            }
            if (!fgets(line, sizeof line, f)) line[0] = '\0';
            fclose(f);
            printf("%s: %s", argv[i], line);
        }
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
