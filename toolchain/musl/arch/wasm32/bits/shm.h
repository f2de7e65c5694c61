#define SHMLBA 4096

/* The 64-bit kernel's layouts (see bits/ipc.h); size_t is the low half of
 * the kernel's, with padding after it. */
struct shmid_ds {
	struct ipc_perm shm_perm;
	size_t shm_segsz;
	int __shm_segsz_hi;
	time_t shm_atime;
	time_t shm_dtime;
	time_t shm_ctime;
	pid_t shm_cpid;
	pid_t shm_lpid;
	__WALI_KLONG(unsigned long, shm_nattch)
	unsigned long long __pad1;
	unsigned long long __pad2;
};

struct shminfo {
	__WALI_KLONG(unsigned long, shmmax)
	__WALI_KLONG(unsigned long, shmmin)
	__WALI_KLONG(unsigned long, shmmni)
	__WALI_KLONG(unsigned long, shmseg)
	__WALI_KLONG(unsigned long, shmall)
	unsigned long long __unused[4];
};

struct shm_info {
	int __used_ids;
	int __used_ids_pad;
	__WALI_KLONG(unsigned long, shm_tot)
	__WALI_KLONG(unsigned long, shm_rss)
	__WALI_KLONG(unsigned long, shm_swp)
	__WALI_KLONG(unsigned long, __swap_attempts)
	__WALI_KLONG(unsigned long, __swap_successes)
};
