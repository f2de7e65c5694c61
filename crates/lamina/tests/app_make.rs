//! GNU make (Debian's `make-dfsg` source) built by apps/build.sh with the
//! WALI toolchain and natively with gcc. Each test runs a shell script in a
//! copy of the project in apps/make, with the build under test first in PATH
//! as `make`, so that recursive `$(MAKE)` runs the same build; the WALI one
//! under `lamina binfmt exec`, which lets the shell and make execute the
//! module. Both must print the same (parallel jobs' lines sorted) and leave
//! the same files. make's own test suite is run by an ignored test.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use apps::*;
use support::{lamina, repo, scratch, text};

fn make() -> &'static App {
    static MAKE: OnceLock<App> = OnceLock::new();
    MAKE.get_or_init(|| build("make", "make", "--version"))
}

/// A copy of apps/make with four sources, and BUILD installed as bin/make.
fn project(test: &str, build: &Path) -> PathBuf {
    let root = scratch(test);
    let (dir, bin) = (root.join("project"), root.join("bin"));
    for sub in ["subdir", "src"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::create_dir(&bin).unwrap();
    for file in ["Makefile", "subdir/Makefile"] {
        std::fs::copy(repo().join("apps/make").join(file), dir.join(file)).unwrap();
    }
    for word in ["alpha", "bravo", "charlie", "delta"] {
        std::fs::write(dir.join("src").join(format!("{word}.txt")), format!("{word} text\n")).unwrap();
    }
    std::fs::copy(build, bin.join("make")).unwrap();
    std::fs::set_permissions(bin.join("make"), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Runs SCRIPT with sh in the project through ENV (an `env` command), with
/// only TZ and a PATH starting with the project's bin in the environment.
fn sh(mut env: Command, dir: &Path, script: &str) -> Output {
    let path = format!("PATH={}:/usr/bin:/bin", dir.parent().unwrap().join("bin").display());
    env.args(["-i", TZ, &path, "sh", "-c", script]).current_dir(dir);
    run(env, "")
}

/// Runs SCRIPT in a fresh project for each build; requires the same exit
/// status, stdout and stderr (with the project's path replaced by DIR, and
/// lines sorted where SORTED, for parallel jobs); returns both projects and
/// the WALI run's stdout, stderr and status.
fn both(test: &str, script: &str, sorted: bool) -> (PathBuf, PathBuf, String, String, Option<i32>) {
    let app = make();
    let (wasm_dir, native_dir) =
        (project(&format!("{test}-wasm"), &app.wasm), project(&format!("{test}-native"), &app.native));
    let mut binfmt = lamina();
    binfmt.args(["binfmt", "exec", "env"]);
    let w = sh(binfmt, &wasm_dir, script);
    let n = sh(Command::new("env"), &native_dir, script);
    let tidy = |bytes: &[u8], dir: &Path| {
        let out = text(bytes).replace(&dir.display().to_string(), "DIR");
        if !sorted {
            return out;
        }
        let mut lines: Vec<&str> = out.lines().collect();
        lines.sort();
        lines.iter().map(|l| format!("{l}\n")).collect()
    };
    let (w_out, n_out) = (tidy(&w.stdout, &wasm_dir), tidy(&n.stdout, &native_dir));
    let (w_err, n_err) = (tidy(&w.stderr, &wasm_dir), tidy(&n.stderr, &native_dir));
    assert_eq!(w_out, n_out, "stdout differs (left: WALI)\nWALI stderr:\n{w_err}\nnative stderr:\n{n_err}");
    assert_eq!(w_err, n_err, "stderr differs (left: WALI)");
    assert_eq!(w.status.code(), n.status.code(), "exit status differs\n{w_err}");
    (wasm_dir, native_dir, w_out, w_err, w.status.code())
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn make_builds_pattern_rules_in_parallel() {
    let (w, n, out, _, status) = both("make-parallel", "make -j2 all MODE=fast && make check", true);
    assert_eq!(status, Some(0));
    assert_has(
        &out,
        &[
            "mkdir -p out",
            "tr a-z A-Z < src/alpha.txt > out/alpha.up",
            "built out/delta.up from src/delta.txt (stem delta)",
            "summary has 6 lines, level 0",
        ],
    );
    let summary = read(&w, "out/summary.txt");
    assert_eq!(
        summary,
        "ALPHA TEXT\nBRAVO TEXT\nCHARLIE TEXT\nDELTA TEXT\n4 files, HELLO, [alpha] [bravo] [charlie] [delta]\nmode fast\n"
    );
    assert_eq!(summary, read(&n, "out/summary.txt"));
}

#[test]
fn make_runs_jobs_at_the_same_time_with_j2() {
    // Each of the two jobs waits for the other's file (5 s at most).
    let (_, _, out, _, status) = both("make-j2", "make -j2 slow", true);
    assert_eq!((status, out.as_str()), (Some(0), "mkdir -p out\nping saw pong\npong saw ping\n"));
}

#[test]
fn make_rebuilds_only_what_is_out_of_date() {
    let script = "make all >/dev/null; make -q all; echo q=$?; touch src/alpha.txt; make -q all; echo q=$?; \
                  make -n all; make all; make all";
    let (_, _, out, _, status) = both("make-incremental", script, false);
    assert_eq!(status, Some(0));
    assert_eq!(
        out,
        "q=0\nq=1\ntr a-z A-Z < src/alpha.txt > out/alpha.up\necho \"built out/alpha.up from src/alpha.txt (stem alpha)\"\n\
         cat out/alpha.up out/bravo.up out/charlie.up out/delta.up > out/summary.txt\n\
         echo \"4 files, HELLO, [alpha] [bravo] [charlie] [delta]\" >> out/summary.txt\n\
         tr a-z A-Z < src/alpha.txt > out/alpha.up\nbuilt out/alpha.up from src/alpha.txt (stem alpha)\n\
         make: Nothing to be done for 'all'.\n"
    );
}

#[test]
fn make_recursive_make_runs_the_same_build() {
    let (_, _, out, _, status) = both("make-recursive", "make sub", false);
    assert_eq!(status, Some(0));
    assert_eq!(
        out,
        "make[1]: Entering directory 'DIR/subdir'\nsub one from-top level 1\nsub two from-top level 1\n\
         sub done, level 1\nmake[1]: Leaving directory 'DIR/subdir'\n"
    );
}

#[test]
fn make_failures_stop_with_status_2() {
    let script = "make fail; echo status $?; make -k fail check; echo status $?; make nope";
    let (_, _, out, err, status) = both("make-fail", script, false);
    assert_eq!(status, Some(2));
    // -k goes on with `check` (which builds everything) after `fail` failed.
    assert!(out.starts_with("before failing\nstatus 2\nbefore failing\nmkdir -p out\n"), "{out}");
    assert!(
        out.ends_with("built out/delta.up from src/delta.txt (stem delta)\nsummary has 5 lines, level 0\nstatus 2\n"),
        "{out}"
    );
    assert_eq!(
        err,
        "make: *** [Makefile:42: fail] Error 1\nmake: *** [Makefile:42: fail] Error 1\n\
         make: *** No rule to make target 'nope'.  Stop.\n"
    );
}

/// GNU make's own test suite (`make check`: Perl's run_make_tests, 673
/// tests in 123 categories) in the WALI build directory under a private
/// binfmt_misc registration, so that the tests execute the module. About a
/// minute, so not in the default run.
#[test]
#[ignore]
fn make_check_passes_for_the_wali_build() {
    make();
    let mut cmd = lamina();
    cmd.args(["binfmt", "exec", "make", "check"]).current_dir(repo().join("build/apps/make/wasm"));
    let out = cmd.output().unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "make check failed:\n{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("673 Tests in 123 Categories Complete ... No Failures :-)"), "{stdout}");
    assert!(stdout.contains("Regression PASSED: GNU Make 4.3 (wasm32-unknown-linux-muslwali)"), "{stdout}");
}
