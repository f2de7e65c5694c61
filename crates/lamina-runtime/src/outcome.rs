//! How a guest process ended, and ending the OS process the same way.

use std::fmt;
use std::io::Write as _;

use lamina_wali::{Ending, Exit};
use rustix::process::{Resource, Rlimit, setrlimit};
use wasmtime::{Result, Store, Trap, WasmBacktrace};

use crate::delivery::{self, crash_signal};
use crate::store::Host;

/// How a guest process ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited with this status (only the low 8 bits reach a parent).
    Exited(i32),
    /// It crashed: a wasm trap, reported as a native crash by `signal`.
    Crashed { signal: i32, report: String },
}

/// How strace reports an outcome.
pub(crate) fn ending(outcome: &Outcome) -> Ending {
    match outcome {
        Outcome::Exited(status) => Ending::Exited(*status),
        Outcome::Crashed { signal, .. } => Ending::Killed(*signal),
    }
}

/// How far below the stack pointer a frame that overflows the stack is looked
/// for: frames of real programs are smaller; a larger one that jumps past the
/// end of its stack is reported as the memory fault it then is.
const OVERFLOW_REACH: u64 = 64 << 10;

/// A trap that was a stack overflow, as a native program would have had it.
#[derive(Debug)]
enum StackOverflow {
    /// The guest's C stack (in linear memory) ran out: past the bottom of the
    /// main thread's stack, which ends at address 0, or into the guard pages
    /// below a thread's stack.
    CStack { stack_pointer: u32 },
    /// The wasm call stack (`--stack-size`) ran out.
    CallStack,
}

impl fmt::Display for StackOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StackOverflow::CStack { stack_pointer } => write!(
                f,
                "stack overflow: the thread's C stack is exhausted (stack pointer {stack_pointer:#x}; the main \
                 thread's stack is sized when the program is linked, `lamina cc -Wl,-z,stack-size=BYTES`, 64 MiB by \
                 default; a thread's by pthread_attr_setstacksize, 1 MiB by default)"
            ),
            StackOverflow::CallStack => {
                write!(f, "stack overflow: the wasm call stack is exhausted (`lamina run --stack-size=BYTES`)")
            }
        }
    }
}

/// What follows a trap in a guest thread: recognising a stack overflow (while
/// the stack pointer still says where the thread was), then delivering the
/// signal a native program would get.
pub(crate) fn after_trap(store: &mut Store<Host>, error: wasmtime::Error) -> wasmtime::Error {
    let error = match error.downcast_ref::<Trap>().and_then(|trap| stack_overflow(store, *trap)) {
        Some(overflow) => error.context(overflow),
        None => error,
    };
    delivery::after_trap(store, error)
}

fn stack_overflow(store: &mut Store<Host>, trap: Trap) -> Option<StackOverflow> {
    match trap {
        Trap::StackOverflow => Some(StackOverflow::CallStack),
        Trap::MemoryOutOfBounds => {
            let global = store.data().stack_pointer?;
            // The function that overflowed may already have stored its new
            // stack pointer: below 0 it wrapped around to the top of the
            // 32-bit space; in a guard page it is inside it.
            let stack_pointer = global.get(&mut *store).i32()? as u32;
            let sp = u64::from(stack_pointer);
            let wrapped = sp >= (1 << 32) - OVERFLOW_REACH;
            let guarded = || {
                let map = store.data().memory.map();
                let pieces = map.pieces(sp.saturating_sub(OVERFLOW_REACH), sp + 1);
                pieces.iter().any(|(_, _, region)| region.kind.mapped() && region.prot == 0)
            };
            (sp < OVERFLOW_REACH || wrapped || guarded()).then_some(StackOverflow::CStack { stack_pointer })
        }
        _ => None,
    }
}

/// Turns the error that ended a guest thread into a process outcome: an exit
/// request from the guest, or a trap to report like a native crash.
pub(crate) fn outcome_of(error: wasmtime::Error) -> Result<Outcome> {
    if let Some(Exit::Process(status)) = error.downcast_ref::<Exit>() {
        return Ok(Outcome::Exited(*status));
    }
    let Some(trap) = error.downcast_ref::<Trap>().copied() else {
        return Err(error);
    };
    let mut report = match error.downcast_ref::<StackOverflow>() {
        Some(overflow) => format!("{overflow} ({trap})"),
        None => format!("{trap}"),
    };
    if let Some(bt) = error.downcast_ref::<WasmBacktrace>() {
        report.push_str("\nwasm backtrace:");
        for (i, frame) in bt.frames().iter().enumerate() {
            let offset = frame.module_offset().map_or(String::from("?"), |o| format!("{o:#x}"));
            let module = frame.module().name().unwrap_or("<module>");
            let func = frame.func_name().map_or_else(|| format!("<function {}>", frame.func_index()), String::from);
            report.push_str(&format!("\n  {i:>3}: {offset:>8} - {module}!{func}"));
        }
    }
    Ok(Outcome::Crashed { signal: crash_signal(trap), report })
}

/// The guest of a forked child ended its process (`exit_group`, `_exit`),
/// from a host function. Above its call stack there is only the copy of the
/// parent's runtime, which would unwind the wasm frames (capturing a
/// backtrace on the way), return from `run`, drop the store and end the OS
/// process with `exit`, running Rust's and the C library's exit handlers and
/// thread-local destructors. None of that has anything to do in the child:
/// the strace output is written and flushed by `finish` (its sink is
/// unbuffered), Rust's own stdout is never written during a run, and the
/// kernel releases the rest. So the child ends as a native child's `_exit`
/// does. In the child, every page that the longer path wrote was a
/// copy-on-write fault and every page of its code a page fault: most of
/// what a fork cost beyond the kernel's copy of the page tables.
pub(crate) fn end_forked_child(process: &lamina_wali::Process, status: i32) -> ! {
    process.finish(Ending::Exited(status));
    // SAFETY: ends the process at once; nothing in it needs to run first
    // (see above).
    unsafe { libc::_exit(status & 0xff) }
}

/// Ends the OS process the way `outcome` says: with the guest's exit status,
/// or, for a crash, after the report, killed by the signal a native program
/// would have died of, so a shell reports e.g. "Segmentation fault" and status
/// 128 + signal. Core dumps are disabled first: a dump of the runtime (with
/// its multi-GiB reservations) would say nothing about the guest.
pub fn terminate(outcome: Outcome) -> ! {
    match outcome {
        Outcome::Exited(status) => std::process::exit(status & 0xff),
        Outcome::Crashed { signal, report } => {
            let _ = writeln!(std::io::stderr(), "lamina: {report}");
            let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
            // SAFETY: plain libc calls; wasmtime's handler for this signal is
            // replaced by the default action so that raising it kills us.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
            // Only reached if the signal could not kill us.
            std::process::exit(128 + signal)
        }
    }
}
