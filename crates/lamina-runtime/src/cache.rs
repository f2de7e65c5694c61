//! Loading modules: the compile cache and ahead-of-time artifacts.
//!
//! Compiling a large module with Cranelift takes far longer than running a
//! small program, so compiled code is cached on disk, keyed by the module's
//! bytes, Lamina's version, the module rewrite's source (build.rs) and the
//! engine's compatibility hash. A second run
//! of the same module maps the cached artifact instead of compiling.
//! `lamina compile` writes the same kind of artifact (`.cwasm`) to a path of
//! the user's choosing, and `lamina run` accepts it directly.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};

use lamina_wali::signals;
use sha2::{Digest, Sha256};
use wasmtime::Result;
use wasmtime::error::Context;
use wasmtime::{Engine, Module, Precompiled};

use crate::engine::SafePoints;
use crate::prepare::prepare;

/// Whether to use the compile cache.
#[derive(Clone, Debug)]
pub enum CacheMode {
    /// Cache in this directory.
    Dir(PathBuf),
    /// Cache in the directory open as this descriptor (`--cache-dir-fd`),
    /// inherited from a process that could reach it: a containerd shim's
    /// host directory, which the container's root does not show. Used
    /// through /proc/self/fd; the descriptor is closed before the guest
    /// starts (the process's loading files).
    Inherited(RawFd),
    /// Always compile.
    Disabled,
}

impl CacheMode {
    /// The default cache directory: `$LAMINA_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/lamina`, else `~/.cache/lamina`; disabled if none is set.
    pub fn default_dir() -> CacheMode {
        let env = |k| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dir = env("LAMINA_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("lamina")))
            .or_else(|| env("HOME").map(|d| d.join(".cache/lamina")));
        dir.map_or(CacheMode::Disabled, CacheMode::Dir)
    }

    /// The cache directory's path, if there is a cache.
    fn dir(&self) -> Option<PathBuf> {
        match self {
            CacheMode::Dir(dir) => Some(dir.clone()),
            CacheMode::Inherited(fd) => Some(PathBuf::from(format!("/proc/self/fd/{fd}"))),
            CacheMode::Disabled => None,
        }
    }
}

/// How the module's code was obtained (reported with `-v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeSource {
    Compiled,
    CacheHit,
    Precompiled,
}

/// A compiled module ready to instantiate.
pub struct LoadedModule {
    pub module: Module,
    pub source: CodeSource,
}

/// Loads a `.wasm` (through the cache) or a `.cwasm` artifact (whose safe
/// points are the ones it was compiled with).
pub fn load_module(engine: &Engine, path: &Path, cache: &CacheMode, safe_points: SafePoints) -> Result<LoadedModule> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    load_module_bytes(engine, path, &bytes, cache, safe_points)
}

/// [`load_module`] of a module already read (`path` names it in messages).
pub fn load_module_bytes(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    cache: &CacheMode,
    safe_points: SafePoints,
) -> Result<LoadedModule> {
    if let Some(Precompiled::Module) = Engine::detect_precompiled(bytes) {
        // SAFETY: `.cwasm` files are trusted like native executables: the user
        // asked to run this one, and wasmtime checks that it was produced by a
        // compatible engine before using it.
        let module = unsafe { Module::deserialize(engine, bytes) }
            .with_context(|| format!("{} is not a usable precompiled module", path.display()))?;
        return Ok(LoadedModule { module, source: CodeSource::Precompiled });
    }
    let describe = || format!("{}", path.display());
    let Some(dir) = cache.dir() else {
        return Ok(LoadedModule {
            module: compile(engine, bytes, safe_points).with_context(describe)?,
            source: CodeSource::Compiled,
        });
    };
    let access = access(&dir);
    let cached = dir.join(format!("{}.cwasm", cache_key(engine, bytes, safe_points)));
    if access != Access::Denied
        // SAFETY: the cache directory holds only artifacts written by this
        // program (atomically, see `store`) as this user or root (`access`);
        // wasmtime checks engine compatibility.
        && let Ok(module) = unsafe { map_artifact(engine, &cached) }
    {
        return Ok(LoadedModule { module, source: CodeSource::CacheHit });
    }
    let artifact = precompile(engine, bytes, safe_points).with_context(describe)?;
    if access == Access::ReadWrite
        && let Err(e) = store(&dir, &cached, &artifact)
    {
        let _ =
            writeln!(std::io::stderr(), "lamina: warning: cannot write the compile cache in {}: {e:#}", dir.display());
    }
    // SAFETY: `artifact` was just produced by this engine.
    let module = unsafe { Module::deserialize(engine, &artifact) }?;
    Ok(LoadedModule { module, source: CodeSource::Compiled })
}

/// What this process may do with a cache directory. Cached artifacts are
/// native code that is run without being checked, so they are read only from
/// a directory this user or root owns (no one else can have put them
/// there), and written only to one this user owns or may create. A process
/// that changed its identity (a program that drops privileges and then
/// executes a module: the new Lamina is handed the cache directory of the
/// one before) uses root's cache without writing to it, and another user's
/// not at all, both silently: compiling without a cache is all that is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    ReadWrite,
    ReadOnly,
    Denied,
}

fn access(dir: &Path) -> Access {
    use std::os::unix::fs::MetadataExt;
    let euid = rustix::process::geteuid().as_raw();
    let Ok(dir) = std::path::absolute(dir) else { return Access::Denied };
    // A directory that does not exist yet is this user's if it may create
    // it: the nearest one that exists is its own.
    for (i, dir) in dir.ancestors().enumerate() {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.uid() == euid => return Access::ReadWrite,
            Ok(meta) if meta.uid() == 0 && i == 0 => return Access::ReadOnly,
            Ok(_) => return Access::Denied,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return Access::Denied,
        }
    }
    Access::Denied
}

/// Deserializes the artifact at `path` from a private mapping of it, whose
/// descriptor is closed at once: wasmtime keeps a file it maps itself open
/// for the module's life, and the guest would see that descriptor (in
/// /proc/self/fd, to close, to pass on to its children), where a native
/// program has only what it opened or inherited. Mapped, not read: pages
/// are read only as they are used, and processes running the same module
/// share them. The mapping lives as long as the process (modules are never
/// dropped before it ends); the engine makes its code executable
/// (`engine.rs`).
///
/// # Safety
///
/// As for [`Module::deserialize_file`]: the file must be an artifact this
/// program wrote, and is never changed in place.
unsafe fn map_artifact(engine: &Engine, path: &Path) -> Result<Module> {
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len())?;
    // SAFETY: a private, read-only mapping of an open file, at an address of
    // the kernel's choice.
    let addr =
        unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_PRIVATE, file.as_raw_fd(), 0) };
    drop(file);
    if addr == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error().into());
    }
    let memory = std::ptr::NonNull::slice_from_raw_parts(
        std::ptr::NonNull::new(addr.cast::<u8>()).expect("mmap never maps at address 0 here"),
        len,
    );
    // SAFETY: the caller's promise on the file; the mapping is never written
    // and stays as long as the module (the process).
    unsafe { Module::deserialize_raw(engine, memory) }.inspect_err(|_| {
        // SAFETY: the mapping made above, which nothing else uses.
        unsafe { libc::munmap(addr, len) };
    })
}

/// Prepares and compiles a module in memory.
/// (Compilation may start the compiler's worker threads, which must take no
/// signal: see `with_every_signal_blocked`.)
pub fn compile(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> Result<Module> {
    let prepared = prepare(bytes, safe_points)?;
    signals::with_every_signal_blocked(|| Module::new(engine, prepared))
}

/// Prepares and compiles a module into an ahead-of-time artifact.
pub fn precompile(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> Result<Vec<u8>> {
    let prepared = prepare(bytes, safe_points)?;
    signals::with_every_signal_blocked(|| engine.precompile_module(&prepared))
}

fn cache_key(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> String {
    let mut engine_hash = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut engine_hash);
    let digest = Sha256::new()
        .chain_update(env!("CARGO_PKG_VERSION"))
        .chain_update(env!("LAMINA_PREPARE_HASH"))
        .chain_update(engine_hash.finish().to_le_bytes())
        .chain_update([u8::from(safe_points == SafePoints::Instrumented)])
        .chain_update(bytes)
        .finalize();
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Writes an artifact atomically (temporary file, then rename), so a reader
/// never maps a half-written file.
fn store(dir: &Path, path: &Path, artifact: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}-{:?}", std::process::id(), std::thread::current().id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(artifact)?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    Ok(())
}
