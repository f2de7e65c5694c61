//! zlib (Debian's `zlib` source) built by apps/build.sh with the WALI
//! toolchain and natively with gcc: its test programs minigzip and example,
//! run both ways on the same inputs. Compressed output must be the same
//! bytes from both builds, each build must decompress what the other wrote,
//! and damaged input must fail with the same message and status; zlib's own
//! `make test` runs for both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::process::Command;
use std::sync::OnceLock;

use apps::*;
use support::text;

fn minigzip() -> &'static App {
    static MINIGZIP: OnceLock<App> = OnceLock::new();
    // minigzip has no version option; -d of empty input succeeds.
    MINIGZIP.get_or_init(|| build("zlib", "minigzip", "-d"))
}

fn example() -> App {
    minigzip();
    program("zlib-example")
}

#[test]
fn zlib_example_program_agrees_except_for_the_type_sizes() {
    let app = example();
    let d = dirs("zlib-example");
    let w = run_wasm(&app, &d.wasm, &["scratch.gz"], "");
    let n = run_native(&app, &d.native, &["scratch.gz"], "");
    assert_eq!((w.status.code(), n.status.code()), (Some(0), Some(0)), "{}", text(&w.stderr));
    let (w, n) = (text(&w.stdout), text(&n.stdout));
    // zlibCompileFlags() packs the sizes of uInt, uLong, voidpf and z_off_t,
    // two bits each: 32-bit long and pointers under WALI (01), 64-bit
    // natively (10); z_off_t is 64-bit in both.
    let (w_first, w_rest) = w.split_once('\n').unwrap();
    let (n_first, n_rest) = n.split_once('\n').unwrap();
    assert_eq!(w_first, "zlib version 1.2.13 = 0x12d0, compile flags = 0x95");
    assert_eq!(n_first, "zlib version 1.2.13 = 0x12d0, compile flags = 0xa9");
    assert_eq!(w_rest, n_rest);
    assert_has(
        w_rest,
        &[
            "uncompress(): hello, hello!",
            "gzread(): hello, hello!",
            "gzgets() after gzseek:  hello!",
            "large_inflate(): OK",
            "after inflateSync(): hello, hello!",
            "inflate with dictionary: hello, hello!",
        ],
    );
}

#[test]
fn minigzip_levels_and_strategies_give_the_same_bytes_and_decompress_across() {
    let app = minigzip();
    let d = dirs("minigzip-levels");
    let input = corpus(4 << 20);
    for args in [&[][..], &["-1"], &["-6"], &["-9"], &["-f"], &["-h"], &["-r"]] {
        let (w, _) = same_bytes(app, &d, args, &input);
        assert_eq!(w.status.code(), Some(0), "{args:?}: {}", text(&w.stderr));
        let gz = w.stdout;
        // A gzip member: magic, deflate, and minigzip's OS byte (Unix).
        assert_eq!((gz[0], gz[1], gz[2], gz[9]), (0x1f, 0x8b, 8, 3), "{args:?}");
        let limit = if args == ["-h"] || args == ["-r"] { input.len() * 3 / 4 } else { input.len() / 3 };
        assert!(gz.len() < limit, "{args:?}: {} bytes", gz.len());
        // Each build decompresses the other's output (they are the same
        // bytes, so this is also each build decompressing its own).
        let by_wasm = run_wasm(app, &d.wasm, &["-d"], &gz);
        let by_native = run_native(app, &d.native, &["-d"], &gz);
        assert!(by_wasm.status.success() && by_wasm.stdout == input, "{args:?}: {}", text(&by_wasm.stderr));
        assert!(by_native.status.success() && by_native.stdout == input, "{args:?}");
        // And gzip agrees that it is gzip data.
        let gunzip = run(gzip("-dc"), &gz);
        assert!(gunzip.status.success() && gunzip.stdout == input, "{args:?}: gzip -dc failed");
    }
    // What gzip wrote, minigzip reads.
    let by_gzip = run(gzip("-9c"), &input).stdout;
    let (w, _) = same_bytes(app, &d, &["-d"], &by_gzip);
    assert!(w.status.success() && w.stdout == input);
}

/// Debian's gzip, a third implementation of the format.
fn gzip(flags: &str) -> Command {
    let mut cmd = Command::new("gzip");
    cmd.arg(flags);
    cmd
}

#[test]
fn minigzip_compresses_and_restores_files_in_place() {
    let app = minigzip();
    let d = dirs("minigzip-files");
    let input = corpus(300_000);
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("a.txt"), &input).unwrap();
        std::fs::write(dir.join("b.txt"), &input[..1000]).unwrap();
    }
    same_ok(app, &d, &["-9", "a.txt", "b.txt"], "");
    for dir in [&d.wasm, &d.native] {
        assert!(!dir.join("a.txt").exists(), "minigzip removes what it compressed");
    }
    let gz = std::fs::read(d.wasm.join("a.txt.gz")).unwrap();
    assert_eq!(gz, std::fs::read(d.native.join("a.txt.gz")).unwrap());
    assert_eq!(std::fs::read(d.wasm.join("b.txt.gz")).unwrap(), std::fs::read(d.native.join("b.txt.gz")).unwrap());
    same_ok(app, &d, &["-d", "a.txt.gz", "b.txt.gz"], "");
    for dir in [&d.wasm, &d.native] {
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), input);
        assert_eq!(std::fs::read(dir.join("b.txt")).unwrap(), &input[..1000]);
        assert!(!dir.join("a.txt.gz").exists());
    }
}

#[test]
fn minigzip_damaged_input_fails_the_same_way() {
    let app = minigzip();
    let d = dirs("minigzip-damaged");
    let input = corpus(200_000);
    let (w, _) = same_bytes(app, &d, &[], &input);
    let gz = w.stdout;
    let truncated = &gz[..gz.len() / 2];
    let (w, _) = same_bytes(app, &d, &["-d"], truncated);
    assert_eq!(w.status.code(), Some(1));
    assert!(
        w.stdout.len() > input.len() / 4 && input.starts_with(&w.stdout),
        "a prefix of the input comes out first ({} bytes)",
        w.stdout.len()
    );
    let mut bad_crc = gz.clone();
    let at = bad_crc.len() - 6;
    bad_crc[at] ^= 1;
    let (w, n) = same_bytes(app, &d, &["-d"], &bad_crc);
    assert_eq!((text(&w.stderr), w.status.code()), ("minigzip: <fd:0>: incorrect data check\n".into(), Some(1)));
    assert_eq!(w.stderr, n.stderr);
    // Data that is not gzip passes through unchanged (gzread's transparent mode).
    let (w, _) = same_bytes(app, &d, &["-d"], b"plain text, not gzip\n");
    assert_eq!((w.stdout.as_slice(), w.status.code()), (&b"plain text, not gzip\n"[..], Some(0)));
    let missing = same_failure(app, &d, &["-d", "no-such-file.gz"], "");
    assert_eq!(missing, "minigzip: can't gzopen no-such-file.gz\n");
}

/// zlib's own `make test` (minigzip round trip and example, also their
/// 64-bit-offset variants) in each build directory, the WALI one under a
/// private binfmt_misc registration so that make executes the modules.
#[test]
fn zlib_make_test_passes_for_both_builds() {
    minigzip();
    for (what, out) in make_in_both_builds("zlib", &["test"]) {
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{what}: make test failed:\n{stdout}{}", text(&out.stderr));
        for line in ["\t\t*** zlib test OK ***", "\t\t*** zlib 64-bit test OK ***"] {
            assert!(stdout.lines().any(|l| l == line), "{what}: no {line:?} in:\n{stdout}");
        }
    }
}
