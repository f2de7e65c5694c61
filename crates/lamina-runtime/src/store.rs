//! What every host function of a guest thread sees: the store data of its
//! instance, over the process's one memory.

use std::os::fd::RawFd;
use std::sync::Arc;

use lamina_memory::{GuestMemory, MemoryMap};
use lamina_wali::{Process, ThreadState};
use wasmtime::{Func, Global, Instance, SharedMemory, Store, Table};

use crate::prepare::{STACK_POINTER_EXPORT, TABLE_EXPORT};

/// The per-instance state every host function sees.
pub struct Host {
    pub process: Arc<Process>,
    pub memory: Arc<GuestMemory>,
    pub thread: ThreadState,
    /// The instance's table 0 (signal handlers are indices into it).
    pub table: Option<Table>,
    /// The instance's `__stack_pointer`, if the module names it.
    pub stack_pointer: Option<Global>,
    /// The WASI program that this instance, Lamina's WASI layer, serves.
    pub program: Option<Program>,
}

/// What the WASI layer reaches of the program it serves (the
/// `lamina_program` imports, `link.rs`).
pub struct Program {
    /// The program's memory, where every address a WASI call passes points.
    pub memory: Arc<GuestMemory>,
    /// The program's `_start`, once the program is instantiated.
    pub start: Option<Func>,
    pub preopens: Vec<Preopen>,
}

/// A directory given to a WASI program (`--dir`, `--ro-dir`).
#[derive(Clone, Debug)]
pub struct Preopen {
    /// The name the program knows it by.
    pub name: String,
    /// Opened by Lamina before any sandbox; the layer's from then on.
    pub fd: RawFd,
    pub writable: bool,
}

impl Host {
    /// The state of one guest thread of `process`, over the process's memory.
    pub fn new(process: Arc<Process>, memory: Arc<GuestMemory>) -> Host {
        Host { process, memory, thread: ThreadState::default(), table: None, stack_pointer: None, program: None }
    }

    /// Records what signal delivery needs from the thread's instance.
    pub fn bind(store: &mut Store<Host>, instance: &Instance) {
        let table = instance.get_table(&mut *store, TABLE_EXPORT);
        let stack_pointer = instance.get_global(&mut *store, STACK_POINTER_EXPORT);
        let host = store.data_mut();
        (host.table, host.stack_pointer) = (table, stack_pointer);
    }
}

/// The bounds-checked view of a WASI program's memory, into which nothing can
/// be mapped (WASI has no `mmap`).
pub fn program_memory(memory: &SharedMemory) -> Arc<GuestMemory> {
    let base = memory.data().as_ptr() as *mut u8;
    let sized = memory.clone();
    // SAFETY: as for `guest_memory`: a shared memory never moves and `sized`
    // keeps it alive.
    Arc::new(unsafe { GuestMemory::new(base, Box::new(move || current_size(&sized))) })
}

/// The bounds-checked view of a process's memory, with its memory map; made
/// once per process and shared by all of its threads.
pub fn guest_memory(memory: &SharedMemory) -> Arc<GuestMemory> {
    let base = memory.data().as_ptr() as *mut u8;
    let (sized, grower) = (memory.clone(), memory.clone());
    let ty = memory.ty();
    let page = ty.page_size();
    let max = ty.maximum().map_or(u64::MAX, |pages| pages.saturating_mul(page));
    // The map's own growth: the memory reports its old size in pages.
    let grow = move |bytes: u64| grower.grow(bytes / page).ok().map(|old| old * page);
    let map = Arc::new(MemoryMap::new(memory.data_size() as u64, max, Box::new(grow)));
    // SAFETY: a shared memory never moves (wasmtime reserves its maximum
    // size up front, page-aligned, and only changes page protections when
    // it grows) and lives as long as `sized`, which the closure owns; its
    // reported size only counts accessible bytes.
    Arc::new(unsafe { GuestMemory::with_map(base, Box::new(move || current_size(&sized)), map) })
}

/// The accessible size of a shared memory, read on every guest pointer
/// check. `SharedMemory::data_size` takes the memory's lock for it; the
/// length `data()` reports is the one wasm code itself checks against, an
/// atomic that `grow` stores only once the new pages are accessible (so it
/// never reports more than is mapped), read without a lock. A check racing
/// with another thread's growth may see the old size, as wasm code may.
fn current_size(memory: &SharedMemory) -> usize {
    memory.data().len()
}
