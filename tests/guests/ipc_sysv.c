/* System V message queues and semaphore sets: private objects made, used
 * and removed, with the structures the kernel reads and writes (msqid_ds,
 * semid_ds, the info structures, sembuf arrays, semctl's union argument) and
 * the errors of each call. Ids and pids are never printed, only how they
 * relate. */
#include "lt_ipc.h"

static void queues(void) {
    put("== message queues\n");
    long q = wali_msgget(IPC_PRIVATE, 0600);
    expect_true("msgget private", q >= 0);
    int id = (int)q;
    struct lt_msg m = {2, "second"};
    expect_eq("msgsnd type 2", wali_msgsnd(id, &m, 6, 0), 0);
    m.mtype = 1;
    memcpy(m.mtext, "first", 5);
    expect_eq("msgsnd type 1", wali_msgsnd(id, &m, 5, IPC_NOWAIT), 0);

    struct msqid_ds ds;
    memset(&ds, 0xaa, sizeof ds);
    expect_eq("IPC_STAT", wali_msgctl(id, IPC_STAT, &ds), 0);
    expect_eq("two messages queued", (long)ds.msg_qnum, 2);
    expect_eq("eleven bytes queued", (long)ds.msg_cbytes, 11);
    expect_true("last sender is this process", ds.msg_lspid == wali_getpid());
    expect_eq("mode", ds.msg_perm.mode & 0777, 0600);
    expect_true("creator is this user", ds.msg_perm.cuid == (unsigned)wali_geteuid());

    /* By type, then the first of any type. */
    memset(&m, 0, sizeof m);
    expect_eq("msgrcv type 1", wali_msgrcv(id, &m, sizeof m.mtext, 1, 0), 5);
    expect_true("type 1 text", m.mtype == 1 && memcmp(m.mtext, "first", 5) == 0);
    expect_eq("msgrcv any", wali_msgrcv(id, &m, sizeof m.mtext, 0, 0), 6);
    expect_true("any text", m.mtype == 2 && memcmp(m.mtext, "second", 6) == 0);
    expect_eq("msgrcv empty", wali_msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT), -ENOMSG);

    /* A message longer than the buffer: E2BIG, or cut with MSG_NOERROR. */
    m.mtype = 7;
    memcpy(m.mtext, "0123456789", 10);
    expect_eq("msgsnd ten bytes", wali_msgsnd(id, &m, 10, 0), 0);
    expect_eq("msgrcv too small", wali_msgrcv(id, &m, 4, 0, IPC_NOWAIT), -E2BIG);
    memset(&m, 0, sizeof m);
    expect_eq("msgrcv MSG_NOERROR", wali_msgrcv(id, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR), 4);
    expect_true("cut text", m.mtype == 7 && memcmp(m.mtext, "0123", 4) == 0 && m.mtext[4] == 0);
    /* Negative type: the lowest type up to its absolute value. */
    m.mtype = 9;
    wali_msgsnd(id, &m, 1, 0);
    m.mtype = 3;
    wali_msgsnd(id, &m, 1, 0);
    expect_eq("msgrcv type <= 5", wali_msgrcv(id, &m, 8, -5, IPC_NOWAIT), 1);
    expect_eq("lowest type", m.mtype, 3);
    expect_eq("msgrcv type 9", wali_msgrcv(id, &m, 8, 9, IPC_NOWAIT), 1);

    m.mtype = 0;
    expect_eq("msgsnd type 0 refused", wali_msgsnd(id, &m, 1, 0), -EINVAL);
    m.mtype = 1;
    expect_eq("msgsnd too long", wali_msgsnd(id, &m, 1 << 20, 0), -EINVAL);
    expect_eq("msgsnd negative id", wali_msgsnd(-1, &m, 1, 0), -EINVAL);

    /* IPC_SET changes the mode; the limits and usage of IPC_INFO. */
    ds.msg_perm.mode = 0640;
    expect_eq("IPC_SET", wali_msgctl(id, IPC_SET, &ds), 0);
    expect_eq("IPC_STAT again", wali_msgctl(id, IPC_STAT, &ds), 0);
    expect_eq("mode changed", ds.msg_perm.mode & 0777, 0640);
    expect_eq("queue drained", (long)ds.msg_qnum, 0);
    struct msginfo info;
    memset(&info, 0, sizeof info);
    expect_true("IPC_INFO", wali_msgctl(0, IPC_INFO, &info) >= 0);
    show("msgmax", info.msgmax);
    expect_true("MSG_INFO", wali_msgctl(0, MSG_INFO, &info) >= 0);
    expect_eq("unknown command", wali_msgctl(id, 99, &ds), -EINVAL);

    expect_eq("IPC_RMID", wali_msgctl(id, IPC_RMID, NULL), 0);
    expect_eq("msgsnd removed queue", wali_msgsnd(id, &m, 1, 0), -EINVAL);
    expect_eq("IPC_RMID again", wali_msgctl(id, IPC_RMID, NULL), -EINVAL);
}

static void semaphores(void) {
    put("== semaphores\n");
    long s = wali_semget(IPC_PRIVATE, 3, 0600);
    expect_true("semget private", s >= 0);
    int id = (int)s;
    expect_eq("semget too many", wali_semget(IPC_PRIVATE, 1 << 30, 0600), -EINVAL);

    /* semctl's fourth argument: a value, or an address, by command. */
    expect_eq("SETVAL", wali_semctl(id, 0, SETVAL, 5), 0);
    expect_eq("GETVAL", wali_semctl(id, 0, GETVAL, 0), 5);
    unsigned short values[3] = {1, 2, 3};
    expect_eq("SETALL", wali_semctl(id, 0, SETALL, (long)(size_t)values), 0);
    unsigned short back[4] = {9, 9, 9, 9};
    expect_eq("GETALL", wali_semctl(id, 0, GETALL, (long)(size_t)back), 0);
    expect_true("GETALL values", back[0] == 1 && back[1] == 2 && back[2] == 3 && back[3] == 9);
    expect_eq("GETVAL 2", wali_semctl(id, 2, GETVAL, 0), 3);
    expect_eq("GETVAL out of range", wali_semctl(id, 3, GETVAL, 0), -EINVAL);
    expect_eq("SETVAL negative", wali_semctl(id, 0, SETVAL, -1), -ERANGE);

    struct semid_ds ds;
    memset(&ds, 0xaa, sizeof ds);
    expect_eq("IPC_STAT", wali_semctl(id, 0, IPC_STAT, (long)(size_t)&ds), 0);
    expect_eq("sem_nsems", (long)ds.sem_nsems, 3);
    expect_eq("mode", ds.sem_perm.mode & 0777, 0600);
    ds.sem_perm.mode = 0660;
    expect_eq("IPC_SET", wali_semctl(id, 0, IPC_SET, (long)(size_t)&ds), 0);
    memset(&ds, 0, sizeof ds);
    wali_semctl(id, 0, IPC_STAT, (long)(size_t)&ds);
    expect_eq("mode changed", ds.sem_perm.mode & 0777, 0660);
    struct seminfo info;
    memset(&info, 0, sizeof info);
    expect_true("IPC_INFO", wali_semctl(0, 0, IPC_INFO, (long)(size_t)&info) >= 0);
    show("semopm", info.semopm);
    expect_true("SEM_INFO", wali_semctl(0, 0, SEM_INFO, (long)(size_t)&info) >= 0);

    /* Operations: all or nothing, at once. */
    struct sembuf ops[2] = {{0, -1, 0}, {1, 2, 0}};
    expect_eq("semop", wali_semop(id, ops, 2), 0);
    expect_eq("after semop 0", wali_semctl(id, 0, GETVAL, 0), 0);
    expect_eq("after semop 1", wali_semctl(id, 1, GETVAL, 0), 4);
    expect_true("GETPID is this process", wali_semctl(id, 0, GETPID, 0) == wali_getpid());
    expect_eq("GETNCNT", wali_semctl(id, 0, GETNCNT, 0), 0);
    expect_eq("GETZCNT", wali_semctl(id, 0, GETZCNT, 0), 0);
    struct sembuf take[2] = {{1, -1, 0}, {0, -1, IPC_NOWAIT}};
    expect_eq("semop would block", wali_semop(id, take, 2), -EAGAIN);
    expect_eq("nothing taken", wali_semctl(id, 1, GETVAL, 0), 4);
    struct timespec ts = {0, 20 * 1000 * 1000};
    long t0 = lt_now_ns();
    struct sembuf wait0 = {0, -1, 0};
    expect_eq("semtimedop waits", wali_semtimedop(id, &wait0, 1, &ts), -EAGAIN);
    expect_true("semtimedop waited its timeout", lt_now_ns() - t0 >= 19 * 1000 * 1000);
    struct sembuf zero = {0, 0, 0};
    expect_eq("semtimedop wait for zero", wali_semtimedop(id, &zero, 1, NULL), 0);
    struct timespec bad = {0, 1000000000};
    expect_eq("semtimedop bad timeout", wali_semtimedop(id, &wait0, 1, &bad), -EINVAL);
    expect_eq("semop no operations", wali_semop(id, ops, 0), -EINVAL);
    expect_eq("semop too many", wali_semop(id, ops, 100000), -E2BIG);
    struct sembuf outside = {7, 1, 0};
    expect_eq("semop number out of range", wali_semop(id, &outside, 1), -EFBIG);
    expect_eq("unknown command", wali_semctl(id, 0, 99, 0), -EINVAL);

    expect_eq("IPC_RMID", wali_semctl(id, 0, IPC_RMID, 0), 0);
    expect_eq("semop removed set", wali_semop(id, ops, 1), -EINVAL);
    expect_eq("GETALL removed set", wali_semctl(id, 0, GETALL, (long)(size_t)back), -EINVAL);
}

int main(int argc, char **argv) {
    queues();
    semaphores();
    return lt_failures;
}
