/* Prints the layout of every structure of the WALI ABI as the C library's
 * headers define it, in the format of `tools/wali_spec_types.py --layouts`
 * (the spec's own computation), field names being the spec's:
 *   <struct> - <size> <align>
 *   <struct> <field> <offset> <size>
 * The abi_layout test compares the two. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <poll.h>
#include <utime.h>

/* The rt_sigaction argument is internal to the C library. */
#define hidden
#include "ksigaction.h"

#define STRUCT(name, type) printf("%s - %zu %zu\n", name, sizeof(type), _Alignof(type))
#define FIELD(name, type, spec_field, member) \
	printf("%s %s %zu %zu\n", name, spec_field, offsetof(type, member), sizeof(((type *)0)->member))

int main(void)
{
	STRUCT("struct_timespec", struct timespec);
	FIELD("struct_timespec", struct timespec, "tv_sec", tv_sec);
	FIELD("struct_timespec", struct timespec, "tv_nsec", tv_nsec);

	STRUCT("struct_timeval", struct timeval);
	FIELD("struct_timeval", struct timeval, "tv_sec", tv_sec);
	FIELD("struct_timeval", struct timeval, "tv_usec", tv_usec);

	STRUCT("struct_timezone", struct timezone);
	FIELD("struct_timezone", struct timezone, "tz_minuteswest", tz_minuteswest);
	FIELD("struct_timezone", struct timezone, "tz_dsttime", tz_dsttime);

	STRUCT("stack_t", stack_t);
	FIELD("stack_t", stack_t, "ss_sp", ss_sp);
	FIELD("stack_t", stack_t, "ss_flags", ss_flags);
	FIELD("stack_t", stack_t, "ss_size", ss_size);

	STRUCT("struct_dirent", struct dirent);
	FIELD("struct_dirent", struct dirent, "d_ino", d_ino);
	FIELD("struct_dirent", struct dirent, "d_off", d_off);
	FIELD("struct_dirent", struct dirent, "d_reclen", d_reclen);
	FIELD("struct_dirent", struct dirent, "d_type", d_type);
	FIELD("struct_dirent", struct dirent, "d_name", d_name);

	STRUCT("struct_epoll_event", struct epoll_event);
	FIELD("struct_epoll_event", struct epoll_event, "events", events);
	FIELD("struct_epoll_event", struct epoll_event, "data", data);

	STRUCT("struct_iovec", struct iovec);
	FIELD("struct_iovec", struct iovec, "iov_base", iov_base);
	FIELD("struct_iovec", struct iovec, "iov_len", iov_len);

	STRUCT("struct_pollfd", struct pollfd);
	FIELD("struct_pollfd", struct pollfd, "fd", fd);
	FIELD("struct_pollfd", struct pollfd, "events", events);
	FIELD("struct_pollfd", struct pollfd, "revents", revents);

	STRUCT("struct_rlimit", struct rlimit);
	FIELD("struct_rlimit", struct rlimit, "rlim_cur", rlim_cur);
	FIELD("struct_rlimit", struct rlimit, "rlim_max", rlim_max);

	STRUCT("struct_k_sigaction", struct k_sigaction);
	FIELD("struct_k_sigaction", struct k_sigaction, "handler", handler);
	FIELD("struct_k_sigaction", struct k_sigaction, "flags", flags);
	FIELD("struct_k_sigaction", struct k_sigaction, "restorer", restorer);
	FIELD("struct_k_sigaction", struct k_sigaction, "mask", mask);

	STRUCT("struct_sockaddr", struct sockaddr);
	FIELD("struct_sockaddr", struct sockaddr, "sa_family", sa_family);
	FIELD("struct_sockaddr", struct sockaddr, "sa_data", sa_data);

	STRUCT("struct_statfs", struct statfs);
	FIELD("struct_statfs", struct statfs, "f_type", f_type);
	FIELD("struct_statfs", struct statfs, "f_bsize", f_bsize);
	FIELD("struct_statfs", struct statfs, "f_blocks", f_blocks);
	FIELD("struct_statfs", struct statfs, "f_bfree", f_bfree);
	FIELD("struct_statfs", struct statfs, "f_bavail", f_bavail);
	FIELD("struct_statfs", struct statfs, "f_files", f_files);
	FIELD("struct_statfs", struct statfs, "f_ffree", f_ffree);
	FIELD("struct_statfs", struct statfs, "f_fsid", f_fsid);
	FIELD("struct_statfs", struct statfs, "f_namelen", f_namelen);
	FIELD("struct_statfs", struct statfs, "f_frsize", f_frsize);
	FIELD("struct_statfs", struct statfs, "f_flags", f_flags);
	FIELD("struct_statfs", struct statfs, "f_spare", f_spare);

	STRUCT("stx_time", struct statx_timestamp);
	FIELD("stx_time", struct statx_timestamp, "tv_sec", tv_sec);
	FIELD("stx_time", struct statx_timestamp, "tv_nsec", tv_nsec);
	FIELD("stx_time", struct statx_timestamp, "pad", __pad);

	STRUCT("struct_sysinfo", struct sysinfo);
	FIELD("struct_sysinfo", struct sysinfo, "uptime", uptime);
	FIELD("struct_sysinfo", struct sysinfo, "loads", loads);
	FIELD("struct_sysinfo", struct sysinfo, "totalram", totalram);
	FIELD("struct_sysinfo", struct sysinfo, "freeram", freeram);
	FIELD("struct_sysinfo", struct sysinfo, "sharedram", sharedram);
	FIELD("struct_sysinfo", struct sysinfo, "bufferram", bufferram);
	FIELD("struct_sysinfo", struct sysinfo, "totalswap", totalswap);
	FIELD("struct_sysinfo", struct sysinfo, "freeswap", freeswap);
	FIELD("struct_sysinfo", struct sysinfo, "procs", procs);
	FIELD("struct_sysinfo", struct sysinfo, "pad", pad);
	FIELD("struct_sysinfo", struct sysinfo, "totalhigh", totalhigh);
	FIELD("struct_sysinfo", struct sysinfo, "freehigh", freehigh);
	FIELD("struct_sysinfo", struct sysinfo, "mem_unit", mem_unit);
	FIELD("struct_sysinfo", struct sysinfo, "reserved", __reserved);

	STRUCT("struct_utimbuf", struct utimbuf);
	FIELD("struct_utimbuf", struct utimbuf, "actime", actime);
	FIELD("struct_utimbuf", struct utimbuf, "modtime", modtime);

	STRUCT("struct_utsname", struct utsname);
	FIELD("struct_utsname", struct utsname, "sysname", sysname);
	FIELD("struct_utsname", struct utsname, "nodename", nodename);
	FIELD("struct_utsname", struct utsname, "release", release);
	FIELD("struct_utsname", struct utsname, "version", version);
	FIELD("struct_utsname", struct utsname, "machine", machine);
	FIELD("struct_utsname", struct utsname, "domainname", domainname);

	STRUCT("fd_set", fd_set);
	FIELD("fd_set", fd_set, "fds_bits", fds_bits);

	STRUCT("cpu_set_t", cpu_set_t);
	FIELD("cpu_set_t", cpu_set_t, "bits", __bits);

	STRUCT("struct_itimerval", struct itimerval);
	FIELD("struct_itimerval", struct itimerval, "it_interval", it_interval);
	FIELD("struct_itimerval", struct itimerval, "it_value", it_value);

	STRUCT("struct_msghdr", struct msghdr);
	FIELD("struct_msghdr", struct msghdr, "msg_name", msg_name);
	FIELD("struct_msghdr", struct msghdr, "msg_namelen", msg_namelen);
	FIELD("struct_msghdr", struct msghdr, "msg_iov", msg_iov);
	FIELD("struct_msghdr", struct msghdr, "msg_iovlen", msg_iovlen);
	FIELD("struct_msghdr", struct msghdr, "pad1", __pad1);
	FIELD("struct_msghdr", struct msghdr, "msg_control", msg_control);
	FIELD("struct_msghdr", struct msghdr, "msg_controllen", msg_controllen);
	FIELD("struct_msghdr", struct msghdr, "pad2", __pad2);
	FIELD("struct_msghdr", struct msghdr, "msg_flags", msg_flags);

	STRUCT("struct_rusage", struct rusage);
	FIELD("struct_rusage", struct rusage, "ru_utime", ru_utime);
	FIELD("struct_rusage", struct rusage, "ru_stime", ru_stime);
	FIELD("struct_rusage", struct rusage, "ru_maxrss", ru_maxrss);
	FIELD("struct_rusage", struct rusage, "ru_ixrss", ru_ixrss);
	FIELD("struct_rusage", struct rusage, "ru_idrss", ru_idrss);
	FIELD("struct_rusage", struct rusage, "ru_isrss", ru_isrss);
	FIELD("struct_rusage", struct rusage, "ru_minflt", ru_minflt);
	FIELD("struct_rusage", struct rusage, "ru_majflt", ru_majflt);
	FIELD("struct_rusage", struct rusage, "ru_nswap", ru_nswap);
	FIELD("struct_rusage", struct rusage, "ru_inblock", ru_inblock);
	FIELD("struct_rusage", struct rusage, "ru_oublock", ru_oublock);
	FIELD("struct_rusage", struct rusage, "ru_msgsng", ru_msgsnd);
	FIELD("struct_rusage", struct rusage, "ru_msgrcv", ru_msgrcv);
	FIELD("struct_rusage", struct rusage, "ru_nsignals", ru_nsignals);
	FIELD("struct_rusage", struct rusage, "ru_nvcsw", ru_nvcsw);
	FIELD("struct_rusage", struct rusage, "ru_nivcsw", ru_nivcsw);
	FIELD("struct_rusage", struct rusage, "reserved", __reserved);

	STRUCT("struct_stat", struct stat);
	FIELD("struct_stat", struct stat, "st_dev", st_dev);
	FIELD("struct_stat", struct stat, "st_ino", st_ino);
	FIELD("struct_stat", struct stat, "st_nlink", st_nlink);
	FIELD("struct_stat", struct stat, "st_mode", st_mode);
	FIELD("struct_stat", struct stat, "st_uid", st_uid);
	FIELD("struct_stat", struct stat, "st_gid", st_gid);
	FIELD("struct_stat", struct stat, "pad0", __pad0);
	FIELD("struct_stat", struct stat, "st_rdev", st_rdev);
	FIELD("struct_stat", struct stat, "st_size", st_size);
	FIELD("struct_stat", struct stat, "st_blksize", st_blksize);
	FIELD("struct_stat", struct stat, "st_blocks", st_blocks);
	FIELD("struct_stat", struct stat, "st_atim", st_atim);
	FIELD("struct_stat", struct stat, "st_mtim", st_mtim);
	FIELD("struct_stat", struct stat, "st_ctim", st_ctim);
	FIELD("struct_stat", struct stat, "unused", __unused);

	STRUCT("struct_statx", struct statx);
	FIELD("struct_statx", struct statx, "stx_mask", stx_mask);
	FIELD("struct_statx", struct statx, "stx_blksize", stx_blksize);
	FIELD("struct_statx", struct statx, "stx_attributes", stx_attributes);
	FIELD("struct_statx", struct statx, "stx_nlink", stx_nlink);
	FIELD("struct_statx", struct statx, "stx_uid", stx_uid);
	FIELD("struct_statx", struct statx, "stx_gid", stx_gid);
	FIELD("struct_statx", struct statx, "stx_mode", stx_mode);
	FIELD("struct_statx", struct statx, "pad1", __pad0);
	FIELD("struct_statx", struct statx, "stx_ino", stx_ino);
	FIELD("struct_statx", struct statx, "stx_size", stx_size);
	FIELD("struct_statx", struct statx, "stx_blocks", stx_blocks);
	FIELD("struct_statx", struct statx, "stx_attributes_mask", stx_attributes_mask);
	FIELD("struct_statx", struct statx, "stx_atime", stx_atime);
	FIELD("struct_statx", struct statx, "stx_btime", stx_btime);
	FIELD("struct_statx", struct statx, "stx_ctime", stx_ctime);
	FIELD("struct_statx", struct statx, "stx_mtime", stx_mtime);
	FIELD("struct_statx", struct statx, "stx_rdev_major", stx_rdev_major);
	FIELD("struct_statx", struct statx, "stx_rdev_minor", stx_rdev_minor);
	FIELD("struct_statx", struct statx, "stx_dev_major", stx_dev_major);
	FIELD("struct_statx", struct statx, "stx_dev_minor", stx_dev_minor);
	FIELD("struct_statx", struct statx, "spare", __pad1);
	return 0;
}
