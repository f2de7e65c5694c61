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

use std::time::{Duration, Instant};

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
    syscall!(rt_sigtimedwait => rt_sigtimedwait, [
        set: Ptr, info: Struct("siginfo_t"), timeout: Struct("timespec"), sigsetsize: UInt,
    ]),
    syscall!(rt_sigqueueinfo => rt_sigqueueinfo, [pid: Int, sig: Signal, info: Struct("siginfo_t")]),
    syscall!(setitimer => setitimer, [which: Int, new_value: Struct("itimerval"), old_value: Struct("itimerval")]),
    syscall!(timer_create => timer_create, [clockid: Int, sevp: Struct("sigevent"), timerid: Ptr]),
    syscall!(timer_settime => timer_settime, [
        timerid: Int, flags: Hex, new_value: Struct("itimerspec"), old_value: Struct("itimerspec"),
    ]),
    syscall!(timer_gettime => timer_gettime, [timerid: Int, curr_value: Struct("itimerspec")]),
    syscall!(timer_getoverrun => timer_getoverrun, [timerid: Int]),
    syscall!(timer_delete => timer_delete, [timerid: Int]),
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

/// A guest `timespec` as `rt_sigtimedwait` checks it (`EINVAL` when negative
/// or with `tv_nsec` out of range).
fn wait_duration([sec, nsec]: [i64; 2]) -> Result<Duration, Errno> {
    if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(sec as u64, nsec as u32))
}

/// `rt_sigtimedwait(set, info, timeout, sigsetsize)`: takes a signal of `set`
/// that is pending, or waits for one (`EAGAIN` once `timeout` passed, `EINTR`
/// if a handler ran for another). The reserved signals the guest blocked wait
/// in Lamina's pending set and are taken from there first; the rest is the
/// host's call, which takes kernel-pending signals and sleeps. The `siginfo`
/// is written after the signal was taken, so a bad `info` loses it with
/// `EFAULT`, as natively.
fn rt_sigtimedwait(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    check_sigset_size(a.uint(3))?;
    let set = read_user::<u64>(ctx, a.ptr(0))? & !(signals::bit(libc::SIGKILL) | signals::bit(libc::SIGSTOP));
    let timeout = match a.ptr(2) {
        0 => None,
        t => Some(wait_duration(ctx.mem.read::<[i64; 2]>(t)?)?),
    };
    let (sig, info) = wait_for_signal(set, timeout)?;
    if a.ptr(1) != 0 {
        ctx.mem.write_bytes(a.ptr(1), &abi::siginfo_bytes(info))?;
    }
    Ok(sig as i64)
}

/// The wait of [`rt_sigtimedwait`]: the signal taken and its guest
/// `siginfo` (its first 48 bytes; the kernel clears the rest).
fn wait_for_signal(set: u64, timeout: Option<Duration>) -> Result<(i32, [u64; 6]), SysError> {
    let _held = signals::hold_reserved(set);
    // Past the end of time, the wait is as good as endless.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        if let Some(parked) = signals::take_parked(set) {
            return Ok(parked);
        }
        let left = match (timeout, deadline) {
            (Some(_), Some(d)) => Some(d.saturating_duration_since(Instant::now())),
            (t, _) => t,
        };
        let left = left.map(|t| [t.as_secs() as i64, t.subsec_nanos() as i64]);
        let left_arg = left.as_ref().map_or(0, |t| host::ptr(t));
        // SAFETY: siginfo_t is plain data; the kernel fills it in.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let host_args = [host::ptr(&raw const set), host::ptr(&raw mut info), left_arg, abi::KERNEL_SIGSET_SIZE as i64];
        match syscall(libc::SYS_rt_sigtimedwait, &host_args) {
            Ok(sig) => return Ok((sig as i32, signals::guest_info(sig as i32, &info))),
            // Interrupted with no guest handler to run: a reserved signal
            // the guest blocks but does not wait for was parked, or a signal
            // came whose guest disposition just changed. Natively the wait
            // goes on.
            Err(SysError::Errno(Errno(libc::EINTR))) if !signals::has_deliveries() => {}
            Err(e) => return Err(e),
        }
    }
}

/// `rt_sigqueueinfo(pid, sig, info)`: the host's; the guest `siginfo` has the
/// kernel's layout for what the kernel reads of it (`si_code`, pid, uid and
/// the value, whose 4-byte guest `sival_ptr` sits in the low half of the
/// kernel's). The kernel refuses codes a process may not forge (`EPERM`).
fn rt_sigqueueinfo(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let info = buf(ctx, a.ptr(2), abi::SIGINFO_SIZE)?;
    syscall(libc::SYS_rt_sigqueueinfo, &[a.int_arg(0), a.int_arg(1), info])
}

/// A guest object the kernel would copy from user memory: NULL faults.
fn read_user<T: lamina_memory::Pod>(ctx: &Ctx<'_>, addr: u32) -> Result<T, SysError> {
    if addr == 0 {
        return Err(Errno::EFAULT.into());
    }
    Ok(ctx.mem.read(addr)?)
}

/// A guest object the kernel would copy to user memory: NULL faults.
fn write_user<T: lamina_memory::Pod>(ctx: &Ctx<'_>, addr: u32, value: T) -> Result<(), SysError> {
    if addr == 0 {
        return Err(Errno::EFAULT.into());
    }
    Ok(ctx.mem.write(addr, value)?)
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

/// The part of the guest's `struct sigevent` the kernel reads: musl's
/// `struct ksigevent` (`sigev_value` 4 bytes @0, `sigev_signo` @4,
/// `sigev_notify` @8, `sigev_notify_thread_id` @12).
const GUEST_SIGEVENT_SIZE: usize = 16;

/// The x86-64 kernel's `struct sigevent`, whose `sigev_value` is 8 bytes.
#[repr(C)]
struct HostSigevent {
    value: u64,
    signo: i32,
    notify: i32,
    thread_id: i32,
    _rest: [i32; 11],
}

/// A guest `sigevent` for the host: the value (an `int` or a 4-byte pointer)
/// widened, so that the signal brings it back in the guest's `si_value`.
/// Thread ids are the host's, as `gettid` reports them.
fn host_sigevent(bytes: [u8; GUEST_SIGEVENT_SIZE]) -> HostSigevent {
    let word = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().expect("4 bytes"));
    HostSigevent {
        value: word(0) as u64,
        signo: word(4) as i32,
        notify: word(8) as i32,
        thread_id: word(12) as i32,
        _rest: [0; 11],
    }
}

/// `timer_create(clockid, sevp, timerid)`: the host's POSIX timer (its id,
/// an `int`, is the guest's `timer_t`). musl's `SIGEV_THREAD` is its own
/// thread waiting for a `SIGEV_THREAD_ID` signal, so the kernel only ever
/// sees signal notifications. The id is stored last; if it cannot be, the
/// timer is deleted again and the call fails with `EFAULT`, as natively.
fn timer_create(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let event = match a.ptr(1) {
        0 => None,
        e => Some(host_sigevent(read_user(ctx, e)?)),
    };
    let event_arg = event.as_ref().map_or(0, |e| host::ptr(e));
    let mut id = 0i32;
    syscall(libc::SYS_timer_create, &[a.int_arg(0), event_arg, host::ptr(&raw mut id)])?;
    if let Err(e) = write_user(ctx, a.ptr(2), id) {
        let _ = syscall(libc::SYS_timer_delete, &[id as i64]);
        return Err(e);
    }
    Ok(0)
}

/// `timer_settime(timerid, flags, new_value, old_value)`: the host's
/// (`struct itimerspec` is identical). As with `setitimer`, the timer is
/// armed before the old value is stored.
fn timer_settime(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let new = buf(ctx, a.ptr(2), abi::ITIMERSPEC_SIZE)?;
    let old = buf(ctx, a.ptr(3), abi::ITIMERSPEC_SIZE);
    let ret = syscall(libc::SYS_timer_settime, &[a.int_arg(0), a.int_arg(1), new, *old.as_ref().unwrap_or(&0)])?;
    old.map(|_| ret)
}

/// `timer_gettime(timerid, curr_value)`: an unknown timer is `EINVAL` before
/// a bad pointer is `EFAULT`, so the value goes through a host copy.
fn timer_gettime(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let mut value = [0i64; 4];
    syscall(libc::SYS_timer_gettime, &[a.int_arg(0), host::ptr(&raw mut value)])?;
    write_user(ctx, a.ptr(1), value)?;
    Ok(0)
}

fn timer_getoverrun(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_timer_getoverrun, &[a.int_arg(0)])
}

fn timer_delete(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_timer_delete, &[a.int_arg(0)])
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
    fn a_guest_sigevent_widens_its_value_for_the_kernel() {
        let mut guest = [0u8; GUEST_SIGEVENT_SIZE];
        guest[0..4].copy_from_slice(&(-7i32).to_le_bytes());
        guest[4..8].copy_from_slice(&34i32.to_le_bytes());
        guest[8..12].copy_from_slice(&4i32.to_le_bytes());
        guest[12..16].copy_from_slice(&1234i32.to_le_bytes());
        let host = host_sigevent(guest);
        assert_eq!(std::mem::size_of::<HostSigevent>(), 64);
        // The kernel hands the 8-byte value back in si_value, whose low half
        // is the guest's 4-byte sigval.
        assert_eq!(host.value, 0xFFFF_FFF9);
        assert_eq!((host.signo, host.notify, host.thread_id), (34, 4, 1234));
    }

    #[test]
    fn wait_timeouts_are_checked_as_the_kernel_checks_them() {
        assert_eq!(wait_duration([1, 5]), Ok(Duration::new(1, 5)));
        assert_eq!(wait_duration([0, 999_999_999]), Ok(Duration::new(0, 999_999_999)));
        assert_eq!(wait_duration([0, 1_000_000_000]), Err(Errno::EINVAL));
        assert_eq!(wait_duration([0, -1]), Err(Errno::EINVAL));
        assert_eq!(wait_duration([-1, 0]), Err(Errno::EINVAL));
    }

    #[test]
    fn set_sizes_other_than_the_kernels_are_einval() {
        assert_eq!(check_sigset_size(8), Ok(()));
        assert_eq!(check_sigset_size(128), Err(Errno::EINVAL));
        assert_eq!(check_sigset_size(0), Err(Errno::EINVAL));
    }
}
