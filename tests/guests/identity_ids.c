/* User and group ids and supplementary groups: the getters agree with each
 * other, setting the current ids succeeds, and (as root) the group list
 * round-trips through setgroups. */
#include "lt.h"
#include "lt_identity.h"

static unsigned groups[65536], again[65536];

static int same_groups(long n) {
    for (long i = 0; i < n; i++)
        if (groups[i] != again[i]) return 0;
    return 1;
}

int main(int argc, char **argv) {
    long uid = wali_getuid(), euid = wali_geteuid(), gid = wali_getgid(), egid = wali_getegid();
    expect_true("ids are non-negative", uid >= 0 && euid >= 0 && gid >= 0 && egid >= 0);
    expect_eq("getuid is stable", wali_getuid(), uid);
    expect_eq("geteuid is stable", wali_geteuid(), euid);
    expect_eq("getgid is stable", wali_getgid(), gid);
    expect_eq("getegid is stable", wali_getegid(), egid);
    show("running as root", euid == 0);

    expect_eq("setuid(getuid())", wali_setuid((int)uid), 0);
    expect_eq("setgid(getgid())", wali_setgid((int)gid), 0);
    expect_eq("setreuid(-1, -1)", wali_setreuid(-1, -1), 0);
    expect_eq("setregid(-1, -1)", wali_setregid(-1, -1), 0);
    expect_eq("setreuid to the current ids", wali_setreuid((int)uid, (int)euid), 0);
    expect_eq("setregid to the current ids", wali_setregid((int)gid, (int)egid), 0);
    expect_eq("setresuid(-1, -1, -1)", wali_setresuid(-1, -1, -1), 0);
    expect_eq("setresgid(-1, -1, -1)", wali_setresgid(-1, -1, -1), 0);
    expect_eq("setresuid to the current ids", wali_setresuid(-1, (int)euid, -1), 0);
    expect_eq("setresgid to the current ids", wali_setresgid(-1, (int)egid, -1), 0);
    expect_eq("ids unchanged", wali_getuid() == uid && wali_geteuid() == euid && wali_getgid() == gid, 1);
    if (euid != 0) {
        /* Unprivileged: changing to another id is refused. */
        expect_eq("setuid to another id", wali_setuid((int)uid + 1), -EPERM);
    }

    long n = wali_getgroups(0, NULL);
    expect_true("getgroups(0) counts", n >= 0);
    expect_eq("getgroups fills the list", wali_getgroups((unsigned)n, groups), n);
    expect_eq("getgroups with room to spare", wali_getgroups(65536, again), n);
    expect_true("same groups both times", same_groups(n));
    if (n > 0) expect_eq("getgroups too small", wali_getgroups((unsigned)n - 1, again), -EINVAL);
    expect_eq("getgroups negative size", wali_getgroups(0x80000000u, again), -EINVAL);

    if (euid == 0) {
        expect_eq("setgroups to the current list", wali_setgroups((unsigned)n, groups), 0);
        expect_eq("the list round-trips", wali_getgroups(65536, again), n);
        expect_true("same groups", same_groups(n));
        unsigned two[2] = {12345, 23456};
        expect_eq("setgroups two groups", wali_setgroups(2, two), 0);
        expect_eq("two groups read back", wali_getgroups(2, again), 2);
        expect_true("the two groups", again[0] == 12345 && again[1] == 23456);
        expect_eq("setgroups empty", wali_setgroups(0, NULL), 0);
        expect_eq("no groups", wali_getgroups(0, NULL), 0);
        expect_eq("getgroups of none ignores the list", wali_getgroups(4, NULL), 0);
        expect_eq("setgroups too many", wali_setgroups(65537, groups), -EINVAL);
        expect_eq("restore the groups", wali_setgroups((unsigned)n, groups), 0);
        expect_eq("restored", wali_getgroups(0, NULL), n);
    } else {
        expect_eq("setgroups needs privilege", wali_setgroups((unsigned)n, groups), -EPERM);
    }
    return lt_failures;
}
