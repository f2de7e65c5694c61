//! How a guest process ended, and ending the OS process the same way.

use std::io::Write as _;

use lamina_wali::{Ending, Exit};
use rustix::process::{Resource, Rlimit, setrlimit};
use wasmtime::{Result, Trap, WasmBacktrace};

use crate::delivery::crash_signal;

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

/// Turns the error that ended a guest thread into a process outcome: an exit
/// request from the guest, or a trap to report like a native crash.
pub(crate) fn outcome_of(error: wasmtime::Error) -> Result<Outcome> {
    if let Some(Exit::Process(status)) = error.downcast_ref::<Exit>() {
        return Ok(Outcome::Exited(*status));
    }
    let Some(trap) = error.downcast_ref::<Trap>().copied() else {
        return Err(error);
    };
    let mut report = format!("{trap}");
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
