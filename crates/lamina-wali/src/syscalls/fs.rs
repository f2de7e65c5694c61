//! Files and directories: opening, metadata, directory entries, links, FIFOs
//! and device nodes, renaming, permissions, ownership, times, sizes, syncing,
//! locks, the working and root directories, and file system statistics.
//!
//! The legacy path calls (`stat`, `mkdir`, `rename`, …) are issued as their
//! `*at` forms with `AT_FDCWD`, which is exactly how the kernel implements
//! them, so each shape has one handler body.
//!
//! Guest linear memory lives inside the Lamina process, so a guest holding a
//! descriptor of `/proc/<pid>/mem` could rewrite the runtime: every successful
//! open is checked, and such descriptors are closed and refused.

use std::ffi::{CStr, CString, OsStr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use lamina_memory::{GuestBuf, GuestPtr};
use rustix::fs::{FileType, OFlags};

use crate::abi::{OpenHow, Stat, Statfs, Statx, Timespec, Timeval, Utimbuf};
use crate::ctx::Ctx;
use crate::entry::Blocking::Restartable;
use crate::entry::SyscallDef;
use crate::errno::{Errno, SysError, SysResult};
use crate::host;
use crate::kinds::{
    AtFlags, DirFd, Dirents, Fd, GuestPath, Hex, InBuf, Int, Long, Mode, OpenFlags, OutBuf, Path, StatOut, Str, Struct,
    UInt,
};
use crate::syscall;

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(open => open, [pathname: Path, flags: OpenFlags, mode: Mode], Restartable),
    syscall!(creat => creat, [pathname: Path, mode: Mode], Restartable),
    syscall!(openat => openat, [dirfd: DirFd, pathname: Path, flags: OpenFlags, mode: Mode], Restartable),
    syscall!(openat2 => openat2, [dirfd: DirFd, pathname: Path, how: Struct<OpenHow>, size: UInt], Restartable),
    syscall!(stat => stat, [pathname: Path, statbuf: StatOut]),
    syscall!(lstat => lstat, [pathname: Path, statbuf: StatOut]),
    syscall!(fstat => fstat, [fd: Fd, statbuf: StatOut]),
    syscall!(newfstatat => newfstatat, [dirfd: DirFd, pathname: Path, statbuf: StatOut, flags: AtFlags]),
    syscall!(statx => statx, [dirfd: DirFd, pathname: Path, flags: AtFlags, mask: Hex, statxbuf: Struct<Statx>]),
    syscall!(getdents64 => getdents64, [fd: Fd, dirp: Dirents, count: UInt]),
    syscall!(getdents => getdents, [fd: Fd, dirp: Dirents, count: UInt]),
    syscall!(readlink => readlink, [pathname: Path, buf: OutBuf, bufsiz: Int]),
    syscall!(readlinkat => readlinkat, [dirfd: DirFd, pathname: Path, buf: OutBuf, bufsiz: Int]),
    syscall!(link => link, [oldpath: Path, newpath: Path]),
    syscall!(linkat => linkat, [olddirfd: DirFd, oldpath: Path, newdirfd: DirFd, newpath: Path, flags: AtFlags]),
    syscall!(symlink => symlink, [target: Path, linkpath: Path]),
    syscall!(symlinkat => symlinkat, [target: Path, newdirfd: DirFd, linkpath: Path]),
    syscall!(unlink => unlink, [pathname: Path]),
    syscall!(unlinkat => unlinkat, [dirfd: DirFd, pathname: Path, flags: AtFlags]),
    syscall!(rename => rename, [oldpath: Path, newpath: Path]),
    syscall!(renameat => renameat, [olddirfd: DirFd, oldpath: Path, newdirfd: DirFd, newpath: Path]),
    syscall!(renameat2 => renameat2, [olddirfd: DirFd, oldpath: Path, newdirfd: DirFd, newpath: Path, flags: Hex]),
    syscall!(mkdir => mkdir, [pathname: Path, mode: Mode]),
    syscall!(mkdirat => mkdirat, [dirfd: DirFd, pathname: Path, mode: Mode]),
    syscall!(mknod => mknod, [pathname: Path, mode: Mode, dev: Hex]),
    syscall!(mknodat => mknodat, [dirfd: DirFd, pathname: Path, mode: Mode, dev: Hex]),
    syscall!(rmdir => rmdir, [pathname: Path]),
    syscall!(chmod => chmod, [pathname: Path, mode: Mode]),
    syscall!(fchmod => fchmod, [fd: Fd, mode: Mode]),
    syscall!(fchmodat => fchmodat, [dirfd: DirFd, pathname: Path, mode: Mode, flags: AtFlags]),
    syscall!(chown => chown, [pathname: Path, owner: Int, group: Int]),
    syscall!(fchown => fchown, [fd: Fd, owner: Int, group: Int]),
    syscall!(fchownat => fchownat, [dirfd: DirFd, pathname: Path, owner: Int, group: Int, flags: AtFlags]),
    syscall!(lchown => lchown, [pathname: Path, owner: Int, group: Int]),
    syscall!(utimensat => utimensat, [dirfd: DirFd, pathname: Path, times: Struct<[Timespec; 2]>, flags: AtFlags]),
    syscall!(utimes => utimes, [filename: Path, times: Struct<[Timeval; 2]>]),
    syscall!(utime => utime, [filename: Path, times: Struct<Utimbuf>]),
    syscall!(futimesat => futimesat, [dirfd: DirFd, pathname: Path, times: Struct<[Timeval; 2]>]),
    syscall!(setxattr => setxattr, [path: Path, name: Str, value: InBuf<3>, size: UInt, flags: Int]),
    syscall!(lsetxattr => lsetxattr, [path: Path, name: Str, value: InBuf<3>, size: UInt, flags: Int]),
    syscall!(fsetxattr => fsetxattr, [fd: Fd, name: Str, value: InBuf<3>, size: UInt, flags: Int]),
    syscall!(getxattr => getxattr, [path: Path, name: Str, value: OutBuf, size: UInt]),
    syscall!(lgetxattr => lgetxattr, [path: Path, name: Str, value: OutBuf, size: UInt]),
    syscall!(fgetxattr => fgetxattr, [fd: Fd, name: Str, value: OutBuf, size: UInt]),
    syscall!(listxattr => listxattr, [path: Path, list: OutBuf, size: UInt]),
    syscall!(llistxattr => llistxattr, [path: Path, list: OutBuf, size: UInt]),
    syscall!(flistxattr => flistxattr, [fd: Fd, list: OutBuf, size: UInt]),
    syscall!(removexattr => removexattr, [path: Path, name: Str]),
    syscall!(lremovexattr => lremovexattr, [path: Path, name: Str]),
    syscall!(fremovexattr => fremovexattr, [fd: Fd, name: Str]),
    syscall!(access => access, [pathname: Path, mode: Int]),
    syscall!(faccessat => faccessat, [dirfd: DirFd, pathname: Path, mode: Int, flags: AtFlags]),
    syscall!(faccessat2 => faccessat2, [dirfd: DirFd, pathname: Path, mode: Int, flags: AtFlags]),
    syscall!(truncate => truncate, [path: Path, length: Long]),
    syscall!(ftruncate => ftruncate, [fd: Fd, length: Long]),
    syscall!(fsync => fsync, [fd: Fd]),
    syscall!(fdatasync => fdatasync, [fd: Fd]),
    syscall!(sync_file_range => sync_file_range, [fd: Fd, offset: Long, nbytes: Long, flags: Hex]),
    syscall!(fallocate => fallocate, [fd: Fd, mode: Hex, offset: Long, len: Long], Restartable),
    syscall!(sync => sync, []),
    syscall!(syncfs => syncfs, [fd: Fd]),
    syscall!(fadvise => fadvise, [fd: Fd, offset: Long, len: Long, advice: Int]),
    syscall!(readahead => readahead, [fd: Fd, offset: Long, count: UInt]),
    // (`cp`, Python's `shutil`.) One handler with `splice`, in io.rs.
    syscall!(copy_file_range => super::io::between::<{ libc::SYS_copy_file_range }>, [fd_in: Fd, off_in: Struct<i64>, fd_out: Fd, off_out: Struct<i64>, len: UInt, flags: Hex], Restartable),
    syscall!(memfd_create => memfd_create, [name: Str, flags: Hex]),
    syscall!(inotify_init => inotify_init, []),
    syscall!(inotify_init1 => inotify_init1, [flags: OpenFlags]),
    syscall!(inotify_add_watch => inotify_add_watch, [fd: Fd, pathname: Path, mask: Hex]),
    syscall!(inotify_rm_watch => inotify_rm_watch, [fd: Fd, wd: Int]),
    syscall!(flock => flock, [fd: Fd, operation: Int], Restartable),
    syscall!(umask => umask, [mask: Mode]),
    syscall!(chdir => chdir, [path: Path]),
    syscall!(fchdir => fchdir, [fd: Fd]),
    syscall!(getcwd => getcwd, [buf: OutBuf, size: UInt]),
    syscall!(chroot => chroot, [path: Path]),
    syscall!(statfs => statfs, [path: Path, buf: Struct<Statfs>]),
    syscall!(fstatfs => fstatfs, [fd: Fd, buf: Struct<Statfs>]),
];

/// The directory descriptor the legacy calls are issued with.
const AT_FDCWD: Fd = Fd(libc::AT_FDCWD);

/// A path as a host syscall argument; the string must outlive the call.
fn arg(p: &CString) -> i64 {
    host::ptr(p.as_ptr())
}

/// A path that may be NULL as a host syscall argument (NULL for `None`).
fn arg_or_null(p: &Option<CString>) -> i64 {
    p.as_ref().map_or(0, arg)
}

// ---- opening ----

fn open(ctx: &Ctx<'_>, pathname: GuestPath, flags: i32, mode: u32) -> SysResult {
    openat(ctx, AT_FDCWD, pathname, flags, mode)
}

/// `creat` is `open` with these flags, as in the kernel.
fn creat(ctx: &Ctx<'_>, pathname: GuestPath, mode: u32) -> SysResult {
    openat(ctx, AT_FDCWD, pathname, libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC, mode)
}

/// `open` and `openat` are one call. The new descriptor is refused if it is
/// a process memory file; a successful open of the environment file lets the
/// runtime drop its own descriptor of it.
fn openat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, flags: i32, mode: u32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    let fd = ctx.syscall(libc::SYS_openat, &[dirfd.arg(), arg(&p), flags.into(), mode.into()])?;
    opened(ctx, &p, fd)
}

/// `openat2` (beyond WALI's table: `RESOLVE_BENEATH` and its kin are how a
/// guest confines a lookup to a directory, as Lamina's WASI layer does). The
/// `open_how` is passed in place: the kernel reads `size` bytes of it, all of
/// which must be in guest memory.
fn openat2(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, how: GuestPtr<OpenHow>, size: u32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    // The kernel's own answers to sizes it does not read, before touching
    // memory (a size past the end of guest memory is its E2BIG, not EFAULT).
    if (size as usize) < size_of::<OpenHow>() {
        return Err(Errno::EINVAL.into());
    }
    if size as usize > rustix::param::page_size() {
        return Err(Errno::E2BIG.into());
    }
    // Guest address 0 is memory, but a NULL `open_how` is the kernel's EFAULT.
    if how.is_null() {
        return Err(Errno::EFAULT.into());
    }
    let how = ctx.mem.host_ptr(how.addr(), size as usize)?;
    let fd = ctx.syscall(libc::SYS_openat2, &[dirfd.arg(), arg(&p), host::ptr(how), size.into()])?;
    opened(ctx, &p, fd)
}

/// What every open does with a new descriptor: refuses a process memory file
/// and lets the runtime drop its own descriptor of an opened environment
/// file.
fn opened(ctx: &Ctx<'_>, p: &CStr, fd: i64) -> SysResult {
    if opens_process_memory(fd) {
        // The guest has not been given the number. (Another guest thread
        // could guess it and use it before this close: see `opens_process_memory`.)
        let _ = host::syscall(libc::SYS_close, &[fd]);
        ctx.process.warn_once("proc-mem", || {
            format!(
                "refused the guest's open of {p:?} with EACCES: it is, or cannot be told apart from, \
                 a process memory file (/proc/<pid>/mem), through which the guest could rewrite the runtime"
            )
        });
        return Err(Errno::EACCES.into());
    }
    ctx.process.note_opened(p);
    Ok(fd)
}

/// The inode number of the root directory of every procfs instance (the
/// kernel's `PROC_ROOT_INO`, which no uapi header exports).
const PROC_ROOT_INO: u64 = 1;

/// Whether `fd` is a procfs `mem` file (`/proc/<pid>/mem`,
/// `/proc/<pid>/task/<tid>/mem`), however it was reached: symlinks, `..`,
/// `self`/`thread-self`, a directory descriptor, another procfs mount. The
/// decision is made on the open file, not on the guest's spelling: its file
/// system must be procfs and its name, as the kernel reports it, `mem`.
/// When either cannot be determined the answer is "yes": refusing an odd
/// file is better than handing out the runtime's memory.
///
/// Known limit: the check runs after the open, so for the few microseconds
/// until the descriptor is closed a second guest thread that guesses its
/// number could use it. Closing that window needs the open itself split (an
/// `O_PATH` open, this check, then a reopen through the checked descriptor).
fn opens_process_memory(fd: i64) -> bool {
    // SAFETY: the descriptor the guest's open just returned, borrowed for
    // these checks only. A second guest thread may close it meanwhile (see
    // above); the calls then fail or see whatever took the number, as raw
    // syscalls would, and either way no memory is at stake.
    let fd = unsafe { BorrowedFd::borrow_raw(fd as RawFd) };
    match is_procfs(fd) {
        Some(false) => false,
        _ => fd_target(fd).is_none_or(|target| names_mem_file(&target)),
    }
}

fn is_procfs(fd: BorrowedFd<'_>) -> Option<bool> {
    Some(rustix::fs::fstatfs(fd).ok()?.f_type == rustix::fs::PROC_SUPER_MAGIC)
}

/// The kernel's name for what `fd` refers to (the target of
/// `/proc/thread-self/fd/<fd>`).
///
/// The link is read beneath a verified procfs root: after a `chroot` the
/// guest could otherwise make `/proc` a directory of its own whose
/// `thread-self/fd/<fd>` names a harmless file, or a symlink to another
/// process's `fd` directory. Only a procfs root (inode 1) has the kernel's
/// `thread-self`, which always means the calling thread.
fn fd_target(fd: BorrowedFd<'_>) -> Option<Vec<u8>> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let root = rustix::fs::open(c"/proc", flags, rustix::fs::Mode::empty()).ok()?;
    let st = rustix::fs::fstat(&root).ok()?;
    if is_procfs(root.as_fd()) != Some(true) || st.st_ino != PROC_ROOT_INO {
        return None;
    }
    let link = format!("thread-self/fd/{}", fd.as_raw_fd());
    let mut target = vec![0u8; lamina_memory::PATH_MAX + 1];
    let n = rustix::fs::readlinkat_raw(&root, link, target.as_mut_slice()).ok()?;
    // A full buffer may be a truncated name.
    (n < target.len()).then(|| {
        target.truncate(n);
        target
    })
}

/// Whether a procfs link target names a `mem` file. The kernel appends
/// " (deleted)" once the task is gone (a thread's `task/<tid>/mem` after the
/// thread exited), yet the descriptor still reaches the process's memory.
/// No other procfs file is called `mem`.
fn names_mem_file(target: &[u8]) -> bool {
    let target = target.strip_suffix(b" (deleted)").unwrap_or(target);
    target.rsplit(|&b| b == b'/').next() == Some(b"mem")
}

// ---- metadata ----

fn stat(ctx: &Ctx<'_>, pathname: GuestPath, statbuf: GuestPtr<Stat>) -> SysResult {
    newfstatat(ctx, AT_FDCWD, pathname, statbuf, 0)
}

fn lstat(ctx: &Ctx<'_>, pathname: GuestPath, statbuf: GuestPtr<Stat>) -> SysResult {
    newfstatat(ctx, AT_FDCWD, pathname, statbuf, libc::AT_SYMLINK_NOFOLLOW)
}

/// The kernel accepts a NULL path with `AT_EMPTY_PATH` (Linux 6.11), so NULL
/// is passed on for it to judge.
fn newfstatat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, statbuf: GuestPtr<Stat>, flags: i32) -> SysResult {
    let p = pathname.read_or_null(ctx.mem)?;
    ctx.syscall(libc::SYS_newfstatat, &[dirfd.arg(), arg_or_null(&p), statbuf.arg(ctx.mem)?, flags.into()])
}

fn fstat(ctx: &Ctx<'_>, fd: Fd, statbuf: GuestPtr<Stat>) -> SysResult {
    ctx.syscall(libc::SYS_fstat, &[fd.arg(), statbuf.arg(ctx.mem)?])
}

fn statx(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, flags: i32, mask: u32, statxbuf: GuestPtr<Statx>) -> SysResult {
    let p = pathname.read_or_null(ctx.mem)?;
    let out = statxbuf.arg(ctx.mem)?;
    ctx.syscall(libc::SYS_statx, &[dirfd.arg(), arg_or_null(&p), flags.into(), mask.into(), out])
}

fn statfs(ctx: &Ctx<'_>, path: GuestPath, buf: GuestPtr<Statfs>) -> SysResult {
    let p = path.read(ctx.mem)?;
    ctx.syscall(libc::SYS_statfs, &[arg(&p), buf.arg(ctx.mem)?])
}

fn fstatfs(ctx: &Ctx<'_>, fd: Fd, buf: GuestPtr<Statfs>) -> SysResult {
    ctx.syscall(libc::SYS_fstatfs, &[fd.arg(), buf.arg(ctx.mem)?])
}

/// The kernel fills at most `count` bytes (an `unsigned int`) with whole
/// records.
fn getdents64(ctx: &Ctx<'_>, fd: Fd, dirp: GuestBuf, count: u32) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_getdents64, &[fd.arg(), dirp.arg(ctx.mem, len)?, len as i64])
}

/// The old record format (`struct linux_dirent`: `long` inode and offset,
/// the type in the last byte), 8-byte `long`s in WALI as on x86-64, so the
/// kernel fills the guest's buffer as it is.
fn getdents(ctx: &Ctx<'_>, fd: Fd, dirp: GuestBuf, count: u32) -> SysResult {
    let len = count as usize;
    ctx.syscall(libc::SYS_getdents, &[fd.arg(), dirp.arg(ctx.mem, len)?, len as i64])
}

fn readlink(ctx: &Ctx<'_>, pathname: GuestPath, buf: GuestBuf, bufsiz: i32) -> SysResult {
    readlinkat(ctx, AT_FDCWD, pathname, buf, bufsiz)
}

/// The kernel reads `bufsiz` as an `int` and answers `EINVAL` to a size that
/// is not positive before touching anything, so such a size reaches it with
/// a NULL buffer instead of being checked as a 2 GiB range.
fn readlinkat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, buf: GuestBuf, bufsiz: i32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    let out = if bufsiz > 0 { buf.arg(ctx.mem, bufsiz as usize)? } else { 0 };
    ctx.syscall(libc::SYS_readlinkat, &[dirfd.arg(), arg(&p), out, bufsiz.into()])
}

// ---- names: links, unlinking, renaming, directories ----

fn link(ctx: &Ctx<'_>, oldpath: GuestPath, newpath: GuestPath) -> SysResult {
    linkat(ctx, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0)
}

fn linkat(ctx: &Ctx<'_>, olddirfd: Fd, oldpath: GuestPath, newdirfd: Fd, newpath: GuestPath, flags: i32) -> SysResult {
    let (old, new) = (oldpath.read(ctx.mem)?, newpath.read(ctx.mem)?);
    ctx.syscall(libc::SYS_linkat, &[olddirfd.arg(), arg(&old), newdirfd.arg(), arg(&new), flags.into()])
}

fn symlink(ctx: &Ctx<'_>, target: GuestPath, linkpath: GuestPath) -> SysResult {
    symlinkat(ctx, target, AT_FDCWD, linkpath)
}

fn symlinkat(ctx: &Ctx<'_>, target: GuestPath, newdirfd: Fd, linkpath: GuestPath) -> SysResult {
    let (target, linkpath) = (target.read(ctx.mem)?, linkpath.read(ctx.mem)?);
    ctx.syscall(libc::SYS_symlinkat, &[arg(&target), newdirfd.arg(), arg(&linkpath)])
}

fn unlink(ctx: &Ctx<'_>, pathname: GuestPath) -> SysResult {
    unlinkat(ctx, AT_FDCWD, pathname, 0)
}

fn rmdir(ctx: &Ctx<'_>, pathname: GuestPath) -> SysResult {
    unlinkat(ctx, AT_FDCWD, pathname, libc::AT_REMOVEDIR)
}

fn unlinkat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, flags: i32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    ctx.syscall(libc::SYS_unlinkat, &[dirfd.arg(), arg(&p), flags.into()])
}

fn rename(ctx: &Ctx<'_>, oldpath: GuestPath, newpath: GuestPath) -> SysResult {
    renameat2(ctx, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0)
}

fn renameat2(
    ctx: &Ctx<'_>,
    olddirfd: Fd,
    oldpath: GuestPath,
    newdirfd: Fd,
    newpath: GuestPath,
    flags: u32,
) -> SysResult {
    let (old, new) = (oldpath.read(ctx.mem)?, newpath.read(ctx.mem)?);
    ctx.syscall(libc::SYS_renameat2, &[olddirfd.arg(), arg(&old), newdirfd.arg(), arg(&new), flags.into()])
}

/// The kernel's `renameat` is `renameat2` without flags, so it is checked
/// and issued as that one.
fn renameat(ctx: &Ctx<'_>, olddirfd: Fd, oldpath: GuestPath, newdirfd: Fd, newpath: GuestPath) -> SysResult {
    renameat2(ctx, olddirfd, oldpath, newdirfd, newpath, 0)
}

fn mkdir(ctx: &Ctx<'_>, pathname: GuestPath, mode: u32) -> SysResult {
    mkdirat(ctx, AT_FDCWD, pathname, mode)
}

fn mkdirat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, mode: u32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    ctx.syscall(libc::SYS_mkdirat, &[dirfd.arg(), arg(&p), mode.into()])
}

fn mknod(ctx: &Ctx<'_>, pathname: GuestPath, mode: u32, dev: u32) -> SysResult {
    mknodat(ctx, AT_FDCWD, pathname, mode, dev)
}

/// The kernel's `dev` is an `unsigned` (the old 32-bit encoding), as in the
/// guest's import, so it passes through unchanged.
fn mknodat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, mode: u32, dev: u32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    ctx.syscall(libc::SYS_mknodat, &[dirfd.arg(), arg(&p), mode.into(), dev.into()])
}

// ---- permissions, ownership, times ----
//
// Under a sandbox the kernel's part (Landlock) does not cover a file's
// metadata: without more, a guest could change the mode, owner and times of
// any file it can name, whatever it may open (found by tools/fuzz, whose
// guest chmod-ed the directory above its scratch directory). So under a
// policy the file a call would change is resolved first, as the call would
// resolve it (an `O_PATH` descriptor, following a last symlink unless the
// call does not), where it really is is checked against the policy's
// writable directories, and the change is made through that descriptor, so
// the file checked is the file changed. Descriptor calls check a private
// duplicate of the guest's descriptor the same way. Objects outside the file
// system (pipes, sockets) are not restricted. A refusal is `EACCES`, the
// errno of Landlock's own denials.

/// Without a sandbox, `None`: the call goes to the kernel as the guest made
/// it. Under one, a descriptor of the file the call would change (`dirfd`
/// itself for a NULL path, or an empty one with `AT_EMPTY_PATH`), checked.
fn metadata_target(ctx: &Ctx<'_>, dirfd: Fd, path: Option<&CString>, flags: i32) -> Result<Option<OwnedFd>, SysError> {
    checked_target(ctx, dirfd, path, flags, true)
}

/// [`metadata_target`] for a call that changes (`write`) or only reads the
/// file: resolved as the call would, its real location checked against the
/// policy's directories (writable ones if `write`).
fn checked_target(
    ctx: &Ctx<'_>,
    dirfd: Fd,
    path: Option<&CString>,
    flags: i32,
    write: bool,
) -> Result<Option<OwnedFd>, SysError> {
    let Some(policy) = &ctx.process.policy else {
        return Ok(None);
    };
    let fd = match path {
        Some(p) if !(p.is_empty() && flags & libc::AT_EMPTY_PATH != 0) => {
            let nofollow = if flags & libc::AT_SYMLINK_NOFOLLOW != 0 { libc::O_NOFOLLOW } else { 0 };
            let how = (libc::O_PATH | libc::O_CLOEXEC | nofollow) as i64;
            host::syscall(libc::SYS_openat, &[dirfd.arg(), arg(p), how, 0])?
        }
        _ if dirfd == AT_FDCWD => {
            host::syscall(libc::SYS_openat, &[dirfd.arg(), host::ptr(c".".as_ptr()), O_PATH_CLOEXEC, 0])?
        }
        _ => host::syscall(libc::SYS_fcntl, &[dirfd.arg(), libc::F_DUPFD_CLOEXEC.into(), 0])?,
    };
    // SAFETY: a descriptor the kernel just returned, owned here.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
    let real = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).map_err(|_| Errno::EACCES)?;
    let real = real.as_os_str().as_bytes();
    if real.starts_with(b"/") {
        let real = real.strip_suffix(b" (deleted)").unwrap_or(real);
        if !policy.allows_path(std::path::Path::new(OsStr::from_bytes(real)), write) {
            return Err(Errno::EACCES.into());
        }
    }
    Ok(Some(fd))
}

const O_PATH_CLOEXEC: i64 = (libc::O_PATH | libc::O_CLOEXEC) as i64;

/// `/proc/self/fd/N`: a path that reaches exactly the file `fd` is open on.
fn fd_path(fd: &OwnedFd) -> CString {
    CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).expect("no NUL in a number")
}

fn chmod(ctx: &Ctx<'_>, pathname: GuestPath, mode: u32) -> SysResult {
    fchmodat(ctx, AT_FDCWD, pathname, mode, 0)
}

/// The kernel's `fchmodat` has no flags argument (musl emulates
/// `AT_SYMLINK_NOFOLLOW` itself), so the guest's fourth argument is ignored
/// as it is natively.
fn fchmodat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, mode: u32, _flags: i32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    if let Some(fd) = metadata_target(ctx, dirfd, Some(&p), 0)? {
        return ctx.syscall(libc::SYS_fchmodat, &[AT_FDCWD.arg(), arg(&fd_path(&fd)), mode.into()]);
    }
    ctx.syscall(libc::SYS_fchmodat, &[dirfd.arg(), arg(&p), mode.into()])
}

fn fchmod(ctx: &Ctx<'_>, fd: Fd, mode: u32) -> SysResult {
    if let Some(own) = metadata_target(ctx, fd, None, 0)? {
        return ctx.syscall(libc::SYS_fchmod, &[i64::from(own.as_raw_fd()), mode.into()]);
    }
    ctx.syscall(libc::SYS_fchmod, &[fd.arg(), mode.into()])
}

fn chown(ctx: &Ctx<'_>, pathname: GuestPath, owner: i32, group: i32) -> SysResult {
    fchownat(ctx, AT_FDCWD, pathname, owner, group, 0)
}

/// Owner and group are sign-extended: `-1` means "unchanged".
fn fchownat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, owner: i32, group: i32, flags: i32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    if flags & !(libc::AT_SYMLINK_NOFOLLOW | libc::AT_EMPTY_PATH) == 0
        && let Some(fd) = metadata_target(ctx, dirfd, Some(&p), flags)?
    {
        let empty = host::ptr(c"".as_ptr());
        let args = [i64::from(fd.as_raw_fd()), empty, owner.into(), group.into(), libc::AT_EMPTY_PATH.into()];
        return ctx.syscall(libc::SYS_fchownat, &args);
    }
    ctx.syscall(libc::SYS_fchownat, &[dirfd.arg(), arg(&p), owner.into(), group.into(), flags.into()])
}

/// `lchown` (beyond WALI's table; tar and Python's tarfile restore the
/// owners of symlinks with it) is `fchownat` not following a last symlink,
/// which is how the kernel implements it, so the sandbox checks the link
/// itself as for `fchownat(AT_SYMLINK_NOFOLLOW)`.
fn lchown(ctx: &Ctx<'_>, pathname: GuestPath, owner: i32, group: i32) -> SysResult {
    fchownat(ctx, AT_FDCWD, pathname, owner, group, libc::AT_SYMLINK_NOFOLLOW)
}

fn fchown(ctx: &Ctx<'_>, fd: Fd, owner: i32, group: i32) -> SysResult {
    if let Some(own) = metadata_target(ctx, fd, None, 0)? {
        return ctx.syscall(libc::SYS_fchown, &[i64::from(own.as_raw_fd()), owner.into(), group.into()]);
    }
    ctx.syscall(libc::SYS_fchown, &[fd.arg(), owner.into(), group.into()])
}

/// A NULL path means the descriptor itself (`futimens`), and NULL times mean
/// "now"; both are the kernel's to interpret.
fn utimensat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, times: GuestPtr<[Timespec; 2]>, flags: i32) -> SysResult {
    let p = pathname.read_or_null(ctx.mem)?;
    let times = times.arg(ctx.mem)?;
    // (A NULL path with AT_FDCWD is the kernel's EFAULT, and unknown flags
    // its EINVAL, whatever the policy.)
    if (p.is_some() || dirfd != AT_FDCWD)
        && flags & !(libc::AT_SYMLINK_NOFOLLOW | libc::AT_EMPTY_PATH) == 0
        && let Some(fd) = metadata_target(ctx, dirfd, p.as_ref(), flags)?
    {
        let empty = host::ptr(c"".as_ptr());
        return ctx
            .syscall(libc::SYS_utimensat, &[i64::from(fd.as_raw_fd()), empty, times, libc::AT_EMPTY_PATH.into()]);
    }
    ctx.syscall(libc::SYS_utimensat, &[dirfd.arg(), arg_or_null(&p), times, flags.into()])
}

fn utimes(ctx: &Ctx<'_>, filename: GuestPath, times: GuestPtr<[Timeval; 2]>) -> SysResult {
    futimesat(ctx, AT_FDCWD, filename, times)
}

/// As for `utimensat`, NULL path and times are the kernel's to interpret
/// (a NULL path with `AT_FDCWD` is its `EFAULT`).
fn futimesat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, times: GuestPtr<[Timeval; 2]>) -> SysResult {
    let p = pathname.read_or_null(ctx.mem)?;
    let times = times.arg(ctx.mem)?;
    if (p.is_some() || dirfd != AT_FDCWD)
        && let Some(fd) = metadata_target(ctx, dirfd, p.as_ref(), 0)?
    {
        return ctx.syscall(libc::SYS_futimesat, &[AT_FDCWD.arg(), arg(&fd_path(&fd)), times]);
    }
    ctx.syscall(libc::SYS_futimesat, &[dirfd.arg(), arg_or_null(&p), times])
}

/// `utime` (beyond WALI's table) is `futimesat` with whole seconds: NULL
/// times mean "now"; under a sandbox the file is checked as for `utimes`.
fn utime(ctx: &Ctx<'_>, filename: GuestPath, times: GuestPtr<Utimbuf>) -> SysResult {
    let p = filename.read(ctx.mem)?;
    let times = times.arg(ctx.mem)?;
    if let Some(fd) = metadata_target(ctx, AT_FDCWD, Some(&p), 0)? {
        return ctx.syscall(libc::SYS_utime, &[arg(&fd_path(&fd)), times]);
    }
    ctx.syscall(libc::SYS_utime, &[arg(&p), times])
}

// ---- extended attributes ----
//
// (Beyond WALI's table; cp -a, tar, rsync and Python's shutil.copystat copy
// them.) Names are read as the kernel reads them; values and lists are guest
// buffers of the given size, of which the kernel uses at most 64 KiB.
// Landlock covers none of these calls, so under a policy the file is
// resolved and checked first, as for the other metadata (reading attributes
// needs a readable location, changing them a writable one), and the call is
// made on exactly that file.

/// The kernel's limits: a name's length and a value's or list's size.
const XATTR_NAME_MAX: usize = 255;
const XATTR_SIZE_MAX: u32 = 65536;

/// An attribute name: empty or longer than the kernel allows is its `ERANGE`.
fn xattr_name(ctx: &Ctx<'_>, name: u32) -> Result<CString, SysError> {
    match ctx.mem.read_cstr(name, XATTR_NAME_MAX + 1) {
        Ok(n) if !n.is_empty() => Ok(n),
        Ok(_) | Err(lamina_memory::MemoryError::TooLong) => Err(Errno::ERANGE.into()),
        Err(e) => Err(e.into()),
    }
}

/// Where an attribute call on a path acts, as the kernel is to be told: the
/// path as given (no sandbox), or the checked file itself with the
/// descriptor that holds it. `follow` is false for the `l*` calls.
enum XattrTarget {
    Path(CString),
    /// A path that reaches the checked file (`/proc/self/fd/N`) while the
    /// descriptor is held.
    Through {
        _held: OwnedFd,
        path: CString,
    },
    /// The checked file is a symlink, acted on itself: `/proc/self/fd/N` would
    /// lead on to its target, so the call goes to the descriptor (`O_PATH`
    /// descriptors take attribute calls since Linux 6.13; older kernels
    /// answer `EBADF`).
    Link(OwnedFd),
}

fn xattr_target(ctx: &Ctx<'_>, path: GuestPath, follow: bool, write: bool) -> Result<XattrTarget, SysError> {
    let p = path.read(ctx.mem)?;
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    let Some(fd) = checked_target(ctx, AT_FDCWD, Some(&p), flags, write)? else {
        return Ok(XattrTarget::Path(p));
    };
    let link =
        !follow && rustix::fs::fstat(&fd).is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Symlink);
    if link {
        return Ok(XattrTarget::Link(fd));
    }
    let path = fd_path(&fd);
    Ok(XattrTarget::Through { _held: fd, path })
}

impl XattrTarget {
    /// Makes the path call `path_nr`, or `fd_nr` on the descriptor of a
    /// symlink, with the arguments after the file.
    fn call(&self, ctx: &Ctx<'_>, path_nr: libc::c_long, fd_nr: libc::c_long, rest: &[i64]) -> SysResult {
        let (nr, file) = match self {
            XattrTarget::Path(p) | XattrTarget::Through { path: p, .. } => (path_nr, arg(p)),
            XattrTarget::Link(fd) => (fd_nr, i64::from(fd.as_raw_fd())),
        };
        let mut args = vec![file];
        args.extend_from_slice(rest);
        ctx.syscall(nr, &args)
    }
}

/// The descriptor an `f*xattr` call acts on: the guest's own, or under a
/// sandbox a checked duplicate.
fn xattr_fd(ctx: &Ctx<'_>, fd: Fd, write: bool) -> Result<(Option<OwnedFd>, i64), SysError> {
    let own = checked_target(ctx, fd, None, 0, write)?;
    let raw = own.as_ref().map_or(fd.arg(), |own| i64::from(own.as_raw_fd()));
    Ok((own, raw))
}

/// The value to set: `size` bytes (more than the kernel's limit is its
/// `E2BIG`, before reading them).
fn xattr_value_in(ctx: &Ctx<'_>, value: GuestBuf, size: u32) -> Result<i64, SysError> {
    if size > XATTR_SIZE_MAX {
        return Err(Errno::E2BIG.into());
    }
    Ok(value.arg(ctx.mem, size as usize)?)
}

/// A buffer the kernel fills: at most its limit of the `size` bytes.
fn xattr_buf_out(ctx: &Ctx<'_>, buf: GuestBuf, size: u32) -> Result<i64, SysError> {
    Ok(buf.arg(ctx.mem, size.min(XATTR_SIZE_MAX) as usize)?)
}

fn set_xattr(
    ctx: &Ctx<'_>,
    path: GuestPath,
    follow: bool,
    name: u32,
    value: GuestBuf,
    size: u32,
    flags: i32,
) -> SysResult {
    let (n, v) = (xattr_name(ctx, name)?, xattr_value_in(ctx, value, size)?);
    let rest = [arg(&n), v, size.into(), flags.into()];
    let nr = if follow { libc::SYS_setxattr } else { libc::SYS_lsetxattr };
    xattr_target(ctx, path, follow, true)?.call(ctx, nr, libc::SYS_fsetxattr, &rest)
}

fn setxattr(ctx: &Ctx<'_>, path: GuestPath, name: u32, value: GuestBuf, size: u32, flags: i32) -> SysResult {
    set_xattr(ctx, path, true, name, value, size, flags)
}

fn lsetxattr(ctx: &Ctx<'_>, path: GuestPath, name: u32, value: GuestBuf, size: u32, flags: i32) -> SysResult {
    set_xattr(ctx, path, false, name, value, size, flags)
}

fn fsetxattr(ctx: &Ctx<'_>, fd: Fd, name: u32, value: GuestBuf, size: u32, flags: i32) -> SysResult {
    let (n, v) = (xattr_name(ctx, name)?, xattr_value_in(ctx, value, size)?);
    let (_own, fd) = xattr_fd(ctx, fd, true)?;
    ctx.syscall(libc::SYS_fsetxattr, &[fd, arg(&n), v, size.into(), flags.into()])
}

fn get_xattr(ctx: &Ctx<'_>, path: GuestPath, follow: bool, name: u32, value: GuestBuf, size: u32) -> SysResult {
    let (n, v) = (xattr_name(ctx, name)?, xattr_buf_out(ctx, value, size)?);
    let nr = if follow { libc::SYS_getxattr } else { libc::SYS_lgetxattr };
    xattr_target(ctx, path, follow, false)?.call(ctx, nr, libc::SYS_fgetxattr, &[arg(&n), v, size.into()])
}

fn getxattr(ctx: &Ctx<'_>, path: GuestPath, name: u32, value: GuestBuf, size: u32) -> SysResult {
    get_xattr(ctx, path, true, name, value, size)
}

fn lgetxattr(ctx: &Ctx<'_>, path: GuestPath, name: u32, value: GuestBuf, size: u32) -> SysResult {
    get_xattr(ctx, path, false, name, value, size)
}

fn fgetxattr(ctx: &Ctx<'_>, fd: Fd, name: u32, value: GuestBuf, size: u32) -> SysResult {
    let (n, v) = (xattr_name(ctx, name)?, xattr_buf_out(ctx, value, size)?);
    let (_own, fd) = xattr_fd(ctx, fd, false)?;
    ctx.syscall(libc::SYS_fgetxattr, &[fd, arg(&n), v, size.into()])
}

fn list_xattr(ctx: &Ctx<'_>, path: GuestPath, follow: bool, list: GuestBuf, size: u32) -> SysResult {
    let l = xattr_buf_out(ctx, list, size)?;
    let nr = if follow { libc::SYS_listxattr } else { libc::SYS_llistxattr };
    xattr_target(ctx, path, follow, false)?.call(ctx, nr, libc::SYS_flistxattr, &[l, size.into()])
}

fn listxattr(ctx: &Ctx<'_>, path: GuestPath, list: GuestBuf, size: u32) -> SysResult {
    list_xattr(ctx, path, true, list, size)
}

fn llistxattr(ctx: &Ctx<'_>, path: GuestPath, list: GuestBuf, size: u32) -> SysResult {
    list_xattr(ctx, path, false, list, size)
}

fn flistxattr(ctx: &Ctx<'_>, fd: Fd, list: GuestBuf, size: u32) -> SysResult {
    let l = xattr_buf_out(ctx, list, size)?;
    let (_own, fd) = xattr_fd(ctx, fd, false)?;
    ctx.syscall(libc::SYS_flistxattr, &[fd, l, size.into()])
}

fn remove_xattr(ctx: &Ctx<'_>, path: GuestPath, follow: bool, name: u32) -> SysResult {
    let n = xattr_name(ctx, name)?;
    let nr = if follow { libc::SYS_removexattr } else { libc::SYS_lremovexattr };
    xattr_target(ctx, path, follow, true)?.call(ctx, nr, libc::SYS_fremovexattr, &[arg(&n)])
}

fn removexattr(ctx: &Ctx<'_>, path: GuestPath, name: u32) -> SysResult {
    remove_xattr(ctx, path, true, name)
}

fn lremovexattr(ctx: &Ctx<'_>, path: GuestPath, name: u32) -> SysResult {
    remove_xattr(ctx, path, false, name)
}

fn fremovexattr(ctx: &Ctx<'_>, fd: Fd, name: u32) -> SysResult {
    let n = xattr_name(ctx, name)?;
    let (_own, fd) = xattr_fd(ctx, fd, true)?;
    ctx.syscall(libc::SYS_fremovexattr, &[fd, arg(&n)])
}

fn access(ctx: &Ctx<'_>, pathname: GuestPath, mode: i32) -> SysResult {
    faccessat(ctx, AT_FDCWD, pathname, mode, 0)
}

/// The kernel's `faccessat` has no flags argument (that is `faccessat2`);
/// the guest's fourth argument is ignored as it is natively.
fn faccessat(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, mode: i32, _flags: i32) -> SysResult {
    faccessat_common(ctx, libc::SYS_faccessat, dirfd, pathname, mode, 0)
}

fn faccessat2(ctx: &Ctx<'_>, dirfd: Fd, pathname: GuestPath, mode: i32, flags: i32) -> SysResult {
    faccessat_common(ctx, libc::SYS_faccessat2, dirfd, pathname, mode, flags)
}

fn faccessat_common(
    ctx: &Ctx<'_>,
    nr: libc::c_long,
    dirfd: Fd,
    pathname: GuestPath,
    mode: i32,
    flags: i32,
) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    ctx.syscall(nr, &[dirfd.arg(), arg(&p), mode.into(), flags.into()])
}

// ---- sizes, syncing, advice, locks ----

fn truncate(ctx: &Ctx<'_>, path: GuestPath, length: i64) -> SysResult {
    let p = path.read(ctx.mem)?;
    ctx.syscall(libc::SYS_truncate, &[arg(&p), length])
}

fn ftruncate(ctx: &Ctx<'_>, fd: Fd, length: i64) -> SysResult {
    ctx.syscall(libc::SYS_ftruncate, &[fd.arg(), length])
}

fn fsync(ctx: &Ctx<'_>, fd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_fsync, &[fd.arg()])
}

fn fdatasync(ctx: &Ctx<'_>, fd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_fdatasync, &[fd.arg()])
}

/// Beyond WALI's table; databases (Redis's RDB and AOF writers, with
/// incremental fsync on by default) start write-back of what they wrote
/// with it, and treat its failure as a failed save.
fn sync_file_range(ctx: &Ctx<'_>, fd: Fd, offset: i64, nbytes: i64, flags: u32) -> SysResult {
    ctx.syscall(libc::SYS_sync_file_range, &[fd.arg(), offset, nbytes, flags.into()])
}

/// `fallocate` (beyond WALI's table; `posix_fallocate`, WASI's
/// `fd_allocate`): the host's, as it touches no guest memory.
fn fallocate(ctx: &Ctx<'_>, fd: Fd, mode: u32, offset: i64, len: i64) -> SysResult {
    ctx.syscall(libc::SYS_fallocate, &[fd.arg(), mode.into(), offset, len])
}

/// `sync` and `syncfs` (beyond WALI's table): write-back that touches no
/// guest memory and changes no file, so they are the host's.
fn sync(ctx: &Ctx<'_>) -> SysResult {
    ctx.syscall(libc::SYS_sync, &[])
}

fn syncfs(ctx: &Ctx<'_>, fd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_syncfs, &[fd.arg()])
}

/// `readahead` (beyond WALI's table): page-cache advice on a descriptor the
/// guest holds, the host's. `count` is a `size_t`, zero-extended.
fn readahead(ctx: &Ctx<'_>, fd: Fd, offset: i64, count: u32) -> SysResult {
    ctx.syscall(libc::SYS_readahead, &[fd.arg(), offset, count.into()])
}

/// The kernel's limit on a memfd name (`MFD_NAME_MAX_LEN`), NUL excluded.
const MFD_NAME_MAX_LEN: usize = 249;

/// `memfd_create` (beyond WALI's table): an anonymous file that is the
/// guest's descriptor like any other; the `MFD_*` flags are the kernel's to
/// judge. The name is copied as the kernel copies it: up to its limit, a
/// longer one is `EINVAL`. A name the guest cannot pass (outside its
/// memory) reaches the kernel as NULL, so unknown flags are still its
/// `EINVAL` first and the name its `EFAULT`.
fn memfd_create(ctx: &Ctx<'_>, name: u32, flags: u32) -> SysResult {
    let name = match name {
        0 => None,
        _ => match ctx.mem.read_cstr(name, MFD_NAME_MAX_LEN + 1) {
            Ok(name) => Some(name),
            Err(lamina_memory::MemoryError::TooLong) => return Err(Errno::EINVAL.into()),
            Err(_) => None,
        },
    };
    ctx.syscall(libc::SYS_memfd_create, &[arg_or_null(&name), flags.into()])
}

/// `inotify_init` is `inotify_init1` without flags, as in the kernel.
fn inotify_init(ctx: &Ctx<'_>) -> SysResult {
    inotify_init1(ctx, 0)
}

/// `inotify_init1` (beyond WALI's table). Events are read with plain
/// `read`: `struct inotify_event` has four 32-bit fields and the name, the
/// same bytes in the guest.
fn inotify_init1(ctx: &Ctx<'_>, flags: i32) -> SysResult {
    ctx.syscall(libc::SYS_inotify_init1, &[flags.into()])
}

/// `inotify_add_watch`: Landlock does not cover watches, so under a sandbox
/// a guest could learn of every access to files it may not read. The path
/// is resolved as the kernel would (a last symlink followed unless
/// `IN_DONT_FOLLOW`), where it really is is checked as a read of it
/// (`EACCES` outside the policy's directories), and the watch is added
/// through that descriptor's `/proc/self/fd` link, so the inode checked is
/// the inode watched.
fn inotify_add_watch(ctx: &Ctx<'_>, fd: Fd, pathname: GuestPath, mask: u32) -> SysResult {
    let p = pathname.read(ctx.mem)?;
    let nofollow = if mask & libc::IN_DONT_FOLLOW != 0 { libc::AT_SYMLINK_NOFOLLOW } else { 0 };
    if let Some(target) = checked_target(ctx, AT_FDCWD, Some(&p), nofollow, false)? {
        // The link is followed to the checked file itself (IN_DONT_FOLLOW
        // would watch the link); IN_ONLYDIR is still checked on that file.
        let path = fd_path(&target);
        return ctx
            .syscall(libc::SYS_inotify_add_watch, &[fd.arg(), arg(&path), (mask & !libc::IN_DONT_FOLLOW).into()]);
    }
    ctx.syscall(libc::SYS_inotify_add_watch, &[fd.arg(), arg(&p), mask.into()])
}

fn inotify_rm_watch(ctx: &Ctx<'_>, fd: Fd, wd: i32) -> SysResult {
    ctx.syscall(libc::SYS_inotify_rm_watch, &[fd.arg(), wd.into()])
}

/// WALI's `fadvise` is the host's `fadvise64`.
fn fadvise(ctx: &Ctx<'_>, fd: Fd, offset: i64, len: i64, advice: i32) -> SysResult {
    ctx.syscall(libc::SYS_fadvise64, &[fd.arg(), offset, len, advice.into()])
}

fn flock(ctx: &Ctx<'_>, fd: Fd, operation: i32) -> SysResult {
    ctx.syscall(libc::SYS_flock, &[fd.arg(), operation.into()])
}

// ---- process file system state: umask, working and root directories ----

fn umask(ctx: &Ctx<'_>, mask: u32) -> SysResult {
    ctx.syscall(libc::SYS_umask, &[mask.into()])
}

fn chdir(ctx: &Ctx<'_>, path: GuestPath) -> SysResult {
    let p = path.read(ctx.mem)?;
    ctx.syscall(libc::SYS_chdir, &[arg(&p)])
}

fn fchdir(ctx: &Ctx<'_>, fd: Fd) -> SysResult {
    ctx.syscall(libc::SYS_fchdir, &[fd.arg()])
}

/// Returns the length written, NUL included.
fn getcwd(ctx: &Ctx<'_>, buf: GuestBuf, size: u32) -> SysResult {
    let len = size as usize;
    ctx.syscall(libc::SYS_getcwd, &[buf.arg(ctx.mem, len)?, len as i64])
}

/// Changes the root of the whole Lamina process, as the reference engine
/// does (the check of opened files does not rely on the root's contents).
fn chroot(ctx: &Ctx<'_>, path: GuestPath) -> SysResult {
    let p = path.read(ctx.mem)?;
    ctx.syscall(libc::SYS_chroot, &[arg(&p)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig, ThreadState};
    use crate::errno::SysError;
    use lamina_memory::TestMemory;

    fn host_open(p: &std::ffi::CStr, flags: i32) -> i64 {
        let flags = (flags | libc::O_CLOEXEC) as i64;
        host::syscall(libc::SYS_openat, &[AT_FDCWD.arg(), host::ptr(p.as_ptr()), flags, 0]).unwrap()
    }

    fn close(fd: i64) {
        host::syscall(libc::SYS_close, &[fd]).unwrap();
    }

    #[test]
    fn mem_file_names_are_recognised() {
        assert!(names_mem_file(b"/proc/123/mem"));
        assert!(names_mem_file(b"/proc/123/task/124/mem"));
        assert!(names_mem_file(b"/proc/123/task/124/mem (deleted)"));
        assert!(names_mem_file(b"/mnt/otherproc/1/mem"));
        assert!(!names_mem_file(b"/proc/123/maps"));
        assert!(!names_mem_file(b"/proc/123/memory"));
        assert!(!names_mem_file(b"/proc/123/mem/x"));
        assert!(!names_mem_file(b"/proc/meminfo"));
    }

    #[test]
    fn process_memory_descriptors_are_detected_however_reached() {
        let tid = rustix::thread::gettid().as_raw_nonzero().get();
        let spellings = [
            c"/proc/self/mem".to_owned(),
            c"/proc/thread-self/mem".to_owned(),
            CString::new(format!("/proc/{}/mem", std::process::id())).unwrap(),
            CString::new(format!("/proc/self/task/{tid}/mem")).unwrap(),
            c"/proc/self/../self/./mem".to_owned(),
        ];
        for p in &spellings {
            for flags in [libc::O_RDONLY, libc::O_PATH] {
                let fd = host_open(p, flags);
                assert!(opens_process_memory(fd), "{p:?} {flags:#o}");
                close(fd);
            }
        }
        for p in [c"/proc/self/maps", c"/proc/meminfo", c"/dev/null", c"/proc/self", c"/"] {
            let fd = host_open(p, libc::O_RDONLY);
            assert!(!opens_process_memory(fd), "{p:?}");
            close(fd);
        }
    }

    #[test]
    fn open_refuses_process_memory_and_keeps_other_files() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        mem.write_bytes(100, b"/proc/self/mem\0").unwrap();
        let r = open(&ctx, GuestPath(100), libc::O_RDWR, 0);
        assert!(matches!(r, Err(SysError::Errno(Errno::EACCES))), "{r:?}");
        mem.write_bytes(200, b"mem\0/proc/self\0").unwrap();
        let dir = open(&ctx, GuestPath(204), libc::O_DIRECTORY | libc::O_CLOEXEC, 0).unwrap();
        let r = openat(&ctx, Fd(dir as i32), GuestPath(200), libc::O_RDONLY, 0);
        assert!(matches!(r, Err(SysError::Errno(Errno::EACCES))), "{r:?}");
        close(dir);
        mem.write_bytes(300, b"/dev/null\0").unwrap();
        let fd = open(&ctx, GuestPath(300), libc::O_RDWR | libc::O_CLOEXEC, 0).unwrap();
        close(fd);
    }

    #[test]
    fn memfd_names_are_copied_up_to_the_kernels_limit() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        mem.write_bytes(99, &[b'n'; 300]).unwrap();
        mem.write_bytes(100 + 249, b"\0").unwrap();
        let fd = memfd_create(&ctx, 100, libc::MFD_CLOEXEC).unwrap();
        close(fd);
        let r = memfd_create(&ctx, 99, libc::MFD_CLOEXEC);
        assert!(matches!(r, Err(SysError::Errno(Errno::EINVAL))), "250 bytes: {r:?}");
        // Running off the end of memory is EFAULT, unless the flags are bad.
        mem.write_bytes(4090, b"abcdef").unwrap();
        let r = memfd_create(&ctx, 4090, 0);
        assert!(matches!(r, Err(SysError::Errno(Errno::EFAULT))), "{r:?}");
        let r = memfd_create(&ctx, 4090, 0x100);
        assert!(matches!(r, Err(SysError::Errno(Errno::EINVAL))), "{r:?}");
    }

    #[test]
    fn buffers_are_checked_at_their_kernel_sizes() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let root = GuestPath(0x10);
        mem.write_bytes(root.addr(), b"/\0").unwrap();
        let efault = |r: SysResult| matches!(r, Err(SysError::Errno(Errno::EFAULT)));
        let end = 4096u32;
        assert!(efault(stat(&ctx, root, GuestPtr::new(end - 143))));
        assert_eq!(stat(&ctx, root, GuestPtr::new(end - 144)).unwrap(), 0);
        assert!(efault(statfs(&ctx, root, GuestPtr::new(end - 119))));
        assert_eq!(statfs(&ctx, root, GuestPtr::new(end - 120)).unwrap(), 0);
        let statx_at = |out| statx(&ctx, AT_FDCWD, root, 0, 0x7ff, GuestPtr::new(out));
        assert!(efault(statx_at(end - 255)));
        assert_eq!(statx_at(end - 256).unwrap(), 0);
        // readlink: a size that is not positive is the kernel's EINVAL.
        for size in [0, i32::MIN, -1] {
            let r = readlink(&ctx, root, GuestBuf(end), size);
            assert!(matches!(r, Err(SysError::Errno(Errno::EINVAL))), "{size:#x}: {r:?}");
        }
        assert!(efault(readlink(&ctx, root, GuestBuf(end - 10), 11)));
        // getcwd and getdents64 are checked over the size the guest gives.
        assert!(efault(getcwd(&ctx, GuestBuf(end - 10), 11)));
        assert!(efault(getdents64(&ctx, Fd(0), GuestBuf(end - 10), u32::MAX)));
        // utimensat's times are two timespecs.
        assert!(efault(utimensat(&ctx, AT_FDCWD, root, GuestPtr::new(end - 31), 0)));
    }

    /// Landlock does not cover metadata: under a policy a file outside the
    /// writable directories keeps its mode, owner and times (found by
    /// tools/fuzz), whatever the spelling, while files inside change.
    #[test]
    fn metadata_changes_stay_inside_the_policys_directories() {
        use crate::policy::{Allow, DirGrant, Policy};
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("lamina-metadata-{}", std::process::id()));
        let (jail, outside) = (root.join("jail"), root.join("outside"));
        std::fs::create_dir_all(&jail).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(jail.join("in"), "").unwrap();
        std::fs::write(outside.join("out"), "").unwrap();
        std::os::unix::fs::symlink(outside.join("out"), jail.join("link")).unwrap();
        let jail_grant = DirGrant { path: jail.canonicalize().unwrap(), writable: true };
        let policy = Policy { dirs: vec![jail_grant], net: Allow::Nothing, exec: Allow::Nothing };
        let process = Process::new(ProcessConfig { policy: Some(policy), ..Default::default() });
        let (_keep, mem) = TestMemory::new(4096);
        let thread = ThreadState::default();
        let ctx = Ctx::new(&mem, &process, &thread);
        let path_at = |p: &std::path::Path| {
            mem.write_bytes(64, p.to_str().unwrap().as_bytes()).unwrap();
            mem.write_bytes(64 + p.to_str().unwrap().len() as u32, b"\0").unwrap();
            GuestPath(64)
        };
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(chmod(&ctx, path_at(&jail.join("in")), 0o600).unwrap(), 0);
        assert_eq!(mode(&jail.join("in")), 0o600);
        let before = mode(&outside.join("out"));
        for spelling in [outside.join("out"), jail.join("../outside/out"), jail.join("link")] {
            let r = chmod(&ctx, path_at(&spelling), 0o777);
            assert!(matches!(r, Err(SysError::Errno(Errno::EACCES))), "{spelling:?}: {r:?}");
        }
        let r = chown(&ctx, path_at(&outside.join("out")), -1, -1);
        assert!(matches!(r, Err(SysError::Errno(Errno::EACCES))), "{r:?}");
        assert_eq!(mode(&outside.join("out")), before);
        let r = lchown(&ctx, path_at(&jail.join("link")), -1, -1);
        assert_eq!(r.unwrap(), 0, "the link itself lies inside");
        // Watches are reads: inside, through the link or not, they are
        // allowed; a file outside, however spelled, is refused.
        let inotify = inotify_init1(&ctx, libc::O_CLOEXEC).unwrap();
        let watch = |p: &std::path::Path, mask: u32| inotify_add_watch(&ctx, Fd(inotify as i32), path_at(p), mask);
        assert!(watch(&jail.join("in"), libc::IN_MODIFY).unwrap() > 0);
        assert!(watch(&jail.join("link"), libc::IN_MODIFY | libc::IN_DONT_FOLLOW).unwrap() > 0);
        for spelling in [outside.join("out"), jail.join("../outside/out"), jail.join("link")] {
            let r = watch(&spelling, libc::IN_MODIFY);
            assert!(matches!(r, Err(SysError::Errno(Errno::EACCES))), "{spelling:?}: {r:?}");
        }
        let r = watch(&jail.join("in"), libc::IN_MODIFY | libc::IN_ONLYDIR);
        assert!(matches!(r, Err(SysError::Errno(Errno::ENOTDIR))), "{r:?}");
        close(inotify);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
