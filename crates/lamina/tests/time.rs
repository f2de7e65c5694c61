//! Clocks and sleeping: differential guests against the native build, and a
//! WALI-only guest with hostile pointers and ids.

mod support;

#[test]
fn clocks_match_native() {
    let out = support::same_as_native("time_clocks", &[]);
    assert!(out.contains("ok monotonic does not go back\n"), "{out}");
    assert!(out.contains("ok gettimeofday agrees with realtime\n"), "{out}");
    assert!(out.contains("ok time stores what it returns\n"), "{out}");
    assert!(out.contains("ok settimeofday bad usec\n"), "{out}");
}

#[test]
fn sleeps_match_native() {
    let out = support::same_as_native("time_sleep", &[]);
    assert!(out.contains("ok slept at least 20ms\n"), "{out}");
    assert!(out.contains("ok woke after the deadline\n"), "{out}");
}

#[test]
fn hostile_time_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_time", &[]);
    assert!(out.contains("ok nanosleep wild remainder, not interrupted\n"), "{out}");
    assert!(out.contains("ok still alive\n"), "{out}");
    assert!(out.contains("ok clock_settime straddling\n"), "{out}");
}
