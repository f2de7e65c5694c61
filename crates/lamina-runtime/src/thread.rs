//! Guest threads: one host thread and one instance of the module per guest
//! thread, all over the process's one shared memory.
//!
//! `__wasm_thread_spawn(start, arg)` starts a host thread that instantiates
//! the module again (the linker-made start function sees memory already
//! initialised and leaves it alone), resolves `start` in the exported table 0
//! and calls `table[start](tid, arg)`. The spawning thread waits only until
//! the new one knows its kernel thread id, which it returns.
//!
//! A thread ends when its entry returns or it calls `SYS_exit`: the word it
//! named with `set_tid_address` is cleared and woken, as the kernel does (musl
//! joins threads through it). When the last thread ends, the process exits.
//! `exit_group`, `__proc_exit` and traps in any thread end the whole process
//! at once, as natively.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lamina_memory::GuestMemory;
use lamina_wali::{Exit, Process};
use wasmtime::{InstancePre, Store, TypedFunc};
use wasmtime::{Result, format_err};

use crate::delivery::{self, SafePointFlags};
use crate::outcome::{self, Outcome, ending, outcome_of, terminate};
use crate::prepare::TABLE_EXPORT;
use crate::store::Host;

/// What every thread of a process is started from.
pub struct Threads {
    pre: InstancePre<Host>,
    memory: Arc<GuestMemory>,
    process: Arc<Process>,
    /// Native stack of each thread (the wasm stack limit plus a margin).
    stack_size: usize,
    /// `--max-threads`: guest threads alive at once, the main one included.
    max_threads: Option<u32>,
}

/// Guest threads still running in this OS process, the main thread included.
/// Process-wide (one guest process per OS process) so that a forked child,
/// which has only the forking thread, can reset it.
static LIVE: AtomicUsize = AtomicUsize::new(1);

extern "C" fn one_thread_after_fork() {
    // Written only if it changes: in the child every page written is a
    // copy-on-write fault, and the count may be 1 already.
    if LIVE.load(Ordering::SeqCst) != 1 {
        LIVE.store(1, Ordering::SeqCst);
    }
}

impl Threads {
    /// Creates the thread factory of a process and installs it as the
    /// process's `__wasm_thread_spawn`.
    pub fn new(
        pre: InstancePre<Host>,
        memory: Arc<GuestMemory>,
        process: Arc<Process>,
        stack_size: usize,
        max_threads: Option<u32>,
    ) -> Arc<Self> {
        let threads = Arc::new(Threads { pre, memory, process: process.clone(), stack_size, max_threads });
        let spawner = threads.clone();
        process.set_spawner(Box::new(move |start, arg| spawner.spawn(start, arg)));
        threads
    }

    /// Starts `table[start](tid, arg)` on a new thread; its tid, or -1 (what
    /// musl's `pthread_create` reports as `EAGAIN`, as for `RLIMIT_NPROC`)
    /// past `--max-threads`.
    fn spawn(self: &Arc<Self>, start: u32, arg: u32) -> i32 {
        // Registered with the first thread: until then the count is 1 in any
        // child, and a forked child would only fault the handler's code in.
        static AT_FORK: std::sync::Once = std::sync::Once::new();
        // SAFETY: registers a handler that only stores to an atomic.
        AT_FORK.call_once(|| unsafe {
            libc::pthread_atfork(None, None, Some(one_thread_after_fork));
        });
        let (tid_tx, tid_rx) = std::sync::mpsc::sync_channel(1);
        let threads = self.clone();
        let live = LIVE.fetch_add(1, Ordering::SeqCst);
        if self.max_threads.is_some_and(|max| live >= max as usize) {
            LIVE.fetch_sub(1, Ordering::SeqCst);
            return -1;
        }
        // The host thread inherits the signal mask; Lamina's part too.
        let signals = lamina_wali::signals::inheritance();
        let spawned = std::thread::Builder::new().name("guest".into()).stack_size(self.stack_size).spawn(move || {
            lamina_wali::signals::inherit(signals);
            threads.run_thread(start, arg, tid_tx)
        });
        match spawned.ok().and_then(|_| tid_rx.recv().ok()) {
            Some(tid) => tid,
            None => {
                LIVE.fetch_sub(1, Ordering::SeqCst);
                -1
            }
        }
    }

    fn run_thread(&self, start: u32, arg: u32, tid_tx: std::sync::mpsc::SyncSender<i32>) {
        let tid = rustix::thread::gettid().as_raw_nonzero().get();
        let mut store = Store::new(self.pre.module().engine(), Host::new(self.process.clone(), self.memory.clone()));
        let flags = SafePointFlags::new();
        let entry = match self.entry(&mut store, &flags, start) {
            Ok(entry) => entry,
            Err(e) => {
                self.process.warn_once("thread-start", || format!("cannot start a guest thread: {e:#}"));
                // Dropping the sender tells the spawner it failed.
                return;
            }
        };
        let _ = tid_tx.send(tid);
        drop(tid_tx);
        match entry.call(&mut store, (tid, arg as i32)).map_err(|e| outcome::after_trap(&mut store, e)) {
            Ok(()) => self.thread_exited(store.data(), 0),
            Err(e) => match e.downcast_ref::<Exit>() {
                Some(Exit::Thread(status)) => self.thread_exited(store.data(), *status),
                _ => self.end_process(outcome_of(e).unwrap_or_else(|e| {
                    let _ = writeln!(std::io::stderr(), "lamina: error: {e:#}");
                    Outcome::Exited(1)
                })),
            },
        }
    }

    /// The thread's entry function: `table[start]` of its own instance.
    fn entry(&self, store: &mut Store<Host>, flags: &SafePointFlags, start: u32) -> Result<TypedFunc<(i32, i32), ()>> {
        let instance = self.pre.instantiate(&mut *store)?;
        Host::bind(store, &instance);
        delivery::arm_safe_points(flags, store, &instance);
        let table = instance
            .get_table(&mut *store, TABLE_EXPORT)
            .ok_or_else(|| format_err!("the module has no function table for thread entry points"))?;
        let func = table
            .get(&mut *store, u64::from(start))
            .and_then(|r| r.as_func().flatten().copied())
            .ok_or_else(|| format_err!("thread entry {start} is not a function of table 0"))?;
        func.typed::<(i32, i32), ()>(&*store)
    }

    /// A thread ended on its own: release its tid word; the last one out
    /// ends the process with its status, as the kernel does.
    fn thread_exited(&self, host: &Host, status: i32) {
        lamina_wali::signals::thread_ending();
        release_tid_word(host);
        if LIVE.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.end_process(Outcome::Exited(status));
        }
    }

    /// The main thread called `SYS_exit` while others run: as natively, the
    /// process lives on until the last thread is gone (which then exits it).
    pub fn main_thread_exited(&self, host: &Host, status: i32) -> ! {
        self.thread_exited(host, status);
        loop {
            std::thread::park();
        }
    }

    fn end_process(&self, outcome: Outcome) -> ! {
        self.process.finish(ending(&outcome));
        terminate(outcome)
    }
}

/// Clears the thread's `set_tid_address` word and wakes its waiters, which
/// the kernel does on thread exit (musl's `pthread_join` waits on it). As in
/// the kernel, a word that cannot be written (a protected page, past the end
/// of a mapped file) is left alone and nobody is woken.
fn release_tid_word(host: &Host) {
    let addr = host.thread.clear_child_tid.load(Ordering::SeqCst);
    if addr == 0 || host.memory.store_u32(addr, 0).is_err() {
        return;
    }
    // The kernel clears an unaligned word too, but cannot wake on it.
    if let (true, Ok(word)) = (addr.is_multiple_of(4), host.memory.host_ptr(addr, 4)) {
        // SAFETY: FUTEX_WAKE on a checked guest address; the kernel reads
        // nothing through it.
        unsafe { libc::syscall(libc::SYS_futex, word, libc::FUTEX_WAKE, i32::MAX) };
    }
}
