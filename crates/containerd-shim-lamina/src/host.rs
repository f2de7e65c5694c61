//! The host's files Lamina needs inside containers, opened by the shim's
//! server process before it creates any container, and how Lamina is
//! executed there.
//!
//! A container's process sees the image's root file system only, but it is a
//! clone of the shim's server process (youki's libcontainer forks and sets
//! the container up in the child; it executes nothing) and inherits its
//! descriptors: libcontainer marks them close-on-exec rather than closing
//! them. So the shim opens here what Lamina needs from the host — its own
//! binary, the compile cache directory, the operator's policy, the WASI
//! layer. The container's process executes the binary, the last three
//! handed down (`--cache-dir-fd`, `--policy-fd`, `--wasi-layer-fd`: the
//! only descriptors beyond stdio left open across the exec); Lamina uses
//! them while it loads the module and closes them before the guest starts:
//! a guest never holds a descriptor of the host's file system, which would
//! let it out of the container's root. A native container run by the
//! fallback executes its entrypoint, which closes them all.

use std::ffi::{CString, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt as _;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow};
use rustix::fs::{Mode, OFlags};
use rustix::io::FdFlags;

/// The compile cache when `$LAMINA_SHIM_CACHE_DIR` does not name another
/// (set and empty: no cache).
const CACHE_DIR: &str = "/var/cache/lamina/containerd";
/// The policy every container runs under, when the file exists and
/// `$LAMINA_SHIM_POLICY` does not name another.
const POLICY: &str = "/etc/lamina/containerd-policy.toml";

/// What the server process opened, for every container it creates.
#[derive(Default)]
pub struct HostFiles {
    /// This binary (`/proc/self/exe` of the server, as a path-only
    /// descriptor: the container's /proc shows the container's own).
    exe: Option<OwnedFd>,
    cache_dir: Option<OwnedFd>,
    policy: Option<OwnedFd>,
    wasi_layer: Option<OwnedFd>,
}

static FILES: OnceLock<HostFiles> = OnceLock::new();

/// Opens the host's files (once; every descriptor close-on-exec). A policy
/// that is configured but cannot be opened is an error: containers would
/// otherwise run without it. A cache directory that cannot be made or
/// opened only costs compilations, and a missing WASI layer only WASI
/// programs (Lamina says what is missing when one is run).
pub fn open() -> Result<()> {
    let cache_dir = match std::env::var_os("LAMINA_SHIM_CACHE_DIR") {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => open_cache_dir(Path::new(&dir)),
        None => open_cache_dir(Path::new(CACHE_DIR)),
    };
    let policy = match std::env::var_os("LAMINA_SHIM_POLICY").map(PathBuf::from) {
        Some(file) => Some(
            open_file(&file).with_context(|| format!("the policy $LAMINA_SHIM_POLICY names, {}", file.display()))?,
        ),
        None if Path::new(POLICY).exists() => {
            Some(open_file(Path::new(POLICY)).with_context(|| format!("the policy {POLICY}"))?)
        }
        None => None,
    };
    let wasi_layer = lamina_runtime::wasi_layer_path().ok().and_then(|path| open_file(&path).ok());
    let exe = rustix::fs::open("/proc/self/exe", OFlags::PATH | OFlags::CLOEXEC, Mode::empty())
        .context("cannot open this shim's own binary (/proc/self/exe)")?;
    let _ = FILES.set(HostFiles { exe: Some(exe), cache_dir, policy, wasi_layer });
    Ok(())
}

/// The files [`open`] opened (none if it was not called).
pub fn files() -> &'static HostFiles {
    FILES.get_or_init(HostFiles::default)
}

impl HostFiles {
    /// Executes this binary as `lamina run ARGS...`, with no environment
    /// (the guest's is in `args`) and the files of [`HostFiles::flags`]
    /// open across the exec; returns only if that failed.
    pub fn execute_lamina(&self, args: &[OsString]) -> anyhow::Error {
        let Some(exe) = &self.exe else { return anyhow!("the shim's server did not open its own binary") };
        for fd in [&self.cache_dir, &self.policy, &self.wasi_layer].into_iter().flatten() {
            if let Err(e) = rustix::io::fcntl_setfd(fd, FdFlags::empty()) {
                return anyhow!("cannot hand a host file down to Lamina: {e}");
            }
        }
        let argv: Vec<CString> = ["lamina".into(), "run".into()]
            .into_iter()
            .chain(args.iter().cloned())
            .map(|arg: OsString| CString::new(arg.into_vec()).unwrap_or_default())
            .collect();
        let mut pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        pointers.push(std::ptr::null());
        let environment: [*const libc::c_char; 1] = [std::ptr::null()];
        // SAFETY: a path-only descriptor of this binary, NUL-terminated
        // arrays of NUL-terminated strings that outlive the call; execveat
        // returns only on failure.
        unsafe {
            libc::syscall(
                libc::SYS_execveat,
                exe.as_fd().as_raw_fd(),
                c"".as_ptr(),
                pointers.as_ptr(),
                environment.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        anyhow!("cannot execute Lamina: {}", std::io::Error::last_os_error())
    }

    /// Lamina's flags that hand these files down.
    pub fn flags(&self) -> Vec<OsString> {
        let number = |fd: &Option<OwnedFd>| fd.as_ref().map(AsRawFd::as_raw_fd);
        let flag = |name: &str, fd: Option<RawFd>| fd.map(|fd| OsString::from(format!("{name}={fd}")));
        let cache = flag("--cache-dir-fd", number(&self.cache_dir)).unwrap_or_else(|| "--no-cache".into());
        [Some(cache), flag("--policy-fd", number(&self.policy)), flag("--wasi-layer-fd", number(&self.wasi_layer))]
            .into_iter()
            .flatten()
            .collect()
    }

    /// Whether the operator configured a policy for every container.
    pub fn has_policy(&self) -> bool {
        self.policy.is_some()
    }
}

/// The cache directory, made (readable by root alone: it holds native code
/// that runs unchecked) if it does not exist.
fn open_cache_dir(dir: &Path) -> Option<OwnedFd> {
    let made = std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir);
    let opened = made.and_then(|()| {
        rustix::fs::open(dir, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).map_err(Into::into)
    });
    opened.inspect_err(|e| eprintln!("lamina shim: no compile cache in {}: {e}", dir.display())).ok()
}

fn open_file(path: &Path) -> Result<OwnedFd> {
    Ok(rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?)
}
