//! Syscall handlers, one module per area, each with its entries.
//!
//! The default rule (the WALI specification's): translate each guest pointer
//! to a checked host pointer (guest NULL stays NULL, so the kernel decides
//! what NULL means), widen integers as a native caller would, and issue the
//! x86-64 syscall of the same name. Anything a handler cannot translate
//! safely is refused with an errno rather than passed through.

use lamina_memory::GuestPtr;

use crate::ctx::Ctx;
use crate::errno::SysResult;

pub(crate) mod fs;
pub(crate) mod identity;
pub(crate) mod io;
pub(crate) mod ipc;
pub(crate) mod mm;
pub(crate) mod net;
pub(crate) mod poll;
pub(crate) mod process;
pub(crate) mod signal;
pub(crate) mod time;

/// The `*settime` calls (`setitimer`, `timer_settime`, `timerfd_settime`):
/// host call `nr` with `leading` arguments, then the new and old settings.
/// The kernel arms the timer before it stores the old setting, so an
/// unwritable `old` still arms it and then fails with `EFAULT`; the same
/// happens here.
pub(crate) fn settime<T>(
    ctx: &Ctx<'_>,
    nr: libc::c_long,
    leading: &[i64],
    new: GuestPtr<T>,
    old: GuestPtr<T>,
) -> SysResult {
    let new = new.arg(ctx.mem)?;
    let old = old.arg(ctx.mem);
    let args: Vec<i64> = leading.iter().copied().chain([new, *old.as_ref().unwrap_or(&0)]).collect();
    let ret = ctx.syscall(nr, &args)?;
    Ok(old.map(|_| ret)?)
}
