//! Keeping the runtime's own descriptors out of the guest's way.
//!
//! A native program starts with descriptors 0, 1 and 2, and its first `open`
//! returns 3; many programs (and differential tests) depend on that. Files the
//! runtime must keep open while the guest runs (the mapped compile-cache
//! artifact, the environment file, the strace output) are therefore moved to
//! high numbers.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use wasmtime::Result;
use wasmtime::error::Context;

/// Lowest descriptor number the runtime uses for files it keeps open.
fn high_base() -> i32 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: valid out-pointer.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    (limit.rlim_cur.min(1024) as i32 - 64).max(3)
}

/// Moves `fd` to the lowest free number at or above the runtime's range
/// (close-on-exec), closing the original.
pub fn move_high(fd: OwnedFd) -> Result<OwnedFd> {
    // SAFETY: duplicating a descriptor we own.
    let raw = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, high_base()) };
    if raw < 0 {
        return Err(std::io::Error::last_os_error())
            .context("cannot move a runtime descriptor out of the guest's range");
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}
