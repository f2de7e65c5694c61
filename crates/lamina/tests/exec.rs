//! execve and __clone: the exec_main guest, built both ways, executes the
//! exec_child guest of the same build (as `./child`) and native programs; the
//! two runs must agree. Plus strace across exec, `.cwasm` targets, and
//! hostile arguments.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A scratch directory holding `child` (executable) and `child-noexec`.
fn directory_with_child(child: &Path, name: &str) -> PathBuf {
    let dir = support::scratch(name);
    for (file, mode) in [("child", 0o755), ("child-noexec", 0o644)] {
        std::fs::copy(child, dir.join(file)).unwrap();
        std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    dir
}

/// Runs `exec_main MODE` under Lamina (with the WALI child) and natively
/// (with the native child); both must print the same, pass their own checks
/// and exit 0. Returns the common output.
fn same_as_native(mode: &str) -> String {
    let (module, exe) = (support::wasm("exec_main"), support::native("exec_main"));
    let wasm_dir = directory_with_child(&support::wasm("exec_child"), &format!("exec-{mode}-wasm"));
    let native_dir = directory_with_child(&support::native("exec_child"), &format!("exec-{mode}-native"));
    let w = support::run_wasm_in(&module, &[mode], &wasm_dir);
    let n = support::run_native_in(&exe, &[mode], &native_dir);
    let (wout, nout) = (support::text(&w.stdout), support::text(&n.stdout));
    assert_eq!(wout, nout, "stdout differs for {mode} (left: lamina, right: native)\n{}", support::text(&w.stderr));
    assert_eq!(w.status.code(), n.status.code(), "exit status differs for {mode}\n{}", support::text(&w.stderr));
    assert!(!nout.contains("FAIL"), "{mode} failed its own checks:\n{nout}");
    assert_eq!(n.status.code(), Some(0), "{mode} exited non-zero natively:\n{nout}");
    nout
}

#[test]
fn exec_of_a_module_keeps_pid_descriptors_argv0_and_gets_the_environment() {
    let out = same_as_native("image");
    assert!(out.starts_with("ok descriptors\nbefore exec\nargc: 6\nargv[0]: \"chosen argv0\"\n"), "{out}");
    assert!(out.contains("argv[3]: \"-v\"\nargv[4]: \"--env\"\n"), "{out}");
    // The first of two definitions, as getenv finds natively.
    assert!(out.contains("LAMINA_EXEC_TEST: hello world\n"), "{out}");
    assert!(out.contains("ok same pid as before the exec\n"), "{out}");
    assert!(out.contains("ok close-on-exec descriptor closed\n"), "{out}");
    assert!(out.contains("read: inherited\n"), "{out}");
}

#[test]
fn fork_exec_wait_status_round_trips() {
    let out = same_as_native("fork");
    assert!(out.contains("exit 42: exited 42\n"), "{out}");
    assert!(out.contains("exit 300: exited 44\n"), "{out}");
    assert!(out.contains("SIGTERM: killed by 15\n"), "{out}");
    assert!(out.contains("argv[0]: \"\"\nLAMINA_EXEC_TEST: (unset)\nno arguments: exited 0\n"), "{out}");
}

#[test]
fn exec_of_native_programs_with_the_guest_environment() {
    let out = same_as_native("native");
    assert_eq!(out, "hello from echo\necho: exited 0\nzero|one|native env\nsh: exited 0\n");
}

#[test]
fn exec_of_a_shell_script() {
    let out = same_as_native("script");
    assert_eq!(out, "script: ./script.sh [x y] [z] from envp\nscript: exited 3\n");
}

#[test]
fn scripts_whose_interpreter_is_a_module() {
    let out = same_as_native("interp");
    let direct = "argc: 4\nargv[0]: \"./child\"\nargv[1]: \"opt arg\"\nargv[2]: \"./tool-script\"\nargv[3]: \"x\"\n";
    assert!(out.starts_with(direct), "{out}");
    assert!(out.contains("five scripts deep: exited 0\nok six scripts deep\n"), "{out}");
}

#[test]
fn exec_errors_are_the_kernels_and_the_caller_carries_on() {
    let out = same_as_native("errors");
    assert!(out.ends_with("ok interpreter loop\nstill here\n"), "{out}");
}

#[test]
fn clone_spawns_like_posix_spawn() {
    let out = same_as_native("clone");
    assert!(
        out.starts_with("spawned by __clone\nok __clone returns the child's pid\necho through __clone: exited 0\n"),
        "{out}"
    );
    assert!(out.contains("child function's result: exited 7\n"), "{out}");
    assert!(out.contains("./no-such-program: exec failed with errno 2, status: exited 127\n"), "{out}");
}

#[test]
fn exec_from_a_second_thread() {
    let out = same_as_native("thread");
    assert!(out.contains("argv[0]: \"from a thread\"\n"), "{out}");
    assert!(out.contains("ok same pid as before the exec\n"), "{out}");
}

#[test]
fn execveat_runs_the_file_of_a_descriptor_even_one_closed_by_the_exec() {
    let out = same_as_native("at");
    for case in [
        "close-on-exec descriptor",
        "O_PATH descriptor",
        "inherited descriptor",
        "relative to a directory",
        "through a symbolic link",
        "script through an inherited descriptor",
    ] {
        assert!(out.contains(&format!("{case}: exited 5\n")), "{case}:\n{out}");
    }
    assert!(out.contains("absolute, directory ignored: exited 0\n"), "{out}");
    // The interpreter cannot open /dev/fd/N[/path] once the exec closed N
    // (200 + ENOENT).
    assert!(out.contains("script through a close-on-exec descriptor: exited 202\n"), "{out}");
    assert!(out.contains("script through a directory descriptor: exited 202\n"), "{out}");
    assert!(out.ends_with("ok missing file\nok no execute permission\nstill here\n"), "{out}");
}

/// A program that drops its privileges and then executes a module: the new
/// Lamina, no longer the user whose compile cache it was given, compiles
/// without writing there, and says nothing about it.
#[test]
fn a_module_executed_under_another_user_runs_without_cache_warnings() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let dir = directory_with_child(&support::wasm("exec_child"), "exec-nobody");
    // A cache of its own, so the child is not in it yet.
    let cache = support::scratch("exec-nobody-cache");
    let out = support::lamina()
        .env("LAMINA_CACHE_DIR", &cache)
        .arg(support::wasm("exec_main"))
        .arg("nobody")
        .current_dir(&dir)
        .output()
        .unwrap();
    let (stdout, stderr) = (support::text(&out.stdout), support::text(&out.stderr));
    assert!(stdout.ends_with("after dropping privileges: exited 6\n"), "{stdout}\n{stderr}");
    assert_eq!(stdout.contains("dropped to nobody\n"), root, "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(same_as_native("nobody"), stdout);
}

#[test]
fn exec_of_a_precompiled_module() {
    let dir = support::scratch("exec-cwasm");
    let status = support::lamina()
        .arg("compile")
        .arg(support::wasm("exec_child"))
        .arg("-o")
        .arg(dir.join("child"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::set_permissions(dir.join("child"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = support::run_wasm_in(&support::wasm("exec_main"), &["image"], &dir);
    let text = support::text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", support::text(&out.stderr));
    assert!(text.contains("argv[0]: \"chosen argv0\"\n") && !text.contains("FAIL"), "{text}");
}

fn traced(mode: &str, dir: &Path) -> (Output, String) {
    let trace = dir.join("trace");
    let out = support::lamina()
        .arg(format!("--strace={}", trace.display()))
        .arg(support::wasm("exec_main"))
        .arg(mode)
        .current_dir(dir)
        .output()
        .unwrap();
    (out, std::fs::read_to_string(trace).unwrap())
}

#[test]
fn strace_goes_on_across_exec_like_strace_f() {
    let dir = directory_with_child(&support::wasm("exec_child"), "exec-strace");
    let (out, trace) = traced("image", &dir);
    assert_eq!(out.status.code(), Some(0), "{}", support::text(&out.stderr));
    let exec = trace.lines().position(|l| l.starts_with("execve(\"./child\", ")).expect(&trace);
    assert!(trace.lines().nth(exec).unwrap().ends_with("= 0"), "{trace}");
    // The new image's calls follow, unprefixed: it is the same process.
    assert!(trace.lines().skip(exec).any(|l| l.starts_with("fcntl(")), "{trace}");
    assert_eq!(trace.matches("+++ exited").count(), 1, "{trace}");
    assert!(trace.ends_with("\n+++ exited with 0 +++\n"), "{trace}");

    // A forked child's exec and its new image keep the child's prefix.
    let (_, trace) = traced("fork", &dir);
    let child = trace.lines().find(|l| l.starts_with("[pid ") && l.contains("] execve(\"./child\"")).expect(&trace);
    let prefix = &child[..child.find(']').unwrap() + 1];
    assert!(trace.contains(&format!("{prefix} +++ exited with 42 +++\n")), "{trace}");
    assert!(trace.ends_with("\n+++ exited with 0 +++\n"), "{trace}");
}

#[test]
fn failed_execs_are_traced_once_with_their_error() {
    let dir = directory_with_child(&support::wasm("exec_child"), "exec-strace-errors");
    let (_, trace) = traced("errors", &dir);
    let garbage: Vec<&str> = trace.lines().filter(|l| l.starts_with("execve(\"./garbage\"")).collect();
    assert_eq!(garbage.len(), 1, "{trace}");
    assert!(garbage[0].ends_with("= -1 ENOEXEC (Exec format error)"), "{trace}");
}

#[test]
fn exec_leaves_no_files_behind() {
    let listing = || -> Vec<String> {
        std::fs::read_dir("/tmp")
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into())
            .collect()
    };
    let before = listing();
    same_as_native("image");
    same_as_native("fork");
    let new: Vec<String> = listing()
        .into_iter()
        .filter(|n| !before.contains(n) && (n.contains("lamina") || n.contains("wali") || n.contains("env")))
        .collect();
    assert!(new.is_empty(), "new files in /tmp: {new:?}");
}

#[test]
fn hostile_exec_and_clone_arguments() {
    let out = support::wasm_passes("hostile_exec", &[]);
    assert!(out.ends_with("done\n"), "{out}");
}
