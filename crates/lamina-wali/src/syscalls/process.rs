//! Processes and threads: exit, ids, kill, wait.
//!
//! `execve` belongs to the processes, threads and signals milestone; until
//! then it fails with `ENOSYS` and a warning. Threads themselves are started
//! by the auxiliary `__wasm_thread_spawn` (see `aux.rs` and the runtime).

use super::buf;
use crate::abi;
use crate::ctx::{Ctx, Exit};
use crate::errno::{Errno, SysError, SysResult};
use crate::host::syscall;
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(exit => exit, [status: Int]),
    syscall!(exit_group => exit_group, [status: Int]),
    syscall!(getpid => getpid, []),
    syscall!(gettid => gettid, []),
    syscall!(kill => kill, [pid: Int, sig: Int]),
    syscall!(tkill => tkill, [tid: Int, sig: Int]),
    syscall!(wait4 => wait4, [pid: Int, wstatus: Ptr, options: Hex, rusage: Ptr]),
    syscall!(set_tid_address => set_tid_address, [tidptr: Ptr]),
    syscall!(fork => fork, []),
    syscall!(execve => pending, [pathname: Str, argv: Ptr, envp: Ptr]),
    syscall!(futex => futex, [uaddr: Ptr, futex_op: Hex, val: Int, timeout: Ptr, uaddr2: Ptr, val3: Int]),
];

/// `exit` ends the calling thread; with a single thread that is the
/// process, which is also how the reference engine treats it.
fn exit(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    if ctx.process.is_multithreaded() { Err(SysError::Exit(Exit::Thread(a.int(0)))) } else { exit_group(ctx, a) }
}

fn exit_group(_: &Ctx<'_>, a: &Args) -> SysResult {
    Err(SysError::Exit(Exit::Process(a.int(0))))
}

fn getpid(_: &Ctx<'_>, _: &Args) -> SysResult {
    syscall(libc::SYS_getpid, &[])
}

fn gettid(_: &Ctx<'_>, _: &Args) -> SysResult {
    syscall(libc::SYS_gettid, &[])
}

fn kill(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_kill, &[a.int_arg(0), a.int_arg(1)])
}

fn tkill(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_tkill, &[a.int_arg(0), a.int_arg(1)])
}

fn wait4(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let status = buf(ctx, a.ptr(1), 4)?;
    let rusage = buf(ctx, a.ptr(3), abi::RUSAGE_KERNEL_SIZE)?;
    syscall(libc::SYS_wait4, &[a.int_arg(0), status, a.int_arg(2), rusage])
}

/// Records the guest word to clear (and wake) when the calling thread ends,
/// and returns the thread id as the kernel does. It is not passed to the
/// kernel: the host thread's own clear-on-exit address belongs to the
/// runtime's thread library, which joins threads through it, and guest memory
/// may be gone by the time the host thread exits. The runtime clears the word
/// itself when a guest thread ends (the main thread's end is the process's).
fn set_tid_address(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    buf(ctx, a.ptr(0), 4)?;
    ctx.thread.clear_child_tid.store(a.ptr(0), std::sync::atomic::Ordering::SeqCst);
    syscall(libc::SYS_gettid, &[])
}

/// A native fork of the whole runtime from the calling thread: the child
/// continues in the same wasm call with a copy-on-write copy of linear memory
/// (`MAP_SHARED` mappings stay shared) and sees 0; the parent gets the pid.
/// libc's `fork` (not the raw syscall) runs the C library's fork handlers, so
/// its locks are consistent in the child.
fn fork(_: &Ctx<'_>, _: &Args) -> SysResult {
    // SAFETY: the child runs only the calling thread, which continues the
    // guest; the runtime holds no locks across this call.
    match unsafe { libc::fork() } {
        -1 => Err(crate::Errno::last().into()),
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
fn futex(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    const CMD_MASK: i32 = !(libc::FUTEX_PRIVATE_FLAG | libc::FUTEX_CLOCK_REALTIME);
    let op = a.int(1);
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
    let uaddr = buf(ctx, a.ptr(0), 4)?;
    let arg4 = match arg4 {
        FutexArg4::Timeout => buf(ctx, a.ptr(3), abi::TIMESPEC_SIZE)?,
        FutexArg4::Value => a.uint(3) as i64,
        FutexArg4::None => 0,
    };
    let uaddr2 = if uses_uaddr2 { buf(ctx, a.ptr(4), 4)? } else { 0 };
    syscall(libc::SYS_futex, &[uaddr, op as i64, a.int_arg(2), arg4, uaddr2, a.int_arg(5)])
}

/// `FUTEX_LOCK_PI2` (Linux 5.14), which the libc crate does not name.
const FUTEX_LOCK_PI2: i32 = 13;

fn pending(_: &Ctx<'_>, _: &Args) -> SysResult {
    Err(SysError::NotImplemented)
}
