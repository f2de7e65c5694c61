/* The x86-64 kernel's struct stat (144 bytes), which WALI uses on every host,
 * in both C ABIs: in the ILP32 one blksize_t is a 32-bit long, the low half
 * of the kernel's field (nlink_t stays 64-bit there, see alltypes.h.in). */
struct stat {
	dev_t st_dev;
	ino_t st_ino;
	nlink_t st_nlink;

	mode_t st_mode;
	uid_t st_uid;
	gid_t st_gid;
	unsigned int __pad0;
	dev_t st_rdev;
	off_t st_size;
	blksize_t st_blksize;
#if __SIZEOF_LONG__ == 4
	int __st_blksize_hi;
#endif
	blkcnt_t st_blocks;

	struct timespec st_atim;
	struct timespec st_mtim;
	struct timespec st_ctim;
	long long __unused[3];
};
