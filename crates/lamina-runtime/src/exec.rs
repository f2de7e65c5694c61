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
use std::ffi::{CStr, CString, OsStr, OsString};
use std::io::Read;
use std::io::Write as _;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use lamina_wali::{Errno, ExecRequest, Process, check_executable};
use rustix::fs::{Mode, OFlags};
use rustix::io::FdFlags;
use wasmtime::{Engine, Precompiled};

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
#[derive(Debug, PartialEq, Eq)]
enum Image {
    /// A WALI module or `.cwasm` artifact, to run with this argv.
    Module { path: CString, argv: Vec<CString> },
    /// A native ELF executable (possibly behind scripts), for the kernel;
    /// `file` is the ELF itself, run with `argv` (what the kernel builds from
    /// the scripts' `#!` lines).
    Native { file: CString, argv: Vec<CString> },
    /// Something Lamina does not recognise or cannot read: the kernel decides
    /// (`ENOEXEC`, unless a `binfmt_misc` handler takes it).
    Unknown,
}

/// Follows `path` through `#!` interpreters as the kernel would, to the file
/// that actually runs.
fn resolve(path: &CStr, argv: &[CString]) -> Result<Image, Errno> {
    let mut file = path.to_owned();
    // The kernel runs a program called with no arguments with argv = [""].
    let mut argv = if argv.is_empty() { vec![CString::default()] } else { argv.to_vec() };
    for _ in 0..=MAX_DEPTH {
        let Some(head) = read_head(&file) else { return Ok(Image::Unknown) };
        if head.starts_with(b"\0asm") || (head.starts_with(b"\x7fELF") && is_cwasm(&file)) {
            return Ok(Image::Module { path: file, argv });
        }
        if head.starts_with(b"\x7fELF") {
            return Ok(Image::Native { file, argv });
        }
        let Some((interpreter, arg)) = shebang(&head) else { return Ok(Image::Unknown) };
        // The kernel opens the interpreter as it opened the script.
        check_executable(&interpreter)?;
        argv = [interpreter.clone()].into_iter().chain(arg).chain([file]).chain(argv.into_iter().skip(1)).collect();
        file = interpreter;
    }
    Err(Errno::ELOOP)
}

/// The first bytes of `path`, or `None` if it cannot be read (the kernel
/// may still run it: execute permission does not need read permission).
fn read_head(path: &CStr) -> Option<Vec<u8>> {
    let file = std::fs::File::open(OsStr::from_bytes(path.to_bytes())).ok()?;
    let mut head = Vec::with_capacity(HEAD);
    file.take(HEAD as u64).read_to_end(&mut head).ok()?;
    Some(head)
}

/// Whether an ELF file is a precompiled module (`lamina compile`).
fn is_cwasm(path: &CStr) -> bool {
    matches!(Engine::detect_precompiled_file(OsStr::from_bytes(path.to_bytes())), Ok(Some(Precompiled::Module)))
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
        match resolve(request.path, request.argv) {
            Err(e) => e,
            Ok(Image::Module { path, argv }) => self.run_module(&path, &argv, request),
            Ok(Image::Native { file, argv }) if self.sandboxed => exec_contained(&file, &argv, request),
            Ok(image) => {
                // Whether the kernel will take it is known only once it has:
                // announce success only where it is all but certain.
                if matches!(image, Image::Native { .. }) {
                    (request.replacing)();
                }
                execve(request.path, request.argv, request.envp)
            }
        }
    }

    /// Executes Lamina on `module`, with `argv` and the caller's environment.
    fn run_module(&self, module: &CStr, argv: &[CString], request: &ExecRequest<'_>) -> Errno {
        let env = match env_file(request.envp) {
            Ok(env) => env,
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
        execve(c"/proc/self/exe", &args, &host_env)
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
/// the guest could otherwise start without the sandbox's own checks, nor the
/// dynamic loader or another file Lamina runs with (the loader runs any ELF
/// file it is given, past `--allow-exec`); the kernel must be able to execute
/// those for Lamina. The program is opened once, checked, and that very file
/// executed (`execveat`), with the argv the scripts in front of it give, so
/// nothing can be swapped in between; Landlock decides whether it may run at
/// all (`--allow-exec`).
fn exec_contained(file: &CStr, argv: &[CString], request: &ExecRequest<'_>) -> Errno {
    let target = match rustix::fs::open(file, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return Errno(e.raw_os_error()),
    };
    let id = |st: rustix::fs::Stat| (st.st_dev, st.st_ino);
    let target_id = match rustix::fs::fstat(&target) {
        Ok(st) => id(st),
        Err(e) => return Errno(e.raw_os_error()),
    };
    if runtime_files().iter().any(|f| rustix::fs::stat(f).is_ok_and(|st| id(st) == target_id)) {
        return Errno::EACCES;
    }
    (request.replacing)();
    let pointers = |v: &[CString]| v.iter().map(|s| s.as_ptr()).chain([std::ptr::null()]).collect::<Vec<_>>();
    let (argv, envp) = (pointers(argv), pointers(request.envp));
    // SAFETY: an open descriptor, an empty path with AT_EMPTY_PATH, and
    // NUL-terminated strings in NULL-terminated arrays, alive for the call.
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            target.as_raw_fd(),
            c"".as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    Errno::last()
}

/// The host's execve; returns only on failure.
fn execve(path: &CStr, argv: &[CString], envp: &[CString]) -> Errno {
    let pointers = |v: &[CString]| v.iter().map(|s| s.as_ptr()).chain([std::ptr::null()]).collect::<Vec<_>>();
    let (argv, envp) = (pointers(argv), pointers(envp));
    // SAFETY: NUL-terminated strings in NULL-terminated arrays, all alive
    // for the call.
    unsafe { libc::execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    Errno::last()
}

#[cfg(test)]
mod tests {
    use super::*;

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
