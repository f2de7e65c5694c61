//! Signals: dispositions with table-index handlers, masks, alternate stacks
//! and timers.
//!
//! Delivering a signal to a wasm handler needs safe points in running wasm
//! code; that work belongs to the processes, threads and signals milestone.
//! Until then these calls fail with `ENOSYS` and a warning, and signals keep
//! their default actions (which the kernel carries out, as for a native
//! program).

use crate::ctx::Ctx;
use crate::errno::{SysError, SysResult};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(rt_sigaction => pending, [signum: Int, act: Ptr, oldact: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigprocmask => pending, [how: Int, set: Ptr, oldset: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigpending => pending, [set: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigsuspend => pending, [mask: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigreturn => pending, [unused: Long]),
    syscall!(sigaltstack => pending, [ss: Ptr, old_ss: Ptr]),
    syscall!(setitimer => pending, [which: Int, new_value: Ptr, old_value: Ptr]),
];

fn pending(_: &Ctx<'_>, _: &Args) -> SysResult {
    Err(SysError::NotImplemented)
}
