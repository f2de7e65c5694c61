/* The 64-bit kernel's struct statfs (120 bytes), which WALI passes through,
 * in both C ABIs (__WALI_KLONG: bits/alltypes.h). */
struct statfs {
	__WALI_KLONG(unsigned long, f_type)
	__WALI_KLONG(unsigned long, f_bsize)
	fsblkcnt_t f_blocks, f_bfree, f_bavail;
	fsfilcnt_t f_files, f_ffree;
	fsid_t f_fsid;
	__WALI_KLONG(unsigned long, f_namelen)
	__WALI_KLONG(unsigned long, f_frsize)
	__WALI_KLONG(unsigned long, f_flags)
	unsigned long long f_spare[4];
};
