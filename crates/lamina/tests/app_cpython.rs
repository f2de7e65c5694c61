//! CPython 3.11 (Debian's python3.11 source) built by apps/build.sh twice: a
//! cross build for WALI with lamina cc and a native gcc build from the same
//! source, both static with the standard library's C modules built in. Each
//! build runs from its build tree (where it finds Lib/ through its own path,
//! given as argv[0]). The scripts in apps/cpython/ run under both and must
//! print the same stdout and end with the same status; the tests also check
//! facts of the output, so that two identical failures cannot pass. Facts
//! that differ by design (32-bit pointers and sizes) are checked on the WALI
//! build alone. The last test runs part of CPython's own regression suite
//! under both. All are ignored by default, as building CPython twice does not
//! fit in CI's time (docs/apps.md has the commands and the results).

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use apps::*;
use support::{lamina, repo, scratch, text};

fn python() -> &'static App {
    static PYTHON: OnceLock<App> = OnceLock::new();
    PYTHON.get_or_init(|| build_in_tree("cpython", "python", "cpython/wasm/python", "cpython/native/python", "-V"))
}

/// Runs apps/cpython/SCRIPT with both builds, one after the other in the
/// same fresh directory holding a copy of it: Python shows a script's
/// absolute path in tracebacks, which must then be the same.
fn both_run(script: &str) -> (Output, Output) {
    let dir = scratch(script);
    std::fs::copy(repo().join("apps/cpython").join(script), dir.join(script)).unwrap();
    same(python(), &Dirs { wasm: dir.clone(), native: dir }, &[script], "")
}

fn script_ok(script: &str) -> String {
    let (w, _) = both_run(script);
    assert_eq!(w.status.code(), Some(0), "{script} failed:\n{}", text(&w.stderr));
    text(&w.stdout)
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_integers_big_integers_and_floats() {
    let out = script_ok("arith.py");
    assert_has(
        &out,
        &[
            "1267650600228229401496703205376 -181092942889747057356671886483 2 (-4, 3) -4 3",
            "001 499999500000 1000000000000000000000000000000000000",
            "0.30000000000000004 0.3333333333333333 inf -inf True",
            "0x1.4000000000000p+1 0.1875 (3602879701896397, 36028797018963968) 1e-320 0.0",
            "3.141592653589793 2.718282e+00 1,234,567.89 1.2345e-05 0xff -0000042 300.000000%",
            "0.14285714285714285714285714285714285714285714285714 3.3 1.4142135623730950488016887242096980785696718753769",
            "OverflowError: cannot convert float infinity to integer",
        ],
    );
    assert!(out.contains("ValueError: Exceeds the limit (4300 digits)"), "{out}");
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_str_bytes_unicode_dicts_sets_and_sorting() {
    let out = script_ok("text.py");
    assert_has(
        &out,
        &[
            "['LATIN SMALL LETTER E WITH ACUTE', 'CJK UNIFIED IDEOGRAPH-4E16', 'SNAKE'] b'e\\xcc\\x81' Lt",
            "{'the': 3, 'cat': 1, 'and': 2, 'hat': 1, 'bat': 1} ['the', 'cat', 'and', 'hat', 'bat'] [('the', 3), ('and', 2), ('bat', 1), ('cat', 1), ('hat', 1)]",
            "[0, 6, 12, 18] [0, 2, 3, 4, 6, 8, 9, 10, 12, 14, 15, 16, 18] [2, 4, 8, 10, 14, 16] [2, 3, 4, 8, 9, 10, 14, 15, 16] True True",
            "[12, 32, 36, 205, 215] [999693, 999913, 999954] True 0.4070693332733173 b",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_exceptions_and_traceback_text() {
    let (w, n) = both_run("errors.py");
    assert_eq!(w.status.code(), Some(1));
    assert_eq!(text(&w.stderr), text(&n.stderr), "the uncaught exception's traceback differs");
    let out = text(&w.stdout);
    assert_has(
        &out,
        &[
            "caught code 7 7 KeyError('b')",
            "    return {\"a\": 1}[x]",
            "           ~~~~~~~~^^^",
            "The above exception was the direct cause of the following exception:",
            "except* ValueError ['v']",
            "except* rest many 2",
            "ModuleNotFoundError: No module named 'no_such_module'",
            "generator closed",
            "with closed: True",
        ],
    );
    let err = text(&w.stderr);
    assert!(err.starts_with("about to fail\nTraceback (most recent call last):\n"), "{err}");
    assert!(err.ends_with("    raise AppError(7) from e\nAppError: code 7\n"), "{err}");
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_generators_closures_and_classes() {
    let out = script_ok("objects.py");
    assert_has(
        &out,
        &[
            "1 6 7 [0, 2, 4, 6]",
            "first sent hello result done",
            "[Square(2.25), Circle(3.14), Square(9.00), Circle(12.57)] 4 Shape True",
            "TypeError: Can't instantiate abstract class Shape with abstract method area",
            "453973694165307953197296969697410619233826 198 2432902008176640000",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_struct_array_json_re_datetime_and_hashes() {
    let out = script_ok("data.py");
    assert_has(
        &out,
        &[
            "feff00286bee00000000000000f0 3ff8000000000000 (b'abc', 4660)",
            "JSONDecodeError: Expecting value: line 1 column 13 (char 12)",
            "2024-02-29T13:45:30.123456 2025-03-01 01:45:30.123456 Thursday 29 February 2024 060 08 13:45:30.123456 3",
            "2023-11-14 22:13:20 1970-01-01 00:00:00+00:00 730120",
            "1999-12-31 23:59:00 1971-01-01 00:00:00 UTC (2038, 1, 19, 3, 14, 7)",
            "1000000000.0 0 2147483648.0",
            "900150983cd24fb0d6963f7d28e17f72 a9993e364706816aba3e25717850c26c9cd0d89d d69e68988157833272305aaf21f453c800346e8a3640db6578e260215542e5d4",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_file_io_in_a_temporary_directory() {
    let out = script_ok("files.py");
    assert_has(
        &out,
        &[
            "['line 1', 'lïne 2', 'line 3'] 22",
            "9 0 b'hello raw' 0o640",
            "FileExistsError 17",
            "FileNotFoundError 2 No such file or directory",
            "OSError 39",
            "False",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_deep_recursion_raises_recursion_error() {
    let out = script_ok("recursion.py");
    assert_has(
        &out,
        &[
            "limit 1000",
            "950",
            "RecursionError: maximum recursion depth exceeded",
            "repr RecursionError: maximum recursion depth exceeded while getting the repr of an object",
            "json RecursionError: maximum recursion depth exceeded while encoding a JSON object",
            "19000",
            "35002",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_fork_subprocess_pipes_and_signals() {
    let (w, _) = both_run("processes.py");
    assert_eq!(w.status.code(), Some(3), "{}", text(&w.stderr));
    assert_has(
        &text(&w.stdout),
        &[
            "b'from child' True 7",
            "signaled True True",
            "0 b'hello from echo\\n' b''",
            "3 b'hi there\\npiped in\\n'",
            "['a', 'b', 'c']",
            "200000 0",
            "FileNotFoundError 2",
            "TimeoutExpired ['/bin/sleep', '5']",
            "handled ['SIGUSR1', 'SIGUSR1']",
            "after sleep alarm",
            "KeyboardInterrupt",
            "SIGCHLD True",
            "system 5",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_threads() {
    let out = script_ok("threads.py");
    assert_has(
        &out,
        &[
            "total 160000 1",
            "squares 1000 332833500",
            "pool [45, 499500, 4999950000]",
            "future error ZeroDivisionError",
            "consumed [0, 1, 2, 3, 4]",
            "semaphore True True False",
            "barrier [0, 1, 2] MainThread True",
        ],
    );
}

#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_sockets_over_loopback() {
    let out = script_ok("sockets.py");
    assert_has(
        &out,
        &[
            "b'got 1024000 bytes, sum 0' True",
            "b'datagram' 127.0.0.1 True",
            "True b'ping'",
            "BlockingIOError 11",
            "b''",
            "ConnectionRefusedError 111",
            "b'over ipv6'",
        ],
    );
}

/// What only the WALI build says: a 32-bit platform (ILP32: 32-bit long,
/// size_t and pointers), so sys.maxsize is 2**31-1; Linux otherwise.
#[test]
#[ignore = "building CPython twice takes longer than CI's share: run with --ignored (docs/apps.md)"]
fn cpython_wali_is_a_32_bit_linux() {
    let code = "import sys, struct, os, platform\n\
        print(sys.maxsize == 2**31 - 1, sys.maxsize)\n\
        print(struct.calcsize('P'), struct.calcsize('l'), struct.calcsize('n'), struct.calcsize('q'))\n\
        print(sys.platform, os.name, platform.architecture()[0], sys.byteorder)\n\
        print(sys.hash_info.width, sys.int_info.bits_per_digit, len(range(sys.maxsize)) == sys.maxsize)\n\
        try:\n    len(range(sys.maxsize + 1))\nexcept OverflowError as e:\n    print('OverflowError', e)\n";
    let dir = scratch("wali-facts");
    let out = run_wasm(python(), &dir, &["-c", code], "");
    assert_eq!(
        text(&out.stdout),
        "True 2147483647\n4 4 4 8\nlinux posix 32bit little\n32 30 True\n\
         OverflowError Python int too large to convert to C ssize_t\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// Tests of CPython's own regression suite compared in docs/apps.md.
const REGRTESTS: &[&str] = &[
    "test_int",
    "test_long",
    "test_float",
    "test_string",
    "test_unicode",
    "test_list",
    "test_dict",
    "test_set",
    "test_json",
    "test_re",
    "test_struct",
    "test_math",
    "test_bytes",
    "test_exceptions",
    "test_generators",
    "test_threading",
    "test_os",
    "test_subprocess",
    "test_signal",
    "test_socket",
];

/// Test cases of REGRTESTS that fail under Lamina only, and why (docs/apps.md).
const WALI_ONLY_FAILURES: &[(&str, &str, &str)] = &[
    ("test_re", "FAIL: test_locale_caching (test.test_re.ReTests.test_locale_caching)", "musl locales"),
    ("test_re", "FAIL: test_locale_compiled (test.test_re.ReTests.test_locale_compiled)", "musl locales"),
    ("test_os", "ERROR: test_memfd_create (test.test_os.MemfdCreateTests.test_memfd_create)", "no WALI memfd_create"),
    (
        "test_os",
        "ERROR: test_set_get_priority (test.test_os.ProgramPriorityTests.test_set_get_priority)",
        "no WALI getpriority",
    ),
    ("test_os", "FAIL: test_fpathconf (test.test_os.TestInvalidFD.test_fpathconf)", "musl's fpathconf"),
    (
        "test_subprocess",
        "FAIL: test_pass_fds_redirected (test.test_subprocess.POSIXProcessTestCase.test_pass_fds_redirected)",
        "Lamina's descriptor of the compiled module is the guest's too",
    ),
    (
        "test_socket",
        "ERROR: test_sethostname (test.test_socket.GeneralModuleTests.test_sethostname)",
        "no WALI sethostname",
    ),
];

/// Test cases that fail natively only: the host has AF_VSOCK but no peer,
/// WALI has no AF_VSOCK and the test is skipped.
const NATIVE_ONLY_FAILURES: &[(&str, &str)] =
    &[("test_socket", "ERROR: testStream (test.test_socket.ThreadedVSOCKSocketStreamTest.testStream)")];

/// What one run of one regression test file says.
#[derive(Debug)]
struct Regrtest {
    /// regrtest's verdict: "SUCCESS", "FAILURE", "ENV CHANGED", ...
    verdict: String,
    /// unittest's count: "Ran 108 tests".
    ran: Option<String>,
    /// unittest's summary: "OK (skipped=2)", "FAILED (failures=4, errors=4, skipped=2)".
    summary: Option<String>,
    /// The test cases that failed: "FAIL: test_x (test.test_y.Class.test_x)", "ERROR: ...".
    failed: BTreeSet<String>,
}

impl Regrtest {
    /// One line for the record (docs/apps.md).
    fn line(&self) -> String {
        let ran = self.ran.as_deref().unwrap_or("no tests ran");
        format!(
            "{}: {ran}, {}; {} failed",
            self.verdict,
            self.summary.as_deref().unwrap_or("no summary"),
            self.failed.len()
        )
    }
}

/// Runs `python -m test -v TEST` (one of REGRTESTS) with one build, in DIR.
fn regrtest(mut cmd: Command, test: &str, dir: &Path) -> Regrtest {
    cmd.args(["-m", "test", "-v", "--timeout", "900", test]).current_dir(dir).env("TZ", "UTC");
    let out = run(cmd, "");
    let stdout = text(&out.stdout);
    let verdict =
        stdout.lines().find_map(|l| l.strip_prefix("== Tests result: ")?.strip_suffix(" ==")).map(str::to_string);
    let verdict = verdict.unwrap_or_else(|| {
        format!("no result (status {:?}): {}", out.status, text(&out.stderr).lines().last().unwrap_or(""))
    });
    let ran = stdout.lines().find(|l| l.starts_with("Ran ")).map(|l| l.split(" in ").next().unwrap().to_string());
    let summary = stdout.lines().find(|l| l.starts_with("OK") || l.starts_with("FAILED (")).map(str::to_string);
    let failed =
        stdout.lines().filter(|l| l.starts_with("FAIL: ") || l.starts_with("ERROR: ")).map(str::to_string).collect();
    Regrtest { verdict, ran, summary, failed }
}

/// CPython's own tests: under Lamina (within `lamina binfmt exec`, so that
/// tests that start sys.executable, a WALI module, can) and natively; each
/// file must run as many test cases, and the same ones must fail (natively
/// too, some fail for want of the test modules, see docs/apps.md), but for
/// WALI_ONLY_FAILURES. Skips may differ (platform checks, locales).
#[test]
#[ignore = "CPython's regression tests take many minutes: run with --ignored (docs/apps.md)"]
fn cpython_regression_tests_pass_as_natively() {
    let py = python();
    let mut differ = Vec::new();
    for test in REGRTESTS {
        let dir = scratch(test);
        let mut wasm = lamina();
        wasm.arg("binfmt").arg("exec").arg(&py.wasm);
        let started = std::time::Instant::now();
        let w = regrtest(wasm, test, &dir);
        let wasm_time = started.elapsed();
        let started = std::time::Instant::now();
        let n = regrtest(Command::new(&py.native), test, &dir);
        let native_time = started.elapsed();
        println!("{test}: lamina {} in {wasm_time:.1?}", w.line());
        println!("{test}: native {} in {native_time:.1?}", n.line());
        let mut expected = n.failed.clone();
        for (_, case) in NATIVE_ONLY_FAILURES.iter().filter(|(t, _)| t == test) {
            expected.remove(*case);
        }
        expected.extend(WALI_ONLY_FAILURES.iter().filter(|(t, _, _)| t == test).map(|(_, case, _)| case.to_string()));
        if w.ran.is_none() || w.ran != n.ran || w.failed != expected {
            differ.push(format!("{test}:\n  lamina {w:?}\n  native {n:?}"));
        }
    }
    assert!(differ.is_empty(), "results differ:\n{}", differ.join("\n"));
}
