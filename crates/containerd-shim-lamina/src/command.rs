//! The `lamina run` command line of a container: its argv, environment and
//! module, from the OCI runtime spec the library hands over; the host's files
//! the shim opened ([`crate::host`]); the policy.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use containerd_shim_wasm::sandbox::context::{RuntimeContext, Source};

use crate::host;

/// An image's own policy (`tools/oci_image.py --policy`), applied unless the
/// shim's configuration sets one for every container.
pub const IMAGE_POLICY: &str = "/etc/lamina/policy.toml";

/// The arguments after `lamina run` that run the container's process.
pub fn lamina_args(ctx: &impl RuntimeContext) -> Result<Vec<OsString>> {
    let entrypoint = ctx.entrypoint();
    if let Source::Oci(_) = entrypoint.source {
        bail!(
            "the image has its module as a wasm layer, which this shim does not run yet; \
             package it as a file in a tar layer (tools/oci_image.py)"
        );
    }
    // runwasi's `MODULE#FUNCTION` names an export to call instead of `_start`;
    // a WALI program is a process, started only by `_start`.
    if entrypoint.func != "_start" {
        bail!("Lamina runs a module's `_start`, not `{}`", entrypoint.func);
    }
    let Some((argv0, rest)) = ctx.args().split_first() else {
        bail!("the container has no entrypoint (process.args is empty)");
    };
    let module_name = argv0.split_once('#').map_or(argv0.as_str(), |(path, _)| path);
    let module = module_path(module_name, ctx.envs(), &std::env::current_dir()?);
    let files = host::files();
    let mut flags = files.flags();
    if Path::new(IMAGE_POLICY).exists() {
        if files.has_policy() {
            eprintln!(
                "lamina: warning: the image's {IMAGE_POLICY} is not applied: the shim's configuration sets the policy"
            );
        } else {
            flags.extend([OsString::from("--policy"), IMAGE_POLICY.into()]);
        }
    }
    Ok(command_line(flags, argv0, &module, ctx.envs(), rest))
}

/// The arguments of `lamina run`: `flags`, then the guest's `argv[0]`,
/// environment, module and arguments. The compile cache is never the
/// container's file system (the image's, no place for native code that later
/// runs would trust), only the host's directory of `flags`.
fn command_line(flags: Vec<OsString>, argv0: &str, module: &Path, envs: &[String], args: &[String]) -> Vec<OsString> {
    let mut line = flags;
    line.extend(["--argv0", argv0].map(OsString::from));
    // `--env NAME` (no `=`) would pass Lamina's own value: such an entry is
    // no variable and is left out.
    for var in envs.iter().filter(|v| v.contains('=')) {
        line.extend([OsString::from("--env"), OsString::from(var)]);
    }
    // Options end at the module, so a relative path must not look like one.
    line.push(match module.to_str() {
        Some(s) if s.starts_with('-') => Path::new(".").join(module).into(),
        _ => module.into(),
    });
    line.extend(args.iter().map(OsString::from));
    line
}

/// Where the module named `name` is, found as a native container's runtime
/// finds its entrypoint: a name without `/` in the directories of the
/// container's `PATH`, else beside the working directory `cwd` (runwasi's
/// images often name `module.wasm` alone); a path as given.
fn module_path(name: &str, envs: &[String], cwd: &Path) -> PathBuf {
    if name.contains('/') {
        return PathBuf::from(name);
    }
    let path = envs.iter().rev().find_map(|v| v.strip_prefix("PATH=")).unwrap_or("");
    std::env::split_paths(path)
        .map(|dir| cwd.join(dir).join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn argv_environment_and_arguments() {
        let envs = strings(&["A=1", "BROKEN", "PATH=/bin"]);
        let flags = vec![OsString::from("--no-cache")];
        let line = command_line(flags, "/app/hello.wasm", Path::new("/app/hello.wasm"), &envs, &strings(&["x", "-v"]));
        let expected = [
            "--no-cache",
            "--argv0",
            "/app/hello.wasm",
            "--env",
            "A=1",
            "--env",
            "PATH=/bin",
            "/app/hello.wasm",
            "x",
            "-v",
        ];
        assert_eq!(line, expected.map(OsString::from));
        let line = command_line(vec![], "-m", Path::new("-m"), &[], &[]);
        assert_eq!(line.last().unwrap(), "./-m");
    }

    #[test]
    fn a_bare_name_is_looked_up_in_the_containers_path() {
        let dir = std::env::temp_dir().join(format!("shim-path-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::write(dir.join("bin/app.wasm"), b"\0asm").unwrap();
        let envs = strings(&["PATH=/nowhere:bin"]);
        assert_eq!(module_path("app.wasm", &envs, &dir), dir.join("bin/app.wasm"));
        assert_eq!(module_path("other.wasm", &envs, &dir), PathBuf::from("other.wasm"));
        assert_eq!(module_path("./app.wasm", &envs, &dir), PathBuf::from("./app.wasm"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
