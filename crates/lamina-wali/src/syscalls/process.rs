//! Processes and threads: exit, ids, kill, wait.
//!
//! `execve`, `futex` and threads belong to the processes, threads and signals
//! milestone; until then they fail with `ENOSYS` and a warning.

use super::buf;
use crate::abi;
use crate::ctx::{Ctx, Exit};
use crate::errno::{SysError, SysResult};
use crate::host::syscall;
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(exit => exit, [status: Int]),
    syscall!(exit_group => exit, [status: Int]),
    syscall!(getpid => getpid, []),
    syscall!(gettid => gettid, []),
    syscall!(kill => kill, [pid: Int, sig: Int]),
    syscall!(tkill => tkill, [tid: Int, sig: Int]),
    syscall!(wait4 => wait4, [pid: Int, wstatus: Ptr, options: Hex, rusage: Ptr]),
    syscall!(set_tid_address => set_tid_address, [tidptr: Ptr]),
    syscall!(fork => fork, []),
    syscall!(execve => pending, [pathname: Str, argv: Ptr, envp: Ptr]),
    syscall!(futex => pending, [uaddr: Ptr, futex_op: Int, val: Int, timeout: Ptr, uaddr2: Ptr, val3: Int]),
];

/// `exit` and `exit_group`: with one guest thread both end the process.
fn exit(_: &Ctx<'_>, a: &Args) -> SysResult {
    Err(SysError::Exit(Exit { status: a.int(0) }))
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
    ctx.process.set_clear_child_tid(a.ptr(0));
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

fn pending(_: &Ctx<'_>, _: &Args) -> SysResult {
    Err(SysError::NotImplemented)
}
