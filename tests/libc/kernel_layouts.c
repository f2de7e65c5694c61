/* The kernel structures WALI passes through that its spec does not describe
 * (System V IPC's, and statfs for its padding): every offset and size as the
 * x86-64 kernel has them, which the native build shows. The WALI build is
 * made in each C ABI of lamina cc; under ILP32 a long field is the low half
 * of the kernel's, so only offsets and whole sizes are compared. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/statfs.h>

#define SIZE(type) printf("%s: %zu bytes\n", #type, sizeof(type))
#define AT(type, field) printf("  %s at %zu\n", #field, offsetof(type, field))

int main(void) {
    SIZE(struct ipc_perm);
    AT(struct ipc_perm, uid);
    AT(struct ipc_perm, mode);
    SIZE(struct shmid_ds);
    AT(struct shmid_ds, shm_segsz);
    AT(struct shmid_ds, shm_atime);
    AT(struct shmid_ds, shm_dtime);
    AT(struct shmid_ds, shm_ctime);
    AT(struct shmid_ds, shm_cpid);
    AT(struct shmid_ds, shm_lpid);
    AT(struct shmid_ds, shm_nattch);
    SIZE(struct shminfo);
    AT(struct shminfo, shmmax);
    AT(struct shminfo, shmmin);
    AT(struct shminfo, shmmni);
    AT(struct shminfo, shmseg);
    AT(struct shminfo, shmall);
    SIZE(struct shm_info);
    AT(struct shm_info, shm_tot);
    AT(struct shm_info, shm_rss);
    AT(struct shm_info, shm_swp);
    SIZE(struct msqid_ds);
    AT(struct msqid_ds, msg_stime);
    AT(struct msqid_ds, msg_rtime);
    AT(struct msqid_ds, msg_ctime);
    AT(struct msqid_ds, __msg_cbytes);
    AT(struct msqid_ds, msg_qnum);
    AT(struct msqid_ds, msg_qbytes);
    AT(struct msqid_ds, msg_lspid);
    AT(struct msqid_ds, msg_lrpid);
    SIZE(struct semid_ds);
    AT(struct semid_ds, sem_otime);
    AT(struct semid_ds, sem_ctime);
    AT(struct semid_ds, sem_nsems);
    SIZE(struct statfs);
    AT(struct statfs, f_bsize);
    AT(struct statfs, f_blocks);
    AT(struct statfs, f_fsid);
    AT(struct statfs, f_namelen);
    AT(struct statfs, f_frsize);
    AT(struct statfs, f_flags);
    AT(struct statfs, f_spare);
    return 0;
}
