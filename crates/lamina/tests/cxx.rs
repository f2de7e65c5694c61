//! The C++ standard library for WALI (libc++, libc++abi and libunwind built
//! by toolchain/build-libcxx.sh), differentially: each tests/cxx/<name>.cpp
//! is built natively (g++ + libstdc++) and for WALI (`lamina c++`), run both
//! ways and compared (support/differential.rs), in both C ABIs.

mod support;

#[macro_use]
#[path = "support/differential.rs"]
mod differential;

use differential::{Run, Suite};

const SUITE: Suite = Suite { dir: "cxx", extension: "cpp", native: "g++", wali: "c++" };

programs! {
    containers;
    exceptions;
    exit;
    filesystem;
    iostreams;
    new_delete;
    quick_exit;
    regex_random;
    rtti;
    static_init => Run { units: &["units/static_init_other.cpp"], ..Run::default() };
    // An uncaught exception: std::terminate, then abort(), as natively.
    terminate => Run { killed_by: Some(libc::SIGABRT), ..Run::default() };
    // The same from a thread other than main's.
    thread_terminate => Run { killed_by: Some(libc::SIGABRT), ..Run::default() };
    threads;
}

#[test]
fn every_program_has_a_test() {
    SUITE.lists_every_program(PROGRAMS);
}
