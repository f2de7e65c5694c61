//! The differential harness of the C library and C++ library tests (libc.rs,
//! cxx.rs): each program of a suite (tests/<dir>/<name>.<extension>) is
//! built natively (gcc or g++, with glibc and libstdc++) and for WALI
//! (`lamina cc` or `lamina c++`, the musl port and libc++), both are run in
//! fresh scratch directories with the same arguments and the same
//! environment, and must print the same stdout and end with the same status.
//! The programs also check what the standards pin down and print a line
//! starting with FAIL when a check fails, which fails the test even if both
//! builds agree. Every program is tested in both C ABIs of the driver
//! (`-mabi=wali`, 64-bit long, and `-mabi=ilp32`): native x86-64 has 64-bit
//! long, so the programs print nothing that depends on its size.
#![allow(dead_code)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use crate::support;

/// Longer than any program needs by far; a program still running then is
/// hung, and is killed so the test fails instead of hanging.
const HANG: Duration = Duration::from_secs(120);

/// A directory of test programs and the compilers that build them.
pub struct Suite {
    /// The programs are tests/DIR/*.EXTENSION.
    pub dir: &'static str,
    pub extension: &'static str,
    /// The native compiler (`gcc`, `g++`).
    pub native: &'static str,
    /// The `lamina` subcommand that builds for WALI (`cc`, `c++`).
    pub wali: &'static str,
}

/// How a program is run: its arguments (after argv[0], which differs between
/// the builds and is never printed) and its whole environment (both builds
/// start from an empty one; Lamina gives the guest only what `--env` names).
#[derive(Clone, Copy, Default)]
pub struct Run {
    pub args: &'static [&'static str],
    pub env: &'static [(&'static str, &'static str)],
    /// The signal that ends the program natively when it is meant to end by
    /// one (std::terminate's SIGABRT); otherwise it exits with status 0.
    pub killed_by: Option<i32>,
    /// More translation units of the program, in a subdirectory of the
    /// suite's (so that they are not programs of their own).
    pub units: &'static [&'static str],
}

impl Suite {
    pub fn source(&self, name: &str) -> PathBuf {
        support::repo().join("tests").join(self.dir).join(format!("{name}.{}", self.extension))
    }

    /// The WALI compiler driver, used like `cc` (or `c++`), for the C ABI `abi`.
    pub fn wali_compiler(&self, abi: &str) -> Command {
        let mut cc = support::lamina();
        cc.arg(self.wali).arg(format!("-mabi={abi}"));
        cc
    }

    pub fn compile(&self, mut cc: Command, name: &str, units: &[&str], out: &Path, what: &str) {
        let src = self.source(name);
        let dir = src.parent().unwrap();
        cc.args(["-O2", "-w", "-I"]).arg(dir).arg(&src).args(units.iter().map(|unit| dir.join(unit)));
        cc.arg("-o").arg(out).arg("-lm");
        let result = cc.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("cannot run the {what} compiler: {e}"));
        assert!(
            result.status.success(),
            "{what} build of {} failed:\n{}{}",
            src.display(),
            support::text(&result.stdout),
            support::text(&result.stderr)
        );
    }

    /// Builds the program `name` natively and for WALI in the C ABI `abi`,
    /// runs both, and compares.
    pub fn same_as_native(&self, name: &str, abi: &str, how: Run) {
        let name_abi = format!("{name}-{abi}");
        let build = support::scratch(&format!("{name_abi}-build"));
        let (exe, module) = (build.join(name), build.join(format!("{name}.wasm")));
        let mut native_compiler = Command::new(self.native);
        native_compiler.arg("-pthread");
        self.compile(native_compiler, name, how.units, &exe, "native");
        self.compile(self.wali_compiler(abi), name, how.units, &module, "WALI");

        let mut native = Command::new(&exe);
        native.args(how.args).env_clear().envs(how.env.iter().copied());
        let mut lamina = support::lamina();
        lamina.arg("run");
        for (key, value) in how.env {
            lamina.arg("--env").arg(format!("{key}={value}"));
        }
        lamina.arg(&module).args(how.args);

        let n = run(native, &format!("{name_abi}-native"));
        let w = run(lamina, &format!("{name_abi}-wasm"));
        assert_eq!(
            w.stdout, n.stdout,
            "stdout of {name} ({abi}) differs (left: lamina, right: native)\nlamina stderr:\n{}",
            w.stderr
        );
        assert_eq!(
            (w.status.code(), w.status.signal()),
            (n.status.code(), n.status.signal()),
            "exit status of {name} ({abi}) differs (lamina, native: (code, signal))\nlamina stderr:\n{}",
            w.stderr
        );
        assert!(!n.stdout.lines().any(|l| l.starts_with("FAIL")), "{name} failed its own checks:\n{}", n.stdout);
        match how.killed_by {
            None => {
                assert_eq!(n.status.code(), Some(0), "{name} did not succeed natively:\n{}\n{}", n.stdout, n.stderr)
            }
            Some(signal) => assert_eq!(
                n.status.signal(),
                Some(signal),
                "{name} did not end by signal {signal} natively:\n{}\n{}",
                n.stdout,
                n.stderr
            ),
        }
    }

    /// Fails unless the suite's directory has exactly the programs `listed`.
    pub fn lists_every_program(&self, listed: &[&str]) {
        let dir = support::repo().join("tests").join(self.dir);
        let suffix = format!(".{}", self.extension);
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().into_string().ok())
            .filter_map(|f| f.strip_suffix(&suffix).map(str::to_owned))
            .collect();
        found.sort();
        let mut listed = listed.to_vec();
        listed.sort();
        assert_eq!(found, listed, "{}/*{suffix} and the programs! list must name the same programs", dir.display());
    }
}

pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` in a fresh scratch directory, killing it if it hangs.
pub fn run(mut cmd: Command, label: &str) -> Finished {
    cmd.current_dir(support::scratch(label));
    let out = support::run_bounded(cmd, HANG);
    Finished { status: out.status, stdout: support::text(&out.stdout), stderr: support::text(&out.stderr) }
}

/// One test per program of the suite `SUITE` (a constant of the test crate)
/// and C ABI, <name>::wali and <name>::ilp32 (or only the ABIs listed in
/// brackets after the name), and the list of the programs, PROGRAMS.
macro_rules! programs {
    ($($name:ident $([$($abi:ident),+])? $(=> $how:expr)?;)*) => {
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            programs!(@tests $name [$($($abi),+)?] programs!(@how $($how)?));
        )*
    };
    (@tests $name:ident [] $how:expr) => { programs!(@tests $name [wali, ilp32] $how); };
    (@tests $name:ident [$($abi:ident),+] $how:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $abi() {
                    SUITE.same_as_native(stringify!($name), stringify!($abi), $how);
                }
            )+
        }
    };
    (@how) => { Run::default() };
    (@how $how:expr) => { $how };
}
