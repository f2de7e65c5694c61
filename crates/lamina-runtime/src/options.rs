//! What a run is asked to do: the options of `lamina run`, and the flags
//! that carry them over to a new Lamina when the guest executes a WALI
//! module (the relaunch protocol: [`RunOptions::carried_flags`] writes them,
//! [`RunOptions::parse_flag`] reads them, for the CLI too).

use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek};
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use crate::cache::CacheMode;
use crate::engine::EngineOptions;
use crate::env::EnvOptions;

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
    /// The module (`.wasm` or `.cwasm`), also the guest's argv[0] as given.
    pub module: PathBuf,
    /// The guest's argv[0] instead of the module path (what the caller of
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
}

impl RunOptions {
    /// Options for running `module` with everything else as by default.
    pub fn new(module: PathBuf) -> RunOptions {
        RunOptions {
            module,
            argv0: None,
            args: vec![],
            env: EnvOptions::default(),
            strace: None,
            engine: EngineOptions::default(),
            cache: CacheMode::default_dir(),
            verbose: 0,
        }
    }

    /// The flags that start a new Lamina with the options of this run that
    /// carry over an `execve` (stack size, safe points, cache, verbosity,
    /// strace and the process it follows). A relative cache directory is
    /// made absolute: the new image may run elsewhere.
    pub fn carried_flags(&self) -> Vec<OsString> {
        let mut flags = vec![flag("--stack-size", self.engine.stack_size.to_string())];
        if !self.engine.safe_points {
            flags.push(flag("--no-safe-points", ""));
        }
        flags.push(match &self.cache {
            CacheMode::Dir(dir) => flag("--cache-dir", std::path::absolute(dir).unwrap_or_else(|_| dir.clone())),
            CacheMode::Disabled => flag("--no-cache", ""),
        });
        if self.verbose > 0 {
            flags.push(flag("-v", self.verbose.to_string()));
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
    /// of the descriptor and argv[0] flags the relaunch adds (`--strace-fd`,
    /// `--env-fd`, `--argv0`), or a user's spelling of them (`--strace=FILE`,
    /// `-vv`, …): `Ok(true)`. A flag's value is after `=` or, for flags that
    /// need one, the next argument, taken from `rest`. `Ok(false)`: not one
    /// of these flags.
    pub fn parse_flag(&mut self, arg: &str, rest: &mut impl Iterator<Item = OsString>) -> Result<bool, String> {
        if let Some(v) = value_of(arg, "--argv0", rest) {
            self.argv0 = Some(v?);
        } else if let Some(v) = value_of(arg, "--cache-dir", rest) {
            self.cache = CacheMode::Dir(v?.into());
        } else if let Some(v) = value_of(arg, "--env-fd", rest) {
            self.env.vars.extend(take_env(inherited_fd(&v?, "--env-fd")?)?);
        } else if let Some(v) = value_of(arg, "--strace-fd", rest) {
            self.strace_options().output = StraceOutput::Fd(inherited_fd(&v?, "--strace-fd")?);
        } else if let Some(v) = value_of(arg, "--strace-pid", rest) {
            let pid = v?.to_str().and_then(|s| s.parse().ok()).ok_or("--strace-pid needs a process id")?;
            self.strace_options().root_pid = Some(pid);
        } else if let Some(v) = value_of(arg, "--stack-size", rest) {
            self.engine.stack_size = stack_size(&v?)?;
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
                "--no-safe-points" => self.engine.safe_points = false,
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

/// A stack size: `8388608`, `8M`, `512K`, `1G`, at least 64K.
pub fn stack_size(v: &OsStr) -> Result<usize, String> {
    let s = v.to_str().ok_or("bad size")?;
    let (digits, unit) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1 << 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&n| n >= 64 << 10)
        .ok_or_else(|| format!("bad stack size {s:?} (a byte count of at least 64K, e.g. 8M)"))
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
    // SAFETY: the descriptor was handed down for this use alone (`--env-fd`);
    // the file is dropped, and the descriptor closed, right here.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    let mut content = Vec::new();
    file.rewind()
        .and_then(|_| file.read_to_end(&mut content))
        .map_err(|e| format!("cannot read the environment from descriptor {fd}: {e}"))?;
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
        options.engine = EngineOptions { stack_size: 3 << 20, safe_points: false };
        options.cache = CacheMode::Dir("/var/cache/x".into());
        options.verbose = 2;
        options.strace = Some(StraceOptions { lines: true, summary: true, root_pid: Some(42), ..Default::default() });
        let back = parsed(options.carried_flags());
        assert_eq!((back.engine.stack_size, back.engine.safe_points), (3 << 20, false));
        assert!(matches!(back.cache, CacheMode::Dir(d) if d == std::path::Path::new("/var/cache/x")));
        assert_eq!(back.verbose, 2);
        assert_eq!(back.strace, options.strace);

        let mut plain = RunOptions::new("m.wasm".into());
        plain.cache = CacheMode::Disabled;
        let back = parsed(plain.carried_flags());
        assert!(back.strace.is_none() && back.engine.safe_points && back.verbose == 0);
        assert!(matches!(back.cache, CacheMode::Disabled));
        // A trace without a root follows this process.
        plain.strace = Some(StraceOptions { lines: true, ..Default::default() });
        assert_eq!(parsed(plain.carried_flags()).strace.unwrap().root_pid, Some(std::process::id()));
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
