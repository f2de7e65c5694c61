//! Descriptor I/O: read/write and their vector and positioned forms, seeking,
//! duplication, pipes, `fcntl` and `ioctl`.

use libc::c_long;

use super::buf;
use crate::abi::{self, read_iovecs};
use crate::ctx::Ctx;
use crate::errno::{Errno, SysError, SysResult};
use crate::host::{self, syscall};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(read => read, [fd: Fd, buf: OutBuf, count: UInt]),
    syscall!(write => write, [fd: Fd, buf: InBuf(2), count: UInt]),
    syscall!(pread64 => pread64, [fd: Fd, buf: OutBuf, count: UInt, offset: Long]),
    syscall!(pwrite64 => pwrite64, [fd: Fd, buf: InBuf(2), count: UInt, offset: Long]),
    syscall!(readv => readv, [fd: Fd, iov: Struct("iovec"), iovcnt: Int]),
    syscall!(writev => writev, [fd: Fd, iov: Struct("iovec"), iovcnt: Int]),
    syscall!(preadv => preadv, [fd: Fd, iov: Struct("iovec"), iovcnt: Int, pos_l: Long, pos_h: Long]),
    syscall!(lseek => lseek, [fd: Fd, offset: Long, whence: Int]),
    syscall!(close => close, [fd: Fd]),
    syscall!(dup => dup, [oldfd: Fd]),
    syscall!(dup2 => dup2, [oldfd: Fd, newfd: Fd]),
    syscall!(dup3 => dup3, [oldfd: Fd, newfd: Fd, flags: OpenFlags]),
    syscall!(pipe => pipe, [pipefd: Ptr]),
    syscall!(pipe2 => pipe2, [pipefd: Ptr, flags: OpenFlags]),
    syscall!(fcntl => fcntl, [fd: Fd, cmd: Int, arg: ULong]),
    syscall!(ioctl => ioctl, [fd: Fd, request: Hex, argp: Ptr]),
];

fn read(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_read, &[a.int_arg(0), buf(ctx, a.ptr(1), a.len(2))?, a.len(2) as i64])
}

fn write(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_write, &[a.int_arg(0), buf(ctx, a.ptr(1), a.len(2))?, a.len(2) as i64])
}

fn pread64(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_pread64, &[a.int_arg(0), buf(ctx, a.ptr(1), a.len(2))?, a.len(2) as i64, a.long(3)])
}

fn pwrite64(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_pwrite64, &[a.int_arg(0), buf(ctx, a.ptr(1), a.len(2))?, a.len(2) as i64, a.long(3)])
}

/// The vector calls share one shape: translate the iovec array, then issue.
fn vectored(ctx: &Ctx<'_>, nr: c_long, a: &Args, extra: &[i64]) -> SysResult {
    let iov = read_iovecs(ctx.mem, a.ptr(1), a.int_arg(2))?;
    let mut args = vec![a.int_arg(0), host::ptr(iov.as_ptr()), iov.len() as i64];
    args.extend_from_slice(extra);
    syscall(nr, &args)
}

fn readv(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    vectored(ctx, libc::SYS_readv, a, &[])
}

fn writev(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    vectored(ctx, libc::SYS_writev, a, &[])
}

fn preadv(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    vectored(ctx, libc::SYS_preadv, a, &[a.long(3), a.long(4)])
}

fn lseek(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_lseek, &[a.int_arg(0), a.long(1), a.int_arg(2)])
}

fn close(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_close, &[a.int_arg(0)])
}

fn dup(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_dup, &[a.int_arg(0)])
}

fn dup2(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_dup2, &[a.int_arg(0), a.int_arg(1)])
}

fn dup3(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_dup3, &[a.int_arg(0), a.int_arg(1), a.int_arg(2)])
}

fn pipe(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_pipe, &[buf(ctx, a.ptr(0), 8)?])
}

fn pipe2(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_pipe2, &[buf(ctx, a.ptr(0), 8)?, a.int_arg(1)])
}

/// How the kernel reads `fcntl`'s third argument, per command.
fn fcntl_arg(cmd: i32) -> Option<FcntlArg> {
    use FcntlArg::*;
    Some(match cmd {
        libc::F_DUPFD | libc::F_GETFD | libc::F_SETFD | libc::F_GETFL | libc::F_SETFL => Value,
        libc::F_SETOWN | libc::F_GETOWN | F_SETSIG | F_GETSIG => Value,
        libc::F_SETLEASE | libc::F_GETLEASE | libc::F_NOTIFY | libc::F_DUPFD_CLOEXEC => Value,
        libc::F_SETPIPE_SZ | libc::F_GETPIPE_SZ | libc::F_ADD_SEALS | libc::F_GET_SEALS => Value,
        libc::F_GETLK | libc::F_SETLK | libc::F_SETLKW => Pointer(abi::FLOCK_SIZE),
        libc::F_OFD_GETLK | libc::F_OFD_SETLK | libc::F_OFD_SETLKW => Pointer(abi::FLOCK_SIZE),
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
fn fcntl(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let cmd = a.int(1);
    let arg = match fcntl_arg(cmd) {
        Some(FcntlArg::Value) => a.long(2),
        // The guest passes the address in an `unsigned long`; one beyond 32
        // bits is outside its memory, not an alias of the low half.
        Some(FcntlArg::Pointer(len)) => buf(ctx, u32::try_from(a.long(2) as u64).map_err(|_| Errno::EFAULT)?, len)?,
        None => {
            ctx.process.warn_once(&format!("fcntl:{cmd}"), || format!("fcntl command {cmd} is not supported"));
            return Err(Errno::EINVAL.into());
        }
    };
    syscall(libc::SYS_fcntl, &[a.int_arg(0), cmd as i64, arg])
}

/// What `ioctl`'s third argument is for the requests Lamina supports.
fn ioctl_arg(request: u32) -> Option<IoctlArg> {
    use IoctlArg::*;
    Some(match request as libc::c_ulong {
        libc::TCGETS | libc::TCSETS | libc::TCSETSW | libc::TCSETSF => In(abi::TERMIOS_KERNEL_SIZE),
        libc::TIOCGWINSZ | libc::TIOCSWINSZ => In(abi::WINSIZE_SIZE),
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
fn ioctl(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let request = a.uint(1);
    let arg = match ioctl_arg(request) {
        Some(IoctlArg::Value) => a.uint(2) as i64,
        Some(IoctlArg::In(len)) => buf(ctx, a.ptr(2), len)?,
        None => {
            ctx.process.warn_once(&format!("ioctl:{request:#x}"), || {
                format!("ioctl request {request:#x} is not supported; the guest gets ENOTTY")
            });
            return Err(SysError::Errno(Errno::ENOTTY));
        }
    };
    syscall(libc::SYS_ioctl, &[a.int_arg(0), request as i64, arg])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_size_arguments_match_the_host_structures() {
        assert_eq!(size_of::<libc::ifreq>(), IFREQ_SIZE);
        assert_eq!(size_of::<libc::winsize>(), abi::WINSIZE_SIZE);
        assert_eq!(size_of::<libc::flock>(), abi::FLOCK_SIZE);
        assert!(matches!(ioctl_arg(libc::SIOCGIFINDEX as u32), Some(IoctlArg::In(IFREQ_SIZE))));
        // SIOCGIFCONF's struct ifconf holds a pointer: not accepted.
        assert!(ioctl_arg(libc::SIOCGIFCONF as u32).is_none());
    }

    #[test]
    fn fcntl_pointers_above_4_gib_are_outside_the_guest() {
        use crate::ctx::{Process, ProcessConfig};
        let (_keep, mem) = lamina_memory::TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let ctx = Ctx { mem: &mem, process: &process, thread: &crate::ctx::ThreadState::default() };
        let args = Args([0, libc::F_GETLK as u64, (1 << 32) | 64, 0, 0, 0]);
        assert!(matches!(fcntl(&ctx, &args), Err(SysError::Errno(Errno::EFAULT))));
    }
}
