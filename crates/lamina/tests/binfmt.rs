//! `lamina binfmt`: with the handler installed, a native program (the
//! shell, Python's subprocess) executes a WALI module like a native
//! executable, and gets the same output and status as `lamina run`; after
//! `uninstall` the kernel refuses it again. Registering is system-wide and
//! needs root: as another user the test says so and checks nothing else.
//! It is a test binary of its own so that no other test runs while a handler
//! is installed. `lamina binfmt exec` registers for one command only, as any
//! user: the module runs inside it, and nothing changes outside.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};
use std::sync::Mutex;

/// Held by each test that registers or looks at the machine's handler.
static MACHINE_HANDLER: Mutex<()> = Mutex::new(());

fn binfmt(action: &str) -> Output {
    support::lamina().args(["binfmt", action]).output().unwrap()
}

/// Uninstalls the handler however the test ends.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        binfmt("uninstall");
    }
}

/// A copy of the hello guest, executable, in a scratch directory of its own
/// that anyone may enter.
fn executable_hello(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = support::scratch(name);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = dir.join("hello");
    std::fs::copy(support::wasm("hello"), &program).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, program)
}

fn sh(command: &str, dir: &std::path::Path) -> Output {
    Command::new("sh").args(["-c", command]).current_dir(dir).output().unwrap()
}

#[test]
fn native_programs_execute_modules_through_the_installed_handler() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("binfmt: not root, registering a handler is not possible here");
        return;
    }
    let _machine = MACHINE_HANDLER.lock().unwrap();
    let (dir, program) = executable_hello("binfmt");
    let direct = support::run_wasm_in(&program, &["one", "two words"], &dir);
    assert_eq!(direct.status.code(), Some(0), "{}", support::text(&direct.stderr));

    let installed = binfmt("install");
    let _guard = Installed;
    assert!(installed.status.success(), "{}", support::text(&installed.stderr));
    let status = binfmt("status");
    let report = support::text(&status.stdout);
    assert_eq!(status.status.code(), Some(0));
    assert!(report.contains("enabled") && report.contains("magic 0061736d01000000"), "{report}");
    assert!(report.contains(&format!("interpreter {}", env!("CARGO_BIN_EXE_lamina"))), "{report}");

    let through_shell = sh("./hello one 'two words'", &dir);
    assert_eq!(support::text(&through_shell.stdout), support::text(&direct.stdout));
    assert_eq!(through_shell.status.code(), Some(0), "{}", support::text(&through_shell.stderr));
    let python = Command::new("python3")
        .args(["-c", "import subprocess, sys; sys.exit(subprocess.run(['./hello', 'one', 'two words']).returncode)"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(support::text(&python.stdout), support::text(&direct.stdout));

    let removed = binfmt("uninstall");
    assert!(support::text(&removed.stdout).contains("removed"));
    assert_eq!(binfmt("status").status.code(), Some(3), "not installed any more");
    let refused = sh("./hello", &dir);
    assert_eq!(refused.status.code(), Some(126), "the shell cannot execute a module without the handler");
    assert!(support::text(&refused.stderr).contains("Exec format error"));
}

#[test]
fn binfmt_exec_registers_for_one_command_only_as_any_user() {
    let _machine = MACHINE_HANDLER.lock().unwrap();
    let (dir, program) = executable_hello("binfmt-exec");
    let direct = support::run_wasm_in(&program, &["one", "two words"], &dir);
    assert_eq!(direct.status.code(), Some(0), "{}", support::text(&direct.stderr));
    // SAFETY: geteuid and getegid have no preconditions.
    let me = unsafe { (libc::geteuid(), libc::getegid()) };
    let mut users = vec![me];
    if me.0 == 0 {
        users.push((65534, 65534));
    }
    for (uid, gid) in users {
        let mut cmd = support::lamina();
        cmd.args(["binfmt", "exec", "sh", "-c", "./hello one 'two words'; echo status $?; id -u; id -g"]);
        cmd.current_dir(&dir).uid(uid).gid(gid).env("HOME", &dir);
        let out = cmd.output().unwrap();
        let who = format!("as {uid}:{gid}");
        assert_eq!(out.status.code(), Some(0), "{who}: {}", support::text(&out.stderr));
        // The module's output, its status, and the same user and group as outside.
        let expected = format!("{}status 0\n{uid}\n{gid}\n", support::text(&direct.stdout));
        assert_eq!(support::text(&out.stdout), expected, "{who}: {}", support::text(&out.stderr));
    }
    // Outside, the machine has no handler: the kernel refuses the module.
    let outside = sh("./hello", &dir);
    assert_eq!(outside.status.code(), Some(126), "the registration must not leak out of binfmt exec");
    let missing = support::lamina().args(["binfmt", "exec", "/nonexistent/program"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(support::text(&missing.stderr).contains("cannot execute /nonexistent/program"));
}

/// A module the kernel executes gets the environment it was executed with,
/// as a native program does (a shell's PATH, make's variables; busybox's test
/// suite finds its applets through PATH), while `lamina run MODULE` still
/// gives the guest none of Lamina's own.
#[test]
fn modules_executed_by_the_kernel_get_the_environment_they_were_executed_with() {
    let _machine = MACHINE_HANDLER.lock().unwrap();
    let dir = support::scratch("binfmt-env");
    let program = dir.join("show-env");
    std::fs::copy(support::wasm("runtime_env"), &program).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = support::lamina();
    cmd.args(["binfmt", "exec", "sh", "-c", "SET_BY_SHELL='two words' ./show-env"]);
    cmd.current_dir(&dir).env_clear().env("PATH", "/usr/bin:/bin").env("FROM_OUTSIDE", "1");
    let out = cmd.output().unwrap();
    let shown = support::text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}{}", support::text(&out.stderr));
    for line in ["SET_BY_SHELL=two words", "FROM_OUTSIDE=1", "PATH=/usr/bin:/bin"] {
        assert!(shown.lines().any(|l| l == line), "{line:?} missing from the module's environment:\n{shown}");
    }
    let mut direct = support::lamina();
    direct.arg("run").arg(&program).current_dir(&dir).env("FROM_OUTSIDE", "1");
    let direct = support::text(&direct.output().unwrap().stdout);
    assert!(!direct.contains("FROM_OUTSIDE"), "lamina run passed its environment on:\n{direct}");
}

#[test]
fn binfmt_takes_one_known_action() {
    for args in [&["binfmt"][..], &["binfmt", "enable"], &["binfmt", "install", "extra"], &["binfmt", "exec"]] {
        let out = support::lamina().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(support::text(&out.stderr).contains("binfmt takes"), "{args:?}: {}", support::text(&out.stderr));
    }
}
