//! Signals: dispositions with table-index handlers, masks, waits, alternate
//! stacks and timers.
//!
//! The machinery behind them (the process's dispositions, each thread's mask
//! and deliveries, the host handler) is [`crate::signals`]; handlers run at
//! the runtime's safe points. Each call checks its arguments in the kernel's
//! order, so a native program and a guest get the same errno: the set size
//! first (`EINVAL` for anything but 8, whatever the guest's libc thinks a
//! `sigset_t` is), then the structures read (`EFAULT`), then the values, and
//! structures written back last, after the change (a bad `oldact` fails with
//! `EFAULT` having changed the action, as natively).

use super::buf;
use crate::abi;
use crate::ctx::Ctx;
use crate::errno::{Errno, SysError, SysResult};
use crate::host::{self, syscall};
use crate::signals::{self, AltStack, K_SIGACTION_SIZE, NSIG};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(rt_sigaction => rt_sigaction, [
        signum: Signal, act: Struct("k_sigaction"), oldact: Struct("k_sigaction"), sigsetsize: UInt,
    ]),
    syscall!(rt_sigprocmask => rt_sigprocmask, [how: Int, set: Ptr, oldset: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigpending => rt_sigpending, [set: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigsuspend => rt_sigsuspend, [mask: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigreturn => rt_sigreturn, [unused: Long]),
    syscall!(sigaltstack => sigaltstack, [ss: Struct("stack_t"), old_ss: Struct("stack_t")]),
    syscall!(setitimer => setitimer, [which: Int, new_value: Struct("itimerval"), old_value: Struct("itimerval")]),
];

/// The kernel's set size check, first in every call that takes one.
fn check_sigset_size(size: u32) -> Result<(), Errno> {
    if size as usize == abi::KERNEL_SIGSET_SIZE { Ok(()) } else { Err(Errno::EINVAL) }
}

/// A guest signal set (NULL: none).
fn read_sigset(ctx: &Ctx<'_>, addr: u32) -> Result<Option<u64>, SysError> {
    if addr == 0 { Ok(None) } else { Ok(Some(ctx.mem.read::<u64>(addr)?)) }
}

/// Writes a signal set if the guest asked for it.
fn write_sigset(ctx: &Ctx<'_>, addr: u32, set: u64) -> Result<(), SysError> {
    if addr != 0 {
        ctx.mem.write::<u64>(addr, set)?;
    }
    Ok(())
}

/// `rt_sigaction(signum, act, oldact, sigsetsize)` with the guest's packed
/// 24-byte `k_sigaction`. A table-index handler becomes Lamina's own host
/// handler, which hands the signal to the guest at the next safe point;
/// `SIG_DFL` and `SIG_IGN` are installed on the host as they are, so the
/// kernel carries out default actions exactly as for a native program.
/// `SIGKILL` and `SIGSTOP` cannot be changed (`EINVAL`); the runtime's own
/// signals keep their host handlers while the guest's action is recorded.
fn rt_sigaction(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    check_sigset_size(a.uint(3))?;
    let sig = a.int(0);
    let new = match a.ptr(1) {
        0 => None,
        act => Some(signals::decode_action(ctx.mem.read(act)?)),
    };
    if !(1..=NSIG).contains(&sig) || (new.is_some() && matches!(sig, libc::SIGKILL | libc::SIGSTOP)) {
        return Err(Errno::EINVAL.into());
    }
    let old = match new {
        Some(new) => signals::set_action(sig, new)?,
        None => signals::action(sig),
    };
    if a.ptr(2) != 0 {
        ctx.mem.write::<[u8; K_SIGACTION_SIZE]>(a.ptr(2), signals::encode_action(old))?;
    }
    Ok(0)
}

/// `rt_sigprocmask(how, set, oldset, sigsetsize)` on the calling thread.
/// The runtime's fault signals are blocked only in the guest's view (a
/// blocked fault would kill the process outright): `oldset` shows them as the
/// guest set them, and a copy sent while blocked waits until unblocked.
fn rt_sigprocmask(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    check_sigset_size(a.uint(3))?;
    let set = read_sigset(ctx, a.ptr(1))?;
    let old = signals::change_thread_mask(a.int(0), set)?;
    write_sigset(ctx, a.ptr(2), old)?;
    Ok(0)
}

/// `rt_sigpending(set, sigsetsize)`: the kernel's pending set, plus
/// fault signals sent while the guest blocked them.
fn rt_sigpending(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    // The kernel accepts any size up to its own here.
    if a.uint(1) as usize > abi::KERNEL_SIGSET_SIZE {
        return Err(Errno::EINVAL.into());
    }
    let mut set = 0u64;
    syscall(libc::SYS_rt_sigpending, &[host::ptr(&raw mut set), abi::KERNEL_SIGSET_SIZE as i64])?;
    let set = (set | signals::pending_reserved()).to_le_bytes();
    ctx.mem.write_bytes(a.ptr(0), &set[..a.uint(1) as usize])?;
    Ok(0)
}

/// `rt_sigsuspend(mask, sigsetsize)`: the host's, which swaps the mask and
/// waits atomically. The handler of the signal that ends the wait runs with
/// the temporary mask in place, before the call returns `EINTR`, as natively.
fn rt_sigsuspend(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    check_sigset_size(a.uint(1))?;
    let mask = ctx.mem.read::<u64>(a.ptr(0))?;
    signals::with_wait_mask(mask, || {
        syscall(libc::SYS_rt_sigsuspend, &[host::ptr(&raw const mask), abi::KERNEL_SIGSET_SIZE as i64])
    })
}

/// musl never calls `rt_sigreturn` (wasm handlers return like functions, and
/// Lamina restores what the kernel's would); a direct call has no signal
/// frame to return from.
fn rt_sigreturn(ctx: &Ctx<'_>, _: &Args) -> SysResult {
    ctx.process.warn_once("SYS_rt_sigreturn", || {
        "rt_sigreturn called directly: wasm signal handlers return normally and there is no signal frame to \
         return from; the guest gets ENOSYS"
            .into()
    });
    Err(Errno::ENOSYS.into())
}

/// Size of the guest's `stack_t` (`{ss_sp u32, ss_flags i32, ss_size u32}`).
pub const STACK_T_SIZE: usize = 12;
/// Size of `struct itimerval`, the same for guest and host.
const ITIMERVAL_SIZE: usize = 32;

fn decode_stack(bytes: [u8; STACK_T_SIZE]) -> AltStack {
    let word = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().expect("4 bytes"));
    AltStack { sp: word(0), flags: word(4) as i32, size: word(8) }
}

fn encode_stack(s: AltStack) -> [u8; STACK_T_SIZE] {
    let mut out = [0u8; STACK_T_SIZE];
    out[0..4].copy_from_slice(&s.sp.to_le_bytes());
    out[4..8].copy_from_slice(&s.flags.to_le_bytes());
    out[8..12].copy_from_slice(&s.size.to_le_bytes());
    out
}

/// `sigaltstack(ss, old_ss)`: emulated per thread. Guest handlers run on the
/// guest's own stack in linear memory, so the host's alternate stack (the
/// runtime's) is left alone; an `SA_ONSTACK` handler gets the guest's
/// alternate stack by the runtime switching the guest's stack pointer to it.
fn sigaltstack(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let new = match a.ptr(0) {
        0 => None,
        ss => Some(decode_stack(ctx.mem.read(ss)?)),
    };
    let old = signals::report_alt_stack();
    if let Some(new) = new {
        signals::set_alt_stack(new)?;
    }
    if a.ptr(1) != 0 {
        ctx.mem.write::<[u8; STACK_T_SIZE]>(a.ptr(1), encode_stack(old))?;
    }
    Ok(0)
}

/// `setitimer(which, new_value, old_value)`: the host's (`struct itimerval`
/// is identical). The kernel arms the timer before it stores the old value,
/// so an unwritable `old_value` still arms it and then fails with `EFAULT`.
fn setitimer(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let new = buf(ctx, a.ptr(1), ITIMERVAL_SIZE)?;
    let old = buf(ctx, a.ptr(2), ITIMERVAL_SIZE);
    let ret = syscall(libc::SYS_setitimer, &[a.int_arg(0), new, *old.as_ref().unwrap_or(&0)])?;
    old.map(|_| ret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_t_round_trips_in_the_guest_layout() {
        let s = AltStack { sp: 0x1000, flags: signals::SS_AUTODISARM | signals::SS_ONSTACK, size: 8192 };
        let bytes = encode_stack(s);
        assert_eq!(&bytes[0..4], &0x1000u32.to_le_bytes());
        assert_eq!(&bytes[4..8], &0x8000_0001u32.to_le_bytes());
        assert_eq!(&bytes[8..12], &8192u32.to_le_bytes());
        assert_eq!(decode_stack(bytes), s);
    }

    #[test]
    fn set_sizes_other_than_the_kernels_are_einval() {
        assert_eq!(check_sigset_size(8), Ok(()));
        assert_eq!(check_sigset_size(128), Err(Errno::EINVAL));
        assert_eq!(check_sigset_size(0), Err(Errno::EINVAL));
    }
}
