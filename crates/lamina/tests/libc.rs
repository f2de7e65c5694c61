//! The WALI C library, differentially: each tests/libc/<name>.c is built
//! natively (gcc + glibc) and for WALI (`lamina cc`, the musl port), both
//! are run in fresh scratch directories with the same arguments and the same
//! environment, and must print the same stdout and end with the same status.
//! The programs also check what the standards pin down and print a line
//! starting with FAIL when a check fails, which fails the test even if both
//! builds agree. Every program is tested in both C ABIs of `lamina cc`
//! (`-mabi=wali`, 64-bit long, and `-mabi=ilp32`): native x86-64 has 64-bit
//! long, so the programs print nothing that depends on its size.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

/// Longer than any program needs by far; a program still running then is
/// hung, and is killed so the test fails instead of hanging.
const HANG: Duration = Duration::from_secs(120);

/// How a program is run: its arguments (after argv[0], which differs between
/// the builds and is never printed) and its whole environment (both builds
/// start from an empty one; Lamina gives the guest only what `--env` names).
#[derive(Clone, Copy, Default)]
struct Run {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

fn source(name: &str) -> PathBuf {
    support::repo().join("tests/libc").join(format!("{name}.c"))
}

/// The WALI compiler driver, used like `cc`, for the C ABI `abi`.
fn wali_cc(abi: &str) -> Command {
    let mut cc = support::lamina();
    cc.arg("cc").arg(format!("-mabi={abi}"));
    cc
}

fn compile(mut cc: Command, name: &str, out: &Path, what: &str) {
    let src = source(name);
    cc.args(["-O2", "-w", "-I"]).arg(src.parent().unwrap()).arg(&src).arg("-o").arg(out).arg("-lm");
    let result = cc.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("cannot run the {what} compiler: {e}"));
    assert!(
        result.status.success(),
        "{what} build of {name}.c failed:\n{}{}",
        support::text(&result.stdout),
        support::text(&result.stderr)
    );
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` in a fresh scratch directory, killing it if it hangs.
fn run(mut cmd: Command, label: &str) -> Finished {
    cmd.current_dir(support::scratch(label));
    let out = support::run_bounded(cmd, HANG);
    Finished { status: out.status, stdout: support::text(&out.stdout), stderr: support::text(&out.stderr) }
}

/// Builds tests/libc/<name>.c natively and for WALI in the C ABI `abi`,
/// runs both, and compares.
fn same_as_native(name: &str, abi: &str, how: Run) {
    let name_abi = format!("{name}-{abi}");
    let build = support::scratch(&format!("{name_abi}-build"));
    let (exe, module) = (build.join(name), build.join(format!("{name}.wasm")));
    let mut gcc = Command::new("gcc");
    gcc.arg("-pthread");
    compile(gcc, name, &exe, "native");
    compile(wali_cc(abi), name, &module, "WALI");

    let mut native = Command::new(&exe);
    native.args(how.args).env_clear().envs(how.env.iter().copied());
    let mut lamina = support::lamina();
    lamina.arg("run");
    for (key, value) in how.env {
        lamina.arg("--env").arg(format!("{key}={value}"));
    }
    lamina.arg(&module).args(how.args);

    let n = run(native, &format!("{name_abi}-native"));
    let w = run(lamina, &format!("{name_abi}-wasm"));
    assert_eq!(
        w.stdout, n.stdout,
        "stdout of {name} ({abi}) differs (left: lamina, right: native)\nlamina stderr:\n{}",
        w.stderr
    );
    assert_eq!(
        (w.status.code(), w.status.signal()),
        (n.status.code(), n.status.signal()),
        "exit status of {name} ({abi}) differs (lamina, native: (code, signal))\nlamina stderr:\n{}",
        w.stderr
    );
    assert!(!n.stdout.lines().any(|l| l.starts_with("FAIL")), "{name} failed its own checks:\n{}", n.stdout);
    assert_eq!(n.status.code(), Some(0), "{name} did not succeed natively:\n{}\n{}", n.stdout, n.stderr);
}

/// One test per program and C ABI, <name>::wali and <name>::ilp32 (or only
/// the ABIs listed in brackets after the name), and the list of the
/// programs.
macro_rules! programs {
    ($($name:ident $([$($abi:ident),+])? $(=> $how:expr)?;)*) => {
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            programs!(@tests $name [$($($abi),+)?] programs!(@how $($how)?));
        )*
    };
    (@tests $name:ident [] $how:expr) => { programs!(@tests $name [wali, ilp32] $how); };
    (@tests $name:ident [$($abi:ident),+] $how:expr) => {
        mod $name {
            use super::*;
            $(
                #[test]
                fn $abi() {
                    same_as_native(stringify!($name), stringify!($abi), $how);
                }
            )+
        }
    };
    (@how) => { Run::default() };
    (@how $how:expr) => { $how };
}

programs! {
    dirent;
    env => Run { env: &[("LIBC_A", "alpha"), ("LIBC_EMPTY", ""), ("LIBC_EQ", "x=y=z")], ..Run::default() };
    errno;
    exec_fds;
    exit;
    fifo;
    float_conversions;
    getopt => Run { args: &["-x", "first", "--name=real", "--verbose", "--level", "last"], ..Run::default() };
    io;
    ipc;
    itimers;
    kernel_layouts;
    limits;
    // Keeps a long in a pointer, which WALI's own C ABI (64-bit long, 32-bit
    // pointers) cannot do: the bug this ABI exists for.
    long_in_pointer [ilp32];
    malloc_threads;
    math;
    math_long_rounding;
    mmap;
    printf;
    process => Run { env: &[("PATH", "/usr/bin:/bin")], ..Run::default() };
    process_shared;
    pthreads;
    qsort;
    resources;
    scheduling;
    setjmp;
    signals;
    // CPython's test_signal stress loops (issue 12's lost signals).
    signals_python;
    signals_stress;
    signals_wait;
    sockets;
    stack;
    stdio;
    stdlib;
    string;
    time;
    timers;
    wchar;
    xattr;
}

/// What Lamina says when a guest's stack overflows (the differential test of
/// stack.c checks the status): a stack overflow, on the main thread and on a
/// thread, in wasm code and in memset (a host call, where the thread's guard
/// page faults outside wasm code).
#[test]
fn stack_overflows_are_reported_as_such() {
    let build = support::scratch("stack-report-build");
    let module = build.join("stack.wasm");
    compile(wali_cc("ilp32"), "stack", &module, "WALI");
    let c_stack = "stack overflow: the thread's C stack is exhausted";
    let in_memset = "in a bulk memory operation (memset, memcpy): the page is protected";
    for (mode, expected) in [
        ("overflow", c_stack),
        ("overflow-memset", c_stack),
        ("overflow-thread", c_stack),
        ("overflow-thread-memset", in_memset),
    ] {
        let mut lamina = support::lamina();
        lamina.arg("run").arg(&module).arg(mode);
        let out = run(lamina, &format!("stack-report-{mode}"));
        assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "{mode}: {}", out.stderr);
        assert!(out.stderr.starts_with("lamina: ") && out.stderr.contains(expected), "{mode}: {}", out.stderr);
    }
}

#[test]
fn every_program_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(support::repo().join("tests/libc"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".c").map(str::to_owned))
        .collect();
    found.sort();
    let mut listed: Vec<&str> = PROGRAMS.to_vec();
    listed.sort();
    assert_eq!(found, listed, "tests/libc/*.c and the programs! list must name the same programs");
}

/// Misuses of the heap (double frees, frees of pointers the allocator never
/// gave, a corrupted free-list link...) stop the program with a signal in
/// both C ABIs (tests/malloc/run.sh: not differential, as glibc and musl
/// each miss some of them).
#[test]
fn heap_misuse_stops_the_program() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new("bash")
        .arg(root.join("tests/malloc/run.sh"))
        .env("LAMINA", env!("CARGO_BIN_EXE_lamina"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("malloc hardening: all misuses stopped"), "{stdout}");
    for mode in ["double", "interior", "corrupt-link", "usable-size-invalid"] {
        assert!(stdout.lines().any(|l| l.starts_with(mode)), "{mode} was not tried:\n{stdout}");
    }
}
