//! The kinds of import parameters.
//!
//! Each kind is a type (`Fd`, `Path`, `OutBuf`, `Struct<Stat>`, …) that
//! fixes, for a parameter declared with it:
//! - its wasm type (the WALI rule: 8-byte C types are `i64`, the rest `i32`);
//! - the typed value the handler receives ([`Arg::Value`]), decoded from the
//!   raw wasm value as a native caller's C type would be (a pointer's extent
//!   comes from the type it points to);
//! - how `--strace` prints it ([`Kind`], the kind as a value);
//! - what it names for a sandbox policy ([`Capability`]).

use std::ffi::CString;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicI32, Ordering};

use lamina_memory::{GuestBuf, GuestMemory, GuestPtr};

use crate::abi::{self, GuestType, Stat};
use crate::errno::{Errno, SysError};

/// A wasm value type used by WALI imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmType {
    I32,
    I64,
}

/// What an import returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultType {
    /// Syscalls: the raw kernel result, `-errno` on failure.
    I64,
    /// Auxiliary functions returning `int`.
    I32,
    /// Auxiliary functions returning `void`.
    None,
}

/// What a parameter names that a sandbox policy may have to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Nothing outside the call itself (a number, flags, a buffer).
    None,
    /// A path in the file system, relative to the working directory or to a
    /// `DirFd` parameter.
    Path,
    /// An open descriptor.
    Fd,
    /// A directory descriptor that a `Path` parameter is relative to.
    DirFd,
    /// A socket address (a host and port, or a Unix socket path).
    SockAddr,
    /// A process, thread or process group.
    Pid,
    /// A signal number.
    Signal,
}

/// The kind of a parameter as a value: what `--strace` and the table's
/// consumers look at. `Kind::X` is the kind of the parameter type `X`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Fd,
    DirFd,
    Int,
    UInt,
    Long,
    ULong,
    Ptr,
    Path,
    /// A NUL-terminated string that names nothing in the file system.
    Str,
    /// A NUL-terminated name that is not a path (a POSIX message queue's).
    Name,
    /// Bytes the guest passes in; their length is parameter `n`.
    InBuf(usize),
    /// Bytes the kernel fills in; their length is the result.
    OutBuf,
    OpenFlags,
    AtFlags,
    Mode,
    /// A pointer to the named structure, printed as an address.
    Struct(&'static str),
    /// A socket address whose length is parameter `n`.
    Sockaddr(usize),
    Hex,
    Signal,
    Pid,
    StatOut,
    Dirents,
    SockDomain,
    SockType,
    /// A protocol number; parameter `n` is the address family.
    SockProto(usize),
    SockFlags,
    MsgFlags,
    /// A socket address the kernel fills in; its length is at the pointer in
    /// parameter `n`.
    SockaddrOut(usize),
    LenPtr,
    EpollOp,
    EpollFlags,
    EpollEvent,
    EpollEvents,
}

impl Kind {
    /// The wasm type a parameter of this kind has in a WALI import.
    pub const fn wasm_type(self) -> WasmType {
        match self {
            Kind::Long | Kind::ULong => WasmType::I64,
            _ => WasmType::I32,
        }
    }

    /// What a parameter of this kind names, for a sandbox policy.
    pub const fn capability(self) -> Capability {
        match self {
            Kind::Path => Capability::Path,
            Kind::Fd => Capability::Fd,
            Kind::DirFd => Capability::DirFd,
            Kind::Sockaddr(_) => Capability::SockAddr,
            Kind::Pid => Capability::Pid,
            Kind::Signal => Capability::Signal,
            _ => Capability::None,
        }
    }
}

/// One parameter of an import.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// Raw argument values of one call (i32 parameters are zero-extended).
#[derive(Clone, Copy, Debug, Default)]
pub struct Args(pub [u64; 6]);

impl Args {
    pub fn raw(&self, i: usize) -> u64 {
        self.0[i]
    }
    /// A C `int` (or any signed 32-bit type).
    pub fn int(&self, i: usize) -> i32 {
        self.0[i] as u32 as i32
    }
    /// An unsigned 32-bit value (`unsigned`, `size_t`, `socklen_t`, ids).
    pub fn uint(&self, i: usize) -> u32 {
        self.0[i] as u32
    }
    /// A guest pointer.
    pub fn ptr(&self, i: usize) -> u32 {
        self.0[i] as u32
    }
    /// A `size_t` length.
    pub fn len(&self, i: usize) -> usize {
        self.0[i] as u32 as usize
    }
    /// A 64-bit parameter.
    pub fn long(&self, i: usize) -> i64 {
        self.0[i] as i64
    }
}

/// A parameter type: its [`Kind`] and the value a handler receives.
pub trait Arg {
    const KIND: Kind;
    type Value;
    /// The value from the raw wasm argument (i32s zero-extended).
    fn decode(raw: u64) -> Self::Value;
}

/// A descriptor as a native caller passes it: a C `int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fd(pub i32);

impl Fd {
    /// As a host syscall argument (sign-extended, as the kernel reads an `int`).
    pub const fn arg(self) -> i64 {
        self.0 as i64
    }
}

/// A path argument. Its string is copied out of guest memory once
/// ([`read`](Self::read)), and that private copy is what the kernel sees, so
/// another guest thread cannot change it after a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestPath(pub u32);

impl GuestPath {
    pub const fn addr(self) -> u32 {
        self.0
    }

    /// The path; guest NULL is `EFAULT`, as for a native caller.
    pub fn read(self, mem: &GuestMemory) -> Result<CString, SysError> {
        if self.0 == 0 {
            return Err(Errno::EFAULT.into());
        }
        Ok(mem.read_path(self.0)?)
    }

    /// The path, or `None` for NULL (`utimensat(fd, NULL, …)`).
    pub fn read_or_null(self, mem: &GuestMemory) -> Result<Option<CString>, SysError> {
        if self.0 == 0 { Ok(None) } else { self.read(mem).map(Some) }
    }
}

/// Declares parameter types whose value is an integer of the C type the
/// guest passes, or a typed guest address.
macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident => $value:ty = |$raw:ident| $decode:expr;)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl Arg for $name {
                const KIND: Kind = Kind::$name;
                type Value = $value;
                fn decode($raw: u64) -> $value {
                    $decode
                }
            }
        )*
    };
}

kinds! {
    /// A directory descriptor for `*at` calls (`AT_FDCWD` allowed).
    DirFd => Fd = |raw| guest_fd(raw);
    /// A signed 32-bit integer.
    Int => i32 = |raw| raw as u32 as i32;
    /// An unsigned 32-bit integer (`unsigned`, `size_t`, `socklen_t`, ids).
    UInt => u32 = |raw| raw as u32;
    /// A signed 64-bit integer (`long`, `off_t`).
    Long => i64 = |raw| raw as i64;
    /// An unsigned 64-bit integer (`unsigned long`, `nfds_t`).
    ULong => u64 = |raw| raw;
    /// A guest address the call does not read through (`mmap`'s hint, a
    /// futex word), printed as an address.
    Ptr => u32 = |raw| raw as u32;
    /// A NUL-terminated path name.
    Path => GuestPath = |raw| GuestPath(raw as u32);
    /// A NUL-terminated string that is no path (`memfd_create`'s name):
    /// printed as a string, but no capability a policy checks. Its address;
    /// the handler reads it with the call's own length limit.
    Str => u32 = |raw| raw as u32;
    /// A NUL-terminated name outside the file system (a POSIX message
    /// queue's), read like a path (at most `PATH_MAX` bytes) but naming no
    /// file for a policy.
    Name => GuestPath = |raw| GuestPath(raw as u32);
    /// Bytes the kernel fills in; their length is another parameter, and
    /// strace shows the result's worth.
    OutBuf => GuestBuf = |raw| GuestBuf(raw as u32);
    /// `O_*` flags of open/openat.
    OpenFlags => i32 = |raw| raw as u32 as i32;
    /// `AT_*` flags.
    AtFlags => i32 = |raw| raw as u32 as i32;
    /// A file mode, printed in octal.
    Mode => u32 = |raw| raw as u32;
    /// Flags printed in hexadecimal.
    Hex => u32 = |raw| raw as u32;
    /// A signal number, printed by name (`SIGINT`).
    Signal => i32 = |raw| raw as u32 as i32;
    /// A process, thread or process group id (0 and negative values as the
    /// call defines them).
    Pid => i32 = |raw| raw as u32 as i32;
    /// A `struct stat` the kernel fills in.
    StatOut => GuestPtr<Stat> = |raw| GuestPtr::new(raw as u32);
    /// `getdents64`'s record buffer (strace counts the entries).
    Dirents => GuestBuf = |raw| GuestBuf(raw as u32);
    /// A socket address family (`AF_INET`).
    SockDomain => i32 = |raw| raw as u32 as i32;
    /// A socket type with its `SOCK_*` flags.
    SockType => i32 = |raw| raw as u32 as i32;
    /// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags (accept4).
    SockFlags => i32 = |raw| raw as u32 as i32;
    /// `MSG_*` flags.
    MsgFlags => i32 = |raw| raw as u32 as i32;
    /// A pointer to a `socklen_t` length, printed as `[16]`.
    LenPtr => GuestPtr<u32> = |raw| GuestPtr::new(raw as u32);
    /// `EPOLL_CTL_*`.
    EpollOp => i32 = |raw| raw as u32 as i32;
    /// `EPOLL_CLOEXEC`.
    EpollFlags => i32 = |raw| raw as u32 as i32;
    /// One `struct epoll_event` the guest passes in.
    EpollEvent => GuestPtr<abi::EpollEvent> = |raw| GuestPtr::new(raw as u32);
    /// The `struct epoll_event` array the kernel fills in (result entries).
    EpollEvents => GuestPtr<abi::EpollEvent> = |raw| GuestPtr::new(raw as u32);
}

impl Arg for Fd {
    const KIND: Kind = Kind::Fd;
    type Value = Fd;
    fn decode(raw: u64) -> Fd {
        guest_fd(raw)
    }
}

/// The descriptor the runtime keeps for itself in the table the guest
/// shares (the `--strace` output file), or -1.
static RUNTIME_FD: AtomicI32 = AtomicI32::new(-1);

/// Hides `fd`, the runtime's own descriptor, from the guest: a descriptor
/// parameter naming it reaches the kernel as -1 (`EBADF`, as for a
/// descriptor that is not open) and `close_range` passes over it, so the
/// guest can neither use, replace nor close it, and its number never comes
/// back from `open` for the runtime to write into a guest's file. (It is
/// still listed in `/proc/self/fd`.)
pub fn hide_runtime_fd(fd: i32) {
    RUNTIME_FD.store(fd, Ordering::Relaxed);
}

/// The hidden runtime descriptor, if any.
pub(crate) fn runtime_fd() -> Option<i32> {
    Some(RUNTIME_FD.load(Ordering::Relaxed)).filter(|&fd| fd >= 0)
}

/// A guest's descriptor argument, the hidden one made -1.
fn guest_fd(raw: u64) -> Fd {
    let fd = raw as u32 as i32;
    if runtime_fd() == Some(fd) { Fd(-1) } else { Fd(fd) }
}

/// Declares parameter types that name another parameter by its index `N`
/// (the one holding their length, or their address family).
macro_rules! indexed_kinds {
    ($($(#[$doc:meta])* $name:ident<N> => $value:ty = |$raw:ident| $decode:expr;)*) => {
        $(
            $(#[$doc])*
            pub struct $name<const N: usize>;

            impl<const N: usize> Arg for $name<N> {
                const KIND: Kind = Kind::$name(N);
                type Value = $value;
                fn decode($raw: u64) -> $value {
                    $decode
                }
            }
        )*
    };
}

indexed_kinds! {
    /// Bytes the guest passes in; their length is parameter `N`.
    InBuf<N> => GuestBuf = |raw| GuestBuf(raw as u32);
    /// A socket address whose length is parameter `N`.
    Sockaddr<N> => GuestBuf = |raw| GuestBuf(raw as u32);
    /// A socket address the kernel fills in; its length is at the `LenPtr`
    /// parameter `N`.
    SockaddrOut<N> => GuestBuf = |raw| GuestBuf(raw as u32);
    /// A protocol number; parameter `N` is the address family.
    SockProto<N> => i32 = |raw| raw as u32 as i32;
}

/// A pointer to a `T` (or an array of them), printed as an address.
pub struct Struct<T>(PhantomData<T>);

impl<T: GuestType> Arg for Struct<T> {
    const KIND: Kind = Kind::Struct(T::NAME);
    type Value = GuestPtr<T>;
    fn decode(raw: u64) -> GuestPtr<T> {
        GuestPtr::new(raw as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_decode_as_the_c_types() {
        assert_eq!(Int::decode(0xffff_ffff), -1);
        assert_eq!(DirFd::decode(0xffff_ff9c), Fd(libc::AT_FDCWD));
        assert_eq!(Long::decode(u64::MAX), -1);
        assert_eq!(<Struct<Stat>>::decode(64).addr(), 64);
        assert_eq!(<Struct<Stat> as Arg>::KIND, Kind::Struct("stat"));
        assert_eq!(<InBuf<2> as Arg>::KIND, Kind::InBuf(2));
    }

    #[test]
    fn kinds_name_what_a_policy_checks() {
        assert_eq!(Kind::Path.capability(), Capability::Path);
        assert_eq!(Kind::Fd.capability(), Capability::Fd);
        assert_eq!(Kind::DirFd.capability(), Capability::DirFd);
        assert_eq!(Kind::Sockaddr(2).capability(), Capability::SockAddr);
        assert_eq!(Kind::Pid.capability(), Capability::Pid);
        assert_eq!(Kind::Int.capability(), Capability::None);
        assert_eq!(Kind::Name.capability(), Capability::None);
    }
}
