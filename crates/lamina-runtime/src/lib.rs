//! Lamina's runtime: runs a WALI module on wasmtime.
//!
//! The steps, each in its own module:
//! 1. [`engine`]: one wasmtime `Engine` configured for WALI binaries.
//! 2. [`prepare`]: load-time rewriting of the module (its memory becomes an
//!    import so every thread can share one `SharedMemory`; table 0 is exported
//!    so table indices can be resolved).
//! 3. [`cache`]: compile once; later runs load the compiled code from the
//!    compile cache, and `lamina compile` writes the same artifact by hand.
//! 4. [`link`]: bind every import to the WALI table with the type the module
//!    itself declares; [`store`] is what each of those host functions sees.
//! 5. [`process`]: the guest process — environment, memory, `_start`;
//!    `thread`: the instance-per-thread model of `__wasm_thread_spawn`;
//!    `wasi`: a WASI program run through Lamina's WASI layer;
//!    `exec`: what `execve` starts; `delivery`: guest signal handlers at
//!    safe points and traps as signals; [`outcome`]: how it ended;
//!    `sandbox`, `view` and `seccomp`: a policy enforced by the kernel.
//!
//! The modules form floors, each using only those below it (a test checks):
//! `engine`, `prepare`, `fds`, `env`, `seccomp`, `view` → `cache`, `store`,
//! `options` → `sandbox`, `delivery` → `outcome`, `link`, `exec`, `wasi` →
//! `thread` → `process`.

pub mod cache;
mod delivery;
mod elf;
pub mod engine;
pub mod env;
mod exec;
mod fds;
pub mod link;
pub mod options;
pub mod outcome;
mod perfmap;
pub mod prepare;
pub mod process;
mod sandbox;
mod seccomp;
pub mod store;
mod thread;
mod view;
mod wasi;

pub use cache::{CacheMode, LoadedModule, load_module};
pub use engine::SafePoints;
pub use engine::{EngineOptions, new_engine};
pub use env::EnvOptions;
pub use options::{DirOption, Limits, RunOptions, SandboxOptions, StraceOptions, StraceOutput};
pub use outcome::{Outcome, terminate};
pub use process::run;
pub use wasi::layer_path as wasi_layer_path;
