//! The x86-64 system calls Lamina does not offer a guest, on purpose: each
//! with the errno the guest gets and why. The table (`table.rs`) and this
//! list together name every system call the x86-64 kernel has (a test checks
//! them against the `wali-linux` spec's list, and docs/syscalls.md is made
//! from both), so a call missing from both is a gap to fill, never a silent
//! `ENOSYS`.
//!
//! A refused import is still bound (a module may declare it): the call
//! returns the errno, and the first call prints the reason once.

use crate::ctx::Process;
use crate::errno::Errno;

/// System calls refused for one reason.
pub struct Refusal {
    pub errno: Errno,
    /// Why, as the warning and docs/syscalls.md say it.
    pub why: &'static str,
    /// The kernel's names (x86-64's table, as the spec spells them).
    pub names: &'static [&'static str],
}

/// Every refusal, by reason.
pub static REFUSED: &[Refusal] = &[
    Refusal {
        errno: Errno::ENOSYS,
        why: "not in Linux any more, or never implemented on x86-64",
        names: &[
            "_sysctl",
            "afs_syscall",
            "create_module",
            "epoll_ctl_old",
            "epoll_wait_old",
            "get_kernel_syms",
            "getpmsg",
            "lookup_dcookie",
            "nfsservctl",
            "putpmsg",
            "query_module",
            "security",
            "tuxcall",
            "uselib",
            "vserver",
        ],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "obsolete: C libraries use statfs and /proc/filesystems instead",
        names: &["sysfs", "ustat"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "x86 machine state (segment descriptors, the FS/GS bases) belongs to the runtime's threads; \
              wasm code has none",
        names: &["arch_prctl", "get_thread_area", "modify_ldt", "set_thread_area"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "a thread or process running wasm code needs the runtime: WALI programs start threads with \
              __wasm_thread_spawn and processes with fork, vfork or __clone; clone's stack and TLS \
              arguments are host addresses",
        names: &["clone", "clone3"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "reaches another process's memory or kernel objects by host address (debuggers, \
              checkpointing): guest addresses are not host addresses",
        names: &["kcmp", "process_madvise", "process_mrelease", "process_vm_readv", "process_vm_writev", "ptrace"],
    },
    Refusal {
        errno: Errno::EPERM,
        why: "configures the machine, not the program (the seccomp deny list refuses it to native programs \
              under a sandbox too)",
        names: &[
            "acct",
            "adjtimex",
            "clock_adjtime",
            "delete_module",
            "finit_module",
            "init_module",
            "ioperm",
            "iopl",
            "kexec_file_load",
            "kexec_load",
            "quotactl",
            "quotactl_fd",
            "reboot",
            "swapoff",
            "swapon",
            "syslog",
            "vhangup",
        ],
    },
    Refusal {
        errno: Errno::EPERM,
        why: "mounts and namespaces would change the file system and ids the runtime itself resolves \
              modules, grants and its own files in",
        names: &[
            "fsconfig",
            "fsmount",
            "fsopen",
            "fspick",
            "mount",
            "mount_setattr",
            "move_mount",
            "open_tree",
            "pivot_root",
            "setns",
            "umount2",
            "unshare",
        ],
    },
    Refusal {
        errno: Errno::EPERM,
        why: "kernel facilities that hold host addresses or reach files past the descriptor table \
              (BPF, performance counters, userfaultfd, io_uring's shared rings, key rings, file handles, \
              fanotify)",
        names: &[
            "add_key",
            "bpf",
            "fanotify_init",
            "fanotify_mark",
            "io_uring_enter",
            "io_uring_register",
            "io_uring_setup",
            "keyctl",
            "name_to_handle_at",
            "open_by_handle_at",
            "perf_event_open",
            "request_key",
            "userfaultfd",
        ],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "Linux AIO keeps the buffer addresses of submitted requests and uses them later; musl's aio_* \
              functions use threads instead",
        names: &["io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_setup", "io_submit"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "NUMA placement of host pages: a guest has one memory, and libnuma then reports no NUMA",
        names: &["get_mempolicy", "mbind", "migrate_pages", "move_pages", "set_mempolicy", "set_mempolicy_home_node"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "memory protection keys tag host pages; the protections of guest memory are the runtime's",
        names: &["pkey_alloc", "pkey_free", "pkey_mprotect"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "registers a host address the kernel writes later (on preemption, or at a thread's death); the \
              runtime's own C library registers its threads' (set_robust_list is refused alike)",
        names: &["get_robust_list", "rseq"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "a seccomp filter or Landlock ruleset would bind the runtime's own system calls and files too \
              (the compile cache, modules to execute); programs take ENOSYS as the feature missing \
              (prctl(PR_SET_SECCOMP) is refused alike); Lamina's --sandbox is the way to confine a guest",
        names: &["landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "seccomp"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "secret memory is taken out of the kernel's view, so no system call could read guest data in it",
        names: &["memfd_secret"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "deprecated (Linux emulates it with separate mappings), and the runtime's map of guest memory \
              could not follow the rearranged pages",
        names: &["remap_file_pages"],
    },
    Refusal {
        errno: Errno::ENOSYS,
        why: "the kernel's own restart path; Lamina restarts interrupted calls itself",
        names: &["restart_syscall"],
    },
];

/// The refusal naming `name` (a kernel name, `mount`), if any.
pub fn refusal(name: &str) -> Option<&'static Refusal> {
    REFUSED.iter().find(|r| r.names.contains(&name))
}

/// The result of an import Lamina has no entry for (`SYS_mount`): its
/// refusal's errno with the reason, or `ENOSYS` for a call nobody decided
/// about (which the tests keep from happening for the x86-64 table), each
/// explained once on stderr.
pub fn answer_unimplemented(process: &Process, import: &str) -> i64 {
    let name = import.strip_prefix("SYS_").unwrap_or(import);
    match refusal(name) {
        Some(r) => {
            let errno = r.errno.name().unwrap_or("an error");
            process.warn_once(import, || format!("{import} is refused ({}); the guest gets {errno}", r.why));
            r.errno.ret()
        }
        None => {
            process.warn_once(import, || format!("{import} is not implemented by Lamina; the guest gets ENOSYS"));
            Errno::ENOSYS.ret()
        }
    }
}
