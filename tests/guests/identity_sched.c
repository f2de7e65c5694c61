/* Scheduling and priorities, CPU times, capabilities, the persona and host
 * names: the same natively and under Lamina. Values that differ between
 * runs (times, the CPU) are checked for their range, not printed. */
#include "lt.h"
#include "lt_identity.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16
#define CAP_V1 0x19980330
#define CAP_V3 0x20080522
#define ADDR_NO_RANDOMIZE 0x0040000
#define READ_IMPLIES_EXEC 0x0400000

struct tms { long utime, stime, cutime, cstime; };
struct cap_header { unsigned version; int pid; };
struct cap_data { unsigned effective, permitted, inheritable; };

static void priorities(void) {
    long before = wali_getpriority(PRIO_PROCESS, 0);
    expect_true("getpriority is 20 - nice", before >= 1 && before <= 40);
    expect_eq("getpriority of this pid", wali_getpriority(PRIO_PROCESS, (int)wali_getpid()), before);
    expect_eq("getpriority bad which", wali_getpriority(7, 0), -EINVAL);
    expect_eq("getpriority no such process", wali_getpriority(PRIO_PROCESS, 0x3ffffff0), -ESRCH);
    int nice = 20 - (int)before;
    expect_eq("setpriority one lower", wali_setpriority(PRIO_PROCESS, 0, nice + 1), 0);
    expect_eq("priority read back", wali_getpriority(PRIO_PROCESS, 0), before - 1);
    expect_eq("getpriority of the group", wali_getpriority(PRIO_PGRP, 0) >= before - 1, 1);
    expect_eq("setpriority no such process", wali_setpriority(PRIO_PROCESS, 0x3ffffff0, 0), -ESRCH);
    expect_eq("setpriority bad which", wali_setpriority(9, 0, 0), -EINVAL);
}

static void scheduling(void) {
    expect_eq("sched_getscheduler", wali_sched_getscheduler(0), SCHED_OTHER);
    expect_eq("sched_getscheduler no such process", wali_sched_getscheduler(0x3ffffff0), -ESRCH);
    expect_eq("sched_getscheduler negative pid", wali_sched_getscheduler(-1), -EINVAL);
    struct sched_param sp = {77};
    expect_eq("sched_getparam", wali_sched_getparam(0, &sp), 0);
    expect_eq("SCHED_OTHER priority", sp.sched_priority, 0);
    expect_eq("sched_getparam NULL", wali_sched_getparam(0, NULL), -EINVAL);
    expect_eq("sched_setparam same", wali_sched_setparam(0, &sp), 0);
    sp.sched_priority = 3;
    expect_eq("sched_setparam priority for SCHED_OTHER", wali_sched_setparam(0, &sp), -EINVAL);
    expect_eq("sched_setparam NULL", wali_sched_setparam(0, NULL), -EINVAL);
    expect_eq("priority max OTHER", wali_sched_get_priority_max(SCHED_OTHER), 0);
    expect_eq("priority max FIFO", wali_sched_get_priority_max(SCHED_FIFO), 99);
    expect_eq("priority min RR", wali_sched_get_priority_min(SCHED_RR), 1);
    expect_eq("priority max bad policy", wali_sched_get_priority_max(42), -EINVAL);
    struct timespec ts = {-1, -1};
    expect_eq("sched_rr_get_interval", wali_sched_rr_get_interval(0, &ts), 0);
    expect_true("interval set", ts.tv_sec >= 0 && ts.tv_nsec >= 0);
    expect_eq("sched_rr_get_interval no such process", wali_sched_rr_get_interval(0x3ffffff0, &ts), -ESRCH);

    /* struct sched_attr, version 1 (56 bytes). */
    struct { unsigned size, policy; unsigned long long flags; int nice; unsigned prio;
             unsigned long long runtime, deadline, period; unsigned util_min, util_max; } attr;
    memset(&attr, 0xee, sizeof attr);
    expect_eq("sched_getattr", wali_sched_getattr(0, &attr, sizeof attr, 0), 0);
    expect_eq("sched_getattr size", attr.size, sizeof attr);
    expect_eq("sched_getattr policy", attr.policy, SCHED_OTHER);
    expect_eq("sched_getattr nice", attr.nice, 20 - wali_getpriority(PRIO_PROCESS, 0));
    expect_eq("sched_getattr size too small", wali_sched_getattr(0, &attr, 40, 0), -EINVAL);
    expect_eq("sched_getattr flags", wali_sched_getattr(0, &attr, sizeof attr, 1), -EINVAL);
    attr.size = sizeof attr;
    attr.flags = 0;
    attr.nice += 1;
    expect_eq("sched_setattr one nicer", wali_sched_setattr(0, &attr, 0), 0);
    expect_eq("nice read back", 20 - wali_getpriority(PRIO_PROCESS, 0), attr.nice);
    attr.size = 8;
    expect_eq("sched_setattr size too small", wali_sched_setattr(0, &attr, 0), -E2BIG);
    expect_eq("kernel writes its size", attr.size >= 56, 1);
    attr.size = 0;
    expect_eq("sched_setattr size 0 is the first version", wali_sched_setattr(0, &attr, 0), 0);
    expect_eq("sched_setattr flags", wali_sched_setattr(0, &attr, 1), -EINVAL);

    long io = wali_ioprio_get(1 /* IOPRIO_WHO_PROCESS */, 0);
    expect_true("ioprio_get", io >= 0);
    expect_eq("ioprio_set the same", wali_ioprio_set(1, 0, (int)io), 0);
    expect_eq("ioprio_set best effort 7", wali_ioprio_set(1, 0, (2 << 13) | 7), 0);
    expect_eq("ioprio read back", wali_ioprio_get(1, 0), (2 << 13) | 7);
    expect_eq("ioprio_get bad which", wali_ioprio_get(9, 0), -EINVAL);
    expect_eq("ioprio_set no such process", wali_ioprio_set(1, 0x3ffffff0, (2 << 13) | 7), -ESRCH);

    unsigned char mask[128], again[128];
    memset(mask, 0, sizeof mask);
    long n = wali_sched_getaffinity(0, sizeof mask, mask);
    expect_true("affinity read", n > 0);
    expect_eq("sched_setaffinity the same mask", wali_sched_setaffinity(0, sizeof mask, mask), 0);
    memset(again, 0, sizeof again);
    expect_eq("affinity read back", wali_sched_getaffinity(0, sizeof again, again), n);
    expect_eq("same mask", memcmp(mask, again, sizeof mask), 0);
    unsigned char none[128];
    memset(none, 0, sizeof none);
    expect_eq("sched_setaffinity no cpu", wali_sched_setaffinity(0, sizeof none, none), -EINVAL);
    expect_eq("sched_setaffinity no such process", wali_sched_setaffinity(0x3ffffff0, sizeof mask, mask), -ESRCH);

    unsigned cpu = 9999, node = 9999;
    expect_eq("getcpu", wali_getcpu(&cpu, &node, NULL), 0);
    expect_true("cpu in the mask", cpu < 1024 && (mask[cpu / 8] >> (cpu % 8)) & 1);
    expect_true("node set", node < 1024);
    expect_eq("getcpu NULLs", wali_getcpu(NULL, NULL, NULL), 0);

    long cmds = wali_membarrier(MEMBARRIER_CMD_QUERY, 0, 0);
    expect_true("membarrier query", cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED));
    expect_eq("membarrier before registering", wali_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), -EPERM);
    expect_eq("membarrier register", wali_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    expect_eq("membarrier private expedited", wali_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), 0);
    expect_eq("membarrier bad command", wali_membarrier(12345, 0, 0), -EINVAL);
}

static void times_and_ids(void) {
    struct tms t = {-1, -1, -1, -1};
    long ticks = wali_times(&t);
    expect_true("times returns ticks", ticks > 0);
    expect_true("times fills the structure", t.utime >= 0 && t.stime >= 0 && t.cutime == 0 && t.cstime == 0);
    expect_true("times NULL", wali_times(NULL) >= ticks);

    unsigned r = 1, e = 1, s = 1;
    expect_eq("getresuid", wali_getresuid(&r, &e, &s), 0);
    expect_true("getresuid values", r == (unsigned)wali_getuid() && e == (unsigned)wali_geteuid() && s == e);
    expect_eq("getresgid", wali_getresgid(&r, &e, &s), 0);
    expect_true("getresgid values", r == (unsigned)wali_getgid() && e == (unsigned)wali_getegid() && s == e);
    expect_eq("getresuid NULL", wali_getresuid(NULL, &e, &s), -EFAULT);
    expect_eq("setfsuid query", wali_setfsuid(-1), wali_geteuid());
    expect_eq("setfsgid query", wali_setfsgid(-1), wali_getegid());
    expect_eq("getpgrp", wali_getpgrp(), wali_getpgid(0));
}

static void capabilities(void) {
    struct cap_header h = {CAP_V3, 0};
    struct cap_data d[2];
    memset(d, 0xff, sizeof d);
    expect_eq("capget v3", wali_capget(&h, d), 0);
    expect_true("effective a subset of permitted", (d[0].effective & ~d[0].permitted) == 0);
    expect_eq("capset the same", wali_capset(&h, d), 0);
    struct cap_header bad = {12345, 0};
    expect_eq("capget unknown version", wali_capget(&bad, d), -EINVAL);
    expect_eq("kernel writes its version", bad.version, CAP_V3);
    bad.version = 12345;
    expect_eq("capget version probe", wali_capget(&bad, NULL), 0);
    expect_eq("probe writes its version", bad.version, CAP_V3);
    struct cap_header v1 = {CAP_V1, 0};
    struct cap_data one[2];
    memset(one, 0xab, sizeof one);
    expect_eq("capget v1", wali_capget(&v1, one), 0);
    expect_eq("v1 fills one structure", one[1].effective, 0xabababab);
    expect_eq("capget NULL header", wali_capget(NULL, d), -EFAULT);
    struct cap_header other = {CAP_V3, 0x3ffffff0};
    expect_eq("capget no such process", wali_capget(&other, d), -ESRCH);
}

static void persona_and_names(void) {
    long p = wali_personality(0xffffffff);
    expect_eq("personality query", p & 0xff, 0);
    expect_eq("personality no randomisation", wali_personality(ADDR_NO_RANDOMIZE), p);
    expect_eq("personality read back", wali_personality(0xffffffff), ADDR_NO_RANDOMIZE);
    expect_eq("personality restored", wali_personality((unsigned)p), ADDR_NO_RANDOMIZE);

    struct utsname u;
    wali_uname(&u);
    char too_long[80];
    memset(too_long, 'x', sizeof too_long);
    expect_eq("sethostname too long", wali_sethostname(too_long, 65), -EINVAL);
    long r = wali_sethostname(u.nodename, (int)strlen(u.nodename));
    if (wali_geteuid() == 0) {
        expect_eq("sethostname to itself", r, 0);
        expect_eq("setdomainname to itself", wali_setdomainname(u.domainname, (int)strlen(u.domainname)), 0);
    } else {
        expect_eq("sethostname needs privilege", r, -EPERM);
    }
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    priorities();
    scheduling();
    times_and_ids();
    capabilities();
    persona_and_names();
    return lt_failures;
}
