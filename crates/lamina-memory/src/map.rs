//! The guest's address space: which pages of linear memory are mapped, how,
//! and where new mappings go.
//!
//! Guest mappings live *inside* linear memory. [`Map`] partitions the memory
//! `[0, end)` into regions of 4 KiB pages: free pages (accessible memory that
//! no mapping owns), private anonymous memory (the guest's image, memory it
//! grew with `memory.grow`, its break, and anonymous `mmap`s), and mappings
//! of host objects (files, shared anonymous memory). It is pure bookkeeping:
//! the host pages are replaced by [`crate::replace`], through the locked map
//! ([`MapGuard`]), which records each outcome here.
//!
//! Space comes from two sources. The allocator grows the memory (in whole
//! wasm pages, through the embedder's callback) when no free range fits, and
//! hands out 4 KiB pages; and pages the guest unmaps become free and are
//! reused first-fit, lowest address first. Memory the guest grows itself is
//! the guest's: every operation first compares the memory's size with the end
//! it knows, and whatever lies between is recorded as the guest's anonymous
//! memory; a growth by the allocator reports the size it started from, so
//! memory another thread grew in between is told apart the same way.
//!
//! [`MemoryMap`] is the process-wide, thread-safe owner of the map, shared by
//! every [`GuestMemory`] over the same memory. It also
//! keeps the *hazards*: ranges the runtime must not copy to or from with plain
//! loads and stores, because a page there may be protected, or lie past the
//! end of a file or shared object (a fault inside the runtime would kill it).
//! Accesses to hazards go through the kernel instead, which reports `EFAULT`.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard, RwLock};

use crate::GuestMemory;

/// The page size the guest sees and mappings are aligned to (the host's).
pub const PAGE_SIZE: u64 = 4096;
/// The unit in which linear memory grows.
pub const WASM_PAGE_SIZE: u64 = 65536;
/// Nothing is ever mapped below this address, as with the kernel's default
/// `mmap_min_addr`: mapping results are never guest NULL, and the guest's
/// low memory (often its stack) cannot be unmapped by a stray call.
pub const MIN_ADDR: u64 = 65536;
/// The guest's address space (its `TASK_SIZE`): 32-bit addresses.
pub const ADDRESS_SPACE: u64 = 1 << 32;
/// Most regions the map holds, as the kernel's `vm.max_map_count` limits
/// mappings: every region may be a host mapping, and the host's limit
/// (65530 by default) must never be reached on the guest's behalf, since a
/// host `mremap` failing for it could leave a hole in the reservation.
pub const MAX_REGIONS: usize = 32768;

/// The guest's own memory: its image and what it grew with `memory.grow`.
pub const GUEST: Kind = Kind::Anon { id: 0 };

/// Host protection bits (`PROT_READ`, `PROT_WRITE`) as recorded here.
pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_RW: u32 = PROT_READ | PROT_WRITE;

/// Grows the memory by a number of bytes (a multiple of [`WASM_PAGE_SIZE`]);
/// returns the size in bytes it had before, or `None` if it cannot grow.
pub type GrowFn = dyn Fn(u64) -> Option<u64> + Send + Sync;

/// What backs a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Below [`MIN_ADDR`]: never mapped, never unmapped.
    Reserved,
    /// Owned by no mapping; reused by later mappings.
    Free,
    /// Private anonymous memory of one mapping (`id` 0: the guest's own
    /// memory, its image and what it grew). Mappings stay apart, as the host
    /// keeps them in separate VMAs: `mremap` can move only one of those.
    Anon { id: u64 },
    /// One mapping of a host object: a file, or shared anonymous memory.
    /// `id` names the `mmap` call that made it; `offset` is the object
    /// offset of the region's first byte.
    Object { id: u64, offset: u64, shared: bool, file: bool },
}

impl Kind {
    /// Whether pages of this kind belong to a mapping.
    pub fn mapped(self) -> bool {
        !matches!(self, Kind::Reserved | Kind::Free)
    }

    /// Whether it is a shared mapping (`mremap` may duplicate those).
    pub fn shared(self) -> bool {
        matches!(self, Kind::Object { shared: true, .. })
    }

    /// The same backing, `delta` bytes further on.
    pub fn advanced(self, delta: u64) -> Kind {
        match self {
            Kind::Object { id, offset, shared, file } => Kind::Object { id, offset: offset + delta, shared, file },
            other => other,
        }
    }
}

/// A run of pages with one backing and one protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub end: u64,
    pub kind: Kind,
    /// Host protection: `0`, [`PROT_READ`] or [`PROT_RW`].
    pub prot: u32,
}

impl Region {
    /// Whether the runtime must go through the kernel to touch these pages:
    /// they may be protected, or pages of an object past its end (a file
    /// truncated, shared memory mapped larger than it is).
    pub fn hazardous(&self) -> bool {
        self.prot != PROT_RW || matches!(self.kind, Kind::Object { .. })
    }

    /// Whether `next`, starting where `self` (starting at `start`) ends, is
    /// the same mapping continued, so the two are one region (as the kernel
    /// merges adjacent compatible mappings into one VMA).
    fn continues(&self, start: u64, next: &Region) -> bool {
        self.prot == next.prot && self.kind.advanced(self.end - start) == next.kind
    }
}

/// Why a placement failed (the handlers turn these into errno values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// No room (`ENOMEM`).
    NoMemory,
    /// `MAP_FIXED_NOREPLACE` over a mapping (`EEXIST`).
    Exists,
    /// A misaligned fixed address (`EINVAL`).
    Invalid,
    /// A fixed address below [`MIN_ADDR`] (`EPERM`).
    Permission,
}

/// Where a new mapping should go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Anywhere; `hint` (if not 0) is taken when free.
    Anywhere { hint: u64 },
    /// Exactly at `addr`, replacing what is there if `replace`.
    Fixed { addr: u64, replace: bool },
}

/// Rounds up to a page boundary (no overflow: guest values are 32-bit).
pub fn page_up(v: u64) -> u64 {
    v.div_ceil(PAGE_SIZE) * PAGE_SIZE
}

/// The bookkeeping of one guest address space.
pub struct Map {
    /// A partition of `[0, end)`, keyed by start address.
    regions: BTreeMap<u64, Region>,
    /// The memory's size as last observed.
    end: u64,
    /// The memory's maximum size.
    max: u64,
    /// The lowest address a mapping may occupy; below it, pages are reserved.
    min: u64,
    grow: Box<GrowFn>,
    next_id: u64,
    start_brk: u64,
    brk: u64,
}

impl Map {
    /// The map of a memory of `size` bytes (the guest's image: its
    /// anonymous memory) that may grow to `max` bytes through `grow`. The
    /// program break starts at the end of the image.
    pub fn new(size: u64, max: u64, grow: Box<GrowFn>) -> Map {
        Map::with_min(size, max, grow, MIN_ADDR)
    }

    /// The map of a memory of `size` bytes in which nothing can be mapped
    /// (a memory that is no reservation, as in tests): all of it reserved.
    pub fn unmappable(size: u64) -> Map {
        Map::with_min(size, size, Box::new(|_| None), ADDRESS_SPACE)
    }

    fn with_min(size: u64, max: u64, grow: Box<GrowFn>, min: u64) -> Map {
        let mut map = Map {
            regions: BTreeMap::new(),
            end: 0,
            max: max.min(ADDRESS_SPACE),
            min,
            grow,
            next_id: 1,
            start_brk: size,
            brk: size,
        };
        map.observe(size);
        map
    }

    /// The end of the memory the map covers.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The lowest address a mapping may occupy.
    pub fn min(&self) -> u64 {
        self.min
    }

    /// Records that the memory now has `size` bytes: what lies beyond the
    /// known end was grown by the guest and is its anonymous memory. (Wasm
    /// memories have whole pages; a partial last page is left out.)
    pub fn observe(&mut self, size: u64) {
        let size = size / PAGE_SIZE * PAGE_SIZE;
        if size > self.end {
            self.extend(size, GUEST);
        }
    }

    /// Covers `[end, new_end)` with `kind` (below the minimum: reserved).
    fn extend(&mut self, new_end: u64, kind: Kind) {
        let start = self.end;
        self.end = new_end;
        if start < self.min {
            self.set(start, new_end.min(self.min), Kind::Reserved, PROT_RW);
        }
        if new_end > self.min {
            self.set(start.max(self.min), new_end, kind, PROT_RW);
        }
    }

    /// A fresh identity for the object of a new mapping.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Fails with `NoMemory` when an operation might split regions past the
    /// limit (any one operation adds at most four).
    pub fn check_room(&self) -> Result<(), MapError> {
        if self.regions.len() + 4 > MAX_REGIONS { Err(MapError::NoMemory) } else { Ok(()) }
    }

    /// Grows the memory until it reaches `target` bytes; the new space is free.
    pub fn grow_to(&mut self, target: u64) -> Result<(), MapError> {
        while self.end < target {
            let bytes = (target - self.end).div_ceil(WASM_PAGE_SIZE) * WASM_PAGE_SIZE;
            if self.end + bytes > self.max {
                return Err(MapError::NoMemory);
            }
            let old = (self.grow)(bytes).ok_or(MapError::NoMemory)?;
            debug_assert!(old >= self.end, "memory never shrinks");
            // Anything between what we knew and where our growth began was
            // grown by the guest meanwhile.
            self.observe(old);
            self.extend(old + bytes, Kind::Free);
        }
        Ok(())
    }

    /// Whether `[start, end)` may hold a new mapping without displacing
    /// anything: free pages, or space the memory can still grow into.
    pub fn available(&self, start: u64, end: u64) -> bool {
        start >= self.min && end <= self.max && self.pieces(start, end).iter().all(|(_, _, r)| r.kind == Kind::Free)
    }

    /// The lowest free range of `len` bytes (the hint first, if free), which
    /// may extend past the end of the memory.
    fn find_free(&self, len: u64, hint: u64) -> Option<u64> {
        if hint != 0 {
            let hint = page_up(hint.max(self.min));
            if self.available(hint, hint + len) {
                return Some(hint);
            }
        }
        let mut tail = self.end.max(self.min);
        for (&start, r) in &self.regions {
            if r.kind != Kind::Free {
                continue;
            }
            let start = start.max(self.min);
            if r.end >= start + len {
                return Some(start);
            }
            if r.end == self.end {
                tail = start;
            }
        }
        (tail + len <= self.max).then_some(tail)
    }

    /// Chooses the range `[addr, addr + len)` of a new mapping of `len`
    /// bytes (page-aligned, not 0), growing the memory to cover it. Nothing
    /// is recorded until [`set`](Self::set).
    pub fn place(&mut self, len: u64, want: Want) -> Result<u64, MapError> {
        if let Want::Fixed { addr, .. } = want {
            // The kernel's order: beyond the address space, misaligned, too low.
            if len > ADDRESS_SPACE || addr > ADDRESS_SPACE - len {
                return Err(MapError::NoMemory);
            }
            if !addr.is_multiple_of(PAGE_SIZE) {
                return Err(MapError::Invalid);
            }
            if addr < self.min {
                return Err(MapError::Permission);
            }
        }
        loop {
            let addr = match want {
                Want::Fixed { addr, replace } => {
                    if !replace && self.pieces(addr, addr + len).iter().any(|(_, _, r)| r.kind != Kind::Free) {
                        return Err(MapError::Exists);
                    }
                    if addr + len > self.max {
                        return Err(MapError::NoMemory);
                    }
                    addr
                }
                Want::Anywhere { hint } => self.find_free(len, hint).ok_or(MapError::NoMemory)?,
            };
            if addr + len <= self.end {
                return Ok(addr);
            }
            // Grow, then decide again: the guest may have grown the memory
            // into the range meanwhile.
            self.grow_to(addr + len)?;
        }
    }

    /// The regions overlapping `[start, end)` clipped to it and to the
    /// memory, as `(start, end, region)` with offsets adjusted.
    pub fn pieces(&self, start: u64, end: u64) -> Vec<(u64, u64, Region)> {
        let end = end.min(self.end);
        if start >= end {
            return Vec::new();
        }
        let first = self.regions.range(..=start).next_back().map_or(start, |(&s, _)| s);
        self.regions
            .range(first..end)
            .filter(|(_, r)| r.end > start)
            .map(|(&s, r)| {
                let (from, to) = (s.max(start), r.end.min(end));
                (from, to, Region { end: to, kind: r.kind.advanced(from - s), prot: r.prot })
            })
            .collect()
    }

    /// The mapped runs within `[start, end)` (adjacent mapped regions of any
    /// kinds joined), and whether the whole range is mapped.
    pub fn mapped_runs(&self, start: u64, end: u64) -> (Vec<(u64, u64)>, bool) {
        let pieces = self.pieces(start, end);
        let whole = end <= self.end && pieces.iter().all(|(_, _, r)| r.kind.mapped());
        let mut runs: Vec<(u64, u64)> = Vec::new();
        for (s, e, _) in pieces.into_iter().filter(|(_, _, r)| r.kind.mapped()) {
            match runs.last_mut() {
                Some(last) if last.1 == s => last.1 = e,
                _ => runs.push((s, e)),
            }
        }
        (runs, whole)
    }

    /// The mapping containing `addr`: its start and region.
    pub fn mapping_at(&self, addr: u64) -> Option<(u64, Region)> {
        let (&s, r) = self.regions.range(..=addr).next_back()?;
        (addr < r.end && r.kind.mapped()).then_some((s, *r))
    }

    /// Records `[start, end)` (page-aligned, within the memory) as `kind`
    /// (whose offset is that of `start`) with protection `prot`.
    pub fn set(&mut self, start: u64, end: u64, kind: Kind, prot: u32) {
        debug_assert!(
            start < end && end <= self.end && start.is_multiple_of(PAGE_SIZE) && end.is_multiple_of(PAGE_SIZE)
        );
        self.split_at(start);
        self.split_at(end);
        let inside: Vec<u64> = self.regions.range(start..end).map(|(&s, _)| s).collect();
        for s in inside {
            self.regions.remove(&s);
        }
        self.regions.insert(start, Region { end, kind, prot });
        self.coalesce(start, end);
    }

    /// Records that `[start, end)` now has protection `prot` (its pages are
    /// all mapped).
    pub fn protect(&mut self, start: u64, end: u64, prot: u32) {
        for (s, e, r) in self.pieces(start, end) {
            self.set(s, e, r.kind, prot);
        }
    }

    /// Records `[start, end)` (clipped to the memory) as free, except what
    /// is reserved, which stays as it is.
    pub fn release(&mut self, start: u64, end: u64) {
        let (start, end) = (start.max(self.min), end.min(self.end));
        if start < end {
            self.set(start, end, Kind::Free, PROT_RW);
        }
    }

    fn split_at(&mut self, at: u64) {
        if let Some((&s, r)) = self.regions.range(..at).next_back()
            && r.end > at
        {
            let right = Region { end: r.end, kind: r.kind.advanced(at - s), prot: r.prot };
            self.regions.get_mut(&s).expect("region just found").end = at;
            self.regions.insert(at, right);
        }
    }

    /// Merges each region from the one before `start` to the one at `end`
    /// with its successors where they continue each other.
    fn coalesce(&mut self, start: u64, end: u64) {
        let first = self.regions.range(..start).next_back().map_or(start, |(&s, _)| s);
        let keys: Vec<u64> = self.regions.range(first..=end).map(|(&s, _)| s).collect();
        for s in keys {
            while let Some(&r) = self.regions.get(&s)
                && let Some(&next) = self.regions.get(&r.end)
                && r.continues(s, &next)
            {
                self.regions.remove(&r.end);
                self.regions.get_mut(&s).expect("region still there").end = next.end;
            }
        }
    }

    /// The hazardous parts of `[start, end)`.
    pub fn hazards(&self, start: u64, end: u64) -> impl Iterator<Item = (u64, u64)> {
        self.pieces(start, end).into_iter().filter(|(_, _, r)| r.hazardous()).map(|(s, e, _)| (s, e))
    }

    /// The current program break.
    pub fn brk_value(&self) -> u64 {
        self.brk
    }

    /// Moves the program break as the kernel's `brk` does, returning the new
    /// break, or the old one if it cannot move. It grows only into unused
    /// pages (and never to within a page of the next mapping); it may always
    /// shrink. `zero(start, end)` must make the pages fresh zero memory (for
    /// growth) or release them (for shrinking); if it fails the break stays.
    /// (The guard's [`brk`](MapGuard::brk) does that.)
    pub(crate) fn brk(&mut self, requested: u64, zero: &mut dyn FnMut(u64, u64) -> bool) -> u64 {
        if requested < self.start_brk {
            return self.brk;
        }
        let (old, new) = (page_up(self.brk), page_up(requested));
        if new == old {
            self.brk = requested;
        } else if new < old {
            let top = old.min(self.end);
            if new < top {
                if !zero(new, top) {
                    return self.brk;
                }
                self.release(new, top);
            }
            self.brk = requested;
        } else {
            let clear = |map: &Map| map.available(old, new + PAGE_SIZE);
            if !clear(self) || self.grow_to(new).is_err() || !clear(self) || !zero(old, new) {
                return self.brk;
            }
            let id = self.new_id();
            self.set(old, new, Kind::Anon { id }, PROT_RW);
            self.brk = requested;
        }
        self.brk
    }
}

/// Disjoint, non-adjacent address ranges.
#[derive(Debug, Default)]
pub struct Ranges(BTreeMap<u64, u64>);

impl Ranges {
    /// Whether any range overlaps `[start, end)`.
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        start < end && self.0.range(..end).next_back().is_some_and(|(_, &e)| e > start)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn insert(&mut self, mut start: u64, mut end: u64) {
        if start >= end {
            return;
        }
        // Absorb every range that overlaps or touches [start, end).
        while let Some((&s, &e)) = self.0.range(..=end).next_back() {
            if e < start {
                break;
            }
            self.0.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        self.0.insert(start, end);
    }

    fn remove(&mut self, start: u64, end: u64) {
        let overlapping: Vec<(u64, u64)> =
            self.0.range(..end).filter(|&(_, &e)| e > start).map(|(&s, &e)| (s, e)).collect();
        for (s, e) in overlapping {
            self.0.remove(&s);
            if s < start {
                self.0.insert(s, start);
            }
            if e > end {
                self.0.insert(end, e);
            }
        }
    }
}

/// The process-wide map of one linear memory, shared by every view of it.
pub struct MemoryMap {
    map: Mutex<Map>,
    hazards: RwLock<Ranges>,
}

impl MemoryMap {
    /// See [`Map::new`].
    pub fn new(size: u64, max: u64, grow: Box<GrowFn>) -> MemoryMap {
        MemoryMap::of(Map::new(size, max, grow))
    }

    /// See [`Map::unmappable`].
    pub fn unmappable(size: u64) -> MemoryMap {
        MemoryMap::of(Map::unmappable(size))
    }

    fn of(map: Map) -> MemoryMap {
        MemoryMap { map: Mutex::new(map), hazards: RwLock::new(Ranges::default()) }
    }

    /// Holds both locks of the map, for a `fork` from the calling thread: the
    /// child has only that thread, so it must not inherit a lock that another
    /// thread held at the moment of the fork. Same order as every operation
    /// (map, then hazards).
    pub fn hold_for_fork(&self) -> (MutexGuard<'_, Map>, std::sync::RwLockWriteGuard<'_, Ranges>) {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let hazards = self.hazards.write().unwrap_or_else(|e| e.into_inner());
        (map, hazards)
    }

    /// The hazards, read-locked: while the guard is held no range outside
    /// them can become hazardous.
    pub fn hazards(&self) -> std::sync::RwLockReadGuard<'_, Ranges> {
        self.hazards.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// The map, locked for one operation, with the memory whose pages it
/// replaces (see [`crate::replace`]).
///
/// A handler changing host mappings over a range calls [`shield`] before the
/// change, so that no runtime access with plain loads and stores is under way
/// there or starts, and [`refresh`] once the map records the outcome.
///
/// [`shield`]: MapGuard::shield
/// [`refresh`]: MapGuard::refresh
pub struct MapGuard<'a> {
    pub(crate) map: MutexGuard<'a, Map>,
    pub(crate) hazards: &'a RwLock<Ranges>,
    pub(crate) mem: &'a GuestMemory,
}

impl<'a> MapGuard<'a> {
    /// Locks the map of `mem` for one operation, after recording what the
    /// guest grew since the last one.
    pub(crate) fn lock(mem: &'a GuestMemory) -> MapGuard<'a> {
        let shared = &*mem.map;
        let mut map = shared.map.lock().unwrap_or_else(|e| e.into_inner());
        map.observe(mem.size() as u64);
        MapGuard { map, hazards: &shared.hazards, mem }
    }
}

impl MapGuard<'_> {
    /// Treats `[start, end)` as hazardous until the next refresh.
    pub fn shield(&self, start: u64, end: u64) {
        self.hazards.write().unwrap_or_else(|e| e.into_inner()).insert(start, end);
    }

    /// Makes the hazards within `[start, end)` those the map records.
    pub fn refresh(&self, start: u64, end: u64) {
        let mut hazards = self.hazards.write().unwrap_or_else(|e| e.into_inner());
        hazards.remove(start, end);
        for (s, e) in self.map.hazards(start, end) {
            hazards.insert(s, e);
        }
    }
}

impl Deref for MapGuard<'_> {
    type Target = Map;
    fn deref(&self) -> &Map {
        &self.map
    }
}

impl DerefMut for MapGuard<'_> {
    fn deref_mut(&mut self) -> &mut Map {
        &mut self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    const P: u64 = PAGE_SIZE;
    const W: u64 = WASM_PAGE_SIZE;
    const MIB: u64 = 1 << 20;

    /// A memory of `initial` bytes growing to `max`, whose size the test can
    /// also grow "as the guest" through the returned counter.
    fn memory(initial: u64, max: u64) -> (Map, Arc<AtomicU64>) {
        let size = Arc::new(AtomicU64::new(initial));
        let grown = size.clone();
        let grow = move |bytes: u64| {
            let old = grown.load(Ordering::SeqCst);
            (old + bytes <= max).then(|| grown.fetch_add(bytes, Ordering::SeqCst))
        };
        (Map::new(initial, max, Box::new(grow)), size)
    }

    fn map_anon(map: &mut Map, len: u64, want: Want) -> Result<u64, MapError> {
        let addr = map.place(len, want)?;
        let id = map.new_id();
        map.set(addr, addr + len, Kind::Anon { id }, PROT_RW);
        Ok(addr)
    }

    fn anywhere() -> Want {
        Want::Anywhere { hint: 0 }
    }

    fn kinds(map: &Map) -> Vec<(u64, u64, Kind)> {
        map.regions.iter().map(|(&s, r)| (s, r.end, r.kind)).collect()
    }

    #[test]
    fn the_image_is_the_guests_and_low_memory_is_reserved() {
        let (map, _) = memory(2 * W, 32 * W);
        assert_eq!(kinds(&map), vec![(0, W, Kind::Reserved), (W, 2 * W, GUEST)]);
        assert_eq!(map.brk_value(), 2 * W);
        assert_eq!(map.mapping_at(0), None);
        assert_eq!(map.mapping_at(W).map(|(s, _)| s), Some(W));
    }

    #[test]
    fn mappings_grow_the_memory_in_wasm_pages_and_hand_out_pages() {
        let (mut map, size) = memory(W, 32 * W);
        let a = map_anon(&mut map, P, anywhere()).unwrap();
        assert_eq!(a, W);
        assert_eq!(size.load(Ordering::SeqCst), 2 * W);
        let b = map_anon(&mut map, 3 * P, anywhere()).unwrap();
        assert_eq!(b, W + P, "the rest of the grown wasm page is used first");
        assert_eq!(size.load(Ordering::SeqCst), 2 * W);
        let c = map_anon(&mut map, W, anywhere()).unwrap();
        assert_eq!(c, W + 4 * P, "a free tail is extended by growing");
        assert_eq!(size.load(Ordering::SeqCst), 3 * W);
    }

    #[test]
    fn freed_space_is_reused_first_fit_and_coalesced() {
        let (mut map, _) = memory(W, 64 * W);
        let a = map_anon(&mut map, 4 * P, anywhere()).unwrap();
        let b = map_anon(&mut map, 4 * P, anywhere()).unwrap();
        let c = map_anon(&mut map, 4 * P, anywhere()).unwrap();
        // Distinct mappings side by side stay apart, as the host's do.
        assert_eq!(map.mapping_at(b).unwrap().0, b);
        map.protect(b + P, b + 2 * P, PROT_READ);
        map.protect(b + P, b + 2 * P, PROT_RW);
        assert_eq!(map.mapping_at(b + 3 * P).unwrap().0, b, "pieces of one mapping merge again");
        map.release(a, a + 4 * P);
        map.release(b, b + 4 * P);
        assert_eq!(map.pieces(a, b + 4 * P).len(), 1, "neighbouring free ranges merge");
        assert_eq!(map_anon(&mut map, 8 * P, anywhere()).unwrap(), a);
        map.release(a + P, a + 2 * P);
        assert_eq!(map_anon(&mut map, 2 * P, anywhere()).unwrap(), c + 4 * P, "a one-page hole does not fit two");
        assert_eq!(map_anon(&mut map, P, anywhere()).unwrap(), a + P);
    }

    #[test]
    fn unmapping_and_mapping_forever_stays_within_the_memory() {
        let (mut map, size) = memory(W, 32 * W);
        for _ in 0..10_000 {
            let a = map_anon(&mut map, 5 * W, anywhere()).unwrap();
            map.release(a, a + 5 * W);
        }
        assert_eq!(size.load(Ordering::SeqCst), 6 * W);
        assert_eq!(map.regions.len(), 2);
    }

    #[test]
    fn hints_are_taken_when_free() {
        let (mut map, _) = memory(W, 64 * W);
        let hint = 10 * W + 123;
        assert_eq!(map_anon(&mut map, P, Want::Anywhere { hint }).unwrap(), 10 * W + P);
        assert_eq!(map.pieces(W, 10 * W).iter().map(|p| p.2.kind).collect::<Vec<_>>(), vec![Kind::Free]);
        // Taken: placed first-fit instead; low hints are raised to MIN_ADDR.
        assert_eq!(map_anon(&mut map, P, Want::Anywhere { hint: 10 * W + P }).unwrap(), W);
        assert_eq!(map_anon(&mut map, P, Want::Anywhere { hint: 5 }).unwrap(), W + P);
        // A hint past the maximum is ignored.
        assert_eq!(map_anon(&mut map, P, Want::Anywhere { hint: 64 * W }).unwrap(), W + 2 * P);
    }

    #[test]
    fn fixed_placement_replaces_or_refuses() {
        let (mut map, _) = memory(2 * W, 64 * W);
        let a = map_anon(&mut map, 4 * P, anywhere()).unwrap();
        let fixed = |addr, replace| Want::Fixed { addr, replace };
        assert_eq!(map.place(P, fixed(a + P, true)), Ok(a + P));
        assert_eq!(map.place(P, fixed(a + P, false)), Err(MapError::Exists));
        assert_eq!(map.place(P, fixed(W, false)), Err(MapError::Exists), "the guest's image is occupied");
        assert_eq!(map.place(2 * P, fixed(a + 4 * P, false)), Ok(a + 4 * P), "free pages");
        assert_eq!(map.place(P, fixed(a + 1, true)), Err(MapError::Invalid));
        assert_eq!(map.place(P, fixed(0, true)), Err(MapError::Permission));
        assert_eq!(map.place(P, fixed(W - P, true)), Err(MapError::Permission));
        assert_eq!(map.place(P, fixed(64 * W, true)), Err(MapError::NoMemory), "past the maximum");
        assert_eq!(map.place(2 * P, fixed(ADDRESS_SPACE - P, true)), Err(MapError::NoMemory));
        assert_eq!(map.place(P, fixed(0xffff_fff0, true)), Err(MapError::NoMemory));
        // Far beyond the end but within the maximum: the memory grows to it.
        assert_eq!(map.place(P, fixed(40 * W, false)), Ok(40 * W));
        assert!(map.end() >= 40 * W + P);
        assert!(map.available(3 * W, 40 * W));
    }

    #[test]
    fn exhaustion_is_no_memory_and_changes_nothing() {
        let (mut map, size) = memory(W, 16 * W);
        assert_eq!(map.place(16 * W, anywhere()), Err(MapError::NoMemory));
        let a = map_anon(&mut map, 14 * W, anywhere()).unwrap();
        assert_eq!(map.place(2 * W, anywhere()), Err(MapError::NoMemory));
        assert_eq!(map_anon(&mut map, W, anywhere()), Ok(15 * W));
        map.release(a, a + 14 * W);
        assert_eq!(map.place(14 * W, anywhere()), Ok(W));
        assert_eq!(size.load(Ordering::SeqCst), 16 * W);
    }

    #[test]
    fn memory_the_guest_grew_is_never_handed_out() {
        let (mut map, size) = memory(W, 64 * W);
        let a = map_anon(&mut map, P, anywhere()).unwrap();
        // The guest grows two wasm pages with memory.grow.
        let guest = size.fetch_add(2 * W, Ordering::SeqCst);
        map.observe(size.load(Ordering::SeqCst));
        let b = map_anon(&mut map, 4 * P, anywhere()).unwrap();
        assert_eq!(b, a + P, "the free rest of the allocator's page comes first");
        let c = map_anon(&mut map, W, anywhere()).unwrap();
        assert_eq!(c, guest + 2 * W, "then space past the guest's growth");
        assert_eq!(map.mapping_at(guest).unwrap().1.kind, GUEST);
        assert_eq!(map.place(P, Want::Fixed { addr: guest, replace: false }), Err(MapError::Exists));
        assert_eq!(map.place(P, Want::Anywhere { hint: guest }), Ok(b + 4 * P));
    }

    #[test]
    fn growth_racing_with_the_guest_keeps_the_guests_pages() {
        // The guest grows one page just before each growth of the allocator.
        let size = Arc::new(AtomicU64::new(W));
        let grown = size.clone();
        let grow = move |bytes: u64| {
            grown.fetch_add(W, Ordering::SeqCst);
            Some(grown.fetch_add(bytes, Ordering::SeqCst))
        };
        let mut map = Map::new(W, 64 * W, Box::new(grow));
        let a = map.place(W, Want::Anywhere { hint: 0 }).unwrap();
        assert_eq!(a, 2 * W);
        assert_eq!(map.mapping_at(W).unwrap(), (W, Region { end: 2 * W, kind: GUEST, prot: PROT_RW }));
        // A fixed request whose range the guest took meanwhile.
        assert_eq!(map.place(P, Want::Fixed { addr: 3 * W, replace: false }), Err(MapError::Exists));
        assert_eq!(map.end(), 5 * W);
        assert_eq!(size.load(Ordering::SeqCst), 5 * W);
    }

    #[test]
    fn objects_split_and_merge_with_their_offsets() {
        let (mut map, _) = memory(W, 64 * W);
        let a = map.place(8 * P, anywhere()).unwrap();
        let id = map.new_id();
        let file = Kind::Object { id, offset: 4 * P, shared: true, file: true };
        map.set(a, a + 8 * P, file, PROT_RW);
        map.protect(a + 2 * P, a + 3 * P, PROT_READ);
        let pieces = map.pieces(a, a + 8 * P);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[2].2.kind, Kind::Object { id, offset: 7 * P, shared: true, file: true });
        map.protect(a, a + 8 * P, PROT_RW);
        assert_eq!(map.pieces(a, a + 8 * P).len(), 1, "the same mapping again");
        // Another mapping of the object right after does not continue it.
        let b = map.place(P, Want::Fixed { addr: a + 8 * P, replace: false }).unwrap();
        let other = map.new_id();
        map.set(b, b + P, Kind::Object { id: other, offset: 12 * P, shared: true, file: true }, PROT_RW);
        assert_eq!(map.mapping_at(a).unwrap().1.end, a + 8 * P);
        assert!(map.pieces(a, b + P).iter().all(|p| p.2.hazardous()), "object pages are hazards");
    }

    #[test]
    fn mapped_runs_and_gaps() {
        let (mut map, _) = memory(2 * W, 64 * W);
        let a = map_anon(&mut map, 6 * P, anywhere()).unwrap();
        map.release(a + 2 * P, a + 3 * P);
        map.protect(a + 4 * P, a + 5 * P, 0);
        assert_eq!(map.mapped_runs(a, a + 6 * P), (vec![(a, a + 2 * P), (a + 3 * P, a + 6 * P)], false));
        assert_eq!(map.mapped_runs(a + 3 * P, a + 6 * P), (vec![(a + 3 * P, a + 6 * P)], true));
        assert_eq!(map.mapped_runs(W, a + 2 * P), (vec![(W, a + 2 * P)], true), "image and mapping make one run");
        assert_eq!(map.mapped_runs(0, W + P), (vec![(W, W + P)], false), "low memory is not mapped");
        assert!(!map.mapped_runs(a + 5 * P, a + 5 * P + 64 * W).1, "past the end");
        assert_eq!(map.hazards(a, a + 6 * P).collect::<Vec<_>>(), vec![(a + 4 * P, a + 5 * P)]);
    }

    #[test]
    fn region_count_is_limited() {
        let (mut map, _) = memory(W, 2048 * MIB);
        let a = map_anon(&mut map, 2 * MAX_REGIONS as u64 * P, anywhere()).unwrap();
        let mut i = 0;
        while map.check_room().is_ok() {
            map.protect(a + 2 * i * P, a + (2 * i + 1) * P, PROT_READ);
            i += 1;
        }
        assert!(map.regions.len() + 4 > MAX_REGIONS && map.regions.len() <= MAX_REGIONS);
    }

    #[test]
    fn brk_grows_into_unused_pages_and_always_shrinks() {
        let (mut map, size) = memory(W, 64 * W);
        let mut zeroed = Vec::new();
        let mut zero = |s, e| {
            zeroed.push((s, e));
            true
        };
        assert_eq!(map.brk(0, &mut zero), W, "below the start: the current break");
        assert_eq!(map.brk(W + 10, &mut zero), W + 10);
        assert_eq!(map.brk(W + 2 * P, &mut zero), W + 2 * P);
        assert_eq!(size.load(Ordering::SeqCst), 2 * W);
        assert!(matches!(map.mapping_at(W + P).unwrap().1.kind, Kind::Anon { .. }));
        // A mapping one page above the break: growing would leave no gap.
        let m = map.place(P, Want::Fixed { addr: W + 3 * P, replace: false }).unwrap();
        map.set(m, m + P, Kind::Anon { id: 99 }, PROT_RW);
        assert_eq!(map.brk(W + 3 * P, &mut zero), W + 2 * P);
        assert_eq!(map.brk(W + 2 * P + 1, &mut zero), W + 2 * P);
        assert_eq!(map.brk(u32::MAX as u64, &mut zero), W + 2 * P);
        assert_eq!(map.brk(W + P, &mut zero), W + P);
        assert_eq!(map.mapping_at(W + P), None, "the released page is free");
        assert_eq!(map.brk(W + 2 * P - 1, &mut zero), W + 2 * P - 1, "up to one page below the mapping");
        assert_eq!(zeroed, vec![(W, W + P), (W + P, W + 2 * P), (W + P, W + 2 * P), (W + P, W + 2 * P)]);
        let mut failing = |_, _| false;
        assert_eq!(map.brk(W, &mut failing), W + 2 * P - 1, "the break stays if its pages cannot be released");
    }

    #[test]
    fn hazard_ranges_merge_and_split() {
        let mut r = Ranges::default();
        r.insert(10, 20);
        r.insert(30, 40);
        r.insert(20, 30);
        assert_eq!(r.0.len(), 1);
        assert!(r.overlaps(39, 50) && !r.overlaps(40, 50) && !r.overlaps(0, 10) && !r.overlaps(15, 15));
        r.remove(15, 25);
        assert_eq!(r.0.iter().map(|(&s, &e)| (s, e)).collect::<Vec<_>>(), vec![(10, 15), (25, 40)]);
        r.remove(0, 100);
        assert!(r.is_empty());
    }

    #[test]
    fn the_shared_map_tracks_hazards_through_a_guard() {
        let (memory, mem) = crate::TestReservation::new(W, 16 * W);
        memory.grow(W).unwrap();
        let mm = mem.shared_map();
        let mut map = mem.map();
        assert_eq!(map.end(), 2 * W, "the guest grew a page");
        map.shield(W, W + P);
        assert!(mm.hazards().overlaps(W, W + 1));
        map.protect(W + P, W + 2 * P, 0);
        map.refresh(W, 2 * W);
        assert!(!mm.hazards().overlaps(W, W + P));
        assert!(mm.hazards().overlaps(W + P, W + P + 1));
        assert_eq!(map.brk(W + P), W, "no room to grow the break");
    }
}
