//! Syscall handlers, one module per area, each with its table of entries.
//!
//! The default rule (the WALI specification's): translate each guest pointer
//! to a checked host pointer (guest NULL stays NULL, so the kernel decides
//! what NULL means), widen integers as a native caller would, and issue the
//! x86-64 syscall of the same name. Anything a handler cannot translate
//! safely is refused with an errno rather than passed through.

use std::ffi::CString;

use crate::ctx::Ctx;
use crate::errno::{Errno, SysError};
use crate::host;

pub mod fs;
pub mod identity;
pub mod io;
pub mod mm;
pub mod net;
pub mod poll;
pub mod process;
pub mod signal;
pub mod time;

/// A guest buffer of `len` bytes as a host syscall argument (NULL stays NULL).
pub(crate) fn buf(ctx: &Ctx<'_>, addr: u32, len: usize) -> Result<i64, SysError> {
    Ok(host::ptr(ctx.mem.host_ptr_or_null(addr, len)?))
}

/// A path argument; guest NULL is `EFAULT`, as for a native caller.
pub(crate) fn path(ctx: &Ctx<'_>, addr: u32) -> Result<CString, SysError> {
    if addr == 0 {
        return Err(Errno::EFAULT.into());
    }
    Ok(ctx.mem.read_path(addr)?)
}

/// A path argument that may be NULL (e.g. `utimensat(fd, NULL, …)`).
pub(crate) fn path_or_null(ctx: &Ctx<'_>, addr: u32) -> Result<Option<CString>, SysError> {
    if addr == 0 { Ok(None) } else { path(ctx, addr).map(Some) }
}

/// A C string as a host syscall argument (NULL for `None`).
pub(crate) fn cstr_arg(s: &Option<CString>) -> i64 {
    s.as_ref().map_or(0, |s| host::ptr(s.as_ptr()))
}
