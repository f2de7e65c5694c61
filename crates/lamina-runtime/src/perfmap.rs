//! `--profile=perfmap`: names the compiled wasm functions for `perf`.
//!
//! `perf` names code in anonymous memory from `/tmp/perf-PID.map`, one line
//! per function, `START SIZE NAME` with the numbers in hex (the kernel's
//! `tools/perf/Documentation/jit-interface.txt`). Code loaded from the
//! compile cache is named without it (its mapped artifact has symbols), but
//! code compiled by this run is not. wasmtime's own perf-map agent keeps the
//! file open for as long as the engine lives, a descriptor in the table the
//! guest shares; the map is written here instead, in one go once the
//! modules are loaded, and closed before the guest starts (and before a
//! sandbox confines the process).

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::PathBuf;

use wasmtime::error::Context;
use wasmtime::{Module, Result, bail};

/// Where `perf` looks for this process's map.
fn path() -> PathBuf {
    PathBuf::from(format!("/tmp/perf-{}.map", std::process::id()))
}

/// Appends the functions of `modules` to this process's map. Appended, not
/// replaced: after an `execve` (the same process id) the lines of the image
/// before it still name the samples taken before it.
pub fn write<'a>(modules: impl IntoIterator<Item = &'a Module>) -> Result<()> {
    let path = path();
    let cannot = || format!("cannot write the perf map {}", path.display());
    let mut text = String::new();
    for module in modules {
        lines(module, &mut text);
    }
    // In a directory every user writes to: never through a link another
    // user planted, never waiting on a FIFO, and only into a regular file
    // of this user's own (perf ignores any other).
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .with_context(cannot)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() || metadata.uid() != rustix::process::geteuid().as_raw() {
        bail!("{}: not a file of this user's", cannot());
    }
    file.write_all(text.as_bytes()).with_context(cannot)
}

/// One line per compiled function of `module`.
fn lines(module: &Module, text: &mut String) {
    let start = module.text().as_ptr() as usize;
    for function in module.functions() {
        let name = match &function.name {
            Some(name) => demangled(name),
            None => format!("wasm-function[{}]", function.index.as_u32()),
        };
        // A name is the rest of its line.
        let name = name.replace(['\n', '\r'], "_");
        let _ = writeln!(text, "{:x} {:x} {name}", start + function.offset, function.len);
    }
}

/// C++ names as a reader knows them (`perf` shows a map's names as given).
fn demangled(name: &str) -> String {
    cpp_demangle::Symbol::new(name).ok().and_then(|symbol| symbol.demangle().ok()).unwrap_or_else(|| name.to_string())
}
