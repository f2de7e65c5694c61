//! `lamina binfmt install|uninstall|status`: registers Lamina with the
//! kernel's binfmt_misc as the interpreter of WebAssembly modules, so that
//! any native program (a shell, make, Python's subprocess) can execute a
//! WALI module like a native executable.
//!
//! `lamina binfmt exec CMD ARGS...` does the same for CMD and its
//! descendants only, without root and without touching the machine's
//! registrations: CMD runs in a user and mount namespace of its own with a
//! binfmt_misc instance of its own (Linux 6.7 and later), as a test suite of a
//! cross-compiled program needs (`lamina binfmt exec make check`).
//!
//! The kernel recognises a module by wasm's magic number and version
//! (`\0asm` 1), and runs `lamina MODULE ARGS...` (the module's path as the
//! program executed it; the native argv[0] is not passed on). The entry is
//! registered with the `F` flag: the kernel opens Lamina's binary once, at
//! registration, so the handler also works in other mount namespaces and
//! chroots.

use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Install,
    Uninstall,
    Status,
    /// Runs a command with a private registration.
    Exec(Vec<OsString>),
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
        Action::Exec(command) => {
            let lamina = std::fs::canonicalize("/proc/self/exe").context("cannot find Lamina's own binary")?;
            enter_private_instance(&lamina)?;
            let error = std::process::Command::new(&command[0]).args(&command[1..]).exec();
            bail!("cannot execute {}: {error}", command[0].display())
        }
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

/// Whether the kernel ran Lamina through binfmt_misc for a module that was
/// executed (ARGV is Lamina's whole argv). The kernel then passes the
/// module's path as argv[1], and that same path, the file that was executed,
/// as AT_EXECFN; when Lamina itself is executed (`lamina MODULE`), AT_EXECFN
/// names Lamina.
pub fn executed_for_module(argv: &[OsString]) -> bool {
    // SAFETY: getauxval has no preconditions; AT_EXECFN, when present, is
    // the address of a NUL-terminated string the kernel put on the stack,
    // which lives as long as the process.
    let execfn = unsafe { libc::getauxval(libc::AT_EXECFN) } as *const libc::c_char;
    if execfn.is_null() {
        return false;
    }
    // SAFETY: see above.
    let execfn = unsafe { std::ffi::CStr::from_ptr(execfn) };
    argv.get(1).is_some_and(|module| module.as_bytes() == execfn.to_bytes())
}

/// The line binfmt_misc's `register` takes:
/// `:name:type:offset:magic:mask:interpreter:flags`.
fn registration(interpreter: &Path) -> String {
    format!(":{NAME}:M::{MAGIC}::{}:F", interpreter.display())
}

fn remove(entry: &PathBuf) -> anyhow::Result<()> {
    std::fs::write(entry, "-1").with_context(|| format!("cannot remove {} (this needs root)", entry.display()))
}

/// Enters a new user and mount namespace with binfmt_misc mounted anew and
/// Lamina registered there: a binfmt_misc instance belongs to the user
/// namespace that mounts it, and serves that namespace and those below it,
/// so the registration applies to this process and its descendants only.
/// The process keeps its user and groups: root keeps all of them (a helper
/// process outside writes the full maps, which only it may), anyone else
/// mounts as the root of a first namespace mapped to themselves and then
/// enters a second one that maps their own ids back.
fn enter_private_instance(lamina: &Path) -> anyhow::Result<()> {
    let (uid, gid) = (current_ids(libc::getuid), current_ids(libc::getgid));
    let everyone = "0 0 4294967295";
    if uid == 0 {
        unshare_mapped_by_helper(everyone, everyone)?;
    } else {
        unshare_mapped(libc::CLONE_NEWUSER | libc::CLONE_NEWNS, &format!("0 {uid} 1"), &format!("0 {gid} 1"))?;
    }
    let dir = CString::new(DIR).expect("no NUL in a constant");
    // SAFETY: NUL-terminated strings; the mount namespace is this process's own.
    let mounted = unsafe {
        libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) == 0
            && libc::mount(c"binfmt_misc".as_ptr(), dir.as_ptr(), c"binfmt_misc".as_ptr(), 0, std::ptr::null()) == 0
    };
    if !mounted {
        return Err(std::io::Error::last_os_error()).context(NAMESPACE_ERROR);
    }
    std::fs::write(Path::new(DIR).join("register"), registration(lamina))
        .context("cannot register with the private binfmt_misc instance")?;
    if uid != 0 {
        unshare_mapped(libc::CLONE_NEWUSER, &format!("{uid} 0 1"), &format!("{gid} 0 1"))?;
    }
    Ok(())
}

const NAMESPACE_ERROR: &str =
    "cannot make a private binfmt_misc instance (user namespaces and Linux 6.7 or later are needed)";

fn current_ids(get: unsafe extern "C" fn() -> u32) -> u32 {
    // SAFETY: getuid and getgid cannot fail.
    unsafe { get() }
}

fn unshare(flags: libc::c_int) -> anyhow::Result<()> {
    // SAFETY: the CLI is still single-threaded, as CLONE_NEWUSER requires.
    if unsafe { libc::unshare(flags) } != 0 {
        return Err(std::io::Error::last_os_error()).context(NAMESPACE_ERROR);
    }
    Ok(())
}

/// Enters new namespaces (FLAGS) and maps the user and group ids, as the
/// one line an unprivileged process may write for itself.
fn unshare_mapped(flags: libc::c_int, uid_map: &str, gid_map: &str) -> anyhow::Result<()> {
    unshare(flags)?;
    write_maps("self", uid_map, gid_map)
}

/// Enters a new user and mount namespace whose maps a forked helper writes
/// from the parent namespace, where the capabilities such maps need are.
fn unshare_mapped_by_helper(uid_map: &str, gid_map: &str) -> anyhow::Result<()> {
    let (unshared, go) = std::io::pipe().context(NAMESPACE_ERROR)?;
    let pid = std::process::id();
    // SAFETY: single-threaded; the child only reads, writes files and exits.
    match unsafe { libc::fork() } {
        -1 => Err(std::io::Error::last_os_error()).context(NAMESPACE_ERROR),
        0 => {
            drop(go);
            let mut byte = [0u8];
            let ready = std::io::Read::read(&mut &unshared, &mut byte).is_ok_and(|n| n == 1);
            let mapped = ready && write_maps(&pid.to_string(), uid_map, gid_map).is_ok();
            // SAFETY: ends the helper without running the parent's exit handlers.
            unsafe { libc::_exit(if mapped { 0 } else { 1 }) }
        }
        helper => {
            drop(unshared);
            let unshared_now = unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNS);
            let _ = std::io::Write::write_all(&mut &go, if unshared_now.is_ok() { b"1" } else { b"" });
            drop(go);
            let mut status = 0;
            // SAFETY: waits for the helper forked above.
            unsafe { libc::waitpid(helper, &mut status, 0) };
            unshared_now?;
            if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
                bail!("{NAMESPACE_ERROR}: cannot map the users and groups");
            }
            Ok(())
        }
    }
}

fn write_maps(pid: &str, uid_map: &str, gid_map: &str) -> anyhow::Result<()> {
    let proc = Path::new("/proc").join(pid);
    if !uid_map.starts_with("0 0 ") {
        // Unprivileged gid maps need setgroups(2) refused first.
        std::fs::write(proc.join("setgroups"), "deny").context(NAMESPACE_ERROR)?;
    }
    std::fs::write(proc.join("uid_map"), uid_map).context(NAMESPACE_ERROR)?;
    std::fs::write(proc.join("gid_map"), gid_map).context(NAMESPACE_ERROR)
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
