//! The one place where a WALI guest's addresses become host pointers.
//!
//! A guest address is a 32-bit offset into the guest's linear memory. Every
//! access made on behalf of a guest goes through [`GuestMemory`], which checks
//! the whole range `[addr, addr + len)` against the memory's *current* size
//! before handing out a host pointer. Other guest threads may grow the
//! memory at any time, but memory never shrinks, so a range that was in
//! bounds stays in bounds: the largest size seen is remembered, and the size
//! is read afresh only for a range beyond it, before it is refused.
//!
//! The memory is shared between guest threads, so nothing here ever creates a
//! Rust reference into it: all reads and writes are raw, unaligned copies.
//!
//! The guest may protect pages of its memory (`mprotect`, `mmap` with
//! `PROT_NONE`) and map files or shared memory into it, whose pages fault
//! past the object's end. The runtime's own copies must not fault, so ranges
//! the memory map marks as hazards are copied by the kernel
//! (`process_vm_readv`/`writev` on this process), which answers `EFAULT` as
//! it would to a native caller.
//!
//! The memory map ([`map`]) records which pages are mapped and how. Page
//! replacement — changing the host pages inside the guest's reservation:
//! moving mappings into place, unmapping with fresh zero pages, filling a
//! hole a failed host call left, the break's pages — is [`replace`]'s,
//! through the locked map; the syscall handlers only choose the host call
//! that makes a new mapping.

use std::ffi::CString;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub mod map;
mod ptr;
pub mod replace;

pub use map::MemoryMap;
pub use ptr::{GuestBuf, GuestPtr};

/// Longest NUL-terminated string a guest may pass as a path (Linux `PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// Why a guest range could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryError {
    /// Some byte of the range lies outside the guest's memory (`EFAULT`).
    Fault,
    /// A string had no terminating NUL within the allowed length (`ENAMETOOLONG`).
    TooLong,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryError::Fault => f.write_str("guest address out of bounds"),
            MemoryError::TooLong => f.write_str("guest string too long"),
        }
    }
}

impl std::error::Error for MemoryError {}

pub type Result<T> = std::result::Result<T, MemoryError>;

/// Plain data that may be copied to and from guest memory byte for byte.
///
/// # Safety
/// Implementors must be `Copy`, contain no pointers or references, have no
/// padding whose content matters, and be valid for every bit pattern.
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod {
    ($($t:ty),*) => {
        $(
            // SAFETY: a primitive integer: no padding, valid for any bits.
            unsafe impl Pod for $t {}
        )*
    };
}
pod!(u8, i8, u16, i16, u32, i32, u64, i64);
// SAFETY: an array of plain data has no padding between its elements.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// Reports the current size in bytes of a linear memory.
pub type SizeFn = dyn Fn() -> usize + Send + Sync;

/// Bounds-checked view of one guest linear memory.
pub struct GuestMemory {
    base: *mut u8,
    size: Box<SizeFn>,
    /// The largest size `size` has reported: a lower bound of the current
    /// size forever, since memory never shrinks. A range within it needs no
    /// call of `size` (every syscall's pointer check makes one); one beyond
    /// it reads the size afresh before it is refused.
    known_size: AtomicU64,
    map: Arc<MemoryMap>,
}

// SAFETY: `base` points into a memory that outlives every `GuestMemory` built
// over it (the embedder guarantees this in `new`), and all accesses are raw
// copies, which are as thread-safe as the guest's own racy accesses.
unsafe impl Send for GuestMemory {}
// SAFETY: as for `Send`: shared use makes only raw copies, and the map has
// its own locks.
unsafe impl Sync for GuestMemory {}

impl GuestMemory {
    /// Creates a view over the linear memory starting at `base`.
    ///
    /// # Safety
    /// `base` must stay valid, at a fixed address, for the lifetime of the
    /// returned value, and `size()` must never report more bytes than are
    /// mapped readable and writable at `base`.
    /// Nothing can be mapped into such a view (see
    /// [`MemoryMap::unmappable`]); use [`with_map`](Self::with_map) for a
    /// guest's memory.
    pub unsafe fn new(base: *mut u8, size: Box<SizeFn>) -> Self {
        let map = Arc::new(MemoryMap::unmappable(size() as u64));
        // SAFETY: the caller's guarantees.
        unsafe { GuestMemory::with_map(base, size, map) }
    }

    /// Creates a view over the linear memory starting at `base` whose
    /// mappings `map` records. Every view of one memory must share its map
    /// (created once, with the memory's initial size).
    ///
    /// # Safety
    /// As for [`new`](Self::new); also, `base` must be aligned to the host
    /// page size, and the memory must be a reservation of its maximum size in
    /// which pages may be replaced with host mappings (see [`replace`]).
    pub unsafe fn with_map(base: *mut u8, size: Box<SizeFn>, map: Arc<MemoryMap>) -> Self {
        GuestMemory { base, size, known_size: AtomicU64::new(0), map }
    }

    /// Current size of the memory in bytes.
    #[inline]
    pub fn size(&self) -> usize {
        (self.size)()
    }

    /// The memory map, to share with another view of the same memory.
    pub fn shared_map(&self) -> &Arc<MemoryMap> {
        &self.map
    }

    /// Locks the memory map for one operation (see [`map::MapGuard`]).
    pub fn map(&self) -> map::MapGuard<'_> {
        map::MapGuard::lock(self)
    }

    /// Host address of a guest range, after checking the whole range fits.
    ///
    /// A zero-length range never faults, as in the kernel, which touches no
    /// byte of it: its address is clamped to the end of memory, so the host
    /// pointer still lies within the guest's mapping.
    #[inline]
    pub fn host_ptr(&self, addr: u32, len: usize) -> Result<*mut u8> {
        if len == 0 {
            // SAFETY: at most one past the end of the mapped memory.
            return Ok(unsafe { self.base.add((addr as usize).min(self.size())) });
        }
        let end = (addr as u64).checked_add(len as u64).ok_or(MemoryError::Fault)?;
        if end > self.known_size.load(Ordering::Relaxed) && end > self.refresh_size() {
            return Err(MemoryError::Fault);
        }
        // SAFETY: in bounds of the mapped memory per the check above (a
        // size once reported stays accessible: memory never shrinks).
        Ok(unsafe { self.base.add(addr as usize) })
    }

    /// Reads the current size, remembering it as the known lower bound.
    #[cold]
    fn refresh_size(&self) -> u64 {
        let size = self.size() as u64;
        self.known_size.fetch_max(size, Ordering::Relaxed);
        size
    }

    /// Host address of the range `[start, end)` of pages (as the memory map
    /// gives them), checked as by [`host_ptr`](Self::host_ptr), as a host
    /// syscall argument.
    pub fn host_range(&self, start: u64, end: u64) -> Result<i64> {
        Ok(self.host_ptr(start as u32, (end - start) as usize)? as usize as i64)
    }

    /// Like [`host_ptr`](Self::host_ptr), but guest NULL stays NULL, for the
    /// many syscalls where a NULL pointer means "absent".
    #[inline]
    pub fn host_ptr_or_null(&self, addr: u32, len: usize) -> Result<*mut u8> {
        if addr == 0 { Ok(std::ptr::null_mut()) } else { self.host_ptr(addr, len) }
    }

    /// Guest address of a host pointer previously obtained from this memory.
    pub fn guest_addr(&self, ptr: *const u8) -> Option<u32> {
        let offset = (ptr as usize).checked_sub(self.base as usize)?;
        (offset <= self.size()).then_some(offset as u32)
    }

    /// Copies `len` bytes at `addr` to `dst`, through the kernel if the range
    /// touches a hazard.
    fn copy_in(&self, addr: u32, dst: *mut u8, len: usize) -> Result<()> {
        let src = self.host_ptr(addr, len)?;
        let hazards = self.map.hazards();
        if hazards.overlaps(addr as u64, addr as u64 + len as u64) {
            drop(hazards);
            return kernel_copy(src, dst, len, Direction::In);
        }
        // SAFETY: `src..src+len` is inside the memory and no page of it is
        // protected or file-backed while `hazards` is held; `dst` is the
        // caller's buffer of `len` bytes.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, len) };
        Ok(())
    }

    /// Copies `len` bytes from `src` to guest memory at `addr`, through the
    /// kernel if the range touches a hazard.
    fn copy_out(&self, src: *const u8, addr: u32, len: usize) -> Result<()> {
        let dst = self.host_ptr(addr, len)?;
        let hazards = self.map.hazards();
        if hazards.overlaps(addr as u64, addr as u64 + len as u64) {
            drop(hazards);
            return kernel_copy(dst, src as *mut u8, len, Direction::Out);
        }
        // SAFETY: as in `copy_in`, the other way round.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, len) };
        Ok(())
    }

    /// Copies `len` bytes from this memory at `src` into another memory,
    /// `to`, at `dst`: a WASI program's memory and the memory of the layer
    /// that serves it. Both ranges are checked first; nothing is copied if
    /// either is out of bounds. A range touching a hazard goes through a
    /// bounce buffer, each side copied as `read_bytes`/`write_bytes` would.
    pub fn copy_to_memory(&self, src: u32, to: &GuestMemory, dst: u32, len: usize) -> Result<()> {
        self.host_ptr(src, len)?;
        let dst_ptr = to.host_ptr(dst, len)?;
        if std::ptr::eq(self, to) {
            return to.write_bytes(dst, &self.read_bytes(src, len)?);
        }
        // Held while copying, so that `to`'s range stays plain memory; the
        // source's hazards are `copy_in`'s (the two guards are of different
        // memories' maps, always taken in this order: destination first).
        let hazards = to.map.hazards();
        if hazards.overlaps(dst as u64, dst as u64 + len as u64) {
            drop(hazards);
            return to.write_bytes(dst, &self.read_bytes(src, len)?);
        }
        self.copy_in(src, dst_ptr, len)
    }

    /// Copies `len` bytes out of guest memory.
    pub fn read_bytes(&self, addr: u32, len: usize) -> Result<Vec<u8>> {
        let mut out = vec![0u8; len];
        self.copy_in(addr, out.as_mut_ptr(), len)?;
        Ok(out)
    }

    /// Copies `bytes` into guest memory at `addr`.
    pub fn write_bytes(&self, addr: u32, bytes: &[u8]) -> Result<()> {
        self.copy_out(bytes.as_ptr(), addr, bytes.len())
    }

    /// Reads one plain value at a guest address (no alignment required).
    pub fn read<T: Pod>(&self, addr: u32) -> Result<T> {
        let mut value = std::mem::MaybeUninit::<T>::uninit();
        self.copy_in(addr, value.as_mut_ptr().cast(), size_of::<T>())?;
        // SAFETY: every byte was copied in; `T: Pod` is valid for any bytes.
        Ok(unsafe { value.assume_init() })
    }

    /// Writes one plain value at a guest address (no alignment required).
    pub fn write<T: Pod>(&self, addr: u32, value: T) -> Result<()> {
        self.copy_out((&raw const value).cast(), addr, size_of::<T>())
    }

    /// Stores a guest word as the kernel's `put_user` does: one atomic write
    /// when it is aligned (guest threads may be reading it concurrently, as
    /// with a futex word), through the kernel when its page may fault.
    pub fn store_u32(&self, addr: u32, value: u32) -> Result<()> {
        let ptr = self.host_ptr(addr, 4)?;
        let hazards = self.map.hazards();
        if !addr.is_multiple_of(4) || hazards.overlaps(addr as u64, addr as u64 + 4) {
            drop(hazards);
            return self.write(addr, value);
        }
        // SAFETY: an aligned word inside the memory, on a page that is
        // neither protected nor file-backed while `hazards` is held; guest
        // code accesses it atomically or racily, never through a reference.
        unsafe { std::sync::atomic::AtomicU32::from_ptr(ptr.cast()) }.store(value, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Reads an array of `count` plain values.
    pub fn read_array<T: Pod>(&self, addr: u32, count: usize) -> Result<Vec<T>> {
        let bytes = count.checked_mul(size_of::<T>()).ok_or(MemoryError::Fault)?;
        self.host_ptr(addr, bytes)?;
        let mut out = Vec::<T>::with_capacity(count);
        self.copy_in(addr, out.as_mut_ptr().cast(), bytes)?;
        // SAFETY: all `count` values were copied in; `T: Pod`.
        unsafe { out.set_len(count) };
        Ok(out)
    }

    /// Reads a NUL-terminated string of at most `max` bytes (NUL included).
    ///
    /// Mirrors the kernel's `strncpy_from_user`: running off the end of memory
    /// (or into a page the guest cannot read) is a fault, no NUL within `max`
    /// bytes is "too long".
    pub fn read_cstr(&self, addr: u32, max: usize) -> Result<CString> {
        let size = self.size();
        if addr as usize >= size {
            return Err(MemoryError::Fault);
        }
        let avail = size - addr as usize;
        let limit = avail.min(max);
        let too_long = if avail < max { MemoryError::Fault } else { MemoryError::TooLong };
        let hazards = self.map.hazards();
        if hazards.overlaps(addr as u64, addr as u64 + limit as u64) {
            drop(hazards);
            return self.read_cstr_carefully(addr, limit, too_long);
        }
        // SAFETY: `addr..addr+limit` is in bounds and free of hazards while
        // `hazards` is held.
        let base = unsafe { self.base.add(addr as usize) };
        for i in 0..limit {
            // SAFETY: i < limit, in bounds.
            if unsafe { base.add(i).read() } == 0 {
                let mut bytes = vec![0u8; i];
                // SAFETY: `i` bytes in bounds, into a fresh buffer.
                unsafe { std::ptr::copy_nonoverlapping(base, bytes.as_mut_ptr(), i) };
                return Ok(CString::new(bytes).expect("no interior NUL before the first NUL"));
            }
        }
        Err(too_long)
    }

    /// `read_cstr` over hazards: chunk by chunk through the kernel, so an
    /// unreadable page ends the string with a fault.
    fn read_cstr_carefully(&self, addr: u32, limit: usize, too_long: MemoryError) -> Result<CString> {
        const CHUNK: usize = 256;
        let mut bytes = Vec::new();
        while bytes.len() < limit {
            let n = CHUNK.min(limit - bytes.len());
            let at = addr as usize + bytes.len();
            let chunk = self.read_bytes(at as u32, n)?;
            if let Some(nul) = chunk.iter().position(|&b| b == 0) {
                bytes.extend_from_slice(&chunk[..nul]);
                return Ok(CString::new(bytes).expect("no interior NUL before the first NUL"));
            }
            bytes.extend_from_slice(&chunk);
        }
        Err(too_long)
    }

    /// Reads a path argument (at most `PATH_MAX` bytes including the NUL).
    pub fn read_path(&self, addr: u32) -> Result<CString> {
        self.read_cstr(addr, PATH_MAX)
    }
}

#[derive(Clone, Copy)]
enum Direction {
    /// From guest memory into a runtime buffer.
    In,
    /// From a runtime buffer into guest memory.
    Out,
}

/// Copies `len` bytes between `guest` (in guest memory) and `buf` (the
/// runtime's) with the kernel, which checks protections and faults on the
/// guest side as for any user copy: an incomplete copy is a fault.
fn kernel_copy(guest: *mut u8, buf: *mut u8, len: usize, direction: Direction) -> Result<()> {
    if len == 0 {
        return Ok(());
    }
    let local = libc::iovec { iov_base: buf.cast(), iov_len: len };
    let remote = libc::iovec { iov_base: guest.cast(), iov_len: len };
    // SAFETY: `local` is the caller's buffer of `len` bytes; the kernel
    // validates every access to `remote` and stops at the first fault.
    let copied = unsafe {
        let pid = libc::getpid();
        match direction {
            Direction::In => libc::process_vm_readv(pid, &local, 1, &remote, 1, 0),
            Direction::Out => libc::process_vm_writev(pid, &local, 1, &remote, 1, 0),
        }
    };
    if copied == len as isize { Ok(()) } else { Err(MemoryError::Fault) }
}

/// A `GuestMemory` over a heap buffer, for tests of code that converts guest
/// structures.
pub struct TestMemory {
    buf: Box<[std::cell::UnsafeCell<u8>]>,
}

impl TestMemory {
    pub fn new(len: usize) -> (Self, GuestMemory) {
        let buf: Box<[std::cell::UnsafeCell<u8>]> = (0..len).map(|_| std::cell::UnsafeCell::new(0)).collect();
        let base = buf.as_ptr() as *mut u8;
        // SAFETY: the buffer is kept alive by the returned `TestMemory`, which
        // callers hold for as long as the view, and is never resized.
        let mem = unsafe { GuestMemory::new(base, Box::new(move || len)) };
        (TestMemory { buf }, mem)
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

/// A miniature wasmtime memory, for tests of code that maps pages into guest
/// memory: a `PROT_NONE` reservation of its maximum size whose first bytes
/// are accessible, and which grows by `mprotect`.
pub struct TestReservation(Arc<Reservation>);

struct Reservation {
    base: usize,
    max: u64,
    size: AtomicU64,
}

impl Reservation {
    fn grow(&self, bytes: u64) -> Option<u64> {
        let old = self.size.load(Ordering::SeqCst);
        if old + bytes > self.max {
            return None;
        }
        // SAFETY: pages of the reservation, past those in use.
        let r = unsafe {
            libc::mprotect((self.base + old as usize) as *mut _, bytes as usize, libc::PROT_READ | libc::PROT_WRITE)
        };
        assert_eq!(r, 0);
        Some(self.size.fetch_add(bytes, Ordering::SeqCst))
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: the reservation made in `TestReservation::new`, which
        // nothing uses any more (every view holds it).
        unsafe { libc::munmap(self.base as *mut _, self.max as usize) };
    }
}

impl TestReservation {
    /// A memory of `initial` bytes that may grow to `max`, and a view of it
    /// with its memory map.
    pub fn new(initial: u64, max: u64) -> (Self, GuestMemory) {
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
        let reservation = Arc::new(Reservation { base: base as usize, max, size: AtomicU64::new(0) });
        reservation.grow(initial).expect("the initial size within the maximum");
        let (grown, sized) = (reservation.clone(), reservation.clone());
        let map = Arc::new(MemoryMap::new(initial, max, Box::new(move |bytes| grown.grow(bytes))));
        // SAFETY: the view's closures keep the page-aligned reservation
        // alive, and the size they report is mapped readable and writable.
        let mem = unsafe {
            GuestMemory::with_map(base.cast(), Box::new(move || sized.size.load(Ordering::SeqCst) as usize), map)
        };
        (TestReservation(reservation), mem)
    }

    /// Grows the memory by `bytes` as the guest's `memory.grow` does (the map
    /// learns of it when next locked); the size it had, or `None` past the
    /// maximum.
    pub fn grow(&self, bytes: u64) -> Option<u64> {
        self.0.grow(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_against_the_end_of_memory() {
        let (_keep, mem) = TestMemory::new(65536);
        assert!(mem.host_ptr(0, 65536).is_ok());
        assert!(mem.host_ptr(65536, 0).is_ok());
        assert_eq!(mem.host_ptr(u32::MAX, 0).unwrap(), mem.host_ptr(65536, 0).unwrap());
        assert_eq!(mem.host_ptr(65536, 1), Err(MemoryError::Fault));
        assert_eq!(mem.host_ptr(65535, 2), Err(MemoryError::Fault));
        assert_eq!(mem.host_ptr(u32::MAX, usize::MAX), Err(MemoryError::Fault));
        assert_eq!(mem.host_ptr(1, usize::MAX), Err(MemoryError::Fault));
    }

    #[test]
    fn null_stays_null_only_when_asked() {
        let (_keep, mem) = TestMemory::new(4096);
        assert!(mem.host_ptr_or_null(0, 100).unwrap().is_null());
        assert!(!mem.host_ptr(0, 100).unwrap().is_null());
        assert_eq!(mem.host_ptr_or_null(4000, 100), Err(MemoryError::Fault));
    }

    #[test]
    fn values_round_trip_unaligned() {
        let (_keep, mem) = TestMemory::new(64);
        mem.write::<u64>(3, 0x1122_3344_5566_7788).unwrap();
        assert_eq!(mem.read::<u64>(3).unwrap(), 0x1122_3344_5566_7788);
        assert_eq!(mem.read::<u8>(3).unwrap(), 0x88);
        assert_eq!(mem.read::<u64>(57), Err(MemoryError::Fault));
        assert_eq!(mem.read_array::<u32>(0, 16).unwrap().len(), 16);
        assert_eq!(mem.read_array::<u32>(0, 17), Err(MemoryError::Fault));
        assert_eq!(mem.read_array::<u32>(0, usize::MAX), Err(MemoryError::Fault));
    }

    #[test]
    fn strings_stop_at_nul_fault_at_end_and_respect_the_limit() {
        let (_keep, mem) = TestMemory::new(32);
        mem.write_bytes(0, b"hello\0").unwrap();
        assert_eq!(mem.read_cstr(0, 4096).unwrap().as_bytes(), b"hello");
        assert_eq!(mem.read_cstr(0, 3), Err(MemoryError::TooLong));
        mem.write_bytes(24, b"abcdefgh").unwrap(); // no NUL before the end
        assert_eq!(mem.read_cstr(24, 4096), Err(MemoryError::Fault));
        assert_eq!(mem.read_cstr(32, 4096), Err(MemoryError::Fault));
    }

    #[test]
    fn hazards_are_copied_by_the_kernel_with_the_same_results() {
        let (_keep, mem) = TestMemory::new(8192);
        mem.write_bytes(4000, b"before\0").unwrap();
        mem.map().shield(4096, 8192);
        mem.write_bytes(4090, b"across the page\0").unwrap();
        assert_eq!(mem.read_bytes(4090, 6).unwrap(), b"across");
        assert_eq!(mem.read::<u32>(4094).unwrap(), u32::from_le_bytes(*b"ss t"));
        mem.write::<u16>(8190, 0x4142).unwrap();
        assert_eq!(mem.read_array::<u8>(8190, 2).unwrap(), vec![0x42, 0x41]);
        assert_eq!(mem.read_cstr(4090, 4096).unwrap().as_bytes(), b"across the page");
        assert_eq!(mem.read_cstr(4090, 5), Err(MemoryError::TooLong));
        assert_eq!(mem.read_cstr(8190, 4096), Err(MemoryError::Fault));
        assert_eq!(mem.read_cstr(4000, 4096).unwrap().as_bytes(), b"before");
        assert_eq!(mem.read::<u64>(8188), Err(MemoryError::Fault));
        // Nothing can be mapped into a plain view.
        let mut map = mem.map();
        assert_eq!(map.place(4096, map::Want::Anywhere { hint: 0 }), Err(map::MapError::NoMemory));
        assert_eq!(map.mapped_runs(0, 8192), (vec![], false));
    }

    #[test]
    fn guest_addresses_map_back() {
        let (_keep, mem) = TestMemory::new(128);
        let p = mem.host_ptr(40, 8).unwrap();
        assert_eq!(mem.guest_addr(p), Some(40));
        assert_eq!(mem.guest_addr(std::ptr::null()), None);
    }
}
