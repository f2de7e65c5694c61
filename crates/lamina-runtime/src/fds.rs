//! Keeping the runtime's own descriptors out of the guest's way.
//!
//! A native program starts with descriptors 0, 1 and 2, and its first `open`
//! returns 3; many programs (and differential tests) depend on that. Files the
//! runtime must keep open while the guest runs (the environment file until
//! the guest opened it, the strace output) are therefore moved to high
//! numbers. Everything else the runtime opens is closed before the guest
//! starts (a cached artifact stays mapped without its descriptor, a module
//! handed down by an exec is read and closed): a guest sees only the
//! descriptors it opened or inherited.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use rustix::process::{Resource, getrlimit};
use wasmtime::Result;
use wasmtime::error::Context;

/// Lowest descriptor number the runtime uses for files it keeps open.
fn high_base() -> i32 {
    // An unlimited soft limit (`None`) counts as 1024, like any above it.
    let limit = getrlimit(Resource::Nofile).current.map_or(1024, |current| current.min(1024));
    (limit as i32 - 64).max(3)
}

/// The whole content of the file open as `fd`, a descriptor handed down for
/// this one use (`--module-fd`, `--env-fd`, `--policy-fd`,
/// `--wasi-layer-fd`), which is closed here. Read at explicit offsets: the
/// descriptor may share its file offset with another process's (a guest's
/// inherited descriptor, or a containerd shim's copy that every container
/// of the shim inherits), which is left alone.
pub fn read_inherited(fd: RawFd) -> std::io::Result<Vec<u8>> {
    // SAFETY: the caller's promise: nothing else owns the descriptor; it is
    // closed when the file is dropped, here.
    read_whole(&unsafe { std::fs::File::from_raw_fd(fd) })
}

/// [`read_inherited`] of a file that stays open.
pub fn read_whole(file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX)];
    std::os::unix::fs::FileExt::read_exact_at(file, &mut bytes, 0)?;
    Ok(bytes)
}

/// Moves `fd` to the lowest free number at or above the runtime's range
/// (close-on-exec), closing the original.
pub fn move_high(fd: OwnedFd) -> Result<OwnedFd> {
    rustix::io::fcntl_dupfd_cloexec(&fd, high_base())
        .context("cannot move a runtime descriptor out of the guest's range")
}
