//! `lamina binfmt install|uninstall|status`: registers Lamina with the
//! kernel's binfmt_misc as the interpreter of WebAssembly modules, so that
//! any native program (a shell, make, Python's subprocess) can execute a
//! WALI module like a native executable.
//!
//! The kernel recognises a module by wasm's magic number and version
//! (`\0asm` 1), and runs `lamina MODULE ARGS...` (the module's path as the
//! program executed it; the native argv[0] is not passed on). The entry is
//! registered with the `F` flag: the kernel opens Lamina's binary once, at
//! registration, so the handler also works in other mount namespaces and
//! chroots.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

/// Where binfmt_misc lives.
const DIR: &str = "/proc/sys/fs/binfmt_misc";
/// The entry's name.
pub const NAME: &str = "lamina-wali";
/// wasm's magic number and version 1, in binfmt_misc's escapes.
const MAGIC: &str = r"\x00\x61\x73\x6d\x01\x00\x00\x00";

/// What `lamina binfmt` was asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Install,
    Uninstall,
    Status,
}

impl Action {
    pub fn parse(word: &str) -> Option<Action> {
        match word {
            "install" => Some(Action::Install),
            "uninstall" => Some(Action::Uninstall),
            "status" => Some(Action::Status),
            _ => None,
        }
    }
}

pub fn execute(action: Action) -> anyhow::Result<ExitCode> {
    let entry = Path::new(DIR).join(NAME);
    match action {
        Action::Install => {
            mount_if_needed()?;
            let lamina = std::fs::canonicalize("/proc/self/exe").context("cannot find Lamina's own binary")?;
            if entry.exists() {
                // Installed again, perhaps for another binary: the new one wins.
                remove(&entry)?;
            }
            std::fs::write(Path::new(DIR).join("register"), registration(&lamina))
                .with_context(|| format!("cannot register with binfmt_misc ({DIR}/register; this needs root)"))?;
            println!("{NAME}: WebAssembly modules now run with {}", lamina.display());
            Ok(ExitCode::SUCCESS)
        }
        Action::Uninstall => {
            if entry.exists() {
                remove(&entry)?;
                println!("{NAME}: removed");
            } else {
                println!("{NAME}: not installed");
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Status => match std::fs::read_to_string(&entry) {
            Ok(text) => {
                print!("{NAME}:\n{text}");
                Ok(ExitCode::SUCCESS)
            }
            Err(_) => {
                let why = if Path::new(DIR).join("register").exists() { "" } else { " (binfmt_misc is not mounted)" };
                println!("{NAME}: not installed{why}");
                // As `systemctl status` does for a unit that is not there.
                Ok(ExitCode::from(3))
            }
        },
    }
}

/// The line binfmt_misc's `register` takes:
/// `:name:type:offset:magic:mask:interpreter:flags`.
fn registration(interpreter: &Path) -> String {
    format!(":{NAME}:M::{MAGIC}::{}:F", interpreter.display())
}

fn remove(entry: &PathBuf) -> anyhow::Result<()> {
    std::fs::write(entry, "-1").with_context(|| format!("cannot remove {} (this needs root)", entry.display()))
}

/// binfmt_misc is usually mounted by the init system; where it is not, as
/// root, mount it.
fn mount_if_needed() -> anyhow::Result<()> {
    if Path::new(DIR).join("register").exists() {
        return Ok(());
    }
    let mounted = std::process::Command::new("mount").args(["-t", "binfmt_misc", "binfmt_misc", DIR]).status();
    if !mounted.is_ok_and(|s| s.success()) || !Path::new(DIR).join("register").exists() {
        bail!("binfmt_misc is not available: mount it at {DIR} (as root: mount -t binfmt_misc binfmt_misc {DIR})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_names_wasm_magic_and_the_interpreter() {
        assert_eq!(
            registration(Path::new("/opt/lamina/bin/lamina")),
            r":lamina-wali:M::\x00\x61\x73\x6d\x01\x00\x00\x00::/opt/lamina/bin/lamina:F"
        );
        assert_eq!(Action::parse("status"), Some(Action::Status));
        assert_eq!(Action::parse("enable"), None);
    }
}
