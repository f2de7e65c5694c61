//! Waiting on descriptors: poll, select and their signal-mask forms, epoll,
//! and the descriptors made to be waited on (eventfd, timerfd).
//!
//! Everything these calls exchange is pointer-free and laid out as on x86-64
//! (`pollfd`, `fd_set`, the packed 12-byte `epoll_event`, `timespec`,
//! `timeval`, `itimerspec`), so the kernel works on guest memory in place once
//! the exact extent it touches is known to be inside it. The one exception is
//! pselect6's sixth argument, which holds a guest pointer and is rebuilt.
//!
//! Where the kernel rejects an argument before it touches an array, the checks
//! here keep that order, so a hostile call gets the errno a native one would.

use lamina_memory::{GuestBuf, GuestPtr};

use super::settime;
use crate::abi::{self, FdSet, Itimerspec, Pollfd, Pselect6Sigmask, Sigset, Timespec, Timeval};
use crate::ctx::Ctx;
use crate::entry::Blocking::Interrupted;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::kinds::{EpollEvent, EpollEvents, EpollFlags, EpollOp, Fd, Hex, Int, Struct, UInt, ULong};
use crate::{host, signal_state, syscall};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(poll => poll, [fds: Struct<Pollfd>, nfds: ULong, timeout: Int], Interrupted),
    syscall!(ppoll => ppoll, [
        fds: Struct<Pollfd>, nfds: ULong, tmo_p: Struct<Timespec>, sigmask: Struct<Sigset>, sigsetsize: UInt,
    ], Interrupted),
    syscall!(select => select, [
        nfds: Int, readfds: Struct<FdSet>, writefds: Struct<FdSet>, exceptfds: Struct<FdSet>,
        timeout: Struct<Timeval>,
    ], Interrupted),
    syscall!(pselect6 => pselect6, [
        nfds: Int, readfds: Struct<FdSet>, writefds: Struct<FdSet>, exceptfds: Struct<FdSet>,
        timeout: Struct<Timespec>, sigmask: Struct<Pselect6Sigmask>,
    ], Interrupted),
    syscall!(epoll_create => epoll_create, [size: Int]),
    syscall!(epoll_create1 => epoll_create1, [flags: EpollFlags]),
    syscall!(epoll_ctl => epoll_ctl, [epfd: Fd, op: EpollOp, fd: Fd, event: EpollEvent]),
    syscall!(epoll_wait => epoll_wait, [epfd: Fd, events: EpollEvents, maxevents: Int, timeout: Int], Interrupted),
    syscall!(epoll_pwait => epoll_pwait, [
        epfd: Fd, events: EpollEvents, maxevents: Int, timeout: Int, sigmask: Struct<Sigset>, sigsetsize: UInt,
    ], Interrupted),
    syscall!(epoll_pwait2 => epoll_pwait2, [
        epfd: Fd, events: EpollEvents, maxevents: Int, timeout: Struct<Timespec>, sigmask: Struct<Sigset>,
        sigsetsize: UInt,
    ], Interrupted),
    syscall!(eventfd => eventfd, [initval: UInt]),
    syscall!(eventfd2 => eventfd2, [initval: UInt, flags: Hex]),
    syscall!(timerfd_create => timerfd_create, [clockid: Int, flags: Hex]),
    syscall!(timerfd_settime => timerfd_settime, [
        fd: Fd, flags: Hex, new_value: Struct<Itimerspec>, old_value: Struct<Itimerspec>,
    ]),
    syscall!(timerfd_gettime => timerfd_gettime, [fd: Fd, curr_value: Struct<Itimerspec>]),
];

/// A guest array of `bytes` bytes. The kernel never touches an empty array,
/// so it gets NULL whatever the address, as a native caller's would be
/// ignored (`poll(p, 0, ms)` is a plain sleep for any `p`).
fn array(ctx: &Ctx<'_>, addr: u32, bytes: usize) -> Result<i64, SysError> {
    if bytes == 0 { Ok(0) } else { Ok(GuestBuf(addr).arg(ctx.mem, bytes)?) }
}

/// A kernel signal set argument (the kernel reads 8 bytes). An address
/// beyond 32 bits, possible in pselect6's 64-bit slot, is outside the guest.
fn sigset(addr: u64) -> Result<GuestPtr<Sigset>, SysError> {
    Ok(GuestPtr::new(u32::try_from(addr).map_err(|_| Errno::EFAULT)?))
}

/// Runs a wait that installs the guest's signal mask at `mask` (a guest
/// address, 0 for none) for its duration, so that the handler of a signal
/// that ends it runs with that mask, as natively. The mask is the guest's to
/// choose, the runtime's fault signals included: no wasm runs during the
/// wait, and the kernel restores the caller's mask afterwards.
fn waiting(ctx: &Ctx<'_>, mask: u64, size: u64, call: impl FnOnce() -> SysResult) -> SysResult {
    if mask == 0 || size != size_of::<Sigset>() as u64 {
        return call();
    }
    let set = sigset(mask)?.read(ctx.mem)?;
    signal_state::with_wait_mask(set, call)
}

/// The soft `RLIMIT_NOFILE`, the most `pollfd`s the kernel accepts.
fn nofile_limit() -> Result<u64, SysError> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    host::syscall(libc::SYS_prlimit64, &[0, libc::RLIMIT_NOFILE as i64, 0, host::ptr(&raw mut limit)])?;
    Ok(limit.rlim_cur)
}

/// The `pollfd` array of poll and ppoll with its count, which the kernel
/// takes as an `unsigned int` (the upper half of the guest's 64-bit `nfds_t`
/// is ignored, as natively). The kernel refuses a count above RLIMIT_NOFILE
/// with EINVAL before it reads the array, so that comes before EFAULT.
fn pollfds(ctx: &Ctx<'_>, fds: GuestPtr<Pollfd>, nfds: u64) -> Result<(i64, i64), SysError> {
    let nfds = nfds as u32;
    match array(ctx, fds.addr(), nfds as usize * size_of::<Pollfd>()) {
        Ok(fds) => Ok((fds, nfds.into())),
        Err(_) if u64::from(nfds) > nofile_limit()? => Err(Errno::EINVAL.into()),
        Err(e) => Err(e),
    }
}

fn poll(ctx: &Ctx<'_>, fds: GuestPtr<Pollfd>, nfds: u64, timeout: i32) -> SysResult {
    let (fds, nfds) = pollfds(ctx, fds, nfds)?;
    ctx.syscall(libc::SYS_poll, &[fds, nfds, timeout.into()])
}

/// The timeout (read, and written back with the time left) and the mask are
/// checked first, in the kernel's order.
fn ppoll(
    ctx: &Ctx<'_>,
    fds: GuestPtr<Pollfd>,
    nfds: u64,
    tmo_p: GuestPtr<Timespec>,
    sigmask: GuestPtr<Sigset>,
    sigsetsize: u32,
) -> SysResult {
    let timeout = tmo_p.arg(ctx.mem)?;
    let mask = sigmask.arg(ctx.mem)?;
    let (fds, nfds) = pollfds(ctx, fds, nfds)?;
    waiting(ctx, sigmask.addr().into(), sigsetsize.into(), || {
        ctx.syscall(libc::SYS_ppoll, &[fds, nfds, timeout, mask, sigsetsize.into()])
    })
}

/// Bytes of each `fd_set` the kernel reads and writes for `nfds`: whole
/// 64-bit words up to descriptor `nfds - 1`, none for a negative count (which
/// the kernel refuses with EINVAL).
fn fd_set_bytes(nfds: i32) -> usize {
    usize::try_from(nfds).map_or(0, |n| n.div_ceil(64) * 8)
}

/// The three `fd_set` arguments of select and pselect6.
fn fd_sets(ctx: &Ctx<'_>, nfds: i32, sets: [GuestPtr<FdSet>; 3]) -> Result<[i64; 3], SysError> {
    let bytes = fd_set_bytes(nfds);
    let [r, w, e] = sets.map(GuestPtr::addr);
    Ok([array(ctx, r, bytes)?, array(ctx, w, bytes)?, array(ctx, e, bytes)?])
}

fn select(
    ctx: &Ctx<'_>,
    nfds: i32,
    readfds: GuestPtr<FdSet>,
    writefds: GuestPtr<FdSet>,
    exceptfds: GuestPtr<FdSet>,
    timeout: GuestPtr<Timeval>,
) -> SysResult {
    let timeout = timeout.arg(ctx.mem)?;
    let [r, w, e] = fd_sets(ctx, nfds, [readfds, writefds, exceptfds])?;
    ctx.syscall(libc::SYS_select, &[nfds.into(), r, w, e, timeout])
}

/// pselect6's sixth argument as the host kernel wants it, with the address
/// translated (NULL stays NULL: no mask change), and the guest's own. `None`
/// when the argument is NULL.
fn pselect6_sigmask(
    ctx: &Ctx<'_>,
    sigmask: GuestPtr<Pselect6Sigmask>,
) -> Result<Option<(Pselect6Sigmask, Pselect6Sigmask)>, SysError> {
    if sigmask.is_null() {
        return Ok(None);
    }
    let guest = sigmask.read(ctx.mem)?;
    let host = Pselect6Sigmask { set: sigset(guest.set)?.arg(ctx.mem)? as u64, ..guest };
    Ok(Some((host, guest)))
}

fn pselect6(
    ctx: &Ctx<'_>,
    nfds: i32,
    readfds: GuestPtr<FdSet>,
    writefds: GuestPtr<FdSet>,
    exceptfds: GuestPtr<FdSet>,
    timeout: GuestPtr<Timespec>,
    sigmask: GuestPtr<Pselect6Sigmask>,
) -> SysResult {
    let sigmask = pselect6_sigmask(ctx, sigmask)?;
    let timeout = timeout.arg(ctx.mem)?;
    let [r, w, e] = fd_sets(ctx, nfds, [readfds, writefds, exceptfds])?;
    let guest = sigmask.map_or(Pselect6Sigmask::default(), |(_, guest)| guest);
    let sigmask = sigmask.as_ref().map_or(0, |(host, _)| host::ptr(host));
    waiting(ctx, guest.set, guest.size, || ctx.syscall(libc::SYS_pselect6, &[nfds.into(), r, w, e, timeout, sigmask]))
}

fn epoll_create(ctx: &Ctx<'_>, size: i32) -> SysResult {
    ctx.syscall(libc::SYS_epoll_create, &[size.into()])
}

fn epoll_create1(ctx: &Ctx<'_>, flags: i32) -> SysResult {
    ctx.syscall(libc::SYS_epoll_create1, &[flags.into()])
}

/// The kernel reads the 12-byte event for every operation but
/// `EPOLL_CTL_DEL`, which ignores it: there any address, NULL included, is
/// accepted.
fn epoll_ctl(ctx: &Ctx<'_>, epfd: Fd, op: i32, fd: Fd, event: GuestPtr<abi::EpollEvent>) -> SysResult {
    let event = match op {
        libc::EPOLL_CTL_DEL => 0,
        _ => event.arg(ctx.mem)?,
    };
    ctx.syscall(libc::SYS_epoll_ctl, &[epfd.arg(), op.into(), fd.arg(), event])
}

/// Most events one wait may ask for (the kernel's `EP_MAX_EVENTS`).
const EP_MAX_EVENTS: i32 = i32::MAX / size_of::<abi::EpollEvent>() as i32;

/// The events array of epoll_wait and epoll_pwait, filled in place. A count
/// the kernel refuses (EINVAL) goes to it with NULL so that it refuses it.
fn epoll_events(ctx: &Ctx<'_>, events: GuestPtr<abi::EpollEvent>, maxevents: i32) -> Result<i64, SysError> {
    if (1..=EP_MAX_EVENTS).contains(&maxevents) { Ok(events.array_arg(ctx.mem, maxevents as usize)?) } else { Ok(0) }
}

fn epoll_wait(ctx: &Ctx<'_>, epfd: Fd, events: GuestPtr<abi::EpollEvent>, maxevents: i32, timeout: i32) -> SysResult {
    let events = epoll_events(ctx, events, maxevents)?;
    ctx.syscall(libc::SYS_epoll_wait, &[epfd.arg(), events, maxevents.into(), timeout.into()])
}

fn epoll_pwait(
    ctx: &Ctx<'_>,
    epfd: Fd,
    events: GuestPtr<abi::EpollEvent>,
    maxevents: i32,
    timeout: i32,
    sigmask: GuestPtr<Sigset>,
    sigsetsize: u32,
) -> SysResult {
    let wait = EpollWait { epfd, events, maxevents, sigmask, sigsetsize };
    masked_epoll_wait(ctx, libc::SYS_epoll_pwait, wait, timeout.into())
}

/// `epoll_pwait` with a `timespec` timeout (NULL: none), which the kernel
/// reads, and refuses if invalid, before anything else.
fn epoll_pwait2(
    ctx: &Ctx<'_>,
    epfd: Fd,
    events: GuestPtr<abi::EpollEvent>,
    maxevents: i32,
    timeout: GuestPtr<Timespec>,
    sigmask: GuestPtr<Sigset>,
    sigsetsize: u32,
) -> SysResult {
    let timeout = timeout.arg(ctx.mem)?;
    let wait = EpollWait { epfd, events, maxevents, sigmask, sigsetsize };
    masked_epoll_wait(ctx, libc::SYS_epoll_pwait2, wait, timeout)
}

/// What `epoll_pwait` and `epoll_pwait2` share besides their timeouts.
struct EpollWait {
    epfd: Fd,
    events: GuestPtr<abi::EpollEvent>,
    maxevents: i32,
    sigmask: GuestPtr<Sigset>,
    sigsetsize: u32,
}

/// The kernel installs the mask before it looks at the events array.
fn masked_epoll_wait(ctx: &Ctx<'_>, nr: libc::c_long, w: EpollWait, timeout: i64) -> SysResult {
    let mask = w.sigmask.arg(ctx.mem)?;
    let events = epoll_events(ctx, w.events, w.maxevents)?;
    waiting(ctx, w.sigmask.addr().into(), w.sigsetsize.into(), || {
        let args = [w.epfd.arg(), events, w.maxevents.into(), timeout, mask, w.sigsetsize.into()];
        ctx.syscall(nr, &args)
    })
}

fn eventfd(ctx: &Ctx<'_>, initval: u32) -> SysResult {
    ctx.syscall(libc::SYS_eventfd, &[initval.into()])
}

fn eventfd2(ctx: &Ctx<'_>, initval: u32, flags: u32) -> SysResult {
    ctx.syscall(libc::SYS_eventfd2, &[initval.into(), int_flags(flags)])
}

fn timerfd_create(ctx: &Ctx<'_>, clockid: i32, flags: u32) -> SysResult {
    ctx.syscall(libc::SYS_timerfd_create, &[clockid.into(), int_flags(flags)])
}

/// `timerfd_settime(fd, flags, new_value, old_value)`: the host's.
fn timerfd_settime(
    ctx: &Ctx<'_>,
    fd: Fd,
    flags: u32,
    new_value: GuestPtr<Itimerspec>,
    old_value: GuestPtr<Itimerspec>,
) -> SysResult {
    settime(ctx, libc::SYS_timerfd_settime, &[fd.arg(), int_flags(flags)], new_value, old_value)
}

/// The kernel finds the timer (`EBADF`, `EINVAL`) before it stores its
/// setting, so the setting is read into Lamina's memory and copied out (NULL
/// is the kernel's `EFAULT`, though guest address 0 is memory).
fn timerfd_gettime(ctx: &Ctx<'_>, fd: Fd, curr_value: GuestPtr<Itimerspec>) -> SysResult {
    let mut value = [0i64; 4];
    ctx.syscall(libc::SYS_timerfd_gettime, &[fd.arg(), host::ptr(&raw mut value)])?;
    if curr_value.is_null() {
        return Err(Errno::EFAULT.into());
    }
    curr_value.cast::<[i64; 4]>().write(ctx.mem, value)?;
    Ok(0)
}

/// A flags argument declared `Hex` that the kernel takes as an `int`:
/// sign-extended, as a native caller passes it.
fn int_flags(flags: u32) -> i64 {
    (flags as i32).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};
    use lamina_memory::TestMemory;

    fn efault<T: std::fmt::Debug>(r: Result<T, SysError>) -> bool {
        matches!(r, Err(SysError::Errno(Errno::EFAULT)))
    }

    #[test]
    fn fd_sets_are_checked_by_the_words_the_kernel_touches() {
        assert_eq!(fd_set_bytes(-1), 0);
        assert_eq!(fd_set_bytes(0), 0);
        assert_eq!(fd_set_bytes(1), 8);
        assert_eq!(fd_set_bytes(64), 8);
        assert_eq!(fd_set_bytes(65), 16);
        assert_eq!(fd_set_bytes(1024), size_of::<FdSet>());
        assert_eq!(fd_set_bytes(i32::MAX), (1 << 25) * 8);
    }

    #[test]
    fn pselect6_sigmask_is_rebuilt_with_a_host_pointer() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let pair = |set, size| Pselect6Sigmask { set, size };
        assert_eq!(pselect6_sigmask(&ctx, GuestPtr::new(0)).unwrap(), None);
        let arg = GuestPtr::new(100);
        arg.write(&mem, pair(200, 8)).unwrap();
        let host = mem.host_ptr(200, 8).unwrap() as u64;
        assert_eq!(pselect6_sigmask(&ctx, arg).unwrap(), Some((pair(host, 8), pair(200, 8))));
        // NULL mask stays NULL; the size goes to the kernel as given.
        arg.write(&mem, pair(0, 3)).unwrap();
        assert_eq!(pselect6_sigmask(&ctx, arg).unwrap(), Some((pair(0, 3), pair(0, 3))));
        // A mask past the end, a mask above 4 GiB, an argument past the end.
        arg.write(&mem, pair(4092, 8)).unwrap();
        assert!(efault(pselect6_sigmask(&ctx, arg)));
        arg.write(&mem, pair((1 << 32) | 200, 8)).unwrap();
        assert!(efault(pselect6_sigmask(&ctx, arg)));
        assert!(efault(pselect6_sigmask(&ctx, GuestPtr::new(4088))));
    }

    #[test]
    fn empty_arrays_are_null_and_event_counts_follow_the_kernel() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        assert_eq!(array(&ctx, u32::MAX, 0).unwrap(), 0);
        assert!(efault(array(&ctx, 4095, 2)));
        assert_eq!(epoll_events(&ctx, GuestPtr::new(4084), 1).unwrap(), mem.host_ptr(4084, 12).unwrap() as i64);
        assert!(efault(epoll_events(&ctx, GuestPtr::new(4084), 2)));
        // Counts the kernel refuses are left for it to refuse.
        for n in [0, -1, EP_MAX_EVENTS + 1] {
            assert_eq!(epoll_events(&ctx, GuestPtr::new(u32::MAX), n).unwrap(), 0);
        }
        assert!(efault(epoll_events(&ctx, GuestPtr::new(0x100), EP_MAX_EVENTS)));
        // nfds is the kernel's unsigned int: the upper half is ignored.
        assert_eq!(pollfds(&ctx, GuestPtr::new(8), (1 << 32) | 2).unwrap(), (mem.host_ptr(8, 16).unwrap() as i64, 2));
        assert!(efault(pollfds(&ctx, GuestPtr::new(4092), 1)));
        assert!(matches!(pollfds(&ctx, GuestPtr::new(8), u32::MAX.into()), Err(SysError::Errno(Errno::EINVAL))));
    }
}
