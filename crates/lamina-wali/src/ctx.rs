//! What a handler can see: the calling guest's memory and its process state.

use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::io::Write as _;
use std::os::fd::OwnedFd;
use std::sync::Mutex;

use lamina_memory::GuestMemory;

use crate::errno::{Errno, SysResult};
use crate::policy::Policy;
use crate::strace::{Ending, Tracer};
use crate::{host, signal_state};

/// How a process is set up, decided by the embedder before the guest starts.
#[derive(Default)]
pub struct ProcessConfig {
    /// The guest's argv; `argv[0]` is the module path as given.
    pub argv: Vec<CString>,
    /// The environment file handed to the guest by `__get_init_envfile`: the
    /// path the guest opens and the descriptor that keeps it alive until then.
    pub env_file: Option<(CString, OwnedFd)>,
    /// Where `--strace` goes, if enabled.
    pub strace: Option<Tracer>,
    /// The sandbox policy, if the guest runs under one: what the syscall
    /// layer checks itself (the runtime has the kernel enforce the rest).
    pub policy: Option<Policy>,
}

/// Starts a guest thread: `(table index, argument) -> tid or -1`.
pub type Spawner = dyn Fn(u32, u32) -> i32 + Send + Sync;

/// What `execve` hands the runtime once the arguments were read and checked
/// as the kernel checks them.
pub struct ExecRequest<'a> {
    /// The path as the guest gave it.
    pub path: &'a CStr,
    /// The directory a relative `path` starts from, or with `AT_EMPTY_PATH`
    /// and an empty path the file itself (`execveat`); `AT_FDCWD` for
    /// `execve` and absolute paths. Checked: never -1.
    pub dirfd: i32,
    /// `execveat`'s `AT_EMPTY_PATH` and `AT_SYMLINK_NOFOLLOW` (0 for `execve`).
    pub flags: i32,
    pub argv: &'a [CString],
    pub envp: &'a [CString],
    /// Called right before the process image is replaced, once everything
    /// that can fail with an errno has passed: a successful exec never
    /// returns, so strace prints the call's success here.
    pub replacing: &'a dyn Fn(),
}

/// Replaces the process image as `execve` does; returns only on failure, with
/// the errno the guest gets.
pub type Executor = dyn Fn(&ExecRequest<'_>) -> Errno + Send + Sync;

/// State of one guest thread.
#[derive(Default)]
pub struct ThreadState {
    /// The word `set_tid_address` named (guest address, 0 = none): cleared
    /// and woken by the runtime when the thread ends, as the kernel does.
    pub clear_child_tid: std::sync::atomic::AtomicU32,
}

/// Process-wide state shared by every guest thread.
pub struct Process {
    pub argv: Vec<CString>,
    pub env_path: Option<CString>,
    /// Our descriptor of the environment file, closed once the guest opened it
    /// so the guest's descriptor table is its own again.
    env_fd: Mutex<Option<OwnedFd>>,
    pub strace: Option<Tracer>,
    pub policy: Option<Policy>,
    warned: Mutex<HashSet<String>>,
    /// Starts a guest thread: `(table index, argument) -> tid or -1`.
    /// Installed by the runtime, which owns the engine and the module.
    spawner: std::sync::OnceLock<Box<Spawner>>,
    /// Runs `execve`'s target; installed by the runtime, which knows the
    /// engine, the options of the run and how to start itself again.
    executor: std::sync::OnceLock<Box<Executor>>,
    /// Set for good once a second thread has been asked for: from then on
    /// `SYS_exit` ends only the calling thread (the last one out still ends
    /// the process with its status).
    multithreaded: std::sync::atomic::AtomicBool,
    /// The host process this state was made in: a forked child, which has
    /// a copy of it, has another pid. (Compared at exit rather than marked
    /// by the child: a page written in a forked child is a copy-on-write
    /// fault, and a process exits once.)
    pid: u32,
    init_calls: std::sync::atomic::AtomicU32,
    deinit_calls: std::sync::atomic::AtomicU32,
}

impl Process {
    pub fn new(config: ProcessConfig) -> Self {
        let (env_path, env_fd) = match config.env_file {
            Some((path, fd)) => (Some(path), Some(fd)),
            None => (None, None),
        };
        Process {
            argv: config.argv,
            env_path,
            env_fd: Mutex::new(env_fd),
            strace: config.strace,
            policy: config.policy,
            warned: Mutex::new(HashSet::new()),
            spawner: Default::default(),
            executor: Default::default(),
            multithreaded: Default::default(),
            pid: std::process::id(),
            init_calls: Default::default(),
            deinit_calls: Default::default(),
        }
    }

    /// Prints `message` on stderr the first time `key` is seen.
    pub fn warn_once(&self, key: &str, message: impl FnOnce() -> String) {
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.insert(key.to_string()) {
            // Never `eprintln!`: it panics when stderr fails, and the guest owns
            // descriptor 2 (a closed pipe, a file past RLIMIT_FSIZE: found by
            // tools/fuzz). A warning that cannot be written is dropped.
            let _ = writeln!(std::io::stderr(), "lamina: warning: {}", message());
        }
    }

    /// Called after the guest successfully opened `path`: if it is the
    /// environment file, the runtime's own descriptor is no longer needed.
    pub fn note_opened(&self, path: &std::ffi::CStr) {
        if self.env_path.as_deref() == Some(path) {
            self.env_fd.lock().unwrap_or_else(|e| e.into_inner()).take();
        }
    }

    /// Installs the thread spawner (once, by the runtime).
    pub fn set_spawner(&self, spawner: Box<Spawner>) {
        let _ = self.spawner.set(spawner);
    }

    /// Starts a guest thread running `table[start](tid, arg)`; returns its
    /// host thread id, or -1.
    pub fn spawn_thread(&self, start: u32, arg: u32) -> i32 {
        let Some(spawn) = self.spawner.get() else { return -1 };
        // Before the thread starts: it may call `SYS_exit` at once.
        self.multithreaded.store(true, std::sync::atomic::Ordering::SeqCst);
        spawn(start, arg)
    }

    /// Installs the executor of `execve` (once, by the runtime).
    pub fn set_executor(&self, executor: Box<Executor>) {
        let _ = self.executor.set(executor);
    }

    /// Replaces the process image; returns only on failure. Without a runtime
    /// to start the new image (unit tests) there is nothing to run it with.
    pub fn exec(&self, request: &ExecRequest<'_>) -> Errno {
        self.executor.get().map_or(Errno::ENOSYS, |exec| exec(request))
    }

    /// Whether a second thread was ever started.
    pub fn is_multithreaded(&self) -> bool {
        self.multithreaded.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether this process is the child of a guest's `fork` (one system
    /// call): nothing above the guest's call stack but the copy of its
    /// parent's runtime, which only ends the OS process once the guest is
    /// done.
    pub fn is_forked_child(&self) -> bool {
        std::process::id() != self.pid
    }

    /// Counts a call to `__init` (first = 1).
    pub fn count_init(&self) -> u32 {
        self.init_calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// Counts a call to `__deinit` (first = 1).
    pub fn count_deinit(&self) -> u32 {
        self.deinit_calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// Ends the strace summary, if any: called once when the process ends.
    pub fn finish(&self, end: Ending) {
        if let Some(t) = &self.strace {
            t.finish(end);
        }
    }
}

/// The context of one call: the calling thread's view of memory, its own
/// state and its process.
pub struct Ctx<'a> {
    pub mem: &'a GuestMemory,
    pub process: &'a Process,
    pub thread: &'a ThreadState,
    /// The call's table entry says it may sleep (see [`Ctx::syscall`]).
    pub(crate) blocking: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(mem: &'a GuestMemory, process: &'a Process, thread: &'a ThreadState) -> Self {
        Ctx { mem, process, thread, blocking: false }
    }

    /// Issues the host syscall that carries out the guest's call. If the
    /// call's entry says it may sleep, it does not start while a delivery for
    /// a guest handler waits (it gives up with `NOT_STARTED`, and the runtime
    /// runs the handler and issues the call again). A handler's other host
    /// calls (clean-up, queries) use `host::syscall`.
    pub fn syscall(&self, nr: libc::c_long, args: &[i64]) -> SysResult {
        if self.blocking {
            host::blocking_syscall(nr, args, signal_state::waiting_word())
        } else {
            host::syscall(nr, args)
        }
    }
}
