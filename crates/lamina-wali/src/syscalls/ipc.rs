//! Inter-process communication beyond descriptors: System V message queues,
//! semaphores and shared memory, and POSIX message queues.
//!
//! Their structures (`msqid_ds`, `semid_ds`, `sembuf`, `mq_attr`, a message's
//! `long` type) have the x86-64 kernel's layout in the guest, so the kernel
//! works on guest memory in place. Where the kernel checks its other
//! arguments before it touches a structure, a structure that is not all guest
//! memory is passed as NULL ([`in_guest_or_null`]): the kernel then answers
//! what it would answer natively, in its own order, ending with `EFAULT`.
//!
//! A shared memory segment is attached inside linear memory, as `mmap` maps
//! a file (see `mm.rs`): the kernel attaches it outside guest memory first
//! (so it checks the request), and the attachment is then moved into the
//! place the memory map chose and recorded there. Detaching replaces its
//! pages with fresh ones, as `munmap` does: nothing inside the reservation
//! is ever left unmapped.
//!
//! IPC objects are not files. They outlive the process, every process of
//! the user reaches them by key, id or name, and Landlock does not cover
//! them. Under a sandbox policy a guest may therefore only make private
//! System V objects (`IPC_PRIVATE`, see `Policy::check_ipc_key`) and use
//! those it made ([`CREATED`]); a key, another program's id or a listing
//! index is `EACCES`, and so are POSIX queue names (`mq_open`, `mq_unlink`),
//! which live in one namespace shared by all of the user's programs.
//! Descriptors of open queues are the guest's, as any descriptor is.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};

use lamina_memory::map::{ADDRESS_SPACE, Kind, MapError, PAGE_SIZE, PROT_READ, PROT_RW, Want, page_up};
use lamina_memory::{GuestBuf, GuestPtr};
use libc::c_long;

use super::settime;
use crate::abi::{GuestSigevent, MqAttr, MsqidDs, Sembuf, SemidDs, ShmidDs, Timespec};
use crate::ctx::Ctx;
use crate::entry::Blocking::{Interrupted, Restartable};
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{Fd, GuestPath, Hex, InBuf, Int, Long, Mode, Name, OpenFlags, OutBuf, Ptr, Struct, UInt, ULong};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(msgget => msgget, [key: Int, msgflg: Hex]),
    syscall!(msgsnd => msgsnd, [msqid: Int, msgp: Ptr, msgsz: UInt, msgflg: Hex], Interrupted),
    syscall!(msgrcv => msgrcv, [msqid: Int, msgp: Ptr, msgsz: UInt, msgtyp: Long, msgflg: Hex], Interrupted),
    syscall!(msgctl => msgctl, [msqid: Int, cmd: Int, buf: Ptr]),
    syscall!(semget => semget, [key: Int, nsems: Int, semflg: Hex]),
    syscall!(semop => semop, [semid: Int, sops: Struct<Sembuf>, nsops: UInt], Interrupted),
    syscall!(semtimedop => semtimedop, [
        semid: Int, sops: Struct<Sembuf>, nsops: UInt, timeout: Struct<Timespec>,
    ], Interrupted),
    syscall!(semctl => semctl, [semid: Int, semnum: Int, cmd: Int, arg: ULong]),
    syscall!(shmget => shmget, [key: Int, size: UInt, shmflg: Hex]),
    syscall!(shmat => shmat, [shmid: Int, shmaddr: Ptr, shmflg: Hex]),
    syscall!(shmdt => shmdt, [shmaddr: Ptr]),
    syscall!(shmctl => shmctl, [shmid: Int, cmd: Int, buf: Ptr]),
    syscall!(mq_open => mq_open, [name: Name, oflag: OpenFlags, mode: Mode, attr: Struct<MqAttr>]),
    syscall!(mq_unlink => mq_unlink, [name: Name]),
    syscall!(mq_timedsend => mq_timedsend, [
        mqdes: Fd, msg_ptr: InBuf<2>, msg_len: UInt, msg_prio: UInt, abs_timeout: Struct<Timespec>,
    ], Restartable),
    syscall!(mq_timedreceive => mq_timedreceive, [
        mqdes: Fd, msg_ptr: OutBuf, msg_len: UInt, msg_prio: Struct<u32>, abs_timeout: Struct<Timespec>,
    ], Restartable),
    syscall!(mq_notify => mq_notify, [mqdes: Fd, sevp: Struct<GuestSigevent>]),
    syscall!(mq_getsetattr => mq_getsetattr, [mqdes: Fd, newattr: Struct<MqAttr>, oldattr: Struct<MqAttr>]),
];

// Commands the libc crate does not name (Linux uapi `linux/msg.h`,
// `linux/shm.h`).
const MSG_STAT_ANY: i32 = 13;
const SHM_STAT: i32 = 13;
const SHM_INFO: i32 = 14;
const SHM_STAT_ANY: i32 = 15;

/// Bytes of `struct msginfo` (`msgctl` `IPC_INFO`, `MSG_INFO`).
const MSGINFO_SIZE: usize = 32;
/// Bytes of `struct seminfo` (`semctl` `IPC_INFO`, `SEM_INFO`).
const SEMINFO_SIZE: usize = 40;
/// Bytes of `struct shminfo64` (`shmctl` `IPC_INFO`).
const SHMINFO_SIZE: usize = 72;
/// Bytes of `struct shm_info` (`shmctl` `SHM_INFO`).
const SHM_INFO_SIZE: usize = 48;
/// Bytes of a message's type before its text: a `long`.
const MTYPE_SIZE: usize = size_of::<i64>();
/// Bytes of the cookie `mq_notify`'s `SIGEV_THREAD` sends on its netlink
/// socket (`NOTIFY_COOKIE_LEN`).
const NOTIFY_COOKIE_LEN: usize = 32;

/// The host address of `len` guest bytes at `addr` that the kernel reads or
/// writes after checking everything else, or NULL if they are not all guest
/// memory: the kernel then fails on NULL with `EFAULT` where it would have
/// failed on the guest's address, after the errors a native call gets first.
/// Only for arguments where NULL has no meaning of its own.
fn in_guest_or_null(ctx: &Ctx<'_>, addr: u32, len: usize) -> i64 {
    GuestBuf(addr).arg(ctx.mem, len).unwrap_or(0)
}

/// The kinds of System V objects a guest uses, whose ids are separate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Queue,
    Semaphores,
    SharedMemory,
}

/// The System V objects a sandboxed guest made (all private), by class and
/// id: the only ones it may use. It is state of the host process, like the
/// rest of the runtime's: a fork's copy inherits it, as a forked child may
/// use its parent's objects, and an executed module starts with none. An
/// object's id is dropped when the guest removes it.
static CREATED: Mutex<BTreeSet<(Class, i32)>> = Mutex::new(BTreeSet::new());

fn created() -> MutexGuard<'static, BTreeSet<(Class, i32)>> {
    CREATED.lock().unwrap_or_else(|e| e.into_inner())
}

/// What an IPC command reaches, for a sandbox: one object by its id, an
/// object by its index in the kernel's table (`*_STAT`: any program's), or
/// only the system's limits and usage counts (`*_INFO`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    Object,
    Index,
    System,
}

/// Under a sandbox, only the objects the guest made; no listing indices.
fn check_reach(ctx: &Ctx<'_>, class: Class, id: i32, reach: Reach) -> Result<(), Errno> {
    if ctx.process.policy.is_none() {
        return Ok(());
    }
    match reach {
        Reach::System => Ok(()),
        Reach::Object if created().contains(&(class, id)) => Ok(()),
        Reach::Object | Reach::Index => Err(Errno::EACCES),
    }
}

/// `msgget` and `semget`: under a sandbox only private objects, recorded as
/// the guest's.
fn get(ctx: &Ctx<'_>, class: Class, nr: c_long, key: i32, args: &[i64]) -> SysResult {
    let policy = ctx.process.policy.as_ref();
    policy.map_or(Ok(()), |p| p.check_ipc_key(key))?;
    let id = ctx.syscall(nr, args)?;
    if policy.is_some() {
        created().insert((class, id as i32));
    }
    Ok(id)
}

/// A control command that reached its object: removing it ends the guest's
/// claim on its id, which the kernel may give to another program's object
/// one day.
fn control(ctx: &Ctx<'_>, class: Class, nr: c_long, (id, cmd): (i32, i32), args: &[i64]) -> SysResult {
    let result = ctx.syscall(nr, args)?;
    if cmd == libc::IPC_RMID {
        created().remove(&(class, id));
    }
    Ok(result)
}

/// Commands whose argument is not known are refused, never passed on: it
/// may be a pointer the kernel would take for a host address.
fn unknown_command(ctx: &Ctx<'_>, call: &str, cmd: i32) -> SysResult {
    ctx.process.warn_once(&format!("{call}:{cmd}"), || {
        format!("{call} command {cmd} is not known (its argument may be a pointer); the guest gets EINVAL")
    });
    Err(Errno::EINVAL.into())
}

fn msgget(ctx: &Ctx<'_>, key: i32, msgflg: u32) -> SysResult {
    get(ctx, Class::Queue, libc::SYS_msgget, key, &[key.into(), (msgflg as i32).into()])
}

/// The kernel reads the message's type, checks the size and the type, and
/// only then reads the text: a message that is not all guest memory gets
/// the errno of the first of those that fails (see [`unreadable_message`]).
fn msgsnd(ctx: &Ctx<'_>, msqid: i32, msgp: u32, msgsz: u32, msgflg: u32) -> SysResult {
    check_reach(ctx, Class::Queue, msqid, Reach::Object)?;
    let msg = GuestBuf(msgp).arg(ctx.mem, MTYPE_SIZE + msgsz as usize);
    let msg = msg.map_err(|_| unreadable_message(ctx, msqid, msgp, msgsz))?;
    ctx.syscall(libc::SYS_msgsnd, &[msqid.into(), msg, msgsz.into(), (msgflg as i32).into()])
}

/// `msgsnd`'s errno for a message that is not all guest memory.
fn unreadable_message(ctx: &Ctx<'_>, msqid: i32, msgp: u32, msgsz: u32) -> SysError {
    let mtype = match GuestPtr::<i64>::new(msgp) {
        p if p.is_null() => return Errno::EFAULT.into(),
        p => match p.read(ctx.mem) {
            Ok(mtype) => mtype,
            Err(fault) => return fault.into(),
        },
    };
    let too_long = msg_max().is_ok_and(|max| i64::from(msgsz) > max);
    if msqid < 0 || too_long || mtype < 1 { Errno::EINVAL.into() } else { Errno::EFAULT.into() }
}

/// The longest message the kernel accepts (`msgmax`, its `struct msginfo`'s
/// third field).
fn msg_max() -> Result<i64, SysError> {
    let mut info = [0i32; MSGINFO_SIZE / 4];
    host::syscall(libc::SYS_msgctl, &[0, libc::IPC_INFO.into(), host::ptr(info.as_mut_ptr())])?;
    Ok(info[2].into())
}

/// The kernel writes the type and at most `msgsz` bytes of text, once it
/// has taken a message off the queue (a message it cannot store is lost, as
/// natively).
fn msgrcv(ctx: &Ctx<'_>, msqid: i32, msgp: u32, msgsz: u32, msgtyp: i64, msgflg: u32) -> SysResult {
    check_reach(ctx, Class::Queue, msqid, Reach::Object)?;
    let msg = in_guest_or_null(ctx, msgp, MTYPE_SIZE + msgsz as usize);
    ctx.syscall(libc::SYS_msgrcv, &[msqid.into(), msg, msgsz.into(), msgtyp, (msgflg as i32).into()])
}

fn msgctl(ctx: &Ctx<'_>, msqid: i32, cmd: i32, buf: u32) -> SysResult {
    let (reach, len) = match cmd {
        libc::IPC_RMID => (Reach::Object, 0),
        libc::IPC_STAT | libc::IPC_SET => (Reach::Object, size_of::<MsqidDs>()),
        libc::MSG_STAT | MSG_STAT_ANY => (Reach::Index, size_of::<MsqidDs>()),
        libc::IPC_INFO | libc::MSG_INFO => (Reach::System, MSGINFO_SIZE),
        _ => return unknown_command(ctx, "msgctl", cmd),
    };
    control_with_buffer(ctx, (Class::Queue, libc::SYS_msgctl), (msqid, cmd), reach, (buf, len))
}

/// `msgctl` and `shmctl`: a command on object `id` whose buffer, if it has
/// one (`len` not 0), is a structure of `len` bytes.
fn control_with_buffer(
    ctx: &Ctx<'_>,
    (class, nr): (Class, c_long),
    (id, cmd): (i32, i32),
    reach: Reach,
    (buf, len): (u32, usize),
) -> SysResult {
    check_reach(ctx, class, id, reach)?;
    let buf = if len == 0 { 0 } else { in_guest_or_null(ctx, buf, len) };
    control(ctx, class, nr, (id, cmd), &[id.into(), cmd.into(), buf])
}

fn semget(ctx: &Ctx<'_>, key: i32, nsems: i32, semflg: u32) -> SysResult {
    get(ctx, Class::Semaphores, libc::SYS_semget, key, &[key.into(), nsems.into(), (semflg as i32).into()])
}

/// The kernel checks the count (`EINVAL`, `E2BIG`) and then reads all the
/// operations before it carries out any.
fn semop(ctx: &Ctx<'_>, semid: i32, sops: GuestPtr<Sembuf>, nsops: u32) -> SysResult {
    let sops = operations(ctx, semid, sops, nsops)?;
    ctx.syscall(libc::SYS_semop, &[semid.into(), sops, nsops.into()])
}

/// `semop` with a timeout (NULL: none), which the kernel reads first.
fn semtimedop(ctx: &Ctx<'_>, semid: i32, sops: GuestPtr<Sembuf>, nsops: u32, timeout: GuestPtr<Timespec>) -> SysResult {
    let timeout = timeout.arg(ctx.mem)?;
    let sops = operations(ctx, semid, sops, nsops)?;
    ctx.syscall(libc::SYS_semtimedop, &[semid.into(), sops, nsops.into(), timeout])
}

/// The operations array of `semop` and `semtimedop`, on a set the guest
/// may use.
fn operations(ctx: &Ctx<'_>, semid: i32, sops: GuestPtr<Sembuf>, nsops: u32) -> Result<i64, Errno> {
    check_reach(ctx, Class::Semaphores, semid, Reach::Object)?;
    Ok(in_guest_or_null(ctx, sops.addr(), nsops as usize * size_of::<Sembuf>()))
}

/// `semctl`'s fourth argument is a `union semun`, which the guest passes
/// in the low half of its 64-bit argument: an `int` value (`SETVAL`), or the
/// guest address of a `semid_ds`, a `seminfo` or an array of `unsigned
/// short`s, as the command says.
fn semctl(ctx: &Ctx<'_>, semid: i32, semnum: i32, cmd: i32, arg: u64) -> SysResult {
    let ptr = arg as u32;
    let (reach, arg) = match cmd {
        libc::IPC_RMID | libc::GETVAL | libc::GETPID | libc::GETNCNT | libc::GETZCNT => (Reach::Object, 0),
        libc::SETVAL => (Reach::Object, i64::from(arg as i32)),
        libc::IPC_STAT | libc::IPC_SET => (Reach::Object, in_guest_or_null(ctx, ptr, size_of::<SemidDs>())),
        libc::SEM_STAT | libc::SEM_STAT_ANY => (Reach::Index, in_guest_or_null(ctx, ptr, size_of::<SemidDs>())),
        libc::IPC_INFO | libc::SEM_INFO => (Reach::System, in_guest_or_null(ctx, ptr, SEMINFO_SIZE)),
        libc::GETALL | libc::SETALL => (Reach::Object, 0),
        _ => return unknown_command(ctx, "semctl", cmd),
    };
    check_reach(ctx, Class::Semaphores, semid, reach)?;
    let arg = if matches!(cmd, libc::GETALL | libc::SETALL) { semaphore_values(ctx, semid, ptr)? } else { arg };
    let args = [semid.into(), semnum.into(), cmd.into(), arg];
    control(ctx, Class::Semaphores, libc::SYS_semctl, (semid, cmd), &args)
}

/// The array of `GETALL` and `SETALL`: one `unsigned short` per semaphore
/// of the set, a count the set was made with and never changes, which
/// `IPC_STAT` reports (its errors are those of the command for an id that
/// names no set).
fn semaphore_values(ctx: &Ctx<'_>, semid: i32, array: u32) -> Result<i64, SysError> {
    let mut set = SemidDs::default();
    host::syscall(libc::SYS_semctl, &[semid.into(), 0, libc::IPC_STAT.into(), host::ptr(&raw mut set)])?;
    Ok(in_guest_or_null(ctx, array, set.nsems() as usize * size_of::<u16>()))
}

fn shmget(ctx: &Ctx<'_>, key: i32, size: u32, shmflg: u32) -> SysResult {
    get(ctx, Class::SharedMemory, libc::SYS_shmget, key, &[key.into(), size.into(), (shmflg as i32).into()])
}

/// The attachments `shmat` made, by the memory map's id of their mapping:
/// what `shmdt` detaches (the map records them as it records shared
/// anonymous `mmap`s, which `shmdt` refuses natively). Map ids are never
/// reused, so an attachment the guest unmapped another way may stay here.
static ATTACHED: Mutex<BTreeSet<u64>> = Mutex::new(BTreeSet::new());

fn attached() -> MutexGuard<'static, BTreeSet<u64>> {
    ATTACHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where a segment must be attached, from `shmat`'s address and flags, with
/// the kernel's checks: an unaligned address is rounded down with
/// `SHM_RND` and refused without; `SHM_REMAP` needs an address.
fn attach_place(shmaddr: u32, shmflg: u32) -> Result<Want, Errno> {
    let remap = shmflg & libc::SHM_REMAP as u32 != 0;
    let mut addr = u64::from(shmaddr);
    if addr == 0 {
        return if remap { Err(Errno::EINVAL) } else { Ok(Want::Anywhere { hint: 0 }) };
    }
    // `SHMLBA` is the page size on x86-64.
    if !addr.is_multiple_of(PAGE_SIZE) {
        if shmflg & libc::SHM_RND as u32 == 0 {
            return Err(Errno::EINVAL);
        }
        addr -= addr % PAGE_SIZE;
        if addr == 0 && remap {
            return Err(Errno::EINVAL);
        }
    }
    Ok(Want::Fixed { addr, replace: remap })
}

/// Why a segment cannot go where it was asked to: over other mappings
/// without `SHM_REMAP` the kernel says `EINVAL`.
fn attach_errno(e: MapError) -> Errno {
    match e {
        MapError::NoMemory => Errno::ENOMEM,
        MapError::Exists | MapError::Invalid => Errno::EINVAL,
        MapError::Permission => Errno::EPERM,
    }
}

/// Attaches a segment inside linear memory and returns its guest address.
/// Its size (in whole pages, as the kernel maps it) comes from `IPC_STAT`,
/// whose errors for an id are `shmat`'s (attaching needs read permission
/// too); the kernel then attaches it over the place chosen (`SHM_REMAP`: the
/// place is the guest's, already checked), after its own checks of the
/// request. It is attached in place, not moved there, because the kernel
/// counts a move as a detach (`shm_dtime`). `SHM_EXEC` is not given to the
/// host: guest bytes never become host code.
fn shmat(ctx: &Ctx<'_>, shmid: i32, shmaddr: u32, shmflg: u32) -> SysResult {
    if shmid < 0 {
        return Err(Errno::EINVAL.into());
    }
    let want = attach_place(shmaddr, shmflg)?;
    check_reach(ctx, Class::SharedMemory, shmid, Reach::Object)?;
    let mut segment = ShmidDs::default();
    host::syscall(libc::SYS_shmctl, &[shmid.into(), libc::IPC_STAT.into(), host::ptr(&raw mut segment)])?;
    let len = page_up(segment.segsz());
    if len > ADDRESS_SPACE {
        return Err(Errno::ENOMEM.into());
    }
    let read_only = shmflg & libc::SHM_RDONLY as u32 != 0;
    let prot = if read_only { PROT_READ } else { PROT_RW };
    let host_flags = libc::SHM_REMAP | if read_only { libc::SHM_RDONLY } else { 0 };

    let mut map = ctx.mem.map();
    map.check_room().map_err(attach_errno)?;
    let start = map.place(len, want).map_err(attach_errno)?;
    let end = start + len;
    let id = map.new_id();
    map.shield(start, end);
    // SAFETY: `shmat` with `SHM_REMAP` maps the segment's `len` bytes at
    // exactly the address given, or fails.
    let made = unsafe {
        map.map_in_place(start, end, |at| ctx.syscall(libc::SYS_shmat, &[shmid.into(), at, host_flags.into()]))
    };
    match made {
        Ok(()) => {
            map.set(start, end, Kind::Object { id, offset: 0, shared: true, file: false }, prot);
            attached().insert(id);
        }
        Err(_) => map.settle(start, end),
    }
    map.refresh(start, end);
    made.map(|()| start as i64)
}

/// Detaches the segment attached at `shmaddr` (its first page): its pages,
/// as far as they still follow one another, become fresh memory, which
/// ends the host's attachment. Anything else there is `EINVAL`, as natively.
fn shmdt(ctx: &Ctx<'_>, shmaddr: u32) -> SysResult {
    let addr = u64::from(shmaddr);
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    let mut map = ctx.mem.map();
    let id = match map.mapping_at(addr).map(|(start, r)| r.kind.advanced(addr - start)) {
        Some(Kind::Object { id, offset: 0, shared: true, file: false }) if attached().contains(&id) => id,
        _ => return Err(Errno::EINVAL.into()),
    };
    let mut end = addr;
    for (from, to, r) in map.pieces(addr, map.end()) {
        if from != end || !matches!(r.kind, Kind::Object { id: i, .. } if i == id) {
            break;
        }
        end = to;
    }
    map.check_room().map_err(attach_errno)?;
    map.unmap(addr, end)?;
    Ok(0)
}

fn shmctl(ctx: &Ctx<'_>, shmid: i32, cmd: i32, buf: u32) -> SysResult {
    let (reach, len) = match cmd {
        libc::IPC_RMID | libc::SHM_LOCK | libc::SHM_UNLOCK => (Reach::Object, 0),
        libc::IPC_STAT | libc::IPC_SET => (Reach::Object, size_of::<ShmidDs>()),
        SHM_STAT | SHM_STAT_ANY => (Reach::Index, size_of::<ShmidDs>()),
        libc::IPC_INFO => (Reach::System, SHMINFO_SIZE),
        SHM_INFO => (Reach::System, SHM_INFO_SIZE),
        _ => return unknown_command(ctx, "shmctl", cmd),
    };
    control_with_buffer(ctx, (Class::SharedMemory, libc::SYS_shmctl), (shmid, cmd), reach, (buf, len))
}

/// Under a sandbox a queue name is refused: it is in the namespace every
/// program of the user shares.
fn check_queue_name(ctx: &Ctx<'_>) -> Result<(), Errno> {
    ctx.process.policy.as_ref().map_or(Ok(()), |p| p.check_queue_name())
}

/// The name is copied out of guest memory (the kernel would refuse one
/// longer than `PATH_MAX` too); the attributes are read only by a call that
/// may create the queue, so they are checked only then.
fn mq_open(ctx: &Ctx<'_>, name: GuestPath, oflag: i32, mode: u32, attr: GuestPtr<MqAttr>) -> SysResult {
    check_queue_name(ctx)?;
    let name = name.read(ctx.mem)?;
    let attr = if oflag & libc::O_CREAT != 0 { attr.arg(ctx.mem)? } else { 0 };
    ctx.syscall(libc::SYS_mq_open, &[host::ptr(name.as_ptr()), oflag.into(), mode.into(), attr])
}

fn mq_unlink(ctx: &Ctx<'_>, name: GuestPath) -> SysResult {
    check_queue_name(ctx)?;
    let name = name.read(ctx.mem)?;
    ctx.syscall(libc::SYS_mq_unlink, &[host::ptr(name.as_ptr())])
}

/// The kernel reads the timeout (NULL: none) first, then checks the
/// priority, the descriptor and the length before it reads the message.
fn mq_timedsend(
    ctx: &Ctx<'_>,
    mqdes: Fd,
    msg_ptr: GuestBuf,
    msg_len: u32,
    msg_prio: u32,
    abs_timeout: GuestPtr<Timespec>,
) -> SysResult {
    let timeout = abs_timeout.arg(ctx.mem)?;
    let msg = in_guest_or_null(ctx, msg_ptr.0, msg_len as usize);
    ctx.syscall(libc::SYS_mq_timedsend, &[mqdes.arg(), msg, msg_len.into(), msg_prio.into(), timeout])
}

/// The message is stored in place; the priority (NULL: not wanted) goes
/// through a host word, since NULL means something to the kernel and a bad
/// address must still be `EFAULT` after the message was taken, as natively.
fn mq_timedreceive(
    ctx: &Ctx<'_>,
    mqdes: Fd,
    msg_ptr: GuestBuf,
    msg_len: u32,
    msg_prio: GuestPtr<u32>,
    abs_timeout: GuestPtr<Timespec>,
) -> SysResult {
    let timeout = abs_timeout.arg(ctx.mem)?;
    let msg = in_guest_or_null(ctx, msg_ptr.0, msg_len as usize);
    let mut prio = 0u32;
    let prio_arg = if msg_prio.is_null() { 0 } else { host::ptr(&raw mut prio) };
    let n = ctx.syscall(libc::SYS_mq_timedreceive, &[mqdes.arg(), msg, msg_len.into(), prio_arg, timeout])?;
    if !msg_prio.is_null() {
        msg_prio.write(ctx.mem, prio)?;
    }
    Ok(n)
}

/// NULL removes the registration. Otherwise the guest's `sigevent` is
/// rebuilt in the kernel's layout: a signal's value widened (it comes back
/// in `si_value`), and for `SIGEV_THREAD` (libc's notification thread, told
/// through a netlink socket whose descriptor is `sigev_signo`) the cookie the
/// kernel reads at `sigev_value` copied into Lamina's memory, since that
/// value is a guest address. Other notifications are the kernel's `EINVAL`.
fn mq_notify(ctx: &Ctx<'_>, mqdes: Fd, sevp: GuestPtr<GuestSigevent>) -> SysResult {
    if sevp.is_null() {
        return ctx.syscall(libc::SYS_mq_notify, &[mqdes.arg(), 0]);
    }
    let guest = sevp.read(ctx.mem)?;
    let mut cookie = [0u8; NOTIFY_COOKIE_LEN];
    let value = if guest.notify == libc::SIGEV_THREAD {
        if guest.value == 0 {
            return Err(Errno::EFAULT.into());
        }
        cookie.copy_from_slice(&GuestBuf(guest.value).read(ctx.mem, NOTIFY_COOKIE_LEN)?);
        cookie.as_mut_ptr().cast()
    } else {
        guest.value as usize as *mut libc::c_void
    };
    // SAFETY: `sigevent` is plain data; zero is a valid initial state.
    let mut event: libc::sigevent = unsafe { std::mem::zeroed() };
    event.sigev_value = libc::sigval { sival_ptr: value };
    event.sigev_signo = guest.signo;
    event.sigev_notify = guest.notify;
    event.sigev_notify_thread_id = guest.thread_id;
    ctx.syscall(libc::SYS_mq_notify, &[mqdes.arg(), host::ptr(&event)])
}

/// Either attribute pointer may be NULL. The kernel applies the new
/// attributes before it stores the old ones, as the `*settime` calls arm a
/// timer before they store the old setting, and shares their handling.
fn mq_getsetattr(ctx: &Ctx<'_>, mqdes: Fd, newattr: GuestPtr<MqAttr>, oldattr: GuestPtr<MqAttr>) -> SysResult {
    settime(ctx, libc::SYS_mq_getsetattr, &[mqdes.arg()], newattr, oldattr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};
    use crate::policy::Policy;
    use lamina_memory::TestMemory;

    fn errno(r: SysResult) -> i32 {
        match r {
            Err(SysError::Errno(e)) => e.0,
            other => panic!("expected an errno, got {other:?}"),
        }
    }

    #[test]
    fn structures_outside_guest_memory_reach_the_kernel_as_null() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        assert_eq!(in_guest_or_null(&ctx, 4000, 96), mem.host_ptr(4000, 96).unwrap() as i64);
        assert_eq!(in_guest_or_null(&ctx, 4000, 97), 0);
        assert_eq!(in_guest_or_null(&ctx, u32::MAX, 1), 0);
    }

    #[test]
    fn a_sandboxed_guest_reaches_only_the_objects_it_made() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig { policy: Some(Policy::default()), ..Default::default() });
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        // A key names an object other programs may share; no call is made.
        assert_eq!(errno(msgget(&ctx, 0x1234, libc::IPC_CREAT as u32)), libc::EACCES);
        assert_eq!(errno(semget(&ctx, 0x1234, 1, 0)), libc::EACCES);
        assert_eq!(errno(shmget(&ctx, 0x1234, 4096, 0)), libc::EACCES);
        assert_eq!(errno(shmat(&ctx, 0, 0, 0)), libc::EACCES);
        // Ids it did not make, and listing indices, are refused before the kernel sees them.
        assert_eq!(errno(msgctl(&ctx, 0, libc::IPC_RMID, 0)), libc::EACCES);
        assert_eq!(errno(msgctl(&ctx, 0, libc::MSG_STAT, 64)), libc::EACCES);
        assert_eq!(errno(semctl(&ctx, 0, 0, libc::SEM_STAT_ANY, 64)), libc::EACCES);
        assert_eq!(errno(msgsnd(&ctx, 0, 64, 1, 0)), libc::EACCES);
        assert!(msgctl(&ctx, 0, libc::IPC_INFO, 64).is_ok(), "limits are no object");
        // A private queue is the guest's until it removes it.
        let id = msgget(&ctx, libc::IPC_PRIVATE, 0o600).unwrap() as i32;
        assert!(msgctl(&ctx, id, libc::IPC_STAT, 64).is_ok());
        assert_eq!(msgctl(&ctx, id, libc::IPC_RMID, 0).unwrap(), 0);
        assert_eq!(errno(msgctl(&ctx, id, libc::IPC_STAT, 64)), libc::EACCES);
        // Queue names are the user's, shared by all programs.
        mem.write_bytes(100, b"/lamina-test\0").unwrap();
        let name = GuestPath(100);
        assert_eq!(errno(mq_open(&ctx, name, 0, 0, GuestPtr::new(0))), libc::EACCES);
        assert_eq!(errno(mq_unlink(&ctx, name)), libc::EACCES);
    }

    #[test]
    fn attach_addresses_follow_the_kernels_rules() {
        let (rnd, remap) = (libc::SHM_RND as u32, libc::SHM_REMAP as u32);
        assert_eq!(attach_place(0, 0), Ok(Want::Anywhere { hint: 0 }));
        assert_eq!(attach_place(0, remap), Err(Errno::EINVAL));
        assert_eq!(attach_place(0x20000, 0), Ok(Want::Fixed { addr: 0x20000, replace: false }));
        assert_eq!(attach_place(0x20005, 0), Err(Errno::EINVAL));
        assert_eq!(attach_place(0x20005, rnd | remap), Ok(Want::Fixed { addr: 0x20000, replace: true }));
        assert_eq!(attach_place(5, rnd | remap), Err(Errno::EINVAL), "rounded to NULL");
        assert_eq!(attach_place(5, rnd), Ok(Want::Fixed { addr: 0, replace: false }));
        assert_eq!(attach_errno(MapError::Exists), Errno::EINVAL);
    }

    #[test]
    fn unknown_commands_are_refused() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        assert_eq!(errno(semctl(&ctx, 0, 0, 99, 64)), libc::EINVAL);
        assert_eq!(errno(msgctl(&ctx, 0, 99, 64)), libc::EINVAL);
        // The IPC_64 flag is not the x86-64 kernel's: commands carry none.
        assert_eq!(errno(msgctl(&ctx, 0, libc::IPC_STAT | 0x100, 64)), libc::EINVAL);
        assert_eq!(errno(shmctl(&ctx, 0, 99, 64)), libc::EINVAL);
    }
}
