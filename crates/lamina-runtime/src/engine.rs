//! The wasmtime engine configuration for WALI modules.

use std::sync::Arc;

use wasmtime::Result;
use wasmtime::{Config, CustomCodeMemory, Engine, OptLevel};

/// Default size of the wasm call stack: 32 MiB. A native main thread gets
/// 8 MiB, but Cranelift's frames are larger than a C compiler's (a recursion
/// that 8 MiB holds natively exhausts 8 MiB of wasm stack two thirds of the
/// way down), and a stack reserves address space only: pages are touched as
/// it grows.
pub const DEFAULT_STACK_SIZE: usize = 32 << 20;

/// Whether the rewrite adds signal safe points to the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SafePoints {
    Instrumented,
    /// Handlers run only at calls (`--no-safe-points`, to measure the cost).
    Omitted,
}

/// Settings that shape the engine and the code it compiles.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Most bytes of native stack wasm code may use before a stack-overflow
    /// trap (deep recursion in real programs needs a native-sized stack).
    pub stack_size: usize,
    /// Signal safe points inside wasm code (checks at loop headers and tail
    /// calls added by `prepare.rs`), so a handler interrupts code that makes
    /// no system calls. Omitted only to measure what they cost: handlers
    /// then run only when the guest makes a call.
    pub safe_points: SafePoints,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions { stack_size: DEFAULT_STACK_SIZE, safe_points: SafePoints::Instrumented }
    }
}

/// Builds the engine: Cranelift, the threads proposal with shared memories,
/// and the other features WALI toolchains emit (bulk memory, reference
/// types, exception handling, multi-value, sign extension, …).
pub fn new_engine(options: &EngineOptions) -> Result<Engine> {
    let mut config = Config::new();
    config
        .cranelift_opt_level(OptLevel::Speed)
        .wasm_threads(true)
        .shared_memory(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_multi_value(true)
        .wasm_exceptions(true)
        .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(64))
        // The safe points' calls are hinted cold (`prepare.rs`).
        .wasm_branch_hinting(true)
        // Guests run synchronously on their own threads, never on async
        // fiber stacks, but wasmtime requires this bound to hold regardless.
        .async_stack_size(options.stack_size)
        .max_wasm_stack(options.stack_size)
        .with_custom_code_memory(Some(Arc::new(CodeProtection)));
    Engine::new(&config)
}

/// Makes compiled code executable, as wasmtime itself would (its text
/// section read and execute, never writable meanwhile), but also code in
/// memory wasmtime does not own, which it cannot change the protection of
/// itself: a cached artifact the runtime mapped and whose descriptor it
/// closed (`cache.rs`), so the guest never sees it.
struct CodeProtection;

impl CustomCodeMemory for CodeProtection {
    fn required_alignment(&self) -> usize {
        rustix::param::page_size()
    }

    fn publish_executable(&self, ptr: *const u8, len: usize) -> Result<()> {
        protect(ptr, len, libc::PROT_READ | libc::PROT_EXEC)
    }

    fn unpublish_executable(&self, ptr: *const u8, len: usize) -> Result<()> {
        protect(ptr, len, libc::PROT_READ | libc::PROT_WRITE)
    }
}

fn protect(ptr: *const u8, len: usize, prot: i32) -> Result<()> {
    // SAFETY: wasmtime passes the page-aligned text range of a code image it
    // holds, which no code runs from while it changes (its contract).
    if unsafe { libc::mprotect(ptr.cast_mut().cast(), len, prot) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}
