//! tinyxml2 (Debian's `tinyxml2` source), a C++ library, built by
//! apps/build.sh with its CMake build (the WALI one through the toolchain's
//! CMake file) and tested with its own test program, xmltest: 463 checks
//! of parsing, printing, entities, UTF-8, errors and the document API, which
//! read resources/*.xml and write resources/out/. Both builds run it in a
//! copy of the resources; they must pass every check, print the same report
//! and write the same files.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use apps::*;
use support::{repo, text};

fn xmltest() -> &'static App {
    static XMLTEST: OnceLock<App> = OnceLock::new();
    XMLTEST.get_or_init(|| {
        build_in_tree("tinyxml2", "xmltest", "tinyxml2/wasm/xmltest.wasm", "tinyxml2/native/xmltest", "--help")
    })
}

/// The files below `dir`, relative to it, with their contents, in order.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    found.sort();
    found
}

#[test]
fn xmltest_passes_every_check_in_both_builds_alike() {
    let app = xmltest();
    let d = dirs("tinyxml2-xmltest");
    let resources = repo().join("build/apps/src/tinyxml2/resources");
    for dir in [&d.wasm, &d.native] {
        let copied = Command::new("cp").arg("-a").arg(&resources).arg(dir).status().unwrap();
        assert!(copied.success());
    }
    let w = run_wasm(app, &d.wasm, &[], "");
    let n = run_native(app, &d.native, &[], "");
    assert_eq!((w.status.code(), n.status.code()), (Some(0), Some(0)), "{}", text(&w.stderr));
    // The report, less the time xmltest measures for parsing dream.xml.
    let report = |out: &[u8]| -> String {
        text(out).lines().filter(|l| !l.starts_with("Parsing dream.xml")).map(|l| format!("{l}\n")).collect()
    };
    let (wasm_report, native_report) = (report(&w.stdout), report(&n.stdout));
    assert_eq!(wasm_report, native_report, "left: lamina, right: native");
    assert!(wasm_report.ends_with("\nPass 463, Fail 0\n"), "{wasm_report}");
    assert!(!wasm_report.contains("[fail]"), "{wasm_report}");
    // What it wrote: pretty and compact printing, the dream document read and
    // written again, UTF-8 with and without a byte-order mark.
    let (wasm_out, native_out) = (files(&d.wasm.join("resources/out")), files(&d.native.join("resources/out")));
    let names: Vec<&str> = wasm_out.iter().map(|(name, _)| name.as_str()).collect();
    for written in ["bomtest.xml", "compact.xml", "dreamout.xml", "pretty.xml", "printer.xml", "utf8testout.xml"] {
        assert!(names.contains(&written), "{written} not written: {names:?}");
    }
    assert!(wasm_out == native_out, "the files written differ between the builds");
}
