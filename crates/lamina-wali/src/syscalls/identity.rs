//! Identity and limits: user and group ids, sessions and process groups,
//! resource limits and usage, system information, scheduling, randomness and
//! `prctl`.
//!
//! The guest runs on a thread of the Lamina process, so ids, limits and usage
//! are that process's, and per-thread state (credentials, the thread name,
//! scheduling) is the guest thread's, exactly as the raw syscalls behave in a
//! native program.

use lamina_memory::{GuestBuf, GuestMemory, GuestPtr};
use libc::c_long;

use crate::abi::{CapHeader, Rlimit, RobustListHead, Rusage, SchedParam, Sysinfo, Timespec, Tms, Utsname};
use crate::ctx::Ctx;
use crate::entry::Blocking::Restartable;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{Hex, InBuf, Int, OutBuf, Pid, Ptr, Struct, UInt, ULong};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(getuid => getuid, []),
    syscall!(getgid => getgid, []),
    syscall!(geteuid => geteuid, []),
    syscall!(getegid => getegid, []),
    syscall!(setuid => setuid, [uid: UInt]),
    syscall!(setgid => setgid, [gid: UInt]),
    syscall!(setreuid => setreuid, [ruid: UInt, euid: UInt]),
    syscall!(setregid => setregid, [rgid: UInt, egid: UInt]),
    syscall!(setresuid => setresuid, [ruid: UInt, euid: UInt, suid: UInt]),
    syscall!(setresgid => setresgid, [rgid: UInt, egid: UInt, sgid: UInt]),
    syscall!(getresuid => getresuid, [ruid: Struct<u32>, euid: Struct<u32>, suid: Struct<u32>]),
    syscall!(getresgid => getresgid, [rgid: Struct<u32>, egid: Struct<u32>, sgid: Struct<u32>]),
    syscall!(setfsuid => setfsuid, [fsuid: UInt]),
    syscall!(setfsgid => setfsgid, [fsgid: UInt]),
    syscall!(getgroups => getgroups, [size: UInt, list: Ptr]),
    syscall!(setgroups => setgroups, [size: UInt, list: Ptr]),
    syscall!(getppid => getppid, []),
    syscall!(getpgid => getpgid, [pid: Pid]),
    syscall!(getpgrp => getpgrp, []),
    syscall!(getsid => getsid, [pid: Pid]),
    syscall!(setsid => setsid, []),
    syscall!(setpgid => setpgid, [pid: Pid, pgid: Pid]),
    syscall!(getrlimit => getrlimit, [resource: Int, rlim: Struct<Rlimit>]),
    syscall!(setrlimit => setrlimit, [resource: Int, rlim: Struct<Rlimit>]),
    syscall!(prlimit64 => prlimit64, [
        pid: Pid,
        resource: Int,
        new_limit: Struct<Rlimit>,
        old_limit: Struct<Rlimit>,
    ]),
    syscall!(getrusage => getrusage, [who: Int, usage: Struct<Rusage>]),
    syscall!(times => times, [buf: Struct<Tms>]),
    syscall!(sysinfo => sysinfo, [info: Struct<Sysinfo>]),
    syscall!(uname => uname, [buf: Struct<Utsname>]),
    syscall!(sethostname => sethostname, [name: InBuf<1>, len: UInt]),
    syscall!(setdomainname => setdomainname, [name: InBuf<1>, len: UInt]),
    syscall!(getpriority => getpriority, [which: Int, who: Int]),
    syscall!(setpriority => setpriority, [which: Int, who: Int, prio: Int]),
    syscall!(sched_getaffinity => sched_getaffinity, [pid: Pid, cpusetsize: UInt, mask: Ptr]),
    syscall!(sched_setaffinity => sched_setaffinity, [pid: Pid, cpusetsize: UInt, mask: Ptr]),
    syscall!(sched_getscheduler => sched_getscheduler, [pid: Pid]),
    syscall!(sched_setscheduler => sched_setscheduler, [pid: Pid, policy: Int, param: Struct<SchedParam>]),
    syscall!(sched_getparam => sched_getparam, [pid: Pid, param: Struct<SchedParam>]),
    syscall!(sched_setparam => sched_setparam, [pid: Pid, param: Struct<SchedParam>]),
    syscall!(sched_get_priority_max => sched_get_priority_max, [policy: Int]),
    syscall!(sched_get_priority_min => sched_get_priority_min, [policy: Int]),
    syscall!(sched_rr_get_interval => sched_rr_get_interval, [pid: Pid, interval: Struct<Timespec>]),
    syscall!(sched_getattr => sched_getattr, [pid: Pid, attr: Ptr, size: UInt, flags: Hex]),
    syscall!(sched_setattr => sched_setattr, [pid: Pid, attr: Ptr, flags: Hex]),
    syscall!(ioprio_get => ioprio_get, [which: Int, who: Int]),
    syscall!(ioprio_set => ioprio_set, [which: Int, who: Int, ioprio: Int]),
    syscall!(sched_yield => sched_yield, []),
    syscall!(getcpu => getcpu, [cpu: Struct<u32>, node: Struct<u32>, cache: Ptr]),
    syscall!(membarrier => membarrier, [cmd: Int, flags: Hex, cpu_id: Int]),
    syscall!(capget => capget, [header: Struct<CapHeader>, data: Ptr]),
    syscall!(capset => capset, [header: Struct<CapHeader>, data: Ptr]),
    syscall!(personality => personality, [persona: Hex]),
    syscall!(getrandom => getrandom, [buf: OutBuf, buflen: UInt, flags: Hex], Restartable),
    syscall!(prctl => prctl, [option: Int, arg2: ULong, arg3: ULong, arg4: ULong, arg5: ULong]),
    syscall!(set_robust_list => set_robust_list, [head: Struct<RobustListHead>, len: UInt]),
];

/// The calls whose arguments are all ids or other plain integers: host
/// syscall `nr` with its arguments widened as a native `int` (the kernel
/// reads 32 bits of each, so `-1` ids keep their meaning). Unsigned ids
/// (`uid_t`, `gid_t`) are passed as the `int`s of the same bits.
fn ints(ctx: &Ctx<'_>, nr: c_long, args: &[i32]) -> SysResult {
    let mut wide = [0; 6];
    for (w, &a) in wide.iter_mut().zip(args) {
        *w = a.into();
    }
    ctx.syscall(nr, &wide[..args.len()])
}

fn getuid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_getuid, &[])
}

fn getgid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_getgid, &[])
}

fn geteuid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_geteuid, &[])
}

fn getegid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_getegid, &[])
}

fn setuid(ctx: &Ctx<'_>, uid: u32) -> SysResult {
    ints(ctx, libc::SYS_setuid, &[uid as i32])
}

fn setgid(ctx: &Ctx<'_>, gid: u32) -> SysResult {
    ints(ctx, libc::SYS_setgid, &[gid as i32])
}

fn setreuid(ctx: &Ctx<'_>, ruid: u32, euid: u32) -> SysResult {
    ints(ctx, libc::SYS_setreuid, &[ruid as i32, euid as i32])
}

fn setregid(ctx: &Ctx<'_>, rgid: u32, egid: u32) -> SysResult {
    ints(ctx, libc::SYS_setregid, &[rgid as i32, egid as i32])
}

fn setresuid(ctx: &Ctx<'_>, ruid: u32, euid: u32, suid: u32) -> SysResult {
    ints(ctx, libc::SYS_setresuid, &[ruid as i32, euid as i32, suid as i32])
}

fn setresgid(ctx: &Ctx<'_>, rgid: u32, egid: u32, sgid: u32) -> SysResult {
    ints(ctx, libc::SYS_setresgid, &[rgid as i32, egid as i32, sgid as i32])
}

/// The kernel writes the three ids; each pointer must be guest memory (NULL
/// is the kernel's `EFAULT`).
fn getresuid(ctx: &Ctx<'_>, ruid: GuestPtr<u32>, euid: GuestPtr<u32>, suid: GuestPtr<u32>) -> SysResult {
    three_ids(ctx, libc::SYS_getresuid, [ruid, euid, suid])
}

fn getresgid(ctx: &Ctx<'_>, rgid: GuestPtr<u32>, egid: GuestPtr<u32>, sgid: GuestPtr<u32>) -> SysResult {
    three_ids(ctx, libc::SYS_getresgid, [rgid, egid, sgid])
}

fn three_ids(ctx: &Ctx<'_>, nr: c_long, ids: [GuestPtr<u32>; 3]) -> SysResult {
    let [a, b, c] = ids;
    ctx.syscall(nr, &[a.arg(ctx.mem)?, b.arg(ctx.mem)?, c.arg(ctx.mem)?])
}

/// The file-system ids of the calling thread (returns the previous one).
fn setfsuid(ctx: &Ctx<'_>, fsuid: u32) -> SysResult {
    ints(ctx, libc::SYS_setfsuid, &[fsuid as i32])
}

fn setfsgid(ctx: &Ctx<'_>, fsgid: u32) -> SysResult {
    ints(ctx, libc::SYS_setfsgid, &[fsgid as i32])
}

fn getpgrp(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_getpgrp, &[])
}

fn getppid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_getppid, &[])
}

fn getpgid(ctx: &Ctx<'_>, pid: i32) -> SysResult {
    ints(ctx, libc::SYS_getpgid, &[pid])
}

fn getsid(ctx: &Ctx<'_>, pid: i32) -> SysResult {
    ints(ctx, libc::SYS_getsid, &[pid])
}

fn setsid(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_setsid, &[])
}

fn setpgid(ctx: &Ctx<'_>, pid: i32, pgid: i32) -> SysResult {
    ints(ctx, libc::SYS_setpgid, &[pid, pgid])
}

fn sched_yield(ctx: &Ctx<'_>) -> SysResult {
    ints(ctx, libc::SYS_sched_yield, &[])
}

/// The kernel's cap on supplementary groups.
const NGROUPS_MAX: usize = linux_raw_sys::general::NGROUPS_MAX as usize;

/// The kernel writes only the groups there are (and nothing for size 0), not
/// `size` entries, so the number of groups is asked first and exactly that
/// much of the list is checked. The list cannot change in between: only the
/// thread itself changes its credentials. A size below the count is the
/// kernel's `EINVAL`, before it touches the list.
fn getgroups(ctx: &Ctx<'_>, size: u32, list: u32) -> SysResult {
    // The kernel's `int gidsetsize`.
    let size = i64::from(size as i32);
    let count = host::syscall(libc::SYS_getgroups, &[0, 0])?;
    let list = if count > 0 && size >= count { gids(list).array_arg(ctx.mem, count as usize)? } else { 0 };
    ctx.syscall(libc::SYS_getgroups, &[size, list])
}

/// The kernel reads `size` ids, none if the list is empty or longer than
/// `NGROUPS_MAX` (then refused with `EINVAL` before reading).
fn setgroups(ctx: &Ctx<'_>, size: u32, list: u32) -> SysResult {
    let count = size as usize;
    let list = if count == 0 || count > NGROUPS_MAX { 0 } else { gids(list).array_arg(ctx.mem, count)? };
    ctx.syscall(libc::SYS_setgroups, &[(size as i32).into(), list])
}

/// A group list: `gid_t`s, as many as the call says.
fn gids(list: u32) -> GuestPtr<libc::gid_t> {
    GuestPtr::new(list)
}

fn getrlimit(ctx: &Ctx<'_>, resource: i32, rlim: GuestPtr<Rlimit>) -> SysResult {
    ctx.syscall(libc::SYS_getrlimit, &[resource.into(), rlim.arg(ctx.mem)?])
}

fn setrlimit(ctx: &Ctx<'_>, resource: i32, rlim: GuestPtr<Rlimit>) -> SysResult {
    let new = NewLimit::read(ctx, resource, rlim, true)?;
    ctx.syscall(libc::SYS_setrlimit, &[resource.into(), new.arg()])
}

/// Either limit pointer may be NULL (get only, set only).
fn prlimit64(
    ctx: &Ctx<'_>,
    pid: i32,
    resource: i32,
    new_limit: GuestPtr<Rlimit>,
    old_limit: GuestPtr<Rlimit>,
) -> SysResult {
    let own = is_this_process(pid);
    if !new_limit.is_null() {
        may_change(ctx, own)?;
    }
    let new = NewLimit::read(ctx, resource, new_limit, own)?;
    let old = old_limit.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_prlimit64, &[pid.into(), resource.into(), new.arg(), old])
}

/// Whether `prlimit64`'s `pid` names this process: 0, its pid, or the id of
/// any of its threads (the kernel applies the limits of a thread to its whole
/// thread group), which is what `tgkill(getpid(), pid, 0)` reaches.
fn is_this_process(pid: i32) -> bool {
    let me = i64::from(std::process::id());
    pid == 0 || i64::from(pid) == me || (pid > 0 && host::syscall(libc::SYS_tgkill, &[me, pid.into(), 0]).is_ok())
}

/// Under a sandbox, a guest changes only its own process's limits and
/// scheduling (`EPERM` otherwise, the kernel's errno for another user's
/// process): Landlock scopes signals to the sandbox but not these calls, and
/// a CPU limit of zero ends a process like a signal.
fn may_change(ctx: &Ctx<'_>, own: bool) -> Result<(), SysError> {
    if ctx.process.policy.is_some() && !own { Err(Errno::EPERM.into()) } else { Ok(()) }
}

/// A new resource limit, copied out of guest memory so that what is checked
/// is what the kernel sets.
struct NewLimit(Option<[u64; 2]>);

impl NewLimit {
    /// Reads the limit at `limit` (NULL stays NULL, for the kernel to judge).
    ///
    /// A finite `RLIMIT_AS` for this process is refused: it would bound the
    /// address space of the whole runtime, which reserves many GiB of guard
    /// regions around linear memory, so the runtime itself would fail to map
    /// memory (a thread's stack, its heap) at limits the program runs well
    /// within natively. So is a finite `RLIMIT_DATA`, for the same reason:
    /// it bounds the runtime's heap and every private writable mapping it
    /// makes (thread stacks, signal stacks, the accessible part of linear
    /// memory), and the runtime aborts, or hangs in its out-of-memory handler,
    /// when one of its own allocations fails.
    fn read(ctx: &Ctx<'_>, resource: i32, limit: GuestPtr<Rlimit>, own: bool) -> Result<NewLimit, SysError> {
        if limit.is_null() {
            return Ok(NewLimit(None));
        }
        let [cur, max] = limit.cast::<[u64; 2]>().read(ctx.mem)?;
        if own && resource == libc::RLIMIT_AS as i32 && cur != libc::RLIM_INFINITY {
            ctx.process.warn_once("rlimit:as", || {
                "a finite RLIMIT_AS would limit the runtime's whole address space (including the \
                 guard regions it reserves), not the guest's memory; the guest gets EPERM"
                    .to_string()
            });
            return Err(Errno::EPERM.into());
        }
        if own && resource == libc::RLIMIT_DATA as i32 && cur != libc::RLIM_INFINITY {
            ctx.process.warn_once("rlimit:data", || {
                "a finite RLIMIT_DATA would limit the runtime's own heap and mappings, not only the \
                 guest's memory; the guest gets EPERM"
                    .to_string()
            });
            return Err(Errno::EPERM.into());
        }
        Ok(NewLimit(Some([cur, max])))
    }

    fn arg(&self) -> i64 {
        self.0.as_ref().map_or(0, |l| host::ptr(l.as_ptr()))
    }
}

/// The kernel fills the 144-byte prefix of the guest's 272-byte `rusage`.
fn getrusage(ctx: &Ctx<'_>, who: i32, usage: GuestPtr<Rusage>) -> SysResult {
    ctx.syscall(libc::SYS_getrusage, &[who.into(), usage.arg(ctx.mem)?])
}

/// The process's and its waited-for children's CPU times; the result is the
/// clock-tick count since boot. NULL only asks for the count.
fn times(ctx: &Ctx<'_>, buf: GuestPtr<Tms>) -> SysResult {
    ctx.syscall(libc::SYS_times, &[buf.arg(ctx.mem)?])
}

/// The kernel fills the 112-byte prefix of the guest's 368-byte `sysinfo`.
fn sysinfo(ctx: &Ctx<'_>, info: GuestPtr<Sysinfo>) -> SysResult {
    ctx.syscall(libc::SYS_sysinfo, &[info.arg(ctx.mem)?])
}

/// The host's values, as natively (`machine` is `x86_64`).
fn uname(ctx: &Ctx<'_>, buf: GuestPtr<Utsname>) -> SysResult {
    ctx.syscall(libc::SYS_uname, &[buf.arg(ctx.mem)?])
}

/// The longest host or domain name (`__NEW_UTS_LEN`).
const UTS_NAME_LEN: u32 = 64;

/// Host and domain names are the machine's (or its UTS namespace's), not the
/// program's: under a sandbox the seccomp deny list answers `EPERM`, the
/// kernel's answer without `CAP_SYS_ADMIN`. The kernel checks privilege,
/// then the length (`EINVAL`), then reads the name; for a name outside guest
/// memory, a call with a length that is too long tells `EPERM` from
/// `EFAULT` without changing anything.
fn set_uts_name(ctx: &Ctx<'_>, nr: c_long, name: GuestBuf, len: u32) -> SysResult {
    let name = if len <= UTS_NAME_LEN {
        match name.arg(ctx.mem, len as usize) {
            Ok(name) => name,
            Err(fault) => {
                return match host::syscall(nr, &[0, i64::from(UTS_NAME_LEN) + 1]) {
                    Err(SysError::Errno(Errno::EPERM)) => Err(Errno::EPERM.into()),
                    _ => Err(fault.into()),
                };
            }
        }
    } else {
        0
    };
    ctx.syscall(nr, &[name, i64::from(len as i32)])
}

fn sethostname(ctx: &Ctx<'_>, name: GuestBuf, len: u32) -> SysResult {
    set_uts_name(ctx, libc::SYS_sethostname, name, len)
}

fn setdomainname(ctx: &Ctx<'_>, name: GuestBuf, len: u32) -> SysResult {
    set_uts_name(ctx, libc::SYS_setdomainname, name, len)
}

/// The raw kernel value `20 - nice` (1 to 40), which libc converts.
fn getpriority(ctx: &Ctx<'_>, which: i32, who: i32) -> SysResult {
    ints(ctx, libc::SYS_getpriority, &[which, who])
}

/// Under a sandbox only the guest's own process or threads
/// (`PRIO_PROCESS`); a process group or a user reaches other processes.
fn setpriority(ctx: &Ctx<'_>, which: i32, who: i32, prio: i32) -> SysResult {
    may_change(ctx, which == libc::PRIO_PROCESS as i32 && is_this_process(who))?;
    ints(ctx, libc::SYS_setpriority, &[which, who, prio])
}

/// The mask is `cpusetsize` bytes; the kernel writes a prefix of it (as long
/// as its own CPU mask) and returns how many bytes that is.
fn sched_getaffinity(ctx: &Ctx<'_>, pid: i32, cpusetsize: u32, mask: u32) -> SysResult {
    let mask = GuestBuf(mask).arg(ctx.mem, cpusetsize as usize)?;
    ctx.syscall(libc::SYS_sched_getaffinity, &[pid.into(), cpusetsize.into(), mask])
}

/// The kernel reads at most `cpusetsize` bytes of the mask (fewer when its
/// own mask is shorter); all of them must be guest memory.
fn sched_setaffinity(ctx: &Ctx<'_>, pid: i32, cpusetsize: u32, mask: u32) -> SysResult {
    may_change(ctx, is_this_process(pid))?;
    let mask = GuestBuf(mask).arg(ctx.mem, cpusetsize as usize)?;
    ctx.syscall(libc::SYS_sched_setaffinity, &[pid.into(), cpusetsize.into(), mask])
}

fn sched_getscheduler(ctx: &Ctx<'_>, pid: i32) -> SysResult {
    ints(ctx, libc::SYS_sched_getscheduler, &[pid])
}

fn sched_getparam(ctx: &Ctx<'_>, pid: i32, param: GuestPtr<SchedParam>) -> SysResult {
    ctx.syscall(libc::SYS_sched_getparam, &[pid.into(), param.arg(ctx.mem)?])
}

fn sched_setparam(ctx: &Ctx<'_>, pid: i32, param: GuestPtr<SchedParam>) -> SysResult {
    may_change(ctx, is_this_process(pid))?;
    ctx.syscall(libc::SYS_sched_setparam, &[pid.into(), param.arg(ctx.mem)?])
}

fn sched_get_priority_max(ctx: &Ctx<'_>, policy: i32) -> SysResult {
    ints(ctx, libc::SYS_sched_get_priority_max, &[policy])
}

fn sched_get_priority_min(ctx: &Ctx<'_>, policy: i32) -> SysResult {
    ints(ctx, libc::SYS_sched_get_priority_min, &[policy])
}

fn sched_rr_get_interval(ctx: &Ctx<'_>, pid: i32, interval: GuestPtr<Timespec>) -> SysResult {
    ctx.syscall(libc::SYS_sched_rr_get_interval, &[pid.into(), interval.arg(ctx.mem)?])
}

/// The first version of `struct sched_attr` (48 bytes); later ones extend
/// it, and the caller says which size it has.
const SCHED_ATTR_SIZE_VER0: u32 = 48;
/// The largest `struct sched_attr` the kernel reads (a page).
const SCHED_ATTR_SIZE_MAX: u32 = 4096;

/// The kernel writes at most `size` bytes (and refuses sizes outside
/// [48, 4096] and any flag with `EINVAL` before writing); all of them must
/// be guest memory.
fn sched_getattr(ctx: &Ctx<'_>, pid: i32, attr: u32, size: u32, flags: u32) -> SysResult {
    let valid = attr != 0 && (SCHED_ATTR_SIZE_VER0..=SCHED_ATTR_SIZE_MAX).contains(&size) && flags == 0;
    let attr = if valid { GuestBuf(attr).arg(ctx.mem, size as usize)? } else { 0 };
    ctx.syscall(libc::SYS_sched_getattr, &[pid.into(), attr, size.into(), (flags as i32).into()])
}

/// The structure starts with its own size, which says how much the kernel
/// reads: it is copied to host memory at that size, so the kernel reads
/// exactly what was checked even if another guest thread changes the size.
/// A size the kernel refuses (`E2BIG`) is answered by the kernel writing
/// its own size back, which is copied out.
fn sched_setattr(ctx: &Ctx<'_>, pid: i32, attr: u32, flags: u32) -> SysResult {
    if attr == 0 || pid < 0 || flags != 0 {
        return Err(Errno::EINVAL.into());
    }
    may_change(ctx, is_this_process(pid))?;
    let size = ctx.mem.read::<u32>(attr)?;
    let len = match size {
        0 => SCHED_ATTR_SIZE_VER0,
        s if (SCHED_ATTR_SIZE_VER0..=SCHED_ATTR_SIZE_MAX).contains(&s) => s,
        _ => 4,
    };
    let mut copy = GuestBuf(attr).read(ctx.mem, len as usize)?;
    copy[..4].copy_from_slice(&size.to_ne_bytes());
    let result = ctx.syscall(libc::SYS_sched_setattr, &[pid.into(), host::ptr(copy.as_mut_ptr()), 0]);
    if matches!(result, Err(SysError::Errno(Errno::E2BIG))) {
        ctx.mem.write_bytes(attr, &copy[..4])?;
    }
    result
}

/// `IOPRIO_WHO_PROCESS`: `who` is a thread or process id.
const IOPRIO_WHO_PROCESS: i32 = 1;

fn ioprio_get(ctx: &Ctx<'_>, which: i32, who: i32) -> SysResult {
    ints(ctx, libc::SYS_ioprio_get, &[which, who])
}

/// Under a sandbox only for the guest's own process or threads, as for
/// `setpriority`.
fn ioprio_set(ctx: &Ctx<'_>, which: i32, who: i32, ioprio: i32) -> SysResult {
    may_change(ctx, which == IOPRIO_WHO_PROCESS && is_this_process(who))?;
    ints(ctx, libc::SYS_ioprio_set, &[which, who, ioprio])
}

/// Either pointer may be NULL; the third argument is unused since Linux
/// 2.6.24 and never passed on.
fn getcpu(ctx: &Ctx<'_>, cpu: GuestPtr<u32>, node: GuestPtr<u32>, _cache: u32) -> SysResult {
    ctx.syscall(libc::SYS_getcpu, &[cpu.arg(ctx.mem)?, node.arg(ctx.mem)?, 0])
}

/// Barriers over the process's threads (or the machine's, for the global
/// commands, which only cost time elsewhere): integer arguments only.
fn membarrier(ctx: &Ctx<'_>, cmd: i32, flags: u32, cpu_id: i32) -> SysResult {
    ints(ctx, libc::SYS_membarrier, &[cmd, flags as i32, cpu_id])
}

/// How many `__user_cap_data_struct`s (three `u32`s each) a capability
/// header's version says the data holds: none for an unknown version, which
/// the kernel answers by writing its own version into the header.
fn cap_data_count(version: u32) -> usize {
    use linux_raw_sys::general::{
        _LINUX_CAPABILITY_VERSION_1, _LINUX_CAPABILITY_VERSION_2, _LINUX_CAPABILITY_VERSION_3,
    };
    match version {
        _LINUX_CAPABILITY_VERSION_1 => 1,
        _LINUX_CAPABILITY_VERSION_2 | _LINUX_CAPABILITY_VERSION_3 => 2,
        _ => 0,
    }
}

/// A NULL header is the kernel's `EFAULT` (guest address 0 is memory).
fn read_cap_header(ctx: &Ctx<'_>, header: GuestPtr<CapHeader>) -> Result<CapHeader, SysError> {
    if header.is_null() {
        return Err(Errno::EFAULT.into());
    }
    Ok(header.read(ctx.mem)?)
}

/// The header is read once into host memory, so the version that sizes the
/// data is the one the kernel sees (another guest thread could change the
/// guest's copy in between), and written back, since the kernel may store
/// its preferred version there. The data goes through a host buffer too.
fn capget(ctx: &Ctx<'_>, header: GuestPtr<CapHeader>, data: u32) -> SysResult {
    let mut host_header = read_cap_header(ctx, header)?;
    let count = cap_data_count(host_header.version);
    let mut host_data = [[0u32; 3]; 2];
    let data_arg = if data == 0 { 0 } else { host::ptr(host_data.as_mut_ptr()) };
    let result = ctx.syscall(libc::SYS_capget, &[host::ptr(&raw mut host_header), data_arg]);
    header.write(ctx.mem, host_header)?;
    if result.is_ok() && data != 0 {
        GuestPtr::<[u32; 3]>::new(data).host_array(ctx.mem, count)?;
        for (i, item) in (0u32..).zip(&host_data[..count]) {
            ctx.mem.write(data + i * 12, *item)?;
        }
    }
    result
}

/// The data is read in full before the kernel sees it; a process may only
/// lower its own capabilities, which is all `capset` allows today.
fn capset(ctx: &Ctx<'_>, header: GuestPtr<CapHeader>, data: u32) -> SysResult {
    let mut host_header = read_cap_header(ctx, header)?;
    let count = cap_data_count(host_header.version);
    let mut host_data = [[0u32; 3]; 2];
    if data != 0 {
        for (slot, item) in host_data.iter_mut().zip(GuestPtr::<[u32; 3]>::new(data).read_array(ctx.mem, count)?) {
            *slot = item;
        }
    }
    let data_arg = if data == 0 { 0 } else { host::ptr(host_data.as_ptr()) };
    let result = ctx.syscall(libc::SYS_capset, &[host::ptr(&raw mut host_header), data_arg]);
    header.write(ctx.mem, host_header)?;
    result
}

/// `personality(0xffffffff)` only reads the persona.
const PERSONALITY_QUERY: u32 = 0xffff_ffff;

/// The persona is the runtime process's: it decides how the kernel lays out
/// and protects every later mapping (`READ_IMPLIES_EXEC` makes the runtime's
/// readable memory executable) and what `uname` reports. A guest may read
/// it, and set plain Linux with or without `ADDR_NO_RANDOMIZE` (what
/// `setarch -R` asks for, which only fixes where the kernel places
/// mappings); anything else is `EINVAL`, with a one-time warning.
fn personality(ctx: &Ctx<'_>, persona: u32) -> SysResult {
    let allowed = persona == PERSONALITY_QUERY || persona & !(libc::ADDR_NO_RANDOMIZE as u32) == 0;
    if !allowed {
        ctx.process.warn_once("personality", || {
            format!("personality {persona:#x} would change the runtime's own process; the guest gets EINVAL")
        });
        return Err(Errno::EINVAL.into());
    }
    ctx.syscall(libc::SYS_personality, &[persona.into()])
}

/// `struct sched_param` is one `int` as far as the kernel reads (musl's is
/// larger, with reserved fields); NULL is the kernel's `EINVAL`.
fn sched_setscheduler(ctx: &Ctx<'_>, pid: i32, policy: i32, param: GuestPtr<SchedParam>) -> SysResult {
    may_change(ctx, is_this_process(pid))?;
    ctx.syscall(libc::SYS_sched_setscheduler, &[pid.into(), policy.into(), param.arg(ctx.mem)?])
}

fn getrandom(ctx: &Ctx<'_>, buf: GuestBuf, buflen: u32, flags: u32) -> SysResult {
    let len = buflen as usize;
    ctx.syscall(libc::SYS_getrandom, &[buf.arg(ctx.mem, len)?, len as i64, (flags as i32).into()])
}

/// How the kernel uses `prctl`'s second argument, for the supported options.
enum PrctlArg {
    /// An integer (or unused); the other arguments are integers too.
    Value,
    /// A pointer to this many bytes the kernel writes.
    Out(usize),
    /// `PR_SET_NAME`'s name string.
    Name,
}

/// The length of a thread name, NUL included (`TASK_COMM_LEN`).
const TASK_COMM_LEN: usize = 16;

/// The supported `prctl` options. Left out are those whose arguments hold
/// host addresses (`PR_SET_MM`, `PR_SET_VMA`, `PR_GET_TID_ADDRESS`,
/// `PR_GET_AUXV`, `PR_SET_SYSCALL_USER_DISPATCH`, `PR_SCHED_CORE`) and those
/// that would act on the runtime rather than the program: `PR_SET_SECCOMP`
/// filters the runtime's own syscalls, `PR_SET_TSC` makes the `rdtsc` of the
/// vDSO clocks fault, `PR_SET_MDWE` forbids executable mappings to the JIT.
/// The options of other architectures fail with `EINVAL` natively anyway.
fn prctl_arg(option: i32) -> Option<PrctlArg> {
    use PrctlArg::*;
    use libc::*;
    Some(match option {
        PR_SET_PDEATHSIG | PR_GET_DUMPABLE | PR_SET_DUMPABLE | PR_GET_KEEPCAPS | PR_SET_KEEPCAPS => Value,
        PR_GET_TIMING | PR_SET_TIMING | PR_GET_SECCOMP | PR_CAPBSET_READ | PR_CAPBSET_DROP => Value,
        PR_GET_SECUREBITS | PR_SET_SECUREBITS | PR_SET_TIMERSLACK | PR_GET_TIMERSLACK => Value,
        PR_TASK_PERF_EVENTS_DISABLE | PR_TASK_PERF_EVENTS_ENABLE | PR_MCE_KILL | PR_MCE_KILL_GET => Value,
        PR_SET_CHILD_SUBREAPER | PR_SET_NO_NEW_PRIVS | PR_GET_NO_NEW_PRIVS | PR_SET_PTRACER => Value,
        PR_SET_THP_DISABLE | PR_GET_THP_DISABLE | PR_CAP_AMBIENT | PR_GET_MDWE => Value,
        PR_GET_SPECULATION_CTRL | PR_SET_SPECULATION_CTRL => Value,
        PR_GET_PDEATHSIG | PR_GET_CHILD_SUBREAPER | PR_GET_TSC => Out(4),
        PR_GET_NAME => Out(TASK_COMM_LEN),
        PR_SET_NAME => Name,
        _ => return None,
    })
}

/// `prctl` for the options whose arguments can be translated; others are
/// refused with `EINVAL` (the kernel's answer to an unknown option) and a
/// one-time warning, never passed through.
fn prctl(ctx: &Ctx<'_>, option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> SysResult {
    let name: [u8; TASK_COMM_LEN];
    let arg2 = match prctl_arg(option) {
        Some(PrctlArg::Value) => arg2 as i64,
        Some(PrctlArg::Out(len)) => GuestBuf(guest_ptr(arg2)?).arg(ctx.mem, len)?,
        Some(PrctlArg::Name) => {
            name = task_name(ctx.mem, guest_ptr(arg2)?)?;
            host::ptr(name.as_ptr())
        }
        None => {
            ctx.process.warn_once(&format!("prctl:{option}"), || {
                format!("prctl option {option} is not supported; the guest gets EINVAL")
            });
            return Err(Errno::EINVAL.into());
        }
    };
    ctx.syscall(libc::SYS_prctl, &[option.into(), arg2, arg3 as i64, arg4 as i64, arg5 as i64])
}

/// A pointer passed in an `unsigned long` argument: a value above 4 GiB is
/// no guest address (and must not be truncated into one).
fn guest_ptr(value: u64) -> Result<u32, SysError> {
    u32::try_from(value).map_err(|_| Errno::EFAULT.into())
}

/// The name `PR_SET_NAME` reads, read as the kernel does: at most 15 bytes,
/// up to the first NUL, so only bytes the kernel would read need to be inside
/// memory. NULL is `EFAULT`.
fn task_name(mem: &GuestMemory, addr: u32) -> Result<[u8; TASK_COMM_LEN], SysError> {
    if addr == 0 {
        return Err(Errno::EFAULT.into());
    }
    let mut name = [0u8; TASK_COMM_LEN];
    for (i, slot) in (0u32..).zip(&mut name[..TASK_COMM_LEN - 1]) {
        let byte = mem.read::<u8>(addr.checked_add(i).ok_or(Errno::EFAULT)?)?;
        if byte == 0 {
            break;
        }
        *slot = byte;
    }
    Ok(name)
}

/// The length of a robust list head: the kernel's `struct robust_list_head`,
/// and what musl passes for the guest's (`3 * sizeof(long)` with WALI's 8-byte
/// `long`).
const ROBUST_LIST_HEAD_SIZE: usize = size_of::<RobustListHead>();

/// Robust futex lists cannot be passed through: the guest's head has the
/// kernel's size but holds 32-bit guest addresses (each padded to 8 bytes),
/// and the kernel would walk the list at thread exit as host pointers (and
/// replace the host thread's own list, which its libc registered). A
/// well-formed call gets `ENOSYS`, which musl ignores (it detects robust mutex
/// support with `get_robust_list`, which is not implemented either); a wrong
/// length is the kernel's `EINVAL`.
fn set_robust_list(ctx: &Ctx<'_>, _head: GuestPtr<RobustListHead>, len: u32) -> SysResult {
    if len as usize != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL.into());
    }
    ctx.process.warn_once("set_robust_list", || {
        "robust futex lists are not supported (the kernel would follow guest addresses as host pointers); \
         set_robust_list gets ENOSYS"
            .to_string()
    });
    Err(Errno::ENOSYS.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_memory::TestMemory;

    #[test]
    fn task_name_reads_like_strncpy_from_user() {
        let (_keep, mem) = TestMemory::new(4096);
        mem.write_bytes(100, b"worker\0junk").unwrap();
        assert_eq!(&task_name(&mem, 100).unwrap()[..7], b"worker\0");
        // A long name is cut to 15 bytes and NUL-terminated.
        mem.write_bytes(200, b"abcdefghijklmnopqrstuvwxyz\0").unwrap();
        let name = task_name(&mem, 200).unwrap();
        assert_eq!(&name[..15], b"abcdefghijklmno");
        assert_eq!(name[15], 0);
        // A short name ending right at the end of memory is fine...
        mem.write_bytes(4093, b"ab\0").unwrap();
        assert_eq!(&task_name(&mem, 4093).unwrap()[..3], b"ab\0");
        // ...but a name running off the end faults, as does NULL.
        mem.write_bytes(4093, b"abc").unwrap();
        assert!(matches!(task_name(&mem, 4093), Err(SysError::Errno(Errno::EFAULT))));
        assert!(matches!(task_name(&mem, 0), Err(SysError::Errno(Errno::EFAULT))));
        assert!(matches!(task_name(&mem, u32::MAX), Err(SysError::Errno(Errno::EFAULT))));
    }

    #[test]
    fn prctl_pointers_above_4_gib_are_not_truncated() {
        assert_eq!(guest_ptr(0x1234).unwrap(), 0x1234);
        assert!(matches!(guest_ptr(0x1_0000_1234), Err(SysError::Errno(Errno::EFAULT))));
        assert!(matches!(guest_ptr(u64::MAX), Err(SysError::Errno(Errno::EFAULT))));
    }

    #[test]
    fn prctl_refuses_options_with_host_addresses_or_runtime_effects() {
        for option in [libc::PR_SET_SECCOMP, libc::PR_SET_MM, libc::PR_GET_TID_ADDRESS, libc::PR_SET_TSC, 9999] {
            assert!(prctl_arg(option).is_none(), "{option}");
        }
        assert!(matches!(prctl_arg(libc::PR_GET_NAME), Some(PrctlArg::Out(16))));
        assert!(matches!(prctl_arg(libc::PR_GET_PDEATHSIG), Some(PrctlArg::Out(4))));
    }

    fn with_ctx(test: impl FnOnce(&Ctx<'_>)) {
        let (_keep, mem) = TestMemory::new(4096);
        let process = crate::ctx::Process::new(Default::default());
        let thread = crate::ctx::ThreadState::default();
        test(&Ctx::new(&mem, &process, &thread));
    }

    fn errno(r: SysResult) -> Option<Errno> {
        match r {
            Err(SysError::Errno(e)) => Some(e),
            _ => None,
        }
    }

    #[test]
    fn set_robust_list_is_refused_after_the_length_check() {
        with_ctx(|ctx| {
            assert_eq!(errno(set_robust_list(ctx, GuestPtr::new(64), 12)), Some(Errno::EINVAL));
            assert_eq!(errno(set_robust_list(ctx, GuestPtr::new(64), 24)), Some(Errno::ENOSYS));
        });
    }

    #[test]
    fn any_thread_of_this_process_is_this_process_for_prlimit() {
        // A thread's id names its whole process to prlimit64 (found by
        // tools/fuzz: a guest thread's tid slipped a finite RLIMIT_AS past the
        // check, and the runtime could no longer start threads).
        let me = std::process::id() as i32;
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            tx.send(rustix::thread::gettid().as_raw_nonzero().get()).unwrap();
            done_rx.recv().unwrap();
        });
        let tid = rx.recv().unwrap();
        assert_ne!(tid, me);
        assert!(is_this_process(0) && is_this_process(me) && is_this_process(tid));
        done_tx.send(()).unwrap();
        t.join().unwrap();
        assert!(!is_this_process(1) && !is_this_process(-1) && !is_this_process(i32::MIN) && !is_this_process(-me));
    }

    #[test]
    fn finite_address_space_limits_of_this_process_are_refused() {
        with_ctx(|ctx| {
            let as_ = libc::RLIMIT_AS as i32;
            ctx.mem.write::<[u64; 2]>(64, [1 << 30, libc::RLIM_INFINITY]).unwrap();
            assert!(matches!(NewLimit::read(ctx, as_, GuestPtr::new(64), true), Err(SysError::Errno(Errno::EPERM))));
            assert_eq!(
                NewLimit::read(ctx, as_, GuestPtr::new(64), false).unwrap().0,
                Some([1 << 30, libc::RLIM_INFINITY])
            );
            assert!(NewLimit::read(ctx, libc::RLIMIT_NOFILE as i32, GuestPtr::new(64), true).is_ok());
            // RLIMIT_DATA bounds the runtime's heap and stacks as much (found by tools/fuzz).
            let data = libc::RLIMIT_DATA as i32;
            assert!(matches!(NewLimit::read(ctx, data, GuestPtr::new(64), true), Err(SysError::Errno(Errno::EPERM))));
            assert!(NewLimit::read(ctx, data, GuestPtr::new(64), false).is_ok());
            ctx.mem.write::<[u64; 2]>(64, [libc::RLIM_INFINITY; 2]).unwrap();
            assert!(NewLimit::read(ctx, as_, GuestPtr::new(64), true).is_ok());
            assert!(NewLimit::read(ctx, data, GuestPtr::new(64), true).is_ok());
            assert!(NewLimit::read(ctx, as_, GuestPtr::new(0), true).unwrap().0.is_none());
            assert!(matches!(NewLimit::read(ctx, as_, GuestPtr::new(4090), true), Err(SysError::Errno(Errno::EFAULT))));
        });
    }
}
