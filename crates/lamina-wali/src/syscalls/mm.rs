//! Memory management inside linear memory: `mmap` and friends.
//!
//! Every guest mapping lives inside the guest's linear memory, a host
//! reservation of its maximum size. Where a mapping goes and what each page
//! holds is the memory map's bookkeeping (`lamina_memory::map`); replacing the
//! host pages inside the reservation — moving mappings into place, unmapping
//! with fresh zero pages, filling a hole a failed host call left, the break's
//! pages — is `lamina_memory::replace`'s. What stays here is each syscall's
//! semantics: its checks in the kernel's order, the translation of its flags,
//! the host call that makes a new mapping, and its errno values. Anonymous
//! private memory is mapped with `mmap(MAP_FIXED)` onto the chosen range;
//! everything else (files, shared memory) is mapped by the kernel anywhere
//! first — which validates the request without touching guest memory — and
//! then moved into place.
//!
//! Protections are the host's, so a guest access to a `PROT_NONE` page traps
//! as a native one faults, and the kernel answers `EFAULT` for such buffers.
//! The runtime's own copies go through the kernel wherever pages may fault
//! (see `lamina_memory`): protected pages and file pages.

use lamina_memory::GuestBuf;
use lamina_memory::map::{self, ADDRESS_SPACE, Kind, Map, MapError, PAGE_SIZE, Want, page_up};
use lamina_memory::replace::Mapping;
// The guest's flags have the x86-64 values, the host's.
use linux_raw_sys::general::{
    MADV_DONTFORK, MADV_GUARD_INSTALL, MADV_GUARD_REMOVE, MADV_HWPOISON, MADV_SOFT_OFFLINE, MAP_ANONYMOUS,
    MAP_DENYWRITE, MAP_DROPPABLE, MAP_EXECUTABLE, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_HUGETLB,
    MAP_LOCKED, MAP_NONBLOCK, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, MAP_STACK,
    MAP_SYNC, MAP_TYPE, MAP_UNINITIALIZED, MLOCK_ONFAULT, MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, MS_ASYNC,
    MS_INVALIDATE, MS_SYNC, PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP, PROT_READ, PROT_SEM, PROT_WRITE,
};

use crate::ctx::Ctx;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host::syscall;
use crate::kinds::{Fd, Hex, Int, Long, OutBuf, Ptr, UInt};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(mmap => mmap, [addr: Ptr, length: UInt, prot: Hex, flags: Hex, fd: Fd, offset: Long]),
    syscall!(munmap => munmap, [addr: Ptr, length: UInt]),
    syscall!(mremap => mremap, [old_address: Ptr, old_size: UInt, new_size: UInt, flags: Hex, new_address: Ptr]),
    syscall!(mprotect => mprotect, [addr: Ptr, len: UInt, prot: Hex]),
    syscall!(msync => msync, [addr: Ptr, length: UInt, flags: Hex]),
    syscall!(madvise => madvise, [addr: Ptr, length: UInt, advice: Int]),
    syscall!(brk => brk, [addr: Ptr]),
    syscall!(mlock => mlock, [addr: Ptr, len: UInt]),
    syscall!(mlock2 => mlock2, [addr: Ptr, len: UInt, flags: Hex]),
    syscall!(munlock => munlock, [addr: Ptr, len: UInt]),
    syscall!(mlockall => mlockall, [flags: Hex]),
    syscall!(munlockall => munlockall, []),
    syscall!(mincore => mincore, [addr: Ptr, length: UInt, vec: OutBuf]),
];

/// The flags every kernel accepts with `MAP_SHARED_VALIDATE` (its
/// `LEGACY_MAP_MASK`, which the UAPI headers do not export); others get
/// `EOPNOTSUPP`, bar `MAP_SYNC` where the file supports it.
const LEGACY_MAP_MASK: u32 = MAP_SHARED
    | MAP_PRIVATE
    | MAP_FIXED
    | MAP_ANONYMOUS
    | MAP_DENYWRITE
    | MAP_EXECUTABLE
    | MAP_UNINITIALIZED
    | MAP_GROWSDOWN
    | MAP_LOCKED
    | MAP_NORESERVE
    | MAP_POPULATE
    | MAP_NONBLOCK
    | MAP_STACK
    | MAP_HUGETLB;

/// The `mmap` flags handed to the host as the guest gave them. The rest are
/// placement (ours: the host call is always `MAP_FIXED` or a move into
/// place), meaningless in linear memory (`MAP_32BIT`: every guest address is
/// 32-bit), ignored by every kernel (`MAP_DENYWRITE`, `MAP_EXECUTABLE`,
/// `MAP_UNINITIALIZED`), or refused below.
const HOST_MAP_FLAGS: u32 =
    MAP_TYPE | MAP_ANONYMOUS | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_SYNC;

fn mmap(ctx: &Ctx<'_>, addr: u32, length: u32, prot: u32, flags: u32, fd: Fd, offset: i64) -> SysResult {
    let (addr, len) = (u64::from(addr), u64::from(length));
    // The kernel's order of checks (x86-64 `sys_mmap`, then `do_mmap`).
    if !(offset as u64).is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    let anon = flags & MAP_ANONYMOUS != 0;
    if !anon && (fd.0 < 0 || syscall(libc::SYS_fcntl, &[fd.arg(), libc::F_GETFD as i64]).is_err()) {
        return Err(Errno::EBADF.into());
    }
    if len == 0 {
        return Err(Errno::EINVAL.into());
    }
    // (The kernel's EOVERFLOW check cannot fire: page offset plus a 32-bit
    // length in pages fits in 64 bits.)
    let len = page_up(len);
    let map_type = flags & MAP_TYPE;
    if !matches!(map_type, MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE | MAP_DROPPABLE) {
        return Err(Errno::EINVAL.into());
    }
    if map_type == MAP_SHARED_VALIDATE && !anon && flags & !(LEGACY_MAP_MASK | MAP_SYNC) != 0 {
        return Err(Errno::EOPNOTSUPP.into());
    }
    let private_anon = anon && map_type == MAP_PRIVATE;
    if flags & MAP_HUGETLB != 0 {
        if !anon {
            // What the kernel answers for any file not on hugetlbfs.
            return Err(Errno::EINVAL.into());
        }
        // Huge pages need huge alignment and a reserved pool; refuse as a
        // kernel without free huge pages does, so callers fall back.
        ctx.process.warn_once("mmap:hugetlb", || {
            "mmap(MAP_HUGETLB) cannot place huge pages in linear memory; failing with ENOMEM".to_string()
        });
        return Err(Errno::ENOMEM.into());
    }
    if flags & MAP_GROWSDOWN != 0 {
        // The kernel allows it for private anonymous memory only.
        if !private_anon {
            return Err(Errno::EINVAL.into());
        }
        ctx.process.warn_once("mmap:growsdown", || {
            "mmap(MAP_GROWSDOWN) mappings do not grow in linear memory; mapped at their requested size".to_string()
        });
    }
    let want = if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
        Want::Fixed { addr, replace: flags & MAP_FIXED_NOREPLACE == 0 }
    } else {
        Want::Anywhere { hint: addr }
    };
    let hprot = host_prot(prot);
    let host_flags = (flags & HOST_MAP_FLAGS) as i64;

    let mut map = ctx.mem.map();
    map.check_room().map_err(map_errno)?;
    let start = map.place(len, want).map_err(map_errno)?;
    let end = start + len;
    let id = map.new_id();
    let kind = if private_anon {
        Kind::Anon { id }
    } else {
        let shared = matches!(map_type, MAP_SHARED | MAP_SHARED_VALIDATE);
        Kind::Object { id, offset: if anon { 0 } else { offset as u64 }, shared, file: !anon }
    };
    map.shield(start, end);
    let made = if let Kind::Anon { .. } = kind {
        let fixed = host_flags | MAP_FIXED as i64;
        ctx.mem
            .host_range(start, end)
            .map_err(SysError::from)
            .and_then(|at| syscall(libc::SYS_mmap, &[at, len as i64, hprot as i64, fixed, -1, 0]).map(drop))
    } else {
        syscall(libc::SYS_mmap, &[0, len as i64, hprot as i64, host_flags, fd.arg(), offset]).and_then(|tmp| {
            // SAFETY: the kernel's new mapping of `len` bytes for this call.
            unsafe { map.install(tmp, len, start, len, None) }.map_err(SysError::from)
        })
    };
    match made {
        Ok(()) => map.set(start, end, kind, hprot),
        Err(_) => map.settle(start, end),
    }
    map.refresh(start, end);
    made.map(|()| start as i64)
}

fn munmap(ctx: &Ctx<'_>, addr: u32, length: u32) -> SysResult {
    let (addr, len) = (u64::from(addr), u64::from(length));
    if !addr.is_multiple_of(PAGE_SIZE) || addr + len > ADDRESS_SPACE || len == 0 {
        return Err(Errno::EINVAL.into());
    }
    let mut map = ctx.mem.map();
    map.check_room().map_err(map_errno)?;
    map.unmap(addr, addr + page_up(len))?;
    Ok(0)
}

fn mremap(ctx: &Ctx<'_>, old_address: u32, old_size: u32, new_size: u32, flags: u32, new_address: u32) -> SysResult {
    let (old, old_len, new_len, new_addr) =
        (u64::from(old_address), u64::from(old_size), u64::from(new_size), u64::from(new_address));
    let (fixed, may_move, dont_unmap) =
        (flags & MREMAP_FIXED != 0, flags & MREMAP_MAYMOVE != 0, flags & MREMAP_DONTUNMAP != 0);
    if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0
        || (fixed && !may_move)
        || (dont_unmap && (!may_move || old_len != new_len))
        || !old.is_multiple_of(PAGE_SIZE)
    {
        return Err(Errno::EINVAL.into());
    }
    let (mut old_len, new_len) = (page_up(old_len), page_up(new_len));
    if new_len == 0 {
        return Err(Errno::EINVAL.into());
    }
    if (fixed || dont_unmap) && !new_addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    if fixed && (new_addr + new_len > ADDRESS_SPACE || (new_addr < old + old_len && old < new_addr + new_len)) {
        return Err(Errno::EINVAL.into());
    }

    let mut map = ctx.mem.map();
    map.check_room().map_err(map_errno)?;
    let (start, vma) = map.mapping_at(old).ok_or(Errno::EFAULT)?;
    if old_len == 0 && !vma.kind.shared() {
        return Err(Errno::EINVAL.into());
    }
    if old + old_len > vma.end && !one_vma(&map, old, old + old_len, vma.prot) {
        return Err(Errno::EFAULT.into());
    }
    // Where the kernel's VMA holding the old range ends: past the region at
    // `old` when adjacent mappings make one.
    let vma_end = vma.end.max(old + old_len);
    let mapping = Mapping { kind: vma.kind.advanced(old - start), prot: vma.prot };
    if fixed || dont_unmap {
        let target = if fixed {
            if old_len > new_len {
                // The kernel shrinks before it moves.
                map.unmap(old + new_len, old + old_len)?;
                old_len = new_len;
            }
            Want::Fixed { addr: new_addr, replace: true }
        } else {
            Want::Anywhere { hint: new_addr }
        };
        let to = map.place(new_len, target).map_err(map_errno)?;
        map.relocate(mapping, (old, old_len), (to, new_len), !dont_unmap)?;
        return Ok(to as i64);
    }
    if new_len <= old_len {
        map.unmap(old + new_len, old + old_len)?;
        return Ok(old as i64);
    }
    let (grown_from, grown_to) = (old + old_len, old + new_len);
    // In place when the old range ends the mapping and the pages after it
    // are free (growing the memory if they lie past its end).
    if grown_from == vma_end
        && map.available(grown_from, grown_to)
        && map.grow_to(grown_to).is_ok()
        && map.available(grown_from, grown_to)
    {
        // The host mapping grows as it moves onto its own old place: the
        // kernel cannot grow it where it is, into the reservation's pages.
        map.relocate(mapping, (old, old_len), (old, new_len), false)?;
        return Ok(old as i64);
    }
    if !may_move {
        return Err(Errno::ENOMEM.into());
    }
    let to = map.place(new_len, Want::Anywhere { hint: 0 }).map_err(map_errno)?;
    map.relocate(mapping, (old, old_len), (to, new_len), true)?;
    Ok(to as i64)
}

/// Whether `[start, end)`, which runs past the region at `start`, lies in
/// what the kernel keeps as one VMA: adjacent private anonymous mappings of
/// one protection, which it merges (a new anonymous mapping joins a
/// compatible neighbour as it is made), so `mremap` may take them as one.
/// The map keeps them apart (each `mmap` its own region, as page
/// replacement needs), so this is decided here. The guest's own memory
/// (image and `memory.grow`) is no mapping it made and stays apart; so do
/// objects, since two mappings of one file are not known to be contiguous in
/// it. (The kernel also keeps apart neighbours that both had pages before
/// they met; the host, making the same moves, does too, and its `mremap` is
/// then the `EFAULT`.)
fn one_vma(map: &Map, start: u64, end: u64, prot: u32) -> bool {
    end <= map.end()
        && map
            .pieces(start, end)
            .iter()
            .all(|(_, _, r)| matches!(r.kind, Kind::Anon { .. }) && r.kind != map::GUEST && r.prot == prot)
}

fn mprotect(ctx: &Ctx<'_>, addr: u32, len: u32, prot: u32) -> SysResult {
    let (addr, len) = (u64::from(addr), u64::from(len));
    let grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    if grows == PROT_GROWSDOWN | PROT_GROWSUP || !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    if len == 0 {
        return Ok(0);
    }
    let end = addr + page_up(len);
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL.into());
    }
    let mut map = ctx.mem.map();
    if map.mapping_at(addr).is_none() {
        return Err(Errno::ENOMEM.into());
    }
    if grows != 0 {
        // No guest mapping grows (MAP_GROWSDOWN is mapped at its size).
        return Err(Errno::EINVAL.into());
    }
    map.check_room().map_err(map_errno)?;
    let hprot = host_prot(prot);
    map.shield(addr, end);
    // Mapping by mapping, as the kernel walks its VMAs: what precedes a
    // hole or a failure keeps its new protection.
    let mut done = addr;
    let mut result = Ok(0);
    for (s, e, r) in map.pieces(addr, end) {
        if s != done || !r.kind.mapped() {
            break;
        }
        let at = ctx.mem.host_range(s, e).map_err(SysError::from);
        if let Err(err) = at.and_then(|at| syscall(libc::SYS_mprotect, &[at, (e - s) as i64, hprot as i64])) {
            result = Err(err);
            break;
        }
        map.protect(s, e, hprot);
        done = e;
    }
    if result.is_ok() && done < end {
        result = Err(Errno::ENOMEM.into());
    }
    map.refresh(addr, end);
    result
}

fn msync(ctx: &Ctx<'_>, addr: u32, length: u32, flags: u32) -> SysResult {
    let (addr, len) = (u64::from(addr), u64::from(length));
    if flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || !addr.is_multiple_of(PAGE_SIZE)
        || flags & (MS_ASYNC | MS_SYNC) == MS_ASYNC | MS_SYNC
    {
        return Err(Errno::EINVAL.into());
    }
    let end = addr + page_up(len);
    // Writing back may take long: the map is not held meanwhile. The pages
    // stay mapped whatever other threads do, so the host call is safe.
    let (runs, whole) = ctx.mem.map().mapped_runs(addr, end);
    for_each_run(ctx, &runs, |at, len| syscall(libc::SYS_msync, &[at, len, flags as i64]))?;
    if whole || addr == end { Ok(0) } else { Err(Errno::ENOMEM.into()) }
}

/// What `madvise` does with an advice value.
enum Advice {
    /// Passed to the host.
    Pass,
    /// Refused: the errno and why.
    Refuse(Errno, &'static str),
}

fn advice(advice: i32) -> Option<Advice> {
    // No advice is negative.
    let Ok(advice) = u32::try_from(advice) else { return None };
    Some(match advice {
        // NORMAL..=DONTNEED, FREE, REMOVE, DOFORK, MERGEABLE..=COLLAPSE: hints
        // and discards that leave every page accessible.
        0..=4 | 8 | 9 | 11..=25 | MADV_GUARD_REMOVE => Advice::Pass,
        MADV_DONTFORK => {
            Advice::Refuse(Errno::EINVAL, "a child would lack these pages, leaving a hole in its guest memory")
        }
        MADV_GUARD_INSTALL => {
            Advice::Refuse(Errno::EINVAL, "guard regions would fault inside the runtime's own accesses")
        }
        MADV_HWPOISON | MADV_SOFT_OFFLINE => Advice::Refuse(Errno::EPERM, "it manipulates physical pages"),
        _ => return None,
    })
}

fn madvise(ctx: &Ctx<'_>, addr: u32, length: u32, adv: i32) -> SysResult {
    let (addr, len) = (u64::from(addr), u64::from(length));
    match advice(adv) {
        None => return Err(Errno::EINVAL.into()),
        Some(Advice::Refuse(errno, why)) => {
            ctx.process.warn_once(&format!("madvise:{adv}"), || format!("madvise advice {adv} refused: {why}"));
            return Err(errno.into());
        }
        Some(Advice::Pass) => {}
    }
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    let end = addr + page_up(len);
    if end == addr {
        return Ok(0);
    }
    // Held throughout, so no mapping placed meanwhile is discarded.
    let map = ctx.mem.map();
    let (runs, whole) = map.mapped_runs(addr, end);
    for_each_run(ctx, &runs, |at, len| syscall(libc::SYS_madvise, &[at, len, adv as i64]))?;
    if whole { Ok(0) } else { Err(Errno::ENOMEM.into()) }
}

fn brk(ctx: &Ctx<'_>, addr: u32) -> SysResult {
    Ok(ctx.mem.map().brk(u64::from(addr)) as i64)
}

// ---- locking and residency ----
//
// These name guest pages and act on the host pages behind them, which are
// the guest's own (guest pages are host pages: `PAGE_SIZE` is the x86-64
// host's). A page the guest does not have — unmapped, or past the end of its
// memory — is a hole, `ENOMEM` as natively; its image counts as memory it has
// (the stack and data live there), low pages included.

/// The host address and length of the guest pages `[addr, addr + len)`
/// touches, rounded out as the locking calls round them (the start down,
/// the end up): `None` for no page, `ENOMEM` if the guest lacks one of them.
/// (Another thread may unmap them right after: the host call then acts on
/// the fresh pages put there, which are the guest's too.)
fn pages_held(ctx: &Ctx<'_>, addr: u32, len: u32) -> Result<Option<[i64; 2]>, SysError> {
    let addr = u64::from(addr);
    let (start, end) = (addr / PAGE_SIZE * PAGE_SIZE, page_up(addr + u64::from(len)));
    if start == end {
        return Ok(None);
    }
    let map = ctx.mem.map();
    if end > map.end() || map.pieces(start, end).iter().any(|(_, _, r)| r.kind == Kind::Free) {
        return Err(Errno::ENOMEM.into());
    }
    drop(map);
    Ok(Some([ctx.mem.host_range(start, end)?, (end - start) as i64]))
}

fn mlock(ctx: &Ctx<'_>, addr: u32, len: u32) -> SysResult {
    mlock2(ctx, addr, len, 0)
}

/// `mlock`/`mlock2` (beyond WALI's table): the host pages behind the
/// guest's range are locked (`mlock` is `mlock2` without flags, as in the
/// kernel). The host's `RLIMIT_MEMLOCK` and privileges decide, as natively.
fn mlock2(ctx: &Ctx<'_>, addr: u32, len: u32, flags: u32) -> SysResult {
    if flags & !MLOCK_ONFAULT != 0 {
        return Err(Errno::EINVAL.into());
    }
    match pages_held(ctx, addr, len)? {
        Some([at, len]) => syscall(libc::SYS_mlock2, &[at, len, flags.into()]),
        None => Ok(0),
    }
}

fn munlock(ctx: &Ctx<'_>, addr: u32, len: u32) -> SysResult {
    match pages_held(ctx, addr, len)? {
        Some([at, len]) => syscall(libc::SYS_munlock, &[at, len]),
        None => Ok(0),
    }
}

const MCL_VALID: i32 = libc::MCL_CURRENT | libc::MCL_FUTURE | libc::MCL_ONFAULT;

/// `mlockall` locks the guest's linear memory, not the runtime's whole
/// address space: that holds many GiB of reserved guard regions, and locking
/// it would fail against `RLIMIT_MEMLOCK` or pin memory the program never
/// uses. Flags are validated as the kernel does.
///
/// The kernel's `mlockall` marks every mapping locked and then faults in
/// what it can, ignoring pages that cannot be read (`PROT_NONE`); so here:
/// the memory is marked with `MLOCK_ONFAULT` (which fails only for the lock
/// limit or privileges, as `mlockall` does), then, unless `MCL_ONFAULT`,
/// locked again without it to fault the pages in, whatever that says.
///
/// `MCL_FUTURE` cannot be honoured: `memory.grow` makes reserved pages
/// accessible without mapping anything new, so later growth is not locked,
/// and a host `MCL_FUTURE` would lock every later mapping of the runtime
/// instead. It is accepted with a one-time warning. With `MCL_FUTURE` alone
/// nothing is locked now, and `mlock2` of an empty range still makes the
/// kernel's permission check (`EPERM`), as `mlockall` does.
fn mlockall(ctx: &Ctx<'_>, flags: u32) -> SysResult {
    let flags = flags as i32;
    if flags & !MCL_VALID != 0 || flags & (libc::MCL_CURRENT | libc::MCL_FUTURE) == 0 {
        return Err(Errno::EINVAL.into());
    }
    if flags & libc::MCL_FUTURE != 0 {
        ctx.process.warn_once("mlockall:future", || {
            "mlockall(MCL_FUTURE) cannot lock guest memory grown later; only the current memory is locked".to_string()
        });
    }
    let len = if flags & libc::MCL_CURRENT != 0 { ctx.mem.size() } else { 0 };
    let at = ctx.mem.host_range(0, len as u64)?;
    syscall(libc::SYS_mlock2, &[at, len as i64, MLOCK_ONFAULT.into()])?;
    if flags & libc::MCL_ONFAULT == 0 && len > 0 {
        // Pages the guest made unreadable fail to fault in; they stay locked.
        let _ = syscall(libc::SYS_mlock2, &[at, len as i64, 0]);
    }
    Ok(0)
}

/// `munlockall` unlocks all of the guest's memory (what `mlockall` and
/// `mlock` locked), not the host process's: the runtime locks nothing of
/// its own, and the guest's memory is what it may name.
fn munlockall(ctx: &Ctx<'_>) -> SysResult {
    let end = ctx.mem.map().end();
    for_each_run(ctx, &[(0, end)], |at, len| syscall(libc::SYS_munlock, &[at, len]))
}

/// `mincore` (beyond WALI's table): one byte per guest page at `vec`, which
/// the kernel writes after the guest's buffer is checked for that many
/// bytes (guest pages being host pages, the host's vector is the guest's).
/// The kernel's order: a misaligned start, then an empty range, then holes,
/// then the vector.
fn mincore(ctx: &Ctx<'_>, addr: u32, length: u32, vec: GuestBuf) -> SysResult {
    if !u64::from(addr).is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    match pages_held(ctx, addr, length)? {
        Some([at, len]) => {
            let pages = len as usize / PAGE_SIZE as usize;
            syscall(libc::SYS_mincore, &[at, len, vec.arg(ctx.mem, pages)?])
        }
        None => Ok(0),
    }
}

/// The kernel's protection for a guest's: `PROT_EXEC` never reaches the host
/// (wasm code never runs from linear memory; guest bytes must not become
/// executable host code) and implies reading, as on x86; writing implies
/// reading there too.
fn host_prot(prot: u32) -> u32 {
    if prot & PROT_WRITE != 0 {
        map::PROT_RW
    } else if prot & (PROT_READ | PROT_EXEC) != 0 {
        map::PROT_READ
    } else {
        0
    }
}

fn map_errno(e: MapError) -> SysError {
    match e {
        MapError::NoMemory => Errno::ENOMEM,
        MapError::Exists => Errno::EEXIST,
        MapError::Invalid => Errno::EINVAL,
        MapError::Permission => Errno::EPERM,
    }
    .into()
}

/// Issues `call(host address, length)` for each guest run, stopping at the
/// first error.
fn for_each_run(ctx: &Ctx<'_>, runs: &[(u64, u64)], mut call: impl FnMut(i64, i64) -> SysResult) -> SysResult {
    for &(s, e) in runs {
        call(ctx.mem.host_range(s, e)?, (e - s) as i64)?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use lamina_memory::map::{MIN_ADDR, WASM_PAGE_SIZE};
    use lamina_memory::{GuestMemory, TestReservation};

    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};
    use crate::kinds::Args;

    const P: u64 = PAGE_SIZE;
    const W: u64 = WASM_PAGE_SIZE;

    fn guest(initial: u64, max: u64) -> (TestReservation, GuestMemory, Process) {
        let (reservation, mem) = TestReservation::new(initial, max);
        (reservation, mem, Process::new(ProcessConfig::default()))
    }

    /// Calls this area's `SYS_<name>` with raw arguments, as the runtime does.
    fn call(ctx: &Ctx<'_>, name: &str, args: &[u64]) -> i64 {
        let def = SYSCALLS.iter().find(|d| d.short_name() == name).expect("an entry of this area");
        let mut a = Args::default();
        a.0[..args.len()].copy_from_slice(args);
        match (def.handler)(ctx, &a) {
            Ok(v) => v,
            Err(SysError::Errno(e)) => -(e.0 as i64),
            Err(e) => panic!("{e:?}"),
        }
    }

    const ANON: u64 = (MAP_PRIVATE | MAP_ANONYMOUS) as u64;
    const RW: u64 = (PROT_READ | PROT_WRITE) as u64;
    const NEG1: u64 = u32::MAX as u64;

    #[test]
    fn anonymous_mappings_reuse_space_and_never_unmap_the_reservation() {
        let (_r, mem, process) = guest(W, 64 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let a = call(&ctx, "mmap", &[0, 3 * P, RW, ANON, NEG1, 0]);
        assert_eq!(a as u64, W);
        mem.write_bytes(a as u32, b"hello").unwrap();
        assert_eq!(call(&ctx, "munmap", &[a as u64, 3 * P]), 0);
        assert_eq!(mem.read_bytes(a as u32, 5).unwrap(), vec![0; 5]);
        assert_eq!(call(&ctx, "mmap", &[0, P, RW, ANON, NEG1, 0]), a, "reused");
        assert_eq!(call(&ctx, "mmap", &[0, 0, RW, ANON, NEG1, 0]), -libc::EINVAL as i64);
        assert_eq!(call(&ctx, "mmap", &[0, 64 * W, RW, ANON, NEG1, 0]), -libc::ENOMEM as i64);
        assert_eq!(call(&ctx, "mmap", &[0, P, RW, (MAP_PRIVATE) as u64, 77, 0]), -libc::EBADF as i64);
        assert_eq!(call(&ctx, "mmap", &[MIN_ADDR - P, P, RW, ANON | MAP_FIXED as u64, NEG1, 0]), -libc::EPERM as i64);
    }

    #[test]
    fn mlockall_validates_flags_like_the_kernel() {
        let (_r, mem, process) = guest(W, 4 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        for flags in [0, libc::MCL_ONFAULT, 8, libc::MCL_CURRENT | 8, -1] {
            assert_eq!(call(&ctx, "mlockall", &[flags as u32 as u64]), -libc::EINVAL as i64, "{flags}");
        }
    }

    #[test]
    fn protected_pages_fault_for_the_runtime_instead_of_crashing_it() {
        let (_r, mem, process) = guest(W, 16 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let a = call(&ctx, "mmap", &[0, 2 * P, RW, ANON, NEG1, 0]) as u32;
        mem.write_bytes(a, b"readable\0").unwrap();
        assert_eq!(call(&ctx, "mprotect", &[a as u64, P, 0]), 0);
        assert_eq!(mem.read::<u32>(a), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(mem.write::<u32>(a + P as u32 - 2, 1), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(mem.read_path(a), Err(lamina_memory::MemoryError::Fault));
        assert!(mem.write::<u32>(a + P as u32, 1).is_ok(), "the next page is writable");
        assert_eq!(call(&ctx, "mprotect", &[a as u64, P, PROT_READ as u64]), 0);
        assert_eq!(mem.read_path(a).unwrap().as_bytes(), b"readable");
        assert_eq!(mem.write::<u8>(a, 1), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(call(&ctx, "mprotect", &[a as u64, P, RW]), 0);
        assert!(mem.write::<u8>(a, 1).is_ok());
        assert!(!mem.shared_map().hazards().overlaps(a as u64, a as u64 + 2 * P), "no hazard left");
        // Unmapping a protected page makes it plain memory again.
        assert_eq!(call(&ctx, "mprotect", &[a as u64, P, 0]), 0);
        assert_eq!(call(&ctx, "munmap", &[a as u64, P]), 0);
        assert_eq!(mem.read::<u8>(a), Ok(0));
        assert_eq!(call(&ctx, "mprotect", &[a as u64, P, 0]), -libc::ENOMEM as i64, "unmapped");
    }

    #[test]
    fn mremap_moves_contents_without_leaving_holes() {
        let (_r, mem, process) = guest(W, 64 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let a = call(&ctx, "mmap", &[0, 2 * P, RW, ANON, NEG1, 0]) as u64;
        let b = call(&ctx, "mmap", &[0, P, RW, ANON, NEG1, 0]) as u64;
        assert_eq!(b, a + 2 * P);
        mem.write_bytes(a as u32 + 100, b"moving").unwrap();
        let c = call(&ctx, "mremap", &[a, 2 * P, 8 * P, MREMAP_MAYMOVE as u64, 0]) as u64;
        assert_eq!(c, b + P);
        assert_eq!(mem.read_bytes(c as u32 + 100, 6).unwrap(), b"moving");
        assert_eq!(mem.read_bytes(a as u32 + 100, 6).unwrap(), vec![0; 6]);
        assert_eq!(call(&ctx, "mprotect", &[a, P, RW]), -libc::ENOMEM as i64, "the old range is free");
        assert_eq!(call(&ctx, "mremap", &[c, 8 * P, 2 * P, 0, 0]) as u64, c);
        assert_eq!(call(&ctx, "mremap", &[c, 2 * P, 4 * P, 0, 0]) as u64, c, "grows back in place");
    }

    /// Two anonymous mappings made side by side are one VMA to the kernel,
    /// and `mremap` takes them together (issue 12: it was EFAULT); one of
    /// another protection stays apart.
    #[test]
    fn mremap_takes_adjacent_mappings_the_kernel_merges() {
        let (_r, mem, process) = guest(W, 64 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let fixed = ANON | MAP_FIXED as u64;
        let a = call(&ctx, "mmap", &[0, 8 * P, 0, ANON, NEG1, 0]) as u64;
        assert_eq!(call(&ctx, "mmap", &[a, 2 * P, RW, fixed, NEG1, 0]) as u64, a);
        assert_eq!(call(&ctx, "mmap", &[a + 2 * P, 2 * P, RW, fixed, NEG1, 0]) as u64, a + 2 * P);
        mem.write_bytes(a as u32 + 10, b"first").unwrap();
        mem.write_bytes((a + 3 * P) as u32, b"second").unwrap();
        assert_eq!(call(&ctx, "munmap", &[a + 4 * P, 4 * P]), 0);
        assert_eq!(call(&ctx, "mremap", &[a, 4 * P, 6 * P, 0, 0]) as u64, a, "grown in place");
        let b = a + 16 * P;
        let fixed_move = (MREMAP_MAYMOVE | MREMAP_FIXED) as u64;
        assert_eq!(call(&ctx, "mremap", &[a, 6 * P, 12 * P, fixed_move, b]) as u64, b, "moved and grown");
        assert_eq!(mem.read_bytes(b as u32 + 10, 5).unwrap(), b"first");
        assert_eq!(mem.read_bytes((b + 3 * P) as u32, 6).unwrap(), b"second");
        assert_eq!(mem.read_bytes(a as u32 + 10, 5).unwrap(), vec![0; 5], "the old place is fresh");
        // A read-only neighbour is another VMA.
        assert_eq!(call(&ctx, "mprotect", &[b + 6 * P, 6 * P, PROT_READ as u64]), 0);
        assert_eq!(call(&ctx, "mremap", &[b, 12 * P, 13 * P, MREMAP_MAYMOVE as u64, 0]), -libc::EFAULT as i64);
        // The guest's own memory is no mapping it made.
        assert_eq!(call(&ctx, "mremap", &[W - P, 2 * P, 3 * P, MREMAP_MAYMOVE as u64, 0]), -libc::EFAULT as i64);
    }

    #[test]
    fn locking_and_residency_name_only_pages_the_guest_has() {
        // Guest pages are host pages: the kernel's vector is the guest's.
        assert_eq!(rustix::param::page_size() as u64, PAGE_SIZE);
        let (_r, mem, process) = guest(2 * W, 64 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let a = call(&ctx, "mmap", &[0, 4 * P, RW, ANON, NEG1, 0]) as u64;
        mem.write_bytes(a as u32, b"x").unwrap();
        let vec = W as u32 + 64;
        assert_eq!(call(&ctx, "mincore", &[a, 4 * P, vec as u64]), 0);
        assert_eq!(mem.read_bytes(vec, 4).unwrap(), vec![1, 0, 0, 0]);
        assert_eq!(call(&ctx, "mlock", &[a + P + 5, P]), 0, "two pages, rounded out");
        assert_eq!(call(&ctx, "mincore", &[a, 4 * P, vec as u64]), 0);
        assert_eq!(mem.read_bytes(vec, 4).unwrap(), vec![1, 1, 1, 0], "locking faulted them in");
        assert_eq!(call(&ctx, "munlock", &[a, 3 * P]), 0);
        assert_eq!(call(&ctx, "mincore", &[a + 1, P, vec as u64]), -libc::EINVAL as i64);
        let end = mem.size() as u64;
        assert_eq!(call(&ctx, "mincore", &[a, 2 * P, end - 1]), -libc::EFAULT as i64, "vector past the end");
        // The image (low memory included) is the guest's; free pages and
        // what lies past the end are holes.
        assert_eq!(call(&ctx, "mincore", &[0, 2 * P, vec as u64]), 0);
        assert_eq!(call(&ctx, "munmap", &[a + P, P]), 0);
        for name in ["mlock", "munlock"] {
            assert_eq!(call(&ctx, name, &[a, 2 * P]), -libc::ENOMEM as i64, "{name}");
        }
        assert_eq!(call(&ctx, "mincore", &[a, 2 * P, vec as u64]), -libc::ENOMEM as i64);
        assert_eq!(call(&ctx, "mlock", &[end - P, 2 * P]), -libc::ENOMEM as i64);
        assert_eq!(call(&ctx, "mlock2", &[a, P, 2]), -libc::EINVAL as i64);
        assert_eq!(call(&ctx, "munlockall", &[]), 0);
    }

    #[test]
    fn the_break_grows_while_nothing_is_mapped_above_it() {
        let (_r, mem, process) = guest(W, 16 * W);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        assert_eq!(call(&ctx, "brk", &[0]) as u64, W);
        assert_eq!(call(&ctx, "brk", &[W + 2 * P]) as u64, W + 2 * P);
        mem.write_bytes(W as u32, b"heap").unwrap();
        let m = call(&ctx, "mmap", &[0, P, RW, ANON, NEG1, 0]) as u64;
        assert_eq!(m, W + 2 * P);
        assert_eq!(call(&ctx, "brk", &[W + 3 * P]) as u64, W + 2 * P, "blocked: the old break");
        assert_eq!(call(&ctx, "brk", &[W]) as u64, W);
        assert_eq!(mem.read_bytes(W as u32, 4).unwrap(), vec![0; 4]);
    }
}
