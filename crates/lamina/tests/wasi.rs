//! WASI preview 1 programs (tests/wasi/*.c, built with clang-22 and Debian's
//! wasi-libc), run three ways and compared:
//!
//! - `posix_*.c` are ordinary POSIX programs, also built natively with gcc:
//!   the native build (cwd = a fresh directory), wasmtime's own WASI
//!   (`tools/wasmtime_wasi.py`, the directory preopened as `.`) and
//!   `lamina run --dir DIR::.` must print the same stdout, end with the same
//!   status and leave the same files behind.
//! - `wasi_*.c` call `wasi_snapshot_preview1` directly (every function, WASI
//!   errno numbers, escape attempts from the preopen, hostile pointers): no
//!   native build; wasmtime is the reference for Lamina, with the directory
//!   preopened as `/sandbox`.
//! - `posix_io.c` modes the harness takes part in (a pipe it writes to and
//!   closes, a listening socket as stdin) are compared with the native
//!   build only; the layering itself is checked by `--strace` and by a
//!   stand-in layer the sandbox must contain.
//!
//! Every program also checks what WASI pins down and prints a FAIL line when
//! a check fails, which fails the test even if the engines agree.
//! docs/wasi.md ("Tests") lists what each program covers and the places
//! where wasmtime and Linux differ.
//!
//! The `lamina` tests need Lamina's WASI support (the runtime's linking and
//! the layer, build/wasi/wasi_snapshot_preview1.wasm or $LAMINA_WASI_LAYER);
//! without it they fail with a message saying so.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Far longer than any program needs (the slowest sleeps 20 ms); one still
/// running then is hung and is killed so the test fails.
const HANG: Duration = Duration::from_secs(60);

/// The secret the escape attempts try to reach, beside the preopen.
const SECRET: &str = "secret\n";

fn sources() -> PathBuf {
    support::repo().join("tests/wasi")
}

/// Where the builds are kept between runs (rebuilt when a source is newer).
fn build_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Builds tests/wasi/<name>.c with `compiler` (its flags given, the output
/// appended) into build_dir()/<name>.<suffix>, unless that is newer than the
/// program and the headers it includes. The output is written under a
/// temporary name and renamed into place, so concurrent test processes never
/// see half a file; within this process one build runs at a time.
fn build(name: &str, suffix: &str, compiler: &str, flags: &[&str]) -> PathBuf {
    static BUILDING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    let src = sources().join(format!("{name}.c"));
    let out = build_dir().join(format!("{name}.{suffix}"));
    let inputs = [
        src.clone(),
        sources().join("posix.h"),
        sources().join("wasi_raw.h"),
        support::repo().join("tests/libc/check.h"),
    ];
    if inputs.iter().all(|input| modified(input) < modified(&out)) {
        return out;
    }
    let tmp = out.with_extension(format!("{suffix}.tmp{}", std::process::id()));
    let result = Command::new(compiler)
        .args(flags)
        .arg(&src)
        .arg("-o")
        .arg(&tmp)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(result.status.success(), "{compiler} failed to build {name}.c:\n{}", support::text(&result.stderr));
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// The WASI module: Debian's wasi-libc is found by clang through the
/// `wasm32-wasi` triple only (`wasm32-wasip1`, the new spelling, does not
/// find its sysroot), so the old name is used and its deprecation silenced.
fn wasi_module(name: &str) -> PathBuf {
    build(name, "wasm", support::CLANG, &["--target=wasm32-wasi", "-Wno-deprecated", "-O2", "-Wall", "-Werror"])
}

fn native(name: &str) -> PathBuf {
    build(name, "native", "gcc", &["-O2", "-w"])
}

/// How a program is run: its arguments (argv[0] aside, which differs
/// between the runners and is never printed), its whole environment, the
/// guest path of the preopened directory and the status it must end with.
#[derive(Clone, Copy)]
struct Run {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    guest_dir: &'static str,
    /// A second preopen: the fixture's `outside`, read-only, under this
    /// guest path (no native run then: natively it is not read-only).
    ro_outside: Option<&'static str>,
    status: i32,
}

const POSIX: Run = Run { args: &[], env: &[], guest_dir: ".", ro_outside: None, status: 0 };
const WASI: Run = Run { guest_dir: "/sandbox", ..POSIX };

/// A fresh directory for one run: `root`, the directory the program works
/// in (preopened, or the native cwd), and beside it `outside/secret.txt`.
/// `host_links` adds links with absolute targets in root, which a WASI
/// program cannot create itself: hostabs -> the secret, hostroot -> /.
struct Fixture {
    dir: PathBuf,
    root: PathBuf,
}

impl Fixture {
    fn new(label: &str, host_links: bool) -> Fixture {
        let dir = support::scratch(label);
        let root = dir.join("root");
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        let secret = dir.join("outside/secret.txt");
        std::fs::write(&secret, SECRET).unwrap();
        if host_links {
            std::os::unix::fs::symlink(&secret, root.join("hostabs")).unwrap();
            std::os::unix::fs::symlink("/", root.join("hostroot")).unwrap();
        }
        Fixture { dir, root }
    }

    /// Everything under the fixture, one line per entry in name order: kind,
    /// path, and a file's contents or a link's target (the fixture's own
    /// path spelt $FIXTURE). Modes and times are left out: wasi-libc ignores
    /// the mode given to open/mkdir, and times are the clock's.
    fn files(&self) -> Vec<String> {
        let mut lines = vec![];
        self.walk(&self.dir, &mut lines);
        lines
    }

    fn walk(&self, dir: &Path, lines: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let name = path.strip_prefix(&self.dir).unwrap().display().to_string();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap().display().to_string();
                let target = target.replace(&self.dir.display().to_string(), "$FIXTURE");
                lines.push(format!("symlink {name} -> {target}"));
            } else if kind.is_dir() {
                lines.push(format!("dir {name}"));
                self.walk(&path, lines);
            } else {
                lines.push(format!("file {name} {:?}", support::text(&std::fs::read(&path).unwrap())));
            }
        }
    }
}

/// What one run produced.
struct Outcome {
    stdout: String,
    /// Exit code, or the signal that killed the runner.
    status: (Option<i32>, Option<i32>),
    files: Vec<String>,
}

struct Finished {
    outcome: Outcome,
    stderr: String,
}

fn finish(cmd: Command, fixture: &Fixture) -> Finished {
    finish_talking(cmd, fixture, Stdio::null(), |_, _| {})
}

/// `finish` for a program the harness talks to (support::run_dialogue).
fn finish_talking(
    cmd: Command,
    fixture: &Fixture,
    stdin: Stdio,
    on_line: impl FnMut(&[u8], &mut Option<ChildStdin>) + Send + 'static,
) -> Finished {
    let out = support::run_dialogue(cmd, stdin, HANG, on_line);
    Finished {
        outcome: Outcome {
            stdout: support::text(&out.stdout),
            status: (out.status.code(), out.status.signal()),
            files: fixture.files(),
        },
        stderr: support::text(&out.stderr),
    }
}

fn native_command(name: &str, how: Run, fixture: &Fixture) -> Command {
    let mut cmd = Command::new(native(name));
    cmd.args(how.args).env_clear().envs(how.env.iter().copied()).current_dir(&fixture.root);
    cmd
}

fn run_native(name: &str, how: Run, fixture: &Fixture) -> Finished {
    finish(native_command(name, how, fixture), fixture)
}

/// The options wasmtime's CLI, our runner and `lamina run` share.
fn wasi_options(cmd: &mut Command, how: Run, fixture: &Fixture) {
    cmd.arg("--dir").arg(format!("{}::{}", fixture.root.display(), how.guest_dir));
    if let Some(guest) = how.ro_outside {
        cmd.arg("--ro-dir").arg(format!("{}::{guest}", fixture.dir.join("outside").display()));
    }
    for (key, value) in how.env {
        cmd.arg("--env").arg(format!("{key}={value}"));
    }
}

fn run_wasmtime(name: &str, how: Run, fixture: &Fixture) -> Finished {
    let module = wasi_module(name);
    let python = support::repo().join(".venv/bin/python");
    let mut cmd = Command::new(&python);
    cmd.arg(support::repo().join("tools/wasmtime_wasi.py"));
    wasi_options(&mut cmd, how, fixture);
    cmd.arg(&module).args(how.args).env_clear().current_dir(&fixture.dir);
    let finished = finish(cmd, fixture);
    assert!(
        !finished.stderr.contains("No module named 'wasmtime'"),
        "the reference runner needs PyPI wasmtime in .venv ({}): pip install wasmtime (scripts/setup.sh does)",
        python.display()
    );
    finished
}

/// Runs the program under `lamina run`, failing with a plain statement (not
/// a diff against empty output) when Lamina cannot run WASI programs at all:
/// a Lamina from before WASI support, or one whose layer is not built
/// (`bash wasi/build.sh`; `LAMINA_WASI_LAYER` names another).
fn run_lamina(name: &str, how: Run, fixture: &Fixture) -> Finished {
    lamina_supported(finish(lamina_command(name, how, fixture, &[]), fixture))
}

/// `lamina run OPTIONS`, the options `how` implies, the module and its args.
fn lamina_command(name: &str, how: Run, fixture: &Fixture, options: &[&str]) -> Command {
    let module = wasi_module(name);
    let mut cmd = support::lamina();
    cmd.arg("run").args(options);
    wasi_options(&mut cmd, how, fixture);
    cmd.arg(&module).args(how.args).current_dir(&fixture.dir);
    cmd
}

fn lamina_supported(finished: Finished) -> Finished {
    let unsupported = ["is not shared; WALI modules are linked", "the layer is not installed"];
    assert!(
        !unsupported.iter().any(|says| finished.stderr.contains(says)),
        "Lamina cannot run WASI preview 1 programs here (issue 10: the runtime's linking and the WASI layer); \
         `lamina run` said:\n{}",
        finished.stderr
    );
    finished
}

/// The reference's own verdict: its checks held and it ended as expected.
fn assert_passes(label: &str, run: &Finished, how: Run) {
    let out = &run.outcome;
    assert!(!out.stdout.contains("FAIL"), "{label} failed its own checks:\n{}\nstderr:\n{}", out.stdout, run.stderr);
    assert_eq!(
        out.status,
        (Some(how.status), None),
        "{label} ended with (code, signal) {:?}, not status {}:\n{}\nstderr:\n{}",
        out.status,
        how.status,
        out.stdout,
        run.stderr
    );
}

/// `tested` must have done exactly what `reference` did.
fn assert_same(what: &str, tested: &Finished, reference: &Finished) {
    let (t, r) = (&tested.outcome, &reference.outcome);
    assert_eq!(
        t.stdout, r.stdout,
        "{what}: stdout differs (left: tested, right: reference)\nstderr:\n{}",
        tested.stderr
    );
    assert_eq!(t.status, r.status, "{what}: exit status differs (code, signal)\nstderr:\n{}", tested.stderr);
    assert_eq!(t.files, r.files, "{what}: the files left behind differ\nstderr:\n{}", tested.stderr);
}

/// Lamina against wasmtime.
fn assert_lamina_like_wasmtime(name: &str, how: Run, host_links: bool) {
    let reference = run_wasmtime(name, how, &Fixture::new(&format!("{name}-wasmtime"), host_links));
    assert_passes(&format!("{name} under wasmtime"), &reference, how);
    let lamina = run_lamina(name, how, &Fixture::new(&format!("{name}-lamina"), host_links));
    assert_same(&format!("{name} {:?}: lamina vs wasmtime", how.args), &lamina, &reference);
}

/// A POSIX program: native and wasmtime agree, then Lamina and wasmtime.
macro_rules! posix_program {
    ($test:ident, $name:literal, $how:expr) => {
        mod $test {
            use super::*;

            #[test]
            fn native_vs_wasmtime() {
                let how = $how;
                let native = run_native($name, how, &Fixture::new(concat!($name, "-native"), false));
                assert_passes(concat!($name, " (native)"), &native, how);
                let wasmtime = run_wasmtime($name, how, &Fixture::new(concat!($name, "-wasmtime"), false));
                assert_same(&format!("{} {:?}: wasmtime vs native", $name, how.args), &wasmtime, &native);
            }

            #[test]
            fn lamina_vs_wasmtime() {
                assert_lamina_like_wasmtime($name, $how, false);
            }
        }
    };
}

/// A WASI-level program: it passes under wasmtime, and Lamina agrees.
macro_rules! wasi_program {
    ($test:ident, $name:literal, $how:expr, host_links: $links:expr) => {
        mod $test {
            use super::*;

            #[test]
            fn wasmtime() {
                let how = $how;
                let run = run_wasmtime($name, how, &Fixture::new(concat!($name, "-wasmtime"), $links));
                assert_passes(concat!($name, " under wasmtime"), &run, how);
            }

            #[test]
            fn lamina_vs_wasmtime() {
                assert_lamina_like_wasmtime($name, $how, $links);
            }
        }
    };
}

posix_program!(posix_files, "posix_files", POSIX);
posix_program!(
    posix_misc,
    "posix_misc",
    Run { args: &["", "two words", "é"], env: &[("WASI_EQ", "a=b"), ("WASI_EMPTY", "")], ..POSIX }
);
posix_program!(posix_misc_exit, "posix_misc", Run { args: &["exit", "9"], status: 9, ..POSIX });

const WASI_API: Run = Run { args: &["one", "two words"], env: &[("WASI_A", "alpha"), ("WASI_EQ", "x=y")], ..WASI };
wasi_program!(wasi_api, "wasi_api", WASI_API, host_links: false);
wasi_program!(wasi_api_exit, "wasi_api", Run { args: &["exit", "17"], status: 17, ..WASI }, host_links: false);
wasi_program!(wasi_api_raise, "wasi_api", Run { args: &["raise"], ..WASI }, host_links: false);
wasi_program!(wasi_escape, "wasi_escape", WASI, host_links: true);

const HOSTILE: Run = Run { env: &[("HOSTILE", "1")], ..WASI };
// The calls wasmtime answers (it traps on out-of-bounds pointers).
wasi_program!(wasi_hostile_answered, "wasi_hostile", Run { args: &["answered"], ..HOSTILE }, host_links: false);

/// Every hostile call, out-of-bounds pointers included, under Lamina alone:
/// each must be answered (EFAULT for the pointers), the program must end
/// normally, and nothing outside the preopen may change.
#[test]
fn wasi_hostile_all_lamina() {
    let fixture = Fixture::new("wasi_hostile-all", false);
    let run = run_lamina("wasi_hostile", HOSTILE, &fixture);
    assert_passes("wasi_hostile (all calls) under Lamina", &run, HOSTILE);
    assert!(run.outcome.stdout.contains("survived\n"), "{}", run.outcome.stdout);
    assert_eq!(std::fs::read_to_string(fixture.dir.join("outside/secret.txt")).unwrap(), SECRET);
}

posix_program!(posix_io_readdir, "posix_io", Run { args: &["readdir"], ..POSIX });

// A second preopen, read-only: no native run (natively nothing is read-only).
wasi_program!(
    posix_io_preopens,
    "posix_io",
    Run { args: &["preopens"], ro_outside: Some("ro"), ..POSIX },
    host_links: false
);

/// Runs `cmd` (posix_io pipe) with stdin a pipe the harness writes one line
/// to when the program says it is ready, and closes when it says so again.
fn pipe_dialogue(cmd: Command, fixture: &Fixture) -> Finished {
    finish_talking(cmd, fixture, Stdio::piped(), |line, stdin| {
        if line == b"ready for data\n" {
            stdin.as_mut().expect("stdin already closed").write_all(b"data\n").unwrap();
        } else if line == b"ready for hang-up\n" {
            *stdin = None;
        }
    })
}

/// poll_oneoff on a pipe that is not ready, then ready, then hung up:
/// natively, under wasmtime and under Lamina alike.
#[test]
fn posix_io_pipe() {
    let how = Run { args: &["pipe"], ..POSIX };
    let fixture = Fixture::new("posix_io-pipe-native", false);
    let native = pipe_dialogue(native_command("posix_io", how, &fixture), &fixture);
    assert_passes("posix_io pipe (native)", &native, how);
    assert!(native.outcome.stdout.contains("empty pipe, 30 ms: poll = 0"), "{}", native.outcome.stdout);
    let fixture = Fixture::new("posix_io-pipe-lamina", false);
    let lamina = lamina_supported(pipe_dialogue(lamina_command("posix_io", how, &fixture, &[]), &fixture));
    assert_same("posix_io pipe: lamina vs native", &lamina, &native);
}

/// Runs `cmd` (posix_io accept) with stdin a listening TCP socket and a
/// client that sends "hello", reads the reply to its end and closes; returns
/// what the program did and what the client read (or why it could not).
fn accept_dialogue(cmd: Command, fixture: &Fixture) -> (Finished, Result<String, String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
        stream.write_all(b"hello").map_err(|e| e.to_string())?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply).map_err(|e| e.to_string())?;
        Ok(reply)
    });
    let finished = finish_talking(cmd, fixture, Stdio::from(OwnedFd::from(listener)), |_, _| {});
    (finished, client.join().unwrap())
}

/// sock_accept, sock_recv (plain, MSG_PEEK, MSG_WAITALL), sock_send and
/// sock_shutdown on a real TCP connection, against the native build.
/// (wasmtime's WASI gives a program no listening socket from its stdin.)
#[test]
fn posix_io_accept() {
    let how = Run { args: &["accept"], ..POSIX };
    let fixture = Fixture::new("posix_io-accept-native", false);
    let (native, native_reply) = accept_dialogue(native_command("posix_io", how, &fixture), &fixture);
    assert_passes("posix_io accept (native)", &native, how);
    assert_eq!(native_reply.as_deref(), Ok("HELLO"));
    let fixture = Fixture::new("posix_io-accept-lamina", false);
    let (lamina, lamina_reply) = accept_dialogue(lamina_command("posix_io", how, &fixture, &[]), &fixture);
    let lamina = lamina_supported(lamina);
    assert_same("posix_io accept: lamina vs native", &lamina, &native);
    assert_eq!(lamina_reply, native_reply, "what the client read");
}

/// `--strace` shows the layer's WALI calls for a WASI program: one tracing
/// for both kinds of program.
#[test]
fn strace_shows_the_layers_calls() {
    let how = Run { args: &["preopens"], ro_outside: Some("ro"), ..POSIX };
    let fixture = Fixture::new("posix_io-strace", false);
    let cmd = lamina_command("posix_io", how, &fixture, &["--strace"]);
    let run = lamina_supported(finish(cmd, &fixture));
    assert_passes("posix_io preopens under --strace", &run, how);
    for call in [r#"openat2(3, "here.txt", "#, r#"openat2(4, "secret.txt", "#, "writev(1, ", "exit_group(0)"] {
        assert!(run.stderr.contains(call), "no `{call}` in the trace:\n{}", run.stderr);
    }
}

/// The second confinement: a layer that misbehaves (a stand-in,
/// tests/guests/wasi_rogue_layer.c, opens whatever path it is given) reaches
/// a file outside the preopen when no directory is given (no sandbox: the
/// test can tell), and is stopped by the sandbox (the syscall layer's path
/// checks, Landlock beneath them) when one is.
#[test]
fn sandbox_confines_the_layer() {
    let fixture = Fixture::new("rogue-layer", false);
    let secret = fixture.dir.join("outside/secret.txt");
    let rogue = support::wasm("wasi_rogue_layer");
    let program = wasi_module("returns");
    let run = |dirs: &[String]| {
        let mut cmd = support::lamina();
        cmd.env("LAMINA_WASI_LAYER", &rogue).arg("run");
        for dir in dirs {
            cmd.arg("--dir").arg(dir);
        }
        cmd.arg(&program).arg(&secret);
        support::run_bounded(cmd, HANG)
    };
    let open = run(&[]);
    assert_eq!(support::text(&open.stdout), format!("read: {SECRET}"), "{}", support::text(&open.stderr));
    let confined = run(&[format!("{}::.", fixture.root.display())]);
    assert_eq!(
        support::text(&confined.stdout),
        "open: -13\n", // EACCES
        "the sandbox let the layer out:\n{}",
        support::text(&confined.stderr)
    );
    assert!(confined.status.success(), "{}", support::text(&confined.stderr));
}
