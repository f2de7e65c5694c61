/* Process containment under the sandbox: signals may only go between the
 * program and its descendants (a victim process the Rust test started must
 * be out of reach by kill, by kill of its process group and by sigqueue;
 * the program's own forked child, and its parent from an exec'd child, stay
 * within reach), and native programs may be executed only when listed with
 * --allow-exec (and then stay contained: /bin/cat cannot read a file outside
 * the granted directories for the program). Each attempt prints
 *     "<who> <what>: <result>"
 * with "ok", the negative errno, "ran", or a wait status spelled "exited N" /
 * "killed by N"; the Rust test (crates/lamina/tests/sandbox.rs) holds the
 * expected values. <who> is "self", "child" (a forked child) or "exec"
 * (after execve of this module), as in sandbox_fs.c.
 *
 * Modes (argv[1]):
 *   signals VICTIM_PID       prlimit / kill / kill of the group / sigqueue the victim
 *                            (SIGTERM), kill a forked child, and a forked
 *                            child that execs this module signals its parent.
 *   exec-native OUTSIDE_FILE fork+execve /bin/true, /bin/false,
 *                            `/bin/cat OUTSIDE_FILE` and the dynamic loader
 *                            given /bin/false (which it would run, listed or
 *                            not).
 *   signal-parent LABEL      (exec target) SIGWINCH to the parent (ignored
 *                            by default), printing "LABEL: <result>".
 * The first two run as self, in a forked child, then after exec of argv[0]
 * (as `<mode>-exec`). Raw WALI syscalls only; builds natively as well. */
#include "lt_exec.h"

#define SIGWINCH 28
#define SI_QUEUE (-1)

static const char *who = "self";

static void report(const char *what, long r) {
    put(who); put(" "); put(what); put(": ");
    if (r >= 0) put("ok");
    else put_int(r);
    put("\n");
}

static void report_status(const char *what, int status) {
    put(who); put(" "); put(what); put(": ");
    if ((status & 0x7f) == 0) { put("exited "); put_int((status >> 8) & 0xff); }
    else { put("killed by "); put_int(status & 0x7f); }
    put("\n");
}

static char label_buf[128];
static char *label(const char *what) {
    label_buf[0] = 0;
    memcpy(label_buf, who, strlen(who) + 1);
    memcpy(label_buf + strlen(label_buf), " ", 2);
    memcpy(label_buf + strlen(label_buf), what, strlen(what) + 1);
    return label_buf;
}

static const char *self_path;

static void signals(long victim) {
    /* Limits are not signals, but a limit can end a process too. */
    unsigned long long few_files[2] = {64, 64}, mine[2];
    report("prlimit victim", wali_prlimit64((int)victim, 7 /* RLIMIT_NOFILE */, few_files, NULL));
    long got = wali_prlimit64((int)wali_getpid(), 7, NULL, mine);
    report("prlimit own process", got < 0 ? got : wali_prlimit64((int)wali_getpid(), 7, mine, NULL));
    report("setpriority victim", wali_setpriority(0 /* PRIO_PROCESS */, (int)victim, 19));
    report("ioprio_set victim", wali_ioprio_set(1 /* IOPRIO_WHO_PROCESS */, (int)victim, (3 << 13) /* idle */));
    unsigned char cpus[128];
    memset(cpus, 0, sizeof cpus);
    long n = wali_sched_getaffinity(0, sizeof cpus, cpus);
    report("sched_setaffinity victim", n < 0 ? n : wali_sched_setaffinity((int)victim, sizeof cpus, cpus));
    long pidfd = wali_pidfd_open((int)victim, 0);
    report("pidfd_open victim", pidfd < 0 ? pidfd : 0);
    report("pidfd_send_signal victim", wali_pidfd_send_signal((int)pidfd, 0, NULL, 0));
    long stolen = wali_pidfd_getfd((int)pidfd, 0, 0);
    report("pidfd_getfd victim", stolen < 0 ? stolen : 0);
    report("kill victim", wali_kill((int)victim, SIGTERM));
    report("kill victim's process group", wali_kill((int)-victim, SIGTERM));
    int info[32];
    memset(info, 0, sizeof info);
    info[0] = SIGTERM;  /* si_signo */
    info[2] = SI_QUEUE; /* si_code */
    report("sigqueue victim", wali_rt_sigqueueinfo((int)victim, SIGTERM, info));

    /* Our own child is ours to signal. */
    long pid = wali_fork();
    if (pid == 0) {
        struct timespec ts = {3, 0}; /* bounded even if the kill fails */
        wali_nanosleep(&ts, NULL);
        wali_exit_group(0);
    }
    report("kill own child", wali_kill((int)pid, SIGTERM));
    report_status("own child", lt_wait(pid));

    /* A child that execs a module is still a descendant: it may signal us. */
    pid = wali_fork();
    if (pid == 0) {
        char *argv[] = {(char *)self_path, "signal-parent", label("exec'd child signals its parent"), NULL};
        long r = wali_execve((void *)self_path, argv, NULL);
        report("exec'd child signals its parent (exec failed)", r);
        wali_exit_group(127);
    }
    report_status("exec'd child", lt_wait(pid));
}

/* fork + execve(path, argv); the child reports a failed exec itself. */
static void run_native(const char *what, char **argv) {
    long pid = wali_fork();
    if (pid == 0) {
        long r = wali_execve(argv[0], argv, NULL);
        report(what, r);
        wali_exit_group(127);
    }
    char status_label[96];
    status_label[0] = 0;
    memcpy(status_label, what, strlen(what) + 1);
    memcpy(status_label + strlen(status_label), " status", 8);
    report_status(status_label, lt_wait(pid));
}

static void exec_native(const char *outside_file) {
    char *t[] = {"/bin/true", NULL};
    run_native("exec /bin/true", t);
    char *f[] = {"/bin/false", NULL};
    run_native("exec /bin/false", f);
    char *c[] = {"/bin/cat", (char *)outside_file, NULL};
    run_native("exec /bin/cat outside file", c);
    char *l[] = {"/lib64/ld-linux-x86-64.so.2", "/bin/false", NULL};
    run_native("exec the loader /bin/false", l);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    self_path = argv[0];
    const char *mode = argv[1];
    if (lt_streq(mode, "signal-parent")) {
        long r = wali_kill((int)wali_getppid(), SIGWINCH);
        put(argv[2]); put(": ");
        if (r >= 0) put("ok");
        else put_int(r);
        put("\n");
        return 0;
    }
    int is_exec = 0;
    const char *base = mode;
    if (lt_streq(mode, "signals-exec")) is_exec = 1, base = "signals";
    if (lt_streq(mode, "exec-native-exec")) is_exec = 1, base = "exec-native";
    int sig = lt_streq(base, "signals");
    if (!sig && !lt_streq(base, "exec-native")) return 2;
    long victim = sig ? lt_atoi(argv[2]) : 0;
    /* Never signal a group or everything by accident (kill(0)/kill(-1)). */
    if (sig && victim <= 1) { put("FAIL bad victim pid\n"); return 2; }
    if (is_exec) who = "exec";
    if (sig) signals(victim);
    else exec_native(argv[2]);
    if (is_exec) return 0;

    long pid = wali_fork();
    if (pid == 0) {
        who = "child";
        if (sig) signals(victim);
        else exec_native(argv[2]);
        wali_exit_group(0);
    }
    int status = lt_wait(pid);
    put("self forked child status: "); put_int(status); put("\n");
    char *next[] = {argv[0], sig ? "signals-exec" : "exec-native-exec", argv[2], NULL};
    long r = wali_execve(argv[0], next, NULL);
    report("exec self", r);
    return 1;
}
