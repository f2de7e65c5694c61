/* System information, scheduling, randomness, prctl and memory locking. */
#include "lt.h"
#include "lt_identity.h"

static int all_zero(const unsigned char *p, int n) {
    for (int i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static void prctl_round_trip(const char *label, int set, int get, long value) {
    put(label);
    put(": ");
    expect_eq("set", wali_prctl(set, (unsigned long)value, 0, 0, 0), 0);
    put(label);
    put(": ");
    expect_eq("get", wali_prctl(get, 0, 0, 0, 0), value);
}

static void prctl_round_trip_ptr(const char *label, int set, int get, int value) {
    int got = -12345;
    put(label);
    put(": ");
    expect_eq("set", wali_prctl(set, (unsigned long)value, 0, 0, 0), 0);
    put(label);
    put(": ");
    expect_eq("get", wali_prctl(get, (unsigned long)&got, 0, 0, 0), 0);
    put(label);
    put(": ");
    expect_eq("value", got, value);
}

int main(int argc, char **argv) {
    struct sysinfo si;
    memset(&si, 0, sizeof si);
    expect_eq("sysinfo", wali_sysinfo(&si), 0);
    expect_true("totalram > 0", si.totalram > 0);
    expect_true("mem_unit > 0", si.mem_unit > 0);
    expect_true("freeram <= totalram", si.freeram <= si.totalram);
    expect_true("uptime > 0", si.uptime > 0);
    expect_true("procs > 0", si.procs > 0);
    expect_eq("sysinfo NULL", wali_sysinfo(NULL), -EFAULT);

    struct utsname u;
    memset(&u, 0, sizeof u);
    expect_eq("uname", wali_uname(&u), 0);
    show_str("sysname", u.sysname);
    show_str("machine", u.machine);
    expect_true("release is set", u.release[0] != 0);
    expect_true("nodename is set", u.nodename[0] != 0);
    expect_eq("uname NULL", wali_uname(NULL), -EFAULT);

    unsigned char mask[128];
    memset(mask, 0, sizeof mask);
    long r = wali_sched_getaffinity(0, sizeof mask, mask);
    expect_true("sched_getaffinity returns the bytes written", r > 0 && r <= 128 && r % 8 == 0);
    expect_true("at least one cpu", !all_zero(mask, sizeof mask));
    expect_eq("sched_getaffinity own pid", wali_sched_getaffinity((int)wali_getpid(), sizeof mask, mask), r);
    expect_eq("sched_getaffinity size not a multiple of 8", wali_sched_getaffinity(0, 12, mask), -EINVAL);
    expect_eq("sched_getaffinity size 0", wali_sched_getaffinity(0, 0, mask), -EINVAL);
    expect_eq("sched_getaffinity no such process", wali_sched_getaffinity(0x7ffffff0, sizeof mask, mask), -ESRCH);
    expect_eq("sched_yield", wali_sched_yield(), 0);

    struct sched_param sp = {0};
    expect_eq("sched_setscheduler SCHED_OTHER", wali_sched_setscheduler(0, SCHED_OTHER, &sp), 0);
    sp.sched_priority = 5;
    expect_eq("SCHED_OTHER with a priority", wali_sched_setscheduler(0, SCHED_OTHER, &sp), -EINVAL);
    expect_eq("bad policy", wali_sched_setscheduler(0, 12345, &sp), -EINVAL);
    expect_eq("NULL param", wali_sched_setscheduler(0, SCHED_OTHER, NULL), -EINVAL);
    sp.sched_priority = 0;
    expect_eq("negative pid", wali_sched_setscheduler(-1, SCHED_OTHER, &sp), -EINVAL);
    expect_eq("no such process", wali_sched_setscheduler(0x7ffffff0, SCHED_OTHER, &sp), -ESRCH);

    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    expect_eq("getrandom fills the buffer", wali_getrandom(a, sizeof a, 0), 64);
    expect_true("not all zeros", !all_zero(a, sizeof a));
    expect_eq("getrandom nonblocking", wali_getrandom(b, sizeof b, GRND_NONBLOCK), 64);
    expect_true("nonblocking not all zeros", !all_zero(b, sizeof b));
    int differ = 0;
    for (int i = 0; i < 64; i++) differ |= a[i] != b[i];
    expect_true("two draws differ", differ);
    expect_eq("getrandom insecure", wali_getrandom(b, 16, GRND_INSECURE), 16);
    expect_eq("getrandom nothing", wali_getrandom(b, 0, 0), 0);
    expect_eq("getrandom bad flags", wali_getrandom(b, 16, 0x100), -EINVAL);
    expect_eq("getrandom random and insecure", wali_getrandom(b, 16, GRND_RANDOM | GRND_INSECURE), -EINVAL);

    char name[16];
    memset(name, 'x', sizeof name);
    expect_eq("PR_SET_NAME", wali_prctl(PR_SET_NAME, (unsigned long)"lamina-test", 0, 0, 0), 0);
    expect_eq("PR_GET_NAME", wali_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0), 0);
    expect_true("name round-trips", lt_streq(name, "lamina-test"));
    expect_eq("PR_SET_NAME long", wali_prctl(PR_SET_NAME, (unsigned long)"abcdefghijklmnopqrstuvwxyz", 0, 0, 0), 0);
    expect_eq("PR_GET_NAME long", wali_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0), 0);
    expect_true("long name cut to 15 bytes", lt_streq(name, "abcdefghijklmno"));
    expect_eq("PR_SET_NAME NULL", wali_prctl(PR_SET_NAME, 0, 0, 0, 0), -EFAULT);
    expect_eq("PR_GET_NAME NULL", wali_prctl(PR_GET_NAME, 0, 0, 0, 0), -EFAULT);

    prctl_round_trip_ptr("pdeathsig", PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, SIGUSR1);
    prctl_round_trip_ptr("pdeathsig off", PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, 0);
    expect_eq("PR_SET_PDEATHSIG bad signal", wali_prctl(PR_SET_PDEATHSIG, 999, 0, 0, 0), -EINVAL);
    prctl_round_trip_ptr("subreaper", PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER, 1);
    prctl_round_trip_ptr("subreaper off", PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER, 0);
    prctl_round_trip("dumpable", PR_SET_DUMPABLE, PR_GET_DUMPABLE, 1);
    expect_eq("PR_SET_DUMPABLE bad value", wali_prctl(PR_SET_DUMPABLE, 7, 0, 0, 0), -EINVAL);
    prctl_round_trip("keepcaps", PR_SET_KEEPCAPS, PR_GET_KEEPCAPS, 1);
    prctl_round_trip("keepcaps off", PR_SET_KEEPCAPS, PR_GET_KEEPCAPS, 0);
    prctl_round_trip("timerslack", PR_SET_TIMERSLACK, PR_GET_TIMERSLACK, 100000);
    prctl_round_trip("no_new_privs", PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, 1);
    expect_eq("PR_SET_NO_NEW_PRIVS with extra args", wali_prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), -EINVAL);
    int tsc = 0;
    expect_eq("PR_GET_TSC", wali_prctl(PR_GET_TSC, (unsigned long)&tsc, 0, 0, 0), 0);
    expect_eq("tsc enabled", tsc, 1);
    expect_eq("unknown prctl option", wali_prctl(12345, 0, 0, 0, 0), -EINVAL);

    /* Two wrong lengths for every target's robust list head. */
    struct robust_list_head head = {&head, 0, NULL};
    expect_eq("set_robust_list wrong length", wali_set_robust_list(&head, 12), -EINVAL);
    expect_eq("set_robust_list zero length", wali_set_robust_list(&head, 0), -EINVAL);

    expect_eq("mlockall(0)", wali_mlockall(0), -EINVAL);
    expect_eq("mlockall unknown flag", wali_mlockall(MCL_CURRENT | 8), -EINVAL);
    expect_eq("mlockall onfault alone", wali_mlockall(MCL_ONFAULT), -EINVAL);
    r = wali_mlockall(MCL_CURRENT);
    if (wali_geteuid() == 0) expect_eq("mlockall current", r, 0);
    else expect_true("mlockall current", r == 0 || r == -ENOMEM || r == -EPERM);
    /* A page nobody may read is locked without being faulted in. */
    void *none = (void *)wali_mmap(NULL, 4096, 0 /* PROT_NONE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    r = wali_mlockall(MCL_CURRENT);
    if (wali_geteuid() == 0) expect_eq("mlockall with an unreadable page", r, 0);
    else expect_true("mlockall with an unreadable page", r == 0 || r == -ENOMEM || r == -EPERM);
    wali_munmap(none, 4096);
    r = wali_mlockall(MCL_CURRENT | MCL_ONFAULT);
    if (wali_geteuid() == 0) expect_eq("mlockall current on fault", r, 0);
    else expect_true("mlockall current on fault", r == 0 || r == -ENOMEM || r == -EPERM);
    return lt_failures;
}
