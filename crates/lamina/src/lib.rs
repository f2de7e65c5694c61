//! `lamina`: run Linux programs compiled to WebAssembly (WALI).
//!
//! The command line lives in this library so that other binaries can be
//! Lamina too: the containerd shim executes itself as `lamina run` inside
//! the container, and a guest's `execve` of a module re-executes whatever
//! binary it runs in (`/proc/self/exe`) with `lamina run`'s flags.
//!
//! ```text
//! lamina run [OPTIONS] MODULE [ARGS...]
//! lamina [OPTIONS] MODULE [ARGS...]
//! lamina compile [--stack-size=BYTES] MODULE -o OUT.cwasm
//! lamina binfmt install|uninstall|status
//! lamina cc|ar|ranlib ARGS...   (also as lamina-cc, lamina-ar, lamina-ranlib)
//! ```
//!
//! Options end at the module path: everything after it belongs to the guest,
//! whose `argv[0]` is the module path as given (so `lamina` can stand in for
//! `iwasm` in existing scripts, whose spellings it also accepts).

mod binfmt;
mod cc;
mod cli;

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use cli::{Command, parse};
use lamina_runtime::{new_engine, run, terminate};

/// The status of a command line Lamina could not make sense of.
const USAGE_ERROR: u8 = 2;
/// The status of a command that failed (reported on stderr).
const FAILED: u8 = 1;

/// Lamina's `main`, for the command line `argv` (`argv[0]` included).
pub fn main(argv: Vec<OsString>) -> ExitCode {
    restore_sigpipe();
    if let Some(tool) = cc::Invocation::recognise(&argv) {
        return tool.run();
    }
    let executed_by_binfmt = binfmt::executed_for_module(&argv);
    let mut command = match parse(argv.into_iter().skip(1)) {
        Ok(c) => c,
        Err(e) => return ExitCode::from(usage_error(&e)),
    };
    // A module executed like a program gets the environment it was executed
    // with, as a native program would (make passes srcdir, PATH, ... to the
    // programs of a test suite).
    if let (true, Command::Run(options)) = (executed_by_binfmt, &mut command) {
        options.env.inherit = true;
    }
    execute(command).unwrap_or_else(|e| ExitCode::from(failed(&e)))
}

fn usage_error(e: &str) -> u8 {
    eprintln!("lamina: {e}\nTry `lamina --help`.");
    USAGE_ERROR
}

fn failed(e: &anyhow::Error) -> u8 {
    // (Not `eprintln!`, which panics when the guest left stderr unwritable.)
    let _ = writeln!(std::io::stderr(), "lamina: error: {e:#}");
    FAILED
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Help => {
            print!("{}", cli::HELP);
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            println!("lamina {} (wasmtime {})", env!("CARGO_PKG_VERSION"), cli::wasmtime_version());
            Ok(ExitCode::SUCCESS)
        }
        Command::Compile { engine, module, output } => {
            let bytes = std::fs::read(&module).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", module.display()))?;
            let artifact = lamina_runtime::cache::precompile(&new_engine(&engine)?, &bytes, engine.safe_points)
                .map_err(|e| e.context(module.display().to_string()))?;
            std::fs::write(&output, artifact).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Binfmt(action) => binfmt::execute(action),
        Command::Run(options) => terminate(run(*options)?),
    }
}

/// Whether SIGPIPE was ignored when the process started, before Rust's
/// start-up code ignored it anyway.
static SIGPIPE_WAS_IGNORED: AtomicBool = AtomicBool::new(false);

/// Runs before Rust's start-up code (the C library runs `.init_array`
/// entries before `main`), so it sees the disposition the process inherited.
extern "C" fn record_sigpipe() {
    let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: querying a disposition into a valid buffer.
    let ok = unsafe { libc::sigaction(libc::SIGPIPE, std::ptr::null(), old.as_mut_ptr()) } == 0;
    // SAFETY: zero-initialised, and filled in on success.
    SIGPIPE_WAS_IGNORED.store(ok && unsafe { old.assume_init() }.sa_sigaction == libc::SIG_IGN, Ordering::Relaxed);
}

#[used]
#[unsafe(link_section = ".init_array")]
static RECORD_SIGPIPE: extern "C" fn() = record_sigpipe;

/// Rust ignores SIGPIPE before `main`; the guest must start with the
/// disposition the process inherited, as a native program does: the default
/// (death on a write to a closed pipe), or ignored if the parent, or the
/// guest that executed this program, ignored it (exec keeps ignored signals).
fn restore_sigpipe() {
    if !SIGPIPE_WAS_IGNORED.load(Ordering::Relaxed) {
        // SAFETY: setting a standard disposition at start-up, before any thread.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
}
