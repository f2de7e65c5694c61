//! The guest-side syscall fuzzer (tools/fuzz/wali_fuzz.c), short and seeded:
//! a few seeds of some thousands of calls each, under `--sandbox --dir
//! <scratch>` and limits. The runtime must survive every one (status 0 and
//! the fuzzer's final line; a runtime crash is a signal, or status 1 with
//! "lamina: error"), never hang, never panic, and the files outside the
//! scratch directory that the fuzzer aims at must be unchanged. The fuzzer
//! itself reports (as "fuzz: FINDING" lines and status 3) any call that read
//! or wrote outside linear memory, any signal mask a call left behind, and
//! any forked child that did not end. The long run is tools/fuzz/run.py;
//! what it found is in tools/fuzz/results.md.
//!
//! Also here: the regression guests of what the fuzzer found
//! (tools/fuzz/regressions/*.c), and the check that the fuzzer's call table
//! covers every WALI import.
//!
//! Needs the WALI sysroot (build/sysroot).

mod support;

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::{repo, run_bounded, scratch, text};

/// The short run: seeds and calls per seed (a few seconds in all).
const SEEDS: [u64; 3] = [1, 2, 3];
const CALLS: u64 = 20_000;
/// Far longer than a run of CALLS takes (about 2 s); a run still going then
/// has hung.
const HANG: Duration = Duration::from_secs(60);

/// The imports that are not syscalls: WALI's auxiliary functions and the
/// ones Lamina links beyond them (lamina-wali's aux.rs).
const AUX: [&str; 12] = [
    "__init",
    "__deinit",
    "__proc_exit",
    "__cl_get_argc",
    "__cl_get_argv_len",
    "__cl_copy_argv",
    "__get_init_envfile",
    "__wasm_thread_spawn",
    "__clone",
    "setjmp",
    "sigsetjmp",
    "longjmp",
];

/// Builds a C file of the repository with `lamina cc -O2`.
fn build(source: &str, name: &str) -> PathBuf {
    assert!(
        repo().join("build/sysroot/lib/libc.a").is_file(),
        "the WALI sysroot is missing: build it with toolchain/build-sysroot.sh"
    );
    let out = scratch(&format!("{name}-build")).join(format!("{name}.wasm"));
    let result = support::lamina()
        .args(["cc", "-O2", "-o"])
        .arg(&out)
        .arg(repo().join(source))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(result.status.success(), "building {source} failed:\n{}", text(&result.stderr));
    out
}

/// `lamina run --sandbox --dir DIR --max-memory=256M --max-threads=16
/// --max-cpu=30 MODULE ARGS...` in DIR, bounded.
fn run_sandboxed(module: &Path, args: &[&str], dir: &Path) -> Output {
    let mut cmd = support::lamina();
    cmd.args(["run", "--sandbox", "--dir"])
        .arg(dir)
        .args(["--max-memory=256M", "--max-threads=16", "--max-cpu=30"])
        .arg(module)
        .args(args)
        .current_dir(dir);
    run_bounded(cmd, HANG)
}

/// What must not change outside the scratch directory.
#[derive(Debug, PartialEq, Eq)]
struct FileState {
    path: PathBuf,
    bytes: Vec<u8>,
    mode: u32,
    owner: (u32, u32),
    mtime: (i64, i64),
}

/// The bytes, mode, owner and modification time of each file.
fn snapshot(paths: &[PathBuf]) -> Vec<FileState> {
    paths
        .iter()
        .map(|p| {
            let m = std::fs::symlink_metadata(p).unwrap();
            FileState {
                path: p.clone(),
                bytes: if m.is_file() { std::fs::read(p).unwrap() } else { vec![] },
                mode: m.mode(),
                owner: (m.uid(), m.gid()),
                mtime: (m.mtime(), m.mtime_nsec()),
            }
        })
        .collect()
}

#[test]
fn short_seeded_fuzz_runs_leave_the_runtime_and_the_host_intact() {
    let module = build("tools/fuzz/wali_fuzz.c", "wali_fuzz");
    let base = scratch("fuzz");
    let outside = base.join("outside");
    std::fs::create_dir(&outside).unwrap();
    let sentinel = outside.join("sentinel");
    std::fs::write(&sentinel, b"not yours\n").unwrap();
    std::fs::set_permissions(&sentinel, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let watched = [outside.clone(), sentinel.clone()];
    let before = snapshot(&watched);
    let listing = |d: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        names
    };
    let outside_names = listing(&outside);

    for seed in SEEDS {
        let dir = base.join(format!("scratch-{seed}"));
        std::fs::create_dir(&dir).unwrap();
        let (seed_arg, calls_arg) = (seed.to_string(), CALLS.to_string());
        let args = [seed_arg.as_str(), &calls_arg, "-x", sentinel.to_str().unwrap(), "-x", outside.to_str().unwrap()];
        let out = run_sandboxed(&module, &args, &dir);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let context = format!(
            "seed {seed}: status {:?} (signal {:?})\nstdout:\n{stdout}\nstderr (without warnings):\n{}",
            out.status.code(),
            out.status.signal(),
            stderr.lines().filter(|l| !l.starts_with("lamina: warning:")).collect::<Vec<_>>().join("\n")
        );
        assert_eq!(out.status.code(), Some(0), "the fuzzer did not finish cleanly\n{context}");
        assert_eq!(
            stdout.lines().last(),
            Some(format!("fuzz: {CALLS} calls, seed {seed}").as_str()),
            "no final line\n{context}"
        );
        assert!(!stderr.contains("panicked"), "the runtime panicked\n{context}");
        assert!(!stderr.contains("lamina: error"), "the runtime failed\n{context}");
        assert!(!stderr.contains("FINDING"), "the fuzzer found something\n{context}");
        // Every import was called (those that end a process, in forked children).
        let imports = stdout.lines().find(|l| l.starts_with("fuzz: imports ")).expect("an imports line");
        let counts: Vec<u32> =
            imports.trim_start_matches("fuzz: imports ").split(", called ").map(|n| n.parse().unwrap()).collect();
        assert_eq!(counts[0], counts[1], "{imports}\n{context}");
        assert_eq!(snapshot(&watched), before, "a file outside the scratch directory changed (seed {seed})");
        assert_eq!(listing(&outside), outside_names, "the directory outside changed (seed {seed})");
    }
}

/// Every import `wali.X` the guests' header declares (every syscall of the
/// spec and those Lamina implements beyond it), and the auxiliary ones, is
/// an import of the fuzzer and a row of its call table.
#[test]
fn the_fuzzer_calls_every_wali_import() {
    let header = std::fs::read_to_string(repo().join("tests/guests/include/wali_syscalls.h")).unwrap();
    let names: Vec<&str> =
        header.lines().filter_map(|l| l.strip_prefix("WALI_IMPORT(\"")).map(|l| &l[..l.find('"').unwrap()]).collect();
    assert!(names.len() > 250, "only {} imports in the header", names.len());
    let table = std::fs::read_to_string(repo().join("tools/fuzz/wali_fuzz_calls.h")).unwrap();
    let source = std::fs::read_to_string(repo().join("tools/fuzz/wali_fuzz.c")).unwrap();
    for name in &names {
        assert!(
            table.contains(&format!("{{\"{name}\", fz_{name},")),
            "{name} is not in tools/fuzz/wali_fuzz_calls.h: run python3 tools/fuzz/gen_calls.py"
        );
    }
    for name in AUX {
        assert!(source.contains(&format!("{{\"{name}\", ")), "{name} is not in the fuzzer's table");
    }

    let module = build("tools/fuzz/wali_fuzz.c", "wali_fuzz_imports");
    let bytes = std::fs::read(&module).unwrap();
    let mut imported = std::collections::BTreeSet::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ImportSection(reader) = payload.unwrap() {
            for import in reader.into_imports() {
                let import = import.unwrap();
                if import.module == "wali" {
                    imported.insert(import.name.to_string());
                }
            }
        }
    }
    let missing: Vec<_> = names.iter().copied().chain(AUX).filter(|n| !imported.contains(*n)).collect();
    assert!(missing.is_empty(), "the fuzzer does not import {missing:?}");
}

/// Runs a regression guest without a sandbox and returns its output.
fn regression(name: &str, args: &[&str], dir: &Path) -> Output {
    let module = build(&format!("tools/fuzz/regressions/{name}.c"), name);
    let mut cmd = support::lamina();
    cmd.arg("run").arg(&module).args(args).current_dir(dir);
    run_bounded(cmd, HANG)
}

#[test]
fn signals_received_together_or_during_a_mask_change_leave_nothing_blocked() {
    let out = regression("signal_masks", &[], &scratch("signal_masks"));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("FAIL"), "{stdout}\n{}", text(&out.stderr));
    assert_eq!(stdout.matches("ok: ").count(), 2, "{stdout}\n{}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_broken_stderr_does_not_crash_the_runtime() {
    let out = regression("stderr_broken", &[], &scratch("stderr_broken"));
    assert_eq!(text(&out.stdout), "alive\n", "{}", text(&out.stderr));
    assert_eq!((out.status.code(), out.status.signal()), (Some(0), None));
}

#[test]
fn metadata_outside_the_sandbox_cannot_be_changed_however_it_is_reached() {
    let module = build("tools/fuzz/regressions/metadata_outside.c", "metadata_outside");
    let base = scratch("metadata_outside");
    let (jail, outside) = (base.join("jail"), base.join("outside"));
    std::fs::create_dir(&jail).unwrap();
    std::fs::create_dir(&outside).unwrap();
    let victim = outside.join("victim");
    std::fs::write(&victim, b"x\n").unwrap();
    let before = snapshot(std::slice::from_ref(&victim));
    let out = run_sandboxed(&module, &[victim.to_str().unwrap()], &jail);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", text(&out.stderr));
    let mut lines = 0;
    for line in stdout.lines() {
        lines += 1;
        let expected = if line.starts_with("inside ") { ": ok" } else { ": Permission denied" };
        assert!(line.ends_with(expected), "{line}\n{stdout}");
    }
    assert_eq!(lines, 27, "{stdout}");
    assert_eq!(snapshot(std::slice::from_ref(&victim)), before, "the file outside changed");
    // The same program without a sandbox reaches it (the test proves the
    // sandbox, not a broken guest).
    let free = Command::new(env!("CARGO_BIN_EXE_lamina"))
        .env("LAMINA_CACHE_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"))
        .arg("run")
        .arg(&module)
        .arg(&victim)
        .current_dir(&jail)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(text(&free.stdout).contains("outside chmod: ok"), "{}", text(&free.stdout));
}
