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

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::{buf, cstr_arg, path, path_or_null};
use crate::abi;
use crate::ctx::Ctx;
use crate::errno::{Errno, SysResult};
use crate::host::{self, syscall};
use crate::syscall;
use crate::table::{Args, Kind::*, SyscallDef};

pub static SYSCALLS: &[SyscallDef] = &[
    syscall!(open => open, [pathname: Str, flags: OpenFlags, mode: Mode]),
    syscall!(openat => openat, [dirfd: DirFd, pathname: Str, flags: OpenFlags, mode: Mode]),
    syscall!(stat => stat, [pathname: Str, statbuf: StatOut]),
    syscall!(lstat => lstat, [pathname: Str, statbuf: StatOut]),
    syscall!(fstat => fstat, [fd: Fd, statbuf: StatOut]),
    syscall!(newfstatat => newfstatat, [dirfd: DirFd, pathname: Str, statbuf: StatOut, flags: AtFlags]),
    syscall!(statx => statx, [dirfd: DirFd, pathname: Str, flags: AtFlags, mask: Hex, statxbuf: Struct("statx")]),
    syscall!(getdents64 => getdents64, [fd: Fd, dirp: Dirents, count: Int]),
    syscall!(readlink => readlink, [pathname: Str, buf: OutBuf, bufsiz: UInt]),
    syscall!(readlinkat => readlinkat, [dirfd: DirFd, pathname: Str, buf: OutBuf, bufsiz: UInt]),
    syscall!(link => link, [oldpath: Str, newpath: Str]),
    syscall!(linkat => linkat, [olddirfd: DirFd, oldpath: Str, newdirfd: DirFd, newpath: Str, flags: AtFlags]),
    syscall!(symlink => symlink, [target: Str, linkpath: Str]),
    syscall!(symlinkat => symlinkat, [target: Str, newdirfd: DirFd, linkpath: Str]),
    syscall!(unlink => unlink, [pathname: Str]),
    syscall!(unlinkat => unlinkat, [dirfd: DirFd, pathname: Str, flags: AtFlags]),
    syscall!(rename => rename, [oldpath: Str, newpath: Str]),
    syscall!(renameat2 => renameat2, [olddirfd: DirFd, oldpath: Str, newdirfd: DirFd, newpath: Str, flags: Hex]),
    syscall!(mkdir => mkdir, [pathname: Str, mode: Mode]),
    syscall!(mkdirat => mkdirat, [dirfd: DirFd, pathname: Str, mode: Mode]),
    syscall!(mknod => mknod, [pathname: Str, mode: Mode, dev: Hex]),
    syscall!(mknodat => mknodat, [dirfd: DirFd, pathname: Str, mode: Mode, dev: Hex]),
    syscall!(rmdir => rmdir, [pathname: Str]),
    syscall!(chmod => chmod, [pathname: Str, mode: Mode]),
    syscall!(fchmod => fchmod, [fd: Fd, mode: Mode]),
    syscall!(fchmodat => fchmodat, [dirfd: DirFd, pathname: Str, mode: Mode, flags: AtFlags]),
    syscall!(chown => chown, [pathname: Str, owner: Int, group: Int]),
    syscall!(fchown => fchown, [fd: Fd, owner: Int, group: Int]),
    syscall!(fchownat => fchownat, [dirfd: DirFd, pathname: Str, owner: Int, group: Int, flags: AtFlags]),
    syscall!(utimensat => utimensat, [dirfd: DirFd, pathname: Str, times: Struct("timespec[2]"), flags: AtFlags]),
    syscall!(utimes => utimes, [filename: Str, times: Struct("timeval[2]")]),
    syscall!(futimesat => futimesat, [dirfd: DirFd, pathname: Str, times: Struct("timeval[2]")]),
    syscall!(access => access, [pathname: Str, mode: Int]),
    syscall!(faccessat => faccessat, [dirfd: DirFd, pathname: Str, mode: Int, flags: AtFlags]),
    syscall!(faccessat2 => faccessat2, [dirfd: DirFd, pathname: Str, mode: Int, flags: AtFlags]),
    syscall!(truncate => truncate, [path: Str, length: Long]),
    syscall!(ftruncate => ftruncate, [fd: Fd, length: Long]),
    syscall!(fsync => fsync, [fd: Fd]),
    syscall!(fdatasync => fdatasync, [fd: Fd]),
    syscall!(fadvise => fadvise, [fd: Fd, offset: Long, len: Long, advice: Int]),
    syscall!(flock => flock, [fd: Fd, operation: Int]),
    syscall!(umask => umask, [mask: Mode]),
    syscall!(chdir => chdir, [path: Str]),
    syscall!(fchdir => fchdir, [fd: Fd]),
    syscall!(getcwd => getcwd, [buf: OutBuf, size: UInt]),
    syscall!(chroot => chroot, [path: Str]),
    syscall!(statfs => statfs, [path: Str, buf: Struct("statfs")]),
    syscall!(fstatfs => fstatfs, [fd: Fd, buf: Struct("statfs")]),
];

const AT_FDCWD: i64 = libc::AT_FDCWD as i64;

/// A path as a host syscall argument; the string must outlive the call.
fn arg(p: &CString) -> i64 {
    host::ptr(p.as_ptr())
}

// ---- opening ----

fn open(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    openat_common(ctx, AT_FDCWD, a.ptr(0), a.int_arg(1), a.uint(2))
}

fn openat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    openat_common(ctx, a.int_arg(0), a.ptr(1), a.int_arg(2), a.uint(3))
}

/// `open` and `openat` are one call. The new descriptor is refused if it is
/// a process memory file; a successful open of the environment file lets the
/// runtime drop its own descriptor of it.
fn openat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, flags: i64, mode: u32) -> SysResult {
    let p = path(ctx, p)?;
    let fd = syscall(libc::SYS_openat, &[dirfd, arg(&p), flags, mode as i64])?;
    if opens_process_memory(fd) {
        // The guest has not been given the number. (Another guest thread
        // could guess it and use it before this close: see `opens_process_memory`.)
        let _ = syscall(libc::SYS_close, &[fd]);
        ctx.process.warn_once("proc-mem", || {
            format!(
                "refused the guest's open of {p:?} with EACCES: it is, or cannot be told apart from, \
                 a process memory file (/proc/<pid>/mem), through which the guest could rewrite the runtime"
            )
        });
        return Err(Errno(libc::EACCES).into());
    }
    ctx.process.note_opened(&p);
    Ok(fd)
}

/// procfs's `f_type` (`PROC_SUPER_MAGIC`).
const PROC_SUPER_MAGIC: i64 = 0x9fa0;
/// The inode number of the root directory of every procfs instance.
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
    match is_procfs(fd) {
        Some(false) => false,
        _ => fd_target(fd).is_none_or(|target| names_mem_file(&target)),
    }
}

fn is_procfs(fd: i64) -> Option<bool> {
    // SAFETY: statfs is plain data; the kernel fills it in.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    syscall(libc::SYS_fstatfs, &[fd, host::ptr(&raw mut st)]).ok()?;
    Some(st.f_type as i64 == PROC_SUPER_MAGIC)
}

/// The kernel's name for what `fd` refers to (the target of
/// `/proc/thread-self/fd/<fd>`).
///
/// The link is read beneath a verified procfs root: after a `chroot` the
/// guest could otherwise make `/proc` a directory of its own whose
/// `thread-self/fd/<fd>` names a harmless file, or a symlink to another
/// process's `fd` directory. Only a procfs root (inode 1) has the kernel's
/// `thread-self`, which always means the calling thread.
fn fd_target(fd: i64) -> Option<Vec<u8>> {
    let proc = syscall(
        libc::SYS_openat,
        &[AT_FDCWD, host::ptr(c"/proc".as_ptr()), (libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC) as i64, 0],
    )
    .ok()?;
    // SAFETY: a descriptor we just opened and nobody else owns.
    let proc = unsafe { OwnedFd::from_raw_fd(proc as i32) };
    let root = proc.as_raw_fd() as i64;
    // SAFETY: stat is plain data; the kernel fills it in.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    syscall(libc::SYS_fstat, &[root, host::ptr(&raw mut st)]).ok()?;
    if is_procfs(root) != Some(true) || st.st_ino != PROC_ROOT_INO {
        return None;
    }
    let link = CString::new(format!("thread-self/fd/{fd}")).expect("no NUL in a number");
    let mut target = vec![0u8; lamina_memory::PATH_MAX + 1];
    let n = syscall(libc::SYS_readlinkat, &[root, arg(&link), host::ptr(target.as_mut_ptr()), target.len() as i64])
        .ok()? as usize;
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

fn stat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fstatat_common(ctx, AT_FDCWD, a.ptr(0), a.ptr(1), 0)
}

fn lstat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fstatat_common(ctx, AT_FDCWD, a.ptr(0), a.ptr(1), libc::AT_SYMLINK_NOFOLLOW as i64)
}

fn newfstatat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fstatat_common(ctx, a.int_arg(0), a.ptr(1), a.ptr(2), a.int_arg(3))
}

/// The kernel accepts a NULL path with `AT_EMPTY_PATH` (Linux 6.11), so NULL
/// is passed on for it to judge.
fn fstatat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, statbuf: u32, flags: i64) -> SysResult {
    let p = path_or_null(ctx, p)?;
    syscall(libc::SYS_newfstatat, &[dirfd, cstr_arg(&p), buf(ctx, statbuf, abi::STAT_SIZE)?, flags])
}

fn fstat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fstat, &[a.int_arg(0), buf(ctx, a.ptr(1), abi::STAT_SIZE)?])
}

fn statx(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path_or_null(ctx, a.ptr(1))?;
    let out = buf(ctx, a.ptr(4), abi::STATX_SIZE)?;
    syscall(libc::SYS_statx, &[a.int_arg(0), cstr_arg(&p), a.int_arg(2), a.uint(3) as i64, out])
}

fn statfs(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path(ctx, a.ptr(0))?;
    syscall(libc::SYS_statfs, &[arg(&p), buf(ctx, a.ptr(1), abi::STATFS_SIZE)?])
}

fn fstatfs(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fstatfs, &[a.int_arg(0), buf(ctx, a.ptr(1), abi::STATFS_SIZE)?])
}

/// The kernel fills at most `count` bytes with whole records.
fn getdents64(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let count = a.len(2);
    syscall(libc::SYS_getdents64, &[a.int_arg(0), buf(ctx, a.ptr(1), count)?, count as i64])
}

fn readlink(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    readlinkat_common(ctx, AT_FDCWD, a.ptr(0), a.ptr(1), a.int(2))
}

fn readlinkat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    readlinkat_common(ctx, a.int_arg(0), a.ptr(1), a.ptr(2), a.int(3))
}

/// The kernel reads `bufsiz` as an `int` and answers `EINVAL` to a size that
/// is not positive before touching anything, so such a size reaches it with
/// a NULL buffer instead of being checked as a 2 GiB range.
fn readlinkat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, out: u32, bufsiz: i32) -> SysResult {
    let p = path(ctx, p)?;
    let out = if bufsiz > 0 { buf(ctx, out, bufsiz as usize)? } else { 0 };
    syscall(libc::SYS_readlinkat, &[dirfd, arg(&p), out, bufsiz as i64])
}

// ---- names: links, unlinking, renaming, directories ----

fn link(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    linkat_common(ctx, AT_FDCWD, a.ptr(0), AT_FDCWD, a.ptr(1), 0)
}

fn linkat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    linkat_common(ctx, a.int_arg(0), a.ptr(1), a.int_arg(2), a.ptr(3), a.int_arg(4))
}

fn linkat_common(ctx: &Ctx<'_>, olddir: i64, old: u32, newdir: i64, new: u32, flags: i64) -> SysResult {
    let (old, new) = (path(ctx, old)?, path(ctx, new)?);
    syscall(libc::SYS_linkat, &[olddir, arg(&old), newdir, arg(&new), flags])
}

fn symlink(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    symlinkat_common(ctx, a.ptr(0), AT_FDCWD, a.ptr(1))
}

fn symlinkat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    symlinkat_common(ctx, a.ptr(0), a.int_arg(1), a.ptr(2))
}

fn symlinkat_common(ctx: &Ctx<'_>, target: u32, dirfd: i64, linkpath: u32) -> SysResult {
    let (target, linkpath) = (path(ctx, target)?, path(ctx, linkpath)?);
    syscall(libc::SYS_symlinkat, &[arg(&target), dirfd, arg(&linkpath)])
}

fn unlink(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    unlinkat_common(ctx, AT_FDCWD, a.ptr(0), 0)
}

fn rmdir(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    unlinkat_common(ctx, AT_FDCWD, a.ptr(0), libc::AT_REMOVEDIR as i64)
}

fn unlinkat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    unlinkat_common(ctx, a.int_arg(0), a.ptr(1), a.int_arg(2))
}

fn unlinkat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, flags: i64) -> SysResult {
    let p = path(ctx, p)?;
    syscall(libc::SYS_unlinkat, &[dirfd, arg(&p), flags])
}

fn rename(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    renameat2_common(ctx, AT_FDCWD, a.ptr(0), AT_FDCWD, a.ptr(1), 0)
}

fn renameat2(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    renameat2_common(ctx, a.int_arg(0), a.ptr(1), a.int_arg(2), a.ptr(3), a.uint(4) as i64)
}

fn renameat2_common(ctx: &Ctx<'_>, olddir: i64, old: u32, newdir: i64, new: u32, flags: i64) -> SysResult {
    let (old, new) = (path(ctx, old)?, path(ctx, new)?);
    syscall(libc::SYS_renameat2, &[olddir, arg(&old), newdir, arg(&new), flags])
}

fn mkdir(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    mkdirat_common(ctx, AT_FDCWD, a.ptr(0), a.uint(1))
}

fn mkdirat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    mkdirat_common(ctx, a.int_arg(0), a.ptr(1), a.uint(2))
}

fn mkdirat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, mode: u32) -> SysResult {
    let p = path(ctx, p)?;
    syscall(libc::SYS_mkdirat, &[dirfd, arg(&p), mode as i64])
}

fn mknod(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    mknodat_common(ctx, AT_FDCWD, a.ptr(0), a.uint(1), a.uint(2))
}

fn mknodat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    mknodat_common(ctx, a.int_arg(0), a.ptr(1), a.uint(2), a.uint(3))
}

/// The kernel's `dev` is an `unsigned` (the old 32-bit encoding), as in the
/// guest's import, so it passes through unchanged.
fn mknodat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, mode: u32, dev: u32) -> SysResult {
    let p = path(ctx, p)?;
    syscall(libc::SYS_mknodat, &[dirfd, arg(&p), mode as i64, dev as i64])
}

// ---- permissions, ownership, times ----

fn chmod(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fchmodat_common(ctx, AT_FDCWD, a.ptr(0), a.uint(1))
}

/// The kernel's `fchmodat` has no flags argument (musl emulates
/// `AT_SYMLINK_NOFOLLOW` itself), so the guest's fourth argument is ignored
/// as it is natively.
fn fchmodat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fchmodat_common(ctx, a.int_arg(0), a.ptr(1), a.uint(2))
}

fn fchmodat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, mode: u32) -> SysResult {
    let p = path(ctx, p)?;
    syscall(libc::SYS_fchmodat, &[dirfd, arg(&p), mode as i64])
}

fn fchmod(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fchmod, &[a.int_arg(0), a.uint(1) as i64])
}

fn chown(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fchownat_common(ctx, AT_FDCWD, a.ptr(0), (a.int_arg(1), a.int_arg(2)), 0)
}

fn fchownat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    fchownat_common(ctx, a.int_arg(0), a.ptr(1), (a.int_arg(2), a.int_arg(3)), a.int_arg(4))
}

/// Owner and group are sign-extended: `-1` means "unchanged".
fn fchownat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, (owner, group): (i64, i64), flags: i64) -> SysResult {
    let p = path(ctx, p)?;
    syscall(libc::SYS_fchownat, &[dirfd, arg(&p), owner, group, flags])
}

fn fchown(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fchown, &[a.int_arg(0), a.int_arg(1), a.int_arg(2)])
}

/// A NULL path means the descriptor itself (`futimens`), and NULL times mean
/// "now"; both are the kernel's to interpret.
fn utimensat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path_or_null(ctx, a.ptr(1))?;
    let times = buf(ctx, a.ptr(2), 2 * abi::TIMESPEC_SIZE)?;
    syscall(libc::SYS_utimensat, &[a.int_arg(0), cstr_arg(&p), times, a.int_arg(3)])
}

fn utimes(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    futimesat_common(ctx, AT_FDCWD, a.ptr(0), a.ptr(1))
}

fn futimesat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    futimesat_common(ctx, a.int_arg(0), a.ptr(1), a.ptr(2))
}

/// As for `utimensat`, NULL path and times are the kernel's to interpret
/// (a NULL path with `AT_FDCWD` is its `EFAULT`).
fn futimesat_common(ctx: &Ctx<'_>, dirfd: i64, p: u32, times: u32) -> SysResult {
    let p = path_or_null(ctx, p)?;
    let times = buf(ctx, times, 2 * abi::TIMEVAL_SIZE)?;
    syscall(libc::SYS_futimesat, &[dirfd, cstr_arg(&p), times])
}

fn access(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    faccessat_common(ctx, libc::SYS_faccessat, AT_FDCWD, a.ptr(0), a.int_arg(1), 0)
}

/// The kernel's `faccessat` has no flags argument (that is `faccessat2`);
/// the guest's fourth argument is ignored as it is natively.
fn faccessat(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    faccessat_common(ctx, libc::SYS_faccessat, a.int_arg(0), a.ptr(1), a.int_arg(2), 0)
}

fn faccessat2(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    faccessat_common(ctx, libc::SYS_faccessat2, a.int_arg(0), a.ptr(1), a.int_arg(2), a.int_arg(3))
}

fn faccessat_common(ctx: &Ctx<'_>, nr: libc::c_long, dirfd: i64, p: u32, mode: i64, flags: i64) -> SysResult {
    let p = path(ctx, p)?;
    syscall(nr, &[dirfd, arg(&p), mode, flags])
}

// ---- sizes, syncing, advice, locks ----

fn truncate(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path(ctx, a.ptr(0))?;
    syscall(libc::SYS_truncate, &[arg(&p), a.long(1)])
}

fn ftruncate(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_ftruncate, &[a.int_arg(0), a.long(1)])
}

fn fsync(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fsync, &[a.int_arg(0)])
}

fn fdatasync(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fdatasync, &[a.int_arg(0)])
}

/// WALI's `fadvise` is the host's `fadvise64`.
fn fadvise(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fadvise64, &[a.int_arg(0), a.long(1), a.long(2), a.int_arg(3)])
}

fn flock(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_flock, &[a.int_arg(0), a.int_arg(1)])
}

// ---- process file system state: umask, working and root directories ----

fn umask(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_umask, &[a.uint(0) as i64])
}

fn chdir(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path(ctx, a.ptr(0))?;
    syscall(libc::SYS_chdir, &[arg(&p)])
}

fn fchdir(_: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_fchdir, &[a.int_arg(0)])
}

/// Returns the length written, NUL included.
fn getcwd(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    syscall(libc::SYS_getcwd, &[buf(ctx, a.ptr(0), a.len(1))?, a.len(1) as i64])
}

/// Changes the root of the whole Lamina process, as the reference engine
/// does (the check of opened files does not rely on the root's contents).
fn chroot(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let p = path(ctx, a.ptr(0))?;
    syscall(libc::SYS_chroot, &[arg(&p)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{Process, ProcessConfig};
    use crate::errno::SysError;
    use lamina_memory::TestMemory;

    fn host_open(p: &std::ffi::CStr, flags: i32) -> i64 {
        syscall(libc::SYS_openat, &[AT_FDCWD, host::ptr(p.as_ptr()), (flags | libc::O_CLOEXEC) as i64, 0]).unwrap()
    }

    fn close(fd: i64) {
        syscall(libc::SYS_close, &[fd]).unwrap();
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
        let tid = unsafe { libc::gettid() };
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
        let ctx = Ctx { mem: &mem, process: &process, thread: &crate::ctx::ThreadState::default() };
        mem.write_bytes(100, b"/proc/self/mem\0").unwrap();
        let r = open(&ctx, &Args([100, libc::O_RDWR as u64, 0, 0, 0, 0]));
        assert!(matches!(r, Err(SysError::Errno(Errno(libc::EACCES)))), "{r:?}");
        mem.write_bytes(200, b"mem\0/proc/self\0").unwrap();
        let dir = open(&ctx, &Args([204, (libc::O_DIRECTORY | libc::O_CLOEXEC) as u64, 0, 0, 0, 0])).unwrap();
        let r = openat(&ctx, &Args([dir as u64, 200, libc::O_RDONLY as u64, 0, 0, 0]));
        assert!(matches!(r, Err(SysError::Errno(Errno(libc::EACCES)))), "{r:?}");
        close(dir);
        mem.write_bytes(300, b"/dev/null\0").unwrap();
        let fd = open(&ctx, &Args([300, (libc::O_RDWR | libc::O_CLOEXEC) as u64, 0, 0, 0, 0])).unwrap();
        close(fd);
    }

    #[test]
    fn buffers_are_checked_at_their_kernel_sizes() {
        let (_keep, mem) = TestMemory::new(4096);
        let process = Process::new(ProcessConfig::default());
        let ctx = Ctx { mem: &mem, process: &process, thread: &crate::ctx::ThreadState::default() };
        mem.write_bytes(0x10, b"/\0").unwrap();
        let efault = |r: SysResult| matches!(r, Err(SysError::Errno(Errno::EFAULT)));
        let end = 4096u64;
        assert!(efault(stat(&ctx, &Args([0x10, end - 143, 0, 0, 0, 0]))));
        assert_eq!(stat(&ctx, &Args([0x10, end - 144, 0, 0, 0, 0])).unwrap(), 0);
        assert!(efault(statfs(&ctx, &Args([0x10, end - 119, 0, 0, 0, 0]))));
        assert_eq!(statfs(&ctx, &Args([0x10, end - 120, 0, 0, 0, 0])).unwrap(), 0);
        let statx_args = |out| Args([AT_FDCWD as u64, 0x10, 0, 0x7ff, out, 0]);
        assert!(efault(statx(&ctx, &statx_args(end - 255))));
        assert_eq!(statx(&ctx, &statx_args(end - 256)).unwrap(), 0);
        // readlink: a size that is not positive is the kernel's EINVAL.
        for size in [0u64, 0x8000_0000, 0xffff_ffff] {
            let r = readlink(&ctx, &Args([0x10, end, size, 0, 0, 0]));
            assert!(matches!(r, Err(SysError::Errno(Errno::EINVAL))), "{size:#x}: {r:?}");
        }
        assert!(efault(readlink(&ctx, &Args([0x10, end - 10, 11, 0, 0, 0]))));
        // getcwd and getdents64 are checked over the size the guest gives.
        assert!(efault(getcwd(&ctx, &Args([end - 10, 11, 0, 0, 0, 0]))));
        assert!(efault(getdents64(&ctx, &Args([0, end - 10, 0xffff_ffff, 0, 0, 0]))));
        // utimensat's times are two timespecs.
        let r = utimensat(&ctx, &Args([AT_FDCWD as u64, 0x10, end - 31, 0, 0, 0]));
        assert!(efault(r));
    }
}
