/* System V message queues, semaphores and shared memory, and POSIX message
 * queues, through the C library. Messages carry a `long` type, which the
 * kernel reads as 8 bytes: under the ILP32 C ABI the library must convert it
 * (a message sent in place loses its first text bytes to the type and
 * cannot be found by it, a received one overruns the buffer by 4 bytes).
 * Every object is private (IPC_PRIVATE) or named after the pid, and an
 * atexit handler removes whatever a failed check left behind; ids, pids,
 * addresses and times are compared, never printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* What the test made and has not removed yet (cleanup() removes them). */
static int msq = -1, sems = -1, shm = -1;
static char mq_name[64];

static void cleanup(void) {
    if (msq >= 0) msgctl(msq, IPC_RMID, NULL);
    if (sems >= 0) semctl(sems, 0, IPC_RMID);
    if (shm >= 0) shmctl(shm, IPC_RMID, NULL);
    if (mq_name[0]) mq_unlink(mq_name);
}

/* A call that blocks for ever (a message its receiver cannot find) ends the
 * test after removing the objects, and dies of the alarm as it would have. */
static void timed_out(int sig) {
    static const char text[] = "FAIL: timed out\n";
    write(1, text, sizeof text - 1);
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* errno by name: glibc's and musl's strerror texts differ. */
static const char *errname(int e) {
    switch (e) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case ENOMSG: return "ENOMSG";
    case E2BIG: return "E2BIG";
    case EAGAIN: return "EAGAIN";
    case EIDRM: return "EIDRM";
    case ERANGE: return "ERANGE";
    case EFBIG: return "EFBIG";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EMSGSIZE: return "EMSGSIZE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EBUSY: return "EBUSY";
    case EBADF: return "EBADF";
    default: return "other";
    }
}

/* The errno of a call that must fail, by name (or "succeeded"). */
#define FAILS(call) ((errno = 0), (call) == -1 ? errname(errno) : "succeeded")

/* A message as programs declare it: a long type, then the text. The guard
 * after it must survive every receive. */
struct message {
    long mtype;
    char mtext[16];
    char guard[8];
};

static const char GUARD[8] = "guard!!";

static int send_text(long type, const char *text) {
    struct message m = {.mtype = type};
    strncpy(m.mtext, text, sizeof m.mtext);
    return msgsnd(msq, &m, strlen(text), IPC_NOWAIT);
}

/* Receives one message of `type` (msgrcv's rules) and prints it. */
static void receive(const char *what, long type, int flags) {
    struct message m;
    memset(&m, 0, sizeof m);
    memcpy(m.guard, GUARD, sizeof GUARD);
    errno = 0;
    ssize_t n = msgrcv(msq, &m, sizeof m.mtext, type, flags | IPC_NOWAIT);
    if (n < 0)
        printf("msgrcv %s: %s\n", what, errname(errno));
    else
        printf("msgrcv %s: type %ld, %zd bytes \"%.*s\"\n", what, m.mtype, n, (int)n, m.mtext);
    CHECK(memcmp(m.guard, GUARD, sizeof GUARD) == 0);
}

/* Threads blocked in msgrcv and msgsnd (cancellation points), with texts
 * longer than the library copies on its stack. */
static void *blocked_receive(void *arg) {
    (void)arg;
    static struct {
        long mtype;
        char mtext[5000];
    } m;
    msgrcv(msq, &m, sizeof m.mtext, 1, 0);
    return "returned";
}

static void *blocked_send(void *arg) {
    (void)arg;
    static struct {
        long mtype;
        char mtext[5000];
    } m = {.mtype = 1};
    /* Larger than the queue's byte limit (4096 after IPC_SET): it waits for ever. */
    msgsnd(msq, &m, sizeof m.mtext, 0);
    return "returned";
}

static void cancel_blocked(const char *what, void *(*start)(void *)) {
    pthread_t thread;
    CHECK_EQ(pthread_create(&thread, NULL, start, NULL), 0);
    usleep(50 * 1000);
    CHECK_EQ(pthread_cancel(thread), 0);
    void *result = NULL;
    CHECK_EQ(pthread_join(thread, &result), 0);
    printf("thread blocked in %s: %s\n", what, result == PTHREAD_CANCELED ? "cancelled" : "not cancelled");
}

static void message_queue(void) {
    printf("== System V message queue\n");
    msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(msq >= 0);
    if (msq < 0) return;

    CHECK_EQ(send_text(1, "one"), 0);
    CHECK_EQ(send_text(2, "two"), 0);
    CHECK_EQ(send_text(3, "three"), 0);
    CHECK_EQ(send_text(2, "deux"), 0);
    CHECK_EQ(send_text(7, ""), 0);
    printf("msgsnd type 0: %s\n", FAILS(send_text(0, "zero")));
    printf("msgsnd type -1: %s\n", FAILS(send_text(-1, "neg")));

    struct msqid_ds ds;
    memset(&ds, 0xa5, sizeof ds);
    CHECK_EQ(msgctl(msq, IPC_STAT, &ds), 0);
    printf("IPC_STAT: qnum %lu, cbytes %lu, mode %o\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, (unsigned)ds.msg_perm.mode & 0777);
    CHECK_EQ(ds.msg_lspid, getpid());
    CHECK_EQ(ds.msg_lrpid, 0);
    CHECK_EQ(ds.msg_perm.uid, getuid());
    CHECK_EQ(ds.msg_perm.cuid, getuid());
    CHECK(ds.msg_stime != 0 && ds.msg_rtime == 0 && ds.msg_ctime != 0);
    CHECK(ds.msg_qbytes > 0);

    receive("type 2", 2, 0);
    receive("type 2 again", 2, 0);
    receive("type 2 empty", 2, 0);
    receive("type <= 3", -3, 0);
    receive("not type 3", 3, MSG_EXCEPT);
    /* Text longer than the buffer: refused and kept, or cut with MSG_NOERROR. */
    struct message big = {.mtype = 9};
    memset(big.mtext, 'x', sizeof big.mtext);
    CHECK_EQ(msgsnd(msq, &big, sizeof big.mtext, 0), 0);
    struct message small;
    memcpy(small.guard, GUARD, sizeof GUARD);
    errno = 0;
    printf("msgrcv 4 of 16 bytes: %s\n", FAILS(msgrcv(msq, &small, 4, 9, IPC_NOWAIT)));
    memset(&small, 0, sizeof small);
    memcpy(small.guard, GUARD, sizeof GUARD);
    ssize_t n = msgrcv(msq, &small, 4, 9, IPC_NOWAIT | MSG_NOERROR);
    printf("msgrcv MSG_NOERROR: type %ld, %zd bytes \"%s\"\n", small.mtype, n, small.mtext);
    CHECK(memcmp(small.guard, GUARD, sizeof GUARD) == 0);
    receive("any", 0, 0);
    receive("any", 0, 0);
    receive("from an empty queue", 0, 0);

    /* A message larger than any buffer the library keeps on its stack. */
    enum { LARGE = 6000 };
    struct {
        long mtype;
        char mtext[LARGE];
    } *large = malloc(sizeof *large), *back = malloc(sizeof *large);
    large->mtype = 12;
    for (int i = 0; i < LARGE; i++) large->mtext[i] = 'a' + i % 26;
    CHECK_EQ(msgsnd(msq, large, LARGE, 0), 0);
    memset(back, 0, sizeof *back);
    n = msgrcv(msq, back, LARGE, 12, IPC_NOWAIT);
    printf("large message: %zd bytes, type %ld, text %s\n", n, back->mtype,
           memcmp(back->mtext, large->mtext, LARGE) == 0 ? "equal" : "differs");
    free(large);
    free(back);

    /* A message sent by a child wakes the parent blocked in msgrcv. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        usleep(50 * 1000);
        _exit(send_text(5, "from child") == 0 ? 0 : 1);
    }
    struct message m;
    memset(&m, 0, sizeof m);
    n = msgrcv(msq, &m, sizeof m.mtext, 5, 0);
    printf("blocking msgrcv: type %ld, %zd bytes \"%.*s\"\n", m.mtype, n, (int)(n > 0 ? n : 0), m.mtext);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(status, 0);
    memset(&ds, 0, sizeof ds);
    CHECK_EQ(msgctl(msq, IPC_STAT, &ds), 0);
    printf("after the receives: qnum %lu, cbytes %lu\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
    CHECK_EQ(ds.msg_lspid, child);
    CHECK_EQ(ds.msg_lrpid, getpid());
    CHECK(ds.msg_rtime != 0);

    /* IPC_SET changes the mode and the queue's byte limit. */
    ds.msg_perm.mode = 0640;
    ds.msg_qbytes = 4096;
    CHECK_EQ(msgctl(msq, IPC_SET, &ds), 0);
    memset(&ds, 0, sizeof ds);
    CHECK_EQ(msgctl(msq, IPC_STAT, &ds), 0);
    printf("after IPC_SET: mode %o, qbytes %lu\n", (unsigned)ds.msg_perm.mode & 0777, (unsigned long)ds.msg_qbytes);

    cancel_blocked("msgrcv", blocked_receive);
    cancel_blocked("msgsnd", blocked_send);

    struct msginfo info;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&info) >= 0);
    CHECK(info.msgmax > 0 && info.msgmnb > 0);
    /* A message longer than the system allows. */
    char *huge = calloc(1, sizeof(long) + info.msgmax + 1);
    *(long *)huge = 1;
    printf("msgsnd of msgmax + 1 bytes: %s\n", FAILS(msgsnd(msq, huge, info.msgmax + 1, IPC_NOWAIT)));
    free(huge);

    CHECK_EQ(msgctl(msq, IPC_RMID, NULL), 0);
    printf("IPC_STAT after IPC_RMID: %s\n", FAILS(msgctl(msq, IPC_STAT, &ds)));
    printf("msgsnd after IPC_RMID: %s\n", FAILS(send_text(1, "late")));
    msq = -1;
}

/* The argument of semctl, which the program declares (POSIX). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void print_values(const char *what) {
    unsigned short v[3] = {9, 9, 9};
    CHECK_EQ(semctl(sems, 0, GETALL, (union semun){.array = v}), 0);
    printf("%s: %u %u %u\n", what, v[0], v[1], v[2]);
}

static void semaphores(void) {
    printf("== System V semaphores\n");
    sems = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(sems >= 0);
    if (sems < 0) return;
    print_values("new set");
    CHECK_EQ(semctl(sems, 0, SETVAL, (union semun){.val = 2}), 0);
    printf("GETVAL after SETVAL 2: %d\n", semctl(sems, 0, GETVAL));
    printf("SETVAL -1: %s\n", FAILS(semctl(sems, 0, SETVAL, (union semun){.val = -1})));
    printf("SETVAL 40000: %s\n", FAILS(semctl(sems, 1, SETVAL, (union semun){.val = 40000})));
    unsigned short all[3] = {1, 0, 5};
    CHECK_EQ(semctl(sems, 0, SETALL, (union semun){.array = all}), 0);
    print_values("after SETALL 1 0 5");
    printf("GETVAL of semaphore 2: %d\n", semctl(sems, 2, GETVAL));

    struct sembuf ops[2] = {{0, -1, 0}, {1, 3, 0}};
    CHECK_EQ(semop(sems, ops, 2), 0);
    print_values("after semop -1 +3");
    CHECK_EQ(semctl(sems, 0, GETPID), getpid());
    struct sembuf take = {0, -1, IPC_NOWAIT};
    printf("semop on zero, IPC_NOWAIT: %s\n", FAILS(semop(sems, &take, 1)));
    struct sembuf too_many = {1, -10, 0};
    struct timespec wait = {0, 50 * 1000 * 1000};
    printf("semtimedop timeout: %s\n", FAILS(semtimedop(sems, &too_many, 1, &wait)));
    struct timespec bad = {0, 1000 * 1000 * 1000};
    printf("semtimedop bad timeout: %s\n", FAILS(semtimedop(sems, &too_many, 1, &bad)));
    struct sembuf wait_zero = {0, 0, 0};
    CHECK_EQ(semtimedop(sems, &wait_zero, 1, &wait), 0);
    print_values("after the timeouts");

    /* A child blocked on semaphore 0 is released by the parent. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct sembuf down = {0, -1, 0};
        struct timespec limit = {20, 0};
        _exit(semtimedop(sems, &down, 1, &limit) == 0 ? 0 : 1);
    }
    for (int i = 0; i < 200 && semctl(sems, 0, GETNCNT) != 1; i++) usleep(10 * 1000);
    printf("GETNCNT with a waiting child: %d\n", semctl(sems, 0, GETNCNT));
    printf("GETZCNT: %d\n", semctl(sems, 0, GETZCNT));
    struct sembuf up = {0, 1, 0};
    CHECK_EQ(semop(sems, &up, 1), 0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    printf("child released: status %d\n", status);
    print_values("after the child");
    CHECK_EQ(semctl(sems, 0, GETPID), child);

    struct semid_ds ds;
    memset(&ds, 0xa5, sizeof ds);
    CHECK_EQ(semctl(sems, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    printf("IPC_STAT: nsems %lu, mode %o\n", (unsigned long)ds.sem_nsems, (unsigned)ds.sem_perm.mode & 0777);
    CHECK_EQ(ds.sem_perm.uid, getuid());
    CHECK(ds.sem_otime != 0 && ds.sem_ctime != 0);
    ds.sem_perm.mode = 0660;
    CHECK_EQ(semctl(sems, 0, IPC_SET, (union semun){.buf = &ds}), 0);
    memset(&ds, 0, sizeof ds);
    CHECK_EQ(semctl(sems, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    printf("after IPC_SET: mode %o, nsems %lu\n", (unsigned)ds.sem_perm.mode & 0777, (unsigned long)ds.sem_nsems);

    struct sembuf out_of_range = {3, 1, 0};
    printf("semop on semaphore 3 of 3: %s\n", FAILS(semop(sems, &out_of_range, 1)));
    CHECK_EQ(semctl(sems, 0, IPC_RMID), 0);
    printf("GETVAL after IPC_RMID: %s\n", FAILS(semctl(sems, 0, GETVAL)));
    sems = -1;
}

static void shared_memory(void) {
    printf("== System V shared memory\n");
    shm = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    CHECK(shm >= 0);
    if (shm < 0) return;
    char *p = shmat(shm, NULL, 0);
    CHECK(p != (void *)-1);
    if (p == (void *)-1) return;
    CHECK_EQ((unsigned long)p % SHMLBA, 0);
    printf("new segment is zeroed: %s\n", p[0] == 0 && p[9999] == 0 ? "yes" : "no");
    strcpy(p, "written by the parent");

    struct shmid_ds ds;
    memset(&ds, 0xa5, sizeof ds);
    CHECK_EQ(shmctl(shm, IPC_STAT, &ds), 0);
    printf("IPC_STAT: segsz %lu, nattch %lu, mode %o\n", (unsigned long)ds.shm_segsz, (unsigned long)ds.shm_nattch,
           (unsigned)ds.shm_perm.mode & 0777);
    CHECK_EQ(ds.shm_cpid, getpid());
    CHECK_EQ(ds.shm_lpid, getpid());
    CHECK(ds.shm_atime != 0);
    /* Never detached yet (a runtime moving the attachment into place would
     * have the kernel count a detach). */
    CHECK_EQ(ds.shm_dtime, 0);

    /* A forked child shares the attachment: it sees the parent's bytes and
     * the parent sees its own. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct shmid_ds cds;
        int ok = strcmp(p, "written by the parent") == 0 && shmctl(shm, IPC_STAT, &cds) == 0 && cds.shm_nattch == 2;
        strcpy(p + 5000, "and by the child");
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    printf("child saw the parent's text and two attachments: %s\n", status == 0 ? "yes" : "no");
    printf("parent reads: \"%s\"\n", p + 5000);

    /* A second attachment of the same segment elsewhere, read-only. */
    char *q = shmat(shm, NULL, SHM_RDONLY);
    CHECK(q != (void *)-1 && q != p);
    if (q != (void *)-1) {
        printf("second attachment reads: \"%s\"\n", q + 5000);
        memset(&ds, 0, sizeof ds);
        CHECK_EQ(shmctl(shm, IPC_STAT, &ds), 0);
        printf("nattch with two attachments: %lu\n", (unsigned long)ds.shm_nattch);
        CHECK_EQ(shmdt(q), 0);
    }
    CHECK_EQ(shmdt(p), 0);
    printf("shmdt twice: %s\n", FAILS(shmdt(p)));
    memset(&ds, 0, sizeof ds);
    CHECK_EQ(shmctl(shm, IPC_STAT, &ds), 0);
    printf("nattch after shmdt: %lu\n", (unsigned long)ds.shm_nattch);
    CHECK(ds.shm_dtime != 0);

    errno = 0;
    void *bad = shmat(-1, NULL, 0);
    printf("shmat of id -1: %s, %s\n", bad == (void *)-1 ? "(void *)-1" : "an address", errname(errno));
    errno = 0;
    bad = shmat(shm, (void *)(SHMLBA + 1), 0);
    printf("shmat at an unaligned address: %s, %s\n", bad == (void *)-1 ? "(void *)-1" : "an address", errname(errno));

    CHECK_EQ(shmctl(shm, IPC_RMID, NULL), 0);
    printf("IPC_STAT after IPC_RMID: %s\n", FAILS(shmctl(shm, IPC_STAT, &ds)));
    shm = -1;
}

static volatile sig_atomic_t notified, notified_value, notified_code;

static void on_notify(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    notified++;
    notified_value = info->si_value.sival_int;
    notified_code = info->si_code;
}

/* What the SIGEV_THREAD notification's function was given. */
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thread_called = PTHREAD_COND_INITIALIZER;
static int thread_value = -1;

static void notify_function(union sigval value) {
    pthread_mutex_lock(&thread_lock);
    thread_value = value.sival_int;
    pthread_cond_signal(&thread_called);
    pthread_mutex_unlock(&thread_lock);
}

static void posix_queue(void) {
    printf("== POSIX message queue\n");
    snprintf(mq_name, sizeof mq_name, "/lamina-libc-ipc-%d", (int)getpid());
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    mqd_t q = mq_open(mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    if (q == (mqd_t)-1) {
        mq_name[0] = 0;
        return;
    }
    printf("O_EXCL again: %s\n", FAILS(mq_open(mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr)));
    struct mq_attr odd = {.mq_maxmsg = 0, .mq_msgsize = 64};
    char other[80];
    snprintf(other, sizeof other, "%s-other", mq_name);
    errno = 0;
    mqd_t refused = mq_open(other, O_CREAT | O_RDWR, 0600, &odd);
    printf("mq_open with maxmsg 0: %s\n", refused == (mqd_t)-1 ? errname(errno) : "succeeded");
    if (refused != (mqd_t)-1) {
        mq_close(refused);
        mq_unlink(other);
    }

    memset(&attr, 0xa5, sizeof attr);
    CHECK_EQ(mq_getattr(q, &attr), 0);
    printf("mq_getattr: flags %ld, maxmsg %ld, msgsize %ld, curmsgs %ld\n", (long)attr.mq_flags, (long)attr.mq_maxmsg,
           (long)attr.mq_msgsize, (long)attr.mq_curmsgs);

    CHECK_EQ(mq_send(q, "low", 3, 1), 0);
    CHECK_EQ(mq_send(q, "high", 4, 7), 0);
    CHECK_EQ(mq_send(q, "middle", 6, 3), 0);
    CHECK_EQ(mq_send(q, "also low", 8, 1), 0);
    CHECK_EQ(mq_getattr(q, &attr), 0);
    printf("curmsgs after four sends: %ld\n", (long)attr.mq_curmsgs);
    char buf[64];
    printf("mq_receive into 63 bytes: %s\n", FAILS(mq_receive(q, buf, 63, NULL)));
    for (int i = 0; i < 4; i++) {
        unsigned prio = 99;
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        printf("mq_receive: %zd bytes \"%.*s\", priority %u\n", n, (int)(n > 0 ? n : 0), buf, prio);
    }
    char long_text[65] = {0};
    printf("mq_send of 65 bytes: %s\n", FAILS(mq_send(q, long_text, 65, 0)));

    /* O_NONBLOCK through mq_setattr; the old attributes come back. */
    struct mq_attr nonblocking = {.mq_flags = O_NONBLOCK}, old;
    memset(&old, 0xa5, sizeof old);
    CHECK_EQ(mq_setattr(q, &nonblocking, &old), 0);
    printf("old attributes: flags %ld, maxmsg %ld, msgsize %ld\n", (long)old.mq_flags, (long)old.mq_maxmsg,
           (long)old.mq_msgsize);
    printf("mq_receive, empty and non-blocking: %s\n", FAILS(mq_receive(q, buf, sizeof buf, NULL)));
    for (int i = 0; i < 4; i++) mq_send(q, "f", 1, 0);
    printf("mq_send to a full queue: %s\n", FAILS(mq_send(q, "f", 1, 0)));
    CHECK_EQ(mq_getattr(q, &attr), 0);
    printf("full: flags %s, curmsgs %ld\n", attr.mq_flags == O_NONBLOCK ? "O_NONBLOCK" : "other",
           (long)attr.mq_curmsgs);
    for (int i = 0; i < 4; i++) mq_receive(q, buf, sizeof buf, NULL);
    struct mq_attr blocking = {.mq_flags = 0};
    CHECK_EQ(mq_setattr(q, &blocking, NULL), 0);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 50 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    printf("mq_timedreceive timeout: %s\n", FAILS(mq_timedreceive(q, buf, sizeof buf, NULL, &deadline)));
    struct timespec bad = {0, 1000000000};
    printf("mq_timedreceive bad timeout: %s\n", FAILS(mq_timedreceive(q, buf, sizeof buf, NULL, &bad)));
    CHECK_EQ(mq_timedsend(q, "timed", 5, 2, &deadline), 0);
    unsigned prio = 0;
    ssize_t n = mq_timedreceive(q, buf, sizeof buf, &prio, &deadline);
    printf("mq_timedreceive: %zd bytes \"%.*s\", priority %u\n", n, (int)(n > 0 ? n : 0), buf, prio);

    /* Notification by signal when a message arrives on the empty queue. */
    struct sigaction sa = {.sa_sigaction = on_notify, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    sigset_t block, before;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &before);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 4242;
    CHECK_EQ(mq_notify(q, &ev), 0);
    printf("second registration: %s\n", FAILS(mq_notify(q, &ev)));
    CHECK_EQ(mq_send(q, "wake", 4, 0), 0);
    while (!notified) sigsuspend(&before);
    sigprocmask(SIG_SETMASK, &before, NULL);
    printf("notified %d time(s), value %d, code %s\n", (int)notified, (int)notified_value,
           notified_code == SI_MESGQ ? "SI_MESGQ" : "other");
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 4);
    /* The registration ended with the notification: a new one is allowed,
     * and removed again with NULL. */
    CHECK_EQ(mq_notify(q, &ev), 0);
    CHECK_EQ(mq_notify(q, NULL), 0);
    /* Notification by a thread the library starts. */
    struct sigevent by_thread = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = notify_function};
    by_thread.sigev_value.sival_int = 77;
    CHECK_EQ(mq_notify(q, &by_thread), 0);
    CHECK_EQ(mq_send(q, "thread", 6, 0), 0);
    pthread_mutex_lock(&thread_lock);
    while (thread_value < 0) pthread_cond_wait(&thread_called, &thread_lock);
    pthread_mutex_unlock(&thread_lock);
    printf("SIGEV_THREAD function called with %d\n", thread_value);
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 6);
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    CHECK_EQ(mq_notify(q, &none), 0);
    CHECK_EQ(mq_notify(q, NULL), 0);

    CHECK_EQ(mq_close(q), 0);
    printf("mq_send after mq_close: %s\n", FAILS(mq_send(q, "x", 1, 0)));
    char name[64];
    strcpy(name, mq_name);
    CHECK_EQ(mq_unlink(mq_name), 0);
    mq_name[0] = 0;
    printf("mq_open after mq_unlink: %s\n", FAILS(mq_open(name, O_RDWR)));
    printf("mq_unlink twice: %s\n", FAILS(mq_unlink(name)));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    atexit(cleanup);
    signal(SIGALRM, timed_out);
    alarm(30);
    message_queue();
    semaphores();
    shared_memory();
    posix_queue();
    return CHECK_STATUS();
}
