//! The sandbox's second kernel-enforced layer: a seccomp filter, inherited
//! by every thread, fork and exec of the guest, that refuses what neither
//! the runtime nor a contained program has any use for, and the socket
//! families a policy never allows, so that those rules bind native programs
//! run with `--allow-exec` too, not only the syscall layer.
//!
//! It is a deny list, not yet an allow list of exactly what the runtime
//! needs: refused are the calls that change the system or the process's
//! confinement (mounts, namespaces, modules, keys, BPF, performance
//! counters, `userfaultfd`, `io_uring` (which reaches files beside the
//! usual system calls), `open_by_handle_at` (which opens files without a
//! path), clocks, host names, reboot, swap, quotas, accounting), with
//! `EPERM`; `clone3` gets `ENOSYS`, since its flags cannot be inspected
//! (libc falls back to `clone`, whose namespace flags are refused).

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
};
use wasmtime::{Result, format_err};

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

/// Installs the filter on the calling thread (and so on every thread and
/// process it starts from now on).
pub(crate) fn install() -> Result<()> {
    // Two filters: the kernel runs both and the stricter answer wins.
    let programs = [refusals(), without_clone3()];
    for program in programs {
        let program = program.map_err(|e| format_err!("cannot build the seccomp filter: {e}"))?;
        seccompiler::apply_filter(&program).map_err(|e| format_err!("cannot install the seccomp filter: {e}"))?;
    }
    Ok(())
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

    /// In a forked child (a filter cannot be removed): what is refused is
    /// refused with its errno, the rest works.
    #[test]
    fn the_filter_refuses_what_it_lists_and_nothing_else() {
        // SAFETY: the child only makes raw syscalls and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let errno =
                |r: libc::c_long| if r < 0 { std::io::Error::last_os_error().raw_os_error().unwrap_or(0) } else { 0 };
            let code = (|| {
                install().ok()?;
                // SAFETY: plain syscalls with integer arguments.
                let checks = unsafe {
                    [
                        errno(libc::syscall(libc::SYS_socket, libc::AF_NETLINK, libc::SOCK_DGRAM, 0)) == libc::EPERM,
                        errno(libc::syscall(libc::SYS_socket, libc::AF_INET, libc::SOCK_RAW, 1)) == libc::EPERM,
                        errno(libc::syscall(libc::SYS_unshare, libc::CLONE_NEWUSER)) == libc::EPERM,
                        errno(libc::syscall(libc::SYS_bpf, 0, 0, 0)) == libc::EPERM,
                        errno(libc::syscall(libc::SYS_clone3, 0, 0)) == libc::ENOSYS,
                        errno(libc::syscall(libc::SYS_clone, libc::CLONE_NEWNET | libc::SIGCHLD, 0, 0, 0, 0))
                            == libc::EPERM,
                        libc::close(libc::syscall(libc::SYS_socket, libc::AF_INET, libc::SOCK_STREAM, 0) as i32) == 0,
                        libc::close(libc::syscall(libc::SYS_socket, libc::AF_UNIX, libc::SOCK_DGRAM, 0) as i32) == 0,
                        libc::getpid() > 0,
                    ]
                };
                checks.iter().position(|ok| !ok).map_or(Some(0), |i| Some(10 + i as i32))
            })()
            .unwrap_or(1);
            // SAFETY: ends the child at once.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status), "{status:#x}");
        assert_eq!(libc::WEXITSTATUS(status), 0, "1: no filter; 10+i: check i failed");
    }
}
