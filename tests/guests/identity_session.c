/* Process groups and sessions. Run without arguments it makes the process a
 * group leader with setpgid; run with "setsid" it starts a new session. Either
 * way getpgid/getsid agree with getpid/getppid, as natively (under Lamina the
 * ids are those of the Lamina process). A group or session whose leader lies
 * outside our pid namespace (as in a container) reads as 0. */
#include "lt.h"
#include "lt_identity.h"

int main(int argc, char **argv) {
    long pid = wali_getpid(), ppid = wali_getppid();
    expect_true("getppid is a process", ppid > 0 && ppid != pid);
    expect_eq("getppid is stable", wali_getppid(), ppid);
    long pgid = wali_getpgid(0), sid = wali_getsid(0);
    expect_true("in a group and a session", pgid >= 0 && sid >= 0);
    expect_eq("getpgid(0) is getpgid(getpid())", wali_getpgid((int)pid), pgid);
    expect_eq("getsid(0) is getsid(getpid())", wali_getsid((int)pid), sid);
    expect_true("the parent is in a group and session", wali_getpgid((int)ppid) >= 0 && wali_getsid((int)ppid) >= 0);
    expect_eq("getpgid of no process", wali_getpgid(0x7ffffff0), -ESRCH);
    expect_eq("getsid of no process", wali_getsid(0x7ffffff0), -ESRCH);
    expect_eq("getpgid negative pid", wali_getpgid(-5), -ESRCH);
    show("started as group leader", pgid == pid);

    if (argc > 1 && lt_streq(argv[1], "setsid")) {
        if (pgid == pid) {
            expect_eq("setsid as group leader", wali_setsid(), -EPERM);
        } else {
            expect_eq("setsid returns the new session", wali_setsid(), pid);
            expect_eq("session leader", wali_getsid(0), pid);
            expect_eq("group leader", wali_getpgid(0), pid);
            expect_eq("setsid again", wali_setsid(), -EPERM);
            expect_eq("setpgid of a session leader", wali_setpgid(0, 0), -EPERM);
        }
        return lt_failures;
    }

    if (sid == pid) {
        expect_eq("setpgid of a session leader", wali_setpgid(0, 0), -EPERM);
    } else {
        expect_eq("setpgid(0, 0)", wali_setpgid(0, 0), 0);
        expect_eq("now group leader", wali_getpgid(0), pid);
        expect_eq("setpgid to its own group again", wali_setpgid((int)pid, (int)pid), 0);
        expect_eq("setsid as group leader", wali_setsid(), -EPERM);
        expect_eq("session unchanged", wali_getsid(0), sid);
        if (pgid > 0) { /* a group outside our namespace cannot be named to rejoin it */
            expect_eq("setpgid back to the old group", wali_setpgid(0, (int)pgid), 0);
            expect_eq("back in the old group", wali_getpgid(0), pgid);
        }
    }
    expect_eq("setpgid negative group", wali_setpgid(0, -1), -EINVAL);
    expect_eq("setpgid of no process", wali_setpgid(0x7ffffff0, 0), -ESRCH);
    return lt_failures;
}
