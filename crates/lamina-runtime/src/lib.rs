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
//!    itself declares.
//! 5. [`process`]: the guest process — environment, memory, `_start`, and how
//!    it ended; `thread`: the instance-per-thread model of
//!    `__wasm_thread_spawn`; `exec`: what `execve` starts.

pub mod cache;
pub mod engine;
pub mod env;
mod exec;
mod fds;
pub mod link;
pub mod prepare;
pub mod process;
mod signals;
mod thread;

pub use cache::{CacheMode, LoadedModule, load_module};
pub use engine::{EngineOptions, new_engine};
pub use env::EnvOptions;
pub use process::{Outcome, RunOptions, StraceOptions, StraceOutput, run, terminate};
