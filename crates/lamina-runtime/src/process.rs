//! A guest process: its memory, its environment, its main thread, and how
//! it ended.

use std::ffi::{CString, OsString};
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use lamina_wali::ctx::Exit;
use lamina_wali::strace::{Ending, Tracer};
use lamina_wali::{Process, ProcessConfig};
use wasmtime::error::Context;
use wasmtime::{ExternType, Module, SharedMemory, Trap, WasmBacktrace};
use wasmtime::{Result, format_err as anyhow};

use crate::cache::{CacheMode, CodeSource, load_module};
use crate::engine::{EngineOptions, new_engine};
use crate::env::{EnvOptions, env_file};
use crate::link::{Binding, Host, guest_memory, link};
use crate::prepare::MEMORY_IMPORT;
use crate::thread::Threads;

/// Where `--strace` output goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StraceOutput {
    #[default]
    Stderr,
    /// A file, created afresh.
    File(PathBuf),
    /// An inherited descriptor, taken over: after an `execve` the trace goes
    /// on in the same open file.
    Fd(RawFd),
}

/// Where `--strace` output goes and what it contains.
#[derive(Clone, Debug, Default)]
pub struct StraceOptions {
    pub output: StraceOutput,
    /// One line per call.
    pub lines: bool,
    /// The summary table at exit.
    pub summary: bool,
    /// The traced program's first process, whose lines carry no `[pid N]`
    /// prefix (default: this one; kept across `execve`).
    pub root_pid: Option<u32>,
}

/// Everything `lamina run` needs.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The module (`.wasm` or `.cwasm`), also the guest's argv[0] as given.
    pub module: PathBuf,
    /// The guest's argv[0] instead of the module path (what the caller of
    /// `execve` passed).
    pub argv0: Option<OsString>,
    /// The guest's argv[1..].
    pub args: Vec<OsString>,
    pub env: EnvOptions,
    pub strace: Option<StraceOptions>,
    pub engine: EngineOptions,
    pub cache: CacheMode,
    /// 0: quiet; 1: load/compile information; 2: also every import binding.
    pub verbose: u8,
}

/// How a guest process ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited with this status (only the low 8 bits reach a parent).
    Exited(i32),
    /// It crashed: a wasm trap, reported as a native crash by `signal`.
    Crashed { signal: i32, report: String },
}

/// Native stack reserved beyond the wasm stack limit for the runtime's own
/// frames (host functions, wasmtime's entry and trap handling).
pub(crate) const HOST_STACK_MARGIN: usize = 8 << 20;

/// Runs a module to completion, on the calling thread.
///
/// The guest's main thread is the process's main thread, as natively
/// (`gettid() == getpid()`, process-directed signals land there). That thread
/// may not have a native stack as large as the wasm stack limit, so the run
/// switches to a freshly allocated stack of that size plus a margin.
pub fn run(options: RunOptions) -> Result<Outcome> {
    let stack = options.engine.stack_size + HOST_STACK_MARGIN;
    stacker::grow(stack, || run_on_this_thread(&options))
}

fn run_on_this_thread(options: &RunOptions) -> Result<Outcome> {
    crate::signals::init();
    let engine = new_engine(&options.engine)?;
    crate::signals::set_engine(&engine);
    let started = Instant::now();
    // Compiling may start helper threads, which must never take the guest's
    // signals: they inherit a mask that blocks them all. Signals sent
    // meanwhile wait for the guest.
    let blocked = lamina_wali::signals::block_all();
    let loaded = load_module(&engine, &options.module, &options.cache)?;
    drop(blocked);
    if options.verbose > 0 {
        let how = match loaded.source {
            CodeSource::Compiled => "compiled",
            CodeSource::CacheHit => "loaded from the compile cache",
            CodeSource::Precompiled => "loaded precompiled",
        };
        eprintln!("lamina: {}: {how} in {:.1?}", options.module.display(), started.elapsed());
    }
    let memory = shared_memory(&loaded.module)?;
    let (strace, strace_fd) = options.strace.as_ref().map(tracer).transpose()?.unzip();
    let process =
        Arc::new(Process::new(ProcessConfig { argv: argv(options), env_file: env_file(&options.env)?, strace }));
    crate::exec::install(&process, options, strace_fd.flatten());
    let guest_memory = guest_memory(&memory);
    let mut store = Host::store(&engine, Host::new(process.clone(), guest_memory.clone()));
    let (linker, imports) = link(&store, &loaded.module, &memory)?;
    if options.verbose > 1 {
        for i in &imports {
            let how = match i.binding {
                Binding::Implemented => "",
                Binding::Unimplemented => "  (not implemented: ENOSYS)",
                Binding::Memory => "  (shared memory)",
            };
            eprintln!("lamina: import {}.{}{how}", i.module, i.name);
        }
    }
    let pre = linker.instantiate_pre(&loaded.module)?;
    let threads =
        Threads::new(pre.clone(), guest_memory, process.clone(), options.engine.stack_size + HOST_STACK_MARGIN);
    let result = pre
        .instantiate(&mut store)
        .inspect(|instance| Host::bind(&mut store, instance))
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()))
        .map_err(|e| crate::signals::after_trap(&mut store, e));
    let outcome = match result {
        // Returning from `_start` ends the process, like returning from main.
        Ok(()) => Outcome::Exited(0),
        Err(e) => match e.downcast_ref::<Exit>() {
            // The main thread ended alone; the process lives on in the others.
            Some(Exit::Thread(status)) => threads.main_thread_exited(store.data(), *status),
            _ => outcome_of(e)?,
        },
    };
    process.finish(ending(&outcome));
    Ok(outcome)
}

/// How strace reports an outcome.
pub(crate) fn ending(outcome: &Outcome) -> Ending {
    match outcome {
        Outcome::Exited(status) => Ending::Exited(*status),
        Outcome::Crashed { signal, .. } => Ending::Killed(*signal),
    }
}

fn argv(options: &RunOptions) -> Vec<CString> {
    std::iter::once(options.argv0.as_deref().unwrap_or(options.module.as_os_str()))
        .chain(options.args.iter().map(|a| a.as_os_str()))
        .map(|a| CString::new(a.as_bytes()).expect("command-line arguments contain no NUL"))
        .collect()
}

/// The tracer, and the descriptor of its output file if it has one.
fn tracer(options: &StraceOptions) -> Result<(Tracer, Option<RawFd>)> {
    let file = match &options.output {
        StraceOutput::Stderr => None,
        StraceOutput::File(path) => Some(
            std::fs::File::create(path).with_context(|| format!("cannot create strace output {}", path.display()))?,
        ),
        // SAFETY: the descriptor was handed over for this use by the Lamina
        // that executed this one (the CLI accepts only numbers above 2).
        StraceOutput::Fd(fd) => Some(unsafe { std::fs::File::from_raw_fd(*fd) }),
    };
    let (sink, fd): (Box<dyn Write + Send>, _) = match file {
        Some(file) => {
            // strace keeps its output file in the tracer; here the tracer
            // shares the guest's descriptor table, so keep it out of the way.
            let file = std::fs::File::from(crate::fds::move_high(file.into())?);
            let fd = file.as_raw_fd();
            (Box::new(file), Some(fd))
        }
        None => (Box::new(std::io::stderr()), None),
    };
    let mut tracer = Tracer::new(sink, options.lines, options.summary);
    if let Some(pid) = options.root_pid {
        tracer = tracer.with_root_pid(pid);
    }
    Ok((tracer, fd))
}

/// The one memory every instance of the process shares, with the limits the
/// module declared for it.
pub fn shared_memory(module: &Module) -> Result<SharedMemory> {
    let ty = module
        .imports()
        .find(|i| (i.module(), i.name()) == MEMORY_IMPORT)
        .and_then(|i| match i.ty() {
            ExternType::Memory(m) => Some(m),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the module was not prepared for Lamina (no `lamina.memory` import)"))?;
    SharedMemory::new(module.engine(), ty).context("cannot create the guest's memory")
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
            eprintln!("lamina: {report}");
            let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            // SAFETY: plain libc calls; wasmtime's handler for this signal is
            // replaced by the default action so that raising it kills us.
            unsafe {
                libc::setrlimit(libc::RLIMIT_CORE, &no_core);
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
            // Only reached if the signal could not kill us.
            std::process::exit(128 + signal)
        }
    }
}

/// The signal a native program would have died of for the same fault.
pub fn crash_signal(trap: Trap) -> i32 {
    match trap {
        // `__builtin_trap()` / `abort()` paths: `ud2` natively.
        Trap::UnreachableCodeReached => libc::SIGILL,
        Trap::IntegerDivisionByZero | Trap::IntegerOverflow | Trap::BadConversionToInteger => libc::SIGFPE,
        // Out-of-bounds accesses, null or mistyped indirect calls, stack
        // exhaustion and the rest are memory faults natively.
        _ => libc::SIGSEGV,
    }
}
