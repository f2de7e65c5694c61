//! Processes and threads: exit, ids, kill, wait, fork and execve.
//!
//! Threads themselves are started by the auxiliary `__wasm_thread_spawn`, and
//! `__clone` forks (see `aux.rs` and the runtime). `execve` reads and checks
//! its arguments here, in the kernel's order and within the kernel's limits;
//! what the path names, and how it is started, is the runtime's business
//! (`Process::exec`).

use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use lamina_memory::{GuestMemory, GuestPtr, MemoryError};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::process::{Resource, getrlimit};

use crate::abi::{Rusage, Siginfo, Timespec};
use crate::ctx::{Ctx, ExecRequest};
use crate::entry::Blocking::{Restartable, RestartableIf};
use crate::entry::SyscallDef;
use crate::errno::{Errno, Exit, SysError, SysResult};
use crate::host;
use crate::kinds::{Args, AtFlags, DirFd, Fd, GuestPath, Hex, Int, Path, Pid, Ptr, Signal, Struct, UInt};
use crate::strace::Call;
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(exit => exit, [status: Int]),
    syscall!(exit_group => exit_group, [status: Int]),
    syscall!(getpid => getpid, []),
    syscall!(gettid => gettid, []),
    syscall!(kill => kill, [pid: Pid, sig: Signal]),
    syscall!(tkill => tkill, [tid: Pid, sig: Signal]),
    syscall!(tgkill => tgkill, [tgid: Pid, tid: Pid, sig: Signal]),
    syscall!(pidfd_open => pidfd_open, [pid: Pid, flags: Hex]),
    syscall!(pidfd_send_signal => pidfd_send_signal, [pidfd: Fd, sig: Signal, info: Struct<Siginfo>, flags: Hex]),
    syscall!(pidfd_getfd => pidfd_getfd, [pidfd: Fd, targetfd: Int, flags: Hex]),
    syscall!(wait4 => wait4, [pid: Pid, wstatus: Struct<i32>, options: Hex, rusage: Struct<Rusage>], Restartable),
    syscall!(waitid => waitid, [
        idtype: Int, id: Pid, infop: Struct<Siginfo>, options: Hex, rusage: Struct<Rusage>,
    ], Restartable),
    syscall!(set_tid_address => set_tid_address, [tidptr: Ptr]),
    syscall!(fork => fork, []),
    // A copy is a valid `vfork`: the parent waits for nothing it would not
    // wait for after a fork, and the child may do more than `vfork` allows.
    syscall!(vfork => fork, []),
    syscall!(execve => execve, [pathname: Path, argv: Ptr, envp: Ptr]),
    syscall!(execveat => execveat, [dirfd: DirFd, pathname: Path, argv: Ptr, envp: Ptr, flags: AtFlags]),
    syscall!(futex => futex, [
        uaddr: Ptr, futex_op: Hex, val: Int, timeout: Ptr, uaddr2: Ptr, val3: Int,
    ], RestartableIf(futex_restarts)),
    syscall!(futex_waitv => futex_waitv, [
        waiters: Ptr, nr_futexes: UInt, flags: Hex, timeout: Struct<Timespec>, clockid: Int,
    ], Restartable),
];

/// FUTEX_WAIT and FUTEX_WAIT_BITSET without a timeout (with one, the
/// kernel's restart block gives EINTR once a handler ran).
fn futex_restarts(a: &Args) -> bool {
    matches!(a.int(1) & 0x7f, 0 | 9) && a.ptr(3) == 0
}

/// `exit` ends the calling thread; with a single thread that is the
/// process, which is also how the reference engine treats it.
fn exit(ctx: &Ctx<'_>, status: i32) -> SysResult {
    if ctx.process.is_multithreaded() { Err(SysError::Exit(Exit::Thread(status))) } else { exit_group(ctx, status) }
}

fn exit_group(_: &Ctx<'_>, status: i32) -> SysResult {
    Err(SysError::Exit(Exit::Process(status)))
}

fn getpid(ctx: &Ctx<'_>) -> SysResult {
    ctx.syscall(libc::SYS_getpid, &[])
}

fn gettid(ctx: &Ctx<'_>) -> SysResult {
    ctx.syscall(libc::SYS_gettid, &[])
}

fn kill(ctx: &Ctx<'_>, pid: i32, sig: i32) -> SysResult {
    ctx.syscall(libc::SYS_kill, &[pid.into(), sig.into()])
}

fn tkill(ctx: &Ctx<'_>, tid: i32, sig: i32) -> SysResult {
    ctx.syscall(libc::SYS_tkill, &[tid.into(), sig.into()])
}

fn tgkill(ctx: &Ctx<'_>, tgid: i32, tid: i32, sig: i32) -> SysResult {
    ctx.syscall(libc::SYS_tgkill, &[tgid.into(), tid.into(), sig.into()])
}

/// A descriptor for a process (`PIDFD_NONBLOCK` and `PIDFD_THREAD` as the
/// kernel knows them).
fn pidfd_open(ctx: &Ctx<'_>, pid: i32, flags: u32) -> SysResult {
    ctx.syscall(libc::SYS_pidfd_open, &[pid.into(), (flags as i32).into()])
}

/// `info` (NULL for what `kill` would send) has the guest's 128-byte
/// `siginfo_t`, the kernel's layout.
fn pidfd_send_signal(ctx: &Ctx<'_>, pidfd: Fd, sig: i32, info: GuestPtr<Siginfo>, flags: u32) -> SysResult {
    let info = info.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_pidfd_send_signal, &[pidfd.arg(), sig.into(), info, (flags as i32).into()])
}

/// Copies a descriptor out of another process (the kernel wants ptrace
/// rights over it). A sandboxed guest may not: its policy decides which
/// files and sockets it reaches, and another process's descriptors are
/// outside it (`EPERM`, the kernel's answer without those rights).
fn pidfd_getfd(ctx: &Ctx<'_>, pidfd: Fd, targetfd: i32, flags: u32) -> SysResult {
    if ctx.process.policy.is_some() {
        return Err(Errno::EPERM.into());
    }
    ctx.syscall(libc::SYS_pidfd_getfd, &[pidfd.arg(), targetfd.into(), (flags as i32).into()])
}

fn wait4(ctx: &Ctx<'_>, pid: i32, wstatus: GuestPtr<i32>, options: u32, rusage: GuestPtr<Rusage>) -> SysResult {
    let status = wstatus.arg(ctx.mem)?;
    let rusage = rusage.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_wait4, &[pid.into(), status, (options as i32).into(), rusage])
}

/// The siginfo the kernel fills in (signal, code, pid, uid, status, times)
/// has the same layout in the guest, whose `siginfo_t` is 128 bytes too.
fn waitid(
    ctx: &Ctx<'_>,
    idtype: i32,
    id: i32,
    infop: GuestPtr<Siginfo>,
    options: u32,
    rusage: GuestPtr<Rusage>,
) -> SysResult {
    let info = infop.arg(ctx.mem)?;
    let rusage = rusage.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_waitid, &[idtype.into(), id.into(), info, (options as i32).into(), rusage])
}

/// Records the guest word to clear (and wake) when the calling thread ends,
/// and returns the thread id as the kernel does. It is not passed to the
/// kernel: the host thread's own clear-on-exit address belongs to the
/// runtime's thread library, which joins threads through it, and guest memory
/// may be gone by the time the host thread exits. The runtime clears the word
/// itself when a guest thread ends (the main thread's end is the process's).
fn set_tid_address(ctx: &Ctx<'_>, tidptr: u32) -> SysResult {
    GuestPtr::<u32>::new(tidptr).host(ctx.mem)?;
    ctx.thread.clear_child_tid.store(tidptr, std::sync::atomic::Ordering::SeqCst);
    host::syscall(libc::SYS_gettid, &[])
}

/// A native fork of the whole runtime from the calling thread: the child
/// continues in the same wasm call with a copy-on-write copy of linear memory
/// (`MAP_SHARED` mappings stay shared) and sees 0; the parent gets the pid.
/// libc's `fork` (not the raw syscall) runs the C library's fork handlers, so
/// its locks are consistent in the child. The child inherits the signal
/// dispositions and mask; signals the parent received but has not handled
/// yet stay the parent's, as the kernel keeps pending signals.
pub(crate) fn fork(ctx: &Ctx<'_>) -> SysResult {
    // The child has only this thread: the runtime's own locks are taken
    // here, so none is inherited held by a thread the child does not have.
    // Only guest threads take them, so while the guest has never had a
    // second thread (`multithreaded` is set before one starts, for good) no
    // other thread can hold them, and they are left alone: releasing them in
    // the child writes their pages, each a copy-on-write fault there (and
    // another in the parent, whose pages the child shares until it exits).
    let threads = ctx.process.is_multithreaded();
    let _actions = threads.then(crate::signal_state::hold_actions_for_fork);
    let _map = threads.then(|| ctx.mem.shared_map().hold_for_fork());
    // SAFETY: the child runs only the calling thread, which continues the
    // guest and releases the locks above (if held) as the parent does.
    match unsafe { libc::fork() } {
        -1 => Err(Errno::last().into()),
        0 => {
            crate::signal_state::forget_deliveries();
            Ok(0)
        }
        pid => Ok(pid as i64),
    }
}

/// What `futex`'s fourth argument is, per operation.
enum FutexArg4 {
    /// A `struct timespec *` timeout (relative for WAIT, absolute for the
    /// BITSET and PI forms; the kernel interprets it).
    Timeout,
    /// An integer (`val2`: requeue count, or the WAKE_OP second count).
    Value,
    /// Unused.
    None,
}

/// `futex` on guest words: the kernel works on the checked host addresses,
/// so waiters and wakers in any guest thread (or a process sharing the
/// memory) meet as natively. Each operation's arguments are decoded so that
/// only real pointers are translated: `FUTEX_REQUEUE`'s fourth argument is a
/// count, not a timeout pointer.
fn futex(ctx: &Ctx<'_>, uaddr: u32, futex_op: u32, val: i32, timeout: u32, uaddr2: u32, val3: i32) -> SysResult {
    const CMD_MASK: i32 = !(libc::FUTEX_PRIVATE_FLAG | libc::FUTEX_CLOCK_REALTIME);
    let op = futex_op as i32;
    let (arg4, uses_uaddr2) = match op & CMD_MASK {
        libc::FUTEX_WAIT | libc::FUTEX_WAIT_BITSET | libc::FUTEX_LOCK_PI | FUTEX_LOCK_PI2 => {
            (FutexArg4::Timeout, false)
        }
        libc::FUTEX_WAIT_REQUEUE_PI => (FutexArg4::Timeout, true),
        libc::FUTEX_WAKE | libc::FUTEX_WAKE_BITSET | libc::FUTEX_UNLOCK_PI | libc::FUTEX_TRYLOCK_PI => {
            (FutexArg4::None, false)
        }
        libc::FUTEX_REQUEUE | libc::FUTEX_CMP_REQUEUE | libc::FUTEX_WAKE_OP | libc::FUTEX_CMP_REQUEUE_PI => {
            (FutexArg4::Value, true)
        }
        // The kernel's answer to an operation it does not know (FUTEX_FD is gone).
        _ => return Err(Errno::ENOSYS.into()),
    };
    let uaddr = GuestPtr::<u32>::new(uaddr).arg(ctx.mem)?;
    let arg4 = match arg4 {
        FutexArg4::Timeout => GuestPtr::<Timespec>::new(timeout).arg(ctx.mem)?,
        FutexArg4::Value => timeout.into(),
        FutexArg4::None => 0,
    };
    let uaddr2 = if uses_uaddr2 { GuestPtr::<u32>::new(uaddr2).arg(ctx.mem)? } else { 0 };
    ctx.syscall(libc::SYS_futex, &[uaddr, op.into(), val.into(), arg4, uaddr2, val3.into()])
}

/// `struct futex_waitv`: the value expected, the futex's address (a guest
/// address here, a host one for the kernel) and `FUTEX2_*` flags.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct FutexWaitv {
    val: u64,
    uaddr: u64,
    flags: u32,
    reserved: u32,
}

// SAFETY: plain integers without padding, valid for any bytes.
unsafe impl lamina_memory::Pod for FutexWaitv {}

/// Most futexes one `futex_waitv` waits on (`FUTEX_WAITV_MAX`).
const FUTEX_WAITV_MAX: u32 = 128;
/// `FUTEX2_SIZE_U32`, the only size the kernel waits on, and the flags a
/// waiter may carry with it (`FUTEX2_PRIVATE`).
const FUTEX2_SIZE_U32: u32 = 2;
const FUTEX2_SIZE_MASK: u32 = 3;
const FUTEX2_PRIVATE: u32 = 128;

/// Waits on several futexes. The waiters are copied to host memory with
/// their addresses translated (each 32-bit word checked to be guest memory),
/// so the kernel never sees a guest address and the guest cannot change an
/// entry after its check. What the kernel would refuse (a count above 128,
/// flags, a waiter's unknown flags or size) is its `EINVAL` before any
/// address is looked at.
fn futex_waitv(
    ctx: &Ctx<'_>,
    waiters: u32,
    nr_futexes: u32,
    flags: u32,
    timeout: GuestPtr<Timespec>,
    clockid: i32,
) -> SysResult {
    if waiters == 0 || nr_futexes == 0 || nr_futexes > FUTEX_WAITV_MAX || flags != 0 {
        return Err(Errno::EINVAL.into());
    }
    let mut host = GuestPtr::<FutexWaitv>::new(waiters).read_array(ctx.mem, nr_futexes as usize)?;
    for w in &mut host {
        if w.flags & !(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE) != 0 || w.flags & FUTEX2_SIZE_MASK != FUTEX2_SIZE_U32 {
            return Err(Errno::EINVAL.into());
        }
        let addr = u32::try_from(w.uaddr).map_err(|_| Errno::EFAULT)?;
        w.uaddr = GuestPtr::<u32>::new(addr).arg(ctx.mem)? as u64;
    }
    let timeout = timeout.arg(ctx.mem)?;
    let waiters = host::ptr(host.as_ptr());
    ctx.syscall(libc::SYS_futex_waitv, &[waiters, nr_futexes.into(), 0, timeout, clockid.into()])
}

/// `FUTEX_LOCK_PI2` (Linux 5.14), which the libc crate does not name.
const FUTEX_LOCK_PI2: i32 = 13;

/// `execve(path, argv, envp)`, checked in the kernel's order (since Linux 6.8
/// the executable is opened before the arguments are looked at): the path
/// (`EFAULT`, `ENAMETOOLONG`), the executable (`ENOENT`, `EACCES`, …), the
/// two pointer arrays (`EFAULT`), then the strings, environment first, each
/// array from its last entry, within the kernel's size limits (`E2BIG`). The
/// runtime then replaces the process image, or fails with the kernel's
/// errno (`ENOEXEC` for what nothing can run) and the guest carries on.
fn execve(ctx: &Ctx<'_>, pathname: GuestPath, argv: u32, envp: u32) -> SysResult {
    let raw = Args([pathname.addr().into(), argv.into(), envp.into(), 0, 0, 0]);
    exec(ctx, "SYS_execve", raw, At { dirfd: libc::AT_FDCWD, flags: 0 }, pathname, argv, envp)
}

/// `execveat(dirfd, path, argv, envp, flags)`: `execve` of `path` relative
/// to `dirfd`, or of the file `dirfd` itself with `AT_EMPTY_PATH` and an
/// empty path (musl's `fexecve`); `AT_SYMLINK_NOFOLLOW` refuses a final
/// symbolic link (`ELOOP`). Other flags are `EINVAL`, checked once the path
/// was read, as the kernel does. The runtime reads a module from the file
/// before the exec, so one named by a close-on-exec descriptor runs too; a
/// sandbox's rules apply to the file as for `execve` (the runtime opens it
/// under them).
fn execveat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, argv: u32, envp: u32, flags: i32) -> SysResult {
    let raw =
        Args([(dirfd.0 as u32).into(), pathname.addr().into(), argv.into(), envp.into(), (flags as u32).into(), 0]);
    exec(ctx, "SYS_execveat", raw, At { dirfd: dirfd.0, flags }, pathname, argv, envp)
}

/// Where an exec's path starts from: `execveat`'s directory descriptor and
/// flags (`AT_FDCWD` and none for `execve`).
#[derive(Clone, Copy)]
struct At {
    dirfd: i32,
    flags: i32,
}

/// The flags `execveat` accepts.
const EXEC_AT_FLAGS: i32 = libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW;

/// `execve` and `execveat`: `raw` are the call's arguments, for strace's
/// line of an exec that succeeds (`name` is its table entry).
fn exec(ctx: &Ctx<'_>, name: &str, raw: Args, at: At, pathname: GuestPath, argv: u32, envp: u32) -> SysResult {
    let path = pathname.read(ctx.mem)?;
    // An empty path is refused as it is read, before the flags are looked at.
    if path.is_empty() && at.flags & libc::AT_EMPTY_PATH == 0 {
        return Err(Errno::ENOENT.into());
    }
    if at.flags & !EXEC_AT_FLAGS != 0 {
        return Err(Errno::EINVAL.into());
    }
    // An absolute path ignores the directory descriptor, whatever it is.
    let dirfd = if path.to_bytes().starts_with(b"/") { libc::AT_FDCWD } else { at.dirfd };
    check_executable_at(dirfd, &path, at.flags)?;
    let argv_ptrs = pointer_array(ctx.mem, argv)?;
    let envp_ptrs = pointer_array(ctx.mem, envp)?;
    let mut space = ArgSpace::new(argv_ptrs.len(), envp_ptrs.len(), stack_limit())?;
    space.take(path.as_bytes_with_nul().len())?;
    let envp = strings(ctx.mem, &envp_ptrs, &mut space)?;
    let argv = strings(ctx.mem, &argv_ptrs, &mut space)?;
    if argv.is_empty() {
        // The kernel runs the program with argv = [""] (Linux 5.18 and later).
        space.take(1)?;
    }
    let replacing = || {
        if let (Some(tracer), Some(def)) = (&ctx.process.strace, SYSCALLS.iter().find(|d| d.name == name)) {
            let call = Call { name: def.short_name(), params: def.params };
            tracer.record(call, ctx.mem, &raw, 0, false, std::time::Duration::ZERO);
        }
    };
    let request = ExecRequest { path: &path, dirfd, flags: at.flags, argv: &argv, envp: &envp, replacing: &replacing };
    Err(ctx.process.exec(&request).into())
}

/// What the kernel checks first when it opens an executable
/// (`do_open_execat`): the path resolves (`ENOENT`, `ENOTDIR`, `ELOOP`,
/// `EACCES` on a directory that cannot be searched) to a regular file
/// (`EACCES` otherwise) that the caller's effective ids may execute on a mount
/// that allows it (`EACCES`). The runtime applies it to interpreters too.
pub fn check_executable(path: &CStr) -> Result<(), Errno> {
    check_executable_at(libc::AT_FDCWD, path, 0)
}

/// [`check_executable`] of `path` relative to `dirfd` (`EBADF` if it is not
/// open), or of the file `dirfd` itself with `AT_EMPTY_PATH` and an empty
/// path; with `AT_SYMLINK_NOFOLLOW` a final symbolic link is `ELOOP`.
fn check_executable_at(dirfd: i32, path: &CStr, flags: i32) -> Result<(), Errno> {
    let itself = path.is_empty() && flags & libc::AT_EMPTY_PATH != 0;
    let nofollow = if flags & libc::AT_SYMLINK_NOFOLLOW != 0 { OFlags::NOFOLLOW } else { OFlags::empty() };
    // An `O_PATH` descriptor of the file, checked through it: nothing can be
    // swapped in between the checks.
    let opened;
    // -1 is no descriptor (nor can it be borrowed as one).
    if dirfd == -1 {
        return Err(Errno::EBADF);
    }
    let fd = if itself {
        match dirfd {
            // The working directory itself: not a regular file.
            libc::AT_FDCWD => return Err(Errno::EACCES),
            ..0 => return Err(Errno::EBADF),
            _ => {}
        }
        // SAFETY: the guest's descriptor, borrowed for the checks (fstat and
        // faccessat2 answer EBADF if it is not open).
        unsafe { BorrowedFd::borrow_raw(dirfd) }
    } else {
        // SAFETY: as above; `AT_FDCWD` is the working directory.
        let dir = unsafe { BorrowedFd::borrow_raw(dirfd) };
        opened = rustix::fs::openat(dir, path, OFlags::PATH | OFlags::CLOEXEC | nofollow, Mode::empty())?;
        opened.as_fd()
    };
    match FileType::from_raw_mode(rustix::fs::fstat(fd)?.st_mode) {
        FileType::RegularFile => {}
        // What `O_NOFOLLOW | O_PATH` opens instead of following.
        FileType::Symlink if !itself => return Err(Errno::ELOOP),
        _ => return Err(Errno::EACCES),
    }
    // rustix's `accessat` refuses `AT_EMPTY_PATH`: this call is made by hand.
    let flags = libc::AT_EMPTY_PATH | libc::AT_EACCESS;
    // SAFETY: a valid descriptor and an empty NUL-terminated path.
    if unsafe { libc::syscall(libc::SYS_faccessat2, fd.as_raw_fd(), c"".as_ptr(), libc::X_OK, flags) } < 0 {
        return Err(Errno::last());
    }
    Ok(())
}

/// The kernel's `MAX_ARG_STRLEN`: longest argument or variable, NUL included.
const MAX_ARG_STRLEN: usize = 32 * 4096;
/// The kernel's `ARG_MAX`: the space arguments always get, whatever the
/// stack limit.
const ARG_MAX: usize = 32 * 4096;
/// The kernel's `_STK_LIM`: arguments never get more than three quarters of it.
const STK_LIM: usize = 8 << 20;
/// Most argument space there can be: pointers beyond this many are `E2BIG`
/// whatever else happens, so they are not kept.
const MAX_POINTERS: usize = STK_LIM / 4 * 3 / size_of::<u64>();

/// The room left for `execve`'s strings, as the kernel accounts it
/// (`bprm_stack_limits`, `copy_strings`): a quarter of the stack limit,
/// between `ARG_MAX` and 3/4 of `_STK_LIM`, less the host's pointer arrays.
struct ArgSpace(usize);

impl ArgSpace {
    fn new(argc: usize, envc: usize, stack_limit: u64) -> Result<ArgSpace, Errno> {
        let limit = ((STK_LIM / 4 * 3) as u64).min(stack_limit / 4).max(ARG_MAX as u64) as usize;
        let pointers = (argc.max(1) + envc) * size_of::<u64>();
        if limit <= pointers {
            return Err(Errno::E2BIG);
        }
        Ok(ArgSpace(limit - pointers))
    }

    fn take(&mut self, len: usize) -> Result<(), Errno> {
        self.0 = self.0.checked_sub(len).ok_or(Errno::E2BIG)?;
        Ok(())
    }
}

/// The caller's soft stack limit, which sizes the argument space.
fn stack_limit() -> u64 {
    getrlimit(Resource::Stack).current.unwrap_or(libc::RLIM_INFINITY)
}

/// The entries of a NULL-terminated array of guest pointers (a NULL array is
/// empty), read as the kernel's `count` does: up to the terminator, `EFAULT`
/// if any word of it lies outside memory. Entries past what could ever fit
/// are scanned (a fault among them still counts) but not kept, so a hostile
/// array costs no memory.
fn pointer_array(mem: &GuestMemory, addr: u32) -> Result<Vec<u32>, Errno> {
    const CHUNK: u64 = 1024;
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    let mut at = addr as u64;
    loop {
        // Memory is at most 4 GiB, so a readable word has a 32-bit address.
        let words = ((mem.size() as u64).saturating_sub(at) / 4).min(CHUNK);
        if words == 0 {
            return Err(Errno::EFAULT);
        }
        // Read in chunks; a chunk that runs into an unreadable page is read
        // one word at a time, so only the words up to the terminator count.
        let chunk = match mem.read_array::<u32>(at as u32, words as usize) {
            Ok(chunk) => chunk,
            Err(_) => vec![mem.read::<u32>(at as u32).map_err(|_| Errno::EFAULT)?],
        };
        at += 4 * chunk.len() as u64;
        for p in chunk {
            if p == 0 {
                return Ok(out);
            }
            // One entry past the most that fit is enough to answer E2BIG.
            if out.len() <= MAX_POINTERS {
                out.push(p);
            }
        }
    }
}

/// Copies the strings an array points to, last first as the kernel does,
/// each at most `MAX_ARG_STRLEN` bytes (`E2BIG`; `EFAULT` if it runs off
/// memory), all within `space`.
fn strings(mem: &GuestMemory, ptrs: &[u32], space: &mut ArgSpace) -> Result<Vec<CString>, Errno> {
    let mut out = Vec::with_capacity(ptrs.len());
    for &p in ptrs.iter().rev() {
        let s = mem.read_cstr(p, MAX_ARG_STRLEN).map_err(|e| match e {
            MemoryError::Fault => Errno::EFAULT,
            MemoryError::TooLong => Errno::E2BIG,
        })?;
        space.take(s.as_bytes_with_nul().len())?;
        out.push(s);
    }
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_memory::TestMemory;

    #[test]
    fn argument_space_follows_the_stack_limit_within_the_kernels_bounds() {
        // A quarter of an 8 MiB stack, less 8 bytes per pointer.
        assert_eq!(ArgSpace::new(1, 0, 8 << 20).unwrap().0, (2 << 20) - 8);
        // Never more than 3/4 of _STK_LIM, never less than ARG_MAX.
        assert_eq!(ArgSpace::new(0, 0, u64::MAX).unwrap().0, (6 << 20) - 8);
        assert_eq!(ArgSpace::new(0, 1, 4096).unwrap().0, ARG_MAX - 16);
        assert_eq!(ArgSpace::new(ARG_MAX / 8, 0, 0).map(|s| s.0), Err(Errno::E2BIG));
        let mut space = ArgSpace::new(1, 0, 0).unwrap();
        assert!(space.take(ARG_MAX - 8).is_ok());
        assert_eq!(space.take(1), Err(Errno::E2BIG));
    }

    #[test]
    fn pointer_arrays_end_at_null_and_fault_past_memory() {
        let (_keep, mem) = TestMemory::new(65536);
        assert_eq!(pointer_array(&mem, 0), Ok(vec![]));
        mem.write_bytes(100, &[8, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(pointer_array(&mem, 100), Ok(vec![8, 9]));
        // Unaligned arrays are read as the kernel reads them.
        mem.write_bytes(201, &[7, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(pointer_array(&mem, 201), Ok(vec![7]));
        // No terminator before the end of memory, or a word across it.
        mem.write_bytes(65532, &[1, 0, 0, 0]).unwrap();
        assert_eq!(pointer_array(&mem, 65532), Err(Errno::EFAULT));
        assert_eq!(pointer_array(&mem, 65534), Err(Errno::EFAULT));
        assert_eq!(pointer_array(&mem, u32::MAX), Err(Errno::EFAULT));
    }

    #[test]
    fn long_arrays_keep_only_what_could_fit() {
        let words = MAX_POINTERS + 100;
        let (_keep, mem) = TestMemory::new(words * 4 + 8);
        mem.write_bytes(4, &vec![1u8; words * 4]).unwrap();
        let ptrs = pointer_array(&mem, 4).unwrap();
        assert_eq!(ptrs.len(), MAX_POINTERS + 1);
        assert_eq!(ArgSpace::new(ptrs.len(), 0, u64::MAX).map(|s| s.0), Err(Errno::E2BIG));
    }

    #[test]
    fn strings_are_copied_within_the_limits() {
        let (_keep, mem) = TestMemory::new(MAX_ARG_STRLEN + 4096);
        mem.write_bytes(0, b"one\0two\0").unwrap();
        let mut space = ArgSpace(100);
        let got = strings(&mem, &[0, 4], &mut space).unwrap();
        assert_eq!(got, [c"one".to_owned(), c"two".to_owned()]);
        assert_eq!(space.0, 92);
        assert_eq!(strings(&mem, &[0, 4], &mut ArgSpace(7)), Err(Errno::E2BIG));
        // MAX_ARG_STRLEN bytes without a NUL is too long; one fewer fits.
        mem.write_bytes(100, &vec![b'x'; MAX_ARG_STRLEN]).unwrap();
        assert_eq!(strings(&mem, &[100], &mut ArgSpace(usize::MAX)), Err(Errno::E2BIG));
        mem.write_bytes(100 + MAX_ARG_STRLEN as u32 - 1, b"\0").unwrap();
        assert!(strings(&mem, &[100], &mut ArgSpace(usize::MAX)).is_ok());
        // A string running off the end of memory, or outside it.
        let end = (MAX_ARG_STRLEN + 4096) as u32;
        mem.write_bytes(end - 2, b"ab").unwrap();
        assert_eq!(strings(&mem, &[end - 2], &mut ArgSpace(usize::MAX)), Err(Errno::EFAULT));
        assert_eq!(strings(&mem, &[end], &mut ArgSpace(usize::MAX)), Err(Errno::EFAULT));
    }

    #[test]
    fn executables_are_checked_like_the_kernel_opens_them() {
        assert_eq!(check_executable(c"/bin/sh"), Ok(()));
        assert_eq!(check_executable(c""), Err(Errno::ENOENT));
        assert_eq!(check_executable(c"/nonexistent/x"), Err(Errno::ENOENT));
        assert_eq!(check_executable(c"/"), Err(Errno::EACCES));
        assert_eq!(check_executable(c"/dev/null"), Err(Errno::EACCES));
        assert_eq!(check_executable(c"/bin/sh/x"), Err(Errno::ENOTDIR));
    }
}
