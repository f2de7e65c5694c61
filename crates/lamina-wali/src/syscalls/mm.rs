//! Memory management inside linear memory (mmap and friends).
//!
//! Mappings must be placed inside the guest's linear memory with an allocator
//! that cooperates with `memory.grow`; that work belongs to the processes and
//! memory milestone. Until then these calls fail with `ENOSYS` and a warning.

use crate::ctx::Ctx;
use crate::errno::{SysError, SysResult};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(mmap => pending, [addr: Ptr, length: UInt, prot: Int, flags: Hex, fd: Fd, offset: Long]),
    syscall!(munmap => pending, [addr: Ptr, length: UInt]),
    syscall!(mremap => pending, [old_address: Ptr, old_size: UInt, new_size: UInt, flags: Hex, new_address: Ptr]),
    syscall!(mprotect => pending, [addr: Ptr, len: UInt, prot: Int]),
    syscall!(msync => pending, [addr: Ptr, length: UInt, flags: Hex]),
    syscall!(madvise => pending, [addr: Ptr, length: UInt, advice: Int]),
    syscall!(brk => pending, [addr: Ptr]),
];

fn pending(_: &Ctx<'_>, _: &Args) -> SysResult {
    Err(SysError::NotImplemented)
}
