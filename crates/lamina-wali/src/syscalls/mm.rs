//! Memory management inside linear memory: `mmap` and friends.
//!
//! Every guest mapping lives inside the guest's linear memory, a host
//! reservation of its maximum size. Where a mapping goes and what each page
//! holds is the memory map's bookkeeping (`lamina_memory::map`); the host
//! mappings are made here, *over* the reservation: anonymous private memory
//! with `mmap(MAP_FIXED)` onto the chosen range, and everything else (files,
//! shared memory) mapped by the kernel anywhere first — which validates the
//! request without touching guest memory — then moved into place with
//! `mremap(MREMAP_FIXED)`. The same move carries mappings for `mremap`, so
//! contents (and a file's backing) travel as page tables, never as copies.
//!
//! Nothing inside the reservation is ever unmapped: a hole could be taken by
//! another host allocation, which the guest could then read and write.
//! `munmap` replaces the pages with fresh zero memory instead; moves leave
//! their source mapped (`MREMAP_DONTUNMAP`) until it too is replaced. Should
//! a failing host call still leave a hole (older kernels unmap a `MAP_FIXED`
//! range before failing), it is found and filled at once.
//!
//! Protections are the host's, so a guest access to a `PROT_NONE` page traps
//! as a native one faults, and the kernel answers `EFAULT` for such buffers.
//! The runtime's own copies go through the kernel wherever pages may fault
//! (see `lamina_memory`): protected pages and file pages.

use lamina_memory::map::{self, ADDRESS_SPACE, Kind, MapError, MapGuard, PAGE_SIZE, Want, page_up};

use crate::ctx::Ctx;
use crate::errno::{Errno, SysError, SysResult};
use crate::host::{self, syscall};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(mmap => mmap, [addr: Ptr, length: UInt, prot: Hex, flags: Hex, fd: Fd, offset: Long]),
    syscall!(munmap => munmap, [addr: Ptr, length: UInt]),
    syscall!(mremap => mremap, [old_address: Ptr, old_size: UInt, new_size: UInt, flags: Hex, new_address: Ptr]),
    syscall!(mprotect => mprotect, [addr: Ptr, len: UInt, prot: Hex]),
    syscall!(msync => msync, [addr: Ptr, length: UInt, flags: Hex]),
    syscall!(madvise => madvise, [addr: Ptr, length: UInt, advice: Int]),
    syscall!(brk => brk, [addr: Ptr]),
];

/// The x86-64 values of the guest's (and host's) flags.
mod abi {
    pub const PROT_READ: i32 = 0x1;
    pub const PROT_WRITE: i32 = 0x2;
    pub const PROT_EXEC: i32 = 0x4;
    pub const PROT_SEM: i32 = 0x8;
    pub const PROT_GROWSDOWN: i32 = 0x0100_0000;
    pub const PROT_GROWSUP: i32 = 0x0200_0000;

    pub const MAP_SHARED: i32 = 0x01;
    pub const MAP_PRIVATE: i32 = 0x02;
    pub const MAP_SHARED_VALIDATE: i32 = 0x03;
    pub const MAP_DROPPABLE: i32 = 0x08;
    pub const MAP_TYPE: i32 = 0x0f;
    pub const MAP_FIXED: i32 = 0x10;
    pub const MAP_ANONYMOUS: i32 = 0x20;
    pub const MAP_GROWSDOWN: i32 = 0x100;
    pub const MAP_DENYWRITE: i32 = 0x800;
    pub const MAP_EXECUTABLE: i32 = 0x1000;
    pub const MAP_LOCKED: i32 = 0x2000;
    pub const MAP_NORESERVE: i32 = 0x4000;
    pub const MAP_POPULATE: i32 = 0x8000;
    pub const MAP_NONBLOCK: i32 = 0x10000;
    pub const MAP_STACK: i32 = 0x20000;
    pub const MAP_HUGETLB: i32 = 0x40000;
    pub const MAP_SYNC: i32 = 0x80000;
    pub const MAP_FIXED_NOREPLACE: i32 = 0x100000;
    pub const MAP_UNINITIALIZED: i32 = 0x400_0000;
    /// The flags every kernel accepts with `MAP_SHARED_VALIDATE` (its
    /// `LEGACY_MAP_MASK`); others get `EOPNOTSUPP`, bar `MAP_SYNC` where the
    /// file supports it.
    pub const LEGACY_MAP_MASK: i32 = MAP_SHARED
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

    pub const MREMAP_MAYMOVE: i32 = 1;
    pub const MREMAP_FIXED: i32 = 2;
    pub const MREMAP_DONTUNMAP: i32 = 4;

    pub const MS_ASYNC: i32 = 1;
    pub const MS_INVALIDATE: i32 = 2;
    pub const MS_SYNC: i32 = 4;

    pub const MADV_DONTFORK: i32 = 10;
    pub const MADV_HWPOISON: i32 = 100;
    pub const MADV_SOFT_OFFLINE: i32 = 101;
    pub const MADV_GUARD_INSTALL: i32 = 102;
    pub const MADV_GUARD_REMOVE: i32 = 103;
}
use abi::*;

/// The `mmap` flags handed to the host as the guest gave them. The rest are
/// placement (ours: the host call is always `MAP_FIXED` or a move into
/// place), meaningless in linear memory (`MAP_32BIT`: every guest address is
/// 32-bit), ignored by every kernel (`MAP_DENYWRITE`, `MAP_EXECUTABLE`,
/// `MAP_UNINITIALIZED`), or refused below.
const HOST_MAP_FLAGS: i32 =
    MAP_TYPE | MAP_ANONYMOUS | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_SYNC;

fn mmap(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (addr, len, prot, flags, fd, offset) =
        (a.ptr(0) as u64, a.len(1) as u64, a.int(2), a.int(3), a.int(4), a.long(5));
    // The kernel's order of checks (x86-64 `sys_mmap`, then `do_mmap`).
    if !(offset as u64).is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL.into());
    }
    let anon = flags & MAP_ANONYMOUS != 0;
    if !anon && (fd < 0 || syscall(libc::SYS_fcntl, &[fd as i64, libc::F_GETFD as i64]).is_err()) {
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
        return Err(Errno(libc::EOPNOTSUPP).into());
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
        host_range(ctx, start, end)
            .and_then(|at| syscall(libc::SYS_mmap, &[at, len as i64, hprot as i64, fixed, -1, 0]).map(drop))
    } else {
        syscall(libc::SYS_mmap, &[0, len as i64, hprot as i64, host_flags, fd as i64, offset])
            .and_then(|tmp| install(ctx, tmp, len, start, len, None))
    };
    match made {
        Ok(()) => map.set(start, end, kind, hprot),
        Err(_) => settle(ctx, &mut map, start, end),
    }
    map.refresh(start, end);
    made.map(|()| start as i64)
}

fn munmap(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (addr, len) = (a.ptr(0) as u64, a.len(1) as u64);
    if !addr.is_multiple_of(PAGE_SIZE) || addr + len > ADDRESS_SPACE || len == 0 {
        return Err(Errno::EINVAL.into());
    }
    let mut map = ctx.mem.map();
    map.check_room().map_err(map_errno)?;
    release(ctx, &mut map, addr, addr + page_up(len))?;
    Ok(0)
}

fn mremap(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (old, old_len, new_len, flags, new_addr) =
        (a.ptr(0) as u64, a.len(1) as u64, a.len(2) as u64, a.int(3), a.ptr(4) as u64);
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
    if old + old_len > vma.end {
        return Err(Errno::EFAULT.into());
    }
    let mapping = Mapping { kind: vma.kind.advanced(old - start), prot: vma.prot };
    if fixed || dont_unmap {
        let target = if fixed {
            if old_len > new_len {
                // The kernel shrinks before it moves.
                release(ctx, &mut map, old + new_len, old + old_len)?;
                old_len = new_len;
            }
            Want::Fixed { addr: new_addr, replace: true }
        } else {
            Want::Anywhere { hint: new_addr }
        };
        let to = map.place(new_len, target).map_err(map_errno)?;
        relocate(ctx, &mut map, mapping, (old, old_len), (to, new_len), !dont_unmap)?;
        return Ok(to as i64);
    }
    if new_len <= old_len {
        release(ctx, &mut map, old + new_len, old + old_len)?;
        return Ok(old as i64);
    }
    let (grown_from, grown_to) = (old + old_len, old + new_len);
    // In place when the old range ends the mapping and the pages after it
    // are free (growing the memory if they lie past its end).
    if grown_from == vma.end
        && map.available(grown_from, grown_to)
        && map.grow_to(grown_to).is_ok()
        && map.available(grown_from, grown_to)
    {
        // The host mapping grows as it moves onto its own old place: the
        // kernel cannot grow it where it is, into the reservation's pages.
        relocate(ctx, &mut map, mapping, (old, old_len), (old, new_len), false)?;
        return Ok(old as i64);
    }
    if !may_move {
        return Err(Errno::ENOMEM.into());
    }
    let to = map.place(new_len, Want::Anywhere { hint: 0 }).map_err(map_errno)?;
    relocate(ctx, &mut map, mapping, (old, old_len), (to, new_len), true)?;
    Ok(to as i64)
}

fn mprotect(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (addr, len, prot) = (a.ptr(0) as u64, a.len(1) as u64, a.int(2));
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
        if let Err(err) =
            host_range(ctx, s, e).and_then(|at| syscall(libc::SYS_mprotect, &[at, (e - s) as i64, hprot as i64]))
        {
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

fn msync(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (addr, len, flags) = (a.ptr(0) as u64, a.len(1) as u64, a.int(2));
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

fn madvise(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let (addr, len, adv) = (a.ptr(0) as u64, a.len(1) as u64, a.int(2));
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

fn brk(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let mut map = ctx.mem.map();
    Ok(map.brk(a.ptr(0) as u64, &mut |start, end| fresh(ctx, start, end).is_ok()) as i64)
}

/// The kernel's protection for a guest's: `PROT_EXEC` never reaches the host
/// (wasm code never runs from linear memory; guest bytes must not become
/// executable host code) and implies reading, as on x86; writing implies
/// reading there too.
fn host_prot(prot: i32) -> u32 {
    if prot & PROT_WRITE != 0 {
        map::PROT_RW
    } else if prot & (PROT_READ | PROT_EXEC) != 0 {
        map::PROT_READ
    } else {
        0
    }
}

fn map_errno(e: MapError) -> SysError {
    Errno(match e {
        MapError::NoMemory => libc::ENOMEM,
        MapError::Exists => libc::EEXIST,
        MapError::Invalid => libc::EINVAL,
        MapError::Permission => libc::EPERM,
    })
    .into()
}

/// A mapping as it moves: what backs its first page, and its protection.
#[derive(Clone, Copy)]
struct Mapping {
    kind: Kind,
    prot: u32,
}

/// The host address of the guest range `[start, end)`, which the map covers.
fn host_range(ctx: &Ctx<'_>, start: u64, end: u64) -> Result<i64, SysError> {
    Ok(host::ptr(ctx.mem.host_ptr(start as u32, (end - start) as usize)?))
}

/// Issues `call(host address, length)` for each guest run, stopping at the
/// first error.
fn for_each_run(ctx: &Ctx<'_>, runs: &[(u64, u64)], mut call: impl FnMut(i64, i64) -> SysResult) -> SysResult {
    for &(s, e) in runs {
        call(host_range(ctx, s, e)?, (e - s) as i64)?;
    }
    Ok(0)
}

/// Replaces `[start, end)` with fresh zero pages, readable and writable
/// (what the memory holds where no mapping is). Never leaves a hole.
fn fresh(ctx: &Ctx<'_>, start: u64, end: u64) -> Result<(), SysError> {
    let at = host_range(ctx, start, end)?;
    let flags = (MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE) as i64;
    let zero = || syscall(libc::SYS_mmap, &[at, (end - start) as i64, map::PROT_RW as i64, flags, -1, 0]);
    match zero() {
        Ok(_) => Ok(()),
        Err(e) if !has_hole(at, end - start) => Err(e),
        Err(_) => zero().map(drop).map_err(|_| abandon(start, end)),
    }
}

/// Whether part of a host range is unmapped (`msync` fails with `ENOMEM`
/// there, and does nothing else with `MS_ASYNC`).
fn has_hole(at: i64, len: u64) -> bool {
    matches!(syscall(libc::SYS_msync, &[at, len as i64, MS_ASYNC as i64]), Err(SysError::Errno(Errno::ENOMEM)))
}

/// A hole in the reservation that cannot be filled could be taken by another
/// host allocation, which the guest could then reach: stop everything.
fn abandon(start: u64, end: u64) -> ! {
    eprintln!("lamina: cannot restore guest memory {start:#x}..{end:#x} after a failed mapping; aborting");
    std::process::abort()
}

/// After a host call over `[start, end)` failed: if it left a hole (older
/// kernels unmap a `MAP_FIXED` or `MREMAP_FIXED` destination before they
/// fail), fill it; what was mapped there is then gone.
fn settle(ctx: &Ctx<'_>, map: &mut MapGuard<'_>, start: u64, end: u64) {
    let Ok(at) = host_range(ctx, start, end) else { return };
    if has_hole(at, end - start) {
        fresh(ctx, start, end).unwrap_or_else(|_| abandon(start, end));
        map.release(start, end);
    }
}

/// Unmaps `[start, end)` for the guest: fresh pages, recorded as free. Low
/// memory (below `MIN_ADDR`) is never mapped, so there is nothing to unmap.
fn release(ctx: &Ctx<'_>, map: &mut MapGuard<'_>, start: u64, end: u64) -> Result<(), SysError> {
    let (start, end) = (start.max(map.min()), end.min(map.end()));
    if start >= end {
        return Ok(());
    }
    map.shield(start, end);
    let done = fresh(ctx, start, end);
    if done.is_ok() {
        map.release(start, end);
    }
    map.refresh(start, end);
    done
}

/// Moves the host mapping at `tmp` (`len` bytes, outside guest memory) over
/// `[start, start + new_len)`, resized to `new_len`. On failure `tmp` goes
/// back to `home` (its old place, if any) or is unmapped.
fn install(ctx: &Ctx<'_>, tmp: i64, len: u64, start: u64, new_len: u64, home: Option<i64>) -> Result<(), SysError> {
    let at = host_range(ctx, start, start + new_len)?;
    let moved = |from: i64, to: i64, new_len: u64| {
        let flags = (MREMAP_MAYMOVE | MREMAP_FIXED) as i64;
        syscall(libc::SYS_mremap, &[from, len as i64, new_len as i64, flags, to])
    };
    moved(tmp, at, new_len).map(drop).inspect_err(|_| {
        if home.is_none_or(|home| moved(tmp, home, len).is_err()) {
            let _ = syscall(libc::SYS_munmap, &[tmp, len as i64]);
        }
    })
}

/// Moves (or, for a zero old length, duplicates) the host mapping at
/// `old = (start, len)` to `new = (start, len)`, resized, and records it;
/// the old range is released if `unmap_old`, else it stays mapped, emptied
/// (private memory) or still showing its object.
fn relocate(
    ctx: &Ctx<'_>,
    map: &mut MapGuard<'_>,
    mapping: Mapping,
    (old, old_len): (u64, u64),
    (new, new_len): (u64, u64),
    unmap_old: bool,
) -> Result<(), SysError> {
    let src = host_range(ctx, old, old + old_len)?;
    map.shield(old, old + old_len);
    map.shield(new, new + new_len);
    // The kernel picks a place outside guest memory; the source stays mapped.
    let detached = if old_len == 0 {
        syscall(libc::SYS_mremap, &[src, 0, new_len as i64, MREMAP_MAYMOVE as i64, 0]).map(|tmp| (tmp, new_len))
    } else {
        let flags = (MREMAP_MAYMOVE | MREMAP_DONTUNMAP) as i64;
        syscall(libc::SYS_mremap, &[src, old_len as i64, old_len as i64, flags, 0]).map(|tmp| (tmp, old_len))
    };
    let home = (old_len != 0).then_some(src);
    let moved = detached.and_then(|(tmp, len)| install(ctx, tmp, len, new, new_len, home));
    match moved {
        Ok(()) => {
            map.set(new, new + new_len, mapping.kind, mapping.prot);
            if unmap_old && old_len != 0 && fresh(ctx, old, old + old_len).is_ok() {
                map.release(old, old + old_len);
            }
        }
        // (Growing in place, the old part went back home on failure.)
        Err(_) if new == old => settle(ctx, map, old + old_len, new + new_len),
        Err(_) => settle(ctx, map, new, new + new_len),
    }
    map.refresh(old, old + old_len);
    map.refresh(new, new + new_len);
    moved
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use lamina_memory::map::{MIN_ADDR, WASM_PAGE_SIZE};
    use lamina_memory::{GuestMemory, MemoryMap};

    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};

    const P: u64 = PAGE_SIZE;
    const W: u64 = WASM_PAGE_SIZE;

    /// A miniature wasmtime memory: a `PROT_NONE` reservation whose first
    /// `initial` bytes are accessible and which grows by `mprotect`.
    struct Reservation {
        base: *mut u8,
        len: usize,
    }

    impl Drop for Reservation {
        fn drop(&mut self) {
            // SAFETY: the reservation made in `guest`, unused from here on.
            unsafe { libc::munmap(self.base.cast(), self.len) };
        }
    }

    fn guest(initial: u64, max: u64) -> (Reservation, GuestMemory, Process) {
        // SAFETY: a fresh private reservation.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                max as usize,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        let base = base as *mut u8;
        let size = Arc::new(AtomicU64::new(0));
        let grow_size = size.clone();
        let addr = base as usize;
        let grow = move |bytes: u64| {
            let old = grow_size.load(Ordering::SeqCst);
            if old + bytes > max {
                return None;
            }
            // SAFETY: inside the reservation.
            let r = unsafe {
                libc::mprotect((addr + old as usize) as *mut _, bytes as usize, libc::PROT_READ | libc::PROT_WRITE)
            };
            assert_eq!(r, 0);
            Some(grow_size.fetch_add(bytes, Ordering::SeqCst))
        };
        grow(initial).unwrap();
        let map = Arc::new(MemoryMap::new(initial, max, Box::new(grow)));
        let sized = size.clone();
        // SAFETY: the reservation outlives the view (the test holds both).
        let mem = unsafe { GuestMemory::with_map(base, Box::new(move || sized.load(Ordering::SeqCst) as usize), map) };
        (Reservation { base, len: max as usize }, mem, Process::new(ProcessConfig::default()))
    }

    fn call(ctx: &Ctx<'_>, handler: fn(&Ctx<'_>, &Args) -> SysResult, args: &[u64]) -> i64 {
        let mut a = Args::default();
        a.0[..args.len()].copy_from_slice(args);
        match handler(ctx, &a) {
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
        let ctx = Ctx { mem: &mem, process: &process, thread: &thread };
        let a = call(&ctx, mmap, &[0, 3 * P, RW, ANON, NEG1, 0]);
        assert_eq!(a as u64, W);
        mem.write_bytes(a as u32, b"hello").unwrap();
        assert_eq!(call(&ctx, munmap, &[a as u64, 3 * P]), 0);
        let host = mem.host_ptr(a as u32, 1).unwrap();
        assert!(!has_hole(host as i64, 3 * P), "unmapped guest pages stay mapped on the host");
        assert_eq!(mem.read_bytes(a as u32, 5).unwrap(), vec![0; 5]);
        assert_eq!(call(&ctx, mmap, &[0, P, RW, ANON, NEG1, 0]), a, "reused");
        assert_eq!(call(&ctx, mmap, &[0, 0, RW, ANON, NEG1, 0]), -libc::EINVAL as i64);
        assert_eq!(call(&ctx, mmap, &[0, 64 * W, RW, ANON, NEG1, 0]), -libc::ENOMEM as i64);
        assert_eq!(call(&ctx, mmap, &[0, P, RW, (MAP_PRIVATE) as u64, 77, 0]), -libc::EBADF as i64);
        assert_eq!(call(&ctx, mmap, &[MIN_ADDR - P, P, RW, ANON | MAP_FIXED as u64, NEG1, 0]), -libc::EPERM as i64);
    }

    #[test]
    fn protected_pages_fault_for_the_runtime_instead_of_crashing_it() {
        let (_r, mem, process) = guest(W, 16 * W);
        let thread = ThreadState::default();
        let ctx = Ctx { mem: &mem, process: &process, thread: &thread };
        let a = call(&ctx, mmap, &[0, 2 * P, RW, ANON, NEG1, 0]) as u32;
        mem.write_bytes(a, b"readable\0").unwrap();
        assert_eq!(call(&ctx, mprotect, &[a as u64, P, 0]), 0);
        assert_eq!(mem.read::<u32>(a), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(mem.write::<u32>(a + P as u32 - 2, 1), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(mem.read_path(a), Err(lamina_memory::MemoryError::Fault));
        assert!(mem.write::<u32>(a + P as u32, 1).is_ok(), "the next page is writable");
        assert_eq!(call(&ctx, mprotect, &[a as u64, P, PROT_READ as u64]), 0);
        assert_eq!(mem.read_path(a).unwrap().as_bytes(), b"readable");
        assert_eq!(mem.write::<u8>(a, 1), Err(lamina_memory::MemoryError::Fault));
        assert_eq!(call(&ctx, mprotect, &[a as u64, P, RW]), 0);
        assert!(mem.write::<u8>(a, 1).is_ok());
        assert!(!mem.shared_map().hazards().overlaps(a as u64, a as u64 + 2 * P), "no hazard left");
        // Unmapping a protected page makes it plain memory again.
        assert_eq!(call(&ctx, mprotect, &[a as u64, P, 0]), 0);
        assert_eq!(call(&ctx, munmap, &[a as u64, P]), 0);
        assert_eq!(mem.read::<u8>(a), Ok(0));
        assert_eq!(call(&ctx, mprotect, &[a as u64, P, 0]), -libc::ENOMEM as i64, "unmapped");
    }

    #[test]
    fn mremap_moves_contents_without_leaving_holes() {
        let (_r, mem, process) = guest(W, 64 * W);
        let thread = ThreadState::default();
        let ctx = Ctx { mem: &mem, process: &process, thread: &thread };
        let a = call(&ctx, mmap, &[0, 2 * P, RW, ANON, NEG1, 0]) as u64;
        let b = call(&ctx, mmap, &[0, P, RW, ANON, NEG1, 0]) as u64;
        assert_eq!(b, a + 2 * P);
        mem.write_bytes(a as u32 + 100, b"moving").unwrap();
        let c = call(&ctx, mremap, &[a, 2 * P, 8 * P, MREMAP_MAYMOVE as u64, 0]) as u64;
        assert_eq!(c, b + P);
        assert_eq!(mem.read_bytes(c as u32 + 100, 6).unwrap(), b"moving");
        assert!(!has_hole(mem.host_ptr(a as u32, 1).unwrap() as i64, 2 * P));
        assert_eq!(mem.read_bytes(a as u32 + 100, 6).unwrap(), vec![0; 6]);
        assert_eq!(call(&ctx, mprotect, &[a, P, RW]), -libc::ENOMEM as i64, "the old range is free");
        assert_eq!(call(&ctx, mremap, &[c, 8 * P, 2 * P, 0, 0]) as u64, c);
        assert_eq!(call(&ctx, mremap, &[c, 2 * P, 4 * P, 0, 0]) as u64, c, "grows back in place");
    }

    #[test]
    fn the_break_grows_while_nothing_is_mapped_above_it() {
        let (_r, mem, process) = guest(W, 16 * W);
        let thread = ThreadState::default();
        let ctx = Ctx { mem: &mem, process: &process, thread: &thread };
        assert_eq!(call(&ctx, brk, &[0]) as u64, W);
        assert_eq!(call(&ctx, brk, &[W + 2 * P]) as u64, W + 2 * P);
        mem.write_bytes(W as u32, b"heap").unwrap();
        let m = call(&ctx, mmap, &[0, P, RW, ANON, NEG1, 0]) as u64;
        assert_eq!(m, W + 2 * P);
        assert_eq!(call(&ctx, brk, &[W + 3 * P]) as u64, W + 2 * P, "blocked: the old break");
        assert_eq!(call(&ctx, brk, &[W]) as u64, W);
        assert_eq!(mem.read_bytes(W as u32, 4).unwrap(), vec![0; 4]);
    }
}
