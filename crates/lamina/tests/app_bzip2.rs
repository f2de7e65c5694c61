//! bzip2 (Debian's `bzip2` source) built by apps/build.sh with the WALI
//! toolchain and natively with gcc: bzip2 (also run as bunzip2 and bzcat,
//! the names `make install` links to it) and bzip2recover, run both ways on
//! the same inputs. Compressed output must be the same bytes from both
//! builds, each build must decompress what the other wrote, and damaged
//! input must fail with the same message and status; bzip2's own `make test`
//! runs for both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::sync::OnceLock;

use apps::*;
use support::text;

fn bzip2() -> &'static App {
    static BZIP2: OnceLock<App> = OnceLock::new();
    BZIP2.get_or_init(|| build("bzip2", "bzip2", "--version"))
}

/// bzip2 under another name, which selects what it does.
fn bzip2_as(name: &'static str) -> App {
    bzip2().named(name)
}

#[test]
fn bzip2_levels_give_the_same_bytes_and_decompress_across() {
    let app = bzip2();
    let d = dirs("bzip2-levels");
    let input = corpus(3 << 20);
    for level in ["-1", "-5", "-9"] {
        let (w, _) = same_bytes(app, &d, &["-c", level], &input);
        assert_eq!(w.status.code(), Some(0), "{level}: {}", text(&w.stderr));
        let bz = w.stdout;
        // "BZh" and the block size in hundreds of kB.
        assert_eq!(&bz[..4], format!("BZh{}", &level[1..]).as_bytes());
        assert!(bz.len() < input.len() / 3, "{level}: {} bytes", bz.len());
        let by_wasm = run_wasm(app, &d.wasm, &["-d"], &bz);
        let by_native = run_native(app, &d.native, &["-dc"], &bz);
        assert!(by_wasm.status.success() && by_wasm.stdout == input, "{level}: {}", text(&by_wasm.stderr));
        assert!(by_native.status.success() && by_native.stdout == input, "{level}");
        let (t, _) = same_bytes(app, &d, &["-t"], &bz);
        assert_eq!(t.status.code(), Some(0));
    }
    // The small-memory decompressor (-s) reads the same data.
    let (w, _) = same_bytes(app, &d, &["-c"], &input);
    let (s, _) = same_bytes(app, &d, &["-ds"], &w.stdout);
    assert!(s.status.success() && s.stdout == input);
    // bunzip2 and bzcat are bzip2 by other names.
    let (unzipped, _) = same_bytes(&bzip2_as("bunzip2"), &d, &[], &w.stdout);
    assert!(unzipped.status.success() && unzipped.stdout == input);
    let (cat, _) = same_bytes(&bzip2_as("bzcat"), &d, &[], &w.stdout);
    assert!(cat.status.success() && cat.stdout == input);
}

#[test]
fn bzip2_compresses_tests_and_restores_files() {
    let app = bzip2();
    let d = dirs("bzip2-files");
    let input = corpus(500_000);
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("a.txt"), &input).unwrap();
        std::fs::write(dir.join("kept.txt"), &input[..5000]).unwrap();
    }
    same_ok(app, &d, &["a.txt"], "");
    same_ok(app, &d, &["-k", "kept.txt"], "");
    for file in ["a.txt.bz2", "kept.txt.bz2"] {
        assert_eq!(std::fs::read(d.wasm.join(file)).unwrap(), std::fs::read(d.native.join(file)).unwrap(), "{file}");
    }
    for dir in [&d.wasm, &d.native] {
        assert!(!dir.join("a.txt").exists() && dir.join("kept.txt").exists());
    }
    // -t and -v report on stderr; both builds say the same.
    let (w, n) = same(app, &d, &["-tv", "a.txt.bz2", "kept.txt.bz2"], "");
    assert_eq!(text(&w.stderr), "  a.txt.bz2:    ok\n  kept.txt.bz2: ok\n");
    assert_eq!(w.stderr, n.stderr);
    // Refuses to overwrite without -f.
    let exists = same_failure(app, &d, &["kept.txt"], "");
    assert_eq!(exists, "bzip2: Output file kept.txt.bz2 already exists.\n");
    same_ok(&bzip2_as("bunzip2"), &d, &["a.txt.bz2"], "");
    for dir in [&d.wasm, &d.native] {
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), input);
        assert!(!dir.join("a.txt.bz2").exists());
    }
}

#[test]
fn bzip2_damaged_input_fails_the_same_way() {
    let app = bzip2();
    let d = dirs("bzip2-damaged");
    let input = corpus(100_000);
    let (w, _) = same_bytes(app, &d, &["-c"], &input);
    let good = w.stdout;
    let mut damaged = good.clone();
    damaged[200] ^= 0x10;
    let not_bzip2 = same_failure(app, &d, &["-d"], "plain text, not bzip2\n");
    assert_eq!(not_bzip2, "bzip2: (stdin) is not a bzip2 file.\n");
    let (w, n) = same_bytes(app, &d, &["-d"], &damaged);
    assert_eq!(w.status.code(), Some(2));
    assert_eq!(w.stderr, n.stderr);
    let message = text(&w.stderr);
    assert!(
        message.contains(
            "bzip2: Data integrity error when decompressing.\n\tInput file = (stdin), output file = (stdout)\n"
        ),
        "{message}"
    );
    let (short, n) = same_bytes(app, &d, &["-d"], &good[..good.len() / 2]);
    assert_eq!(short.status.code(), Some(2));
    // Here bzip2 adds perror() of a stale errno: ENOTTY, left by its
    // isatty() check of the pipe, which musl words "Not a tty" and glibc
    // "Inappropriate ioctl for device"; otherwise the messages agree.
    let (short_err, native_err) = (text(&short.stderr), text(&n.stderr));
    assert!(short_err.contains("\nbzip2: Not a tty\n"), "{short_err}");
    assert_eq!(short_err.replace("Not a tty", "Inappropriate ioctl for device"), native_err);
    assert!(short_err.contains("Compressed file ends unexpectedly"), "{short_err}");
    let missing = same_failure(app, &d, &["-d", "no-such-file.bz2"], "");
    assert_eq!(missing, "bzip2: Can't open input file no-such-file.bz2: No such file or directory.\n");
}

#[test]
fn bzip2recover_saves_the_undamaged_blocks() {
    let app = bzip2();
    let recover = program("bzip2recover");
    let d = dirs("bzip2recover");
    // Four blocks of 100 kB at -1; the second one damaged.
    let input = corpus(400_000);
    let (w, _) = same_bytes(app, &d, &["-1c"], &input);
    let mut damaged = w.stdout;
    let at = damaged.len() * 3 / 8;
    damaged[at] ^= 0x55;
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("broken.bz2"), &damaged).unwrap();
    }
    let (w, n) = same(&recover, &d, &["broken.bz2"], "");
    assert_eq!(w.status.code(), Some(0), "{}", text(&w.stderr));
    assert_eq!(w.stderr, n.stderr);
    let log = text(&w.stderr);
    assert!(log.contains("block 4 runs from "), "{log}");
    assert!(log.contains("writing block 4 to `rec00004broken.bz2' ..."), "{log}");
    let pieces: Vec<String> = (1..=4).map(|i| format!("rec{i:05}broken.bz2")).collect();
    for piece in &pieces {
        assert_eq!(std::fs::read(d.wasm.join(piece)).unwrap(), std::fs::read(d.native.join(piece)).unwrap(), "{piece}");
    }
    // Blocks 1, 3 and 4 test good and are the input's first and last
    // 100,000-byte blocks; block 2 holds the damage.
    let mut good = 0;
    for piece in &pieces {
        let (t, _) = same(app, &d, &["-t", piece], "");
        good += usize::from(t.status.success());
    }
    assert_eq!(good, 3);
    let first = run_wasm(app, &d.wasm, &["-dc", &pieces[0]], "");
    assert!(first.status.success() && input.starts_with(&first.stdout) && first.stdout.len() > 90_000);
}

/// bzip2's own `make test` (compresses and decompresses its three samples
/// and compares them with the expected files) in each build directory, the
/// WALI one under a private binfmt_misc registration so that make executes
/// the module; -o libbz2.so as in apps/recipes/bzip2.sh.
#[test]
fn bzip2_make_test_passes_for_both_builds() {
    bzip2();
    for (what, out) in make_in_both_builds("bzip2", &["-o", "libbz2.so", "test"]) {
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{what}: make test failed:\n{stdout}{}", text(&out.stderr));
        // The six comparisons ran, and the closing words were printed.
        assert_eq!(stdout.lines().filter(|l| l.starts_with("cmp sample")).count(), 6, "{what}:\n{stdout}");
        assert!(stdout.contains("like you're in business."), "{what}:\n{stdout}");
    }
}
