//! The harness shared by the application tests (crates/lamina/tests/app*.rs):
//! builds an application from Debian's source with apps/build.sh and runs its
//! two builds (WALI under `lamina run`, native) the same way, comparing them.
#![allow(dead_code)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{lamina, repo, scratch, text};

/// One application's two builds.
pub struct App {
    /// argv[0] both builds are given, so that messages naming it agree.
    pub name: &'static str,
    pub wasm: PathBuf,
    pub native: PathBuf,
    /// Each build is given its own path as argv[0] instead of `name`: a
    /// program that finds its files next to its executable (CPython in its
    /// build tree) needs it.
    pub argv0_is_path: bool,
}

/// Builds APP (a target of apps/build.sh) once per test process with apps/build.sh
/// (cached in build/apps; it compiles with build/bin/lamina-cc, the `lamina`
/// under test as toolchain/install-bin.sh installs it), then runs the module
/// once so that it is in the compile cache before tests run it in parallel.
pub fn build(app: &str, name: &'static str, version_flag: &str) -> App {
    apps_build(app);
    warm(program(name), version_flag)
}

/// Builds APP like `build`, for a program that is run from its build trees
/// (build/apps/WASM and build/apps/NATIVE), with argv[0] its path.
pub fn build_in_tree(app: &str, name: &'static str, wasm: &str, native: &str, version_flag: &str) -> App {
    apps_build(app);
    let apps = repo().join("build/apps");
    warm(App { name, wasm: apps.join(wasm), native: apps.join(native), argv0_is_path: true }, version_flag)
}

fn apps_build(app: &str) {
    let out =
        Command::new("bash").arg(repo().join("apps/build.sh")).arg(app).output().expect("cannot run apps/build.sh");
    assert!(
        out.status.success(),
        "apps/build.sh {app} failed ({}):\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Runs BUILT's module once so that it is in the compile cache before tests
/// run it in parallel.
fn warm(built: App, version_flag: &str) -> App {
    let name = built.name;
    let warm = lamina().arg("run").arg(&built.wasm).arg(version_flag).output().unwrap();
    assert!(warm.status.success(), "{name}.wasm {version_flag} failed:\n{}", text(&warm.stderr));
    built
}

impl App {
    /// The same two builds, given NAME as argv[0] (which selects what a
    /// multi-call program does).
    pub fn named(&self, name: &'static str) -> App {
        App { name, wasm: self.wasm.clone(), native: self.native.clone(), argv0_is_path: self.argv0_is_path }
    }
}

/// Another program of an application that `build` built, published in
/// build/apps/bin as NAME.wasm and NAME.
pub fn program(name: &'static str) -> App {
    let bin = repo().join("build/apps/bin");
    App { name, wasm: bin.join(format!("{name}.wasm")), native: bin.join(name), argv0_is_path: false }
}

/// `make`, run natively or (`via_binfmt`) under `lamina binfmt exec`, so that
/// a test suite's make executes the WALI build's modules.
pub fn make_command(via_binfmt: bool) -> Command {
    if via_binfmt {
        let mut cmd = lamina();
        cmd.args(["binfmt", "exec", "make"]);
        cmd
    } else {
        Command::new("make")
    }
}

/// Runs `make ARGS` (an application's own test suite) in both of its build
/// directories, build/apps/APP/wasm under `lamina binfmt exec` so that the
/// suite executes the modules, and build/apps/APP/native; returns each
/// build's name ("WALI", "native") and output.
pub fn make_in_both_builds(app: &str, args: &[&str]) -> [(&'static str, Output); 2] {
    let build = repo().join("build/apps").join(app);
    let mut wasm = make_command(true);
    wasm.args(args).current_dir(build.join("wasm"));
    let mut native = make_command(false);
    native.args(args).current_dir(build.join("native"));
    [("WALI", wasm.output().unwrap()), ("native", native.output().unwrap())]
}

/// A scratch directory for each build of one test.
pub struct Dirs {
    pub wasm: PathBuf,
    pub native: PathBuf,
}

pub fn dirs(test: &str) -> Dirs {
    Dirs { wasm: scratch(&format!("{test}-wasm")), native: scratch(&format!("{test}-native")) }
}

/// Both builds see only TZ=UTC in their environment.
pub const TZ: &str = "TZ=UTC";

pub fn run(mut cmd: Command, stdin: impl AsRef<[u8]>) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.as_ref().to_vec();
    // Written from another thread, as the program may fill its stdout before
    // it reads all of a large input; and it may exit without reading it all.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

pub fn run_wasm(app: &App, dir: &Path, args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut cmd = lamina();
    cmd.arg("run");
    if !app.argv0_is_path {
        cmd.args(["--argv0", app.name]);
    }
    cmd.args(["--env", TZ]).arg(&app.wasm).args(args).current_dir(dir);
    run(cmd, stdin)
}

pub fn run_native(app: &App, dir: &Path, args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut cmd = Command::new(&app.native);
    let (var, value) = TZ.split_once('=').unwrap();
    if !app.argv0_is_path {
        cmd.arg0(app.name);
    }
    cmd.args(args).env_clear().env(var, value).current_dir(dir);
    run(cmd, stdin)
}

/// Runs both builds, each in its own directory of `dirs`, and requires the
/// same stdout and exit status; returns both outputs (lamina's first).
pub fn same(app: &App, dirs: &Dirs, args: &[&str], stdin: &str) -> (Output, Output) {
    let w = run_wasm(app, &dirs.wasm, args, stdin);
    let n = run_native(app, &dirs.native, args, stdin);
    let what = format!("{} {args:?}", app.name);
    assert_eq!(
        text(&w.stdout),
        text(&n.stdout),
        "stdout differs for {what} (left: lamina, right: native)\nlamina stderr:\n{}\nnative stderr:\n{}",
        text(&w.stderr),
        text(&n.stderr)
    );
    assert_eq!(
        w.status.code(),
        n.status.code(),
        "exit status differs for {what}\nlamina stderr:\n{}\nnative stderr:\n{}",
        text(&w.stderr),
        text(&n.stderr)
    );
    (w, n)
}

/// `same` for binary data: both builds get STDIN and must write the same
/// bytes and exit with the same status; returns both outputs (lamina's first).
pub fn same_bytes(app: &App, dirs: &Dirs, args: &[&str], stdin: &[u8]) -> (Output, Output) {
    let w = run_wasm(app, &dirs.wasm, args, stdin);
    let n = run_native(app, &dirs.native, args, stdin);
    let what = format!("{} {args:?}", app.name);
    assert!(
        w.stdout == n.stdout,
        "stdout differs for {what}: {} bytes from lamina, {} natively\nlamina stderr:\n{}\nnative stderr:\n{}",
        w.stdout.len(),
        n.stdout.len(),
        text(&w.stderr),
        text(&n.stderr)
    );
    assert_eq!(w.status.code(), n.status.code(), "exit status differs for {what}\nlamina stderr:\n{}", text(&w.stderr));
    (w, n)
}

/// Text of about SIZE bytes, the same every time: lines of words drawn from
/// a small vocabulary by a fixed pseudo-random sequence, with numbers, as
/// compressible as ordinary text; data for compressors and text tools.
pub fn corpus(size: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "mike", "november", "oscar", "papa",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(size + 100);
    let mut line = 0u64;
    while out.len() < size {
        line += 1;
        out.extend_from_slice(format!("{line}").as_bytes());
        for _ in 0..(next() % 12) {
            let r = next();
            out.push(b' ');
            out.extend_from_slice(WORDS[(r % 16) as usize].as_bytes());
            if r % 7 == 0 {
                out.extend_from_slice(format!(" {}", r % 100_000).as_bytes());
            }
        }
        out.push(b'\n');
    }
    out
}

/// `same`, for a run that must succeed; returns its stdout.
pub fn same_ok(app: &App, dirs: &Dirs, args: &[&str], stdin: &str) -> String {
    let (w, _) = same(app, dirs, args, stdin);
    assert_eq!(w.status.code(), Some(0), "{} {args:?} failed:\n{}", app.name, text(&w.stderr));
    text(&w.stdout)
}

/// `same`, for a run that must fail with the same message on stderr.
pub fn same_failure(app: &App, dirs: &Dirs, args: &[&str], stdin: &str) -> String {
    let (w, n) = same(app, dirs, args, stdin);
    assert_ne!(w.status.code(), Some(0), "{} {args:?} should have failed", app.name);
    assert_eq!(text(&w.stderr), text(&n.stderr), "stderr differs for {} {args:?}", app.name);
    text(&w.stderr)
}

pub fn assert_has(out: &str, expected: &[&str]) {
    for line in expected {
        assert!(out.lines().any(|l| l == *line), "missing line {line:?} in:\n{out}");
    }
}
