//! The declarative table of WALI imports.
//!
//! One [`SyscallDef`] per import, gathered from the area modules. The kinds of
//! a definition's parameters give its wasm type (the WALI rule: 8-byte C types
//! are `i64`, everything else `i32`; syscalls return `i64`) and tell `--strace`
//! how to print each argument. A test checks the table against the
//! `wali-linux` specification.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::ctx::Ctx;
use crate::errno::SysResult;
use crate::{aux, syscalls};

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

/// The meaning of one parameter: fixes its wasm type and its strace format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A file descriptor.
    Fd,
    /// A directory descriptor for `*at` calls (`AT_FDCWD` allowed).
    DirFd,
    /// A signed 32-bit integer.
    Int,
    /// An unsigned 32-bit integer (`unsigned`, `size_t`, `socklen_t`, ids).
    UInt,
    /// A signed 64-bit integer (`long`, `off_t`).
    Long,
    /// An unsigned 64-bit integer (`unsigned long`, `nfds_t`).
    ULong,
    /// A pointer printed as an address.
    Ptr,
    /// A NUL-terminated string (path names and the like).
    Str,
    /// Bytes the guest passes in; their length is parameter `n`.
    InBuf(usize),
    /// Bytes the kernel fills in; their length is the result.
    OutBuf,
    /// `O_*` flags of open/openat.
    OpenFlags,
    /// `AT_*` flags.
    AtFlags,
    /// A file mode, printed in octal.
    Mode,
    /// A structure pointer printed as an address; the struct is named for docs.
    Struct(&'static str),
    /// A socket address whose length is parameter `n`.
    Sockaddr(usize),
    /// Flags printed in hexadecimal.
    Hex,
    /// A signal number, printed by name (`SIGINT`).
    Signal,
    /// A `struct stat` the kernel fills in.
    StatOut,
    /// `getdents64`'s record buffer (strace counts the entries).
    Dirents,
    /// A socket address family (`AF_INET`).
    SockDomain,
    /// A socket type with its `SOCK_*` flags.
    SockType,
    /// A protocol number; parameter `n` is the address family.
    SockProto(usize),
    /// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags (accept4).
    SockFlags,
    /// `MSG_*` flags.
    MsgFlags,
    /// A socket address the kernel fills in; its length is at the pointer in
    /// parameter `n`.
    SockaddrOut(usize),
    /// A pointer to a `socklen_t` length, printed as `[16]`.
    LenPtr,
    /// `EPOLL_CTL_*`.
    EpollOp,
    /// `EPOLL_CLOEXEC`.
    EpollFlags,
    /// One `struct epoll_event` the guest passes in.
    EpollEvent,
    /// The `struct epoll_event` array the kernel fills in (result entries).
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
}

/// One parameter of an import.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// A handler: runs the call for the guest.
pub type Handler = fn(&Ctx<'_>, &Args) -> SysResult;

/// One WALI import.
pub struct SyscallDef {
    /// The import name in module `wali` (`SYS_read`, `__init`).
    pub name: &'static str,
    pub params: &'static [Param],
    pub result: ResultType,
    pub handler: Handler,
}

impl SyscallDef {
    /// The syscall's own name (`read` for `SYS_read`), or the import name of an
    /// auxiliary function.
    pub fn short_name(&self) -> &'static str {
        self.name.strip_prefix("SYS_").unwrap_or(self.name)
    }

    /// Whether `--strace` shows this import (syscalls yes, helpers no).
    pub fn traced(&self) -> bool {
        self.name.starts_with("SYS_")
    }

    /// The wasm parameter types of the import.
    pub fn param_types(&self) -> Vec<WasmType> {
        self.params.iter().map(|p| p.kind.wasm_type()).collect()
    }
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
    /// A C `int` as the kernel receives it in a 64-bit register.
    pub fn int_arg(&self, i: usize) -> i64 {
        self.int(i) as i64
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

/// Builds a `SyscallDef` for `SYS_<name>` returning `i64`.
#[macro_export]
macro_rules! syscall {
    ($name:ident => $handler:path, [$($param:ident : $kind:expr),* $(,)?]) => {
        $crate::table::SyscallDef {
            name: concat!("SYS_", stringify!($name)),
            params: &[$($crate::table::Param { name: stringify!($param), kind: $kind }),*],
            result: $crate::table::ResultType::I64,
            handler: $handler,
        }
    };
}

/// Every WALI import Lamina implements, in table order.
pub static TABLE: LazyLock<Vec<&'static SyscallDef>> = LazyLock::new(|| {
    [
        syscalls::fs::SYSCALLS,
        syscalls::io::SYSCALLS,
        syscalls::poll::SYSCALLS,
        syscalls::net::SYSCALLS,
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
}
