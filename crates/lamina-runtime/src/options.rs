//! What a run is asked to do: the options of `lamina run`, and the flags
//! that carry them over to a new Lamina when the guest executes a WALI
//! module (the relaunch protocol: [`RunOptions::carried_flags`] writes them,
//! [`RunOptions::parse_flag`] reads them, for the CLI too).

use std::ffi::{OsStr, OsString};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;

use lamina_wali::Allow;
use serde::Deserialize;

use crate::cache::CacheMode;
use crate::engine::EngineOptions;
use crate::engine::SafePoints;
use crate::env::EnvOptions;
use crate::fds::read_inherited;

/// Where `--strace` output goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StraceOutput {
    #[default]
    Stderr,
    /// A file, created afresh.
    File(PathBuf),
    /// An inherited descriptor, taken over: after an `execve` the trace goes
    /// on in the same open file.
    Fd(RawFd),
}

/// Where `--strace` output goes and what it contains.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StraceOptions {
    pub output: StraceOutput,
    /// One line per call.
    pub lines: bool,
    /// The summary table at exit.
    pub summary: bool,
    /// The traced program's first process, whose lines carry no `[pid N]`
    /// prefix (default: this one; kept across `execve`).
    pub root_pid: Option<u32>,
}

/// Everything `lamina run` needs.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The module (`.wasm` or `.cwasm`), also the guest's `argv[0]` as given.
    pub module: PathBuf,
    /// A descriptor to read the module from instead (`--module-fd`, handed
    /// down by the Lamina that executed it; `module` then only names it).
    pub module_fd: Option<RawFd>,
    /// A descriptor to read the WASI layer from (`--wasi-layer-fd`, handed
    /// down by a containerd shim: the container's root has no layer).
    pub wasi_layer_fd: Option<RawFd>,
    /// The guest's `argv[0]` instead of the module path (what the caller of
    /// `execve` passed).
    pub argv0: Option<OsString>,
    /// The guest's argv[1..].
    pub args: Vec<OsString>,
    pub env: EnvOptions,
    pub strace: Option<StraceOptions>,
    pub engine: EngineOptions,
    pub cache: CacheMode,
    /// 0: quiet; 1: load/compile information; 2: also every import binding.
    pub verbose: u8,
    /// `--profile=perfmap`: name the compiled functions for `perf`
    /// (`/tmp/perf-PID.map`).
    pub perf_map: bool,
    /// The sandbox, if any flag or policy file asked for one; without one
    /// the guest has the authority of the user who runs it.
    pub sandbox: Option<SandboxOptions>,
    pub limits: Limits,
}

/// What a sandboxed guest may reach (`--dir`, `--ro-dir`, `--allow-net`,
/// `--allow-exec`, `--policy`, `--sandbox`); everything else is denied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SandboxOptions {
    pub dirs: Vec<DirOption>,
    /// TCP and UDP addresses to bind, connect or send to.
    pub net: Allow<SocketAddr>,
    /// Native programs the guest may execute.
    pub exec: Allow<PathBuf>,
    /// `--sandbox=best-effort`: where the kernel cannot enforce the policy
    /// (no Landlock), run with the syscall layer's own checks only, and say
    /// so, instead of refusing to start.
    pub best_effort: bool,
    /// Lamina started by a sandboxed guest's exec: the kernel's part of the
    /// sandbox is inherited, and only the syscall layer's is set up again
    /// (`--sandbox-inherited`, which Lamina passes itself and checks).
    pub inherited: bool,
}

/// `--dir HOST[::GUEST]` or `--ro-dir`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirOption {
    pub host: PathBuf,
    /// Where the guest sees it; the host path unless given.
    pub guest: PathBuf,
    pub writable: bool,
}

/// Resource limits, with or without a sandbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of linear memory (the module's own maximum lowered to it).
    pub max_memory: Option<u64>,
    /// Guest threads alive at once, the main thread included.
    pub max_threads: Option<u32>,
    /// Seconds of CPU time (`RLIMIT_CPU`: SIGXCPU, then SIGKILL a second later).
    pub max_cpu: Option<u64>,
}

impl RunOptions {
    /// Options for running `module` with everything else as by default.
    pub fn new(module: PathBuf) -> RunOptions {
        RunOptions {
            module,
            module_fd: None,
            wasi_layer_fd: None,
            argv0: None,
            args: vec![],
            env: EnvOptions::default(),
            strace: None,
            engine: EngineOptions::default(),
            cache: CacheMode::default_dir(),
            verbose: 0,
            perf_map: false,
            sandbox: None,
            limits: Limits::default(),
        }
    }

    /// The flags that start a new Lamina with the options of this run that
    /// carry over an `execve` (stack size, safe points, cache, verbosity,
    /// profiling, strace and the process it follows). A relative cache directory is
    /// made absolute: the new image may run elsewhere.
    pub fn carried_flags(&self) -> Vec<OsString> {
        let mut flags = vec![flag("--stack-size", self.engine.stack_size.to_string())];
        if self.engine.safe_points == SafePoints::Omitted {
            flags.push(flag("--no-safe-points", ""));
        }
        flags.push(match &self.cache {
            // A sandboxed guest never reaches the cache (it could plant
            // compiled code for later runs): a module it executes is compiled.
            CacheMode::Dir(_) if self.sandbox.is_some() => flag("--no-cache", ""),
            CacheMode::Dir(dir) => flag("--cache-dir", std::path::absolute(dir).unwrap_or_else(|_| dir.clone())),
            // (Its descriptor is closed before the guest starts.)
            CacheMode::Inherited(_) | CacheMode::Disabled => flag("--no-cache", ""),
        });
        if let Some(sandbox) = &self.sandbox {
            flags.extend(sandbox.flags());
        }
        flags.extend(self.limits.flags());
        if self.verbose > 0 {
            flags.push(flag("-v", self.verbose.to_string()));
        }
        if self.perf_map {
            flags.push(flag("--profile", "perfmap"));
        }
        if let Some(strace) = &self.strace {
            if strace.lines {
                flags.push(flag("--strace", ""));
            }
            if strace.summary {
                flags.push(flag("--strace-summary", ""));
            }
            let root = strace.root_pid.unwrap_or_else(std::process::id);
            flags.push(flag("--strace-pid", root.to_string()));
        }
        flags
    }

    /// Applies `arg` if it is one of the flags `carried_flags` writes, or one
    /// of the descriptor and `argv[0]` flags the relaunch adds (`--strace-fd`,
    /// `--env-fd`, `--module-fd`, `--argv0`), or a user's spelling of them (`--strace=FILE`,
    /// `-vv`, …): `Ok(true)`. A flag's value is after `=` or, for flags that
    /// need one, the next argument, taken from `rest`. `Ok(false)`: not one
    /// of these flags.
    pub fn parse_flag(&mut self, arg: &str, rest: &mut impl Iterator<Item = OsString>) -> Result<bool, String> {
        if let Some(v) = value_of(arg, "--argv0", rest) {
            self.argv0 = Some(v?);
        } else if let Some(v) = value_of(arg, "--cache-dir", rest) {
            self.cache = CacheMode::Dir(v?.into());
        } else if let Some(v) = value_of(arg, "--cache-dir-fd", rest) {
            self.cache = CacheMode::Inherited(inherited_fd(&v?, "--cache-dir-fd")?);
        } else if let Some(v) = value_of(arg, "--module-fd", rest) {
            self.module_fd = Some(inherited_fd(&v?, "--module-fd")?);
        } else if let Some(v) = value_of(arg, "--wasi-layer-fd", rest) {
            self.wasi_layer_fd = Some(inherited_fd(&v?, "--wasi-layer-fd")?);
        } else if let Some(v) = value_of(arg, "--env-fd", rest) {
            self.env.vars.extend(take_env(inherited_fd(&v?, "--env-fd")?)?);
        } else if let Some(v) = value_of(arg, "--strace-fd", rest) {
            self.strace_options().output = StraceOutput::Fd(inherited_fd(&v?, "--strace-fd")?);
        } else if let Some(v) = value_of(arg, "--strace-pid", rest) {
            let pid = v?.to_str().and_then(|s| s.parse().ok()).ok_or("--strace-pid needs a process id")?;
            self.strace_options().root_pid = Some(pid);
        } else if let Some(v) = value_of(arg, "--profile", rest) {
            // (wasmtime's jitdump and vtune need code in the runtime that
            // Lamina is not built with.)
            let v = v?;
            if v != "perfmap" {
                let v = v.to_string_lossy();
                return Err(format!("--profile={v}: not supported; Lamina writes perf maps (--profile=perfmap)"));
            }
            self.perf_map = true;
        } else if let Some(v) = value_of(arg, "--stack-size", rest) {
            self.engine.stack_size = stack_size(&v?)?;
        } else if let Some(v) = value_of(arg, "--dir", rest) {
            self.sandbox_options().dirs.push(DirOption::parse(&v?, true)?);
        } else if let Some(v) = value_of(arg, "--ro-dir", rest) {
            self.sandbox_options().dirs.push(DirOption::parse(&v?, false)?);
        } else if let Some(v) = value_of(arg, "--policy", rest) {
            let file = PathBuf::from(v?);
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            PolicyFile::parse(&text, &file)?.apply(self)?;
        } else if let Some(v) = value_of(arg, "--policy-fd", rest) {
            let fd = inherited_fd(&v?, "--policy-fd")?;
            let text = String::from_utf8(read_inherited(fd).map_err(|e| format!("--policy-fd: {e}"))?)
                .map_err(|_| "--policy-fd: the policy is not UTF-8 text")?;
            // Relative paths in it are relative to the working directory.
            PolicyFile::parse(&text, Path::new("(policy from --policy-fd)"))?.apply(self)?;
        } else if let Some(v) = value_of(arg, "--max-memory", rest) {
            self.limits.max_memory =
                Some(size(&v?).ok_or("--max-memory needs a byte count (K/M/G suffixes accepted)")?);
        } else if let Some(v) = value_of(arg, "--max-threads", rest) {
            self.limits.max_threads = Some(
                v?.to_str()
                    .and_then(|s| s.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--max-threads needs a number above 0")?,
            );
        } else if let Some(v) = value_of(arg, "--max-cpu", rest) {
            self.limits.max_cpu = Some(
                v?.to_str()
                    .and_then(|s| s.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--max-cpu needs a number of seconds")?,
            );
        } else if arg == "--allow-net" || arg.starts_with("--allow-net=") {
            let net = match arg.strip_prefix("--allow-net=") {
                Some(list) => Allow::Only(socket_addresses(list.split(','))?),
                None => Allow::All,
            };
            self.sandbox_options().net.grant(net);
        } else if arg == "--allow-exec" || arg.starts_with("--allow-exec=") {
            let exec = match arg.strip_prefix("--allow-exec=") {
                Some(list) => Allow::Only(list.split(',').map(PathBuf::from).collect()),
                None => Allow::All,
            };
            self.sandbox_options().exec.grant(exec);
        } else if arg == "--sandbox" {
            self.sandbox_options();
        } else if arg == "--sandbox=best-effort" {
            self.sandbox_options().best_effort = true;
        } else if arg == "--sandbox-inherited" {
            self.sandbox_options().inherited = true;
        } else if arg == "--strace" || arg.starts_with("--strace=") {
            let t = self.strace_options();
            t.lines = true;
            if let Some(file) = arg.strip_prefix("--strace=") {
                t.output = StraceOutput::File(file.into());
            }
        } else if arg == "--strace-summary" || arg.starts_with("--strace-summary=") {
            let t = self.strace_options();
            t.summary = true;
            if let Some(file) = arg.strip_prefix("--strace-summary=") {
                t.output = StraceOutput::File(file.into());
            }
        } else if let Some(level) = arg.strip_prefix("-v=").or_else(|| arg.strip_prefix("--verbose=")) {
            self.verbose = level.parse().map_err(|_| format!("bad verbosity level in {arg}"))?;
        } else {
            match arg {
                // Not in the help: for measuring what signal safe points
                // cost (bench/run.py). Handlers then run only at system calls.
                "--no-safe-points" => self.engine.safe_points = SafePoints::Omitted,
                "--no-cache" => self.cache = CacheMode::Disabled,
                "-v" | "--verbose" => self.verbose = self.verbose.saturating_add(1),
                "-vv" => self.verbose = self.verbose.saturating_add(2),
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn strace_options(&mut self) -> &mut StraceOptions {
        self.strace.get_or_insert_with(Default::default)
    }

    fn sandbox_options(&mut self) -> &mut SandboxOptions {
        self.sandbox.get_or_insert_with(Default::default)
    }
}

impl DirOption {
    /// Given at another path than its own (`HOST::GUEST`).
    pub fn is_mapped(&self) -> bool {
        self.guest != self.host
    }

    /// `HOST` or `HOST::GUEST` (wasmtime's spelling).
    fn parse(spec: &OsStr, writable: bool) -> Result<DirOption, String> {
        let spec = spec.to_str().ok_or("a directory given to --dir or --ro-dir must be valid UTF-8")?;
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        if host.is_empty() || guest.is_empty() {
            return Err(format!("bad directory {spec:?} (HOST or HOST::GUEST)"));
        }
        Ok(DirOption { host: host.into(), guest: guest.into(), writable })
    }
}

impl SandboxOptions {
    /// The same grants with every directory where it is on the host (for a
    /// WASI program, which names directories only as preopens).
    pub fn unmapped(self) -> SandboxOptions {
        let dirs = self.dirs.into_iter().map(|d| DirOption { guest: d.host.clone(), ..d }).collect();
        SandboxOptions { dirs, ..self }
    }

    /// Whether a directory is given at another path than its own, which
    /// needs a view of the file system of the guest's own (made by the first
    /// Lamina; one started by a guest's exec is inside it already).
    pub fn maps_directories(&self) -> bool {
        !self.inherited && self.dirs.iter().any(DirOption::is_mapped)
    }

    /// The flags that ask a new Lamina for the same sandbox (directories
    /// absolute: the new image may run elsewhere).
    fn flags(&self) -> Vec<OsString> {
        let mut flags: Vec<OsString> = self
            .dirs
            .iter()
            .map(|d| {
                let host = std::path::absolute(&d.host).unwrap_or_else(|_| d.host.clone());
                let mut spec = host.into_os_string();
                if d.is_mapped() {
                    spec.push("::");
                    spec.push(&d.guest);
                }
                flag(if d.writable { "--dir" } else { "--ro-dir" }, spec)
            })
            .collect();
        let list = |items: Vec<String>| items.join(",");
        match &self.net {
            Allow::Nothing => {}
            Allow::All => flags.push(flag("--allow-net", "")),
            Allow::Only(addrs) => flags.push(flag("--allow-net", list(addrs.iter().map(|a| a.to_string()).collect()))),
        }
        match &self.exec {
            Allow::Nothing => {}
            Allow::All => flags.push(flag("--allow-exec", "")),
            Allow::Only(paths) => {
                flags.push(flag("--allow-exec", list(paths.iter().map(|p| p.display().to_string()).collect())))
            }
        }
        flags.push(flag("--sandbox", if self.best_effort { "best-effort" } else { "" }));
        flags.push(flag("--sandbox-inherited", ""));
        flags
    }
}

impl Limits {
    fn flags(&self) -> Vec<OsString> {
        let mut flags = vec![];
        if let Some(bytes) = self.max_memory {
            flags.push(flag("--max-memory", bytes.to_string()));
        }
        if let Some(n) = self.max_threads {
            flags.push(flag("--max-threads", n.to_string()));
        }
        if let Some(secs) = self.max_cpu {
            flags.push(flag("--max-cpu", secs.to_string()));
        }
        flags
    }
}

/// `ADDR:PORT` items (`127.0.0.1:8080`, `[::1]:80`, `localhost:8080`).
fn socket_addresses<'a>(items: impl Iterator<Item = &'a str>) -> Result<Vec<SocketAddr>, String> {
    let mut addrs = vec![];
    for item in items {
        let resolved = item.to_socket_addrs().map_err(|e| format!("bad network address {item:?} (ADDR:PORT): {e}"))?;
        addrs.extend(resolved);
    }
    Ok(addrs)
}

/// A policy file (`--policy FILE`, TOML): the same grants as the flags,
/// under the same names, plus the limits. Relative paths are relative to the
/// file's directory.
///
/// ```toml
/// dir = ["data", "/tmp/out::/out"]
/// ro-dir = ["/usr/share/lua"]
/// allow-net = ["127.0.0.1:8080"]   # or: allow-net = true (all)
/// allow-exec = ["/bin/sh"]          # or: allow-exec = true (all)
/// sandbox = "best-effort"           # optional
///
/// [limits]
/// max-memory = "512M"
/// max-threads = 16
/// max-cpu = 30
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PolicyFile {
    #[serde(default)]
    dir: Vec<String>,
    #[serde(default)]
    ro_dir: Vec<String>,
    allow_net: Option<Grant>,
    allow_exec: Option<Grant>,
    sandbox: Option<String>,
    #[serde(default)]
    limits: FileLimits,
}

/// `true` (everything) or a list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Grant {
    All(bool),
    Only(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileLimits {
    max_memory: Option<String>,
    max_threads: Option<u32>,
    max_cpu: Option<u64>,
}

impl PolicyFile {
    fn parse(text: &str, file: &Path) -> Result<PolicyFile, String> {
        let mut policy: PolicyFile = toml::from_str(text).map_err(|e| format!("{}: {e}", file.display()))?;
        // Paths relative to the file's directory, as a profile kept with an
        // application expects.
        let base = file.parent().unwrap_or(Path::new(""));
        let relative = |p: &mut String| {
            if !p.starts_with('/') {
                *p = base.join(&*p).to_string_lossy().into_owned();
            }
        };
        policy.dir.iter_mut().chain(&mut policy.ro_dir).for_each(relative);
        Ok(policy)
    }

    fn apply(self, options: &mut RunOptions) -> Result<(), String> {
        let sandbox = options.sandbox_options();
        for (specs, writable) in [(self.dir, true), (self.ro_dir, false)] {
            for spec in specs {
                sandbox.dirs.push(DirOption::parse(OsStr::new(&spec), writable)?);
            }
        }
        match self.allow_net {
            Some(Grant::All(true)) => sandbox.net.grant(Allow::All),
            Some(Grant::Only(list)) => {
                sandbox.net.grant(Allow::Only(socket_addresses(list.iter().map(String::as_str))?))
            }
            Some(Grant::All(false)) | None => {}
        }
        match self.allow_exec {
            Some(Grant::All(true)) => sandbox.exec.grant(Allow::All),
            Some(Grant::Only(list)) => sandbox.exec.grant(Allow::Only(list.into_iter().map(PathBuf::from).collect())),
            Some(Grant::All(false)) | None => {}
        }
        match self.sandbox.as_deref() {
            None => {}
            Some("best-effort") => sandbox.best_effort = true,
            Some(other) => return Err(format!("sandbox = {other:?}: the only value is \"best-effort\"")),
        }
        let limits = &mut options.limits;
        if let Some(bytes) = self.limits.max_memory {
            limits.max_memory = Some(size(OsStr::new(&bytes)).ok_or("max-memory needs a byte count")?);
        }
        limits.max_threads = self.limits.max_threads.or(limits.max_threads);
        limits.max_cpu = self.limits.max_cpu.or(limits.max_cpu);
        Ok(())
    }
}

/// `--name=value` (or just `--name` for an empty value) as one argument.
pub fn flag(name: &str, value: impl AsRef<OsStr>) -> OsString {
    let mut arg = OsString::from(name);
    if !value.as_ref().is_empty() {
        arg.push("=");
        arg.push(value);
    }
    arg
}

/// The value of `--name=value` or `--name value`; `None` if `arg` is not `--name`.
pub fn value_of(arg: &str, name: &str, rest: &mut impl Iterator<Item = OsString>) -> Option<Result<OsString, String>> {
    if arg == name {
        return Some(rest.next().ok_or_else(|| format!("{name} needs a value")));
    }
    arg.strip_prefix(name)?.strip_prefix('=').map(|v| Ok(v.into()))
}

/// A byte count: `8388608`, `8M`, `512K`, `1G`.
fn size(v: &OsStr) -> Option<u64> {
    let s = v.to_str()?;
    let (digits, unit) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1 << 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// A stack size: a byte count of at least 64K.
pub fn stack_size(v: &OsStr) -> Result<usize, String> {
    size(v)
        .filter(|&n| n >= 64 << 10)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("bad stack size {v:?} (a byte count of at least 64K, e.g. 8M)"))
}

/// The number of a descriptor handed down by the Lamina that executed this
/// one; never a standard descriptor, which it does not hand down.
fn inherited_fd(v: &OsStr, name: &str) -> Result<i32, String> {
    v.to_str()
        .and_then(|s| s.parse().ok())
        .filter(|&fd| fd > 2)
        .ok_or_else(|| format!("{name} needs a descriptor number above 2"))
}

/// Reads the environment from descriptor `fd` (env-file format, one
/// `NAME=value` per line) and closes it, so the guest never sees it.
fn take_env(fd: i32) -> Result<Vec<OsString>, String> {
    let content = read_inherited(fd).map_err(|e| format!("cannot read the environment from descriptor {fd}: {e}"))?;
    Ok(content.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| OsString::from_vec(l.to_vec())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(flags: Vec<OsString>) -> RunOptions {
        let mut options = RunOptions::new("m.wasm".into());
        options.cache = CacheMode::Disabled;
        let mut rest = flags.into_iter();
        while let Some(arg) = rest.next() {
            let arg = arg.into_string().unwrap();
            assert_eq!(options.parse_flag(&arg, &mut rest), Ok(true), "{arg}");
        }
        options
    }

    #[test]
    fn carried_flags_round_trip() {
        let mut options = RunOptions::new("m.wasm".into());
        options.engine = EngineOptions { stack_size: 3 << 20, safe_points: SafePoints::Omitted };
        options.cache = CacheMode::Dir("/var/cache/x".into());
        options.verbose = 2;
        options.perf_map = true;
        options.strace = Some(StraceOptions { lines: true, summary: true, root_pid: Some(42), ..Default::default() });
        let back = parsed(options.carried_flags());
        assert_eq!((back.engine.stack_size, back.engine.safe_points), (3 << 20, SafePoints::Omitted));
        assert!(matches!(back.cache, CacheMode::Dir(d) if d == std::path::Path::new("/var/cache/x")));
        assert_eq!((back.verbose, back.perf_map), (2, true));
        assert_eq!(back.strace, options.strace);

        let mut plain = RunOptions::new("m.wasm".into());
        plain.cache = CacheMode::Disabled;
        let back = parsed(plain.carried_flags());
        assert!(back.strace.is_none() && back.engine.safe_points == SafePoints::Instrumented && back.verbose == 0);
        assert!(!back.perf_map);
        assert!(matches!(back.cache, CacheMode::Disabled));
        // A trace without a root follows this process.
        plain.strace = Some(StraceOptions { lines: true, ..Default::default() });
        assert_eq!(parsed(plain.carried_flags()).strace.unwrap().root_pid, Some(std::process::id()));
    }

    #[test]
    fn sandbox_and_limits_round_trip() {
        let mut options = RunOptions::new("m.wasm".into());
        options.cache = CacheMode::Dir("/var/cache/x".into());
        options.sandbox = Some(SandboxOptions {
            dirs: vec![DirOption { host: "/srv/data".into(), guest: "/srv/data".into(), writable: true }],
            net: Allow::Only(vec!["127.0.0.1:8080".parse().unwrap(), "[::1]:80".parse().unwrap()]),
            exec: Allow::All,
            best_effort: true,
            inherited: false,
        });
        options.limits = Limits { max_memory: Some(1 << 30), max_threads: Some(4), max_cpu: Some(9) };
        let back = parsed(options.carried_flags());
        let inherited = options.sandbox.clone().map(|s| SandboxOptions { inherited: true, ..s });
        assert_eq!(back.sandbox, inherited, "the new image inherits the kernel's part");
        assert_eq!(back.limits, options.limits);
        assert!(matches!(back.cache, CacheMode::Disabled), "a sandboxed guest's modules are never cached");
        let mut ro = RunOptions::new("m.wasm".into());
        ro.sandbox = Some(SandboxOptions {
            dirs: vec![DirOption { host: "/usr/share".into(), guest: "/usr/share".into(), writable: false }],
            ..Default::default()
        });
        assert_eq!(parsed(ro.carried_flags()).sandbox.map(|s| s.dirs), ro.sandbox.map(|s| s.dirs));
    }

    #[test]
    fn files_handed_down_by_a_shim() {
        let policy = std::env::temp_dir().join(format!("lamina-policy-fd-{}.toml", std::process::id()));
        std::fs::write(&policy, "ro-dir = [\"/data\"]\n[limits]\nmax-threads = 3\n").unwrap();
        let fd = std::os::fd::IntoRawFd::into_raw_fd(std::fs::File::open(&policy).unwrap());
        std::fs::remove_file(&policy).unwrap();
        let flags = ["--cache-dir-fd=41", &format!("--policy-fd={fd}"), "--wasi-layer-fd=42"];
        let options = parsed(flags.iter().map(OsString::from).collect());
        assert!(matches!(options.cache, CacheMode::Inherited(41)));
        assert_eq!(options.wasi_layer_fd, Some(42));
        let sandbox = options.sandbox.as_ref().expect("the policy makes a sandbox");
        assert_eq!(sandbox.dirs[0].host, Path::new("/data"));
        assert_eq!(options.limits.max_threads, Some(3));
        // The policy's descriptor is read and closed at once.
        // SAFETY: only asks whether the number is open.
        assert_eq!(unsafe { libc::fcntl(fd, libc::F_GETFD) }, -1, "--policy-fd left open");
        // Exec'd modules get no cache: the descriptor is gone by then.
        assert!(matches!(parsed(options.carried_flags()).cache, CacheMode::Disabled));
    }

    #[test]
    fn sandbox_flags_combine_with_a_policy_file() {
        let dir = std::env::temp_dir().join(format!("lamina-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("app.toml");
        std::fs::write(
            &file,
            "dir = [\"data\"]\nro-dir = [\"/usr/share\"]\nallow-net = [\"127.0.0.1:80\"]\n\n[limits]\nmax-memory = \"64M\"\n",
        )
        .unwrap();
        let mut options = RunOptions::new("m".into());
        let args = ["--allow-net=127.0.0.1:81".to_string(), "--policy".into(), file.display().to_string()];
        let mut rest = args.into_iter().map(OsString::from);
        while let Some(arg) = rest.next() {
            assert_eq!(options.parse_flag(arg.to_str().unwrap(), &mut rest), Ok(true));
        }
        let sandbox = options.sandbox.unwrap();
        assert_eq!(sandbox.dirs[0].host, dir.join("data"), "relative to the policy file");
        assert!(!sandbox.dirs[1].writable);
        assert_eq!(sandbox.net, Allow::Only(vec!["127.0.0.1:81".parse().unwrap(), "127.0.0.1:80".parse().unwrap()]));
        assert_eq!(options.limits.max_memory, Some(64 << 20));
        std::fs::write(&file, "dirs = [\"x\"]\n").unwrap();
        let err =
            RunOptions::new("m".into()).parse_flag(&format!("--policy={}", file.display()), &mut std::iter::empty());
        assert!(err.unwrap_err().contains("unknown field"), "a misspelt key is an error");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn flags_carry_their_values() {
        assert_eq!(flag("--stack-size", "1024"), "--stack-size=1024");
        assert_eq!(flag("--no-cache", ""), "--no-cache");
        assert_eq!(stack_size(OsStr::new("16M")), Ok(16 << 20));
        assert!(stack_size(OsStr::new("1")).is_err());
        let mut options = RunOptions::new("m".into());
        assert_eq!(options.parse_flag("--env", &mut std::iter::empty()), Ok(false));
        assert!(options.parse_flag("--strace-fd=1", &mut std::iter::empty()).unwrap_err().contains("above 2"));
    }
}
