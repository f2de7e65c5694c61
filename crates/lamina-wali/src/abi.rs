//! Guest structure layouts (WALI's wasm32 ABI) and their conversion to the
//! host's x86-64 kernel layouts.
//!
//! Most structures are byte-identical on both sides (WALI keeps the x86-64
//! kernel layouts, with 8-byte `long`), and are passed to the kernel in place
//! once their whole extent is known to be inside guest memory. Only those that
//! embed pointers or `size_t` differ: `iovec`, `msghdr`, `stack_t` and the
//! pselect6 sigmask argument. The sizes below are the number of bytes the
//! kernel reads or writes, which is what has to be in bounds.

use lamina_memory::{GuestMemory, MemoryError};

use crate::errno::{Errno, SysError};

pub const STAT_SIZE: usize = 144;
pub const STATX_SIZE: usize = 256;
pub const STATFS_SIZE: usize = 120;
pub const TIMESPEC_SIZE: usize = 16;
pub const TIMEVAL_SIZE: usize = 16;
pub const TIMEZONE_SIZE: usize = 8;
pub const ITIMERSPEC_SIZE: usize = 32;
pub const RLIMIT_SIZE: usize = 16;
/// The kernel writes this prefix of the 272-byte guest `struct rusage`.
pub const RUSAGE_KERNEL_SIZE: usize = 144;
/// The kernel writes this prefix of the 368-byte guest `struct sysinfo`.
pub const SYSINFO_KERNEL_SIZE: usize = 112;
pub const UTSNAME_SIZE: usize = 390;
pub const SIGINFO_SIZE: usize = 128;
pub const POLLFD_SIZE: usize = 8;
pub const EPOLL_EVENT_SIZE: usize = 12;
pub const FD_SET_SIZE: usize = 128;
pub const KERNEL_SIGSET_SIZE: usize = 8;
pub const IOVEC_SIZE: usize = 8;
pub const MSGHDR_SIZE: usize = 36;
pub const FLOCK_SIZE: usize = 32;
pub const WINSIZE_SIZE: usize = 8;
pub const TERMIOS_KERNEL_SIZE: usize = 36;
/// Largest number of iovecs the kernel accepts (`UIO_MAXIOV`).
pub const IOV_MAX: usize = 1024;

/// A guest `siginfo_t` (128 bytes) whose first 48 bytes are `words` (what
/// the kernel fills in; the layouts agree) and the rest zero.
pub fn siginfo_bytes(words: [u64; 6]) -> [u8; SIGINFO_SIZE] {
    let mut bytes = [0u8; SIGINFO_SIZE];
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

/// Translates a guest `struct iovec[count]` into host iovecs, checking every
/// buffer. An iovec count out of range is `EINVAL`, as the kernel says.
pub fn read_iovecs(mem: &GuestMemory, addr: u32, count: i64) -> Result<Vec<libc::iovec>, SysError> {
    if count < 0 || count as usize > IOV_MAX {
        return Err(Errno::EINVAL.into());
    }
    let raw = mem.read_array::<[u32; 2]>(addr, count as usize)?;
    raw.into_iter()
        .map(|[base, len]| {
            let len = len as usize;
            // NULL stays NULL (the kernel faults on it unless the length is 0).
            let ptr = mem.host_ptr_or_null(base, len)?;
            Ok(libc::iovec { iov_base: ptr.cast(), iov_len: len })
        })
        .collect::<Result<_, MemoryError>>()
        .map_err(Into::into)
}

/// The guest's `struct msghdr` (36 bytes, musl's layout with 32-bit pointers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestMsghdr {
    pub name: u32,
    pub namelen: u32,
    pub iov: u32,
    pub iovlen: i32,
    pub control: u32,
    pub controllen: u32,
    pub flags: i32,
}

impl GuestMsghdr {
    pub fn read(mem: &GuestMemory, addr: u32) -> Result<Self, MemoryError> {
        let w = mem.read::<[u32; 9]>(addr)?;
        Ok(GuestMsghdr {
            name: w[0],
            namelen: w[1],
            iov: w[2],
            iovlen: w[3] as i32,
            control: w[5],
            controllen: w[6],
            flags: w[8] as i32,
        })
    }

    /// Writes back what `recvmsg` returns in the header: the lengths of the
    /// name and control data actually received, and the flags.
    pub fn write_back(mem: &GuestMemory, addr: u32, host: &libc::msghdr) -> Result<(), MemoryError> {
        mem.write::<u32>(addr + 4, host.msg_namelen)?;
        mem.write::<u32>(addr + 24, host.msg_controllen as u32)?;
        mem.write::<i32>(addr + 32, host.msg_flags)
    }
}

/// A host `msghdr` built from a guest one, with the iovec array it points to.
pub struct HostMsghdr {
    pub hdr: libc::msghdr,
    _iov: Vec<libc::iovec>,
}

impl HostMsghdr {
    pub fn new(mem: &GuestMemory, g: &GuestMsghdr) -> Result<Self, SysError> {
        let mut iov = read_iovecs(mem, g.iov, g.iovlen as i64)?;
        // SAFETY: msghdr is plain data; zero is a valid initial state.
        let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        hdr.msg_name = mem.host_ptr_or_null(g.name, g.namelen as usize)?.cast();
        hdr.msg_namelen = if g.name == 0 { 0 } else { g.namelen };
        hdr.msg_iov = iov.as_mut_ptr();
        hdr.msg_iovlen = iov.len();
        hdr.msg_control = mem.host_ptr_or_null(g.control, g.controllen as usize)?.cast();
        hdr.msg_controllen = if g.control == 0 { 0 } else { g.controllen as usize };
        hdr.msg_flags = g.flags;
        Ok(HostMsghdr { hdr, _iov: iov })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_memory::TestMemory;

    #[test]
    fn iovecs_translate_and_check_each_buffer() {
        let (_keep, mem) = TestMemory::new(4096);
        mem.write::<[u32; 4]>(100, [200, 10, 300, 0]).unwrap();
        mem.write::<[u32; 2]>(200, [0, 10]).unwrap();
        assert!(read_iovecs(&mem, 200, 1).unwrap()[0].iov_base.is_null(), "guest NULL stays NULL");
        let iov = read_iovecs(&mem, 100, 2).unwrap();
        assert_eq!(iov[0].iov_base as usize, mem.host_ptr(200, 0).unwrap() as usize);
        assert_eq!(iov[0].iov_len, 10);
        assert_eq!(iov[1].iov_len, 0);
        mem.write::<[u32; 2]>(100, [4090, 10]).unwrap();
        assert!(matches!(read_iovecs(&mem, 100, 1), Err(SysError::Errno(Errno::EFAULT))));
        assert!(matches!(read_iovecs(&mem, 100, -1), Err(SysError::Errno(Errno::EINVAL))));
        assert!(matches!(read_iovecs(&mem, 100, 1025), Err(SysError::Errno(Errno::EINVAL))));
        assert!(matches!(read_iovecs(&mem, 4095, 1), Err(SysError::Errno(Errno::EFAULT))));
    }

    #[test]
    fn msghdr_layout_matches_the_wali_abi() {
        let (_keep, mem) = TestMemory::new(4096);
        // name@0 namelen@4 iov@8 iovlen@12 pad@16 control@20 controllen@24 pad@28 flags@32
        mem.write::<[u32; 9]>(64, [1000, 16, 2000, 1, 0, 3000, 24, 0, 7]).unwrap();
        mem.write::<[u32; 2]>(2000, [2500, 5]).unwrap();
        let g = GuestMsghdr::read(&mem, 64).unwrap();
        assert_eq!(
            g,
            GuestMsghdr { name: 1000, namelen: 16, iov: 2000, iovlen: 1, control: 3000, controllen: 24, flags: 7 }
        );
        let h = HostMsghdr::new(&mem, &g).unwrap();
        assert_eq!(h.hdr.msg_namelen, 16);
        assert_eq!(h.hdr.msg_iovlen, 1);
        assert_eq!(h.hdr.msg_controllen, 24);
        let mut back = h.hdr;
        back.msg_namelen = 8;
        back.msg_controllen = 20;
        back.msg_flags = 0x20;
        GuestMsghdr::write_back(&mem, 64, &back).unwrap();
        let g2 = GuestMsghdr::read(&mem, 64).unwrap();
        assert_eq!((g2.namelen, g2.controllen, g2.flags), (8, 20, 0x20));
    }

    #[test]
    fn msghdr_with_buffers_past_the_end_faults() {
        let (_keep, mem) = TestMemory::new(4096);
        mem.write::<[u32; 9]>(64, [4090, 16, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        let g = GuestMsghdr::read(&mem, 64).unwrap();
        assert!(matches!(HostMsghdr::new(&mem, &g), Err(SysError::Errno(Errno::EFAULT))));
        assert_eq!(GuestMsghdr::read(&mem, 4070), Err(MemoryError::Fault));
    }
}
