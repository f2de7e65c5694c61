//! mawk (Debian's `mawk` source) built by apps/build.sh with the WALI
//! toolchain and natively with gcc, running the same awk programs
//! (apps/mawk/*.awk) on the same input: fields and separators, regular
//! expressions and string functions, printf, arrays, getline from commands
//! and files, output pipes into sort, several input files, paragraph mode,
//! large input, and errors. mawk's own tests (`make mawk_test fpe_test`) run
//! for both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::process::Command;
use std::sync::OnceLock;

use apps::*;
use support::{lamina, repo, text};

fn mawk() -> &'static App {
    static MAWK: OnceLock<App> = OnceLock::new();
    MAWK.get_or_init(|| build("mawk", "mawk", "-Wversion"))
}

/// Fresh directories for a test, each with copies of apps/mawk/FILES.
fn dirs_with(test: &str, files: &[&str]) -> Dirs {
    let d = dirs(test);
    for dir in [&d.wasm, &d.native] {
        for file in files {
            std::fs::copy(repo().join("apps/mawk").join(file), dir.join(file)).unwrap();
        }
    }
    d
}

#[test]
fn mawk_report_over_csv_with_arrays_printf_and_a_sort_pipe() {
    let d = dirs_with("mawk-report", &["report.awk", "sales.csv"]);
    let out = same_ok(mawk(), &d, &["-f", "report.awk", "sales.csv"], "");
    assert_eq!(
        out,
        "north    3     472.93  157.643\neast     2     289.00  144.500\nsouth    2     164.97   82.485\n\
         west     1      22.50   22.500\n1|ann/gizmo=4\n2|ann/widget=12\n3|bob/gadget=3\n4|cid/gadget=7\n\
         5|dee/widget=40\n6|eve/gizmo=2\n7|fay/widget=9\nbest|8: north,ann,gizmo,3,101.00\n\
         Ab 1.2e+05 left    | ff 10 7 +3 002.2 inf\n"
    );
}

#[test]
fn mawk_regular_expressions_and_string_functions() {
    let d = dirs_with("mawk-text", &["text.awk", "text.txt"]);
    let out = same_ok(mawk(), &d, &["-f", "text.awk", "text.txt"], "");
    assert_has(
        &out,
        &[
            "5:1:Th<e> q<ui>ck br<o>wn f<o>x, 3.75 j<u>mps|&[The] quick brown fox, 3.75 jumps",
            "  number at 25 4 3.75",
            "  6 parts, last=jumps, upper=&[THE], quick|quick|",
            "  second field matches",
            "  5 parts, last=sleeps, upper=&[A], lazy | lazy|",
            "  (empty)",
            "4:0:tr<ai>l<i>ng   sp<a>c<e>s   |trailing   spaces   ",
            "5 4 20 ell hello lo",
        ],
    );
    assert_eq!(out.matches("second field matches").count(), 1, "the lazy dog line is excluded by !/dog/");
}

#[test]
fn mawk_getline_from_commands_files_and_stdin_and_output_pipes() {
    let d = dirs_with("mawk-io", &["io.awk"]);
    let stdin = "first line of stdin\nsecond\n";
    let (w, n) = same(mawk(), &d, &["-f", "io.awk", "ARGONE"], stdin);
    // After BEGIN, the main loop cannot open ARGV[1] as a file.
    assert_eq!(w.status.code(), Some(2));
    assert_eq!(text(&w.stderr), "to stderr\nmawk: cannot open ARGONE (No such file or directory)\n");
    assert_eq!(w.stderr, n.stderr);
    assert_eq!(
        text(&w.stdout),
        "sum from a command 6 0\nfields 3 two\nread back: to a file\nread back: second line\nmissing file: -1\n\
         status 4 0\nTZ UTC ARGC 2 ARGONE\nstdin first: first line of stdin\nsorted:\na\nb\nc\nthrough cat\n"
    );
    for dir in [&d.wasm, &d.native] {
        assert_eq!(std::fs::read_to_string(dir.join("out.txt")).unwrap(), "to a file\nsecond line\n");
    }
}

#[test]
fn mawk_several_files_assignments_and_paragraph_mode() {
    let d = dirs_with("mawk-files", &["files.awk", "para.awk"]);
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("f1.txt"), "a b\nc d e\n").unwrap();
        std::fs::write(dir.join("f2.txt"), "x\n\ny z\n").unwrap();
        std::fs::write(dir.join("paras.txt"), "p1 l1\np1 l2\n\n\n\np2 l1\n").unwrap();
    }
    let out = same_ok(mawk(), &d, &["-f", "files.awk", "f1.txt", "tag=set", "f2.txt"], "");
    assert_eq!(out, "-- f1.txt 1 tag=\n1:2:b\n2:3:e\n-- f2.txt 3 tag=set\n1:1:x\n2:0:\n3:2:z\ntotal 5\n");
    let out = same_ok(mawk(), &d, &["-f", "para.awk", "paras.txt"], "");
    assert_eq!(out, "1: 2 lines, first=p1 l1\n2: 1 lines, first=p2 l1\n");
    // -v, -F and a program from the command line over standard input.
    let out = same_ok(mawk(), &d, &["-v", "n=2", "-F:", "{ print $n, NF } END { print NR }"], "a:b:c\nd:e\n");
    assert_eq!(out, "b 3\ne 2\n2\n");
}

#[test]
fn mawk_word_counts_over_three_megabytes() {
    let d = dirs_with("mawk-words", &["words.awk"]);
    let input = corpus(3 << 20);
    let (w, _) = same_bytes(mawk(), &d, &["-f", "words.awk"], &input);
    assert_eq!(w.status.code(), Some(0), "{}", text(&w.stderr));
    assert_eq!(
        text(&w.stdout),
        "  24872 echo\n  24802 november\n  24673 papa\n  24590 juliet\n  24578 kilo\n\
         lines 71345 chars 3145736 numbers 2787938807 pairs 73\n\
         milestones 10000 20000 30000 40000 50000 60000 70000\n"
    );
}

#[test]
fn mawk_errors_have_the_same_message_and_status() {
    let app = mawk();
    let d = dirs("mawk-errors");
    let cases = [
        ("BEGIN { print \"unterminated }", "mawk: line 1: runaway string constant \"unterminat ...\n"),
        ("{ print $1 ", "mawk: line 2: missing } near end of file\n"),
        (
            "BEGIN { printf \"%d %s\\n\", 1 }",
            "mawk: run time error: not enough arguments passed to printf(\"%d %s\n\")\n\tFILENAME=\"\" FNR=0 NR=0\n",
        ),
        (
            "BEGIN { print \"x\" > \"/nonexistent/dir/f\" }",
            "mawk: cannot open \"/nonexistent/dir/f\" for output (No such file or directory)\n",
        ),
    ];
    for (program, message) in cases {
        let (w, n) = same(app, &d, &[program], "");
        assert_eq!(w.status.code(), Some(2), "{program}");
        assert_eq!((text(&w.stderr), text(&n.stderr)), (message.to_owned(), message.to_owned()), "{program}");
    }
    // Division by zero is IEEE arithmetic in mawk, not an error.
    assert_eq!(same_ok(app, &d, &["BEGIN { x = 0; print 1 / x, -1 / x, log(-1) }"], ""), "inf -inf -nan\n");
    // exit in BEGIN still runs END (POSIX), keeping the status.
    let exit = same(app, &d, &["BEGIN { exit 3 } END { print \"END runs\" }"], "").0;
    assert_eq!((exit.status.code(), text(&exit.stdout).as_str()), (Some(3), "END runs\n"));
}

/// mawk's own tests (Debian runs `make mawk_test fpe_test`: the scripts in
/// test/ run the built mawk over its test programs and compare the results)
/// in each build directory, the WALI one under a private binfmt_misc
/// registration so that the scripts execute the module.
#[test]
fn mawk_own_tests_pass_for_both_builds() {
    mawk();
    let build = repo().join("build/apps/mawk");
    let mut wasm = lamina();
    wasm.args(["binfmt", "exec", "make", "mawk_test", "fpe_test"]).current_dir(build.join("wasm"));
    let mut native = Command::new("make");
    native.args(["mawk_test", "fpe_test"]).current_dir(build.join("native"));
    for (what, mut cmd) in [("WALI", wasm), ("native", native)] {
        let out = cmd.output().unwrap();
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{what}: make failed:\n{stdout}{}", text(&out.stderr));
        for line in [
            "input and field splitting OK",
            "regular expression matching OK",
            "checking for write errors OK",
            "array test OK",
            "nextfile test OK",
            "general stress test OK",
            "results consistent: ignoring floating exceptions",
        ] {
            assert!(stdout.lines().any(|l| l.ends_with(line)), "{what}: no {line:?} in:\n{stdout}");
        }
    }
}
