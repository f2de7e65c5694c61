/* The C library's wrappers of the scheduling, priority, identity and CPU
 * time calls, under either C ABI: values that differ between runs are only
 * checked for their range. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile unsigned long sink;

int main(void) {
    for (unsigned long i = 0; i < 20000000; i++)
        sink += i;
    struct tms t;
    clock_t ticks = times(&t);
    printf("times: ticks %d, children none %d\n", ticks > 0, t.tms_cutime == 0 && t.tms_cstime == 0);
    CHECK(ticks > 0 && t.tms_utime >= 0 && t.tms_stime >= 0);
    long hz = sysconf(_SC_CLK_TCK);
    CHECK_EQ(hz, 100);

    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    CHECK_EQ(getresuid(&ru, &eu, &su), 0);
    CHECK_EQ(getresgid(&rg, &eg, &sg), 0);
    printf("getresuid: matches %d; getresgid: matches %d\n", ru == getuid() && eu == geteuid() && su == eu,
           rg == getgid() && eg == getegid() && sg == eg);
    printf("getpgrp: %d\n", getpgrp() == getpgid(0));

    errno = 0;
    int before = getpriority(PRIO_PROCESS, 0);
    CHECK_EQ(errno, 0);
    int now = nice(1);
    printf("nice: one more %d, getpriority agrees %d\n", now == before + 1, getpriority(PRIO_PROCESS, 0) == now);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, now + 1), 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), now + 1);
    errno = 0;
    CHECK_EQ(setpriority(42, 0, 0), -1);
    CHECK_EQ(errno, EINVAL);

    struct sched_param sp = {.sched_priority = 7};
    CHECK_EQ(sched_getparam(0, &sp), 0);
    printf("sched_getparam: priority %d; scheduler %d\n", sp.sched_priority, sched_getscheduler(0));
    CHECK_EQ(sched_setparam(0, &sp), 0);
    CHECK_EQ(sched_setscheduler(0, SCHED_BATCH, &sp), 0);
    printf("sched_setscheduler: now %d\n", sched_getscheduler(0));
    CHECK_EQ(sched_setscheduler(0, SCHED_OTHER, &sp), 0);
    printf("priority range FIFO: %d..%d, OTHER: %d..%d\n", sched_get_priority_min(SCHED_FIFO),
           sched_get_priority_max(SCHED_FIFO), sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_OTHER));
    struct timespec slice = {-1, -1};
    CHECK_EQ(sched_rr_get_interval(0, &slice), 0);
    CHECK(slice.tv_sec >= 0 && slice.tv_nsec >= 0 && slice.tv_nsec < 1000000000);

    cpu_set_t set, again;
    CPU_ZERO(&set);
    CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    int cpus = CPU_COUNT(&set);
    int cpu = sched_getcpu();
    printf("affinity: some cpus %d, running on one of them %d\n", cpus > 0, cpu >= 0 && CPU_ISSET(cpu, &set));
    CHECK_EQ(sched_setaffinity(0, sizeof set, &set), 0);
    CPU_ZERO(&again);
    CHECK_EQ(sched_getaffinity(0, sizeof again, &again), 0);
    CHECK(CPU_EQUAL(&set, &again));

    int persona = personality(0xffffffff);
    CHECK_EQ(personality(persona | ADDR_NO_RANDOMIZE), persona);
    printf("personality: no randomisation set %d\n", (personality(0xffffffff) & ADDR_NO_RANDOMIZE) != 0);
    personality(persona);

    time_t a = time(NULL), b;
    time(&b);
    CHECK(b >= a && b - a <= 2);
    struct timespec ts = {0, 0};
    errno = 0;
    CHECK_EQ(clock_settime(CLOCK_MONOTONIC, &ts), -1);
    printf("clock_settime monotonic: %s\n", strerror(errno));

    char name[256];
    CHECK_EQ(gethostname(name, sizeof name), 0);
    int r = sethostname(name, strlen(name));
    printf("sethostname to itself: %s\n", r == 0 ? "ok" : strerror(errno));
    CHECK(r == 0 || errno == EPERM);

    pid_t pid = vfork();
    if (pid == 0)
        _exit(9);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    printf("vfork: child exited %d\n", WEXITSTATUS(status));
    times(&t);
    printf("times after a child: children's times counted %d\n", t.tms_cutime >= 0 && t.tms_cstime >= 0);
    return CHECK_STATUS();
}
