//! `execve`: what the new process image is, and how it is started.
//!
//! The syscall layer has read and checked the arguments as the kernel does
//! (the executable's permissions, the arrays, the size limits). Here the
//! target is recognised by its content, as the kernel does, by its first 256
//! bytes:
//! - a WALI module (`\0asm`) or a Lamina `.cwasm` artifact: Lamina executes
//!   itself (`/proc/self/exe`) on it, with the options of this run that carry
//!   over ([`RunOptions::carried_flags`]), the caller's argv (its argv[0] through `--argv0`) and the
//!   caller's environment. The environment goes in an in-memory file (memfd)
//!   the new Lamina inherits and closes before the guest starts (`--env-fd`),
//!   so it neither touches the host's environment nor leaves files behind.
//!   The module itself is handed down the same way (`--module-fd`): this
//!   process opens the file the guest named (by path, relative to a
//!   directory descriptor, or by a descriptor of its own: `execveat`,
//!   `fexecve`) before the exec, in a descriptor of its own that survives
//!   it, and the new Lamina reads it from there and closes it. So the exec
//!   does not depend on the guest's descriptor surviving (`fexecve` of an
//!   `O_CLOEXEC` descriptor, whose `/proc/self/fd` path is gone once the exec
//!   is done), the file run is the very one checked, and a sandbox's rules
//!   apply as this process opens it under them.
//!   The strace output descriptor is inherited the same way (`--strace-fd`),
//!   so the trace goes on in the same file, as `strace -f` does.
//! - a `#!` script: the kernel runs scripts, but not with a WALI module as the
//!   interpreter (that would be `ENOEXEC`), so the `#!` line is parsed as the
//!   kernel parses it and, if the interpreter is a module (possibly through
//!   further scripts), Lamina runs it with the argv the kernel would build:
//!   `[interpreter, optional argument, script path, argv[1..]]`.
//! - anything else: the host's execve with the caller's argv and environment
//!   (the environment becomes the native program's real one); the kernel runs
//!   it or answers `ENOEXEC`.
//!
//! Either way it is a real execve of this process: the pid, the descriptors
//! without close-on-exec and the signal mask stay, the other threads end.

use std::collections::HashSet;
use std::ffi::{CStr, CString, OsString};
use std::io::Write as _;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use lamina_wali::{Errno, ExecRequest, Process, check_executable};
use rustix::fs::{Mode, OFlags};
use rustix::io::FdFlags;
use wasmtime::{Engine, Precompiled};

use crate::elf;
use crate::env::memfd_with;
use crate::options::{RunOptions, flag};
use crate::sandbox::runtime_files;

/// How much of a file the kernel reads to recognise it (`BINPRM_BUF_SIZE`).
const HEAD: usize = 256;
/// Formats the kernel recognises in a row (a script, its interpreter's
/// script, …) before giving up with `ELOOP` (`exec_binprm`: depths 0 to 5).
const MAX_DEPTH: usize = 5;

/// Makes `process`'s `execve` start its targets as described above.
pub(crate) fn install(process: &Process, options: &RunOptions, strace_fd: Option<RawFd>) {
    let relaunch = Relaunch::new(options, strace_fd);
    process.set_executor(Box::new(move |request| relaunch.exec(request)));
}

/// What the path of an `execve` turned out to be.
#[derive(Debug)]
enum Image {
    /// A WALI module or `.cwasm` artifact, open for reading (`name` is the
    /// path the kernel would give it), to run with this argv.
    Module { file: OwnedFd, name: CString, argv: Vec<CString> },
    /// A native ELF executable (possibly behind scripts), for the kernel;
    /// `file` is the ELF itself, run with `argv` (what the kernel builds from
    /// the scripts' `#!` lines).
    Native { file: OwnedFd, argv: Vec<CString> },
    /// Something Lamina does not recognise or cannot read: the kernel decides
    /// (`ENOEXEC`, unless a `binfmt_misc` handler takes it).
    Unknown,
}

/// Follows the file `request` names through `#!` interpreters as the kernel
/// would, to the file that actually runs.
fn resolve(request: &ExecRequest<'_>) -> Result<Image, Errno> {
    // The kernel runs a program called with no arguments with argv = [""].
    let mut argv = if request.argv.is_empty() { vec![CString::default()] } else { request.argv.to_vec() };
    let mut name = filename(request);
    let mut file = open_target(request.dirfd, request.path, request.flags);
    for depth in 0..=MAX_DEPTH {
        let Some(opened) = file else { return Ok(Image::Unknown) };
        let Some(head) = read_head(&opened) else { return Ok(Image::Unknown) };
        if head.starts_with(b"\0asm") || (head.starts_with(b"\x7fELF") && is_cwasm(&opened, &head)) {
            return Ok(Image::Module { file: opened, name, argv });
        }
        if head.starts_with(b"\x7fELF") {
            return Ok(Image::Native { file: opened, argv });
        }
        let Some((interpreter, arg)) = shebang(&head) else { return Ok(Image::Unknown) };
        // The kernel opens the interpreter as it opened the script.
        check_executable(&interpreter)?;
        // The interpreter opens the script by its name, which a descriptor
        // closed by the exec no longer has (the kernel's
        // `BINPRM_FLAGS_PATH_INACCESSIBLE`).
        if depth == 0 && name_closes_on_exec(request) {
            return Err(Errno::ENOENT);
        }
        argv = [interpreter.clone()].into_iter().chain(arg).chain([name]).chain(argv.into_iter().skip(1)).collect();
        file = open_target(libc::AT_FDCWD, &interpreter, 0);
        name = interpreter;
    }
    Err(Errno::ELOOP)
}

/// The name the kernel gives the file an exec runs (`bprm->filename`, a
/// script's path for its interpreter): the path, or for one relative to a
/// directory descriptor `/dev/fd/N/path`, and `/dev/fd/N` for the file of a
/// descriptor itself.
fn filename(request: &ExecRequest<'_>) -> CString {
    let (dirfd, path) = (request.dirfd, request.path.to_bytes());
    if dirfd == libc::AT_FDCWD || path.starts_with(b"/") {
        return request.path.to_owned();
    }
    let mut name = format!("/dev/fd/{dirfd}").into_bytes();
    if !path.is_empty() {
        name.push(b'/');
        name.extend_from_slice(path);
    }
    CString::new(name).expect("no NUL")
}

/// Whether the exec names its file through a descriptor the exec closes.
fn name_closes_on_exec(request: &ExecRequest<'_>) -> bool {
    if request.dirfd == libc::AT_FDCWD || request.path.to_bytes().starts_with(b"/") {
        return false;
    }
    // SAFETY: the guest's descriptor, only looked at (an unknown one has
    // failed the syscall layer's checks already).
    let flags = rustix::io::fcntl_getfd(unsafe { BorrowedFd::borrow_raw(request.dirfd) });
    flags.is_ok_and(|f| f.contains(FdFlags::CLOEXEC))
}

/// The file an exec names, opened for reading by this process (close-on-exec:
/// only what it hands down survives), as the kernel opens it: relative to
/// `dirfd`, not following a final symbolic link with `AT_SYMLINK_NOFOLLOW`,
/// or the file of `dirfd` itself with `AT_EMPTY_PATH` and an empty path: a
/// copy of that descriptor if it was opened for reading (read at explicit
/// offsets, so the guest's own offset stays), else the file opened again
/// through `/proc` (an `O_PATH` descriptor). `None` where it cannot be read
/// (the kernel may still run it: executing needs no read permission).
fn open_target(dirfd: RawFd, path: &CStr, flags: i32) -> Option<OwnedFd> {
    // Non-blocking: the file was checked to be a regular one, but another
    // process may have put a FIFO in its place since, whose opening would
    // wait for a writer for ever (reading it then fails: the kernel decides).
    const READ: OFlags = OFlags::RDONLY.union(OFlags::CLOEXEC).union(OFlags::NONBLOCK);
    // SAFETY: the guest's descriptor (or AT_FDCWD), borrowed for the call;
    // the syscall layer found it open.
    let dir = unsafe { BorrowedFd::borrow_raw(dirfd) };
    if path.is_empty() && flags & libc::AT_EMPTY_PATH != 0 {
        let mode = rustix::fs::fcntl_getfl(dir).ok()?;
        if !mode.contains(OFlags::PATH) && (mode & OFlags::RWMODE) != OFlags::WRONLY {
            return rustix::io::fcntl_dupfd_cloexec(dir, 3).ok();
        }
        let path = CString::new(format!("/proc/self/fd/{dirfd}")).expect("no NUL");
        return rustix::fs::open(&path, READ, Mode::empty()).ok();
    }
    let nofollow = if flags & libc::AT_SYMLINK_NOFOLLOW != 0 { OFlags::NOFOLLOW } else { OFlags::empty() };
    rustix::fs::openat(dir, path, READ | nofollow, Mode::empty()).ok()
}

/// The first bytes of a file, read at offset 0.
fn read_head(file: &OwnedFd) -> Option<Vec<u8>> {
    let mut head = vec![0; HEAD];
    let mut len = 0;
    while len < HEAD {
        match rustix::io::pread(file, &mut head[len..], len as u64) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return None,
        }
    }
    head.truncate(len);
    Some(head)
}

/// wasmtime marks its artifacts by the ELF header's OS ABI byte
/// (`ELFOSABI_WASMTIME`); only such a file is read whole, for wasmtime to
/// say whether it is a precompiled module (a native program may be large).
const ELFOSABI_WASMTIME: u8 = 200;

/// Whether an ELF file is a precompiled module (`lamina compile`).
fn is_cwasm(file: &OwnedFd, head: &[u8]) -> bool {
    if head.get(7) != Some(&ELFOSABI_WASMTIME) {
        return false;
    }
    let Ok(copy) = file.try_clone() else { return false };
    let file = std::fs::File::from(copy);
    let Ok(meta) = file.metadata() else { return false };
    let mut bytes = vec![0; usize::try_from(meta.len()).unwrap_or(0)];
    std::os::unix::fs::FileExt::read_exact_at(&file, &mut bytes, 0).is_ok()
        && matches!(Engine::detect_precompiled(&bytes), Some(Precompiled::Module))
}

/// The interpreter and optional argument of a `#!` line, parsed as the
/// kernel's `binfmt_script` does; `None` where it answers `ENOEXEC`. The
/// line ends at a newline within the first 256 bytes; without one, the
/// interpreter's name must end within them (the argument may be cut). The
/// argument is the rest of the line, trailing blanks removed.
fn shebang(head: &[u8]) -> Option<(CString, Option<CString>)> {
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut buf = [0u8; HEAD];
    let n = head.len().min(HEAD);
    buf[..n].copy_from_slice(&head[..n]);
    if !buf.starts_with(b"#!") {
        return None;
    }
    // The kernel looks for the newline as a C string, up to the first NUL.
    let text = &buf[..buf.iter().position(|&b| b == 0).unwrap_or(HEAD)];
    let end = match text.iter().position(|&b| b == b'\n') {
        Some(newline) => newline,
        None => {
            let last = HEAD - 1;
            let name = (2..=last).find(|&i| !blank(buf[i]))?;
            (name..=last).find(|&i| blank(buf[i]) || buf[i] == 0)?;
            last
        }
    };
    let mut line = &buf[2..end];
    while let [rest @ .., b' ' | b'\t'] = line {
        line = rest;
    }
    let line = &line[line.iter().position(|&b| !blank(b))?..];
    let name_len = line.iter().position(|&b| blank(b) || b == 0).unwrap_or(line.len());
    if name_len == 0 {
        return None;
    }
    let rest = &line[name_len..];
    let rest = &rest[rest.iter().position(|&b| !blank(b)).unwrap_or(rest.len())..];
    let arg = &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())];
    let cstring = |b: &[u8]| CString::new(b).expect("cut at the first NUL");
    Some((cstring(&line[..name_len]), (!arg.is_empty()).then(|| cstring(arg))))
}

/// How to start Lamina again: its own argv[0] and the options of this run
/// that carry over, fixed when the process starts (so a relative cache
/// directory is resolved against the directory Lamina was started in).
struct Relaunch {
    /// The guest runs in a sandbox: what it executes is checked first.
    sandboxed: bool,
    argv0: CString,
    options: Vec<CString>,
    /// The strace output file, handed down to the new image.
    strace_fd: Option<RawFd>,
}

impl Relaunch {
    fn new(options: &RunOptions, strace_fd: Option<RawFd>) -> Relaunch {
        let flags = [OsString::from("run")].into_iter().chain(options.carried_flags()).map(cstring).collect();
        let argv0 = std::env::args_os().next().unwrap_or_else(|| "lamina".into());
        Relaunch { sandboxed: options.sandbox.is_some(), argv0: cstring(argv0), options: flags, strace_fd }
    }

    /// Replaces the process image with `request`'s target; returns only on
    /// failure.
    fn exec(&self, request: &ExecRequest<'_>) -> Errno {
        match resolve(request) {
            Err(e) => e,
            Ok(Image::Module { file, name, argv }) => self.run_module(file.as_fd(), &name, &argv, request),
            Ok(Image::Native { file, argv }) if self.sandboxed => exec_contained(file, &argv, request),
            Ok(image) => {
                // Whether the kernel will take it is known only once it has:
                // announce success only where it is all but certain.
                if matches!(image, Image::Native { .. }) {
                    (request.replacing)();
                }
                execveat(request.dirfd, request.path, request.argv, request.envp, request.flags)
            }
        }
    }

    /// Executes Lamina on the module open as `file` (called `module`), with
    /// `argv` and the caller's environment.
    fn run_module(&self, file: BorrowedFd<'_>, module: &CStr, argv: &[CString], request: &ExecRequest<'_>) -> Errno {
        let env = match env_file(request.envp) {
            Ok(env) => env,
            Err(e) => return e,
        };
        let file = match inheritable(file) {
            Ok(file) => file,
            Err(e) => return e,
        };
        // SAFETY: the tracer's descriptor, open for the process's life.
        let strace = match self.strace_fd.map(|fd| inheritable(unsafe { BorrowedFd::borrow_raw(fd) })).transpose() {
            Ok(fd) => fd,
            Err(e) => return e,
        };
        let mut args = vec![self.argv0.clone()];
        args.extend(self.options.iter().cloned());
        if let Some(fd) = &strace {
            args.push(cstring(flag("--strace-fd", fd.as_raw_fd().to_string())));
        }
        if let Some(fd) = &env {
            args.push(cstring(flag("--env-fd", fd.as_raw_fd().to_string())));
        }
        args.push(cstring(flag("--module-fd", file.as_raw_fd().to_string())));
        args.extend([c"--argv0".into(), argv[0].clone()]);
        // Options end at the module path, so it must not look like one.
        let module = if module.to_bytes().starts_with(b"-") {
            CString::new([b"./", module.to_bytes()].concat()).expect("no NUL")
        } else {
            module.to_owned()
        };
        args.push(module);
        args.extend(argv[1..].iter().cloned());
        let host_env: Vec<CString> = std::env::vars_os()
            .filter_map(|(k, v)| CString::new([k.as_bytes(), b"=", v.as_bytes()].concat()).ok())
            .collect();
        (request.replacing)();
        execveat(libc::AT_FDCWD, c"/proc/self/exe", &args, &host_env, 0)
    }
}

/// An argument of the new Lamina: flags and paths hold no NUL.
fn cstring(arg: OsString) -> CString {
    CString::new(arg.into_vec()).unwrap_or_default()
}

/// The guest's environment as an env file in an inheritable memfd (`None`
/// when empty). The format holds one `NAME=value` per line, so entries
/// without a name or with a newline cannot be carried and are dropped, with
/// a warning; of repeated names the first is kept, the one `getenv` finds.
fn env_file(envp: &[CString]) -> Result<Option<OwnedFd>, Errno> {
    let (mut names, mut content, mut dropped) = (HashSet::new(), Vec::new(), 0);
    for var in envp {
        let var = var.as_bytes();
        match var.iter().position(|&b| b == b'=') {
            Some(eq) if eq > 0 && !var.contains(&b'\n') => {
                if names.insert(&var[..eq]) {
                    content.extend_from_slice(var);
                    content.push(b'\n');
                }
            }
            _ => dropped += 1,
        }
    }
    if dropped > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "lamina: warning: execve: {dropped} environment entries are not NAME=value lines and cannot reach a WALI \
             program; they were left out"
        );
    }
    if content.is_empty() {
        return Ok(None);
    }
    let memfd = memfd_with(&content).map_err(io_errno)?;
    inheritable(memfd.as_fd()).map(Some)
}

/// A copy of `fd` that survives exec, above the standard descriptors (the
/// new Lamina accepts no others), closed again if the exec fails.
fn inheritable(fd: BorrowedFd<'_>) -> Result<OwnedFd, Errno> {
    // rustix duplicates only with close-on-exec (`F_DUPFD_CLOEXEC`): the
    // copy's flag is cleared after.
    let copy = rustix::io::fcntl_dupfd_cloexec(fd, 3)?;
    rustix::io::fcntl_setfd(&copy, FdFlags::empty())?;
    Ok(copy)
}

fn io_errno(e: std::io::Error) -> Errno {
    Errno(e.raw_os_error().unwrap_or(libc::EIO))
}

/// A sandboxed guest's exec of a native program: never Lamina itself, which
/// the guest could otherwise start without the sandbox's own checks, nor a
/// shared library such as the dynamic loader (which runs any ELF file it is
/// given, past `--allow-exec`); the kernel must be able to execute those for
/// Lamina and the allowed programs. The program, opened once (`file`, under the sandbox's
/// rules), is checked, and that very file executed (`execveat`), with the
/// argv the scripts in front of it give, so nothing can be swapped in
/// between; Landlock decides whether it may run at all (`--allow-exec`).
fn exec_contained(file: OwnedFd, argv: &[CString], request: &ExecRequest<'_>) -> Errno {
    let id = |st: rustix::fs::Stat| (st.st_dev, st.st_ino);
    let target_id = match rustix::fs::fstat(&file) {
        Ok(st) => id(st),
        Err(e) => return Errno(e.raw_os_error()),
    };
    let file = std::fs::File::from(file);
    if runtime_files().iter().any(|f| rustix::fs::stat(f).is_ok_and(|st| id(st) == target_id))
        || elf::is_shared_library(&file)
    {
        return Errno::EACCES;
    }
    (request.replacing)();
    execveat(file.as_raw_fd(), c"", argv, request.envp, libc::AT_EMPTY_PATH)
}

/// The host's execveat; returns only on failure.
fn execveat(dirfd: RawFd, path: &CStr, argv: &[CString], envp: &[CString], flags: i32) -> Errno {
    let pointers = |v: &[CString]| v.iter().map(|s| s.as_ptr()).chain([std::ptr::null()]).collect::<Vec<_>>();
    let (argv, envp) = (pointers(argv), pointers(envp));
    // SAFETY: a descriptor or AT_FDCWD, and NUL-terminated strings in
    // NULL-terminated arrays, all alive for the call.
    unsafe { libc::syscall(libc::SYS_execveat, dirfd, path.as_ptr(), argv.as_ptr(), envp.as_ptr(), flags) };
    Errno::last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn parsed(line: &[u8]) -> Option<(String, Option<String>)> {
        let text = |c: CString| c.into_string().unwrap();
        shebang(line).map(|(name, arg)| (text(name), arg.map(text)))
    }

    fn some(name: &str, arg: Option<&str>) -> Option<(String, Option<String>)> {
        Some((name.into(), arg.map(String::from)))
    }

    #[test]
    fn shebang_lines_split_as_the_kernel_splits_them() {
        assert_eq!(parsed(b"#!/bin/sh\necho"), some("/bin/sh", None));
        assert_eq!(parsed(b"#! \t/usr/bin/env  python3 -u  \t\nx"), some("/usr/bin/env", Some("python3 -u")));
        assert_eq!(parsed(b"#!/tool.wasm"), some("/tool.wasm", None));
        assert_eq!(parsed(b"#!/a\0b\n"), some("/a", None));
        assert_eq!(parsed(b"#!/a b\0c\n"), some("/a", Some("b")));
    }

    #[test]
    fn shebang_lines_the_kernel_refuses() {
        assert_eq!(parsed(b"#!\n/bin/sh"), None);
        assert_eq!(parsed(b"#!   \t\n"), None);
        assert_eq!(parsed(b"#!"), None);
        assert_eq!(parsed(b"# /bin/sh\n"), None);
        // An interpreter name that may be cut off at 256 bytes.
        let long = [b"#!/".as_slice(), &[b'x'; 300]].concat();
        assert_eq!(parsed(&long), None);
    }

    #[test]
    fn a_long_argument_is_cut_at_the_buffer_end() {
        let line = [b"#!/bin/sh ".as_slice(), &[b'a'; 300]].concat();
        let (name, arg) = parsed(&line).unwrap();
        assert_eq!(name, "/bin/sh");
        assert_eq!(arg.unwrap().len(), HEAD - 1 - 10);
    }

    #[test]
    fn the_environment_file_keeps_first_definitions_and_drops_what_it_cannot_carry() {
        let envp = ["A=1", "B=x=y", "A=2", "NOEQUALS", "=v", "C=line\nbreak", "D="].map(|s| CString::new(s).unwrap());
        let fd = env_file(&envp).unwrap().unwrap();
        assert!(fd.as_raw_fd() > 2);
        assert!(!rustix::io::fcntl_getfd(&fd).unwrap().contains(FdFlags::CLOEXEC));
        let mut content = String::new();
        let mut file = std::fs::File::from(fd);
        std::io::Seek::rewind(&mut file).unwrap();
        file.read_to_string(&mut content).unwrap();
        assert_eq!(content, "A=1\nB=x=y\nD=\n");
        assert!(env_file(&[]).unwrap().is_none());
    }
}
