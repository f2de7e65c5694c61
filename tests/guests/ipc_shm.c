/* System V shared memory: a private segment attached twice (one read-only)
 * and seen through both, shared with a forked child, attached at a chosen
 * address (SHM_RND, SHM_REMAP), detached by shmdt or munmap, removed while
 * attached, and the errors. Addresses and ids are never printed, only how
 * they relate. */
#include "lt_ipc.h"
#include "lt_mm.h"

#define SEGMENT 10000
#define PAGES 12288 /* the segment in whole pages, as it is mapped */

static long nattch(int id) {
    struct shmid_ds ds;
    memset(&ds, 0, sizeof ds);
    long r = wali_shmctl(id, IPC_STAT, &ds);
    return r < 0 ? r : (long)ds.shm_nattch;
}

int main(int argc, char **argv) {
    long s = wali_shmget(IPC_PRIVATE, SEGMENT, 0600);
    expect_true("shmget private", s >= 0);
    int id = (int)s;
    expect_eq("shmget too small", wali_shmget(IPC_PRIVATE, 0, 0600), -EINVAL);

    struct shmid_ds ds;
    memset(&ds, 0xaa, sizeof ds);
    expect_eq("IPC_STAT", wali_shmctl(id, IPC_STAT, &ds), 0);
    expect_eq("shm_segsz", (long)ds.shm_segsz, SEGMENT);
    expect_eq("not attached yet", (long)ds.shm_nattch, 0);
    expect_true("creator is this process", ds.shm_cpid == wali_getpid());
    expect_eq("mode", ds.shm_perm.mode & 0777, 0600);

    long a = wali_shmat(id, NULL, 0);
    expect_true("shmat anywhere", a > 0 && (a & 4095) == 0);
    char *p = (char *)(size_t)a;
    expect_eq("fresh segment is zero", p[0] | p[SEGMENT - 1], 0);
    memcpy(p, "hello", 6);
    p[SEGMENT - 1] = 'z';
    long b = wali_shmat(id, NULL, SHM_RDONLY);
    expect_true("second attachment elsewhere", b > 0 && b != a);
    const char *q = (const char *)(size_t)b;
    expect_true("the same memory", memcmp(q, "hello", 6) == 0 && q[SEGMENT - 1] == 'z');
    expect_eq("two attachments", nattch(id), 2);

    /* A forked child shares the attachment. */
    long child = wali_fork();
    if (child == 0) {
        memcpy(p, "child", 6);
        wali_exit_group(0);
    }
    int status = -1;
    expect_eq("child waited for", wali_wait4((int)child, &status, 0, NULL), child);
    expect_true("child wrote through it", memcmp(q, "child", 6) == 0);

    /* shmdt takes an attachment's first page, nothing else. */
    expect_eq("shmdt inside", wali_shmdt((void *)(size_t)(b + 4096)), -EINVAL);
    expect_eq("shmdt unaligned", wali_shmdt((void *)(size_t)(b + 1)), -EINVAL);
    expect_eq("shmdt read-only", wali_shmdt((void *)(size_t)b), 0);
    expect_eq("one attachment", nattch(id), 1);
    expect_eq("shmdt again", wali_shmdt((void *)(size_t)b), -EINVAL);
    long anon = wali_mmap(NULL, 4096, PROT_RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    expect_eq("shmdt of a shared mmap", wali_shmdt((void *)(size_t)anon), -EINVAL);
    wali_munmap((void *)(size_t)anon, 4096);

    /* At a chosen address: the range just freed. */
    long at = wali_shmat(id, (void *)(size_t)b, 0);
    expect_true("shmat at an address", at == b);
    expect_true("contents there", memcmp((char *)(size_t)at, "child", 6) == 0);
    expect_eq("shmat over a mapping", wali_shmat(id, (void *)(size_t)b, 0), -EINVAL);
    expect_eq("shmat unaligned", wali_shmat(id, (void *)(size_t)(b + 5), 0), -EINVAL);
    expect_true("SHM_RND|SHM_REMAP rounds down", wali_shmat(id, (void *)(size_t)(b + 5), SHM_RND | SHM_REMAP) == b);
    expect_eq("replaced, not added", nattch(id), 2);
    expect_eq("SHM_REMAP without an address", wali_shmat(id, NULL, SHM_REMAP), -EINVAL);
    expect_eq("shmat bad id", wali_shmat(-1, NULL, 0), -EINVAL);
    expect_eq("shmat no such id", wali_shmat(0x7ffffff0, NULL, 0), -EINVAL);

    /* munmap detaches too. */
    expect_eq("munmap an attachment", wali_munmap((void *)(size_t)b, PAGES), 0);
    expect_eq("munmap detached it", nattch(id), 1);

    ds.shm_perm.mode = 0640;
    expect_eq("IPC_SET", wali_shmctl(id, IPC_SET, &ds), 0);
    wali_shmctl(id, IPC_STAT, &ds);
    expect_eq("mode changed", ds.shm_perm.mode & 0777, 0640);
    unsigned long info[9];
    expect_true("IPC_INFO", wali_shmctl(0, IPC_INFO, info) >= 0);
    expect_true("SHM_INFO", wali_shmctl(0, SHM_INFO, info) >= 0);
    expect_eq("unknown command", wali_shmctl(id, 99, &ds), -EINVAL);

    /* Removed while attached: usable until the last detach. */
    expect_eq("IPC_RMID attached", wali_shmctl(id, IPC_RMID, NULL), 0);
    p[1] = 'E';
    expect_true("still usable", p[0] == 'c' && p[1] == 'E');
    expect_eq("shmdt last", wali_shmdt(p), 0);
    expect_eq("gone after the last detach", nattch(id), -EINVAL);
    return lt_failures;
}
