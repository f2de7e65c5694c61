//! Signals: dispositions with table-index handlers, masks, waits, alternate
//! stacks and timers.
//!
//! The machinery behind them (the process's dispositions, each thread's mask
//! and deliveries, the host handler) is [`crate::signal_state`]; handlers run at
//! the runtime's safe points. Each call checks its arguments in the kernel's
//! order, so a native program and a guest get the same errno: the set size
//! first (`EINVAL` for anything but 8, whatever the guest's libc thinks a
//! `sigset_t` is), then the structures read (`EFAULT`), then the values, and
//! structures written back last, after the change (a bad `oldact` fails with
//! `EFAULT` having changed the action, as natively).

use std::time::{Duration, Instant};

use lamina_memory::{GuestBuf, GuestPtr, Pod};

use super::settime;
use crate::abi::{
    self, GuestSigaction, GuestSigevent, GuestStack, Itimerspec, Itimerval, SIGINFO_SIZE, Siginfo, Sigset, Timespec,
};
use crate::ctx::Ctx;
use crate::entry::Blocking::Interrupted;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{Fd, Hex, Int, Long, Pid, Ptr, Signal, Struct, UInt};
use crate::signal_state::{self, AltStack, NSIG};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(rt_sigaction => rt_sigaction, [
        signum: Signal, act: Struct<GuestSigaction>, oldact: Struct<GuestSigaction>, sigsetsize: UInt,
    ]),
    syscall!(rt_sigprocmask => rt_sigprocmask, [
        how: Int, set: Struct<Sigset>, oldset: Struct<Sigset>, sigsetsize: UInt,
    ]),
    syscall!(rt_sigpending => rt_sigpending, [set: Ptr, sigsetsize: UInt]),
    syscall!(rt_sigsuspend => rt_sigsuspend, [mask: Struct<Sigset>, sigsetsize: UInt], Interrupted),
    syscall!(rt_sigreturn => rt_sigreturn, [unused: Long]),
    syscall!(sigaltstack => sigaltstack, [ss: Struct<GuestStack>, old_ss: Struct<GuestStack>]),
    syscall!(rt_sigtimedwait => rt_sigtimedwait, [
        set: Struct<Sigset>, info: Struct<Siginfo>, timeout: Struct<Timespec>, sigsetsize: UInt,
    ], Interrupted),
    syscall!(rt_sigqueueinfo => rt_sigqueueinfo, [pid: Pid, sig: Signal, info: Struct<Siginfo>]),
    syscall!(rt_tgsigqueueinfo => rt_tgsigqueueinfo, [tgid: Pid, tid: Pid, sig: Signal, info: Struct<Siginfo>]),
    syscall!(signalfd => signalfd, [fd: Fd, mask: Struct<Sigset>, sizemask: UInt]),
    syscall!(signalfd4 => signalfd4, [fd: Fd, mask: Struct<Sigset>, sizemask: UInt, flags: Hex]),
    syscall!(setitimer => setitimer, [which: Int, new_value: Struct<Itimerval>, old_value: Struct<Itimerval>]),
    syscall!(getitimer => getitimer, [which: Int, curr_value: Struct<Itimerval>]),
    syscall!(alarm => alarm, [seconds: UInt]),
    syscall!(pause => pause, [], Interrupted),
    syscall!(timer_create => timer_create, [clockid: Int, sevp: Struct<GuestSigevent>, timerid: Struct<i32>]),
    syscall!(timer_settime => timer_settime, [
        timerid: Int, flags: Hex, new_value: Struct<Itimerspec>, old_value: Struct<Itimerspec>,
    ]),
    syscall!(timer_gettime => timer_gettime, [timerid: Int, curr_value: Struct<Itimerspec>]),
    syscall!(timer_getoverrun => timer_getoverrun, [timerid: Int]),
    syscall!(timer_delete => timer_delete, [timerid: Int]),
];

/// The kernel's signal set size (`sigsetsize` must be this).
const SIGSET_SIZE: usize = size_of::<Sigset>();

/// The kernel's set size check, first in every call that takes one.
fn check_sigset_size(size: u32) -> Result<(), Errno> {
    if size as usize == SIGSET_SIZE { Ok(()) } else { Err(Errno::EINVAL) }
}

/// A guest signal set (NULL: none).
fn read_sigset(ctx: &Ctx<'_>, set: GuestPtr<Sigset>) -> Result<Option<u64>, SysError> {
    if set.is_null() { Ok(None) } else { Ok(Some(set.read(ctx.mem)?)) }
}

/// Writes a signal set if the guest asked for it.
fn write_sigset(ctx: &Ctx<'_>, set: GuestPtr<Sigset>, value: u64) -> Result<(), SysError> {
    if !set.is_null() {
        set.write(ctx.mem, value)?;
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
fn rt_sigaction(
    ctx: &Ctx<'_>,
    signum: i32,
    act: GuestPtr<GuestSigaction>,
    oldact: GuestPtr<GuestSigaction>,
    sigsetsize: u32,
) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let new = if act.is_null() { None } else { Some(signal_state::decode_action(act.read(ctx.mem)?)) };
    if !(1..=NSIG).contains(&signum) || (new.is_some() && matches!(signum, libc::SIGKILL | libc::SIGSTOP)) {
        return Err(Errno::EINVAL.into());
    }
    let old = match new {
        Some(new) => signal_state::set_action(signum, new)?,
        None => signal_state::action(signum),
    };
    if !oldact.is_null() {
        oldact.write(ctx.mem, signal_state::encode_action(old))?;
    }
    Ok(0)
}

/// `rt_sigprocmask(how, set, oldset, sigsetsize)` on the calling thread.
/// The runtime's fault signals are blocked only in the guest's view (a
/// blocked fault would kill the process outright): `oldset` shows them as the
/// guest set them, and a copy sent while blocked waits until unblocked.
fn rt_sigprocmask(
    ctx: &Ctx<'_>,
    how: i32,
    set: GuestPtr<Sigset>,
    oldset: GuestPtr<Sigset>,
    sigsetsize: u32,
) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let set = read_sigset(ctx, set)?;
    let old = signal_state::change_thread_mask(how, set)?;
    write_sigset(ctx, oldset, old)?;
    Ok(0)
}

/// `rt_sigpending(set, sigsetsize)`: the kernel's pending set, plus
/// fault signals sent while the guest blocked them.
fn rt_sigpending(ctx: &Ctx<'_>, set: u32, sigsetsize: u32) -> SysResult {
    // The kernel accepts any size up to its own here.
    let size = sigsetsize as usize;
    if size > SIGSET_SIZE {
        return Err(Errno::EINVAL.into());
    }
    let mut pending = 0u64;
    ctx.syscall(libc::SYS_rt_sigpending, &[host::ptr(&raw mut pending), SIGSET_SIZE as i64])?;
    let pending = (pending | signal_state::pending_reserved()).to_le_bytes();
    GuestBuf(set).write(ctx.mem, &pending[..size])?;
    Ok(0)
}

/// `rt_sigsuspend(mask, sigsetsize)`: the host's, which swaps the mask and
/// waits atomically. The handler of the signal that ends the wait runs with
/// the temporary mask in place, before the call returns `EINTR`, as natively.
fn rt_sigsuspend(ctx: &Ctx<'_>, mask: GuestPtr<Sigset>, sigsetsize: u32) -> SysResult {
    check_sigset_size(sigsetsize)?;
    // A NULL mask is the kernel's EFAULT, not the word at guest address 0
    // (which tools/fuzz found could block every signal: a wait for ever).
    let mask = read_user(ctx, mask)?;
    signal_state::with_wait_mask(mask, || {
        ctx.syscall(libc::SYS_rt_sigsuspend, &[host::ptr(&raw const mask), SIGSET_SIZE as i64])
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
fn rt_sigtimedwait(
    ctx: &Ctx<'_>,
    set: GuestPtr<Sigset>,
    info: GuestPtr<Siginfo>,
    timeout: GuestPtr<Timespec>,
    sigsetsize: u32,
) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let set = read_user(ctx, set)? & !(signal_state::bit(libc::SIGKILL) | signal_state::bit(libc::SIGSTOP));
    let timeout =
        if timeout.is_null() { None } else { Some(wait_duration(timeout.cast::<[i64; 2]>().read(ctx.mem)?)?) };
    let (sig, words) = wait_for_signal(ctx, set, timeout)?;
    if !info.is_null() {
        info.cast::<[u8; SIGINFO_SIZE]>().write(ctx.mem, abi::siginfo_bytes(words))?;
    }
    Ok(sig as i64)
}

/// The wait of [`rt_sigtimedwait`]: the signal taken and its guest
/// `siginfo` (its first 48 bytes; the kernel clears the rest).
fn wait_for_signal(ctx: &Ctx<'_>, set: u64, timeout: Option<Duration>) -> Result<(i32, [u64; 6]), SysError> {
    let _held = signal_state::hold_reserved(set);
    // Past the end of time, the wait is as good as endless.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        if let Some(parked) = signal_state::take_parked(set) {
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
        let host_args = [host::ptr(&raw const set), host::ptr(&raw mut info), left_arg, SIGSET_SIZE as i64];
        match ctx.syscall(libc::SYS_rt_sigtimedwait, &host_args) {
            Ok(sig) => return Ok((sig as i32, signal_state::guest_info(sig as i32, &info))),
            // Interrupted with no guest handler to run: a reserved signal
            // the guest blocks but does not wait for was parked, or a signal
            // came whose guest disposition just changed. Natively the wait
            // goes on.
            Err(SysError::Errno(Errno::EINTR)) if !signal_state::has_deliveries() => {}
            Err(e) => return Err(e),
        }
    }
}

/// `rt_sigqueueinfo(pid, sig, info)`: the host's; the guest `siginfo` has the
/// kernel's layout for what the kernel reads of it (`si_code`, pid, uid and
/// the value, whose 4-byte guest `sival_ptr` sits in the low half of the
/// kernel's). The kernel refuses codes a process may not forge (`EPERM`).
fn rt_sigqueueinfo(ctx: &Ctx<'_>, pid: i32, sig: i32, info: GuestPtr<Siginfo>) -> SysResult {
    let info = info.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_rt_sigqueueinfo, &[pid.into(), sig.into(), info])
}

/// `rt_sigqueueinfo` aimed at one thread (beyond WALI's table).
fn rt_tgsigqueueinfo(ctx: &Ctx<'_>, tgid: i32, tid: i32, sig: i32, info: GuestPtr<Siginfo>) -> SysResult {
    let info = info.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_rt_tgsigqueueinfo, &[tgid.into(), tid.into(), sig.into(), info])
}

fn signalfd(ctx: &Ctx<'_>, fd: Fd, mask: GuestPtr<Sigset>, sizemask: u32) -> SysResult {
    signalfd4(ctx, fd, mask, sizemask, 0)
}

/// A descriptor reading the signals in `mask` (beyond WALI's table). The
/// guest's mask is the host thread's for every signal but the reserved ones
/// (`SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGFPE`), so a signal the guest blocks
/// waits in the kernel, where the descriptor reads it, as natively. The
/// reserved signals never wait there (the runtime's handler takes them):
/// they are left out of the descriptor's set, and a guest that blocks one
/// takes it with `sigtimedwait` or by unblocking it. The `siginfo` records
/// read have the kernel's layout, the guest's.
fn signalfd4(ctx: &Ctx<'_>, fd: Fd, mask: GuestPtr<Sigset>, sizemask: u32, flags: u32) -> SysResult {
    check_sigset_size(sizemask)?;
    let set = read_user(ctx, mask)? & !signal_state::RESERVED;
    let args = [fd.arg(), host::ptr(&set), SIGSET_SIZE as i64, (flags as i32).into()];
    ctx.syscall(libc::SYS_signalfd4, &args)
}

/// `alarm` (beyond WALI's table): the process's real-time interval timer,
/// shared with `setitimer(ITIMER_REAL)`; its `SIGALRM` reaches the guest's
/// handler like any other signal.
fn alarm(ctx: &Ctx<'_>, seconds: u32) -> SysResult {
    ctx.syscall(libc::SYS_alarm, &[seconds.into()])
}

/// A guest object the kernel would copy from user memory: NULL faults.
fn read_user<T: Pod>(ctx: &Ctx<'_>, p: GuestPtr<T>) -> Result<T, SysError> {
    if p.is_null() {
        return Err(Errno::EFAULT.into());
    }
    Ok(p.read(ctx.mem)?)
}

/// A guest object the kernel would copy to user memory: NULL faults.
fn write_user<T: Pod>(ctx: &Ctx<'_>, p: GuestPtr<T>, value: T) -> Result<(), SysError> {
    if p.is_null() {
        return Err(Errno::EFAULT.into());
    }
    Ok(p.write(ctx.mem, value)?)
}

/// musl never calls `rt_sigreturn` (wasm handlers return like functions, and
/// Lamina restores what the kernel's would); a direct call has no signal
/// frame to return from.
fn rt_sigreturn(ctx: &Ctx<'_>, _unused: i64) -> SysResult {
    ctx.process.warn_once("SYS_rt_sigreturn", || {
        "rt_sigreturn called directly: wasm signal handlers return normally and there is no signal frame to \
         return from; the guest gets ENOSYS"
            .into()
    });
    Err(Errno::ENOSYS.into())
}

fn decode_stack(s: GuestStack) -> AltStack {
    AltStack { sp: s.sp, flags: s.flags, size: s.size }
}

fn encode_stack(s: AltStack) -> GuestStack {
    GuestStack { sp: s.sp, flags: s.flags, size: s.size }
}

/// `sigaltstack(ss, old_ss)`: emulated per thread. Guest handlers run on the
/// guest's own stack in linear memory, so the host's alternate stack (the
/// runtime's) is left alone; an `SA_ONSTACK` handler gets the guest's
/// alternate stack by the runtime switching the guest's stack pointer to it.
fn sigaltstack(ctx: &Ctx<'_>, ss: GuestPtr<GuestStack>, old_ss: GuestPtr<GuestStack>) -> SysResult {
    let new = if ss.is_null() { None } else { Some(decode_stack(ss.read(ctx.mem)?)) };
    let old = signal_state::report_alt_stack();
    if let Some(new) = new {
        signal_state::set_alt_stack(new)?;
    }
    if !old_ss.is_null() {
        old_ss.write(ctx.mem, encode_stack(old))?;
    }
    Ok(0)
}

/// `setitimer(which, new_value, old_value)`: the host's (`struct itimerval`
/// is identical).
fn setitimer(ctx: &Ctx<'_>, which: i32, new_value: GuestPtr<Itimerval>, old_value: GuestPtr<Itimerval>) -> SysResult {
    settime(ctx, libc::SYS_setitimer, &[which.into()], new_value, old_value)
}

/// `getitimer(which, curr_value)`: the host's, read into Lamina's memory
/// first so that an invalid `which` is EINVAL before a bad pointer is EFAULT,
/// as in the kernel.
fn getitimer(ctx: &Ctx<'_>, which: i32, curr_value: GuestPtr<Itimerval>) -> SysResult {
    let mut value = [0i64; 4];
    ctx.syscall(libc::SYS_getitimer, &[which.into(), host::ptr(&raw mut value)])?;
    write_user(ctx, curr_value.cast::<[i64; 4]>(), value)?;
    Ok(0)
}

/// `pause()`: sleeps until a signal is delivered, then fails with EINTR
/// (musl's `pause` makes this call; without it, it returned ENOSYS at once).
fn pause(ctx: &Ctx<'_>) -> SysResult {
    ctx.syscall(libc::SYS_pause, &[])
}

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
fn host_sigevent(g: GuestSigevent) -> HostSigevent {
    HostSigevent { value: g.value.into(), signo: g.signo, notify: g.notify, thread_id: g.thread_id, _rest: [0; 11] }
}

/// `timer_create(clockid, sevp, timerid)`: the host's POSIX timer (its id,
/// an `int`, is the guest's `timer_t`). musl's `SIGEV_THREAD` is its own
/// thread waiting for a `SIGEV_THREAD_ID` signal, so the kernel only ever
/// sees signal notifications. The id is stored last; if it cannot be, the
/// timer is deleted again and the call fails with `EFAULT`, as natively.
fn timer_create(ctx: &Ctx<'_>, clockid: i32, sevp: GuestPtr<GuestSigevent>, timerid: GuestPtr<i32>) -> SysResult {
    let event = if sevp.is_null() { None } else { Some(host_sigevent(read_user(ctx, sevp)?)) };
    let event_arg = event.as_ref().map_or(0, |e| host::ptr(e));
    let mut id = 0i32;
    ctx.syscall(libc::SYS_timer_create, &[clockid.into(), event_arg, host::ptr(&raw mut id)])?;
    if let Err(e) = write_user(ctx, timerid, id) {
        let _ = host::syscall(libc::SYS_timer_delete, &[id.into()]);
        return Err(e);
    }
    Ok(0)
}

/// `timer_settime(timerid, flags, new_value, old_value)`: the host's
/// (`struct itimerspec` is identical).
fn timer_settime(
    ctx: &Ctx<'_>,
    timerid: i32,
    flags: u32,
    new_value: GuestPtr<Itimerspec>,
    old_value: GuestPtr<Itimerspec>,
) -> SysResult {
    settime(ctx, libc::SYS_timer_settime, &[timerid.into(), (flags as i32).into()], new_value, old_value)
}

/// `timer_gettime(timerid, curr_value)`: an unknown timer is `EINVAL` before
/// a bad pointer is `EFAULT`, so the value goes through a host copy.
fn timer_gettime(ctx: &Ctx<'_>, timerid: i32, curr_value: GuestPtr<Itimerspec>) -> SysResult {
    let mut value = [0i64; 4];
    ctx.syscall(libc::SYS_timer_gettime, &[timerid.into(), host::ptr(&raw mut value)])?;
    write_user(ctx, curr_value.cast::<[i64; 4]>(), value)?;
    Ok(0)
}

fn timer_getoverrun(ctx: &Ctx<'_>, timerid: i32) -> SysResult {
    ctx.syscall(libc::SYS_timer_getoverrun, &[timerid.into()])
}

fn timer_delete(ctx: &Ctx<'_>, timerid: i32) -> SysResult {
    ctx.syscall(libc::SYS_timer_delete, &[timerid.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_memory::TestMemory;

    #[test]
    fn sigsuspend_with_a_null_mask_faults_before_waiting() {
        let (_keep, mem) = TestMemory::new(4096);
        // Whatever the guest keeps at address 0 is not a mask (here: all blocked).
        mem.write::<u64>(0, !0).unwrap();
        let process = crate::ctx::Process::new(Default::default());
        let thread = crate::ctx::ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let r = rt_sigsuspend(&ctx, GuestPtr::new(0), SIGSET_SIZE as u32);
        assert!(matches!(r, Err(SysError::Errno(Errno::EFAULT))), "{r:?}");
        assert!(matches!(rt_sigsuspend(&ctx, GuestPtr::new(0), 4), Err(SysError::Errno(Errno::EINVAL))));
    }

    #[test]
    fn stack_t_round_trips_in_the_guest_layout() {
        let (_keep, mem) = TestMemory::new(4096);
        let p = GuestPtr::<GuestStack>::new(64);
        let s = AltStack { sp: 0x1000, flags: signal_state::SS_AUTODISARM | signal_state::SS_ONSTACK, size: 8192 };
        p.write(&mem, encode_stack(s)).unwrap();
        let bytes = mem.read_bytes(64, 12).unwrap();
        assert_eq!(&bytes[0..4], &0x1000u32.to_le_bytes());
        assert_eq!(&bytes[4..8], &0x8000_0001u32.to_le_bytes());
        assert_eq!(&bytes[8..12], &8192u32.to_le_bytes());
        assert_eq!(decode_stack(p.read(&mem).unwrap()), s);
    }

    #[test]
    fn a_guest_sigevent_widens_its_value_for_the_kernel() {
        let (_keep, mem) = TestMemory::new(4096);
        let mut guest = [0u8; 16];
        guest[0..4].copy_from_slice(&(-7i32).to_le_bytes());
        guest[4..8].copy_from_slice(&34i32.to_le_bytes());
        guest[8..12].copy_from_slice(&4i32.to_le_bytes());
        guest[12..16].copy_from_slice(&1234i32.to_le_bytes());
        mem.write_bytes(64, &guest).unwrap();
        let host = host_sigevent(GuestPtr::<GuestSigevent>::new(64).read(&mem).unwrap());
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
