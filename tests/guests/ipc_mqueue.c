/* POSIX message queues through the raw calls: creating a queue with
 * attributes, priorities, sizes and timeouts, attributes read and changed,
 * notification by signal (its value comes back in siginfo) and its
 * registration rules, and removal. The queue's name carries the pid, so
 * parallel runs do not meet; it is never printed. */
#include "lt_ipc.h"
#include "lt_signal.h"

static char name[64];

static void messages(int q) {
    put("== messages\n");
    struct mq_attr attr;
    memset(&attr, 0xaa, sizeof attr);
    expect_eq("getattr", wali_mq_getsetattr(q, NULL, &attr), 0);
    expect_true("attributes", attr.mq_maxmsg == 4 && attr.mq_msgsize == 64 && attr.mq_curmsgs == 0);
    expect_eq("not nonblocking", attr.mq_flags, 0);

    expect_eq("send low", wali_mq_timedsend(q, "low", 3, 1, NULL), 0);
    expect_eq("send high", wali_mq_timedsend(q, "high", 4, 5, NULL), 0);
    expect_eq("send empty", wali_mq_timedsend(q, "", 0, 0, NULL), 0);
    expect_eq("send too long", wali_mq_timedsend(q, name, 65, 0, NULL), -EMSGSIZE);
    expect_eq("send bad priority", wali_mq_timedsend(q, "x", 1, MQ_PRIO_MAX, NULL), -EINVAL);
    wali_mq_getsetattr(q, NULL, &attr);
    expect_eq("three queued", attr.mq_curmsgs, 3);

    char buf[64];
    unsigned prio = 99;
    expect_eq("receive buffer too small", wali_mq_timedreceive(q, buf, 63, &prio, NULL), -EMSGSIZE);
    memset(buf, 0, sizeof buf);
    expect_eq("receive highest first", wali_mq_timedreceive(q, buf, sizeof buf, &prio, NULL), 4);
    expect_true("high text and priority", memcmp(buf, "high", 4) == 0 && prio == 5);
    expect_eq("receive without priority", wali_mq_timedreceive(q, buf, sizeof buf, NULL, NULL), 3);
    expect_true("low text", memcmp(buf, "low", 3) == 0);
    expect_eq("receive empty message", wali_mq_timedreceive(q, buf, sizeof buf, &prio, NULL), 0);
    expect_eq("empty message priority", prio, 0);

    /* An absolute timeout in the past on an empty blocking queue. */
    struct timespec past = {0, 0};
    expect_eq("receive timed out", wali_mq_timedreceive(q, buf, sizeof buf, &prio, &past), -ETIMEDOUT);
    struct timespec bad = {0, 1000000000};
    expect_eq("receive bad timeout", wali_mq_timedreceive(q, buf, sizeof buf, &prio, &bad), -EINVAL);

    /* O_NONBLOCK through the attributes; the old ones come back. */
    struct mq_attr nb = {O_NONBLOCK, 0, 0, 0, {0}}, old;
    expect_eq("setattr nonblocking", wali_mq_getsetattr(q, &nb, &old), 0);
    expect_eq("old flags", old.mq_flags, 0);
    expect_eq("receive would block", wali_mq_timedreceive(q, buf, sizeof buf, &prio, NULL), -EAGAIN);
    for (int i = 0; i < 4; i++) wali_mq_timedsend(q, "f", 1, 0, NULL);
    expect_eq("send to a full queue", wali_mq_timedsend(q, "f", 1, 0, NULL), -EAGAIN);
    wali_mq_getsetattr(q, NULL, &attr);
    expect_true("full and nonblocking", attr.mq_curmsgs == 4 && attr.mq_flags == O_NONBLOCK);
    for (int i = 0; i < 4; i++) wali_mq_timedreceive(q, buf, sizeof buf, NULL, NULL);
    nb.mq_flags = 0;
    expect_eq("setattr blocking", wali_mq_getsetattr(q, &nb, NULL), 0);
    expect_eq("bad descriptor", wali_mq_timedsend(-1, "x", 1, 0, NULL), -EBADF);
    expect_eq("getattr bad descriptor", wali_mq_getsetattr(-1, NULL, &attr), -EBADF);
}

static void notification(int q) {
    put("== notification\n");
    struct lt_sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_NONE;
    expect_eq("notify none", wali_mq_notify(q, (void *)&ev), 0);
    expect_eq("second registration busy", wali_mq_notify(q, (void *)&ev), -EBUSY);
    expect_eq("unregister", wali_mq_notify(q, NULL), 0);
    ev.sigev_notify = 7;
    expect_eq("unknown notification", wali_mq_notify(q, (void *)&ev), -EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 99;
    expect_eq("bad signal", wali_mq_notify(q, (void *)&ev), -EINVAL);

    /* A signal when a message reaches the empty queue, with our value. */
    unsigned long mask = LT_BIT(SIGUSR1);
    wali_rt_sigprocmask(SIG_BLOCK, &mask, NULL, 8);
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 0x1234;
    expect_eq("notify signal", wali_mq_notify(q, (void *)&ev), 0);
    expect_eq("send wakes", wali_mq_timedsend(q, "ping", 4, 0, NULL), 0);
    struct lt_siginfo info;
    memset(&info, 0, sizeof info);
    struct timespec ts = {5, 0};
    expect_eq("signal arrived", wali_rt_sigtimedwait(&mask, &info, &ts, 8), SIGUSR1);
    expect_eq("si_code SI_MESGQ", info.si_code, SI_MESGQ);
    expect_eq("si_value", info.si_value, 0x1234);
    expect_true("si_pid is the sender", info.si_pid == wali_getpid());
    expect_eq("registration is gone", wali_mq_notify(q, NULL), 0);
    char buf[64];
    wali_mq_timedreceive(q, buf, sizeof buf, NULL, NULL);
    wali_rt_sigprocmask(SIG_UNBLOCK, &mask, NULL, 8);
}

int main(int argc, char **argv) {
    /* The raw call takes the name without musl's leading slash. */
    lt_ipc_name(name, "lamina-ipc-mqueue-");
    struct mq_attr attr = {0, 4, 64, 0, {0}};
    long q = wali_mq_open(name, O_CREAT_EXCL_RDWR | O_CLOEXEC, 0600, &attr);
    expect_true("mq_open create", q >= 0);
    expect_eq("mq_open exclusive", wali_mq_open(name, O_CREAT_EXCL_RDWR, 0600, &attr), -EEXIST);
    long again = wali_mq_open(name, O_RDONLY, 0, NULL);
    expect_true("mq_open existing", again >= 0);
    expect_eq("opened read-only", wali_mq_timedsend((int)again, "x", 1, 0, NULL), -EBADF);
    wali_close((int)again);
    struct mq_attr zero = {0, 0, 64, 0, {0}};
    char other[64];
    lt_ipc_name(other, "lamina-ipc-mqueue-other-");
    expect_eq("mq_open bad attributes", wali_mq_open(other, O_CREAT_EXCL_RDWR, 0600, &zero), -EINVAL);
    expect_eq("mq_open missing", wali_mq_open(other, O_RDWR, 0, NULL), -ENOENT);
    expect_eq("mq_open name with a slash", wali_mq_open("a/b", O_RDWR, 0, NULL), -EACCES);

    messages((int)q);
    notification((int)q);

    wali_close((int)q);
    expect_eq("mq_unlink", wali_mq_unlink(name), 0);
    expect_eq("mq_unlink again", wali_mq_unlink(name), -ENOENT);
    return lt_failures;
}
