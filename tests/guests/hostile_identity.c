/* Hostile inputs to the identity, limits and system calls (WALI only):
 * pointers past the end of memory or straddling it, lengths that run past the
 * end, NULL where the kernel needs a buffer, invalid ids, resources, flags
 * and refused prctl options. Each gets the kernel's errno (or Lamina's
 * documented refusal) and the runtime survives. */
#include "lt.h"
#include "lt_identity.h"

/* `n` bytes before the end of linear memory. */
#define END(n) ((void *)(unsigned long)(lt_mem_end() - (n)))

static void ids(void) {
    expect_true("id getters", wali_getuid() >= 0 && wali_geteuid() >= 0 && wali_getgid() >= 0 && wali_getegid() >= 0);
    expect_eq("setuid(-1) is no id", wali_setuid(-1), -EINVAL);
    expect_eq("setgid(-1) is no id", wali_setgid(-1), -EINVAL);
    expect_eq("setreuid(-1, -1) changes nothing", wali_setreuid(-1, -1), 0);
    expect_eq("setregid(-1, -1) changes nothing", wali_setregid(-1, -1), 0);
    expect_eq("setresuid(-1, -1, -1) changes nothing", wali_setresuid(-1, -1, -1), 0);
    expect_eq("setresgid(-1, -1, -1) changes nothing", wali_setresgid(-1, -1, -1), 0);
    expect_true("getppid", wali_getppid() > 0);
    expect_eq("getpgid(-1)", wali_getpgid(-1), -ESRCH);
    expect_eq("getsid(-1)", wali_getsid(-1), -ESRCH);
    expect_eq("setpgid negative group", wali_setpgid(0, -1), -EINVAL);
    expect_eq("setpgid of no process", wali_setpgid(0x7ffffff0, 0), -ESRCH);
    /* A group or session leader cannot start a new session. */
    long pid = wali_getpid();
    if (wali_getsid(0) != pid) expect_eq("become group leader", wali_setpgid(0, 0), 0);
    expect_eq("setsid as group leader", wali_setsid(), -EPERM);
}

static void groups(void) {
    if (wali_geteuid() != 0) {
        expect_eq("setgroups wild, unprivileged", wali_setgroups(1, LT_WILD), -EFAULT);
        return;
    }
    static unsigned saved[65536];
    long n = wali_getgroups(65536, saved);
    expect_true("getgroups", n >= 0);
    unsigned two[2] = {1234, 2345};
    expect_eq("two groups", wali_setgroups(2, two), 0);
    expect_eq("getgroups wild list", wali_getgroups(2, LT_WILD), -EFAULT);
    expect_eq("getgroups list straddling", wali_getgroups(2, END(4)), -EFAULT);
    expect_eq("getgroups list at the very end", wali_getgroups(2, END(8)), 2);
    /* The kernel writes only the groups there are, not `size` entries. */
    expect_eq("getgroups oversized, list at the end", wali_getgroups(1000, END(8)), 2);
    expect_eq("getgroups NULL list", wali_getgroups(2, NULL), -EFAULT);
    expect_eq("getgroups too small, wild", wali_getgroups(1, LT_WILD), -EINVAL);
    expect_eq("getgroups count only, wild", wali_getgroups(0, LT_WILD), 2);
    expect_eq("getgroups negative size", wali_getgroups(0xffffffffu, LT_WILD), -EINVAL);
    expect_eq("setgroups wild", wali_setgroups(1, LT_WILD), -EFAULT);
    expect_eq("setgroups straddling", wali_setgroups(2, END(4)), -EFAULT);
    expect_eq("setgroups NULL", wali_setgroups(1, NULL), -EFAULT);
    expect_eq("setgroups too many", wali_setgroups(65537, LT_WILD), -EINVAL);
    expect_eq("setgroups huge size", wali_setgroups(0xffffffffu, NULL), -EINVAL);
    expect_eq("setgroups length wrapping", wali_setgroups(0x40000001u, two), -EINVAL);
    expect_eq("setgroups empty ignores the list", wali_setgroups(0, LT_WILD), 0);
    expect_eq("no groups now", wali_getgroups(0, NULL), 0);
    expect_eq("restore groups", wali_setgroups((unsigned)n, saved), 0);
}

static void limits(void) {
    struct rlimit r;
    expect_eq("getrlimit wild", wali_getrlimit(RLIMIT_NOFILE, LT_WILD), -EFAULT);
    expect_eq("getrlimit straddling", wali_getrlimit(RLIMIT_NOFILE, END(8)), -EFAULT);
    expect_eq("getrlimit at the very end", wali_getrlimit(RLIMIT_NOFILE, END(16)), 0);
    expect_eq("getrlimit NULL", wali_getrlimit(RLIMIT_NOFILE, NULL), -EFAULT);
    expect_eq("getrlimit bad resource", wali_getrlimit(99, &r), -EINVAL);
    expect_eq("getrlimit negative resource", wali_getrlimit(-1, &r), -EINVAL);
    expect_eq("setrlimit wild", wali_setrlimit(RLIMIT_NOFILE, LT_WILD), -EFAULT);
    expect_eq("setrlimit straddling", wali_setrlimit(RLIMIT_NOFILE, END(8)), -EFAULT);
    expect_eq("setrlimit NULL", wali_setrlimit(RLIMIT_NOFILE, NULL), -EFAULT);
    wali_getrlimit(RLIMIT_NOFILE, &r);
    expect_eq("setrlimit bad resource", wali_setrlimit(99, &r), -EINVAL);
    expect_eq("prlimit64 wild new", wali_prlimit64(0, RLIMIT_NOFILE, LT_WILD, NULL), -EFAULT);
    expect_eq("prlimit64 wild old", wali_prlimit64(0, RLIMIT_NOFILE, NULL, LT_WILD), -EFAULT);
    expect_eq("prlimit64 old straddling", wali_prlimit64(0, RLIMIT_NOFILE, NULL, END(12)), -EFAULT);
    expect_eq("prlimit64 bad resource", wali_prlimit64(0, 99, NULL, &r), -EINVAL);
    expect_eq("prlimit64 no such process", wali_prlimit64(0x7ffffff0, RLIMIT_NOFILE, NULL, &r), -ESRCH);

    /* A finite address-space limit would bound the whole runtime (Lamina
     * refuses it for its own process); reading it, or keeping it infinite,
     * is fine. */
    struct rlimit as, finite = {1ul << 30, RLIM_INFINITY};
    expect_eq("getrlimit AS", wali_getrlimit(RLIMIT_AS, &as), 0);
    expect_eq("setrlimit finite AS refused", wali_setrlimit(RLIMIT_AS, &finite), -EPERM);
    expect_eq("prlimit64 finite AS refused", wali_prlimit64(0, RLIMIT_AS, &finite, NULL), -EPERM);
    expect_eq("prlimit64 finite AS on own pid refused", wali_prlimit64((int)wali_getpid(), RLIMIT_AS, &finite, NULL),
              -EPERM);
    expect_eq("AS unchanged", wali_prlimit64(0, RLIMIT_AS, NULL, &r) == 0 && r.rlim_cur == as.rlim_cur, 1);
    if (as.rlim_cur == RLIM_INFINITY) expect_eq("setrlimit AS infinite", wali_setrlimit(RLIMIT_AS, &as), 0);

    struct rusage ru;
    expect_eq("getrusage wild", wali_getrusage(RUSAGE_SELF, LT_WILD), -EFAULT);
    expect_eq("getrusage straddling the kernel's part", wali_getrusage(RUSAGE_SELF, END(100)), -EFAULT);
    /* The kernel writes the first 144 of the 272 bytes. */
    expect_eq("getrusage kernel part at the very end", wali_getrusage(RUSAGE_SELF, END(144)), 0);
    expect_eq("getrusage NULL", wali_getrusage(RUSAGE_SELF, NULL), -EFAULT);
    expect_eq("getrusage bad who", wali_getrusage(7, &ru), -EINVAL);
}

static void system_info(void) {
    expect_eq("sysinfo wild", wali_sysinfo(LT_WILD), -EFAULT);
    expect_eq("sysinfo straddling the kernel's part", wali_sysinfo(END(100)), -EFAULT);
    expect_eq("sysinfo kernel part at the very end", wali_sysinfo(END(112)), 0);
    expect_eq("sysinfo NULL", wali_sysinfo(NULL), -EFAULT);
    expect_eq("uname wild", wali_uname(LT_WILD), -EFAULT);
    expect_eq("uname straddling", wali_uname(END(389)), -EFAULT);
    expect_eq("uname at the very end", wali_uname(END(390)), 0);
    expect_eq("uname NULL", wali_uname(NULL), -EFAULT);
}

static void scheduling(void) {
    unsigned char mask[128];
    expect_eq("sched_getaffinity wild", wali_sched_getaffinity(0, 128, LT_WILD), -EFAULT);
    expect_eq("sched_getaffinity straddling", wali_sched_getaffinity(0, 128, END(64)), -EFAULT);
    expect_true("sched_getaffinity at the very end", wali_sched_getaffinity(0, 128, END(128)) > 0);
    expect_eq("sched_getaffinity NULL", wali_sched_getaffinity(0, 128, NULL), -EFAULT);
    /* The whole cpusetsize-byte mask must be guest memory. */
    expect_eq("sched_getaffinity length past the end", wali_sched_getaffinity(0, 0xfffffff8u, mask), -EFAULT);
    expect_eq("sched_getaffinity bad size", wali_sched_getaffinity(0, 3, mask), -EINVAL);
    expect_eq("sched_yield", wali_sched_yield(), 0);

    struct sched_param sp = {0};
    expect_eq("sched_setscheduler wild", wali_sched_setscheduler(0, SCHED_OTHER, LT_WILD), -EFAULT);
    expect_eq("sched_setscheduler straddling", wali_sched_setscheduler(0, SCHED_OTHER, END(2)), -EFAULT);
    *(int *)END(4) = 0;
    expect_eq("sched_setscheduler param at the very end", wali_sched_setscheduler(0, SCHED_OTHER, END(4)), 0);
    expect_eq("sched_setscheduler NULL", wali_sched_setscheduler(0, SCHED_OTHER, NULL), -EINVAL);
    expect_eq("sched_setscheduler bad policy", wali_sched_setscheduler(0, -5, &sp), -EINVAL);
    sp.sched_priority = 99;
    expect_eq("sched_setscheduler bad priority", wali_sched_setscheduler(0, SCHED_OTHER, &sp), -EINVAL);

    expect_eq("sched_setaffinity wild", wali_sched_setaffinity(0, 128, LT_WILD), -EFAULT);
    expect_eq("sched_setaffinity straddling", wali_sched_setaffinity(0, 128, END(64)), -EFAULT);
    expect_eq("sched_setaffinity length past the end", wali_sched_setaffinity(0, 0xfffffff8u, mask), -EFAULT);
    expect_eq("sched_getparam wild", wali_sched_getparam(0, LT_WILD), -EFAULT);
    expect_eq("sched_getparam straddling", wali_sched_getparam(0, END(2)), -EFAULT);
    expect_eq("sched_getparam at the very end", wali_sched_getparam(0, END(4)), 0);
    expect_eq("sched_setparam wild", wali_sched_setparam(0, LT_WILD), -EFAULT);
    expect_eq("sched_rr_get_interval wild", wali_sched_rr_get_interval(0, LT_WILD), -EFAULT);
    expect_eq("sched_rr_get_interval straddling", wali_sched_rr_get_interval(0, END(8)), -EFAULT);
    expect_eq("getcpu wild cpu", wali_getcpu(LT_WILD, NULL, NULL), -EFAULT);
    expect_eq("getcpu wild node", wali_getcpu(NULL, END(2), NULL), -EFAULT);
    /* The third argument is unused: never looked at. */
    expect_eq("getcpu wild cache", wali_getcpu(NULL, NULL, LT_WILD), 0);
    expect_eq("sched_getscheduler negative pid", wali_sched_getscheduler(-5), -EINVAL);
    expect_eq("sched_get_priority_max negative policy", wali_sched_get_priority_max(-1), -EINVAL);
    expect_eq("sched_get_priority_min huge policy", wali_sched_get_priority_min(0x7fffffff), -EINVAL);
    expect_eq("membarrier bad flags", wali_membarrier(0, 0x7fffffff, 0), -EINVAL);
    expect_eq("membarrier negative command", wali_membarrier(-1, 0, -1), -EINVAL);
    unsigned attr[16] = {56};
    expect_eq("sched_getattr wild", wali_sched_getattr(0, LT_WILD, 56, 0), -EFAULT);
    expect_eq("sched_getattr straddling", wali_sched_getattr(0, END(40), 56, 0), -EFAULT);
    expect_eq("sched_getattr at the very end", wali_sched_getattr(0, END(56), 56, 0), 0);
    expect_eq("sched_getattr huge size", wali_sched_getattr(0, attr, 0xffffffffu, 0), -EINVAL);
    expect_eq("sched_getattr NULL", wali_sched_getattr(0, NULL, 56, 0), -EINVAL);
    expect_eq("sched_setattr wild", wali_sched_setattr(0, LT_WILD, 0), -EFAULT);
    expect_eq("sched_setattr NULL", wali_sched_setattr(0, NULL, 0), -EINVAL);
    /* The size inside the structure decides what the kernel reads. */
    unsigned *tail = END(8);
    tail[0] = 56;
    expect_eq("sched_setattr size past the end", wali_sched_setattr(0, tail, 0), -EFAULT);
    tail[0] = 0xfffffff0u;
    expect_eq("sched_setattr huge size", wali_sched_setattr(0, tail, 0), -E2BIG);
    expect_true("huge size answered with the kernel's", tail[0] >= 56 && tail[0] <= 4096);
    expect_eq("ioprio_get bad which", wali_ioprio_get(-1, 0), -EINVAL);
    expect_eq("ioprio_set bad class", wali_ioprio_set(1, 0, 7 << 13), -EINVAL);
    expect_eq("setpriority out of range is clamped", wali_setpriority(0, 0, 1000), 0);
    expect_eq("getpriority after clamping", wali_getpriority(0, 0), 1);
}

static void ids_and_times(void) {
    unsigned id;
    expect_eq("getresuid wild", wali_getresuid(&id, LT_WILD, &id), -EFAULT);
    expect_eq("getresgid straddling", wali_getresgid(&id, &id, END(2)), -EFAULT);
    expect_eq("getresuid at the very end", wali_getresuid(END(4), END(4), END(4)), 0);
    expect_eq("times wild", wali_times(LT_WILD), -EFAULT);
    expect_eq("times straddling", wali_times(END(16)), -EFAULT);
    expect_true("times at the very end", wali_times(END(32)) > 0);

    /* An id that cannot be set leaves the old one, which is returned. */
    long fsuid = wali_setfsuid(-1);
    if (wali_geteuid() != 0) expect_eq("setfsuid to another id", wali_setfsuid(0x7ffffff0), fsuid);
    expect_eq("setfsuid unchanged", wali_setfsuid(-1), fsuid);
    expect_eq("setfsgid invalid id", wali_setfsgid(-1), wali_getegid());
    expect_eq("getpgrp", wali_getpgrp(), wali_getpgid(0));

    unsigned header[2] = {0x20080522, 0}, data[6];
    expect_eq("capget wild header", wali_capget(LT_WILD, data), -EFAULT);
    expect_eq("capget header straddling", wali_capget(END(4), data), -EFAULT);
    expect_eq("capget wild data", wali_capget(header, LT_WILD), -EFAULT);
    /* Version 3 has two data structures: 24 bytes, not 12. */
    expect_eq("capget data straddling", wali_capget(header, END(12)), -EFAULT);
    expect_eq("capget data at the very end", wali_capget(header, END(24)), 0);
    expect_eq("capset wild data", wali_capset(header, LT_WILD), -EFAULT);
    expect_eq("capset wild header", wali_capset(LT_WILD, data), -EFAULT);
    header[0] = 0x19980330;
    expect_eq("capget v1 data at the very end", wali_capget(header, END(12)), 0);

    char name[8] = "x";
    expect_eq("sethostname wild", wali_sethostname(LT_WILD, 4), wali_geteuid() == 0 ? -EFAULT : -EPERM);
    expect_eq("sethostname straddling", wali_sethostname(END(2), 4), wali_geteuid() == 0 ? -EFAULT : -EPERM);
    expect_eq("sethostname huge length", wali_sethostname(name, 0xffffffffu), wali_geteuid() == 0 ? -EINVAL : -EPERM);
    expect_eq("setdomainname wild", wali_setdomainname(LT_WILD, 4), wali_geteuid() == 0 ? -EFAULT : -EPERM);

    /* The runtime's persona decides how the kernel maps its memory. */
    long persona = wali_personality(0xffffffff);
    expect_eq("personality READ_IMPLIES_EXEC refused", wali_personality(0x0400000), -EINVAL);
    expect_eq("personality PER_BSD refused", wali_personality(6), -EINVAL);
    expect_eq("personality unchanged", wali_personality(0xffffffff), persona);
}

static void randomness(void) {
    unsigned char b[32];
    expect_eq("getrandom wild", wali_getrandom(LT_WILD, 16, 0), -EFAULT);
    expect_eq("getrandom straddling", wali_getrandom(END(8), 16, 0), -EFAULT);
    expect_eq("getrandom at the very end", wali_getrandom(END(16), 16, 0), 16);
    expect_eq("getrandom length past the end", wali_getrandom(b, 0xffffffffu, 0), -EFAULT);
    expect_eq("getrandom NULL", wali_getrandom(NULL, 16, 0), -EFAULT);
    expect_eq("getrandom NULL, empty", wali_getrandom(NULL, 0, 0), 0);
    expect_eq("getrandom bad flags", wali_getrandom(b, 16, 0x80), -EINVAL);
}

static void prctls(void) {
    char name[16];
    expect_eq("PR_SET_NAME wild", wali_prctl(PR_SET_NAME, (unsigned long)LT_WILD, 0, 0, 0), -EFAULT);
    char *end = END(3);
    end[0] = 'a';
    end[1] = 'b';
    end[2] = 0;
    expect_eq("PR_SET_NAME short name at the very end", wali_prctl(PR_SET_NAME, (unsigned long)end, 0, 0, 0), 0);
    expect_eq("PR_GET_NAME", wali_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0), 0);
    expect_true("name is ab", lt_streq(name, "ab"));
    end[2] = 'c';
    expect_eq("PR_SET_NAME running off the end", wali_prctl(PR_SET_NAME, (unsigned long)end, 0, 0, 0), -EFAULT);
    expect_eq("PR_SET_NAME pointer above 4 GiB",
              wali_prctl(PR_SET_NAME, (1ul << 32) | (unsigned long)"evil", 0, 0, 0), -EFAULT);
    expect_eq("name unchanged", wali_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) == 0 && lt_streq(name, "ab"), 1);
    expect_eq("PR_GET_NAME wild", wali_prctl(PR_GET_NAME, (unsigned long)LT_WILD, 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_NAME straddling", wali_prctl(PR_GET_NAME, (unsigned long)END(8), 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_NAME at the very end", wali_prctl(PR_GET_NAME, (unsigned long)END(16), 0, 0, 0), 0);
    expect_eq("PR_GET_NAME above 4 GiB", wali_prctl(PR_GET_NAME, (1ul << 32) | (unsigned long)name, 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_PDEATHSIG wild", wali_prctl(PR_GET_PDEATHSIG, (unsigned long)LT_WILD, 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_PDEATHSIG straddling", wali_prctl(PR_GET_PDEATHSIG, (unsigned long)END(2), 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_CHILD_SUBREAPER NULL", wali_prctl(PR_GET_CHILD_SUBREAPER, 0, 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_TSC wild", wali_prctl(PR_GET_TSC, (unsigned long)LT_WILD, 0, 0, 0), -EFAULT);

    /* Options that take host addresses or would act on the runtime itself. */
    expect_eq("PR_SET_SECCOMP strict refused", wali_prctl(PR_SET_SECCOMP, 1, 0, 0, 0), -EINVAL);
    expect_eq("PR_SET_SECCOMP filter refused", wali_prctl(PR_SET_SECCOMP, 2, (unsigned long)name, 0, 0), -EINVAL);
    expect_eq("PR_SET_MM refused", wali_prctl(PR_SET_MM, 1, 0x1000, 0, 0), -EINVAL);
    expect_eq("PR_GET_TID_ADDRESS refused", wali_prctl(PR_GET_TID_ADDRESS, (unsigned long)name, 0, 0, 0), -EINVAL);
    expect_eq("PR_SET_TSC refused", wali_prctl(PR_SET_TSC, 2, 0, 0, 0), -EINVAL);
    expect_eq("PR_SET_MDWE refused", wali_prctl(PR_SET_MDWE, 1, 0, 0, 0), -EINVAL);
    expect_eq("PR_SET_VMA refused", wali_prctl(PR_SET_VMA, 0, 0x1000, 0x1000, (unsigned long)name), -EINVAL);
    expect_eq("unknown option", wali_prctl(-1, 0, 0, 0, 0), -EINVAL);
    /* Had strict seccomp been applied, this process would be dead by now. */
    struct timespec ts;
    expect_eq("the runtime still makes syscalls", wali_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
}

static void locking(void) {
    expect_eq("mlockall no flags", wali_mlockall(0), -EINVAL);
    expect_eq("mlockall all bits", wali_mlockall(-1), -EINVAL);
    expect_eq("mlockall onfault alone", wali_mlockall(MCL_ONFAULT), -EINVAL);
    expect_eq("mlockall unknown bit", wali_mlockall(MCL_FUTURE | 16), -EINVAL);
    if (wali_geteuid() == 0) {
        expect_eq("mlockall future (with a warning)", wali_mlockall(MCL_FUTURE), 0);
        expect_eq("mlockall current and future", wali_mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT), 0);
    }

    struct robust_list_head head = {&head, 0, NULL};
    expect_eq("set_robust_list is not supported", wali_set_robust_list(&head, sizeof head), -ENOSYS);
    expect_eq("set_robust_list wild head", wali_set_robust_list(LT_WILD, sizeof head), -ENOSYS);
    expect_eq("set_robust_list NULL head", wali_set_robust_list(NULL, sizeof head), -ENOSYS);
    expect_eq("set_robust_list bad length", wali_set_robust_list(&head, 12), -EINVAL);
    expect_eq("set_robust_list huge length", wali_set_robust_list(&head, 0xffffffffu), -EINVAL);
}

int main(int argc, char **argv) {
    ids();
    groups();
    limits();
    system_info();
    scheduling();
    ids_and_times();
    randomness();
    prctls();
    locking();
    return lt_failures;
}
