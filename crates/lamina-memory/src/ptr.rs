//! Typed guest addresses: what a syscall parameter points to decides how many
//! bytes of guest memory must be in bounds, so handlers never restate a size.

use std::marker::PhantomData;

use crate::{GuestMemory, Pod, Result};

/// A guest address of one `T` (or of an array of them): the extent checked
/// is `size_of::<T>()` bytes (times the count, for arrays). `T` is the
/// guest's layout of the object, which for most kernel structures is the
/// host kernel's own.
pub struct GuestPtr<T> {
    addr: u32,
    pointee: PhantomData<fn() -> T>,
}

impl<T> Clone for GuestPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GuestPtr<T> {}

impl<T> std::fmt::Debug for GuestPtr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GuestPtr({:#x})", self.addr)
    }
}

impl<T> GuestPtr<T> {
    /// The bytes one `T` occupies in guest memory.
    pub const SIZE: usize = size_of::<T>();

    pub const fn new(addr: u32) -> Self {
        GuestPtr { addr, pointee: PhantomData }
    }

    pub const fn addr(self) -> u32 {
        self.addr
    }

    pub const fn is_null(self) -> bool {
        self.addr == 0
    }

    /// The same address seen as pointing to a `U`.
    pub const fn cast<U>(self) -> GuestPtr<U> {
        GuestPtr::new(self.addr)
    }

    /// The host address of the whole `T`, checked to lie in guest memory;
    /// guest NULL stays NULL, so the kernel decides what NULL means.
    #[inline]
    pub fn host(self, mem: &GuestMemory) -> Result<*mut T> {
        Ok(mem.host_ptr_or_null(self.addr, Self::SIZE)?.cast())
    }

    /// The host address of `count` consecutive `T`s (NULL stays NULL).
    pub fn host_array(self, mem: &GuestMemory, count: usize) -> Result<*mut T> {
        let len = count.checked_mul(Self::SIZE).ok_or(crate::MemoryError::Fault)?;
        Ok(mem.host_ptr_or_null(self.addr, len)?.cast())
    }

    /// [`host`](Self::host) as a host syscall argument.
    #[inline]
    pub fn arg(self, mem: &GuestMemory) -> Result<i64> {
        Ok(self.host(mem)? as usize as i64)
    }

    /// [`host_array`](Self::host_array) as a host syscall argument.
    pub fn array_arg(self, mem: &GuestMemory, count: usize) -> Result<i64> {
        Ok(self.host_array(mem, count)? as usize as i64)
    }
}

impl<T: Pod> GuestPtr<T> {
    /// Copies the `T` out of guest memory.
    pub fn read(self, mem: &GuestMemory) -> Result<T> {
        mem.read(self.addr)
    }

    /// Copies `value` into guest memory.
    pub fn write(self, mem: &GuestMemory, value: T) -> Result<()> {
        mem.write(self.addr, value)
    }

    /// Copies `count` consecutive `T`s out of guest memory.
    pub fn read_array(self, mem: &GuestMemory, count: usize) -> Result<Vec<T>> {
        mem.read_array(self.addr, count)
    }
}

/// A guest buffer whose length another parameter gives (`read`'s `buf` and
/// `count`).
#[derive(Clone, Copy, Debug)]
pub struct GuestBuf(pub u32);

impl GuestBuf {
    pub const fn addr(self) -> u32 {
        self.0
    }

    pub const fn is_null(self) -> bool {
        self.0 == 0
    }

    /// The host address of its `len` bytes (NULL stays NULL).
    #[inline]
    pub fn host(self, mem: &GuestMemory, len: usize) -> Result<*mut u8> {
        mem.host_ptr_or_null(self.0, len)
    }

    /// [`host`](Self::host) as a host syscall argument.
    #[inline]
    pub fn arg(self, mem: &GuestMemory, len: usize) -> Result<i64> {
        Ok(self.host(mem, len)? as usize as i64)
    }

    /// Copies its first `len` bytes out of guest memory.
    pub fn read(self, mem: &GuestMemory, len: usize) -> Result<Vec<u8>> {
        mem.read_bytes(self.0, len)
    }

    /// Copies `bytes` to its start.
    pub fn write(self, mem: &GuestMemory, bytes: &[u8]) -> Result<()> {
        mem.write_bytes(self.0, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryError, TestMemory};

    #[test]
    fn the_extent_comes_from_the_type() {
        let (_keep, mem) = TestMemory::new(4096);
        assert!(GuestPtr::<[u64; 2]>::new(4080).host(&mem).is_ok());
        assert_eq!(GuestPtr::<[u64; 2]>::new(4088).host(&mem).err(), Some(MemoryError::Fault));
        assert!(GuestPtr::<u64>::new(0).host(&mem).unwrap().is_null(), "NULL stays NULL");
        assert_eq!(GuestPtr::<u32>::new(4000).host_array(&mem, 25).err(), Some(MemoryError::Fault));
        assert_eq!(GuestPtr::<u32>::new(8).host_array(&mem, usize::MAX).err(), Some(MemoryError::Fault));
        let p = GuestPtr::<u32>::new(64);
        p.write(&mem, 0xdead_beef).unwrap();
        assert_eq!(p.read(&mem), Ok(0xdead_beef));
        assert_eq!(GuestBuf(4090).arg(&mem, 7).err(), Some(MemoryError::Fault));
    }
}
