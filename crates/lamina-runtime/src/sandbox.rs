//! Entering a sandbox: the kernel enforces the policy (Landlock) on this
//! process before guest code runs, so it binds the runtime acting for the
//! guest as well, and every fork and exec inherits it. What Landlock cannot
//! express is checked by the syscall layer on private copies of the guest's
//! arguments ([`Policy`]).
//!
//! Landlock, as the kernel enforces it here (ABI 6 or later):
//! - files: every access right is handled; a `--dir` grants them all but
//!   execution beneath it, a `--ro-dir` reading files and listing
//!   directories. The defaults a program needs anyway: reading the module
//!   itself, `/dev/null` (also writing), `/dev/zero`, `/dev/random`,
//!   `/dev/urandom`, and the terminal (`/dev/tty` and the one on the standard
//!   descriptors). For Lamina itself: reading and executing its own binary
//!   and reading the shared libraries it runs with (a guest that executes a
//!   WALI module is run by Lamina executing itself). `--allow-exec` programs
//!   may be read and executed, with the dynamic loader each names and the
//!   shared libraries it needs read; without a list, those of the system's
//!   program and library directories (`/bin`, `/usr/bin`, `/lib`, …). A
//!   shared library (the loader among them) is never executed directly
//!   (`exec::exec_contained`).
//! - TCP: binding and connecting are handled, allowed for the ports of the
//!   `--allow-net` addresses (all of them without a list); the syscall
//!   layer checks the addresses themselves, and UDP.
//! - scopes: signals reach only processes of the sandbox (the program and
//!   its descendants), and abstract Unix sockets likewise.
//!
//! Then a seccomp filter (`seccomp.rs`), also inherited, refuses what no
//! guest needs and the socket families a policy never allows.

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use lamina_wali::{Allow, DirGrant, Policy};
use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope,
};
use wasmtime::{Result, bail, format_err};

use crate::elf;
use crate::options::SandboxOptions;
use crate::seccomp;
use crate::view::{self, Exposure};

/// The Landlock ABI whose rights the sandbox needs (file rights, TCP ports,
/// signal and abstract-socket scoping).
const ABI_NEEDED: ABI = ABI::V6;

/// What mapping directories at other paths needs before the process has
/// threads: a user namespace, unless privileged.
pub(crate) fn prepare_view() -> Result<()> {
    if rustix::process::geteuid().is_root() { Ok(()) } else { view::enter_user_namespace() }
}

/// Restricts this process as `options` say, for good, and returns the
/// policy the syscall layer checks.
pub(crate) fn enter(options: &SandboxOptions, module: &Path) -> Result<Policy> {
    if options.inherited {
        // Started by a sandboxed guest's exec, inside its view of the file
        // system: the kernel part is this process's already. Another layer
        // would also scope signals anew, cutting the guest off from the
        // processes it came from.
        if !options.best_effort && std::fs::File::open("/proc/self/status").is_ok() {
            bail!("--sandbox-inherited: this process is not confined by the kernel; it is for Lamina's own use");
        }
        let mut dirs = vec![];
        for d in &options.dirs {
            let path = std::fs::canonicalize(&d.guest)
                .map_err(|e| format_err!("--sandbox-inherited: {}: {e}", d.guest.display()))?;
            dirs.push((path.clone(), path, d.writable));
        }
        return policy(options, dirs.into_iter());
    }
    let dirs = granted_dirs(options)?;
    let policy = policy(options, dirs.iter().cloned())?;
    let module = std::fs::canonicalize(module)?;
    let rules = file_rules(&policy, &module);
    if options.maps_directories() {
        view::enter(&exposures(&dirs, &rules), &working_directory(&dirs))?;
    }
    let compat = if options.best_effort { CompatLevel::BestEffort } else { CompatLevel::HardRequirement };
    let status = restrict(&policy, &rules, compat).map_err(|e| {
        format_err!("cannot enter the sandbox: {e} (the kernel must support Landlock ABI 6 or later; --sandbox=best-effort runs without it)")
    })?;
    seccomp::install(policy.exec != Allow::Nothing)?;
    match status {
        RulesetStatus::FullyEnforced => {}
        _ if options.best_effort => eprintln!(
            "lamina: warning: this kernel does not enforce the whole sandbox (Landlock is missing or too old): \
             only the syscall layer's own checks apply (socket families, IP addresses, Unix socket paths)"
        ),
        _ => bail!("the kernel does not enforce the whole sandbox (Landlock ABI 6 or later is needed)"),
    }
    Ok(policy)
}

/// The granted directories: host path (canonical, checked), the path the
/// guest sees it at, writable.
fn granted_dirs(options: &SandboxOptions) -> Result<Vec<(PathBuf, PathBuf, bool)>> {
    let mut dirs = vec![];
    for d in &options.dirs {
        let host = std::fs::canonicalize(&d.host)
            .map_err(|e| format_err!("cannot give the program {}: {e}", d.host.display()))?;
        if !host.is_dir() {
            bail!("{} is not a directory (--dir and --ro-dir take directories)", d.host.display());
        }
        // Without a guest path of its own, the directory is where it is.
        let path = if d.is_mapped() { d.guest.clone() } else { host.clone() };
        dirs.push((host, path, d.writable));
    }
    Ok(dirs)
}

/// The policy for directories given as (host, path in this process's view,
/// writable), the other paths made canonical and checked for existence.
fn policy(options: &SandboxOptions, dirs: impl Iterator<Item = (PathBuf, PathBuf, bool)>) -> Result<Policy> {
    let dirs = dirs.map(|(_, path, writable)| DirGrant { path, writable }).collect();
    let exec = match &options.exec {
        // An absolute path stays as given, which the guest's own view of the
        // file system then shows (with the links on the way: /bin → usr/bin).
        Allow::Only(paths) => Allow::Only(
            paths
                .iter()
                .map(|p| {
                    let canonical =
                        std::fs::canonicalize(p).map_err(|e| format_err!("--allow-exec {}: {e}", p.display()))?;
                    Ok(if p.is_absolute() { p.clone() } else { canonical })
                })
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    };
    Ok(Policy { dirs, net: options.net.clone(), exec })
}

/// What the guest's own view of the file system holds: every granted
/// directory at its guest path, everything else Landlock grants at its own
/// path, and `/proc`.
fn exposures(dirs: &[(PathBuf, PathBuf, bool)], rules: &[(PathBuf, BitFlags<AccessFs>)]) -> Vec<Exposure> {
    let mapped = dirs.iter().map(|(host, path, _)| Exposure { host: host.clone(), path: path.clone() });
    let others = rules
        .iter()
        .filter(|(path, _)| !dirs.iter().any(|(_, granted, _)| granted == path) && path.exists())
        .map(|(path, _)| Exposure::same(path));
    mapped.chain(others).chain([Exposure::same("/proc")]).collect()
}

/// Where the guest starts in its view: the working directory's place in a
/// granted directory, or `/`.
fn working_directory(dirs: &[(PathBuf, PathBuf, bool)]) -> PathBuf {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).unwrap_or_default();
    dirs.iter()
        .filter_map(|(host, path, _)| cwd.strip_prefix(host).ok().map(|rest| (host, path.join(rest))))
        .max_by_key(|(host, _)| host.components().count())
        .map_or_else(|| PathBuf::from("/"), |(_, inside)| inside)
}

fn restrict(
    policy: &Policy,
    rules: &[(PathBuf, BitFlags<AccessFs>)],
    compat: CompatLevel,
) -> Result<RulesetStatus, landlock::RulesetError> {
    let mut ruleset = Ruleset::default().set_compatibility(compat).handle_access(AccessFs::from_all(ABI_NEEDED))?;
    let net_handled = policy.net != Allow::All;
    if net_handled {
        ruleset = ruleset.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)?;
    }
    let mut created = ruleset.scope(Scope::Signal | Scope::AbstractUnixSocket)?.create()?;
    for (path, access) in rules {
        // Defaults that are not there (no terminal, say) are simply not granted.
        if let Ok(fd) = PathFd::new(path) {
            let access = *access;
            let access = if path.is_dir() { access } else { access & AccessFs::from_file(ABI_NEEDED) };
            created = created.add_rule(PathBeneath::new(fd, access))?;
        }
    }
    if let (true, Allow::Only(addrs)) = (net_handled, &policy.net) {
        for addr in addrs {
            created = created.add_rule(NetPort::new(addr.port(), AccessNet::BindTcp | AccessNet::ConnectTcp))?;
        }
    }
    Ok(created.restrict_self()?.ruleset)
}

/// Every file or directory the sandbox grants, and how, by its path in the
/// guest's view.
fn file_rules(policy: &Policy, module: &Path) -> Vec<(PathBuf, BitFlags<AccessFs>)> {
    let all = AccessFs::from_all(ABI_NEEDED);
    let read = AccessFs::ReadFile | AccessFs::ReadDir;
    let run = AccessFs::ReadFile | AccessFs::Execute;
    // Everything but executing native programs and making device nodes (as
    // root a guest could otherwise make and open a disk's node in its
    // directory: found by tools/fuzz).
    let writable = all & !(AccessFs::Execute | AccessFs::MakeChar | AccessFs::MakeBlock);
    let mut rules: Vec<(PathBuf, BitFlags<AccessFs>)> =
        policy.dirs.iter().map(|d| (d.path.clone(), if d.writable { writable } else { read })).collect();
    rules.push((module.to_path_buf(), AccessFs::ReadFile.into()));
    rules.push(("/dev/null".into(), AccessFs::ReadFile | AccessFs::WriteFile));
    rules.extend(["/dev/zero", "/dev/random", "/dev/urandom"].map(|d| (PathBuf::from(d), AccessFs::ReadFile.into())));
    rules.extend(terminals().into_iter().map(|t| (t, AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::IoctlDev)));
    // The kernel opens the dynamic loader for execution too when it starts
    // Lamina again; the guest itself may execute none of these
    // (`exec::exec_contained`).
    rules.extend(runtime_files().into_iter().map(|f| (f, run)));
    match &policy.exec {
        Allow::Nothing => {}
        // The kernel must read what it executes: the system's program and
        // library directories, nothing else.
        Allow::All => rules.extend(SYSTEM_PROGRAMS.iter().map(|d| (PathBuf::from(d), run))),
        // Each program with the loader the kernel executes for it and the
        // libraries the loader reads.
        Allow::Only(paths) => {
            for program in paths {
                let (loader, libraries) = elf::program_dependencies(program);
                rules.extend([Some(program.clone()), loader].into_iter().flatten().map(|p| (p, run)));
                rules.extend(libraries.into_iter().map(|l| (l, AccessFs::ReadFile.into())));
            }
        }
    }
    rules
}

/// What `--allow-exec` without a list grants: the programs of the standard
/// directories and the libraries they load.
const SYSTEM_PROGRAMS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/libexec",
    "/lib",
    "/lib32",
    "/lib64",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/local/lib",
];

/// `/dev/tty` and the terminal the standard descriptors are on, if any.
fn terminals() -> Vec<PathBuf> {
    let mut ttys = vec![PathBuf::from("/dev/tty")];
    for fd in 0..3 {
        if let Ok(path) = std::fs::read_link(format!("/proc/self/fd/{fd}"))
            && path.starts_with("/dev/pts/")
            && !ttys.contains(&path)
        {
            ttys.push(path);
        }
    }
    ttys
}

/// Lamina's own binary, the loader's cache and the shared libraries it runs
/// with if it is dynamically linked (the C library, the loader, …) as the
/// loader names them:
/// what Lamina needs to start again when a guest executes a WALI module.
/// Asked of the loader, not read from `/proc`, which a Lamina started inside
/// the sandbox cannot read.
pub(crate) fn runtime_files() -> Vec<PathBuf> {
    unsafe extern "C" fn collect(info: *mut libc::dl_phdr_info, _size: usize, data: *mut libc::c_void) -> libc::c_int {
        // SAFETY: `data` is the vector `runtime_libraries` passes, borrowed
        // for the call; `info` is the loader's record of one object, whose
        // name is NULL or a NUL-terminated string.
        let (libraries, name) = unsafe { (&mut *data.cast::<Vec<PathBuf>>(), (*info).dlpi_name) };
        if !name.is_null() {
            // SAFETY: as above.
            let name = unsafe { CStr::from_ptr(name) }.to_bytes();
            // The executable and the vDSO have no path.
            if name.starts_with(b"/") {
                libraries.push(PathBuf::from(OsStr::from_bytes(name)));
            }
        }
        0
    }
    let exe = std::fs::canonicalize("/proc/self/exe").unwrap_or_default();
    let mut libraries = vec![exe, PathBuf::from("/etc/ld.so.cache")];
    // SAFETY: `collect` matches the callback type and only touches the vector.
    unsafe { libc::dl_iterate_phdr(Some(collect), (&raw mut libraries).cast()) };
    libraries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::DirOption;

    fn dir(host: &str, guest: &str, writable: bool) -> DirOption {
        DirOption { host: host.into(), guest: guest.into(), writable }
    }

    #[test]
    fn directories_are_canonical_and_must_exist() {
        let tmp = std::env::temp_dir();
        let dot = format!("{}/.", tmp.display());
        let options = SandboxOptions { dirs: vec![dir(&dot, &dot, true)], ..Default::default() };
        let dirs = granted_dirs(&options).unwrap();
        let canonical = std::fs::canonicalize(&tmp).unwrap();
        assert_eq!(dirs, [(canonical.clone(), canonical.clone(), true)]);
        let missing = SandboxOptions { dirs: vec![dir("/no/such/dir", "/no/such/dir", false)], ..Default::default() };
        assert!(granted_dirs(&missing).unwrap_err().to_string().contains("/no/such/dir"));
        // A mapped directory is granted at its guest path.
        let mapped = SandboxOptions { dirs: vec![dir(&dot, "/data", false)], ..Default::default() };
        let dirs = granted_dirs(&mapped).unwrap();
        assert_eq!(dirs, [(canonical.clone(), "/data".into(), false)]);
        let p = policy(&mapped, dirs.iter().cloned()).unwrap();
        assert_eq!(p.dirs, [DirGrant { path: "/data".into(), writable: false }]);
        let exec = SandboxOptions { exec: Allow::Only(vec!["/no/such/tool".into()]), ..Default::default() };
        assert!(policy(&exec, std::iter::empty()).unwrap_err().to_string().contains("--allow-exec"));
    }

    #[test]
    fn the_view_holds_the_mapped_directories_and_everything_else_at_its_own_path() {
        let tmp = std::fs::canonicalize(std::env::temp_dir()).unwrap();
        let dirs = [(tmp.clone(), PathBuf::from("/data"), true)];
        let p = Policy { dirs: vec![DirGrant { path: "/data".into(), writable: true }], ..Default::default() };
        let rules = file_rules(&p, Path::new("/dev/null"));
        let exposed = exposures(&dirs, &rules);
        assert!(exposed.contains(&Exposure { host: tmp.clone(), path: "/data".into() }));
        assert!(exposed.contains(&Exposure::same("/dev/null")) && exposed.contains(&Exposure::same("/proc")));
        assert!(!exposed.iter().any(|e| e.host == Path::new("/data")), "the guest path is not a host path");
    }

    #[test]
    fn the_defaults_and_the_runtimes_own_files_are_granted() {
        let p = Policy { dirs: vec![], net: Allow::Nothing, exec: Allow::Nothing };
        let rules = file_rules(&p, Path::new("/m.wasm"));
        let granted = |path: &str| rules.iter().find(|(p, _)| p == Path::new(path)).map(|(_, a)| *a);
        assert_eq!(granted("/m.wasm"), Some(AccessFs::ReadFile.into()));
        assert!(granted("/etc/ld.so.cache").is_some());
        assert_eq!(granted("/dev/null"), Some(AccessFs::ReadFile | AccessFs::WriteFile));
        assert!(granted("/dev/urandom").is_some());
        assert!(granted("/").is_none(), "nothing else without a grant");
        let exe = std::fs::canonicalize("/proc/self/exe").unwrap();
        assert!(rules.iter().any(|(p, a)| *p == exe && a.contains(AccessFs::Execute)));
        // Past the binary and the loader's cache, the shared libraries: none
        // in a static build, those the loader reports in a dynamic one.
        for library in runtime_files().into_iter().skip(2) {
            assert!(rules.iter().any(|(p, _)| *p == library), "{library:?} the runtime runs with: {rules:?}");
        }
        // A listed program comes with its loader (executable) and libraries.
        let true_ = Policy { exec: Allow::Only(vec!["/bin/true".into()]), ..p.clone() };
        let rules = file_rules(&true_, Path::new("/m.wasm"));
        let (loader, libraries) = elf::program_dependencies(Path::new("/bin/true"));
        let loader = loader.unwrap();
        assert!(rules.iter().any(|(p, a)| *p == loader && a.contains(AccessFs::Execute)), "{rules:?}");
        let libc = libraries.iter().find(|l| l.ends_with("libc.so.6")).unwrap();
        assert!(rules.iter().any(|(p, a)| p == libc && *a == AccessFs::ReadFile), "{rules:?}");
        let writable = Policy { dirs: vec![DirGrant { path: "/srv".into(), writable: true }], ..p };
        let (_, access) = &file_rules(&writable, Path::new("/m.wasm"))[0];
        assert!(access.contains(AccessFs::MakeReg) && !access.contains(AccessFs::Execute), "no native exec in --dir");
        assert!(access.contains(AccessFs::MakeFifo), "mkfifo in --dir");
        assert!(!access.contains(AccessFs::MakeChar) && !access.contains(AccessFs::MakeBlock), "no device nodes");
    }
}
