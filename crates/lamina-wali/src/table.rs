//! The table of WALI imports: every area's entries, in one list.
//!
//! A test checks the table against the `wali-linux` specification.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::entry::SyscallDef;
use crate::{aux, syscalls};

/// Every WALI import Lamina implements, in table order.
pub static TABLE: LazyLock<Vec<&'static SyscallDef>> = LazyLock::new(|| {
    [
        syscalls::fs::SYSCALLS,
        syscalls::io::SYSCALLS,
        syscalls::poll::SYSCALLS,
        syscalls::net::SYSCALLS,
        syscalls::ipc::SYSCALLS,
        syscalls::time::SYSCALLS,
        syscalls::identity::SYSCALLS,
        syscalls::process::SYSCALLS,
        syscalls::signal::SYSCALLS,
        syscalls::mm::SYSCALLS,
        aux::FUNCTIONS,
    ]
    .iter()
    .flat_map(|area| area.iter())
    .collect()
});

static BY_NAME: LazyLock<HashMap<&'static str, &'static SyscallDef>> =
    LazyLock::new(|| TABLE.iter().map(|d| (d.name, *d)).collect());

/// The definition of import `name` of module `wali`, if Lamina has one.
pub fn lookup(name: &str) -> Option<&'static SyscallDef> {
    BY_NAME.get(name).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Blocking;
    use crate::kinds::Args;

    #[test]
    fn names_are_unique() {
        assert_eq!(BY_NAME.len(), TABLE.len(), "a name appears twice in the table");
    }

    #[test]
    fn no_import_has_more_than_six_parameters() {
        for d in TABLE.iter() {
            assert!(d.params.len() <= 6, "{}", d.name);
        }
    }

    /// signal(7): what `SA_RESTART` restarts, and what may sleep.
    #[test]
    fn restart_and_blocking_follow_the_kernel() {
        let def = |name: &str| lookup(name).unwrap_or_else(|| panic!("{name} is in the table"));
        let none = Args::default();
        for name in ["SYS_read", "SYS_write", "SYS_openat", "SYS_wait4", "SYS_accept4", "SYS_recvmsg", "SYS_flock"] {
            assert!(def(name).restarts(&none), "{name} restarts");
        }
        for name in ["SYS_ppoll", "SYS_nanosleep", "SYS_rt_sigsuspend", "SYS_epoll_pwait", "SYS_pselect6"] {
            assert!(def(name).may_block() && !def(name).restarts(&none), "{name} is interrupted");
        }
        // System V IPC waits are never restarted; POSIX queues and socket
        // batches are.
        for name in ["SYS_msgsnd", "SYS_msgrcv", "SYS_semop", "SYS_semtimedop", "SYS_epoll_pwait2"] {
            assert!(def(name).may_block() && !def(name).restarts(&none), "{name} is interrupted");
        }
        for name in ["SYS_mq_timedsend", "SYS_mq_timedreceive", "SYS_sendmmsg", "SYS_recvmmsg"] {
            assert!(def(name).restarts(&none), "{name} restarts");
        }
        for name in ["SYS_getpid", "SYS_close", "SYS_mmap", "SYS_rt_sigaction", "__init"] {
            assert!(matches!(def(name).blocking, Blocking::Never), "{name} never blocks");
        }
        let futex = |op: u32, timeout: u32| Args([0, op as u64, 0, timeout as u64, 0, 0]);
        let f = def("SYS_futex");
        assert!(f.may_block());
        assert!(f.restarts(&futex(128, 0)), "FUTEX_WAIT_PRIVATE without a timeout");
        assert!(f.restarts(&futex(9 | 128, 0)), "FUTEX_WAIT_BITSET without a timeout");
        assert!(!f.restarts(&futex(128, 64)), "a timed wait is interrupted");
        assert!(!f.restarts(&futex(1, 0)), "FUTEX_WAKE");
    }
}
