/* Layouts of the Linux UAPI structures programs commonly pass to the kernel
 * (mostly through ioctl), and request numbers that encode a size, as the
 * sysroot's headers (linux-libc-dev's, toolchain/uapi) give them to a WALI
 * program. crates/lamina/tests/sysroot_headers.rs builds this natively (x86-64,
 * the kernel's own layouts) and for WALI in both C ABIs of lamina cc, and
 * compares: every line must agree except those of the structures listed
 * there as differing on purpose. One line per fact, the first word names the
 * structure or request. Only UAPI headers are included (besides stdio and
 * stddef, and what they include themselves), as a program using them would. */
#include <stddef.h>
#include <stdio.h>

#include <asm/posix_types.h>
#include <asm/sigcontext.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <asm/unistd.h>
#include <linux/capability.h>
#include <linux/eventpoll.h>
#include <linux/fb.h>
#include <linux/fiemap.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/inotify.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/loop.h>
#include <linux/mii.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/rtc.h>
#include <linux/rtnetlink.h>
#include <linux/serial.h>
#include <linux/signalfd.h>
#include <linux/sockios.h>
#include <linux/stat.h>
#include <linux/sysinfo.h>
#include <linux/time_types.h>
#include <linux/vt.h>
#include <linux/watchdog.h>

#define TYPE(t) printf("%s size %zu align %zu\n", #t, sizeof(t), _Alignof(t))
#define AT(t, f) printf("%s .%s at %zu\n", #t, #f, offsetof(t, f))
#define NUMBER(n) printf("%s = %#llx\n", #n, (unsigned long long)(n))

int main(void) {
    TYPE(__kernel_long_t);
    TYPE(__kernel_ulong_t);
    TYPE(__kernel_size_t);
    TYPE(__kernel_time_t);
    TYPE(__kernel_off_t);
    TYPE(__kernel_old_dev_t);

    /* terminals */
    TYPE(struct termios);
    TYPE(struct termios2);
    AT(struct termios2, c_ispeed);
    TYPE(struct winsize);
    NUMBER(TCGETS);
    NUMBER(TCGETS2);
    NUMBER(TIOCGWINSZ);
    NUMBER(TIOCGPTN);
    NUMBER(FIONREAD);
    TYPE(struct vt_stat);
    TYPE(struct vt_mode);
    TYPE(struct kbentry);
    TYPE(struct kbsentry);
    TYPE(struct kbd_repeat);
    TYPE(struct consolefontdesc);
    AT(struct consolefontdesc, chardata);
    NUMBER(KDGKBENT);
    NUMBER(VT_GETSTATE);
    TYPE(struct serial_struct);
    AT(struct serial_struct, iomem_base);
    AT(struct serial_struct, port_high);
    AT(struct serial_struct, iomap_base);

    /* input devices */
    TYPE(struct input_event);
    AT(struct input_event, type);
    AT(struct input_event, value);
    TYPE(struct input_absinfo);
    TYPE(struct input_keymap_entry);
    TYPE(struct ff_effect);
    AT(struct ff_effect, u);
    NUMBER(EVIOCGVERSION);
    NUMBER(EVIOCGABS(0));
    NUMBER(EVIOCSFF);

    /* files and block devices */
    TYPE(struct file_clone_range);
    TYPE(struct fstrim_range);
    TYPE(struct fsxattr);
    NUMBER(FS_IOC_GETFLAGS);
    NUMBER(FS_IOC_FSGETXATTR);
    NUMBER(FICLONERANGE);
    NUMBER(FITRIM);
    NUMBER(BLKGETSIZE64);
    NUMBER(BLKGETSIZE);
    TYPE(struct fiemap);
    AT(struct fiemap, fm_extents);
    TYPE(struct fiemap_extent);
    NUMBER(FS_IOC_FIEMAP);
    TYPE(struct loop_info);
    AT(struct loop_info, lo_offset);
    AT(struct loop_info, lo_name);
    AT(struct loop_info, lo_init);
    TYPE(struct loop_info64);
    AT(struct loop_info64, lo_file_name);
    TYPE(struct loop_config);
    NUMBER(LOOP_CONFIGURE);
    TYPE(struct hd_geometry);
    AT(struct hd_geometry, start);
    TYPE(struct statx);
    AT(struct statx, stx_mtime);
    TYPE(struct open_how);
    TYPE(struct inotify_event);
    TYPE(struct stat);
    AT(struct stat, st_size);
    AT(struct stat, st_mtime);
    TYPE(struct statfs);
    AT(struct statfs, f_blocks);
    AT(struct statfs, f_fsid);

    /* network interfaces and sockets */
    TYPE(struct ifmap);
    TYPE(struct ifreq);
    AT(struct ifreq, ifr_ifru);
    TYPE(struct ifconf);
    AT(struct ifconf, ifc_ifcu);
    NUMBER(SIOCGIFCONF);
    NUMBER(SIOCGSTAMP);
    NUMBER(SIOCGSTAMPNS);
    TYPE(struct mii_ioctl_data);
    TYPE(struct sockaddr_ll);
    TYPE(struct tpacket_hdr);
    AT(struct tpacket_hdr, tp_len);
    TYPE(struct tpacket2_hdr);
    TYPE(struct tpacket_req);
    TYPE(struct sock_filter);
    TYPE(struct sock_fprog);
    AT(struct sock_fprog, filter);
    TYPE(struct sockaddr_nl);
    TYPE(struct nlmsghdr);
    TYPE(struct nlmsgerr);
    TYPE(struct nlattr);
    TYPE(struct rtattr);
    TYPE(struct rtmsg);
    TYPE(struct ifinfomsg);
    TYPE(struct ifaddrmsg);
    TYPE(struct ndmsg);
    TYPE(struct rta_cacheinfo);
    TYPE(struct rtnl_link_stats64);

    /* time, processes, signals */
    TYPE(struct __kernel_timespec);
    TYPE(struct __kernel_old_timeval);
    TYPE(struct rtc_time);
    TYPE(struct rtc_wkalrm);
    NUMBER(RTC_RD_TIME);
    TYPE(struct sysinfo);
    AT(struct sysinfo, totalram);
    AT(struct sysinfo, procs);
    AT(struct sysinfo, mem_unit);
    TYPE(struct signalfd_siginfo);
    AT(struct signalfd_siginfo, ssi_addr);
    TYPE(struct __user_cap_header_struct);
    TYPE(struct __user_cap_data_struct);
    TYPE(struct epoll_event);
    AT(struct epoll_event, data);
    TYPE(struct sigcontext);
    AT(struct sigcontext, rip);
    AT(struct sigcontext, fpstate);
    TYPE(struct perf_event_attr);
    AT(struct perf_event_attr, sample_period);
    AT(struct perf_event_attr, bp_addr);
    NUMBER(PERF_EVENT_IOC_ENABLE);
    NUMBER(PERF_EVENT_IOC_ID);
    TYPE(struct watchdog_info);
    NUMBER(WDIOC_GETSUPPORT);
    NUMBER(WDIOC_SETTIMEOUT);

    /* graphics */
    TYPE(struct fb_fix_screeninfo);
    AT(struct fb_fix_screeninfo, mmio_start);
    AT(struct fb_fix_screeninfo, accel);
    TYPE(struct fb_var_screeninfo);
    TYPE(struct fb_cmap);
    NUMBER(FBIOGET_VSCREENINFO);

    /* system call numbers: x86-64's in both C ABIs */
    NUMBER(__NR_read);
    NUMBER(__NR_ioctl);
    NUMBER(__NR_readv);
    NUMBER(__NR_rt_sigaction);
    NUMBER(__NR_execve);
    NUMBER(__NR_statx);
    return 0;
}
