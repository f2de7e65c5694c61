/* Hostile IPC calls (WALI only): messages, semaphore arrays, control
 * structures, timeouts, names and notifications outside guest memory or
 * running past its end, semctl union values that are not addresses, and
 * commands Lamina does not know. Each gets the errno the kernel gives
 * natively, in its order, and the runtime must survive. */
#include "lt_ipc.h"
#include "lt_poll.h"

#ifndef __wasm__
#error "hostile_ipc is a WALI-only guest"
#endif

static void queues(void) {
    put("== message queues\n");
    int q = (int)wali_msgget(IPC_PRIVATE, 0600);
    expect_true("msgget", q >= 0);
    struct lt_msg m = {1, "abc"};
    expect_eq("msgsnd wild", wali_msgsnd(q, LT_WILD, 4, 0), -EFAULT);
    expect_eq("msgsnd NULL", wali_msgsnd(q, NULL, 4, 0), -EFAULT);
    /* The type is read first, then the size and type checked, then the text. */
    struct lt_msg *tail = lt_mem_tail(8 + 3);
    tail->mtype = 1;
    memcpy(tail->mtext, "xyz", 3);
    expect_eq("msgsnd at the very end", wali_msgsnd(q, tail, 3, 0), 0);
    expect_eq("msgsnd text past the end", wali_msgsnd(q, tail, 4, 0), -EFAULT);
    expect_eq("msgsnd text past the end, too long", wali_msgsnd(q, tail, 1 << 20, 0), -EINVAL);
    expect_eq("msgsnd text past the end, bad id", wali_msgsnd(-1, tail, 4, 0), -EINVAL);
    tail->mtype = 0;
    expect_eq("msgsnd text past the end, bad type", wali_msgsnd(q, tail, 4, 0), -EINVAL);
    expect_eq("msgsnd type past the end", wali_msgsnd(q, lt_mem_tail(7), 0, 0), -EFAULT);
    expect_eq("msgsnd size wraps", wali_msgsnd(q, &m, 0xfffffff8u, 0), -EINVAL);

    /* The kernel finds a message before it stores it; errors come first. */
    expect_eq("msgrcv empty queue, wild buffer", wali_msgrcv(q, LT_WILD, 8, 5, IPC_NOWAIT), -ENOMSG);
    expect_eq("msgrcv bad id, wild buffer", wali_msgrcv(-1, LT_WILD, 8, 0, 0), -EINVAL);
    struct lt_msg *rtail = lt_mem_tail(8 + 3);
    expect_eq("msgrcv at the very end", wali_msgrcv(q, rtail, 3, 0, IPC_NOWAIT), 3);
    expect_true("received at the very end", rtail->mtype == 1 && memcmp(rtail->mtext, "xyz", 3) == 0);
    /* A message longer than the room left: natively too the kernel takes it
     * off the queue, then fails to store it. */
    expect_eq("msgsnd", wali_msgsnd(q, &m, 4, 0), 0);
    expect_eq("msgrcv past the end", wali_msgrcv(q, rtail, 4, 0, IPC_NOWAIT), -EFAULT);
    expect_eq("msgrcv size wraps", wali_msgrcv(q, &m, 0xfffffff8u, 0, IPC_NOWAIT), -ENOMSG);

    struct msqid_ds *dtail = lt_mem_tail(sizeof(struct msqid_ds));
    expect_eq("IPC_STAT at the very end", wali_msgctl(q, IPC_STAT, dtail), 0);
    expect_eq("IPC_STAT past the end", wali_msgctl(q, IPC_STAT, lt_mem_tail(119)), -EFAULT);
    expect_eq("IPC_STAT wild", wali_msgctl(q, IPC_STAT, LT_WILD), -EFAULT);
    expect_eq("IPC_STAT bad id, wild", wali_msgctl(-1, IPC_STAT, LT_WILD), -EINVAL);
    expect_eq("IPC_SET wild", wali_msgctl(q, IPC_SET, LT_WILD), -EFAULT);
    expect_eq("IPC_INFO at the very end", wali_msgctl(0, IPC_INFO, lt_mem_tail(32)) >= 0, 1);
    expect_eq("IPC_INFO past the end", wali_msgctl(0, IPC_INFO, lt_mem_tail(31)), -EFAULT);
    expect_eq("MSG_STAT wild", wali_msgctl(0, MSG_STAT, LT_WILD) < 0, 1);
    /* A command whose argument is unknown is never passed on. */
    expect_eq("unknown command", wali_msgctl(q, 0x7fff, LT_WILD), -EINVAL);
    expect_eq("IPC_64 flag", wali_msgctl(q, IPC_STAT | 0x100, dtail), -EINVAL);
    expect_eq("IPC_RMID ignores the buffer", wali_msgctl(q, IPC_RMID, LT_WILD), 0);
}

static void semaphores(void) {
    put("== semaphores\n");
    int s = (int)wali_semget(IPC_PRIVATE, 4, 0600);
    expect_true("semget", s >= 0);
    /* GETALL and SETALL move one short per semaphore: 8 bytes here. */
    unsigned short *atail = lt_mem_tail(8);
    for (int i = 0; i < 4; i++) atail[i] = (unsigned short)(i + 1);
    expect_eq("SETALL at the very end", wali_semctl(s, 0, SETALL, (long)(size_t)atail), 0);
    expect_eq("GETALL at the very end", wali_semctl(s, 0, GETALL, (long)(size_t)atail), 0);
    expect_eq("GETALL past the end", wali_semctl(s, 0, GETALL, (long)(size_t)lt_mem_tail(7)), -EFAULT);
    expect_eq("SETALL past the end", wali_semctl(s, 0, SETALL, (long)(size_t)lt_mem_tail(6)), -EFAULT);
    expect_eq("GETALL wild", wali_semctl(s, 0, GETALL, (long)(size_t)LT_WILD), -EFAULT);
    /* Only the low half is the guest's pointer (or value). */
    expect_eq("GETALL high bits", wali_semctl(s, 0, GETALL, (long)(size_t)atail | (1L << 40)), 0);
    expect_eq("SETVAL high bits", wali_semctl(s, 1, SETVAL, 7L | (1L << 40)), 0);
    expect_eq("SETVAL value kept", wali_semctl(s, 1, GETVAL, 0), 7);
    expect_eq("GETALL bad id, wild", wali_semctl(-1, 0, GETALL, (long)(size_t)LT_WILD), -EINVAL);
    expect_eq("IPC_STAT wild", wali_semctl(s, 0, IPC_STAT, (long)(size_t)LT_WILD), -EFAULT);
    expect_eq("IPC_STAT past the end", wali_semctl(s, 0, IPC_STAT, (long)(size_t)lt_mem_tail(103)), -EFAULT);
    expect_eq("IPC_STAT at the very end", wali_semctl(s, 0, IPC_STAT, (long)(size_t)lt_mem_tail(104)), 0);
    expect_eq("SEM_INFO past the end", wali_semctl(0, 0, SEM_INFO, (long)(size_t)lt_mem_tail(39)), -EFAULT);
    expect_eq("unknown command", wali_semctl(s, 0, 0x7fff, (long)(size_t)LT_WILD), -EINVAL);
    /* GETVAL's argument is ignored, whatever it holds. */
    expect_eq("GETVAL wild argument", wali_semctl(s, 1, GETVAL, (long)(size_t)LT_WILD), 7);

    struct sembuf op = {0, 1, 0};
    struct sembuf *otail = lt_mem_tail(sizeof op);
    *otail = op;
    expect_eq("semop at the very end", wali_semop(s, otail, 1), 0);
    expect_eq("semop past the end", wali_semop(s, otail, 2), -EFAULT);
    expect_eq("semop wild", wali_semop(s, LT_WILD, 1), -EFAULT);
    expect_eq("semop wild, no operations", wali_semop(s, LT_WILD, 0), -EINVAL);
    expect_eq("semop wild, too many", wali_semop(s, LT_WILD, 100000), -E2BIG);
    expect_eq("semop count wraps", wali_semop(s, otail, 0xffffffffu), -E2BIG);
    struct timespec zero = {0, 0};
    expect_eq("semtimedop wild timeout", wali_semtimedop(s, &op, 1, LT_WILD), -EFAULT);
    expect_eq("semtimedop timeout past the end", wali_semtimedop(s, &op, 1, lt_mem_tail(15)), -EFAULT);
    expect_eq("semtimedop wild operations", wali_semtimedop(s, LT_WILD, 1, &zero), -EFAULT);
    expect_eq("semop bad id", wali_semop(-1, &op, 1), -EINVAL);
    expect_eq("IPC_RMID", wali_semctl(s, 0, IPC_RMID, (long)(size_t)LT_WILD), 0);
}

static void shared_memory(void) {
    put("== shared memory\n");
    int id = (int)wali_shmget(IPC_PRIVATE, 4096, 0600);
    expect_true("shmget", id >= 0);
    /* Linear memory ends at 4 GiB and the guest's maximum before that. */
    expect_eq("shmat near 4 GiB", wali_shmat(id, (void *)0xfffff000u, 0), -ENOMEM);
    expect_eq("shmat past the maximum", wali_shmat(id, (void *)0xc0000000u, 0), -ENOMEM);
    expect_eq("shmat below 64 KiB", wali_shmat(id, (void *)0x1000, SHM_REMAP), -EPERM);
    /* The guest's own memory is a mapping: not without SHM_REMAP. */
    static char data[8192];
    void *inside = (void *)(((size_t)data + 4095) & ~(size_t)4095);
    expect_eq("shmat over the guest's data", wali_shmat(id, inside, 0), -EINVAL);
    expect_eq("shmat unaligned", wali_shmat(id, (void *)((size_t)inside + 1), 0), -EINVAL);
    long a = wali_shmat(id, NULL, SHM_EXEC);
    expect_true("SHM_EXEC attached (not executable on the host)", a > 0);
    expect_eq("shmdt wild", wali_shmdt(LT_WILD), -EINVAL);
    expect_eq("shmdt NULL", wali_shmdt(NULL), -EINVAL);
    expect_eq("shmdt the guest's data", wali_shmdt(inside), -EINVAL);
    expect_eq("shmdt", wali_shmdt((void *)(size_t)a), 0);

    struct shmid_ds *dtail = lt_mem_tail(sizeof(struct shmid_ds));
    expect_eq("IPC_STAT at the very end", wali_shmctl(id, IPC_STAT, dtail), 0);
    expect_eq("IPC_STAT past the end", wali_shmctl(id, IPC_STAT, lt_mem_tail(111)), -EFAULT);
    expect_eq("IPC_STAT wild", wali_shmctl(id, IPC_STAT, LT_WILD), -EFAULT);
    expect_eq("IPC_STAT bad id, wild", wali_shmctl(-1, IPC_STAT, LT_WILD), -EINVAL);
    expect_eq("IPC_INFO at the very end", wali_shmctl(0, IPC_INFO, lt_mem_tail(72)) >= 0, 1);
    expect_eq("IPC_INFO past the end", wali_shmctl(0, IPC_INFO, lt_mem_tail(71)), -EFAULT);
    expect_eq("SHM_INFO past the end", wali_shmctl(0, SHM_INFO, lt_mem_tail(47)), -EFAULT);
    expect_eq("unknown command", wali_shmctl(id, 0x7fff, LT_WILD), -EINVAL);
    expect_eq("IPC_RMID ignores the buffer", wali_shmctl(id, IPC_RMID, LT_WILD), 0);
}

static void posix_queues(void) {
    put("== POSIX message queues\n");
    char name[64];
    lt_ipc_name(name, "lamina-hostile-ipc-");
    expect_eq("mq_open wild name", wali_mq_open(LT_WILD, O_RDWR, 0, NULL), -EFAULT);
    expect_eq("mq_open NULL name", wali_mq_open(NULL, O_RDWR, 0, NULL), -EFAULT);
    char *ntail = lt_mem_tail(4);
    memcpy(ntail, "abcd", 4);
    expect_eq("mq_open name without its end", wali_mq_open(ntail, O_RDWR, 0, NULL), -EFAULT);
    expect_eq("mq_open wild attributes", wali_mq_open(name, O_CREAT_EXCL_RDWR, 0600, LT_WILD), -EFAULT);
    /* Without O_CREAT the attributes are not read. */
    expect_eq("mq_open wild attributes, no O_CREAT", wali_mq_open(name, O_RDWR, 0, LT_WILD), -ENOENT);
    struct mq_attr attr = {0, 2, 16, 0, {0}};
    int q = (int)wali_mq_open(name, O_CREAT_EXCL_RDWR, 0600, &attr);
    expect_true("mq_open", q >= 0);

    expect_eq("send wild message", wali_mq_timedsend(q, LT_WILD, 4, 0, NULL), -EFAULT);
    expect_eq("send message past the end", wali_mq_timedsend(q, lt_mem_tail(3), 4, 0, NULL), -EFAULT);
    expect_eq("send wild empty message", wali_mq_timedsend(q, LT_WILD, 0, 0, NULL), 0);
    expect_eq("send wild, too long", wali_mq_timedsend(q, LT_WILD, 17, 0, NULL), -EMSGSIZE);
    expect_eq("send wild, bad descriptor", wali_mq_timedsend(-1, LT_WILD, 4, 0, NULL), -EBADF);
    expect_eq("send wild timeout", wali_mq_timedsend(q, "x", 1, 0, LT_WILD), -EFAULT);
    expect_eq("send at the very end", wali_mq_timedsend(q, lt_mem_tail(16), 16, 0, NULL), 0);

    char buf[16];
    unsigned prio;
    expect_eq("receive wild timeout", wali_mq_timedreceive(q, buf, 16, &prio, LT_WILD), -EFAULT);
    expect_eq("receive wild, too small", wali_mq_timedreceive(q, LT_WILD, 15, &prio, NULL), -EMSGSIZE);
    expect_eq("receive into the very end", wali_mq_timedreceive(q, lt_mem_tail(16), 16, &prio, NULL), 0);
    /* The message is taken before its priority is stored, as natively. */
    expect_eq("receive wild priority", wali_mq_timedreceive(q, buf, 16, LT_WILD, NULL), -EFAULT);
    struct mq_attr now;
    wali_mq_getsetattr(q, NULL, &now);
    expect_eq("message taken", now.mq_curmsgs, 0);
    struct timespec past = {0, 0};
    expect_eq("receive wild buffer, timed out", wali_mq_timedreceive(q, LT_WILD, 16, NULL, &past), -ETIMEDOUT);

    expect_eq("getsetattr wild new", wali_mq_getsetattr(q, LT_WILD, NULL), -EFAULT);
    expect_eq("getsetattr new past the end", wali_mq_getsetattr(q, lt_mem_tail(63), NULL), -EFAULT);
    struct mq_attr nb = {O_NONBLOCK, 0, 0, 0, {0}};
    /* The new attributes apply before the old ones fail to be stored. */
    expect_eq("getsetattr wild old", wali_mq_getsetattr(q, &nb, LT_WILD), -EFAULT);
    wali_mq_getsetattr(q, NULL, &now);
    expect_eq("applied despite the wild old", now.mq_flags, O_NONBLOCK);

    struct lt_sigevent ev;
    memset(&ev, 0, sizeof ev);
    expect_eq("notify wild", wali_mq_notify(q, LT_WILD), -EFAULT);
    expect_eq("notify past the end", wali_mq_notify(q, lt_mem_tail(15)), -EFAULT);
    /* SIGEV_THREAD's cookie is read from sigev_value: a guest address. */
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_value.sival_ptr = LT_WILD;
    expect_eq("notify thread, wild cookie", wali_mq_notify(q, (void *)&ev), -EFAULT);
    ev.sigev_value.sival_ptr = NULL;
    expect_eq("notify thread, NULL cookie", wali_mq_notify(q, (void *)&ev), -EFAULT);
    ev.sigev_value.sival_ptr = lt_mem_tail(31);
    expect_eq("notify thread, cookie past the end", wali_mq_notify(q, (void *)&ev), -EFAULT);
    ev.sigev_value.sival_ptr = lt_mem_tail(32);
    ev.sigev_signo = q;
    expect_eq("notify thread, not a netlink socket", wali_mq_notify(q, (void *)&ev), -ENOTSOCK);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_ptr = LT_WILD;
    expect_eq("notify signal, value is no address", wali_mq_notify(q, (void *)&ev), 0);
    expect_eq("unregister", wali_mq_notify(q, NULL), 0);

    wali_close(q);
    expect_eq("mq_unlink wild", wali_mq_unlink(LT_WILD), -EFAULT);
    expect_eq("mq_unlink", wali_mq_unlink(name), 0);
}

int main(int argc, char **argv) {
    queues();
    semaphores();
    shared_memory();
    posix_queues();
    expect_eq("runtime survived", wali_getpid() > 0, 1);
    return lt_failures;
}
