//! The core runtime end to end: one freestanding program writes, reads back
//! and stats a file, lists a directory and talks TCP to itself over loopback
//! with epoll. It must behave as its native build does, and `--strace` must
//! print what the real strace prints for the native build.

mod support;

use std::process::Command;

use support::{lamina, scratch, text};

#[test]
fn the_tour_runs_as_natively() {
    let out = support::same_as_native("tour", &[]);
    assert!(out.contains("ok pong\n") && out.contains("ok file.txt listed as a regular file\n"), "{out}");
}

/// The syscalls the tour makes (and nothing else a static glibc start-up does).
const TRACED: &str = "mkdir,open,write,read,close,fstat,getdents64,socket,bind,listen,getsockname,connect,\
                      epoll_create1,epoll_ctl,epoll_pwait,accept4,sendto,recvfrom,unlink,rmdir";

/// Hides what legitimately differs between two runs: addresses and the
/// ephemeral port; and strace's alignment padding.
fn normalise(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter(|l| !l.starts_with("+++"))
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            while let Some(i) = rest.find("0x").or_else(|| rest.find("htons(")) {
                out.push_str(&rest[..i]);
                let tail = &rest[i..];
                if let Some(t) = tail.strip_prefix("0x") {
                    out.push_str("0xADDR");
                    rest = t.trim_start_matches(|c: char| c.is_ascii_hexdigit());
                } else {
                    let t = &tail["htons(".len()..];
                    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
                    out.push_str(if &t[..t.len() - digits.len()] == "0" { "htons(0" } else { "htons(PORT" });
                    rest = digits;
                }
            }
            out.push_str(rest);
            match out.rfind(") ") {
                Some(i) if out[i + 1..].trim_start().starts_with("= ") => {
                    format!("{}) {}", &out[..i], out[i + 1..].trim_start())
                }
                _ => out,
            }
        })
        .collect()
}

#[test]
fn strace_of_the_tour_matches_real_strace_of_the_native_build() {
    let module = support::wasm("tour");
    let dir = scratch("tour-strace");
    let exe = dir.join("tour.static");
    let out = Command::new("gcc")
        .args(["-static", "-O1", "-w", "-I"])
        .arg(support::repo().join("tests/guests/include"))
        .arg(support::repo().join("tests/guests/tour.c"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let native_dir = scratch("tour-native");
    let native_trace = dir.join("native.trace");
    let out = Command::new("strace")
        .args(["-qq", "-e", &format!("trace={TRACED}"), "-o"])
        .arg(&native_trace)
        .arg(&exe)
        .current_dir(&native_dir)
        .output()
        .expect("strace is installed by the set-up");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let wasm_dir = scratch("tour-wasm");
    let wasm_trace = dir.join("wasm.trace");
    let out = lamina()
        .arg(format!("--strace={}", wasm_trace.display()))
        .arg(&module)
        .current_dir(&wasm_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let native = normalise(&std::fs::read_to_string(native_trace).unwrap());
    let wasm = normalise(&std::fs::read_to_string(wasm_trace).unwrap());
    for (n, (w, s)) in wasm.iter().zip(&native).enumerate() {
        assert_eq!(w, s, "line {} differs (left: lamina --strace, right: strace of native)", n + 1);
    }
    assert_eq!(
        wasm.len(),
        native.len(),
        "different number of calls\nlamina:\n{}\nnative:\n{}",
        wasm.join("\n"),
        native.join("\n")
    );
}
