//! The WALI syscall layer.
//!
//! Every import a WALI module may name in the `wali` namespace is described
//! once, in [`table::TABLE`]: its name, its parameters (with the kind of each,
//! which fixes its wasm type and how `--strace` prints it), its result type and
//! its handler. Handlers are grouped by area in [`syscalls`], and reach guest
//! memory only through [`lamina_memory::GuestMemory`].
//!
//! This crate knows nothing about wasmtime: the runtime binds each table entry
//! to the type a module declares and calls [`dispatch`] with raw arguments.

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
compile_error!("Lamina currently runs on x86-64 Linux hosts only (WALI's numbering and layouts are x86-64's)");

pub mod abi;
pub mod aux;
pub mod ctx;
pub mod errno;
pub mod host;
pub mod signals;
pub mod strace;
pub mod syscalls;
pub mod table;

pub use ctx::{Ctx, Process, ProcessConfig};
pub use errno::{Errno, SysError, SysResult};
pub use table::{Args, Kind, Param, ResultType, SyscallDef, TABLE, WasmType, lookup};

/// Runs one WALI import: the handler, then `--strace` output if enabled.
///
/// `args` holds the raw parameter values (i32 parameters zero-extended).
/// Returns the value to hand back to the guest (already `-errno` on failure),
/// or the request to end the process.
pub fn dispatch(def: &SyscallDef, ctx: &Ctx<'_>, args: &Args) -> Result<i64, ctx::Exit> {
    let tracer = ctx.process.strace.as_ref().filter(|_| def.traced());
    let started = tracer.map(|_| std::time::Instant::now());
    let outcome = (def.handler)(ctx, args);
    let ret = match &outcome {
        Ok(v) => *v,
        Err(SysError::Errno(e)) => -(e.0 as i64),
        Err(SysError::NotImplemented) => {
            warn_unimplemented(ctx.process, def.name);
            -(Errno::ENOSYS.0 as i64)
        }
        Err(SysError::Exit(_)) => 0,
    };
    // A call that gave up to let a signal handler run first is issued again;
    // for the kernel (and strace) it never happened.
    let not_started = ret == -(signals::NOT_STARTED as i64);
    if let (Some(tracer), Some(started), false) = (tracer, started, not_started) {
        let exiting = matches!(outcome, Err(SysError::Exit(_)));
        tracer.record(def, ctx.mem, args, ret, exiting, started.elapsed());
    }
    match outcome {
        Err(SysError::Exit(exit)) => Err(exit),
        _ => Ok(ret),
    }
}

/// The one-time warning for an import Lamina does not implement.
pub fn warn_unimplemented(process: &Process, name: &str) {
    process.warn_once(name, || format!("{name} is not implemented by Lamina; the guest gets ENOSYS"));
}
