/* IPC under a sandbox (run with --sandbox by crates/lamina/tests/ipc.rs,
 * which passes the ids of a queue and a semaphore set that another program
 * made): the guest may make and use private objects, but not open objects by
 * key, use or remove another program's, list them by index, or reach POSIX
 * queues by name. Prints "label: result" lines. */
#include "lt_ipc.h"

static void result(const char *label, long r) { show(label, r); }

static long number(const char *s) {
    long v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return v;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    int foreign_q = (int)number(argv[1]), foreign_s = (int)number(argv[2]), foreign_m = (int)number(argv[3]);
    struct lt_msg m = {1, "hi"};
    struct msqid_ds ds;

    /* Private objects are the guest's. */
    long q = wali_msgget(IPC_PRIVATE, 0600);
    result("own queue", q >= 0 ? 0 : q);
    result("own msgsnd", wali_msgsnd((int)q, &m, 2, 0));
    result("own msgrcv", wali_msgrcv((int)q, &m, 8, 0, IPC_NOWAIT));
    result("own IPC_STAT", wali_msgctl((int)q, IPC_STAT, &ds));
    result("own IPC_RMID", wali_msgctl((int)q, IPC_RMID, NULL));
    long s = wali_semget(IPC_PRIVATE, 1, 0600);
    result("own set", s >= 0 ? 0 : s);
    struct sembuf up = {0, 1, 0};
    result("own semop", wali_semop((int)s, &up, 1));
    result("own GETVAL", wali_semctl((int)s, 0, GETVAL, 0));
    result("own set IPC_RMID", wali_semctl((int)s, 0, IPC_RMID, 0));
    long shm = wali_shmget(IPC_PRIVATE, 4096, 0600);
    result("own segment", shm >= 0 ? 0 : shm);
    long at = wali_shmat((int)shm, NULL, 0);
    result("own shmat", at > 0 ? 0 : at);
    result("own shmdt", wali_shmdt((void *)(size_t)at));
    result("own segment IPC_RMID", wali_shmctl((int)shm, IPC_RMID, NULL));
    struct msginfo info;
    result("IPC_INFO", wali_msgctl(0, IPC_INFO, &info) >= 0 ? 0 : -1);

    /* A removed object's id is no longer the guest's. */
    result("removed queue", wali_msgsnd((int)q, &m, 2, 0));

    /* Keys, other programs' ids and listing indices. */
    result("msgget key", wali_msgget(0x4c414d, IPC_CREAT | 0600));
    result("semget key", wali_semget(0x4c414d, 1, IPC_CREAT | 0600));
    result("foreign msgsnd", wali_msgsnd(foreign_q, &m, 2, 0));
    result("foreign msgrcv", wali_msgrcv(foreign_q, &m, 8, 0, IPC_NOWAIT));
    result("foreign IPC_STAT", wali_msgctl(foreign_q, IPC_STAT, &ds));
    result("foreign IPC_RMID", wali_msgctl(foreign_q, IPC_RMID, NULL));
    result("MSG_STAT_ANY", wali_msgctl(0, MSG_STAT_ANY, &ds));
    result("foreign semop", wali_semop(foreign_s, &up, 1));
    result("foreign SETVAL", wali_semctl(foreign_s, 0, SETVAL, 9));
    result("foreign set IPC_RMID", wali_semctl(foreign_s, 0, IPC_RMID, 0));
    result("SEM_STAT_ANY", wali_semctl(0, 0, SEM_STAT_ANY, (long)(size_t)&ds));
    result("shmget key", wali_shmget(0x4c414d, 4096, IPC_CREAT | 0600));
    result("foreign shmat", wali_shmat(foreign_m, NULL, 0));
    result("foreign shmctl IPC_STAT", wali_shmctl(foreign_m, IPC_STAT, &ds));
    result("foreign shmctl IPC_RMID", wali_shmctl(foreign_m, IPC_RMID, NULL));
    result("SHM_STAT_ANY", wali_shmctl(0, SHM_STAT_ANY, &ds));

    /* POSIX queue names. */
    struct mq_attr attr = {0, 2, 16, 0, {0}};
    result("mq_open", wali_mq_open("lamina-sandbox-queue", O_CREAT_EXCL_RDWR, 0600, &attr));
    result("mq_unlink", wali_mq_unlink("lamina-sandbox-queue"));
    return 0;
}
