/* The program the exec tests execute: prints its arguments and a variable of
 * its environment, and checks what it inherited across the exec, as the
 * parent describes it in its environment:
 *   EXEC_EXPECT_PID=pid   the pid the process had before the exec
 *   EXEC_FDS=kept,cloexec a descriptor that must still be open (reading
 *                         "inherited" at its offset) and one that must not
 *   EXEC_EXIT=n           the exit status; EXEC_KILL=sig: die of sig */
#include "lt_exec.h"

int main(int argc, char **argv) {
    show("argc", argc);
    for (int i = 0; i < argc; i++) {
        put("argv["); put_int(i); put("]: \""); put(argv[i]); put("\"\n");
    }
    const char *v = lt_getenv("LAMINA_EXEC_TEST");
    show_str("LAMINA_EXEC_TEST", v ? v : "(unset)");
    const char *pid = lt_getenv("EXEC_EXPECT_PID");
    if (pid) expect_eq("same pid as before the exec", wali_getpid(), lt_atoi(pid));
    const char *fds = lt_getenv("EXEC_FDS");
    if (fds) {
        int kept = (int)lt_atoi(fds), cloexec = -1;
        for (const char *p = fds; *p; p++)
            if (*p == ',') cloexec = (int)lt_atoi(p + 1);
        expect_eq("close-on-exec descriptor closed", wali_fcntl(cloexec, F_GETFD, 0), -EBADF);
        expect_eq("other descriptor kept, without FD_CLOEXEC", wali_fcntl(kept, F_GETFD, 0), 0);
        char buf[32] = {0};
        expect_eq("it is the same open file, at the same offset", wali_read(kept, buf, sizeof buf - 1), 10);
        show_str("read", buf);
    }
    const char *kill = lt_getenv("EXEC_KILL");
    if (kill) wali_kill((int)wali_getpid(), (int)lt_atoi(kill));
    const char *code = lt_getenv("EXEC_EXIT");
    return code ? (int)lt_atoi(code) : lt_failures;
}
