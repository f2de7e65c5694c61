/* Constants and structures for the IPC guests (ipc_*, hostile_ipc): the
 * x86-64 kernel's, which are WALI's (its long is 8 bytes, as natively). */
#pragma once
#include "lt.h"

#define ENOMSG 42
#define EIDRM 43
#define EBUSY 16
#define EMSGSIZE 90
#define ETIMEDOUT 110

#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define MSG_NOERROR 010000
#define MSG_STAT 11
#define MSG_INFO 12
#define MSG_STAT_ANY 13
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19
#define SEM_STAT_ANY 20

struct ipc_perm {
    int key;
    unsigned uid, gid, cuid, cgid;
    unsigned short mode, __pad1, seq, __pad2;
    unsigned long __unused1, __unused2;
};
struct msqid_ds {
    struct ipc_perm msg_perm;
    long msg_stime, msg_rtime, msg_ctime;
    unsigned long msg_cbytes, msg_qnum, msg_qbytes;
    int msg_lspid, msg_lrpid;
    unsigned long __unused4, __unused5;
};
struct msginfo { int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql; unsigned short msgseg; };
struct semid_ds {
    struct ipc_perm sem_perm;
    long sem_otime;
    unsigned long __unused1;
    long sem_ctime;
    unsigned long __unused2, sem_nsems, __unused3, __unused4;
};
struct seminfo { int semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem; };
struct sembuf { unsigned short sem_num; short sem_op, sem_flg; };

/* A System V message: a long type, then the text. */
struct lt_msg { long mtype; char mtext[64]; };

#define O_CREAT_EXCL_RDWR (O_CREAT | O_EXCL | O_RDWR)
#define MQ_PRIO_MAX 32768
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SI_MESGQ (-3)
struct mq_attr { long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs, __reserved[4]; };
/* The kernel's struct sigevent, with the guest's pointer size in the value. */
struct lt_sigevent {
    union { int sival_int; void *sival_ptr; } sigev_value;
    int sigev_signo, sigev_notify, sigev_tid;
    int __pad[11];
};

/* "prefix" followed by the decimal pid: a queue name of this run's own. */
static inline void lt_ipc_name(char *out, const char *prefix) {
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    long pid = wali_getpid();
    char digits[24];
    int i = 0;
    do { digits[i++] = (char)('0' + pid % 10); pid /= 10; } while (pid);
    while (i) out[n++] = digits[--i];
    out[n] = 0;
}

#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
/* The kernel's shmid64_ds: shm_segsz is a size_t there, 8 bytes in both
 * builds. */
struct shmid_ds {
    struct ipc_perm shm_perm;
    unsigned long shm_segsz;
    long shm_atime, shm_dtime, shm_ctime;
    int shm_cpid, shm_lpid;
    unsigned long shm_nattch, __unused4, __unused5;
};
