//! Descriptor I/O: read/write and their vector and positioned forms, seeking,
//! copying between descriptors, duplication, pipes, `fcntl` and `ioctl`.

use lamina_memory::{GuestBuf, GuestPtr};
use libc::c_long;

use crate::abi::{self, FdPair, GuestIovec, read_iovecs};
use crate::ctx::Ctx;
use crate::entry::Blocking::Restartable;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{Fd, Hex, InBuf, Int, Long, OpenFlags, OutBuf, Ptr, Struct, UInt, ULong, runtime_fd};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(read => read, [fd: Fd, buf: OutBuf, count: UInt], Restartable),
    syscall!(write => write, [fd: Fd, buf: InBuf<2>, count: UInt], Restartable),
    syscall!(pread64 => pread64, [fd: Fd, buf: OutBuf, count: UInt, offset: Long], Restartable),
    syscall!(pwrite64 => pwrite64, [fd: Fd, buf: InBuf<2>, count: UInt, offset: Long], Restartable),
    syscall!(readv => readv, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int], Restartable),
    syscall!(writev => writev, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int], Restartable),
    syscall!(preadv => preadv, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int, pos_l: Long, pos_h: Long], Restartable),
    syscall!(pwritev => pwritev, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int, pos_l: Long, pos_h: Long], Restartable),
    syscall!(preadv2 => vectored_with_flags::<{ libc::SYS_preadv2 }>, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int, pos_l: Long, pos_h: Long, flags: Hex], Restartable),
    syscall!(pwritev2 => vectored_with_flags::<{ libc::SYS_pwritev2 }>, [fd: Fd, iov: Struct<GuestIovec>, iovcnt: Int, pos_l: Long, pos_h: Long, flags: Hex], Restartable),
    syscall!(lseek => lseek, [fd: Fd, offset: Long, whence: Int]),
    syscall!(sendfile => sendfile, [out_fd: Fd, in_fd: Fd, offset: Struct<i64>, count: UInt], Restartable),
    syscall!(splice => between::<{ libc::SYS_splice }>, [fd_in: Fd, off_in: Struct<i64>, fd_out: Fd, off_out: Struct<i64>, len: UInt, flags: Hex], Restartable),
    syscall!(tee => tee, [fd_in: Fd, fd_out: Fd, len: UInt, flags: Hex], Restartable),
    syscall!(vmsplice => vmsplice, [fd: Fd, iov: Struct<GuestIovec>, nr_segs: UInt, flags: Hex], Restartable),
    syscall!(close => close, [fd: Fd]),
    syscall!(close_range => close_range, [first: UInt, last: UInt, flags: Hex]),
    syscall!(dup => dup, [oldfd: Fd]),
    syscall!(dup2 => dup2, [oldfd: Fd, newfd: Fd]),
    syscall!(dup3 => dup3, [oldfd: Fd, newfd: Fd, flags: OpenFlags]),
    syscall!(pipe => pipe, [pipefd: Struct<FdPair>]),
    syscall!(pipe2 => pipe2, [pipefd: Struct<FdPair>, flags: OpenFlags]),
    syscall!(fcntl => fcntl, [fd: Fd, cmd: Int, arg: ULong], Restartable),
    syscall!(ioctl => ioctl, [fd: Fd, request: Hex, argp: Ptr], Restartable),
];

fn read(ctx: &Ctx<'_>, fd: Fd, buf: GuestBuf, count: u32) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_read, &[fd.arg(), buf.arg(ctx.mem, len)?, len as i64])
}

fn write(ctx: &Ctx<'_>, fd: Fd, buf: GuestBuf, count: u32) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_write, &[fd.arg(), buf.arg(ctx.mem, len)?, len as i64])
}

fn pread64(ctx: &Ctx<'_>, fd: Fd, buf: GuestBuf, count: u32, offset: i64) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_pread64, &[fd.arg(), buf.arg(ctx.mem, len)?, len as i64, offset])
}

fn pwrite64(ctx: &Ctx<'_>, fd: Fd, buf: GuestBuf, count: u32, offset: i64) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_pwrite64, &[fd.arg(), buf.arg(ctx.mem, len)?, len as i64, offset])
}

/// The vector calls share one shape: translate the iovec array, then issue.
fn vectored(ctx: &Ctx<'_>, nr: c_long, fd: Fd, iov: GuestPtr<GuestIovec>, iovcnt: i32, extra: &[i64]) -> SysResult {
    let iov = read_iovecs(ctx.mem, iov, iovcnt.into())?;
    let mut args = vec![fd.arg(), host::ptr(iov.as_ptr()), iov.len() as i64];
    args.extend_from_slice(extra);
    ctx.syscall(nr, &args)
}

fn readv(ctx: &Ctx<'_>, fd: Fd, iov: GuestPtr<GuestIovec>, iovcnt: i32) -> SysResult {
    vectored(ctx, libc::SYS_readv, fd, iov, iovcnt, &[])
}

fn writev(ctx: &Ctx<'_>, fd: Fd, iov: GuestPtr<GuestIovec>, iovcnt: i32) -> SysResult {
    vectored(ctx, libc::SYS_writev, fd, iov, iovcnt, &[])
}

fn preadv(ctx: &Ctx<'_>, fd: Fd, iov: GuestPtr<GuestIovec>, iovcnt: i32, pos_l: i64, pos_h: i64) -> SysResult {
    vectored(ctx, libc::SYS_preadv, fd, iov, iovcnt, &[pos_l, pos_h])
}

fn pwritev(ctx: &Ctx<'_>, fd: Fd, iov: GuestPtr<GuestIovec>, iovcnt: i32, pos_l: i64, pos_h: i64) -> SysResult {
    vectored(ctx, libc::SYS_pwritev, fd, iov, iovcnt, &[pos_l, pos_h])
}

/// `preadv2` and `pwritev2` (beyond WALI's table; the entries name the
/// host call, `NR`): `preadv`/`pwritev` with `RWF_*` flags, which the kernel
/// judges. An offset of -1 means the descriptor's own position, as
/// natively: the guest's 64-bit `pos_l` is the whole offset on x86-64
/// (`pos_h` is what a 32-bit caller would pass).
fn vectored_with_flags<const NR: c_long>(
    ctx: &Ctx<'_>,
    fd: Fd,
    iov: GuestPtr<GuestIovec>,
    iovcnt: i32,
    pos_l: i64,
    pos_h: i64,
    flags: u32,
) -> SysResult {
    vectored(ctx, NR, fd, iov, iovcnt, &[pos_l, pos_h, flags.into()])
}

fn lseek(ctx: &Ctx<'_>, fd: Fd, offset: i64, whence: i32) -> SysResult {
    ctx.syscall(libc::SYS_lseek, &[fd.arg(), offset, whence.into()])
}

/// `sendfile(out_fd, in_fd, offset, count)`: the host's. The kernel reads
/// and advances the `off_t` at `offset` in place (NULL: `in_fd`'s own file
/// offset is used and advanced).
fn sendfile(ctx: &Ctx<'_>, out_fd: Fd, in_fd: Fd, offset: GuestPtr<i64>, count: u32) -> SysResult {
    ctx.syscall(libc::SYS_sendfile, &[out_fd.arg(), in_fd.arg(), offset.arg(ctx.mem)?, count.into()])
}

/// `splice` and `copy_file_range` (beyond WALI's table; the entries name
/// the host call, `NR`) move data between two descriptors inside the
/// kernel: through a pipe, or from file to file. Each side's offset is a
/// guest `loff_t` the kernel reads and advances in place, checked for its 8
/// bytes; NULL stays NULL (the descriptor's own position is used and
/// advanced).
pub(super) fn between<const NR: c_long>(
    ctx: &Ctx<'_>,
    fd_in: Fd,
    off_in: GuestPtr<i64>,
    fd_out: Fd,
    off_out: GuestPtr<i64>,
    len: u32,
    flags: u32,
) -> SysResult {
    let (off_in, off_out) = (off_in.arg(ctx.mem)?, off_out.arg(ctx.mem)?);
    ctx.syscall(NR, &[fd_in.arg(), off_in, fd_out.arg(), off_out, len.into(), flags.into()])
}

/// `tee` (beyond WALI's table): duplicates pipe contents; no memory.
fn tee(ctx: &Ctx<'_>, fd_in: Fd, fd_out: Fd, len: u32, flags: u32) -> SysResult {
    ctx.syscall(libc::SYS_tee, &[fd_in.arg(), fd_out.arg(), len.into(), flags.into()])
}

/// `vmsplice` (beyond WALI's table): its iovecs are checked and translated
/// as `writev`'s and `readv`'s are, so the kernel reaches only guest memory.
/// Into a pipe the kernel takes references to those guest pages rather
/// than copies, as natively (later stores by the guest show through, and a
/// page the guest unmaps meanwhile stays with the pipe, which holds it);
/// out of a pipe it copies, as `readv` does.
fn vmsplice(ctx: &Ctx<'_>, fd: Fd, iov: GuestPtr<GuestIovec>, nr_segs: u32, flags: u32) -> SysResult {
    // (A count beyond `int` is beyond the kernel's limit too: EINVAL.)
    let count = i32::try_from(nr_segs).unwrap_or(i32::MAX);
    vectored(ctx, libc::SYS_vmsplice, fd, iov, count, &[flags.into()])
}

fn close(ctx: &Ctx<'_>, fd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_close, &[fd.arg()])
}

/// `close_range` (beyond WALI's table; closing everything above 2 before an
/// exec): as `close` for each descriptor, or `CLOSE_RANGE_CLOEXEC`'s marking.
/// `CLOSE_RANGE_UNSHARE` gives the calling thread a table of its own, as it
/// does natively. The runtime's own descriptor is passed over
/// ([`hide_runtime_fd`](crate::kinds::hide_runtime_fd)).
fn close_range(ctx: &Ctx<'_>, first: u32, last: u32, flags: u32) -> SysResult {
    let close = |from: u32, to: u32| ctx.syscall(libc::SYS_close_range, &[from.into(), to.into(), flags.into()]);
    let Some(hidden) = runtime_fd().map(|fd| fd as u32).filter(|fd| (first..=last).contains(fd)) else {
        return close(first, last);
    };
    let below = (first < hidden).then(|| (first, hidden - 1));
    let above = (hidden < last).then(|| (hidden + 1, last));
    if below.is_none() && above.is_none() {
        // Nothing to close; a range past every descriptor still checks the
        // flags and unshares the table if asked.
        return close(u32::MAX, u32::MAX);
    }
    for (from, to) in below.into_iter().chain(above) {
        close(from, to)?;
    }
    Ok(0)
}

fn dup(ctx: &Ctx<'_>, oldfd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_dup, &[oldfd.arg()])
}

fn dup2(ctx: &Ctx<'_>, oldfd: Fd, newfd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_dup2, &[oldfd.arg(), newfd.arg()])
}

fn dup3(ctx: &Ctx<'_>, oldfd: Fd, newfd: Fd, flags: i32) -> SysResult {
    ctx.syscall(libc::SYS_dup3, &[oldfd.arg(), newfd.arg(), flags.into()])
}

fn pipe(ctx: &Ctx<'_>, pipefd: GuestPtr<FdPair>) -> SysResult {
    ctx.syscall(libc::SYS_pipe, &[pipefd.arg(ctx.mem)?])
}

fn pipe2(ctx: &Ctx<'_>, pipefd: GuestPtr<FdPair>, flags: i32) -> SysResult {
    ctx.syscall(libc::SYS_pipe2, &[pipefd.arg(ctx.mem)?, flags.into()])
}

/// How the kernel reads `fcntl`'s third argument, per command.
fn fcntl_arg(cmd: i32) -> Option<FcntlArg> {
    use FcntlArg::*;
    Some(match cmd {
        libc::F_DUPFD | libc::F_GETFD | libc::F_SETFD | libc::F_GETFL | libc::F_SETFL => Value,
        libc::F_SETOWN | libc::F_GETOWN | F_SETSIG | F_GETSIG => Value,
        libc::F_SETLEASE | libc::F_GETLEASE | libc::F_NOTIFY | libc::F_DUPFD_CLOEXEC => Value,
        libc::F_SETPIPE_SZ | libc::F_GETPIPE_SZ | libc::F_ADD_SEALS | libc::F_GET_SEALS => Value,
        libc::F_GETLK | libc::F_SETLK | libc::F_SETLKW => Pointer(size_of::<abi::Flock>()),
        libc::F_OFD_GETLK | libc::F_OFD_SETLK | libc::F_OFD_SETLKW => Pointer(size_of::<abi::Flock>()),
        // struct f_owner_ex, uid_t[2], and the u64 read/write hints
        F_SETOWN_EX | F_GETOWN_EX | F_GETOWNER_UIDS => Pointer(8),
        F_GET_RW_HINT..=F_SET_FILE_RW_HINT => Pointer(8),
        _ => return None,
    })
}

// x86-64 fcntl command numbers that the libc crate does not name.
const F_SETSIG: i32 = 10;
const F_GETSIG: i32 = 11;
const F_SETOWN_EX: i32 = 15;
const F_GETOWN_EX: i32 = 16;
const F_GETOWNER_UIDS: i32 = 17;
const F_GET_RW_HINT: i32 = 1035;
const F_SET_FILE_RW_HINT: i32 = 1038;

enum FcntlArg {
    Value,
    Pointer(usize),
}

/// `fcntl`: integer commands pass through; structure commands get their
/// pointer translated; commands Lamina does not know are refused with
/// `EINVAL` (the kernel's answer to an unknown command) rather than letting
/// the kernel read a guest integer as a host pointer.
fn fcntl(ctx: &Ctx<'_>, fd: Fd, cmd: i32, arg: u64) -> SysResult {
    let arg = match fcntl_arg(cmd) {
        Some(FcntlArg::Value) => arg as i64,
        // The guest passes the address in an `unsigned long`; one beyond 32
        // bits is outside its memory, not an alias of the low half.
        Some(FcntlArg::Pointer(len)) => GuestBuf(u32::try_from(arg).map_err(|_| Errno::EFAULT)?).arg(ctx.mem, len)?,
        None => {
            ctx.process.warn_once(&format!("fcntl:{cmd}"), || format!("fcntl command {cmd} is not supported"));
            return Err(Errno::EINVAL.into());
        }
    };
    ctx.syscall(libc::SYS_fcntl, &[fd.arg(), cmd.into(), arg])
}

/// What `ioctl`'s third argument is for the requests Lamina supports.
fn ioctl_arg(request: u32) -> Option<IoctlArg> {
    use IoctlArg::*;
    Some(match request as libc::c_ulong {
        libc::TCGETS | libc::TCSETS | libc::TCSETSW | libc::TCSETSF => In(size_of::<abi::Termios>()),
        libc::TIOCGWINSZ | libc::TIOCSWINSZ => In(size_of::<abi::Winsize>()),
        libc::TIOCGPGRP | libc::TIOCSPGRP | libc::TIOCGSID | libc::FIONREAD | libc::TIOCOUTQ => In(4),
        libc::FIONBIO | libc::FIOASYNC | libc::TIOCGPTN | libc::TIOCSPTLCK | libc::TIOCMGET => In(4),
        libc::TIOCMSET | libc::TIOCMBIS | libc::TIOCMBIC | libc::TIOCGETD | libc::TIOCSETD => In(4),
        libc::TCSBRK | libc::TCXONC | libc::TCFLSH | libc::TIOCSCTTY | libc::TCSBRKP => Value,
        libc::TIOCNOTTY | libc::TIOCEXCL | libc::TIOCNXCL | libc::FIOCLEX | libc::FIONCLEX => Value,
        libc::TIOCSBRK | libc::TIOCCBRK => Value,
        // Interface queries (`if_nametoindex`, `if_indextoname`): a struct
        // ifreq whose union holds a name, number or sockaddr for these, never
        // the pointer some other requests put there.
        libc::SIOCGIFNAME | libc::SIOCGIFINDEX | libc::SIOCGIFFLAGS | libc::SIOCGIFMTU | libc::SIOCGIFHWADDR => {
            In(IFREQ_SIZE)
        }
        libc::SIOCGIFADDR | libc::SIOCGIFDSTADDR | libc::SIOCGIFBRDADDR | libc::SIOCGIFNETMASK => In(IFREQ_SIZE),
        _ => return None,
    })
}

/// `struct ifreq`: a 16-byte name and a 24-byte union (`struct ifmap` has
/// 8-byte `long`s in the guest too), the same on both sides.
const IFREQ_SIZE: usize = 40;

enum IoctlArg {
    /// An integer (or unused) argument.
    Value,
    /// A pointer to this many bytes, read and/or written by the kernel.
    In(usize),
}

/// `ioctl` for the terminal and descriptor requests programs use (`isatty`,
/// line editing, window size, job control, non-blocking mode) and network
/// interface lookups. Other requests
/// are refused with `ENOTTY` and a one-time warning: their argument layout is
/// unknown, so it cannot be checked against guest memory.
fn ioctl(ctx: &Ctx<'_>, fd: Fd, request: u32, argp: u32) -> SysResult {
    let arg = match ioctl_arg(request) {
        Some(IoctlArg::Value) => argp.into(),
        Some(IoctlArg::In(len)) => GuestBuf(argp).arg(ctx.mem, len)?,
        None => {
            ctx.process.warn_once(&format!("ioctl:{request:#x}"), || {
                format!("ioctl request {request:#x} is not supported; the guest gets ENOTTY")
            });
            return Err(SysError::Errno(Errno::ENOTTY));
        }
    };
    ctx.syscall(libc::SYS_ioctl, &[fd.arg(), request.into(), arg])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_size_arguments_match_the_host_structures() {
        assert_eq!(size_of::<libc::ifreq>(), IFREQ_SIZE);
        assert_eq!(size_of::<libc::winsize>(), size_of::<abi::Winsize>());
        assert_eq!(size_of::<libc::flock>(), size_of::<abi::Flock>());
        assert!(matches!(ioctl_arg(libc::SIOCGIFINDEX as u32), Some(IoctlArg::In(IFREQ_SIZE))));
        // SIOCGIFCONF's struct ifconf holds a pointer: not accepted.
        assert!(ioctl_arg(libc::SIOCGIFCONF as u32).is_none());
    }

    #[test]
    fn fcntl_pointers_above_4_gib_are_outside_the_guest() {
        use crate::ctx::{Process, ProcessConfig, ThreadState};
        let (_keep, mem) = lamina_memory::TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let arg = (1 << 32) | 64;
        assert!(matches!(fcntl(&ctx, Fd(0), libc::F_GETLK, arg), Err(SysError::Errno(Errno::EFAULT))));
    }
}
