//! The WALI C library, differentially: each tests/libc/<name>.c is built
//! natively (gcc + glibc) and for WALI (`lamina cc`, the musl port), run
//! both ways and compared (support/differential.rs), in both C ABIs.

mod support;

#[macro_use]
#[path = "support/differential.rs"]
mod differential;

use std::os::unix::process::ExitStatusExt;

use differential::{Run, Suite, run};

const SUITE: Suite = Suite { dir: "libc", extension: "c", native: "gcc", wali: "cc" };

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
    SUITE.compile(SUITE.wali_compiler("ilp32"), "stack", &[], &module, "WALI");
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
    SUITE.lists_every_program(PROGRAMS);
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
