//! Page replacement: changing the host pages behind guest addresses.
//!
//! Every guest mapping lives inside the guest's linear memory, a host
//! reservation of its maximum size, so mapping, unmapping and moving guest
//! pages all come down to *replacing* host pages inside the reservation. Where
//! a mapping goes and what each page holds is the memory map's bookkeeping
//! ([`crate::map`]); the host side is done here, by methods of the locked map
//! ([`MapGuard`]), which shield the pages while they change and record the
//! outcome. Which host call makes a new mapping, and with which flags, is the
//! syscall handlers' business: a mapping the kernel made anywhere (which
//! validates the request without touching guest memory) is moved into place
//! with `mremap(MREMAP_FIXED)` ([`MapGuard::install`]). The same move carries
//! mappings for `mremap` ([`MapGuard::relocate`]), so contents (and a file's
//! backing) travel as page tables, never as copies. A mapping the kernel must
//! not see moved (a System V shared memory attachment, whose move counts as a
//! detach) is made in place instead ([`MapGuard::map_in_place`]).
//!
//! Nothing inside the reservation is ever unmapped: a hole could be taken by
//! another host allocation, which the guest could then read and write.
//! Unmapping replaces the pages with fresh zero memory instead
//! ([`MapGuard::unmap`], and the break's pages in [`MapGuard::brk`]); moves
//! leave their source mapped (`MREMAP_DONTUNMAP`) until it too is replaced.
//! Should a failing host call still leave a hole (older kernels unmap a
//! `MAP_FIXED` range before failing), it is found and filled at once
//! ([`MapGuard::settle`]); one that cannot be filled aborts the process.
//!
//! The host calls are raw syscalls; a failure is the host's errno
//! ([`HostError`]).

use crate::GuestMemory;
use crate::map::{Kind, MapGuard, PROT_RW};

/// A failed host call: the errno it gave (`EFAULT` for a range outside the
/// memory, as for any bad address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostError(pub i32);

/// A mapping as it moves: what backs its first page, and its protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub kind: Kind,
    pub prot: u32,
}

impl MapGuard<'_> {
    /// After a host call over `[start, end)` failed: if it left a hole (older
    /// kernels unmap a `MAP_FIXED` or `MREMAP_FIXED` destination before they
    /// fail), fill it; what was mapped there is then gone.
    pub fn settle(&mut self, start: u64, end: u64) {
        let Ok(at) = host_range(self.mem, start, end) else { return };
        if has_hole(at, end - start) {
            fresh(self.mem, start, end).unwrap_or_else(|_| abandon(start, end));
            self.release(start, end);
        }
    }

    /// Unmaps `[start, end)` for the guest: fresh pages, recorded as free.
    /// Low memory (below `MIN_ADDR`) is never mapped, so there is nothing to
    /// unmap.
    pub fn unmap(&mut self, start: u64, end: u64) -> Result<(), HostError> {
        let (start, end) = (start.max(self.min()), end.min(self.end()));
        if start >= end {
            return Ok(());
        }
        self.shield(start, end);
        let done = fresh(self.mem, start, end);
        if done.is_ok() {
            self.release(start, end);
        }
        self.refresh(start, end);
        done
    }

    /// Moves the host mapping at `tmp` (`len` bytes, outside guest memory)
    /// over `[start, start + new_len)`, resized to `new_len`. On failure
    /// `tmp` goes back to `home` (its old place, if any) or is unmapped.
    /// Records nothing: the caller, having shielded the range, sets or
    /// [settles](Self::settle) it.
    ///
    /// # Safety
    /// `tmp` must be a host mapping of `len` bytes that the caller owns and
    /// no longer uses, and `home` (if any) the place in guest memory it was
    /// detached from.
    pub unsafe fn install(
        &self,
        tmp: i64,
        len: u64,
        start: u64,
        new_len: u64,
        home: Option<i64>,
    ) -> Result<(), HostError> {
        let at = host_range(self.mem, start, start + new_len)?;
        let moved = |from: i64, to: i64, new_len: u64| {
            let flags = (libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED) as i64;
            // SAFETY: moves the caller's mapping over pages of the
            // reservation (`to` is checked above or is `home`), which hold
            // no Rust objects.
            unsafe { syscall(libc::SYS_mremap, [from, len as i64, new_len as i64, flags, to, 0]) }
        };
        moved(tmp, at, new_len).map(drop).inspect_err(|_| {
            if home.is_none_or(|home| moved(tmp, home, len).is_err()) {
                // SAFETY: the caller's mapping, which nothing else uses.
                let _ = unsafe { syscall(libc::SYS_munmap, [tmp, len as i64, 0, 0, 0, 0]) };
            }
        })
    }

    /// Has the host call `map_at` map `[start, end)` itself, given its host
    /// address: for a call that checks its request before it replaces
    /// anything and that must not be moved afterwards (the kernel counts a
    /// moved `shmat` attachment as a detach). Records nothing: the caller,
    /// having shielded the range, sets or [settles](Self::settle) it.
    ///
    /// # Safety
    /// `map_at` must map exactly `[at, at + end - start)` (a fixed-address
    /// call) or fail.
    pub unsafe fn map_in_place<E: From<HostError>>(
        &self,
        start: u64,
        end: u64,
        map_at: impl FnOnce(i64) -> Result<i64, E>,
    ) -> Result<(), E> {
        let at = host_range(self.mem, start, end)?;
        map_at(at).map(drop)
    }

    /// Moves (or, for a zero old length, duplicates) the host mapping at
    /// `old = (start, len)` to `new = (start, len)`, resized, and records it;
    /// the old range is released if `unmap_old`, else it stays mapped,
    /// emptied (private memory) or still showing its object.
    pub fn relocate(
        &mut self,
        mapping: Mapping,
        (old, old_len): (u64, u64),
        (new, new_len): (u64, u64),
        unmap_old: bool,
    ) -> Result<(), HostError> {
        let src = host_range(self.mem, old, old + old_len)?;
        self.shield(old, old + old_len);
        self.shield(new, new + new_len);
        // The kernel picks a place outside guest memory; the source stays mapped.
        let detached = if old_len == 0 {
            let flags = libc::MREMAP_MAYMOVE as i64;
            // SAFETY: a new mapping of the source's object where the kernel
            // finds room; no existing mapping changes.
            unsafe { syscall(libc::SYS_mremap, [src, 0, new_len as i64, flags, 0, 0]) }.map(|tmp| (tmp, new_len))
        } else {
            let flags = (libc::MREMAP_MAYMOVE | libc::MREMAP_DONTUNMAP) as i64;
            // SAFETY: the pages move out of the reservation to where the
            // kernel finds room; the source stays mapped, emptied or still
            // showing its object.
            unsafe { syscall(libc::SYS_mremap, [src, old_len as i64, old_len as i64, flags, 0, 0]) }
                .map(|tmp| (tmp, old_len))
        };
        let home = (old_len != 0).then_some(src);
        // SAFETY: `tmp` was just detached from `home` for this move.
        let moved = detached.and_then(|(tmp, len)| unsafe { self.install(tmp, len, new, new_len, home) });
        match moved {
            Ok(()) => {
                self.set(new, new + new_len, mapping.kind, mapping.prot);
                if unmap_old && old_len != 0 && fresh(self.mem, old, old + old_len).is_ok() {
                    self.release(old, old + old_len);
                }
            }
            // (Growing in place, the old part went back home on failure.)
            Err(_) if new == old => self.settle(old + old_len, new + new_len),
            Err(_) => self.settle(new, new + new_len),
        }
        self.refresh(old, old + old_len);
        self.refresh(new, new + new_len);
        moved
    }

    /// Moves the program break as the kernel's `brk` does (the map decides
    /// where it may go), returning the new break, or the old one if it
    /// cannot move. The pages it gains or gives up become fresh zero memory,
    /// shielded meanwhile; if they cannot, the break stays.
    pub fn brk(&mut self, requested: u64) -> u64 {
        let (hazards, mem) = (self.hazards, self.mem);
        let mut changed = Vec::new();
        let new = self.map.brk(requested, &mut |s, e| {
            hazards.write().unwrap_or_else(|e| e.into_inner()).insert(s, e);
            changed.push((s, e));
            fresh(mem, s, e).is_ok()
        });
        for (s, e) in changed {
            self.refresh(s, e);
        }
        new
    }
}

/// The host address of `[start, end)` as a syscall argument; outside the
/// memory, `EFAULT`.
fn host_range(mem: &GuestMemory, start: u64, end: u64) -> Result<i64, HostError> {
    mem.host_range(start, end).map_err(|_| HostError(libc::EFAULT))
}

/// Replaces `[start, end)` with fresh zero pages, readable and writable
/// (what the memory holds where no mapping is). Never leaves a hole.
fn fresh(mem: &GuestMemory, start: u64, end: u64) -> Result<(), HostError> {
    let at = host_range(mem, start, end)?;
    let flags = (libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE) as i64;
    let zero = || {
        // SAFETY: replaces pages of the reservation (checked above), which
        // hold no Rust objects.
        unsafe { syscall(libc::SYS_mmap, [at, (end - start) as i64, PROT_RW as i64, flags, -1, 0]) }
    };
    match zero() {
        Ok(_) => Ok(()),
        Err(e) if !has_hole(at, end - start) => Err(e),
        Err(_) => zero().map(drop).map_err(|_| abandon(start, end)),
    }
}

/// Whether part of a host range is unmapped (`msync` fails with `ENOMEM`
/// there, and does nothing else with `MS_ASYNC`).
fn has_hole(at: i64, len: u64) -> bool {
    // SAFETY: `MS_ASYNC` changes no mapping and no memory.
    let synced = unsafe { syscall(libc::SYS_msync, [at, len as i64, libc::MS_ASYNC as i64, 0, 0, 0]) };
    synced == Err(HostError(libc::ENOMEM))
}

/// A hole in the reservation that cannot be filled could be taken by another
/// host allocation, which the guest could then reach: stop everything.
fn abandon(start: u64, end: u64) -> ! {
    eprintln!("lamina: cannot restore guest memory {start:#x}..{end:#x} after a failed mapping; aborting");
    std::process::abort()
}

/// Issues host syscall `nr`: its result, or the errno it failed with.
///
/// # Safety
/// The call must change no memory the program uses other than the guest's
/// (pages inside the reservation hold no Rust objects) and mappings the
/// caller owns.
unsafe fn syscall(nr: libc::c_long, a: [i64; 6]) -> Result<i64, HostError> {
    // SAFETY: the caller's promise; the arguments are integers and host
    // addresses, as the kernel takes them.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 { Err(HostError(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))) } else { Ok(r) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestReservation;
    use crate::map::{Region, WASM_PAGE_SIZE, Want};

    const P: u64 = crate::map::PAGE_SIZE;
    const W: u64 = WASM_PAGE_SIZE;

    /// Records a new private mapping of `len` bytes (its host pages are the
    /// memory's own) holding `text` at its start.
    fn anon(mem: &GuestMemory, map: &mut MapGuard<'_>, len: u64, text: &[u8]) -> (u64, Mapping) {
        let a = map.place(len, Want::Anywhere { hint: 0 }).unwrap();
        let mapping = Mapping { kind: Kind::Anon { id: map.new_id() }, prot: PROT_RW };
        map.set(a, a + len, mapping.kind, mapping.prot);
        mem.write_bytes(a as u32, text).unwrap();
        (a, mapping)
    }

    fn no_hole(mem: &GuestMemory, start: u64, end: u64) -> bool {
        !has_hole(mem.host_range(start, end).unwrap(), end - start)
    }

    #[test]
    fn unmapped_pages_are_fresh_zero_memory_never_a_hole() {
        let (_r, mem) = TestReservation::new(W, 16 * W);
        let mut map = mem.map();
        let (a, _) = anon(&mem, &mut map, 3 * P, b"hello");
        assert_eq!(map.unmap(a, a + 3 * P), Ok(()));
        assert!(no_hole(&mem, a, a + 3 * P), "unmapped guest pages stay mapped on the host");
        assert_eq!(mem.read_bytes(a as u32, 5).unwrap(), vec![0; 5]);
        assert_eq!(map.mapping_at(a), None, "recorded as free");
        assert_eq!(map.unmap(0, W), Ok(()), "low memory: nothing to unmap");
        assert!(!mem.shared_map().hazards().overlaps(0, map.end()), "no hazard left");
    }

    #[test]
    fn moves_carry_contents_and_leave_their_source_mapped() {
        let (_r, mem) = TestReservation::new(W, 64 * W);
        let mut map = mem.map();
        let (a, mapping) = anon(&mem, &mut map, 2 * P, b"moving");
        let b = map.place(8 * P, Want::Anywhere { hint: 0 }).unwrap();
        assert_eq!(map.relocate(mapping, (a, 2 * P), (b, 8 * P), true), Ok(()));
        assert_eq!(mem.read_bytes(b as u32, 6).unwrap(), b"moving");
        assert_eq!(map.mapping_at(b), Some((b, Region { end: b + 8 * P, kind: mapping.kind, prot: PROT_RW })));
        assert!(no_hole(&mem, a, a + 2 * P));
        assert_eq!(mem.read_bytes(a as u32, 6).unwrap(), vec![0; 6]);
        assert_eq!(map.mapping_at(a), None, "the old range is free");
        // Kept: private memory is emptied, and still recorded.
        let c = map.place(8 * P, Want::Anywhere { hint: 0 }).unwrap();
        assert_eq!(map.relocate(mapping, (b, 8 * P), (c, 8 * P), false), Ok(()));
        assert_eq!(mem.read_bytes(c as u32, 6).unwrap(), b"moving");
        assert_eq!(mem.read_bytes(b as u32, 6).unwrap(), vec![0; 6]);
        assert_eq!(map.mapping_at(b).map(|(s, r)| (s, r.kind)), Some((b, mapping.kind)));
        assert!(!mem.shared_map().hazards().overlaps(0, map.end()), "no hazard left");
    }

    #[test]
    fn a_mapping_made_elsewhere_is_installed_in_place() {
        let (_r, mem) = TestReservation::new(W, 16 * W);
        let mut map = mem.map();
        // SAFETY: a fresh private mapping of the test's own.
        let tmp = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                2 * P as usize,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(tmp, libc::MAP_FAILED);
        // SAFETY: the mapping's own bytes.
        unsafe { tmp.cast::<u8>().copy_from(b"installed".as_ptr(), 9) };
        let a = map.place(2 * P, Want::Anywhere { hint: 0 }).unwrap();
        // SAFETY: the test's mapping, unused from here on.
        assert_eq!(unsafe { map.install(tmp as i64, 2 * P, a, 2 * P, None) }, Ok(()));
        assert_eq!(mem.read_bytes(a as u32, 9).unwrap(), b"installed");
    }

    #[test]
    fn a_hole_left_by_a_failed_call_is_filled_and_freed() {
        let (_r, mem) = TestReservation::new(W, 16 * W);
        let mut map = mem.map();
        let (a, _) = anon(&mem, &mut map, 2 * P, b"kept");
        map.settle(a, a + 2 * P);
        assert_eq!(mem.read_bytes(a as u32, 4).unwrap(), b"kept", "no hole: nothing changes");
        assert!(map.mapping_at(a).is_some());
        // What older kernels leave of a MAP_FIXED range when they fail.
        let at = mem.host_range(a, a + P).unwrap();
        // SAFETY: a page of the test's reservation, refilled below.
        assert_eq!(unsafe { libc::munmap(at as *mut _, P as usize) }, 0);
        assert!(!no_hole(&mem, a, a + 2 * P));
        map.settle(a, a + 2 * P);
        assert!(no_hole(&mem, a, a + 2 * P));
        assert_eq!(mem.read_bytes(a as u32, 4).unwrap(), vec![0; 4]);
        assert_eq!(map.mapping_at(a), None, "what was mapped there is gone");
    }

    #[test]
    fn the_break_gives_up_its_pages_as_fresh_memory() {
        let (_r, mem) = TestReservation::new(W, 16 * W);
        let mut map = mem.map();
        assert_eq!(map.brk(W + 2 * P), W + 2 * P);
        mem.write_bytes(W as u32 + P as u32, b"heap").unwrap();
        assert_eq!(map.brk(W + P), W + P);
        assert_eq!(map.brk(W + 2 * P), W + 2 * P);
        assert_eq!(mem.read_bytes(W as u32 + P as u32, 4).unwrap(), vec![0; 4]);
        assert!(!mem.shared_map().hazards().overlaps(0, map.end()), "no hazard left");
    }
}
