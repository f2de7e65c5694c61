/* The 64-bit kernel's struct statfs (120 bytes), which WALI passes through,
 * in both C ABIs: where long is 32-bit, each long field is the low half of
 * the kernel's and a padding word follows it. */
#if __SIZEOF_LONG__ == 8
#define __STATFS_LONG(name) unsigned long name;
#else
#define __STATFS_LONG(name) unsigned long name; unsigned long __##name##_hi;
#endif
struct statfs {
	__STATFS_LONG(f_type)
	__STATFS_LONG(f_bsize)
	fsblkcnt_t f_blocks, f_bfree, f_bavail;
	fsfilcnt_t f_files, f_ffree;
	fsid_t f_fsid;
	__STATFS_LONG(f_namelen)
	__STATFS_LONG(f_frsize)
	__STATFS_LONG(f_flags)
	unsigned long long f_spare[4];
};
#undef __STATFS_LONG
