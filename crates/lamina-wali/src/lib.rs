//! The WALI syscall layer.
//!
//! Every import a WALI module may name in the `wali` namespace has one entry
//! (`entry.rs`) in its area file (`syscalls/*.rs`, `aux.rs`): its name, its
//! typed parameters (which fix its wasm type, the values its handler
//! receives, how `--strace` prints it and what a policy checks), its result,
//! its handler, and whether it may block and restart. Handlers reach guest
//! memory only through [`lamina_memory::GuestMemory`].
//!
//! The modules form floors, each using only those below it (a test checks):
//! `errno` → `host`, `abi`, `kinds`, `policy` → `signal_state`, `strace` → `ctx` →
//! `entry` → `syscalls`, `aux` → `table`, `refused` → this facade, which is all the
//! runtime uses. This crate knows nothing about wasmtime: the runtime binds
//! each entry to the type a module declares and calls [`dispatch`] with raw
//! arguments.

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
compile_error!("Lamina currently runs on x86-64 Linux hosts only (WALI's numbering and layouts are x86-64's)");

mod abi;
mod aux;
mod ctx;
mod entry;
mod errno;
mod host;
mod kinds;
mod policy;
mod refused;
mod signal_state;
mod strace;
mod syscalls;
mod table;

pub use ctx::{Ctx, ExecRequest, Executor, Process, ProcessConfig, Spawner, ThreadState};
pub use entry::{Blocking, SyscallDef};
pub use errno::{Errno, Exit, SysError, SysResult};
pub use host::NOT_STARTED;
pub use kinds::{Args, Capability, Kind, Param, ResultType, WasmType, hide_runtime_fd};
pub use policy::{Allow, DirGrant, Policy};
pub use refused::{REFUSED, Refusal, answer_unimplemented, refusal};
pub use strace::{Ending, Tracer};
pub use syscalls::process::check_executable;
pub use table::{TABLE, lookup};

/// What the runtime's half of signal delivery (wasm handlers at safe
/// points) needs from the host half.
pub mod signals {
    pub use crate::abi::{SIGINFO_SIZE, siginfo_bytes};
    pub use crate::signal_state::{
        AltStack, Delivery, SA_ONSTACK, SA_RESTART, alt_stack, become_guest_thread, block_all, disarm_alt_stack,
        enter_handler, finish_delivery, guest_memory_at, has_deliveries, inherit, inheritance, init, leave_handler,
        set_alt_stack, take_delivery, thread_ending, trap_delivery, with_every_signal_blocked,
    };
}

/// Guest layouts, for the conformance test's check against the specification.
pub mod layouts {
    pub use crate::abi::*;
}

/// Runs one WALI import: the handler, then `--strace` output if enabled.
///
/// `args` holds the raw parameter values (i32 parameters zero-extended).
/// Returns the value to hand back to the guest (already `-errno` on failure),
/// or the request to end the process.
///
/// Inlined into the runtime's host function (another crate): this is every
/// guest syscall's path, and without `--strace` it is only the handler call
/// and the result's conversion.
#[inline]
pub fn dispatch(def: &SyscallDef, ctx: &Ctx<'_>, args: &Args) -> Result<i64, Exit> {
    let ctx = Ctx { blocking: def.may_block(), ..*ctx };
    match ctx.process.strace.as_ref().filter(|_| def.traced()) {
        None => settle((def.handler)(&ctx, args)),
        Some(tracer) => dispatch_traced(def, &ctx, args, tracer),
    }
}

/// The handler's outcome as the guest's return value or an exit request.
#[inline]
fn settle(outcome: SysResult) -> Result<i64, Exit> {
    match outcome {
        Ok(v) => Ok(v),
        Err(SysError::Errno(e)) => Ok(e.ret()),
        Err(SysError::Exit(exit)) => Err(exit),
    }
}

/// [`dispatch`] under `--strace`: the call is timed and printed.
#[cold]
#[inline(never)]
fn dispatch_traced(def: &SyscallDef, ctx: &Ctx<'_>, args: &Args, tracer: &Tracer) -> Result<i64, Exit> {
    let started = std::time::Instant::now();
    let outcome = (def.handler)(ctx, args);
    let ret = match &outcome {
        Ok(v) => *v,
        Err(SysError::Errno(e)) => e.ret(),
        Err(SysError::Exit(_)) => 0,
    };
    // A call that gave up to let a signal handler run first is issued again;
    // for the kernel (and strace) it never happened.
    if ret != Errno(NOT_STARTED).ret() {
        let exiting = matches!(outcome, Err(SysError::Exit(_)));
        let call = strace::Call { name: def.short_name(), params: def.params };
        tracer.record(call, ctx.mem, args, ret, exiting, started.elapsed());
    }
    match outcome {
        Err(SysError::Exit(exit)) => Err(exit),
        _ => Ok(ret),
    }
}
