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

use super::buf;
use crate::abi;
use crate::ctx::Ctx;
use crate::errno::{Errno, SysError, SysResult};
use crate::host::{self, syscall};
use crate::signals;
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(poll => poll, [fds: Struct("pollfd"), nfds: ULong, timeout: Int]),
    syscall!(ppoll => ppoll, [
        fds: Struct("pollfd"), nfds: ULong, tmo_p: Struct("timespec"), sigmask: Ptr, sigsetsize: UInt,
    ]),
    syscall!(select => select, [
        nfds: Int, readfds: Struct("fd_set"), writefds: Struct("fd_set"), exceptfds: Struct("fd_set"),
        timeout: Struct("timeval"),
    ]),
    syscall!(pselect6 => pselect6, [
        nfds: Int, readfds: Struct("fd_set"), writefds: Struct("fd_set"), exceptfds: Struct("fd_set"),
        timeout: Struct("timespec"), sigmask: Struct("pselect6_sigmask"),
    ]),
    syscall!(epoll_create => epoll_create, [size: Int]),
    syscall!(epoll_create1 => epoll_create1, [flags: EpollFlags]),
    syscall!(epoll_ctl => epoll_ctl, [epfd: Fd, op: EpollOp, fd: Fd, event: EpollEvent]),
    syscall!(epoll_wait => epoll_wait, [epfd: Fd, events: EpollEvents, maxevents: Int, timeout: Int]),
    syscall!(epoll_pwait => epoll_pwait, [
        epfd: Fd, events: EpollEvents, maxevents: Int, timeout: Int, sigmask: Ptr, sigsetsize: UInt,
    ]),
    syscall!(eventfd => eventfd, [initval: UInt]),
    syscall!(eventfd2 => eventfd2, [initval: UInt, flags: Hex]),
    syscall!(timerfd_create => timerfd_create, [clockid: Int, flags: Hex]),
    syscall!(timerfd_settime => timerfd_settime, [
        fd: Fd, flags: Hex, new_value: Struct("itimerspec"), old_value: Struct("itimerspec"),
    ]),
];

/// A guest array of `bytes` bytes. The kernel never touches an empty array,
/// so it gets NULL whatever the address, as a native caller's would be
/// ignored (`poll(p, 0, ms)` is a plain sleep for any `p`).
fn array(ctx: &Ctx<'_>, addr: u32, bytes: usize) -> Result<i64, SysError> {
    if bytes == 0 { Ok(0) } else { buf(ctx, addr, bytes) }
}

/// A kernel signal set argument (the kernel reads 8 bytes). An address
/// beyond 32 bits, possible in pselect6's 64-bit slot, is outside the guest.
fn sigset(ctx: &Ctx<'_>, addr: u64) -> Result<i64, SysError> {
    let addr = u32::try_from(addr).map_err(|_| Errno::EFAULT)?;
    buf(ctx, addr, abi::KERNEL_SIGSET_SIZE)
}

/// Runs a wait that installs the guest's signal mask at `mask` (a guest
/// address, 0 for none) for its duration, so that the handler of a signal
/// that ends it runs with that mask, as natively. The mask is the guest's to
/// choose, the runtime's fault signals included: no wasm runs during the
/// wait, and the kernel restores the caller's mask afterwards.
fn waiting(ctx: &Ctx<'_>, mask: u64, size: u64, call: impl FnOnce() -> SysResult) -> SysResult {
    if mask == 0 || size != abi::KERNEL_SIGSET_SIZE as u64 {
        return call();
    }
    let set = ctx.mem.read::<u64>(u32::try_from(mask).map_err(|_| Errno::EFAULT)?)?;
    signals::with_wait_mask(set, call)
}

/// The soft `RLIMIT_NOFILE`, the most `pollfd`s the kernel accepts.
fn nofile_limit() -> Result<u64, SysError> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    syscall(libc::SYS_prlimit64, &[0, libc::RLIMIT_NOFILE as i64, 0, host::ptr(&raw mut limit)])?;
    Ok(limit.rlim_cur)
}

/// The `pollfd` array of poll and ppoll with its count, which the kernel
/// takes as an `unsigned int` (the upper half of the guest's 64-bit `nfds_t`
/// is ignored, as natively). The kernel refuses a count above RLIMIT_NOFILE
/// with EINVAL before it reads the array, so that comes before EFAULT.
fn pollfds(ctx: &Ctx<'_>, addr: u32, nfds: i64) -> Result<(i64, i64), SysError> {
    let nfds = nfds as u32;
    match array(ctx, addr, nfds as usize * abi::POLLFD_SIZE) {
        Ok(fds) => Ok((fds, nfds as i64)),
        Err(_) if u64::from(nfds) > nofile_limit()? => Err(Errno::EINVAL.into()),
        Err(e) => Err(e),
    }
}

fn poll(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (fds, nfds) = pollfds(ctx, a.ptr(0), a.long(1))?;
    syscall(libc::SYS_poll, &[fds, nfds, a.int_arg(2)])
}

/// The timeout (read, and written back with the time left) and the mask are
/// checked first, in the kernel's order.
fn ppoll(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let timeout = buf(ctx, a.ptr(2), abi::TIMESPEC_SIZE)?;
    let mask = sigset(ctx, a.ptr(3).into())?;
    let (fds, nfds) = pollfds(ctx, a.ptr(0), a.long(1))?;
    waiting(ctx, a.ptr(3).into(), a.uint(4).into(), || {
        syscall(libc::SYS_ppoll, &[fds, nfds, timeout, mask, a.uint(4) as i64])
    })
}

/// Bytes of each `fd_set` the kernel reads and writes for `nfds`: whole
/// 64-bit words up to descriptor `nfds - 1`, none for a negative count (which
/// the kernel refuses with EINVAL).
fn fd_set_bytes(nfds: i32) -> usize {
    usize::try_from(nfds).map_or(0, |n| n.div_ceil(64) * 8)
}

/// The three `fd_set` arguments of select and pselect6.
fn fd_sets(ctx: &Ctx<'_>, a: &Args) -> Result<[i64; 3], SysError> {
    let bytes = fd_set_bytes(a.int(0));
    Ok([array(ctx, a.ptr(1), bytes)?, array(ctx, a.ptr(2), bytes)?, array(ctx, a.ptr(3), bytes)?])
}

fn select(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let timeout = buf(ctx, a.ptr(4), abi::TIMEVAL_SIZE)?;
    let [r, w, e] = fd_sets(ctx, a)?;
    syscall(libc::SYS_select, &[a.int_arg(0), r, w, e, timeout])
}

/// pselect6's sixth argument, `{u64 sigmask address, u64 sigset size}`.
type SigmaskPair = [u64; 2];

/// pselect6's sixth argument as the host kernel wants it, with the address
/// translated (NULL stays NULL: no mask change), and the guest's own. `None`
/// when the argument is NULL.
fn pselect6_sigmask(ctx: &Ctx<'_>, addr: u32) -> Result<Option<(SigmaskPair, SigmaskPair)>, SysError> {
    if addr == 0 {
        return Ok(None);
    }
    let [mask, size] = ctx.mem.read::<[u64; 2]>(addr)?;
    Ok(Some(([sigset(ctx, mask)? as u64, size], [mask, size])))
}

fn pselect6(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let sigmask = pselect6_sigmask(ctx, a.ptr(5))?;
    let timeout = buf(ctx, a.ptr(4), abi::TIMESPEC_SIZE)?;
    let [r, w, e] = fd_sets(ctx, a)?;
    let [mask, size] = sigmask.map_or([0, 0], |(_, guest)| guest);
    let sigmask = sigmask.as_ref().map_or(0, |(host, _)| host::ptr(host.as_ptr()));
    waiting(ctx, mask, size, || syscall(libc::SYS_pselect6, &[a.int_arg(0), r, w, e, timeout, sigmask]))
}

fn epoll_create(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_epoll_create, &[a.int_arg(0)])
}

fn epoll_create1(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_epoll_create1, &[a.int_arg(0)])
}

/// The kernel reads the 12-byte event for every operation but
/// `EPOLL_CTL_DEL`, which ignores it: there any address, NULL included, is
/// accepted.
fn epoll_ctl(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let event = match a.int(1) {
        libc::EPOLL_CTL_DEL => 0,
        _ => buf(ctx, a.ptr(3), abi::EPOLL_EVENT_SIZE)?,
    };
    syscall(libc::SYS_epoll_ctl, &[a.int_arg(0), a.int_arg(1), a.int_arg(2), event])
}

/// Most events one wait may ask for (the kernel's `EP_MAX_EVENTS`).
const EP_MAX_EVENTS: i32 = i32::MAX / abi::EPOLL_EVENT_SIZE as i32;

/// The events array of epoll_wait and epoll_pwait, filled in place. A count
/// the kernel refuses (EINVAL) goes to it with NULL so that it refuses it.
fn epoll_events(ctx: &Ctx<'_>, addr: u32, maxevents: i32) -> Result<i64, SysError> {
    if (1..=EP_MAX_EVENTS).contains(&maxevents) {
        buf(ctx, addr, maxevents as usize * abi::EPOLL_EVENT_SIZE)
    } else {
        Ok(0)
    }
}

fn epoll_wait(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let events = epoll_events(ctx, a.ptr(1), a.int(2))?;
    syscall(libc::SYS_epoll_wait, &[a.int_arg(0), events, a.int_arg(2), a.int_arg(3)])
}

/// The kernel installs the mask before it looks at the events array.
fn epoll_pwait(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let mask = sigset(ctx, a.ptr(4).into())?;
    let events = epoll_events(ctx, a.ptr(1), a.int(2))?;
    waiting(ctx, a.ptr(4).into(), a.uint(5).into(), || {
        syscall(libc::SYS_epoll_pwait, &[a.int_arg(0), events, a.int_arg(2), a.int_arg(3), mask, a.uint(5) as i64])
    })
}

fn eventfd(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_eventfd, &[a.uint(0) as i64])
}

fn eventfd2(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_eventfd2, &[a.uint(0) as i64, a.int_arg(1)])
}

fn timerfd_create(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_timerfd_create, &[a.int_arg(0), a.int_arg(1)])
}

/// The kernel arms the timer before it stores the previous setting, so an
/// unwritable `old_value` still arms it and then fails with EFAULT; the same
/// happens here.
fn timerfd_settime(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let new = buf(ctx, a.ptr(2), abi::ITIMERSPEC_SIZE)?;
    let old = buf(ctx, a.ptr(3), abi::ITIMERSPEC_SIZE);
    let ret = syscall(libc::SYS_timerfd_settime, &[a.int_arg(0), a.int_arg(1), new, *old.as_ref().unwrap_or(&0)])?;
    old.map(|_| ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig};
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
        assert_eq!(fd_set_bytes(1024), abi::FD_SET_SIZE);
        assert_eq!(fd_set_bytes(i32::MAX), (1 << 25) * 8);
    }

    #[test]
    fn pselect6_sigmask_is_rebuilt_with_a_host_pointer() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let ctx = Ctx { mem: &mem, process: &process, thread: &crate::ctx::ThreadState::default() };
        assert_eq!(pselect6_sigmask(&ctx, 0).unwrap(), None);
        mem.write::<[u64; 2]>(100, [200, 8]).unwrap();
        let host = mem.host_ptr(200, 8).unwrap() as u64;
        assert_eq!(pselect6_sigmask(&ctx, 100).unwrap(), Some(([host, 8], [200, 8])));
        // NULL mask stays NULL; the size goes to the kernel as given.
        mem.write::<[u64; 2]>(100, [0, 3]).unwrap();
        assert_eq!(pselect6_sigmask(&ctx, 100).unwrap(), Some(([0, 3], [0, 3])));
        // A mask past the end, a mask above 4 GiB, an argument past the end.
        mem.write::<[u64; 2]>(100, [4092, 8]).unwrap();
        assert!(efault(pselect6_sigmask(&ctx, 100)));
        mem.write::<[u64; 2]>(100, [(1 << 32) | 200, 8]).unwrap();
        assert!(efault(pselect6_sigmask(&ctx, 100)));
        assert!(efault(pselect6_sigmask(&ctx, 4088)));
    }

    #[test]
    fn empty_arrays_are_null_and_event_counts_follow_the_kernel() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let ctx = Ctx { mem: &mem, process: &process, thread: &crate::ctx::ThreadState::default() };
        assert_eq!(array(&ctx, u32::MAX, 0).unwrap(), 0);
        assert!(efault(array(&ctx, 4095, 2)));
        assert_eq!(epoll_events(&ctx, 4084, 1).unwrap(), mem.host_ptr(4084, 12).unwrap() as i64);
        assert!(efault(epoll_events(&ctx, 4084, 2)));
        // Counts the kernel refuses are left for it to refuse.
        for n in [0, -1, EP_MAX_EVENTS + 1] {
            assert_eq!(epoll_events(&ctx, u32::MAX, n).unwrap(), 0);
        }
        assert!(efault(epoll_events(&ctx, 0x100, EP_MAX_EVENTS)));
        // nfds is the kernel's unsigned int: the upper half is ignored.
        assert_eq!(pollfds(&ctx, 8, (1 << 32) | 2).unwrap(), (mem.host_ptr(8, 16).unwrap() as i64, 2));
        assert!(efault(pollfds(&ctx, 4092, 1)));
        assert!(matches!(pollfds(&ctx, 8, u32::MAX as i64), Err(SysError::Errno(Errno::EINVAL))));
    }
}
