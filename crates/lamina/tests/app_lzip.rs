//! lzip (Debian's `lzip` source), a C++ program, built by apps/build.sh with
//! `lamina c++` and natively with g++, run both ways on the same inputs:
//! compressed output must be the same bytes from both builds at each level,
//! each build must decompress what the other wrote, files are compressed,
//! tested, listed and restored alike, and damaged input fails with the same
//! message and status; lzip's own `make check` runs for both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::sync::OnceLock;

use apps::*;
use support::text;

fn lzip() -> &'static App {
    static LZIP: OnceLock<App> = OnceLock::new();
    LZIP.get_or_init(|| build("lzip", "lzip", "--version"))
}

#[test]
fn lzip_levels_give_the_same_bytes_and_decompress_across() {
    let app = lzip();
    let d = dirs("lzip-levels");
    let input = corpus(2 << 20);
    for level in ["-0", "-3", "-6", "-9"] {
        let (w, _) = same_bytes(app, &d, &["-c", level], &input);
        assert_eq!(w.status.code(), Some(0), "{level}: {}", text(&w.stderr));
        let lz = w.stdout;
        assert_eq!(&lz[..5], b"LZIP\x01", "{level}: the lzip header, version 1");
        assert!(lz.len() < input.len() / 3, "{level}: {} bytes", lz.len());
        let by_wasm = run_wasm(app, &d.wasm, &["-dc"], &lz);
        let by_native = run_native(app, &d.native, &["-dc"], &lz);
        assert!(by_wasm.status.success() && by_wasm.stdout == input, "{level}: {}", text(&by_wasm.stderr));
        assert!(by_native.status.success() && by_native.stdout == input, "{level}");
    }
    // Members of a fixed size (-b) make a multimember file, which decompresses whole.
    let (w, _) = same_bytes(app, &d, &["-c", "-b", "300000"], &input);
    let (whole, _) = same_bytes(app, &d, &["-dc"], &w.stdout);
    assert!(whole.status.success() && whole.stdout == input);
}

#[test]
fn lzip_compresses_tests_lists_and_restores_files() {
    let app = lzip();
    let d = dirs("lzip-files");
    let input = corpus(600_000);
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("a.txt"), &input).unwrap();
        std::fs::write(dir.join("kept.txt"), &input[..7000]).unwrap();
    }
    same_ok(app, &d, &["a.txt"], "");
    same_ok(app, &d, &["-k", "kept.txt"], "");
    for file in ["a.txt.lz", "kept.txt.lz"] {
        assert_eq!(std::fs::read(d.wasm.join(file)).unwrap(), std::fs::read(d.native.join(file)).unwrap(), "{file}");
    }
    for dir in [&d.wasm, &d.native] {
        assert!(!dir.join("a.txt").exists() && dir.join("kept.txt").exists());
    }
    // -t and -v report on stderr; -l lists sizes and ratios on stdout.
    let (w, n) = same(app, &d, &["-tv", "a.txt.lz", "kept.txt.lz"], "");
    assert_eq!(w.status.code(), Some(0));
    assert_eq!(w.stderr, n.stderr);
    assert_eq!(text(&w.stderr), "  a.txt.lz:    ok\n  kept.txt.lz: ok\n");
    let listing = same_ok(app, &d, &["-l", "a.txt.lz", "kept.txt.lz"], "");
    assert!(listing.contains("uncompressed") && listing.contains("a.txt.lz") && listing.contains(" 600"), "{listing}");
    // Refuses to overwrite without -f.
    let exists = same_failure(app, &d, &["kept.txt"], "");
    assert!(exists.contains("Output file 'kept.txt.lz' already exists"), "{exists}");
    same_ok(app, &d, &["-d", "a.txt.lz"], "");
    for dir in [&d.wasm, &d.native] {
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), input);
        assert!(!dir.join("a.txt.lz").exists());
    }
}

#[test]
fn lzip_damaged_input_fails_the_same_way() {
    let app = lzip();
    let d = dirs("lzip-damaged");
    let input = corpus(100_000);
    let (w, _) = same_bytes(app, &d, &["-c"], &input);
    let good = w.stdout;
    let mut damaged = good.clone();
    damaged[good.len() / 2] ^= 0x10;
    let not_lzip = same_failure(app, &d, &["-d"], "plain text, not lzip\n");
    assert!(not_lzip.contains("Bad magic number (file not in lzip format)"), "{not_lzip}");
    let (w, n) = same_bytes(app, &d, &["-d"], &damaged);
    assert_eq!(w.status.code(), Some(2));
    assert_eq!(text(&w.stderr), text(&n.stderr));
    let (short, n) = same_bytes(app, &d, &["-d"], &good[..good.len() / 2]);
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(text(&short.stderr), text(&n.stderr));
    assert!(text(&short.stderr).contains("File ends unexpectedly"), "{}", text(&short.stderr));
    let missing = same_failure(app, &d, &["-d", "no-such-file.lz"], "");
    assert_eq!(missing, "lzip: no-such-file.lz: Can't open input file: No such file or directory\n");
}

/// lzip's own `make check` (testsuite/check.sh: decompression of its test
/// files, compression at every level, options, and bad input) in each build
/// directory, the WALI one under a private binfmt_misc registration so that
/// the script executes the module.
#[test]
fn lzip_make_check_passes_for_both_builds() {
    lzip();
    for (what, out) in make_in_both_builds("lzip", &["check"]) {
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{what}: make check failed:\n{stdout}{}", text(&out.stderr));
        for part in ["testing decompression...", "testing   compression...", "testing bad input..."] {
            assert!(stdout.contains(part), "{what}: {part:?} missing:\n{stdout}");
        }
        assert!(stdout.contains("tests completed successfully."), "{what}:\n{stdout}");
    }
}
