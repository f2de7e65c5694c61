//! A guest process: its memory, its environment, its main thread.

use std::ffi::CString;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::time::Instant;

use lamina_wali::{Exit, Process, ProcessConfig, Tracer};
use rustix::process::{Resource, Rlimit, setrlimit};
use wasmtime::error::Context;
use wasmtime::{ExternType, MemoryType, Module, SharedMemory, bail};
use wasmtime::{Result, format_err as anyhow};

use crate::cache::{CodeSource, load_module};
use crate::delivery;
use crate::engine::new_engine;
use crate::env::env_file;
use crate::link::{Binding, link};
use crate::options::{RunOptions, StraceOptions, StraceOutput};
use crate::outcome::{self, Outcome, ending, outcome_of};
use crate::prepare::MEMORY_IMPORT;
use crate::sandbox;
use crate::store::{Host, guest_memory};
use crate::thread::Threads;

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
    if options.sandbox.as_ref().is_some_and(|s| s.maps_directories()) {
        sandbox::prepare_view()?;
    }
    delivery::init();
    let engine = new_engine(&options.engine)?;
    delivery::set_engine(&engine);
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
    let memory = shared_memory(&loaded.module, options.limits.max_memory)?;
    // A 32-bit address reaches 4 GiB from the memory's start at most.
    lamina_wali::signals::guest_memory_at(memory.data().as_ptr() as usize, 1 << 32);
    let (strace, strace_fd) = options.strace.as_ref().map(tracer).transpose()?.unzip();
    let env_file = env_file(&options.env)?;
    // Everything the runtime opens for itself is open: from here on the
    // process has only the guest's authority.
    let policy = options.sandbox.as_ref().map(|s| sandbox::enter(s, &options.module)).transpose()?;
    let process = Arc::new(Process::new(ProcessConfig { argv: argv(options), env_file, strace, policy }));
    crate::exec::install(&process, options, strace_fd.flatten());
    let guest_memory = guest_memory(&memory);
    let mut store = delivery::new_store(&engine, Host::new(process.clone(), guest_memory.clone()));
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
    let stack = options.engine.stack_size + HOST_STACK_MARGIN;
    let threads = Threads::new(pre.clone(), guest_memory, process.clone(), stack, options.limits.max_threads);
    if let Some(seconds) = options.limits.max_cpu {
        limit_cpu(seconds)?;
    }
    let result = pre
        .instantiate(&mut store)
        .inspect(|instance| Host::bind(&mut store, instance))
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()))
        .map_err(|e| outcome::after_trap(&mut store, e));
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

/// `--max-cpu`: `RLIMIT_CPU`, which the kernel enforces with `SIGXCPU` at the
/// soft limit and `SIGKILL` at the hard one, a second later.
fn limit_cpu(seconds: u64) -> Result<()> {
    let limit = Rlimit { current: Some(seconds), maximum: Some(seconds.saturating_add(1)) };
    setrlimit(Resource::Cpu, limit).map_err(std::io::Error::from).context("cannot set the CPU time limit")
}

/// The one memory every instance of the process shares, with the limits the
/// module declared for it, its maximum lowered to `max_bytes` if given.
pub fn shared_memory(module: &Module, max_bytes: Option<u64>) -> Result<SharedMemory> {
    let mut ty = module
        .imports()
        .find(|i| (i.module(), i.name()) == MEMORY_IMPORT)
        .and_then(|i| match i.ty() {
            ExternType::Memory(m) => Some(m),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the module was not prepared for Lamina (no `lamina.memory` import)"))?;
    if let Some(max_bytes) = max_bytes {
        let pages = max_bytes / ty.page_size();
        if ty.minimum() > pages {
            bail!(
                "the module needs {} bytes of memory to start, more than --max-memory={max_bytes}",
                ty.minimum() * ty.page_size()
            );
        }
        let maximum = ty.maximum().map_or(pages, |m| m.min(pages));
        ty = MemoryType::shared(ty.minimum() as u32, maximum as u32);
    }
    SharedMemory::new(module.engine(), ty).context("cannot create the guest's memory")
}
