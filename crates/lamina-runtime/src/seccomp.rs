//! The sandbox's second kernel-enforced layer: seccomp filters, inherited
//! by every thread, fork and exec of the guest.
//!
//! - An allow list: unless the policy lets the guest execute native
//!   programs, only the host system calls the runtime makes are possible —
//!   those of the WALI table's handlers, of Lamina itself (wasmtime, the
//!   memory layer, its own start when a guest executes a WALI module) — and
//!   anything else is `ENOSYS`, what the deny list names included (tests check the list against the table and
//!   against every system call the runtime's sources name). Native programs
//!   need the whole system-call interface, so with `--allow-exec` the rest
//!   of this module and Landlock are what contain them.
//! - A deny list, always: the calls that change the system or the
//!   process's confinement (mounts, namespaces, modules, keys, BPF,
//!   performance counters, `userfaultfd`, `io_uring` (which reaches files
//!   beside the usual system calls), `open_by_handle_at` (which opens files
//!   without a path), clocks, host names, reboot, swap, quotas, accounting, POSIX message queue names),
//!   with `EPERM`, and the socket families a policy never allows, so that
//!   those rules bind native programs too; `clone3` gets `ENOSYS`, since its
//!   flags cannot be inspected (libc falls back to `clone`, whose namespace
//!   flags are refused).

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
};
use wasmtime::{Result, format_err};

/// The host system calls a sandboxed Lamina makes for a guest and for
/// itself (without `clone3`, whose `ENOSYS` is wanted, and the calls it
/// makes only to set up the sandbox before the filter is installed).
const ALLOWED: &[libc::c_long] = &[
    libc::SYS_accept,
    libc::SYS_accept4,
    libc::SYS_access,
    libc::SYS_alarm,
    libc::SYS_arch_prctl,
    libc::SYS_bind,
    libc::SYS_brk,
    libc::SYS_capget,
    libc::SYS_capset,
    libc::SYS_chdir,
    libc::SYS_chmod,
    libc::SYS_chown,
    libc::SYS_chroot,
    libc::SYS_clock_getres,
    libc::SYS_clock_gettime,
    libc::SYS_clock_nanosleep,
    libc::SYS_clone,
    libc::SYS_close,
    libc::SYS_close_range,
    libc::SYS_connect,
    libc::SYS_copy_file_range,
    libc::SYS_dup,
    libc::SYS_dup2,
    libc::SYS_dup3,
    libc::SYS_epoll_create,
    libc::SYS_epoll_create1,
    libc::SYS_epoll_ctl,
    libc::SYS_epoll_pwait,
    libc::SYS_epoll_pwait2,
    libc::SYS_epoll_wait,
    libc::SYS_eventfd,
    libc::SYS_eventfd2,
    libc::SYS_execve,
    libc::SYS_execveat,
    libc::SYS_exit,
    libc::SYS_exit_group,
    libc::SYS_faccessat,
    libc::SYS_faccessat2,
    libc::SYS_fadvise64,
    libc::SYS_fallocate,
    libc::SYS_fchdir,
    libc::SYS_fchmod,
    libc::SYS_fchmodat,
    libc::SYS_fchown,
    libc::SYS_fchownat,
    libc::SYS_fcntl,
    libc::SYS_fdatasync,
    libc::SYS_fgetxattr,
    libc::SYS_flistxattr,
    libc::SYS_flock,
    libc::SYS_fork,
    libc::SYS_fremovexattr,
    libc::SYS_fsetxattr,
    libc::SYS_fstat,
    libc::SYS_fstatfs,
    libc::SYS_fsync,
    libc::SYS_ftruncate,
    libc::SYS_futex,
    libc::SYS_futex_waitv,
    libc::SYS_futimesat,
    libc::SYS_getcpu,
    libc::SYS_getcwd,
    libc::SYS_getdents,
    libc::SYS_getdents64,
    libc::SYS_getegid,
    libc::SYS_geteuid,
    libc::SYS_getgid,
    libc::SYS_getgroups,
    libc::SYS_getitimer,
    libc::SYS_getpeername,
    libc::SYS_getpgid,
    libc::SYS_getpgrp,
    libc::SYS_getpid,
    libc::SYS_getppid,
    libc::SYS_getpriority,
    libc::SYS_getrandom,
    libc::SYS_getresgid,
    libc::SYS_getresuid,
    libc::SYS_getrlimit,
    libc::SYS_getrusage,
    libc::SYS_getsid,
    libc::SYS_getsockname,
    libc::SYS_getsockopt,
    libc::SYS_gettid,
    libc::SYS_gettimeofday,
    libc::SYS_getuid,
    libc::SYS_getxattr,
    libc::SYS_inotify_add_watch,
    libc::SYS_inotify_init,
    libc::SYS_inotify_init1,
    libc::SYS_inotify_rm_watch,
    libc::SYS_ioctl,
    libc::SYS_ioprio_get,
    libc::SYS_ioprio_set,
    libc::SYS_kill,
    libc::SYS_lchown,
    libc::SYS_lgetxattr,
    libc::SYS_link,
    libc::SYS_linkat,
    libc::SYS_listen,
    libc::SYS_listxattr,
    libc::SYS_llistxattr,
    libc::SYS_lremovexattr,
    libc::SYS_lseek,
    libc::SYS_lsetxattr,
    libc::SYS_lstat,
    libc::SYS_madvise,
    libc::SYS_membarrier,
    libc::SYS_memfd_create,
    libc::SYS_mincore,
    libc::SYS_mkdir,
    libc::SYS_mkdirat,
    libc::SYS_mknod,
    libc::SYS_mknodat,
    libc::SYS_mlock,
    libc::SYS_mlock2,
    libc::SYS_mlockall,
    libc::SYS_mmap,
    libc::SYS_mprotect,
    libc::SYS_mq_getsetattr,
    libc::SYS_mq_notify,
    libc::SYS_mq_timedreceive,
    libc::SYS_mq_timedsend,
    libc::SYS_mremap,
    libc::SYS_msgctl,
    libc::SYS_msgget,
    libc::SYS_msgrcv,
    libc::SYS_msgsnd,
    libc::SYS_msync,
    libc::SYS_munlock,
    libc::SYS_munlockall,
    libc::SYS_munmap,
    libc::SYS_nanosleep,
    libc::SYS_newfstatat,
    libc::SYS_open,
    libc::SYS_openat,
    libc::SYS_openat2,
    libc::SYS_pause,
    libc::SYS_personality,
    libc::SYS_pidfd_getfd,
    libc::SYS_pidfd_open,
    libc::SYS_pidfd_send_signal,
    libc::SYS_pipe,
    libc::SYS_pipe2,
    libc::SYS_poll,
    libc::SYS_ppoll,
    libc::SYS_prctl,
    libc::SYS_pread64,
    libc::SYS_preadv,
    libc::SYS_preadv2,
    libc::SYS_prlimit64,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_pselect6,
    libc::SYS_pwrite64,
    libc::SYS_pwritev,
    libc::SYS_pwritev2,
    libc::SYS_read,
    libc::SYS_readahead,
    libc::SYS_readlink,
    libc::SYS_readlinkat,
    libc::SYS_readv,
    libc::SYS_recvfrom,
    libc::SYS_recvmmsg,
    libc::SYS_recvmsg,
    libc::SYS_removexattr,
    libc::SYS_rename,
    libc::SYS_renameat,
    libc::SYS_renameat2,
    libc::SYS_restart_syscall,
    libc::SYS_rmdir,
    libc::SYS_rseq,
    libc::SYS_rt_sigaction,
    libc::SYS_rt_sigpending,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigqueueinfo,
    libc::SYS_rt_sigreturn,
    libc::SYS_rt_sigsuspend,
    libc::SYS_rt_sigtimedwait,
    libc::SYS_rt_tgsigqueueinfo,
    libc::SYS_sched_get_priority_max,
    libc::SYS_sched_get_priority_min,
    libc::SYS_sched_getaffinity,
    libc::SYS_sched_getattr,
    libc::SYS_sched_getparam,
    libc::SYS_sched_getscheduler,
    libc::SYS_sched_rr_get_interval,
    libc::SYS_sched_setaffinity,
    libc::SYS_sched_setattr,
    libc::SYS_sched_setparam,
    libc::SYS_sched_setscheduler,
    libc::SYS_sched_yield,
    libc::SYS_select,
    libc::SYS_semctl,
    libc::SYS_semget,
    libc::SYS_semop,
    libc::SYS_semtimedop,
    libc::SYS_sendfile,
    libc::SYS_sendmmsg,
    libc::SYS_sendmsg,
    libc::SYS_sendto,
    libc::SYS_set_robust_list,
    libc::SYS_set_tid_address,
    libc::SYS_setfsgid,
    libc::SYS_setfsuid,
    libc::SYS_setgid,
    libc::SYS_setgroups,
    libc::SYS_setitimer,
    libc::SYS_setpgid,
    libc::SYS_setpriority,
    libc::SYS_setregid,
    libc::SYS_setresgid,
    libc::SYS_setresuid,
    libc::SYS_setreuid,
    libc::SYS_setrlimit,
    libc::SYS_setsid,
    libc::SYS_setsockopt,
    libc::SYS_setuid,
    libc::SYS_setxattr,
    libc::SYS_shmat,
    libc::SYS_shmctl,
    libc::SYS_shmdt,
    libc::SYS_shmget,
    libc::SYS_shutdown,
    libc::SYS_sigaltstack,
    libc::SYS_signalfd4,
    libc::SYS_socket,
    libc::SYS_socketpair,
    libc::SYS_splice,
    libc::SYS_stat,
    libc::SYS_statfs,
    libc::SYS_statx,
    libc::SYS_symlink,
    libc::SYS_symlinkat,
    libc::SYS_sync,
    libc::SYS_sync_file_range,
    libc::SYS_syncfs,
    libc::SYS_sysinfo,
    libc::SYS_tee,
    libc::SYS_tgkill,
    libc::SYS_time,
    libc::SYS_timer_create,
    libc::SYS_timer_delete,
    libc::SYS_timer_getoverrun,
    libc::SYS_timer_gettime,
    libc::SYS_timer_settime,
    libc::SYS_timerfd_create,
    libc::SYS_timerfd_gettime,
    libc::SYS_timerfd_settime,
    libc::SYS_times,
    libc::SYS_tkill,
    libc::SYS_truncate,
    libc::SYS_umask,
    libc::SYS_uname,
    libc::SYS_unlink,
    libc::SYS_unlinkat,
    libc::SYS_utime,
    libc::SYS_utimensat,
    libc::SYS_utimes,
    libc::SYS_vfork,
    libc::SYS_vmsplice,
    libc::SYS_wait4,
    libc::SYS_waitid,
    libc::SYS_write,
    libc::SYS_writev,
];

/// System calls refused outright.
const DENIED: &[libc::c_long] = &[
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_fsopen,
    libc::SYS_fsconfig,
    libc::SYS_fsmount,
    libc::SYS_fspick,
    libc::SYS_move_mount,
    libc::SYS_open_tree,
    libc::SYS_mount_setattr,
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_reboot,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_quotactl_fd,
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_userfaultfd,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
    libc::SYS_open_by_handle_at,
    libc::SYS_name_to_handle_at,
    libc::SYS_fanotify_init,
    libc::SYS_iopl,
    libc::SYS_ioperm,
    libc::SYS_syslog,
    libc::SYS_vhangup,
    libc::SYS_settimeofday,
    libc::SYS_clock_settime,
    libc::SYS_clock_adjtime,
    libc::SYS_adjtimex,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
    // POSIX message queue names are shared by all of the user's programs.
    libc::SYS_mq_open,
    libc::SYS_mq_unlink,
];

/// `clone` flags that would make new namespaces.
const NAMESPACE_FLAGS: &[libc::c_int] = &[
    libc::CLONE_NEWNS,
    libc::CLONE_NEWUSER,
    libc::CLONE_NEWPID,
    libc::CLONE_NEWNET,
    libc::CLONE_NEWUTS,
    libc::CLONE_NEWIPC,
    libc::CLONE_NEWCGROUP,
];

/// Installs the filters on the calling thread (and so on every thread and
/// process it starts from now on); the allow list unless native programs
/// may be executed.
pub(crate) fn install(native_programs: bool) -> Result<()> {
    // The kernel runs every filter and the strictest answer wins. The allow
    // list comes last, since installing a filter is not on it (so what the
    // deny list names is then ENOSYS too: between two errnos, the filter
    // installed last decides).
    let mut programs = vec![refusals(), without_clone3()];
    if !native_programs {
        programs.push(allow_list());
    }
    for program in programs {
        let program = program.map_err(|e| format_err!("cannot build the seccomp filter: {e}"))?;
        seccompiler::apply_filter(&program).map_err(|e| format_err!("cannot install the seccomp filter: {e}"))?;
    }
    Ok(())
}

/// `ENOSYS` for every call not in [`ALLOWED`].
fn allow_list() -> Result<BpfProgram, seccompiler::Error> {
    let allowed = ALLOWED.iter().map(|&nr| (nr, vec![])).collect();
    let enosys = SeccompAction::Errno(libc::ENOSYS as u32);
    Ok(SeccompFilter::new(allowed, enosys, SeccompAction::Allow, TargetArch::x86_64)?.try_into()?)
}

/// `EPERM` for the refused calls, socket families and clone flags.
fn refusals() -> Result<BpfProgram, seccompiler::Error> {
    let eperm = SeccompAction::Errno(libc::EPERM as u32);
    let mut refused: BTreeMap<i64, Vec<SeccompRule>> = DENIED.iter().map(|&nr| (nr, vec![])).collect();
    let arg = |index, op, value| SeccompCondition::new(index, SeccompCmpArgLen::Dword, op, value);
    // socket and socketpair: families other than Unix and IP, and raw or
    // packet types (`type & 0xf`).
    let mut socket_rules = vec![SeccompRule::new(vec![
        arg(0, SeccompCmpOp::Ne, libc::AF_UNIX as u64)?,
        arg(0, SeccompCmpOp::Ne, libc::AF_INET as u64)?,
        arg(0, SeccompCmpOp::Ne, libc::AF_INET6 as u64)?,
    ])?];
    for kind in [libc::SOCK_RAW, SOCK_PACKET] {
        socket_rules.push(SeccompRule::new(vec![arg(1, SeccompCmpOp::MaskedEq(0xf), kind as u64)?])?);
    }
    refused.insert(libc::SYS_socket, socket_rules.clone());
    refused.insert(libc::SYS_socketpair, socket_rules);
    let clone_rules = NAMESPACE_FLAGS
        .iter()
        .map(|&flag| SeccompRule::new(vec![arg(0, SeccompCmpOp::MaskedEq(flag as u64), flag as u64)?]))
        .collect::<Result<_, _>>()?;
    refused.insert(libc::SYS_clone, clone_rules);
    Ok(SeccompFilter::new(refused, SeccompAction::Allow, eperm, TargetArch::x86_64)?.try_into()?)
}

/// `ENOSYS` for clone3, whose flags are in memory, out of a filter's reach:
/// libc then uses clone.
fn without_clone3() -> Result<BpfProgram, seccompiler::Error> {
    let enosys = SeccompAction::Errno(libc::ENOSYS as u32);
    let rules = BTreeMap::from([(libc::SYS_clone3, vec![])]);
    Ok(SeccompFilter::new(rules, SeccompAction::Allow, enosys, TargetArch::x86_64)?.try_into()?)
}

/// `SOCK_PACKET` (the obsolete packet interface), which the libc crate only
/// has deprecated.
const SOCK_PACKET: libc::c_int = 10;

#[cfg(test)]
mod tests {
    use super::*;

    /// x86-64 system call numbers by name, from the kernel's header.
    fn host_numbers() -> BTreeMap<String, libc::c_long> {
        let header = std::fs::read_to_string("/usr/include/x86_64-linux-gnu/asm/unistd_64.h").unwrap();
        header
            .lines()
            .filter_map(|l| l.strip_prefix("#define __NR_"))
            .filter_map(|l| l.split_once(' '))
            .map(|(name, nr)| (name.to_owned(), nr.trim().parse().unwrap()))
            .collect()
    }

    fn allowed_or_denied(nr: libc::c_long) -> bool {
        ALLOWED.contains(&nr) || DENIED.contains(&nr)
    }

    #[test]
    fn every_wali_table_entry_may_make_its_host_call() {
        let numbers = host_numbers();
        for entry in lamina_wali::TABLE.iter() {
            let Some(name) = entry.name.strip_prefix("SYS_") else { continue };
            // WALI's one name that differs from the host's, and the calls
            // the runtime makes as another: `vfork` as a fork (a `clone`),
            // `creat` as the `openat` it is.
            let host = match name {
                "fadvise" => "fadvise64",
                "vfork" => "clone",
                "creat" => "openat",
                "signalfd" => "signalfd4",
                _ => name,
            };
            let nr = numbers.get(host).unwrap_or_else(|| panic!("{name} is not an x86-64 system call"));
            assert!(allowed_or_denied(*nr), "{name}: neither allowed nor refused on purpose");
        }
    }

    #[test]
    fn every_system_call_the_runtime_names_is_allowed_or_refused_on_purpose() {
        let numbers = host_numbers();
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut dirs: Vec<_> =
            ["lamina-wali/src", "lamina-runtime/src", "lamina-memory/src"].map(|d| crates.join(d)).into();
        let mut named = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.file_name() != Some("seccomp.rs".as_ref()) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (at, _) in text.match_indices("libc::SYS_") {
                        let rest = &text[at + "libc::SYS_".len()..];
                        let name = &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap()];
                        let nr = numbers[name];
                        assert!(
                            allowed_or_denied(nr) || nr == libc::SYS_clone3,
                            "{}: SYS_{name} is neither allowed nor refused on purpose",
                            path.display()
                        );
                        named += 1;
                    }
                }
            }
        }
        assert!(named > 100, "found only {named} system calls in the sources");
    }

    fn errno(r: libc::c_long) -> i32 {
        if r < 0 { std::io::Error::last_os_error().raw_os_error().unwrap_or(0) } else { 0 }
    }

    /// Runs `checks` in a forked child under the filters (which cannot be
    /// removed) and asserts that each held.
    fn in_filtered_child(native_programs: bool, checks: fn() -> Vec<bool>) {
        // SAFETY: the child only makes raw syscalls and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let code = match install(native_programs) {
                Ok(()) => checks().iter().position(|ok| !ok).map_or(0, |i| 10 + i as i32),
                Err(_) => 1,
            };
            // SAFETY: ends the child at once.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status), "{status:#x}");
        assert_eq!(libc::WEXITSTATUS(status), 0, "1: no filter; 10+i: check i failed");
    }

    #[test]
    fn the_deny_list_refuses_what_it_lists_and_nothing_else() {
        // SAFETY: plain syscalls with integer arguments.
        in_filtered_child(true, || unsafe {
            vec![
                errno(libc::syscall(libc::SYS_socket, libc::AF_NETLINK, libc::SOCK_DGRAM, 0)) == libc::EPERM,
                errno(libc::syscall(libc::SYS_socket, libc::AF_INET, libc::SOCK_RAW, 1)) == libc::EPERM,
                errno(libc::syscall(libc::SYS_unshare, libc::CLONE_NEWUSER)) == libc::EPERM,
                errno(libc::syscall(libc::SYS_bpf, 0, 0, 0)) == libc::EPERM,
                errno(libc::syscall(libc::SYS_clone3, 0, 0)) == libc::ENOSYS,
                errno(libc::syscall(libc::SYS_clone, libc::CLONE_NEWNET | libc::SIGCHLD, 0, 0, 0, 0)) == libc::EPERM,
                libc::close(libc::syscall(libc::SYS_socket, libc::AF_INET, libc::SOCK_STREAM, 0) as i32) == 0,
                libc::close(libc::syscall(libc::SYS_socket, libc::AF_UNIX, libc::SOCK_DGRAM, 0) as i32) == 0,
                libc::getpid() > 0,
                // With native programs allowed there is no allow list.
                libc::syscall(libc::SYS_get_mempolicy, 0, 0, 0, 0, 0) == 0,
            ]
        });
    }

    #[test]
    fn the_allow_list_leaves_only_the_runtimes_calls() {
        // SAFETY: plain syscalls with integer arguments (null pointers).
        in_filtered_child(false, || unsafe {
            vec![
                errno(libc::syscall(libc::SYS_get_mempolicy, 0, 0, 0, 0, 0)) == libc::ENOSYS,
                errno(libc::syscall(libc::SYS_ptrace, libc::PTRACE_TRACEME, 0, 0, 0)) == libc::ENOSYS,
                errno(libc::syscall(libc::SYS_kcmp, 0, 0, 0, 0, 0)) == libc::ENOSYS,
                errno(libc::syscall(libc::SYS_bpf, 0, 0, 0)) == libc::ENOSYS,
                // What the allow list has, the deny list may still refuse.
                errno(libc::syscall(libc::SYS_socket, libc::AF_NETLINK, libc::SOCK_DGRAM, 0)) == libc::EPERM,
                errno(libc::syscall(libc::SYS_clone3, 0, 0)) == libc::ENOSYS,
                libc::getpid() > 0,
                libc::close(libc::syscall(libc::SYS_socket, libc::AF_UNIX, libc::SOCK_DGRAM, 0) as i32) == 0,
            ]
        });
    }
}
