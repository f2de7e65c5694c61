//! `lamina`: run Linux programs compiled to WebAssembly (WALI).
//!
//! ```text
//! lamina run [OPTIONS] MODULE [ARGS...]
//! lamina [OPTIONS] MODULE [ARGS...]
//! lamina compile [--stack-size=BYTES] MODULE -o OUT.cwasm
//! ```
//!
//! Options end at the module path: everything after it belongs to the guest,
//! whose argv[0] is the module path as given (so `lamina` can stand in for
//! `iwasm` in existing scripts, whose spellings it also accepts).

mod cli;

use std::process::ExitCode;

use cli::{Command, parse};
use lamina_runtime::{new_engine, run, terminate};

fn main() -> ExitCode {
    restore_default_signal_dispositions();
    let command = match parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lamina: {e}\nTry `lamina --help`.");
            return ExitCode::from(2);
        }
    };
    match execute(command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lamina: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Help => {
            print!("{}", cli::HELP);
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            println!("lamina {} (wasmtime {})", env!("CARGO_PKG_VERSION"), cli::WASMTIME_VERSION);
            Ok(ExitCode::SUCCESS)
        }
        Command::Compile { engine, module, output } => {
            let bytes = std::fs::read(&module).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", module.display()))?;
            let artifact = lamina_runtime::cache::precompile(&new_engine(&engine)?, &bytes)
                .map_err(|e| e.context(module.display().to_string()))?;
            std::fs::write(&output, artifact).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(options) => terminate(run(options)?),
    }
}

/// Rust ignores SIGPIPE before `main`; a native program starts with the
/// default action (death on a write to a closed pipe), and ignored
/// dispositions would also leak into programs the guest executes.
fn restore_default_signal_dispositions() {
    // SAFETY: setting a standard disposition at start-up, before any thread.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}
