//! Sockets: creation, naming, connections, data transfer and options.
//!
//! Socket addresses, the `int[2]` of `socketpair`, option values and control
//! messages (`cmsghdr`) have the same bytes for a WALI guest as for the x86-64
//! kernel, so they are passed in place once the range the kernel touches is
//! known to be inside guest memory. Only `msghdr` and its iovecs are converted
//! (see [`HostMsghdr`]), and `mmsghdr` vectors, one `msghdr` at a time.
//!
//! Value-result lengths (`socklen_t *addrlen`, `optlen`) are copied into a host
//! word that the kernel reads and updates, and copied back after the call: the
//! kernel sizes its writes by the length it reads, and another guest thread
//! could otherwise enlarge the guest's word between our bounds check and the
//! kernel's read.
//!
//! A few socket options carry host pointers inside their value, or make the
//! kernel write past `optlen`; those are refused (see [`REFUSED_OPTIONS`]).

use std::ops::RangeInclusive;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use lamina_memory::{GuestBuf, GuestPtr};
use libc::c_long;

use crate::abi::{self, FdPair, GuestMmsghdr, GuestMsghdr, HostMsghdr, Timespec};
use crate::ctx::Ctx;
use crate::entry::Blocking::Restartable;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{
    Fd, InBuf, Int, LenPtr, MsgFlags, OutBuf, Ptr, SockDomain, SockFlags, SockProto, SockType, Sockaddr, SockaddrOut,
    Struct, UInt,
};
use crate::policy::{Address, Policy, socket_address};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(socket => socket, [domain: SockDomain, socktype: SockType, protocol: SockProto<0>]),
    syscall!(socketpair => socketpair, [
        domain: SockDomain, socktype: SockType, protocol: SockProto<0>, sv: Struct<FdPair>,
    ]),
    syscall!(bind => bind, [sockfd: Fd, addr: Sockaddr<2>, addrlen: UInt]),
    syscall!(connect => connect, [sockfd: Fd, addr: Sockaddr<2>, addrlen: UInt], Restartable),
    syscall!(listen => listen, [sockfd: Fd, backlog: Int]),
    syscall!(accept => accept, [sockfd: Fd, addr: SockaddrOut<2>, addrlen: LenPtr], Restartable),
    syscall!(accept4 => accept4, [sockfd: Fd, addr: SockaddrOut<2>, addrlen: LenPtr, flags: SockFlags], Restartable),
    syscall!(getsockname => getsockname, [sockfd: Fd, addr: SockaddrOut<2>, addrlen: LenPtr]),
    syscall!(getpeername => getpeername, [sockfd: Fd, addr: SockaddrOut<2>, addrlen: LenPtr]),
    syscall!(sendto => sendto, [
        sockfd: Fd, buf: InBuf<2>, len: UInt, flags: MsgFlags, dest_addr: Sockaddr<5>, addrlen: UInt,
    ], Restartable),
    syscall!(recvfrom => recvfrom, [
        sockfd: Fd, buf: OutBuf, len: UInt, flags: MsgFlags, src_addr: SockaddrOut<5>, addrlen: LenPtr,
    ], Restartable),
    syscall!(sendmsg => sendmsg, [sockfd: Fd, msg: Struct<GuestMsghdr>, flags: MsgFlags], Restartable),
    syscall!(recvmsg => recvmsg, [sockfd: Fd, msg: Struct<GuestMsghdr>, flags: MsgFlags], Restartable),
    syscall!(sendmmsg => sendmmsg, [sockfd: Fd, msgvec: Struct<GuestMmsghdr>, vlen: UInt, flags: MsgFlags], Restartable),
    syscall!(recvmmsg => recvmmsg, [
        sockfd: Fd, msgvec: Struct<GuestMmsghdr>, vlen: UInt, flags: MsgFlags, timeout: Struct<Timespec>,
    ], Restartable),
    syscall!(shutdown => shutdown, [sockfd: Fd, how: Int]),
    syscall!(setsockopt => setsockopt, [sockfd: Fd, level: Int, optname: Int, optval: InBuf<4>, optlen: UInt]),
    syscall!(getsockopt => getsockopt, [sockfd: Fd, level: Int, optname: Int, optval: Ptr, optlen: LenPtr]),
];

/// `sizeof(struct sockaddr_storage)`: the kernel never reads or writes a
/// longer socket address.
const SOCKADDR_STORAGE_SIZE: u32 = linux_raw_sys::net::_K_SS_MAXSIZE;

/// `sizeof(struct sock_filter)`: `SO_GET_FILTER` counts its buffer in these.
const SOCK_FILTER_SIZE: usize = size_of::<libc::sock_filter>();

fn socket(ctx: &Ctx<'_>, domain: i32, socktype: i32, protocol: i32) -> SysResult {
    check_family(ctx, domain, socktype)?;
    ctx.syscall(libc::SYS_socket, &[domain.into(), socktype.into(), protocol.into()])
}

fn socketpair(ctx: &Ctx<'_>, domain: i32, socktype: i32, protocol: i32, sv: GuestPtr<FdPair>) -> SysResult {
    check_family(ctx, domain, socktype)?;
    ctx.syscall(libc::SYS_socketpair, &[domain.into(), socktype.into(), protocol.into(), sv.arg(ctx.mem)?])
}

/// Under a sandbox policy, only the socket families it allows.
fn check_family(ctx: &Ctx<'_>, domain: i32, socktype: i32) -> Result<(), Errno> {
    ctx.process.policy.as_ref().map_or(Ok(()), |p| p.check_socket(domain, socktype))
}

fn bind(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: u32) -> SysResult {
    with_address(ctx, libc::SYS_bind, sockfd, address_in(ctx, addr, addrlen, Use::Bind)?)
}

fn connect(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: u32) -> SysResult {
    with_address(ctx, libc::SYS_connect, sockfd, address_in(ctx, addr, addrlen, Use::Reach)?)
}

/// `bind` and `connect` share one shape: a socket and an address it reads.
fn with_address(ctx: &Ctx<'_>, nr: c_long, sockfd: Fd, addr: AddressIn) -> SysResult {
    ctx.syscall(nr, &[sockfd.arg(), addr.arg(), addr.len.into()])
}

fn listen(ctx: &Ctx<'_>, sockfd: Fd, backlog: i32) -> SysResult {
    ctx.syscall(libc::SYS_listen, &[sockfd.arg(), backlog.into()])
}

fn shutdown(ctx: &Ctx<'_>, sockfd: Fd, how: i32) -> SysResult {
    ctx.syscall(libc::SYS_shutdown, &[sockfd.arg(), how.into()])
}

/// `accept` is the kernel's `accept4` without flags.
fn accept(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>) -> SysResult {
    accept_with(ctx, sockfd, addr, addrlen, 0)
}

fn accept4(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>, flags: i32) -> SysResult {
    accept_with(ctx, sockfd, addr, addrlen, flags.into())
}

fn accept_with(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>, flags: i64) -> SysResult {
    with_len(ctx, addr, len_if_address(addr, addrlen), address_extent, |addr, len| {
        ctx.syscall(libc::SYS_accept4, &[sockfd.arg(), addr, len, flags])
    })
}

fn getsockname(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>) -> SysResult {
    socket_name(ctx, libc::SYS_getsockname, sockfd, addr, addrlen)
}

fn getpeername(ctx: &Ctx<'_>, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>) -> SysResult {
    socket_name(ctx, libc::SYS_getpeername, sockfd, addr, addrlen)
}

/// `getsockname` and `getpeername`: the kernel always reads the length word,
/// even without an address buffer (a zero length then just reports the size).
fn socket_name(ctx: &Ctx<'_>, nr: c_long, sockfd: Fd, addr: GuestBuf, addrlen: GuestPtr<u32>) -> SysResult {
    with_len(ctx, addr, addrlen, address_extent, |addr, len| ctx.syscall(nr, &[sockfd.arg(), addr, len]))
}

fn sendto(
    ctx: &Ctx<'_>,
    sockfd: Fd,
    buf: GuestBuf,
    len: u32,
    flags: i32,
    dest_addr: GuestBuf,
    addrlen: u32,
) -> SysResult {
    let data = buf.arg(ctx.mem, len as usize)?;
    let dest = address_in(ctx, dest_addr, addrlen, Use::Reach)?;
    ctx.syscall(libc::SYS_sendto, &[sockfd.arg(), data, len.into(), flags.into(), dest.arg(), dest.len.into()])
}

fn recvfrom(
    ctx: &Ctx<'_>,
    sockfd: Fd,
    buf: GuestBuf,
    len: u32,
    flags: i32,
    src_addr: GuestBuf,
    addrlen: GuestPtr<u32>,
) -> SysResult {
    let data = buf.arg(ctx.mem, len as usize)?;
    with_len(ctx, src_addr, len_if_address(src_addr, addrlen), address_extent, |addr, addr_len| {
        ctx.syscall(libc::SYS_recvfrom, &[sockfd.arg(), data, len.into(), flags.into(), addr, addr_len])
    })
}

/// A socket address the kernel reads (`bind`, `connect`, `sendto`, the name
/// of `sendmsg`), copied out of guest memory: the copy is what a sandbox
/// policy checks and what the kernel reads, so another guest thread cannot
/// change it in between. The kernel refuses a length over
/// `sizeof(struct sockaddr_storage)` (or negative) with `EINVAL` before
/// reading; a NULL address goes to the kernel, which decides what it means
/// with that length.
struct AddressIn {
    bytes: [u8; SOCKADDR_STORAGE_SIZE as usize],
    len: u32,
    null: bool,
    /// A named Unix socket the policy resolved: its `O_PATH` descriptor,
    /// which the address then names (`/proc/self/fd/N`), so the socket the
    /// kernel reaches is the one that was checked.
    _resolved: Option<OwnedFd>,
}

impl AddressIn {
    fn arg(&self) -> i64 {
        if self.null { 0 } else { host::ptr(self.bytes.as_ptr()) }
    }
}

/// What a socket address is used for: binding creates a named Unix socket
/// (which Landlock allows only in writable directories), the others reach
/// an existing one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Bind,
    Reach,
}

fn address_in(ctx: &Ctx<'_>, addr: GuestBuf, len: u32, purpose: Use) -> Result<AddressIn, SysError> {
    let mut copy = AddressIn { bytes: [0; SOCKADDR_STORAGE_SIZE as usize], len, null: addr.is_null(), _resolved: None };
    if copy.null {
        return Ok(copy);
    }
    if len > SOCKADDR_STORAGE_SIZE {
        return Err(Errno::EINVAL.into());
    }
    let n = len as usize;
    copy.bytes[..n].copy_from_slice(&addr.read(ctx.mem, n)?);
    if let Some(policy) = &ctx.process.policy {
        policy.check_address(&copy.bytes[..n])?;
        if let (Some(Address::UnixPath(path)), Use::Reach) = (socket_address(&copy.bytes[..n]), purpose) {
            let fd = resolve_unix_socket(policy, path)?;
            let name = format!("/proc/self/fd/{}\0", fd.as_raw_fd());
            copy.bytes[2..2 + name.len()].copy_from_slice(name.as_bytes());
            copy.len = (2 + name.len()) as u32;
            copy._resolved = Some(fd);
        }
    }
    Ok(copy)
}

/// Opens a named Unix socket's path without following a last symlink
/// anywhere but where it points (`O_PATH`: no access to the socket yet) and
/// checks where it really is against the policy's directories.
fn resolve_unix_socket(policy: &Policy, path: &std::ffi::CStr) -> Result<OwnedFd, SysError> {
    let fd = host::syscall(libc::SYS_openat, &[libc::AT_FDCWD.into(), host::ptr(path.as_ptr()), O_PATH_CLOEXEC, 0])?;
    // SAFETY: a descriptor the kernel just returned, owned here.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    let real = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).map_err(|_| Errno::EACCES)?;
    if policy.allows_path(&real, false) { Ok(fd) } else { Err(Errno::EACCES.into()) }
}

const O_PATH_CLOEXEC: i64 = (libc::O_PATH | libc::O_CLOEXEC) as i64;

/// `accept` and `recvfrom` ignore the length word when there is no address
/// buffer, so it is not read either.
fn len_if_address(addr: GuestBuf, len_at: GuestPtr<u32>) -> GuestPtr<u32> {
    if addr.is_null() { GuestPtr::new(0) } else { len_at }
}

/// The kernel writes at most the address's own size, and never more than
/// `sizeof(struct sockaddr_storage)`, into an address buffer of `len` bytes.
fn address_extent(len: u32) -> usize {
    len.min(SOCKADDR_STORAGE_SIZE) as usize
}

/// A length the kernel takes as a C `int`: negative ones it refuses before
/// touching the buffer they describe, so they describe no bytes.
fn nonnegative(len: u32) -> u32 {
    if (len as i32) < 0 { 0 } else { len }
}

/// Runs `call(buffer, length word)` for a buffer whose size the kernel reads
/// from the guest `socklen_t` at `len_at` and reports back there.
///
/// `extent(len)` is how many bytes of the buffer the kernel may write for a
/// size of `len`. The kernel reads and updates a host copy of the word, which
/// is written back if it changed (the kernel updates it on success, and for
/// some options on failure too).
fn with_len(
    ctx: &Ctx<'_>,
    buf: GuestBuf,
    len_at: GuestPtr<u32>,
    extent: impl Fn(u32) -> usize,
    call: impl FnOnce(i64, i64) -> SysResult,
) -> SysResult {
    if len_at.is_null() {
        // The kernel fails reading the NULL word before it writes the buffer.
        return call(buf.arg(ctx.mem, 0)?, 0);
    }
    let before = len_at.read(ctx.mem)?;
    let mut len = before;
    let data = buf.arg(ctx.mem, extent(nonnegative(before)))?;
    let result = call(data, host::ptr(&raw mut len));
    if len != before {
        len_at.write(ctx.mem, len)?;
    }
    result
}

/// A message as `sendmsg` sends it: the host header and the private,
/// checked copy of its destination, which the header names once the message
/// stays where it is ([`header`](Self::header)).
struct Outgoing {
    msg: HostMsghdr,
    name: AddressIn,
}

impl Outgoing {
    fn new(ctx: &Ctx<'_>, guest: &GuestMsghdr) -> Result<Self, SysError> {
        // The kernel refuses this much control data before reading any.
        if guest.controllen > i32::MAX as u32 {
            return Err(Errno::ENOBUFS.into());
        }
        let msg = host_msghdr(ctx, guest)?;
        // The destination, copied and checked like `sendto`'s.
        let name = address_in(ctx, GuestBuf(guest.name), msg.hdr.msg_namelen, Use::Reach)?;
        Ok(Outgoing { msg, name })
    }

    /// The header the kernel reads, naming the copy of the destination.
    fn header(&self) -> libc::msghdr {
        let mut hdr = self.msg.hdr;
        if !self.name.null {
            hdr.msg_name = self.name.bytes.as_ptr().cast_mut().cast();
            hdr.msg_namelen = self.name.len;
        }
        hdr
    }

    fn has_control(&self) -> bool {
        self.msg.hdr.msg_controllen > 0
    }
}

fn sendmsg(ctx: &Ctx<'_>, sockfd: Fd, msg: GuestPtr<GuestMsghdr>, flags: i32) -> SysResult {
    let out = Outgoing::new(ctx, &msg.read(ctx.mem)?)?;
    if out.has_control() {
        refuse_rds_control(ctx, sockfd)?;
    }
    ctx.syscall(libc::SYS_sendmsg, &[sockfd.arg(), host::ptr(&out.header()), flags.into()])
}

/// `recvmsg`, writing back what the kernel reports in the header: the
/// lengths of the name and control data received, and the flags.
fn recvmsg(ctx: &Ctx<'_>, sockfd: Fd, msg: GuestPtr<GuestMsghdr>, flags: i32) -> SysResult {
    let guest = msg.read(ctx.mem)?;
    let mut host_msg = host_msghdr(ctx, &guest)?;
    let n = ctx.syscall(libc::SYS_recvmsg, &[sockfd.arg(), host::ptr(&raw mut host_msg.hdr), flags.into()])?;
    received(ctx, msg, &guest, host_msg.hdr)?;
    Ok(n)
}

/// Writes back what the kernel reported in the header of a message received
/// with guest header `guest` at `msg`.
fn received(ctx: &Ctx<'_>, msg: GuestPtr<GuestMsghdr>, guest: &GuestMsghdr, mut hdr: libc::msghdr) -> SysResult {
    // Without a name buffer the kernel leaves the guest's name length alone.
    if guest.name == 0 {
        hdr.msg_namelen = guest.namelen;
    }
    GuestMsghdr::write_back(ctx.mem, msg, &hdr)?;
    Ok(0)
}

/// The most messages one `sendmmsg` or `recvmmsg` handles: the kernel cuts
/// a longer vector to `UIO_MAXIOV` entries without a word.
const MMSG_MAX: u32 = abi::IOV_MAX as u32;

/// Guest address of entry `i` of an `mmsghdr` vector: `EFAULT` for a NULL
/// vector (guest address 0 is memory, but not to a native caller) and past
/// 4 GiB, which is never guest memory, rather than wrapping to low addresses.
fn mmsg_entry(msgvec: GuestPtr<GuestMmsghdr>, i: usize) -> Result<GuestPtr<GuestMmsghdr>, Errno> {
    if msgvec.is_null() {
        return Err(Errno::EFAULT);
    }
    let addr = u64::from(msgvec.addr()) + (i * size_of::<GuestMmsghdr>()) as u64;
    u32::try_from(addr).map(GuestPtr::new).map_err(|_| Errno::EFAULT)
}

/// The entries of an `mmsghdr` vector, each read and translated in order by
/// `translate`. The kernel goes through a vector one message at a time and
/// reports how many it handled, so an entry that cannot be translated ends
/// the batch before it; only a failing first entry fails the call. Even then
/// the kernel looks at the descriptor and flags first: the call is made with
/// a NULL vector, whose `EFAULT` means they passed and the entry's own error
/// is the answer.
fn mmsg_batch<T>(
    ctx: &Ctx<'_>,
    nr: c_long,
    sockfd: Fd,
    (msgvec, vlen): (GuestPtr<GuestMmsghdr>, u32),
    flags: i32,
    mut translate: impl FnMut(&GuestMsghdr) -> Result<T, SysError>,
) -> Result<Vec<T>, SysError> {
    let mut batch = Vec::new();
    for i in 0..vlen.min(MMSG_MAX) as usize {
        let entry = mmsg_entry(msgvec, i).map_err(SysError::from);
        match entry.and_then(|e| Ok(e.read(ctx.mem)?)).and_then(|m| translate(&m.hdr)) {
            Ok(item) => batch.push(item),
            Err(_) if !batch.is_empty() => break,
            Err(e) => {
                return match host::syscall(nr, &[sockfd.arg(), 0, 1, flags.into(), 0]) {
                    Err(SysError::Errno(Errno::EFAULT)) | Ok(_) => Err(e),
                    Err(kernel) => Err(kernel),
                };
            }
        }
    }
    Ok(batch)
}

/// Writes back the byte count of each of the first `n` messages.
fn write_msg_lens(ctx: &Ctx<'_>, msgvec: GuestPtr<GuestMmsghdr>, hosts: &[libc::mmsghdr], n: i64) -> SysResult {
    for (i, host) in hosts.iter().enumerate().take(n as usize) {
        let at = mmsg_entry(msgvec, i)?.addr() + size_of::<GuestMsghdr>() as u32;
        ctx.mem.write(at, host.msg_len)?;
    }
    Ok(n)
}

/// Several `sendmsg`s in one call: every message is translated and its
/// destination checked as `sendmsg` does.
fn sendmmsg(ctx: &Ctx<'_>, sockfd: Fd, msgvec: GuestPtr<GuestMmsghdr>, vlen: u32, flags: i32) -> SysResult {
    let nr = libc::SYS_sendmmsg;
    let outs = mmsg_batch(ctx, nr, sockfd, (msgvec, vlen), flags, |g| Outgoing::new(ctx, g))?;
    if outs.iter().any(Outgoing::has_control) {
        refuse_rds_control(ctx, sockfd)?;
    }
    let mut hosts: Vec<libc::mmsghdr> =
        outs.iter().map(|o| libc::mmsghdr { msg_hdr: o.header(), msg_len: 0 }).collect();
    let n = ctx.syscall(nr, &[sockfd.arg(), host::ptr(hosts.as_mut_ptr()), hosts.len() as i64, flags.into()])?;
    write_msg_lens(ctx, msgvec, &hosts, n)
}

/// Several `recvmsg`s in one call; each message received gets its header
/// fields written back as `recvmsg` does, and its byte count. The timeout
/// (the kernel reads it first, and writes back the time left) is the guest's
/// `timespec`, in place.
fn recvmmsg(
    ctx: &Ctx<'_>,
    sockfd: Fd,
    msgvec: GuestPtr<GuestMmsghdr>,
    vlen: u32,
    flags: i32,
    timeout: GuestPtr<Timespec>,
) -> SysResult {
    let nr = libc::SYS_recvmmsg;
    let timeout = timeout.arg(ctx.mem)?;
    let ins = mmsg_batch(ctx, nr, sockfd, (msgvec, vlen), flags, |g| Ok((*g, host_msghdr(ctx, g)?)))?;
    let mut hosts: Vec<libc::mmsghdr> = ins.iter().map(|(_, m)| libc::mmsghdr { msg_hdr: m.hdr, msg_len: 0 }).collect();
    let args = [sockfd.arg(), host::ptr(hosts.as_mut_ptr()), hosts.len() as i64, flags.into(), timeout];
    let n = ctx.syscall(nr, &args)?;
    for (i, (host, (guest, _))) in hosts.iter().zip(&ins).enumerate().take(n as usize) {
        received(ctx, mmsg_entry(msgvec, i)?.cast(), guest, host.msg_hdr)?;
    }
    write_msg_lens(ctx, msgvec, &hosts, n)
}

/// The host `msghdr` for a guest one, normalized first as the kernel's
/// `__copy_msghdr` does, so that the ranges checked are the ones the kernel
/// uses: a name length means nothing without a name, a negative one is
/// `EINVAL`, a longer one than `sizeof(struct sockaddr_storage)` is cut to
/// it; more than `UIO_MAXIOV` iovecs is `EMSGSIZE`.
fn host_msghdr(ctx: &Ctx<'_>, guest: &GuestMsghdr) -> Result<HostMsghdr, SysError> {
    let mut g = *guest;
    if g.name == 0 {
        g.namelen = 0;
    }
    if (g.namelen as i32) < 0 {
        return Err(Errno::EINVAL.into());
    }
    g.namelen = g.namelen.min(SOCKADDR_STORAGE_SIZE);
    // The guest's int count is the low half of the kernel's size_t.
    if g.iovlen as u32 as usize > abi::IOV_MAX {
        return Err(Errno::EMSGSIZE.into());
    }
    let mut msg = HostMsghdr::new(ctx.mem, &g)?;
    // A NULL control buffer keeps its length, for the kernel to judge
    // (`sendmsg`: EFAULT; `recvmsg`: MSG_CTRUNC).
    msg.hdr.msg_controllen = g.controllen as usize;
    Ok(msg)
}

/// RDS control messages carry host addresses that the kernel dereferences
/// (RDMA arguments and atomic operands), so a guest may not send control data
/// on an RDS socket. Every other family's control messages are plain data.
fn refuse_rds_control(ctx: &Ctx<'_>, sockfd: Fd) -> Result<(), SysError> {
    let mut domain: i32 = 0;
    let mut len: u32 = size_of::<i32>() as u32;
    let (level, name) = (libc::SOL_SOCKET.into(), libc::SO_DOMAIN.into());
    let args = [sockfd.arg(), level, name, host::ptr(&raw mut domain), host::ptr(&raw mut len)];
    host::syscall(libc::SYS_getsockopt, &args)?;
    if domain != libc::AF_RDS {
        return Ok(());
    }
    ctx.process.warn_once("sendmsg:rds-control", || {
        "control messages on RDS sockets are not supported (they hold host addresses); the guest gets EOPNOTSUPP"
            .to_string()
    });
    Err(Errno::EOPNOTSUPP.into())
}

fn setsockopt(ctx: &Ctx<'_>, sockfd: Fd, level: i32, optname: i32, optval: GuestBuf, optlen: u32) -> SysResult {
    refuse_option(ctx, level, optname, Direction::Set)?;
    let value = optval.arg(ctx.mem, nonnegative(optlen) as usize)?;
    ctx.syscall(libc::SYS_setsockopt, &[sockfd.arg(), level.into(), optname.into(), value, optlen.into()])
}

fn getsockopt(ctx: &Ctx<'_>, sockfd: Fd, level: i32, optname: i32, optval: u32, optlen: GuestPtr<u32>) -> SysResult {
    refuse_option(ctx, level, optname, Direction::Get)?;
    // `SO_GET_FILTER` sizes its buffer in filter blocks, every other option
    // in bytes.
    let unit = if (level, optname) == (libc::SOL_SOCKET, libc::SO_GET_FILTER) { SOCK_FILTER_SIZE } else { 1 };
    with_len(
        ctx,
        GuestBuf(optval),
        optlen,
        |len| len as usize * unit,
        |value, len| ctx.syscall(libc::SYS_getsockopt, &[sockfd.arg(), level.into(), optname.into(), value, len]),
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Set,
    Get,
    Both,
}

// Option numbers the libc crate does not name, as the `int`s they are.
const SOL_SCTP: i32 = linux_raw_sys::net::SOL_SCTP as i32;
const SOL_MPTCP: i32 = linux_raw_sys::net::SOL_MPTCP as i32;
const TCP_AO_GET_KEYS: i32 = linux_raw_sys::net::TCP_AO_GET_KEYS as i32;
const IP6T_SO_SET_REPLACE: i32 = linux_raw_sys::net::IP6T_SO_SET_REPLACE as i32;
// Option numbers neither names (Linux uapi headers).
const MPTCP_FULL_INFO: i32 = 4;
const SCTP_SOCKOPT_CONNECTX3: i32 = 111;
const RDS_GET_MR: i32 = 2;
const RDS_GET_MR_FOR_DEST: i32 = 7;
/// `IPT_SO_SET_REPLACE` (iptables, at `SOL_IP`).
const IPT_SO_SET_REPLACE: i32 = 64;
const ARPT_SO_SET_REPLACE: i32 = 96;
/// `EBT_SO_SET_ENTRIES` .. `EBT_SO_GET_INIT_ENTRIES`.
const EBT_SOCKOPTS: RangeInclusive<i32> = 128..=131;

const fn one(name: i32) -> RangeInclusive<i32> {
    name..=name
}

/// Socket options whose value the kernel must not be given from guest memory
/// as is: `(level, option numbers, direction, why)`. Every other option value
/// is plain data of `optlen` bytes (`SO_GET_FILTER` counts in filter blocks,
/// handled in `getsockopt`).
const REFUSED_OPTIONS: &[(i32, RangeInclusive<i32>, Direction, &str)] = {
    use Direction::*;
    use libc::{IP_MSFILTER, MCAST_MSFILTER, PACKET_FANOUT_DATA, TCP_ZEROCOPY_RECEIVE as TCP_ZC, XDP_UMEM_REG};
    use libc::{SO_ATTACH_FILTER as FILTER, SO_ATTACH_REUSEPORT_CBPF as CBPF};
    use libc::{SOL_IP, SOL_IPV6, SOL_PACKET, SOL_RDS, SOL_SOCKET, SOL_TCP, SOL_XDP};
    const FPROG: &str = "its struct sock_fprog holds a pointer to the filter";
    const TABLE: &str = "the table replacement holds a counters pointer";
    const EBT: &str = "struct ebt_replace holds pointers to entries and counters";
    const SOURCES: &str = "the kernel writes as many sources as asked for, past optlen";
    const KEYS: &str = "the kernel writes optlen bytes per key, past optlen";
    const ADDRESSES: &str = "it holds buffer addresses";
    const UMEM: &str = "it registers memory by host address";
    &[
        (SOL_SOCKET, one(FILTER), Set, FPROG),
        (SOL_SOCKET, one(CBPF), Set, FPROG),
        (SOL_PACKET, one(PACKET_FANOUT_DATA), Set, FPROG),
        (SOL_IP, one(IPT_SO_SET_REPLACE), Set, TABLE),
        (SOL_IPV6, one(IP6T_SO_SET_REPLACE), Set, TABLE),
        (SOL_IP, one(ARPT_SO_SET_REPLACE), Set, TABLE),
        (SOL_IP, EBT_SOCKOPTS, Both, EBT),
        (SOL_IP, one(IP_MSFILTER), Get, SOURCES),
        (SOL_IP, one(MCAST_MSFILTER), Get, SOURCES),
        (SOL_IPV6, one(MCAST_MSFILTER), Get, SOURCES),
        (SOL_TCP, one(TCP_ZC), Get, ADDRESSES),
        (SOL_TCP, one(TCP_AO_GET_KEYS), Get, KEYS),
        (SOL_MPTCP, one(MPTCP_FULL_INFO), Get, ADDRESSES),
        (SOL_SCTP, one(SCTP_SOCKOPT_CONNECTX3), Get, ADDRESSES),
        (SOL_RDS, one(RDS_GET_MR), Set, ADDRESSES),
        (SOL_RDS, one(RDS_GET_MR_FOR_DEST), Set, ADDRESSES),
        (SOL_XDP, one(XDP_UMEM_REG), Set, UMEM),
    ]
};

/// Why option `name` at `level` is refused in this direction, if it is.
fn refused_option(level: i32, name: i32, dir: Direction) -> Option<&'static str> {
    REFUSED_OPTIONS
        .iter()
        .find(|(l, names, d, _)| *l == level && names.contains(&name) && (*d == dir || *d == Direction::Both))
        .map(|&(.., why)| why)
}

/// Refuses a socket option from [`REFUSED_OPTIONS`] with `ENOPROTOOPT` (the
/// kernel's answer for an option it does not support) and a one-time warning.
fn refuse_option(ctx: &Ctx<'_>, level: i32, name: i32, dir: Direction) -> Result<(), SysError> {
    let Some(why) = refused_option(level, name, dir) else {
        return Ok(());
    };
    let call = if dir == Direction::Set { "setsockopt" } else { "getsockopt" };
    ctx.process.warn_once(&format!("{call}:{level}:{name}"), || {
        format!("{call} option {name} at level {level} is not supported ({why}); the guest gets ENOPROTOOPT")
    });
    Err(Errno::ENOPROTOOPT.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};
    use lamina_memory::TestMemory;

    fn errno<T>(r: Result<T, SysError>) -> i32 {
        match r {
            Err(SysError::Errno(e)) => e.0,
            Err(other) => panic!("expected an errno, got {other:?}"),
            Ok(_) => panic!("expected an errno, got success"),
        }
    }

    #[test]
    fn addresses_read_are_checked_for_their_length() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let copy = address_in(&ctx, GuestBuf(4080), 16, Use::Reach).unwrap();
        assert_eq!((copy.len, copy.arg() != 0), (16, true));
        assert_eq!(errno(address_in(&ctx, GuestBuf(4081), 16, Use::Reach)), libc::EFAULT);
        // Lengths the kernel refuses, unless there is no address at all.
        assert_eq!(errno(address_in(&ctx, GuestBuf(100), 129, Use::Reach)), libc::EINVAL);
        assert_eq!(errno(address_in(&ctx, GuestBuf(100), u32::MAX, Use::Reach)), libc::EINVAL);
        assert_eq!(address_in(&ctx, GuestBuf(0), u32::MAX, Use::Reach).unwrap().arg(), 0);
    }

    #[test]
    fn value_result_lengths_go_through_a_host_copy() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        mem.write::<u32>(100, 1000).unwrap();
        // With a large length the kernel may write a whole sockaddr_storage:
        // 128 bytes must fit, not 1000.
        assert_eq!(
            errno(with_len(&ctx, GuestBuf(4000), GuestPtr::new(100), address_extent, |_, _| Ok(0))),
            libc::EFAULT
        );
        let host_buf = mem.host_ptr(3968, 128).unwrap() as i64;
        let r = with_len(&ctx, GuestBuf(3968), GuestPtr::new(100), address_extent, |data, len| {
            assert_eq!(data, host_buf);
            assert_ne!(len, mem.host_ptr(100, 4).unwrap() as i64, "the kernel must not see the guest's word");
            // SAFETY: `len` is the host copy handed to the "kernel".
            unsafe { *(len as *mut u32) = 16 };
            Ok(7)
        });
        assert_eq!(r.unwrap(), 7);
        assert_eq!(mem.read::<u32>(100).unwrap(), 16);
        // Negative lengths describe no bytes; a NULL word reaches the kernel.
        mem.write::<u32>(100, u32::MAX).unwrap();
        assert!(with_len(&ctx, GuestBuf(4096), GuestPtr::new(100), address_extent, |_, _| Ok(0)).is_ok());
        assert!(with_len(&ctx, GuestBuf(100), GuestPtr::new(0), address_extent, |_, len| Ok(len)).unwrap() == 0);
        assert_eq!(
            errno(with_len(&ctx, GuestBuf(100), GuestPtr::new(4094), address_extent, |_, _| Ok(0))),
            libc::EFAULT
        );
        // Filter blocks are 8 bytes each.
        mem.write::<u32>(100, 3).unwrap();
        assert!(
            with_len(&ctx, GuestBuf(4072), GuestPtr::new(100), |n| n as usize * SOCK_FILTER_SIZE, |_, _| Ok(0)).is_ok()
        );
        assert_eq!(
            errno(with_len(&ctx, GuestBuf(4073), GuestPtr::new(100), |n| n as usize * SOCK_FILTER_SIZE, |_, _| Ok(0))),
            libc::EFAULT
        );
    }

    #[test]
    fn msghdr_is_normalized_like_the_kernel_does() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let base = GuestMsghdr { name: 3900, namelen: 5000, ..Default::default() };
        let msg = host_msghdr(&ctx, &base).unwrap();
        assert_eq!(msg.hdr.msg_namelen, 128);
        assert_eq!(msg.hdr.msg_name as usize, mem.host_ptr(3900, 128).unwrap() as usize);
        let no_name = GuestMsghdr { name: 0, namelen: 77, ..base };
        assert_eq!(host_msghdr(&ctx, &no_name).unwrap().hdr.msg_namelen, 0);
        assert_eq!(errno(host_msghdr(&ctx, &GuestMsghdr { namelen: 0x8000_0000, ..base })), libc::EINVAL);
        assert_eq!(errno(host_msghdr(&ctx, &GuestMsghdr { name: 4000, namelen: 128, ..base })), libc::EFAULT);
        for iovlen in [1025, -1] {
            assert_eq!(errno(host_msghdr(&ctx, &GuestMsghdr { iovlen, ..base })), libc::EMSGSIZE);
        }
        let null_control = GuestMsghdr { controllen: 24, ..base };
        let msg = host_msghdr(&ctx, &null_control).unwrap();
        assert!(msg.hdr.msg_control.is_null());
        assert_eq!(msg.hdr.msg_controllen, 24);
        let control = GuestMsghdr { control: 4080, controllen: 24, ..base };
        assert_eq!(errno(host_msghdr(&ctx, &control)), libc::EFAULT);
    }

    #[test]
    fn pointer_carrying_options_are_refused_one_way() {
        use Direction::*;
        assert!(refused_option(libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, Set).is_some());
        // The same number reads the filter back (plain data, counted in blocks).
        assert!(refused_option(libc::SOL_SOCKET, libc::SO_GET_FILTER, Get).is_none());
        assert!(refused_option(libc::SOL_SOCKET, libc::SO_ATTACH_REUSEPORT_CBPF, Set).is_some());
        assert!(refused_option(libc::SOL_IP, libc::IP_MSFILTER, Get).is_some());
        assert!(refused_option(libc::SOL_IP, libc::IP_MSFILTER, Set).is_none());
        assert!(refused_option(libc::SOL_IP, 130, Get).is_some());
        assert!(refused_option(libc::SOL_IP, 130, Set).is_some());
        assert!(refused_option(libc::SOL_IP, 132, Set).is_none());
        assert!(refused_option(libc::SOL_SOCKET, libc::SO_REUSEADDR, Set).is_none());
        assert!(refused_option(libc::SOL_TCP, libc::TCP_NODELAY, Get).is_none());
    }
}
