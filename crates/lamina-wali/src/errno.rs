//! Linux error numbers as the guest sees them, and what a handler returns.

use lamina_memory::MemoryError;
use lamina_memory::replace::HostError;

/// A Linux errno value (x86-64/generic numbering, which WALI uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

/// Declares `Errno::NAME` for each listed error and the name lookup, from
/// the kernel's own numbers (`linux-raw-sys`): each number has exactly one
/// name, the one strace prints (aliases such as `EWOULDBLOCK` are left out).
macro_rules! errnos {
    ($($name:ident)*) => {
        impl Errno {
            $(pub const $name: Errno = Errno(linux_raw_sys::errno::$name as i32);)*

            /// The symbolic name (`ENOENT`), if Linux assigns the number.
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $(Errno::$name => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

errnos! {
    EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES EFAULT
    ENOTBLK EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG
    ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY
    ELOOP ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH ENOCSI EL2HLT EBADE EBADR
    EXFULL ENOANO EBADRQC EBADSLT EBFONT ENOSTR ENODATA ETIME ENOSR ENONET ENOPKG EREMOTE ENOLINK
    EADV ESRMNT ECOMM EPROTO EMULTIHOP EDOTDOT EBADMSG EOVERFLOW ENOTUNIQ EBADFD EREMCHG ELIBACC
    ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART ESTRPIPE EUSERS ENOTSOCK EDESTADDRREQ
    EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT
    EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET
    ENOBUFS EISCONN ENOTCONN ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH
    EALREADY EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL EISNAM EREMOTEIO EDQUOT ENOMEDIUM
    EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD ENOTRECOVERABLE
    ERFKILL EHWPOISON
}

impl Errno {
    /// The errno left by the last failed libc call on this thread.
    pub fn last() -> Errno {
        Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))
    }

    /// The message `strerror` gives (`No such file or directory`).
    pub fn message(self) -> String {
        let mut buf = [0 as libc::c_char; 128];
        // SAFETY: the XSI strerror_r (the libc crate's binding on glibc)
        // writes a NUL-terminated message of at most `buf.len()` bytes.
        let failed = unsafe { libc::strerror_r(self.0, buf.as_mut_ptr(), buf.len()) } != 0;
        if failed {
            return format!("Unknown error {}", self.0);
        }
        // SAFETY: strerror_r succeeded, so `buf` holds a NUL-terminated string.
        unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
    }

    /// The value a call returns to the guest for this error.
    pub const fn ret(self) -> i64 {
        -(self.0 as i64)
    }
}

/// A request to end the guest process, or only the calling thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// End the process with this status (the low 8 bits reach the parent, as
    /// with a native `exit`).
    Process(i32),
    /// End the calling thread only (`SYS_exit` once other threads exist);
    /// the status becomes the process's if it was the last thread.
    Thread(i32),
    /// End the process with the status `table[func](arg)` returns, called in
    /// the calling instance: the forked child of `__clone`. Only the runtime
    /// can enter the guest, so the handler hands the call over to it.
    WithResultOf { func: u32, arg: u32 },
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Process(status) => write!(f, "guest exited with status {status}"),
            Exit::Thread(status) => write!(f, "guest thread exited with status {status}"),
            Exit::WithResultOf { func, arg } => {
                write!(f, "guest process exits with the result of table[{func}]({arg})")
            }
        }
    }
}

impl std::error::Error for Exit {}

/// Why a handler did not produce a value.
#[derive(Debug)]
pub enum SysError {
    /// The call failed; the guest receives `-errno`.
    Errno(Errno),
    /// The call ends the process (or the thread).
    Exit(Exit),
}

impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Self {
        Errno(e.raw_os_error())
    }
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

impl From<HostError> for SysError {
    fn from(e: HostError) -> Self {
        SysError::Errno(Errno(e.0))
    }
}

/// What every handler returns: the non-negative result, or why not.
pub type SysResult = Result<i64, SysError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_messages_are_the_kernels() {
        assert_eq!(Errno(libc::ENOENT).name(), Some("ENOENT"));
        assert_eq!(Errno(libc::EAGAIN).name(), Some("EAGAIN"));
        assert_eq!(Errno(libc::EHWPOISON).name(), Some("EHWPOISON"));
        assert_eq!(Errno(41).name(), None, "Linux assigns no errno 41");
        assert_eq!(Errno(58).name(), None, "Linux assigns no errno 58");
        assert_eq!(Errno::ENOENT.message(), "No such file or directory");
        for n in 1..=133 {
            if let Some(name) = Errno(n).name() {
                assert!(name.starts_with('E'), "{n}");
            }
        }
    }
}
