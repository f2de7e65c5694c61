//! The guest's environment.
//!
//! A WALI guest does not inherit the runtime's environment: at start-up it
//! asks `__get_init_envfile` for the path of a file with one `NAME=value` per
//! line. Lamina builds that content from `--inherit-env`, `--env-file` and
//! `--env` (later sources override earlier ones) and hands the guest an
//! anonymous in-memory file (`memfd`), reachable as `/proc/self/fd/N`, so no
//! file is ever written to disk and nothing is left behind. The descriptor
//! sits at a high number, out of the way of the guest's own descriptors, and is
//! closed as soon as the guest has opened the path.

use std::ffi::{CString, OsString};
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use rustix::fs::MemfdFlags;
use wasmtime::error::Context;
use wasmtime::{Result, bail};

/// Where the guest's environment comes from.
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    /// Start from the runtime's own environment.
    pub inherit: bool,
    /// Files in the WALI env-file format, applied in order.
    pub files: Vec<PathBuf>,
    /// `NAME=VALUE` settings, applied last, in order.
    pub vars: Vec<OsString>,
}

type Vars = Vec<(Vec<u8>, Vec<u8>)>;

/// Sets `NAME=VALUE` from `entry`, keeping the position of an earlier value.
fn set(vars: &mut Vars, entry: &[u8], origin: impl Fn() -> String) -> Result<()> {
    if entry.contains(&0) || entry.contains(&b'\n') {
        bail!("{}: a variable may not contain NUL or newline characters", origin());
    }
    let Some(eq) = entry.iter().position(|&b| b == b'=').filter(|&i| i > 0) else {
        bail!("{}: expected NAME=VALUE, got {:?}", origin(), String::from_utf8_lossy(entry));
    };
    let (name, value) = (entry[..eq].to_vec(), entry[eq + 1..].to_vec());
    match vars.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => vars.push((name, value)),
    }
    Ok(())
}

fn entry(name: &[u8], value: &[u8]) -> Vec<u8> {
    [name, b"=", value].concat()
}

/// The variables in order of first definition, later definitions replacing
/// the value.
fn collect(options: &EnvOptions) -> Result<Vars> {
    let mut vars = Vars::new();
    if options.inherit {
        for (k, v) in std::env::vars_os() {
            let e = entry(k.as_bytes(), v.as_bytes());
            // Host variables that cannot be expressed in the format are skipped.
            if !e.contains(&b'\n') {
                set(&mut vars, &e, || "inherited environment".into())?;
            }
        }
    }
    for file in &options.files {
        let content = std::fs::read(file).with_context(|| format!("cannot read env file {}", file.display()))?;
        for (i, line) in content.split(|&b| b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            if line.contains(&b'=') {
                set(&mut vars, line, || format!("{}:{}", file.display(), i + 1))?;
            } else {
                // In the WALI format a line without `=` unsets the variable.
                vars.retain(|(n, _)| n != line);
            }
        }
    }
    for var in &options.vars {
        if var.as_bytes().contains(&b'=') {
            set(&mut vars, var.as_bytes(), || "--env".into())?;
        } else if let Some(value) = std::env::var_os(var) {
            // `--env NAME` passes the runtime's own value, as wasmtime does.
            set(&mut vars, &entry(var.as_bytes(), value.as_bytes()), || "--env".into())?;
        }
    }
    Ok(vars)
}

/// The env-file content for the guest (`None` for an empty environment).
pub fn env_file_content(options: &EnvOptions) -> Result<Option<Vec<u8>>> {
    let vars = collect(options)?;
    if vars.is_empty() {
        return Ok(None);
    }
    Ok(Some(vars.iter().flat_map(|(n, v)| [entry(n, v), b"\n".to_vec()]).flatten().collect()))
}

/// An anonymous in-memory file (close-on-exec) holding `content`: the env
/// file of this run, and of the Lamina an `execve` starts.
pub(crate) fn memfd_with(content: &[u8]) -> std::io::Result<OwnedFd> {
    let mut file = std::fs::File::from(rustix::fs::memfd_create(c"lamina-env", MemfdFlags::CLOEXEC)?);
    file.write_all(content)?;
    Ok(file.into())
}

/// Creates the in-memory env file; returns the path the guest opens and the
/// descriptor that keeps the file alive.
pub fn env_file(options: &EnvOptions) -> Result<Option<(CString, OwnedFd)>> {
    let Some(content) = env_file_content(options)? else {
        return Ok(None);
    };
    let memfd = memfd_with(&content).context("cannot create the guest's environment file")?;
    let high = crate::fds::move_high(memfd)?;
    let path = CString::new(format!("/proc/self/fd/{}", high.as_raw_fd())).expect("no NUL");
    Ok(Some((path, high)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sources_override_and_order_is_kept() {
        let dir = std::env::temp_dir().join(format!("lamina-env-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("vars.env");
        std::fs::write(&file, "A=1\nB=x=y\n\nC=3\nE=gone\nE").unwrap();
        let options = EnvOptions { inherit: false, files: vec![file], vars: vec!["A=override".into(), "D=".into()] };
        let content = env_file_content(&options).unwrap().unwrap();
        assert_eq!(String::from_utf8(content).unwrap(), "A=override\nB=x=y\nC=3\nD=\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn empty_environment_means_no_file() {
        assert!(env_file(&EnvOptions::default()).unwrap().is_none());
    }

    #[test]
    fn malformed_settings_are_rejected() {
        let bad = EnvOptions { vars: vec!["=v".into()], ..Default::default() };
        assert!(env_file_content(&bad).is_err());
    }

    #[test]
    fn the_memfd_holds_the_content_at_a_high_descriptor() {
        let options = EnvOptions { vars: vec!["K=V".into()], ..Default::default() };
        let (path, fd) = env_file(&options).unwrap().unwrap();
        assert!(fd.as_raw_fd() > 100);
        assert_eq!(std::fs::read(path.to_str().unwrap()).unwrap(), b"K=V\n");
    }
}
