/* The 64-bit kernel's layout (see bits/ipc.h). */
struct msqid_ds {
	struct ipc_perm msg_perm;
	time_t msg_stime;
	time_t msg_rtime;
	time_t msg_ctime;
	__WALI_KLONG(unsigned long, msg_cbytes)
	__WALI_KLONG(msgqnum_t, msg_qnum)
	__WALI_KLONG(msglen_t, msg_qbytes)
	pid_t msg_lspid;
	pid_t msg_lrpid;
	unsigned long long __unused[2];
};
