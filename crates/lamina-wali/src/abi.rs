//! Guest structure layouts (WALI's wasm32 ABI) and their conversion to the
//! host's x86-64 kernel layouts.
//!
//! Most structures are byte-identical on both sides (WALI keeps the x86-64
//! kernel layouts, with 8-byte `long`), and are passed to the kernel in place
//! once their whole extent is known to be inside guest memory. Only those that
//! embed pointers or `size_t` differ: `iovec`, `msghdr`, `stack_t` and the
//! pselect6 sigmask argument, which are WALI's own types below. Each type's
//! size is the number of bytes the kernel reads or writes, which is what has
//! to be in bounds.

use lamina_memory::{GuestMemory, GuestPtr, MemoryError};
use linux_raw_sys::general as kernel;

use crate::errno::{Errno, SysError};

/// A type a syscall parameter may point to: the guest's layout of the object
/// (its size is what must lie in guest memory) and the name docs and
/// diagnostics give it.
pub trait GuestType {
    const NAME: &'static str;
}

macro_rules! guest_types {
    ($($ty:ty => $name:literal,)*) => {
        $(impl GuestType for $ty {
            const NAME: &'static str = $name;
        })*
    };
}

/// Declares the guest names of kernel structures and their `GuestType`
/// names.
macro_rules! kernel_types {
    ($($(#[$doc:meta])* $alias:ident = $ty:ty => $name:literal,)*) => {
        $(
            $(#[$doc])*
            pub type $alias = $ty;
        )*
        guest_types! { $($alias => $name,)* }
    };
}

// Structures whose guest layout is the x86-64 kernel's, byte for byte (WALI
// keeps the kernel layouts with 8-byte `long`): passed to the kernel in place.
kernel_types! {
    Stat = kernel::stat => "stat",
    Statx = kernel::statx => "statx",
    Statfs = kernel::statfs => "statfs",
    Timespec = kernel::__kernel_timespec => "timespec",
    Timeval = kernel::__kernel_old_timeval => "timeval",
    Timezone = kernel::timezone => "timezone",
    Itimerspec = kernel::itimerspec => "itimerspec",
    Itimerval = kernel::itimerval => "itimerval",
    Rlimit = kernel::rlimit => "rlimit",
    /// The kernel's `struct rusage`, the prefix of the guest's (272 bytes,
    /// with musl's reserved tail) that the kernel writes.
    Rusage = kernel::rusage => "rusage",
    /// The kernel's `struct sysinfo`, the prefix of the guest's that the
    /// kernel writes (musl's is larger, with reserved space).
    Sysinfo = linux_raw_sys::system::sysinfo => "sysinfo",
    Utsname = linux_raw_sys::system::new_utsname => "utsname",
    Pollfd = kernel::pollfd => "pollfd",
    /// Packed on x86-64 (12 bytes), and so in WALI.
    EpollEvent = kernel::epoll_event => "epoll_event",
    Siginfo = kernel::siginfo => "siginfo_t",
    FdSet = kernel::__kernel_fd_set => "fd_set",
    Flock = kernel::flock => "flock",
    Winsize = kernel::winsize => "winsize",
    /// The kernel's `struct termios` (`TCGETS`), not libc's larger one.
    Termios = kernel::termios => "termios",
    /// A kernel signal set, as `rt_sig*` calls pass it (`sigsetsize` 8).
    Sigset = u64 => "sigset_t",
    /// `int[2]` of `pipe` and `socketpair`.
    FdPair = [i32; 2] => "int[2]",
    /// `openat2`'s first version (24 bytes; later ones extend it, and the
    /// call passes the size it was built with).
    OpenHow = kernel::open_how => "open_how",
}

guest_types! {
    [Timespec; 2] => "timespec[2]",
    [Timeval; 2] => "timeval[2]",
    i32 => "int",
    u32 => "unsigned",
    i64 => "long",
    GuestIovec => "iovec",
    GuestMsghdr => "msghdr",
    GuestStack => "stack_t",
    GuestSigaction => "k_sigaction",
    GuestSigevent => "sigevent",
    Pselect6Sigmask => "pselect6_sigmask",
    SchedParam => "sched_param",
    RobustListHead => "robust_list_head",
    Tms => "tms",
    CapHeader => "cap_user_header",
    Utimbuf => "utimbuf",
    GuestMmsghdr => "mmsghdr",
    MsqidDs => "msqid_ds",
    SemidDs => "semid_ds",
    ShmidDs => "shmid_ds",
    Sembuf => "sembuf",
    MqAttr => "mq_attr",
}

// WALI's own layouts: structures that hold pointers or `size_t`, 4 bytes in
// the guest. Field names follow the C declarations.

/// `struct iovec`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestIovec {
    pub base: u32,
    pub len: u32,
}

/// musl's `struct msghdr` on wasm32: `msg_iovlen` and `msg_controllen` are
/// followed by padding (musl pads them to the kernel's 8-byte fields).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestMsghdr {
    pub name: u32,
    pub namelen: u32,
    pub iov: u32,
    pub iovlen: i32,
    pub pad1: u32,
    pub control: u32,
    pub controllen: u32,
    pub pad2: u32,
    pub flags: i32,
}

/// `stack_t` (`sigaltstack`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestStack {
    pub sp: u32,
    pub flags: i32,
    pub size: u32,
}

/// musl's `struct k_sigaction` as WALI passes it, packed: handler @0,
/// flags @4, restorer @12, mask @16.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct GuestSigaction {
    pub handler: u32,
    pub flags: u64,
    pub restorer: u32,
    pub mask: u64,
}

/// The part of the guest's `struct sigevent` the kernel reads: musl's
/// `struct ksigevent` (`sigev_value` is 4 bytes: an `int` or a pointer).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestSigevent {
    pub value: u32,
    pub signo: i32,
    pub notify: i32,
    pub thread_id: i32,
}

/// pselect6's sixth argument: `{sigset address, sigset size}`, each an
/// 8-byte kernel word in WALI's layout.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pselect6Sigmask {
    pub set: u64,
    pub size: u64,
}

/// `struct sched_param`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchedParam {
    pub priority: i32,
}

/// `struct robust_list_head` as musl fills it for the guest: three `long`s
/// (8 bytes in WALI) holding 32-bit guest addresses.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RobustListHead {
    pub list: u64,
    pub futex_offset: i64,
    pub list_op_pending: u64,
}

/// `struct tms`: four `clock_t`s (`long`, 8 bytes in WALI; the ILP32 C
/// library converts its 4-byte ones).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tms {
    pub utime: i64,
    pub stime: i64,
    pub cutime: i64,
    pub cstime: i64,
}

/// `struct utimbuf`: access and modification times, `time_t` (8 bytes in
/// both C ABIs).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Utimbuf {
    pub actime: i64,
    pub modtime: i64,
}

/// `struct __user_cap_header_struct` of `capget`/`capset`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapHeader {
    pub version: u32,
    pub pid: i32,
}

/// `struct mmsghdr` of `sendmmsg`/`recvmmsg`: the guest's `msghdr` and the
/// byte count the kernel reports for it (40 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestMmsghdr {
    pub hdr: GuestMsghdr,
    pub len: u32,
}

// System V IPC and POSIX message queue structures: the x86-64 kernel's
// layouts in both C ABIs of the toolchain (`tests/libc/kernel_layouts.c`
// checks them), passed in place. Only their sizes matter here, so they are
// opaque words.

/// `struct msqid64_ds` (`msgctl` `IPC_STAT`/`IPC_SET`/`MSG_STAT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsqidDs(pub [u64; 15]);

/// `struct semid64_ds` (`semctl` `IPC_STAT`/`IPC_SET`/`SEM_STAT`), whose
/// `sem_nsems` is word 10.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SemidDs(pub [u64; 13]);

impl SemidDs {
    /// The number of semaphores in the set.
    pub fn nsems(&self) -> u64 {
        self.0[10]
    }
}

/// `struct shmid64_ds` (`shmctl` `IPC_STAT`/`IPC_SET`/`SHM_STAT`), whose
/// `shm_segsz` is word 6.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShmidDs(pub [u64; 14]);

impl ShmidDs {
    /// The segment's size in bytes.
    pub fn segsz(&self) -> u64 {
        self.0[6]
    }
}

/// `struct sembuf`: semaphore number, operation, flags.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sembuf {
    pub num: u16,
    pub op: i16,
    pub flg: i16,
}

/// `struct mq_attr`: four `long`s and four reserved ones (the ILP32 C
/// library converts its own).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MqAttr(pub [i64; 8]);

// SAFETY: plain integers without padding (`GuestSigaction` is packed), valid
// for any bytes.
unsafe impl lamina_memory::Pod for GuestIovec {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for GuestMsghdr {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for GuestStack {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for GuestSigaction {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for GuestSigevent {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for Pselect6Sigmask {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for SchedParam {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for RobustListHead {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for Tms {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for CapHeader {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for Utimbuf {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for GuestMmsghdr {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for MsqidDs {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for SemidDs {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for ShmidDs {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for Sembuf {}
// SAFETY: as above.
unsafe impl lamina_memory::Pod for MqAttr {}

/// Largest number of iovecs the kernel accepts (`UIO_MAXIOV`).
pub const IOV_MAX: usize = linux_raw_sys::general::UIO_MAXIOV as usize;

/// Bytes of a guest `siginfo_t`.
pub const SIGINFO_SIZE: usize = size_of::<Siginfo>();

/// A guest `siginfo_t` whose first 48 bytes are `words` (what the kernel
/// fills in; the layouts agree) and the rest zero.
pub fn siginfo_bytes(words: [u64; 6]) -> [u8; SIGINFO_SIZE] {
    let mut bytes = [0u8; SIGINFO_SIZE];
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

/// Translates a guest `struct iovec[count]` into host iovecs, checking every
/// buffer. An iovec count out of range is `EINVAL`, as the kernel says.
pub fn read_iovecs(mem: &GuestMemory, iov: GuestPtr<GuestIovec>, count: i64) -> Result<Vec<libc::iovec>, SysError> {
    if count < 0 || count as usize > IOV_MAX {
        return Err(Errno::EINVAL.into());
    }
    iov.read_array(mem, count as usize)?
        .into_iter()
        .map(|v| {
            let len = v.len as usize;
            // NULL stays NULL (the kernel faults on it unless the length is 0).
            let ptr = mem.host_ptr_or_null(v.base, len)?;
            Ok(libc::iovec { iov_base: ptr.cast(), iov_len: len })
        })
        .collect::<Result<_, MemoryError>>()
        .map_err(Into::into)
}

impl GuestMsghdr {
    /// Writes back what `recvmsg` returns in the header: the lengths of the
    /// name and control data actually received, and the flags.
    pub fn write_back(mem: &GuestMemory, msg: GuestPtr<GuestMsghdr>, host: &libc::msghdr) -> Result<(), MemoryError> {
        let mut g = msg.read(mem)?;
        g.namelen = host.msg_namelen;
        g.controllen = host.msg_controllen as u32;
        g.flags = host.msg_flags;
        msg.write(mem, g)
    }
}

/// A host `msghdr` built from a guest one, with the iovec array it points to.
pub struct HostMsghdr {
    pub hdr: libc::msghdr,
    _iov: Vec<libc::iovec>,
}

impl HostMsghdr {
    pub fn new(mem: &GuestMemory, g: &GuestMsghdr) -> Result<Self, SysError> {
        let mut iov = read_iovecs(mem, GuestPtr::new(g.iov), g.iovlen as i64)?;
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
    fn guest_layouts_have_the_wali_sizes() {
        // The sizes the WALI specification gives (x86-64 kernel layouts,
        // 4-byte pointers).
        let sizes = [
            (size_of::<Stat>(), 144),
            (size_of::<Statx>(), 256),
            (size_of::<Statfs>(), 120),
            (size_of::<Timespec>(), 16),
            (size_of::<Timeval>(), 16),
            (size_of::<Rusage>(), 144),
            (size_of::<Sysinfo>(), 112),
            (size_of::<Utsname>(), 390),
            (size_of::<EpollEvent>(), 12),
            (size_of::<Siginfo>(), 128),
            (size_of::<FdSet>(), 128),
            (size_of::<Flock>(), 32),
            (size_of::<Termios>(), 36),
            (size_of::<GuestIovec>(), 8),
            (size_of::<GuestMsghdr>(), 36),
            (size_of::<GuestStack>(), 12),
            (size_of::<GuestSigaction>(), 24),
            (size_of::<RobustListHead>(), 24),
            (size_of::<Tms>(), 32),
            (size_of::<CapHeader>(), 8),
            (size_of::<Utimbuf>(), 16),
            (size_of::<GuestMmsghdr>(), 40),
            (size_of::<MsqidDs>(), 120),
            (size_of::<SemidDs>(), 104),
            (size_of::<ShmidDs>(), 112),
            (size_of::<Sembuf>(), 6),
            (size_of::<MqAttr>(), 64),
        ];
        for (i, (got, want)) in sizes.into_iter().enumerate() {
            assert_eq!(got, want, "entry {i}");
        }
    }

    #[test]
    fn iovecs_translate_and_check_each_buffer() {
        let (_keep, mem) = TestMemory::new(4096);
        mem.write::<[u32; 4]>(100, [200, 10, 300, 0]).unwrap();
        mem.write::<[u32; 2]>(200, [0, 10]).unwrap();
        assert!(read_iovecs(&mem, GuestPtr::new(200), 1).unwrap()[0].iov_base.is_null(), "guest NULL stays NULL");
        let iov = read_iovecs(&mem, GuestPtr::new(100), 2).unwrap();
        assert_eq!(iov[0].iov_base as usize, mem.host_ptr(200, 0).unwrap() as usize);
        assert_eq!(iov[0].iov_len, 10);
        assert_eq!(iov[1].iov_len, 0);
        mem.write::<[u32; 2]>(100, [4090, 10]).unwrap();
        assert!(matches!(read_iovecs(&mem, GuestPtr::new(100), 1), Err(SysError::Errno(Errno::EFAULT))));
        assert!(matches!(read_iovecs(&mem, GuestPtr::new(100), -1), Err(SysError::Errno(Errno::EINVAL))));
        assert!(matches!(read_iovecs(&mem, GuestPtr::new(100), 1025), Err(SysError::Errno(Errno::EINVAL))));
        assert!(matches!(read_iovecs(&mem, GuestPtr::new(4095), 1), Err(SysError::Errno(Errno::EFAULT))));
    }

    #[test]
    fn msghdr_layout_matches_the_wali_abi() {
        let (_keep, mem) = TestMemory::new(4096);
        // name@0 namelen@4 iov@8 iovlen@12 pad@16 control@20 controllen@24 pad@28 flags@32
        mem.write::<[u32; 9]>(64, [1000, 16, 2000, 1, 0, 3000, 24, 0, 7]).unwrap();
        mem.write::<[u32; 2]>(2000, [2500, 5]).unwrap();
        let msg = GuestPtr::<GuestMsghdr>::new(64);
        let g = msg.read(&mem).unwrap();
        assert_eq!(
            g,
            GuestMsghdr {
                name: 1000,
                namelen: 16,
                iov: 2000,
                iovlen: 1,
                pad1: 0,
                control: 3000,
                controllen: 24,
                pad2: 0,
                flags: 7
            }
        );
        let h = HostMsghdr::new(&mem, &g).unwrap();
        assert_eq!(h.hdr.msg_namelen, 16);
        assert_eq!(h.hdr.msg_iovlen, 1);
        assert_eq!(h.hdr.msg_controllen, 24);
        let mut back = h.hdr;
        back.msg_namelen = 8;
        back.msg_controllen = 20;
        back.msg_flags = 0x20;
        GuestMsghdr::write_back(&mem, msg, &back).unwrap();
        let g2 = msg.read(&mem).unwrap();
        assert_eq!((g2.namelen, g2.controllen, g2.flags), (8, 20, 0x20));
    }

    #[test]
    fn msghdr_with_buffers_past_the_end_faults() {
        let (_keep, mem) = TestMemory::new(4096);
        mem.write::<[u32; 9]>(64, [4090, 16, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        let g = GuestPtr::<GuestMsghdr>::new(64).read(&mem).unwrap();
        assert!(matches!(HostMsghdr::new(&mem, &g), Err(SysError::Errno(Errno::EFAULT))));
        assert_eq!(GuestPtr::<GuestMsghdr>::new(4070).read(&mem), Err(MemoryError::Fault));
    }
}
