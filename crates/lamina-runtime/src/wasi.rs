//! WASI preview 1 programs, run through Lamina's WASI layer.
//!
//! The layer (`wasi/layer`, built by `wasi/build.sh` into
//! `build/wasi/wasi_snapshot_preview1.wasm`) is a WALI module written in C:
//! it implements every `wasi_snapshot_preview1` function over WALI system
//! calls. A WASI program runs as the layer's process: the layer is
//! instantiated like any WALI module (its own shared memory, its `_start`,
//! its syscalls traced and policed like any guest's), then the program in the
//! same store, its imports bound to the layer's exports; the layer's `main`
//! calls the program's `_start`. The program keeps a memory of its own, which
//! the layer reaches through `lamina_program` imports (`link.rs`).

use std::ffi::OsString;
use std::os::fd::{IntoRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use wasmtime::error::Context;
use wasmtime::{Module, Result, bail};

use crate::options::DirOption;
use crate::prepare::WASI_PREVIEW1;
use crate::store::Preopen;

/// The layer's file name.
const LAYER: &str = "wasi_snapshot_preview1.wasm";

/// Whether `module` (prepared) is a WASI preview 1 program.
pub fn is_wasi_program(module: &Module) -> bool {
    let imports_from = |name: &str| module.imports().any(|i| i.module() == name);
    imports_from(WASI_PREVIEW1) && !imports_from("wali")
}

/// Where the layer is: `$LAMINA_WASI_LAYER`; else, for a Lamina installed as
/// PREFIX/bin/lamina, PREFIX/lib/lamina; else, for one run from its source
/// tree (target/x86_64-unknown-linux-gnu/release/lamina), the tree's
/// build/wasi. (The containerd shim looks for it in the same places.)
pub fn layer_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("LAMINA_WASI_LAYER") {
        return Ok(path.into());
    }
    let exe = std::env::current_exe().context("cannot find Lamina's own executable")?;
    let dir = exe.parent().unwrap_or(Path::new("/"));
    let candidates = [dir.join("../lib/lamina").join(LAYER), dir.join("../../../build/wasi").join(LAYER)];
    if let Some(found) = candidates.iter().find(|c| c.is_file()) {
        return Ok(found.clone());
    }
    let looked: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    bail!(
        "this is a WASI program, which Lamina runs through its WASI layer, and the layer is not installed \
         (looked for {}; build it with `bash wasi/build.sh`, or set LAMINA_WASI_LAYER)",
        looked.join(" and ")
    )
}

/// Opens the directories given with `--dir`/`--ro-dir` for the program, in
/// command-line order. They are opened before any sandbox is entered, by
/// their host paths; the program knows each by its guest name.
pub fn open_preopens(dirs: &[DirOption]) -> Result<Vec<Preopen>> {
    dirs.iter()
        .map(|d| {
            let fd: OwnedFd =
                rustix::fs::open(&d.host, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
                    .map_err(std::io::Error::from)
                    .with_context(|| format!("cannot open {} for the program", d.host.display()))?;
            let name = name_of(&d.guest)?;
            Ok(Preopen { name, fd: crate::fds::move_high(fd)?.into_raw_fd(), writable: d.writable })
        })
        .collect()
}

fn name_of(guest: &Path) -> Result<String> {
    let name: OsString = guest.into();
    name.into_string().map_err(|n| wasmtime::format_err!("a directory's name for the program must be UTF-8: {n:?}"))
}
