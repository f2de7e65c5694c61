//! A guest process: its memory, its environment, its main thread.

use std::ffi::CString;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use lamina_wali::{Exit, Process, ProcessConfig, Tracer};
use rustix::process::{Resource, Rlimit, setrlimit};
use wasmtime::error::Context;
use wasmtime::{ExternType, Instance, MemoryType, Module, SharedMemory, Store, bail};
use wasmtime::{Result, format_err as anyhow};

use crate::cache::{CacheMode, CodeSource, LoadedModule, load_module, load_module_bytes};
use crate::delivery;
use crate::engine::new_engine;
use crate::env::env_file;
use crate::fds::{read_inherited, read_whole};
use crate::link::{Binding, ImportReport, link, link_wasi_program};
use crate::options::{RunOptions, StraceOptions, StraceOutput};
use crate::outcome::{self, Outcome, ending, outcome_of};
use crate::perfmap;
use crate::prepare::{self, Interface, MEMORY_IMPORT};
use crate::sandbox;
use crate::store::{Host, Program, guest_memory, program_memory};
use crate::thread::Threads;
use crate::wasi;

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
    // A WASI program sees only its preopened directories, never paths: they
    // are granted where they are, with no view of the file system of its own
    // (which must be made now, before any thread starts).
    let loading_files = LoadingFiles::take(options);
    let bytes = module_bytes(options)?;
    let wasi_program = prepare::file_interface(&bytes) == Interface::WasiPreview1;
    let sandbox = options.sandbox.clone().map(|s| if wasi_program { s.unmapped() } else { s });
    if sandbox.as_ref().is_some_and(|s| s.maps_directories()) {
        sandbox::prepare_view()?;
    }
    delivery::init();
    let engine = new_engine(&options.engine)?;
    let started = Instant::now();
    // Compiling may start helper threads, which must never take the guest's
    // signals: they inherit a mask that blocks them all. Signals sent
    // meanwhile wait for the guest.
    let blocked = lamina_wali::signals::block_all();
    let loaded = load_module_bytes(&engine, &options.module, &bytes, &options.cache, options.engine.safe_points)?;
    drop(bytes);
    // A WASI program runs as the process of Lamina's WASI layer.
    let (module, wasi) = if wasi::is_wasi_program(&loaded.module) {
        if !wasi_program && sandbox.as_ref().is_some_and(|s| s.maps_directories()) {
            bail!("a precompiled WASI program cannot be given directories as HOST::GUEST; run its .wasm");
        }
        let layer = load_wasi_layer(&engine, options, loading_files.wasi_layer.as_ref())?;
        (layer.module, Some(loaded.module))
    } else {
        (loaded.module, None)
    };
    drop((blocked, loading_files));
    if options.perf_map {
        // Profiling is an aid, not part of what the program does: without
        // a map it runs on, its functions unnamed in `perf report`.
        if let Err(e) = perfmap::write(std::iter::once(&module).chain(&wasi)) {
            eprintln!("lamina: warning: {e:#}");
        }
    }
    if options.verbose > 0 {
        let how = match loaded.source {
            CodeSource::Compiled => "compiled",
            CodeSource::CacheHit => "loaded from the compile cache",
            CodeSource::Precompiled => "loaded precompiled",
        };
        eprintln!("lamina: {}: {how} in {:.1?}", options.module.display(), started.elapsed());
    }
    let memory = shared_memory(&module, options.limits.max_memory)?;
    // A 32-bit address reaches 4 GiB from the memory's start at most.
    lamina_wali::signals::guest_memory_at(memory.data().as_ptr() as usize, 1 << 32);
    let program = match &wasi {
        Some(program) => Some((
            shared_memory(program, options.limits.max_memory)?,
            wasi::open_preopens(options.sandbox.as_ref().map_or(&[], |s| &s.dirs))?,
        )),
        None => None,
    };
    let (strace, strace_fd) = options.strace.as_ref().map(tracer).transpose()?.unzip();
    let env_file = env_file(&options.env)?;
    // Everything the runtime opens for itself is open: from here on the
    // process has only the guest's authority.
    let policy = sandbox.as_ref().map(|s| sandbox::enter(s, &options.module)).transpose()?;
    let process = Arc::new(Process::new(ProcessConfig { argv: argv(options), env_file, strace, policy }));
    crate::exec::install(&process, options, strace_fd.flatten());
    let guest_memory = guest_memory(&memory);
    let mut host = Host::new(process.clone(), guest_memory.clone());
    host.program = program.as_ref().map(|(memory, preopens)| Program {
        memory: program_memory(memory),
        start: None,
        preopens: preopens.clone(),
    });
    let mut store = Store::new(&engine, host);
    let flags = delivery::SafePointFlags::new();
    let (linker, imports) = link(&store, &module, &memory)?;
    if options.verbose > 1 {
        report_imports(&imports);
    }
    let pre = linker.instantiate_pre(&module)?;
    let stack = options.engine.stack_size + HOST_STACK_MARGIN;
    let threads = Threads::new(pre.clone(), guest_memory, process.clone(), stack, options.limits.max_threads);
    if let Some(seconds) = options.limits.max_cpu {
        limit_cpu(seconds)?;
    }
    let result = pre
        .instantiate(&mut store)
        .inspect(|instance| {
            Host::bind(&mut store, instance);
            delivery::arm_safe_points(&flags, &mut store, instance);
        })
        .and_then(|instance| {
            if let (Some(program), Some((memory, _))) = (&wasi, &program) {
                instantiate_wasi_program(&mut store, &flags, program, memory, &instance, options.verbose)?;
            }
            instance.get_typed_func::<(), ()>(&mut store, "_start")
        })
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

/// The module's content: from the descriptor the Lamina that executed this
/// one handed down, closed at once (the guest never sees it), or from its
/// path.
fn module_bytes(options: &RunOptions) -> Result<Vec<u8>> {
    let Some(fd) = options.module_fd else {
        return std::fs::read(&options.module).with_context(|| format!("cannot read {}", options.module.display()));
    };
    read_inherited(fd).with_context(|| format!("cannot read {} from descriptor {fd}", options.module.display()))
}

/// The WASI layer: from the file a containerd shim handed down
/// (`--wasi-layer-fd`), or from where it is installed.
fn load_wasi_layer(
    engine: &wasmtime::Engine,
    options: &RunOptions,
    handed_down: Option<&File>,
) -> Result<LoadedModule> {
    let sp = options.engine.safe_points;
    match handed_down {
        Some(file) => {
            let bytes = read_whole(file).context("cannot read the WASI layer from --wasi-layer-fd")?;
            load_module_bytes(engine, Path::new("the WASI layer"), &bytes, &options.cache, sp)
        }
        None => load_module(engine, &wasi::layer_path()?, &options.cache, sp),
    }
}

/// Descriptors handed down for loading alone (`--cache-dir-fd`,
/// `--wasi-layer-fd`: a containerd shim's host files), owned from the start
/// and closed when dropped, once the module is loaded: the guest never
/// reaches them.
struct LoadingFiles {
    _cache_dir: Option<OwnedFd>,
    wasi_layer: Option<File>,
}

impl LoadingFiles {
    fn take(options: &RunOptions) -> LoadingFiles {
        // SAFETY: descriptors handed down for this use alone (the CLI accepts
        // only numbers above 2), taken once per process.
        let owned = |fd: RawFd| unsafe { OwnedFd::from_raw_fd(fd) };
        LoadingFiles {
            _cache_dir: match options.cache {
                CacheMode::Inherited(fd) => Some(owned(fd)),
                _ => None,
            },
            wasi_layer: options.wasi_layer_fd.map(|fd| File::from(owned(fd))),
        }
    }
}

/// Instantiates the WASI program `module` served by `layer`, the process's
/// instance, and gives the layer its `_start`.
fn instantiate_wasi_program(
    store: &mut Store<Host>,
    flags: &delivery::SafePointFlags,
    module: &Module,
    memory: &SharedMemory,
    layer: &Instance,
    verbose: u8,
) -> Result<()> {
    let (linker, imports) = link_wasi_program(store, module, memory, layer)?;
    if verbose > 1 {
        report_imports(&imports);
    }
    let program = linker.instantiate(&mut *store, module)?;
    delivery::arm_safe_points(flags, store, &program);
    let start = program
        .get_func(&mut *store, "_start")
        .ok_or_else(|| anyhow!("the WASI program has no `_start` (a reactor, not a command, is not run)"))?;
    if let Some(served) = store.data_mut().program.as_mut() {
        served.start = Some(start);
    }
    Ok(())
}

/// `-vv`: every import and how it was bound.
fn report_imports(imports: &[ImportReport]) {
    for i in imports {
        let how = match i.binding {
            Binding::Implemented => "",
            Binding::Unimplemented => "  (not implemented: ENOSYS)",
            Binding::Memory => "  (shared memory)",
            Binding::SafePoint => "  (signal safe points)",
            Binding::Program => "  (the WASI program)",
            Binding::WasiLayer => "  (Lamina's WASI layer)",
        };
        eprintln!("lamina: import {}.{}{how}", i.module, i.name);
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
            // shares the guest's descriptor table, so keep it out of the way
            // and out of the guest's reach.
            let file = std::fs::File::from(crate::fds::move_high(file.into())?);
            let fd = file.as_raw_fd();
            lamina_wali::hide_runtime_fd(fd);
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
