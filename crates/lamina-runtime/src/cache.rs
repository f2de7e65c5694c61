//! Loading modules: the compile cache and ahead-of-time artifacts.
//!
//! Compiling a large module with Cranelift takes far longer than running a
//! small program, so compiled code is cached on disk, keyed by the module's
//! bytes, Lamina's version and the engine's compatibility hash. A second run
//! of the same module maps the cached artifact instead of compiling.
//! `lamina compile` writes the same kind of artifact (`.cwasm`) to a path of
//! the user's choosing, and `lamina run` accepts it directly.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    if let Some(Precompiled::Module) = Engine::detect_precompiled(&bytes) {
        // SAFETY: `.cwasm` files are trusted like native executables: the user
        // asked to run this one, and wasmtime checks that it was produced by a
        // compatible engine before using it.
        let module = unsafe { Module::deserialize(engine, &bytes) }
            .with_context(|| format!("{} is not a usable precompiled module", path.display()))?;
        return Ok(LoadedModule { module, source: CodeSource::Precompiled });
    }
    let describe = || format!("{}", path.display());
    let CacheMode::Dir(dir) = cache else {
        return Ok(LoadedModule {
            module: compile(engine, &bytes, safe_points).with_context(describe)?,
            source: CodeSource::Compiled,
        });
    };
    let cached = dir.join(format!("{}.cwasm", cache_key(engine, &bytes, safe_points)));
    if let Ok(file) = std::fs::File::open(&cached) {
        // The artifact stays open while mapped: keep it out of the guest's
        // descriptor numbers.
        let file = std::fs::File::from(crate::fds::move_high(file.into())?);
        // SAFETY: the cache directory holds only artifacts this program wrote
        // (atomically, see `store`); wasmtime checks engine compatibility.
        if let Ok(module) = unsafe { Module::deserialize_open_file(engine, file) } {
            return Ok(LoadedModule { module, source: CodeSource::CacheHit });
        }
    }
    let artifact = precompile(engine, &bytes, safe_points).with_context(describe)?;
    if let Err(e) = store(dir, &cached, &artifact) {
        let _ =
            writeln!(std::io::stderr(), "lamina: warning: cannot write the compile cache in {}: {e:#}", dir.display());
    }
    // SAFETY: `artifact` was just produced by this engine.
    let module = unsafe { Module::deserialize(engine, &artifact) }?;
    Ok(LoadedModule { module, source: CodeSource::Compiled })
}

/// Prepares and compiles a module in memory.
pub fn compile(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> Result<Module> {
    Module::new(engine, prepare(bytes, safe_points)?)
}

/// Prepares and compiles a module into an ahead-of-time artifact.
pub fn precompile(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> Result<Vec<u8>> {
    engine.precompile_module(&prepare(bytes, safe_points)?)
}

fn cache_key(engine: &Engine, bytes: &[u8], safe_points: SafePoints) -> String {
    let mut engine_hash = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut engine_hash);
    let digest = Sha256::new()
        .chain_update(env!("CARGO_PKG_VERSION"))
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
