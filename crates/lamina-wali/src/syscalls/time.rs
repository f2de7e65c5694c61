//! Clocks and sleeping.
//!
//! `timespec`, `timeval` and `timezone` have the x86-64 kernel layout in the
//! guest, so the kernel reads and writes them in place once they are known to
//! be inside guest memory. The one exception is a sleep's remainder, which the
//! kernel writes only when a relative sleep is interrupted: it goes through a
//! host `timespec` so that the guest's pointer is checked exactly when the
//! kernel would use it (see [`sleep`]).

use lamina_memory::GuestPtr;
use libc::c_long;

use crate::abi::{Timespec, Timeval, Timezone};
use crate::ctx::Ctx;
use crate::entry::Blocking::Interrupted;
use crate::entry::SyscallDef;
use crate::errno::SysResult;
use crate::host;
use crate::kinds::{Hex, Int, Struct};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(clock_gettime => clock_gettime, [clockid: Int, tp: Struct<Timespec>]),
    syscall!(clock_getres => clock_getres, [clockid: Int, res: Struct<Timespec>]),
    syscall!(nanosleep => nanosleep, [req: Struct<Timespec>, rem: Struct<Timespec>], Interrupted),
    syscall!(
        clock_nanosleep => clock_nanosleep,
        [clockid: Int, flags: Hex, request: Struct<Timespec>, remain: Struct<Timespec>],
        Interrupted
    ),
    syscall!(gettimeofday => gettimeofday, [tv: Struct<Timeval>, tz: Struct<Timezone>]),
    syscall!(time => time, [tloc: Struct<i64>]),
    syscall!(clock_settime => clock_settime, [clockid: Int, tp: Struct<Timespec>]),
    syscall!(settimeofday => settimeofday, [tv: Struct<Timeval>, tz: Struct<Timezone>]),
];

/// Clock ids are passed sign-extended: negative ids name per-process and
/// per-thread CPU clocks and clock descriptors, which the kernel resolves.
fn clock_gettime(ctx: &Ctx<'_>, clockid: i32, tp: GuestPtr<Timespec>) -> SysResult {
    ctx.syscall(libc::SYS_clock_gettime, &[clockid.into(), tp.arg(ctx.mem)?])
}

/// `res` may be NULL: the kernel then only validates the clock.
fn clock_getres(ctx: &Ctx<'_>, clockid: i32, res: GuestPtr<Timespec>) -> SysResult {
    ctx.syscall(libc::SYS_clock_getres, &[clockid.into(), res.arg(ctx.mem)?])
}

/// The seconds since the epoch, also stored at `tloc` unless it is NULL.
fn time(ctx: &Ctx<'_>, tloc: GuestPtr<i64>) -> SysResult {
    ctx.syscall(libc::SYS_time, &[tloc.arg(ctx.mem)?])
}

/// Setting a clock needs `CAP_SYS_TIME`; under a sandbox the seccomp deny
/// list answers `EPERM` (the clocks are the machine's), as it does for
/// `settimeofday`.
fn clock_settime(ctx: &Ctx<'_>, clockid: i32, tp: GuestPtr<Timespec>) -> SysResult {
    ctx.syscall(libc::SYS_clock_settime, &[clockid.into(), tp.arg(ctx.mem)?])
}

/// Either pointer may be NULL (only the time zone, or neither, is set).
fn settimeofday(ctx: &Ctx<'_>, tv: GuestPtr<Timeval>, tz: GuestPtr<Timezone>) -> SysResult {
    ctx.syscall(libc::SYS_settimeofday, &[tv.arg(ctx.mem)?, tz.arg(ctx.mem)?])
}

fn nanosleep(ctx: &Ctx<'_>, req: GuestPtr<Timespec>, rem: GuestPtr<Timespec>) -> SysResult {
    sleep(ctx, libc::SYS_nanosleep, &[], req, rem)
}

/// Returns the raw kernel result (`-errno`), not libc's positive error number.
fn clock_nanosleep(
    ctx: &Ctx<'_>,
    clockid: i32,
    flags: u32,
    request: GuestPtr<Timespec>,
    remain: GuestPtr<Timespec>,
) -> SysResult {
    // `flags` is a C `int`, sign-extended as a native caller's.
    sleep(ctx, libc::SYS_clock_nanosleep, &[clockid.into(), (flags as i32).into()], request, remain)
}

/// A `tv_nsec` the kernel never writes: marks a remainder left unwritten.
const UNWRITTEN: [i64; 2] = [0, -1];

/// The sleeps: `lead` are the arguments before the request and remainder.
///
/// The kernel touches the remainder only when a relative sleep is interrupted
/// (never for `TIMER_ABSTIME`), and a bad remainder pointer then turns the
/// result into `EFAULT`. Checking the guest pointer up front would fail sleeps
/// that succeed natively, so the kernel writes into a host `timespec` and
/// whatever it wrote is copied out, with the kernel's `EFAULT` if the guest
/// pointer is bad. If the sleep is restarted transparently, the restart runs
/// inside this same call, while the host `timespec` is still alive.
fn sleep(ctx: &Ctx<'_>, nr: c_long, lead: &[i64], req: GuestPtr<Timespec>, rem: GuestPtr<Timespec>) -> SysResult {
    let mut left = UNWRITTEN;
    let mut args = lead.to_vec();
    args.push(req.arg(ctx.mem)?);
    args.push(if rem.is_null() { 0 } else { host::ptr(left.as_mut_ptr()) });
    let result = ctx.syscall(nr, &args);
    if left != UNWRITTEN {
        rem.cast::<[i64; 2]>().write(ctx.mem, left)?;
    }
    result
}

/// Either pointer may be NULL (the timezone is obsolete but still filled in).
fn gettimeofday(ctx: &Ctx<'_>, tv: GuestPtr<Timeval>, tz: GuestPtr<Timezone>) -> SysResult {
    let tv = tv.arg(ctx.mem)?;
    let tz = tz.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_gettimeofday, &[tv, tz])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ThreadState};
    use crate::errno::{Errno, SysError};
    use lamina_memory::TestMemory;

    #[test]
    fn a_remainder_is_only_checked_when_the_kernel_writes_one() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(Default::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        mem.write::<[i64; 2]>(64, [0, 1_000]).unwrap();
        mem.write::<[i64; 2]>(4080, [7, 7]).unwrap();
        // An uninterrupted sleep leaves a bad remainder pointer unused, as natively.
        assert_eq!(nanosleep(&ctx, GuestPtr::new(64), GuestPtr::new(4090)).unwrap(), 0);
        assert_eq!(nanosleep(&ctx, GuestPtr::new(64), GuestPtr::new(4080)).unwrap(), 0);
        assert_eq!(mem.read::<[i64; 2]>(4080).unwrap(), [7, 7]);
        let r = nanosleep(&ctx, GuestPtr::new(4090), GuestPtr::new(0));
        assert!(matches!(r, Err(SysError::Errno(Errno::EFAULT))));
    }

    /// Sleeps 10 s at guest `req` = 64 with remainder `rem`, interrupted by a
    /// signal after 50 ms; returns the result and the process memory.
    fn interrupted_sleep(rem: u32) -> (SysResult, [i64; 2]) {
        extern "C" fn ignore(_: libc::c_int) {}
        // SAFETY: installs a handler that does nothing, without SA_RESTART,
        // so that the signal interrupts the sleep.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = ignore as *const () as usize;
            assert_eq!(libc::sigaction(libc::SIGUSR2, &act, std::ptr::null_mut()), 0);
        }
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(Default::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        mem.write::<[i64; 2]>(64, [10, 0]).unwrap();
        // SAFETY: pthread_self has no preconditions.
        let me = unsafe { libc::pthread_self() } as usize;
        let kicker = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            // SAFETY: the sleeping thread is alive until it has been interrupted.
            unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR2) };
        });
        let result = nanosleep(&ctx, GuestPtr::new(64), GuestPtr::new(rem));
        kicker.join().unwrap();
        let left = if (rem as usize) + 16 <= 4096 { mem.read::<[i64; 2]>(rem).unwrap() } else { [0; 2] };
        (result, left)
    }

    #[test]
    fn an_interrupted_sleep_writes_its_remainder_or_faults() {
        let (result, left) = interrupted_sleep(128);
        assert!(matches!(result, Err(SysError::Errno(Errno::EINTR))), "{result:?}");
        assert!(left[0] >= 8 && left[0] < 10 && (0..1_000_000_000).contains(&left[1]), "{left:?}");
        // A remainder the kernel cannot write turns EINTR into EFAULT, as natively.
        let (result, _) = interrupted_sleep(4090);
        assert!(matches!(result, Err(SysError::Errno(Errno::EFAULT))), "{result:?}");
    }
}
