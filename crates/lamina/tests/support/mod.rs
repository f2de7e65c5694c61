//! Shared test harness: builds guest C programs (tests/guests/*.c) both to
//! WALI with clang-22 and natively with gcc, runs them under `lamina` and
//! natively, and compares.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const CLANG: &str = "clang-22";

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A unique scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scratch").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The link flags real WALI binaries are built with.
pub const WALI_FLAGS: &[&str] = &[
    "--target=wasm32-unknown-linux-muslwali",
    "-nostdlib",
    "-O2",
    "-matomics",
    "-mbulk-memory",
    "-Wl,--shared-memory",
    "-Wl,--export-memory",
    "-Wl,--max-memory=2147483648",
];

fn run_compiler(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run compiler for {what}: {e}"));
    assert!(out.status.success(), "compiling {what} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// Compiles into `out` via a temporary file renamed into place, so parallel
/// tests that need the same guest never see a half-written file.
fn build(out: &Path, what: &str, mut cmd: Command) {
    static N: AtomicU64 = AtomicU64::new(0);
    let tmp = out.with_extension(format!("tmp{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    cmd.arg("-o").arg(&tmp);
    run_compiler(&mut cmd, what);
    std::fs::rename(&tmp, out).unwrap();
}

fn source(name: &str) -> PathBuf {
    repo().join("tests/guests").join(format!("{name}.c"))
}

fn include_dir() -> PathBuf {
    repo().join("tests/guests/include")
}

/// Builds tests/guests/<name>.c to WALI; returns the module path.
pub fn wasm(name: &str) -> PathBuf {
    let out = out_dir().join(format!("{name}.wasm"));
    let mut cmd = Command::new(CLANG);
    cmd.args(WALI_FLAGS).arg("-I").arg(include_dir()).arg(source(name));
    build(&out, name, cmd);
    out
}

/// Builds tests/guests/<name>.c natively with gcc; returns the executable.
pub fn native(name: &str) -> PathBuf {
    let out = out_dir().join(format!("{name}.native"));
    let mut cmd = Command::new("gcc");
    cmd.args(["-O1", "-w", "-I"]).arg(include_dir()).arg(source(name));
    build(&out, name, cmd);
    out
}

/// The `lamina` binary under test.
pub fn lamina() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamina"));
    cmd.stdin(Stdio::null());
    // Keep tests independent of the user's cache.
    cmd.env("LAMINA_CACHE_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"));
    cmd
}

/// Runs `lamina run MODULE ARGS…` in `cwd`.
pub fn run_wasm_in(module: &Path, args: &[&str], cwd: &Path) -> Output {
    lamina().arg("run").arg(module).args(args).current_dir(cwd).output().unwrap()
}

/// Runs a native executable with ARGS in `cwd`.
pub fn run_native_in(exe: &Path, args: &[&str], cwd: &Path) -> Output {
    Command::new(exe).args(args).current_dir(cwd).stdin(Stdio::null()).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The differential check: the guest built both ways, run with the same
/// arguments in fresh scratch directories, must print the same stdout and
/// exit with the same status; and every expectation it checks must hold.
/// Returns the (common) stdout.
pub fn same_as_native(name: &str, args: &[&str]) -> String {
    let (module, exe) = (wasm(name), native(name));
    let native_dir = scratch(&format!("{name}-native"));
    let wasm_dir = scratch(&format!("{name}-wasm"));
    let n = run_native_in(&exe, args, &native_dir);
    let w = run_wasm_in(&module, args, &wasm_dir);
    let (nout, wout) = (text(&n.stdout), text(&w.stdout));
    assert_eq!(
        wout,
        nout,
        "stdout differs for {name} (left: lamina, right: native)\nlamina stderr:\n{}",
        text(&w.stderr)
    );
    assert_eq!(w.status.code(), n.status.code(), "exit status differs for {name}\n{}", text(&w.stderr));
    assert!(!nout.contains("FAIL"), "{name} failed its own checks:\n{nout}");
    assert_eq!(n.status.code(), Some(0), "{name} exited non-zero natively:\n{nout}");
    nout
}

/// Runs a WALI-only guest (hostile inputs have no native equivalent) and
/// requires every expectation it prints to hold and the runtime to survive
/// (exit status 0, nothing on stderr but Lamina's own warnings).
pub fn wasm_passes(name: &str, args: &[&str]) -> String {
    let module = wasm(name);
    let dir = scratch(name);
    let w = run_wasm_in(&module, args, &dir);
    let out = text(&w.stdout);
    assert!(!out.contains("FAIL"), "{name} failed:\n{out}\nstderr:\n{}", text(&w.stderr));
    assert_eq!(w.status.code(), Some(0), "{name} exited abnormally:\n{out}\nstderr:\n{}", text(&w.stderr));
    out
}

/// Runs a guest both ways with the same arguments and requires the same
/// stdout and the same wait status (exit code or killing signal), whatever
/// it is; returns lamina's output for further checks.
pub fn same_as_native_status(name: &str, args: &[&str]) -> Output {
    use std::os::unix::process::ExitStatusExt;
    let (module, exe) = (wasm(name), native(name));
    let n = run_native_in(&exe, args, &scratch(&format!("{name}-native")));
    let w = run_wasm_in(&module, args, &scratch(&format!("{name}-wasm")));
    assert_eq!(text(&w.stdout), text(&n.stdout), "stdout differs for {name} {args:?}\n{}", text(&w.stderr));
    assert_eq!(
        (w.status.code(), w.status.signal()),
        (n.status.code(), n.status.signal()),
        "wait status differs for {name} {args:?}\n{}",
        text(&w.stderr)
    );
    w
}

/// Runs `cmd` to completion, killing it (and failing) after `limit`.
pub fn run_bounded(cmd: Command, limit: Duration) -> Output {
    run_dialogue(cmd, Stdio::null(), limit, |_, _| {})
}

/// Runs `cmd` with `stdin` like run_bounded, calling `on_line` with each
/// line the program writes on stdout as it comes and with its stdin
/// (present when `stdin` is `Stdio::piped()`; drop it to close the pipe).
pub fn run_dialogue(
    mut cmd: Command,
    stdin: Stdio,
    limit: Duration,
    mut on_line: impl FnMut(&[u8], &mut Option<ChildStdin>) + Send + 'static,
) -> Output {
    cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("cannot start lamina");
    let deadline = Instant::now() + limit;
    let (tx, rx) = mpsc::channel();
    let mut child_stdin = child.stdin.take();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let stdout_tx = tx.clone();
    std::thread::spawn(move || {
        let mut bytes = vec![];
        while let Ok(n @ 1..) = stdout.read_until(b'\n', &mut bytes) {
            on_line(&bytes[bytes.len() - n..], &mut child_stdin);
        }
        let _ = stdout_tx.send((0, bytes));
    });
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let mut bytes = vec![];
        let _ = stderr.read_to_end(&mut bytes);
        let _ = tx.send((1, bytes));
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut pipes = [vec![], vec![]];
    for _ in 0..2 {
        // A descendant the guest left behind may still hold the pipes.
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_secs(1));
        let (index, bytes) = rx.recv_timeout(left).unwrap_or_else(|_| panic!("{cmd:?}: output still open after exit"));
        pipes[index] = bytes;
    }
    let [stdout, stderr] = pipes;
    Output { status, stdout, stderr }
}
