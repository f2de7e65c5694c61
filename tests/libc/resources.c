/* The calls whose kernel structures have long fields that the library
 * converts where long is 32-bit (getrusage, wait4, sysinfo) or has padded
 * (waitid's siginfo_t): the values must be in their ranges, which a
 * misplaced or narrowed field would not be. Only those outcomes are
 * printed, as the values differ between runs. (times is in scheduling.c,
 * getitimer in itimers.c.) */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static volatile unsigned long sink;

static void spin(void) {
    for (unsigned long i = 0; i < 20000000; i++)
        sink += i;
}

static int sane_timeval(struct timeval tv) { return tv.tv_sec >= 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000; }

/* Counters a process that ran has: memory used, no negative counts. */
static int sane_rusage(const struct rusage *ru) {
    return sane_timeval(ru->ru_utime) && sane_timeval(ru->ru_stime) && ru->ru_maxrss > 0 &&
           ru->ru_maxrss < 64L * 1024 * 1024 && ru->ru_minflt >= 0 && ru->ru_majflt >= 0 && ru->ru_nvcsw >= 0 &&
           ru->ru_nivcsw >= 0 && ru->ru_inblock >= 0 && ru->ru_oublock >= 0;
}

int main(void) {
    spin();
    struct rusage ru;
    CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
    printf("getrusage: in range %d, spent some user time %d\n", sane_rusage(&ru),
           ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0);
    CHECK(sane_rusage(&ru));

    pid_t pid = fork();
    if (pid == 0) {
        spin();
        _exit(3);
    }
    int status = 0;
    struct rusage child;
    pid_t waited = wait4(pid, &status, 0, &child);
    printf("wait4: the child %d, exit status %d, its rusage in range %d\n", waited == pid, WEXITSTATUS(status),
           sane_rusage(&child));
    CHECK(waited == pid && sane_rusage(&child));

    pid = fork();
    if (pid == 0)
        _exit(5);
    siginfo_t info = {0};
    CHECK_EQ(waitid(P_PID, pid, &info, WEXITED), 0);
    printf("waitid: signal %d, code exited %d, pid %d, status %d\n", info.si_signo, info.si_code == CLD_EXITED,
           info.si_pid == pid, info.si_status);
    CHECK_EQ(info.si_status, 5);

    struct sysinfo si;
    CHECK_EQ(sysinfo(&si), 0);
    unsigned long long unit = si.mem_unit, total = si.totalram * unit;
    int sane = si.uptime > 0 && si.mem_unit >= 1 && total >= (16ULL << 20) && si.freeram <= si.totalram &&
               si.freeswap <= si.totalswap && si.procs > 0;
    printf("sysinfo: in range %d\n", sane);
    CHECK(sane);

    return CHECK_STATUS();
}
