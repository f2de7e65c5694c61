//! One declarative entry per WALI import: everything Lamina knows about it.
//!
//! An area file declares its entries with `syscall!` (and `aux.rs` with
//! `aux!`):
//!
//! ```text
//! syscall!(read => read, [fd: Fd, buf: OutBuf, count: UInt], Restartable),
//! fn read(ctx: &Ctx<'_>, fd: Fd, buf: GuestBuf, count: u32) -> SysResult { … }
//! ```
//!
//! The parameter types give the wasm type, the typed values the handler
//! receives, the `--strace` format and what a policy must check; the
//! optional last item says whether the call may sleep and whether
//! `SA_RESTART` restarts it. The table (`table.rs`) gathers the areas.

use crate::ctx::Ctx;
use crate::errno::SysResult;
use crate::kinds::{Args, Param, ResultType, WasmType};

/// A handler as the table stores it: decodes the raw arguments into the
/// typed parameters and runs the call for the guest.
pub type Handler = fn(&Ctx<'_>, &Args) -> SysResult;

/// Whether a call may sleep until a signal interrupts it, and what happens
/// then (signal(7)).
#[derive(Clone, Copy, Debug)]
pub enum Blocking {
    /// Never sleeps.
    Never,
    /// May sleep; a handler's signal ends it with `EINTR` whatever
    /// `SA_RESTART` says (poll, select, epoll, sleeps, `sigsuspend`).
    Interrupted,
    /// May sleep; restarted after a handler installed with `SA_RESTART`
    /// (reads and writes, opens, waits, sockets without timeouts, locks).
    Restartable,
    /// Restartable when the predicate holds for the arguments (futex waits
    /// without a timeout), otherwise `Interrupted`.
    RestartableIf(fn(&Args) -> bool),
}

/// One WALI import.
pub struct SyscallDef {
    /// The import name in module `wali` (`SYS_read`, `__init`).
    pub name: &'static str,
    pub params: &'static [Param],
    pub result: ResultType,
    pub handler: Handler,
    pub blocking: Blocking,
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

    /// Whether the call may sleep (and so must not start while a guest
    /// signal handler waits to run).
    pub fn may_block(&self) -> bool {
        !matches!(self.blocking, Blocking::Never)
    }

    /// Whether the kernel restarts the call, interrupted by a signal whose
    /// handler has `SA_RESTART`.
    pub fn restarts(&self, args: &Args) -> bool {
        match self.blocking {
            Blocking::Restartable => true,
            Blocking::RestartableIf(restarts) => restarts(args),
            Blocking::Never | Blocking::Interrupted => false,
        }
    }
}

/// Builds the entry of `SYS_<name>`, returning `i64`:
/// `syscall!(name => handler, [param: Kind, …] [, blocking])`.
///
/// The handler takes the context and one typed value per parameter, in
/// order: `fn handler(ctx: &Ctx<'_>, param: <Kind as Arg>::Value, …) -> SysResult`.
#[macro_export]
macro_rules! syscall {
    ($name:ident => $handler:path, [$($param:ident : $kind:ty),* $(,)?] $(, $blocking:expr)?) => {
        $crate::import_entry!(
            concat!("SYS_", stringify!($name)), $crate::kinds::ResultType::I64, $handler,
            [$($param : $kind),*] $(, $blocking)?
        )
    };
}

/// Builds the entry of an auxiliary import (not a syscall):
/// `aux!("__name" => handler, [param: Kind, …], I32 | None)`.
#[macro_export]
macro_rules! aux {
    ($name:literal => $handler:path, [$($param:ident : $kind:ty),* $(,)?], $result:ident) => {
        $crate::import_entry!($name, $crate::kinds::ResultType::$result, $handler, [$($param : $kind),*])
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! import_entry {
    ($name:expr, $result:expr, $handler:path, [$($param:ident : $kind:ty),*] $(, $blocking:expr)?) => {
        $crate::entry::SyscallDef {
            name: $name,
            params: &[$($crate::kinds::Param { name: stringify!($param), kind: <$kind as $crate::kinds::Arg>::KIND }),*],
            result: $result,
            handler: |ctx, args| {
                #[allow(unused_mut, unused_variables)]
                let mut raw = args.0.into_iter();
                $(let $param = <$kind as $crate::kinds::Arg>::decode(raw.next().unwrap_or(0));)*
                $handler(ctx, $($param),*)
            },
            blocking: $crate::import_entry!(@blocking $($blocking)?),
        }
    };
    (@blocking) => { $crate::entry::Blocking::Never };
    (@blocking $blocking:expr) => { $blocking };
}
