//! The runtime as a user meets it: exit statuses, crashes, argv, the
//! environment, unknown imports, the compile cache and AOT artifacts.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use support::{lamina, scratch, text};

/// Writes a WAT module into `dir` and returns its path.
fn wat_module(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wat"));
    std::fs::write(&path, body).unwrap();
    let wasm = dir.join(format!("{name}.wasm"));
    let out = std::process::Command::new("wat2wasm")
        .args(["--enable-threads", "--debug-names"])
        .arg(&path)
        .arg("-o")
        .arg(&wasm)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    wasm
}

/// A module whose `_start` runs `body`, with a helper import of `__proc_exit`.
fn program(dir: &Path, name: &str, imports: &str, body: &str) -> PathBuf {
    wat_module(
        dir,
        name,
        &format!(
            r#"(module
  (import "wali" "__proc_exit" (func $exit (param i32)))
  {imports}
  (memory 1 32768 shared)
  (export "memory" (memory 0))
  {body})"#
        ),
    )
}

#[test]
fn exit_status_is_the_guests_low_byte() {
    let dir = scratch("exit");
    for (code, want) in [(0, 0), (42, 42), (300, 44)] {
        let m = program(
            &dir,
            &format!("exit{code}"),
            "",
            &format!(r#"(func (export "_start") (call $exit (i32.const {code})))"#),
        );
        let out = lamina().arg("run").arg(&m).output().unwrap();
        assert_eq!(out.status.code(), Some(want), "{}", text(&out.stderr));
    }
    let m = program(&dir, "returns", "", r#"(func (export "_start"))"#);
    assert_eq!(lamina().arg(&m).status().unwrap().code(), Some(0));
}

#[test]
fn sys_exit_declared_without_a_result_still_exits() {
    let dir = scratch("sysexit");
    let m = program(
        &dir,
        "sysexit",
        r#"(import "wali" "SYS_exit" (func $sys_exit (param i32)))"#,
        r#"(func (export "_start") (call $sys_exit (i32.const 7)) unreachable)"#,
    );
    let out = lamina().arg("run").arg(&m).output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
}

fn crash(name: &str, body: &str) -> (std::process::ExitStatus, String) {
    let dir = scratch(name);
    let m = program(&dir, name, "", body);
    let out = lamina().arg("run").arg(&m).output().unwrap();
    (out.status, text(&out.stderr))
}

#[test]
fn traps_end_the_process_like_the_matching_native_crash() {
    let (status, err) = crash(
        "oob",
        r#"(func $load_far (result i32) (i32.load (i32.const 0x7ffffff0)))
           (func (export "_start") (drop (call $load_far)))"#,
    );
    assert_eq!(status.signal(), Some(libc::SIGSEGV), "{err}");
    assert!(err.contains("wasm trap: out of bounds memory access"), "{err}");
    assert!(err.contains("wasm backtrace") && err.contains("load_far"), "{err}");

    let (status, err) = crash("unreachable", r#"(func $boom (export "_start") unreachable)"#);
    assert_eq!(status.signal(), Some(libc::SIGILL), "{err}");
    assert!(err.contains("boom"), "{err}");

    let (status, err) = crash("divide", r#"(func (export "_start") (drop (i32.div_s (i32.const 1) (i32.const 0))))"#);
    assert_eq!(status.signal(), Some(libc::SIGFPE), "{err}");
    assert!(err.contains("integer divide by zero"), "{err}");
}

/// A recursion that keeps `depth` native wasm frames alive at once.
fn recursion(dir: &Path, depth: u32) -> PathBuf {
    program(
        dir,
        &format!("recurse{depth}"),
        "",
        &format!(
            r#"(func $down (param i32) (result i32)
                 (if (result i32) (i32.eqz (local.get 0))
                   (then (i32.const 0))
                   (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
               (func (export "_start")
                 (call $exit (i32.ne (call $down (i32.const {depth})) (i32.const {depth}))))"#
        ),
    )
}

#[test]
fn the_default_stack_is_native_sized_and_overflow_is_a_crash() {
    let dir = scratch("stack");
    // 100k frames need several MiB of stack: more than wasmtime's default
    // 512 KiB, less than the 8 MiB a native main thread has.
    let deep = recursion(&dir, 100_000);
    let out = lamina().arg("run").arg(&deep).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = lamina().arg("run").arg("--stack-size=512K").arg(&deep).output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "{}", text(&out.stderr));
    let report = text(&out.stderr);
    assert!(report.contains("stack overflow: the wasm call stack is exhausted"), "{report}");
    assert!(report.contains("call stack exhausted"), "{report}");
}

#[test]
fn argv_zero_is_the_module_path_as_given_and_options_stop_there() {
    let module = support::wasm("hello");
    let dir = module.parent().unwrap();
    let out = lamina().current_dir(dir).args(["run", "hello.wasm", "--env", "-v"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("argc: 3\narg: --env\narg: -v\n"), "{stdout}");
    // The short form (iwasm-style) behaves the same.
    let out = lamina().current_dir(dir).args(["hello.wasm", "x"]).output().unwrap();
    assert!(text(&out.stdout).starts_with("argc: 2\narg: x\n"));
}

#[test]
fn the_environment_is_empty_unless_given() {
    let module = support::wasm("runtime_env");
    let out = lamina().arg("run").arg(&module).env("LAMINA_SECRET", "leak").output().unwrap();
    assert_eq!(text(&out.stdout), "has-env-file: 0\n");

    let dir = scratch("envfile");
    let file = dir.join("vars.env");
    std::fs::write(&file, "FROM_FILE=1\nSHARED=file\n").unwrap();
    let out = lamina()
        .arg("run")
        .arg(format!("--env-file={}", file.display()))
        .args(["--env", "SHARED=flag", "--env=EMPTY="])
        .arg(&module)
        .env("LAMINA_SECRET", "leak")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("FAIL"), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("---\nFROM_FILE=1\nSHARED=flag\nEMPTY=\n---\n"), "{stdout}");
    assert!(!stdout.contains("LAMINA_SECRET"));

    let out = lamina().args(["run", "--inherit-env"]).arg(&module).env("LAMINA_SECRET", "shared").output().unwrap();
    assert!(text(&out.stdout).contains("LAMINA_SECRET=shared\n"));
}

/// Runs a module that calls its one `wali` import `name` (of wasm type
/// `params -> i64`) twice with `args` and exits with the second result
/// negated: the errno.
fn called_twice(name: &str, params: &str, args: &str) -> std::process::Output {
    let dir = scratch(name);
    let import = format!(r#"(import "wali" "{name}" (func $f (param {params}) (result i64)))"#);
    let start = format!(
        r#"(func (export "_start")
             (drop (call $f {args}))
             (call $exit (i32.wrap_i64 (i64.sub (i64.const 0) (call $f {args})))))"#
    );
    let m = program(&dir, name, &import, &start);
    lamina().arg("run").arg(&m).output().unwrap()
}

#[test]
fn unknown_wali_imports_return_enosys_and_warn_once() {
    let out = called_twice("SYS_bogus_call", "i32", "(i32.const 1)");
    assert_eq!(out.status.code(), Some(libc::ENOSYS), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.matches("SYS_bogus_call").count(), 1, "{err}");
}

#[test]
fn refused_syscalls_return_their_errno_and_say_why_once() {
    let zeros = "(i32.const 0) (i32.const 0) (i32.const 0) (i64.const 0) (i32.const 0)";
    let out = called_twice("SYS_mount", "i32 i32 i32 i64 i32", zeros);
    assert_eq!(out.status.code(), Some(libc::EPERM), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.matches("SYS_mount is refused (mounts and namespaces").count(), 1, "{err}");
    assert!(err.contains("the guest gets EPERM"), "{err}");
}

#[test]
fn imports_from_other_modules_are_a_clear_error() {
    let dir = scratch("foreign");
    let m = program(&dir, "foreign", r#"(import "env" "helper" (func))"#, r#"(func (export "_start"))"#);
    let out = lamina().arg("run").arg(&m).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`env.helper`"), "{}", text(&out.stderr));
}

#[test]
fn invalid_modules_are_reported_plainly() {
    let dir = scratch("invalid");
    let path = dir.join("not.wasm");
    std::fs::write(&path, b"#!/bin/sh\necho hi\n").unwrap();
    let out = lamina().arg("run").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not a WebAssembly module"), "{}", text(&out.stderr));
    let out = lamina().arg("run").arg(dir.join("missing.wasm")).output().unwrap();
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));
}

#[test]
fn the_second_run_hits_the_compile_cache() {
    let module = support::wasm("hello");
    let cache = scratch("cache");
    let run = |extra: &[&str]| {
        let out = lamina().env("LAMINA_CACHE_DIR", &cache).arg("-v").args(extra).arg(&module).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        text(&out.stderr)
    };
    assert!(run(&[]).contains(": compiled in"));
    assert!(run(&[]).contains(": loaded from the compile cache in"));
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1, "one artifact, no temporary files left");
    assert!(run(&["--no-cache"]).contains(": compiled in"));
}

#[test]
fn a_precompiled_artifact_runs() {
    let module = support::wasm("hello");
    let dir = scratch("aot");
    let cwasm = dir.join("hello.cwasm");
    let out = lamina().arg("compile").arg(&module).arg("-o").arg(&cwasm).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = lamina().args(["run", "-v"]).arg(&cwasm).arg("aot").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("arg: aot\n"));
    assert!(text(&out.stderr).contains("loaded precompiled"));
}

#[test]
fn strace_goes_to_a_file_and_summarises() {
    let module = support::wasm("hello");
    let dir = scratch("strace");
    let trace = dir.join("trace.txt");
    let out =
        lamina().arg(format!("--strace={}", trace.display())).arg("--strace-summary").arg(&module).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let trace = std::fs::read_to_string(trace).unwrap();
    // strace aligns results at column 40.
    let line = |call: &str, result: &str| format!("{call:<40}= {result}\n");
    assert!(trace.contains(&line("write(1, \"hello\\n\", 6)", "6")), "{trace}");
    assert!(trace.contains(&line("write(-1, \"x\", 1)", "-1 EBADF (Bad file descriptor)")), "{trace}");
    assert!(trace.contains("+++ exited with 0 +++"), "{trace}");
    assert!(trace.contains("% time     seconds  usecs/call     calls    errors syscall"), "{trace}");
    assert!(trace.contains("         1 write\n") || trace.contains(" write\n"), "{trace}");
}

#[test]
fn the_strace_output_descriptor_is_out_of_the_guests_reach() {
    let module = support::wasm("strace_hidden_fd");
    let dir = scratch("strace-hidden");
    let (trace, data) = (dir.join("trace.txt"), dir.join("data.txt"));
    let out = lamina().arg(format!("--strace={}", trace.display())).arg(&module).arg(&data).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    // The guest's file has the guest's data only, and the trace goes on
    // after the guest closed every descriptor above 2.
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "guest data\n");
    let trace = std::fs::read_to_string(trace).unwrap();
    assert!(trace.contains("write(3, \"guest data\\n\", 11)"), "{trace}");
    assert!(trace.contains("+++ exited with 0 +++"), "{trace}");
}

#[test]
fn profile_perfmap_names_the_compiled_functions_for_perf_and_keeps_no_descriptor() {
    let dir = scratch("perfmap");
    // The program exits with the descriptor openat gives: 3 unless the
    // runtime kept one of its own in the guest's table. One function has
    // a C++ name (`lamina::first_free_descriptor()`).
    let m = program(
        &dir,
        "perfmap",
        r#"(import "wali" "SYS_openat" (func $openat (param i32 i32 i32 i32) (result i64)))
           (data (i32.const 1024) "/dev/null\00")"#,
        r#"(func $_ZN6lamina21first_free_descriptorEv (result i32)
             (i32.wrap_i64 (call $openat (i32.const -100) (i32.const 1024) (i32.const 0) (i32.const 0))))
           (func $start (export "_start") (call $exit (call $_ZN6lamina21first_free_descriptorEv)))"#,
    );
    // Compiled by this run (no cache), so perf has no other source of names.
    let child = lamina().args(["--profile=perfmap", "--no-cache"]).arg(&m).stderr(Stdio::piped()).spawn().unwrap();
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let out = child.wait_with_output().unwrap();
    let text_of_map = std::fs::read_to_string(&map);
    let mode = std::fs::metadata(&map).map(|m| m.permissions().mode() & 0o777);
    let _ = std::fs::remove_file(&map);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let text_of_map = text_of_map.unwrap();
    assert_eq!(mode.unwrap(), 0o600);
    let mut names = vec![];
    for line in text_of_map.lines() {
        let fields: Vec<&str> = line.splitn(3, ' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert!(u64::from_str_radix(fields[0], 16).unwrap() > 0, "{line}");
        assert!(u64::from_str_radix(fields[1], 16).unwrap() > 0, "{line}");
        names.push(fields[2]);
    }
    assert!(names.contains(&"start"), "{text_of_map}");
    assert!(names.contains(&"lamina::first_free_descriptor()"), "{text_of_map}");

    let out = lamina().arg("--profile=jitdump").arg(&m).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--profile=jitdump: not supported"), "{}", text(&out.stderr));
}

#[test]
fn help_and_version() {
    let out = lamina().arg("--help").output().unwrap();
    assert!(text(&out.stdout).contains("lamina run [OPTIONS] MODULE [ARGS...]"));
    let out = lamina().arg("--version").output().unwrap();
    assert!(text(&out.stdout).starts_with("lamina "));
    let out = lamina().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn setjmp_imports_return_zero_and_longjmp_ends_the_process_saying_why() {
    let dir = scratch("setjmp");
    let m = program(
        &dir,
        "setjmp",
        r#"(import "wali" "setjmp" (func $setjmp (param i32) (result i32)))
           (import "wali" "sigsetjmp" (func $sigsetjmp (param i32 i32) (result i32)))
           (import "wali" "longjmp" (func $longjmp (param i32 i32)))"#,
        r#"(func (export "_start")
             (if (i32.ne (call $setjmp (i32.const 1024)) (i32.const 0)) (then (call $exit (i32.const 9))))
             (if (i32.ne (call $sigsetjmp (i32.const 2048) (i32.const 1)) (i32.const 0)) (then (call $exit (i32.const 10))))
             (call $longjmp (i32.const 1024) (i32.const 1))
             (call $exit (i32.const 11)))"#,
    );
    let out = lamina().arg("run").arg(&m).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("longjmp"), "{}", text(&out.stderr));
}
