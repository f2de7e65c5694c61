//! Raw host system calls, with the kernel's own `-errno` convention.
//!
//! Most WALI syscalls are the x86-64 syscall of the same name once guest
//! pointers are translated, so handlers issue them by number through libc's
//! `syscall(2)`: the kernel, not a wrapper, decides results and errno.

use crate::errno::{Errno, SysResult};

/// Issues host syscall `nr` with up to six arguments.
pub fn syscall(nr: libc::c_long, args: &[i64]) -> SysResult {
    let mut a = [0i64; 6];
    a[..args.len()].copy_from_slice(args);
    // SAFETY: the caller has translated every pointer argument to a checked
    // host address inside guest memory (or NULL); integers are passed as the
    // kernel would receive them from a native program.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 { Err(Errno::last().into()) } else { Ok(r) }
}

/// Host address as a syscall argument.
pub fn ptr<T>(p: *const T) -> i64 {
    p as usize as i64
}
