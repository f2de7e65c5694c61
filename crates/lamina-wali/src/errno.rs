//! Linux error numbers as the guest sees them, and the result of a handler.

use lamina_memory::MemoryError;

/// A Linux errno value (x86-64/generic numbering, which WALI uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    pub const EPERM: Errno = Errno(libc::EPERM);
    pub const ENOENT: Errno = Errno(libc::ENOENT);
    pub const EBADF: Errno = Errno(libc::EBADF);
    pub const ENOMEM: Errno = Errno(libc::ENOMEM);
    pub const EFAULT: Errno = Errno(libc::EFAULT);
    pub const EINVAL: Errno = Errno(libc::EINVAL);
    pub const ENAMETOOLONG: Errno = Errno(libc::ENAMETOOLONG);
    pub const ENOSYS: Errno = Errno(libc::ENOSYS);
    pub const ENOTTY: Errno = Errno(libc::ENOTTY);
    pub const ERANGE: Errno = Errno(libc::ERANGE);
    pub const EAGAIN: Errno = Errno(libc::EAGAIN);

    /// The errno left by the last failed libc call on this thread.
    pub fn last() -> Errno {
        Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))
    }

    /// The symbolic name (`ENOENT`), for `--strace`.
    pub fn name(self) -> &'static str {
        crate::strace::errno_name(self.0)
    }

    /// The message `strerror` gives (`No such file or directory`).
    pub fn message(self) -> String {
        std::io::Error::from_raw_os_error(self.0).to_string().split(" (os error").next().unwrap_or_default().to_string()
    }
}

/// The process-ending outcome of a handler, carried up to the embedder.
pub use crate::ctx::Exit;

/// Why a handler did not produce a value.
#[derive(Debug)]
pub enum SysError {
    /// The call failed; the guest receives `-errno`.
    Errno(Errno),
    /// The call ends the process (or, later, the thread).
    Exit(Exit),
    /// Lamina does not implement this call yet: the guest gets `-ENOSYS` and
    /// the user a one-time warning naming it.
    NotImplemented,
}

impl From<Errno> for SysError {
    fn from(e: Errno) -> Self {
        SysError::Errno(e)
    }
}

impl From<MemoryError> for SysError {
    fn from(e: MemoryError) -> Self {
        SysError::Errno(match e {
            MemoryError::Fault => Errno::EFAULT,
            MemoryError::TooLong => Errno::ENAMETOOLONG,
        })
    }
}

/// What every handler returns: the non-negative result, or why not.
pub type SysResult = Result<i64, SysError>;
