//! Identity and limits: ids, groups, sessions, resource limits and usage,
//! system information, scheduling, randomness, prctl and memory locking.
//! Differential guests against the native build, and a WALI-only guest with
//! hostile arguments.

mod support;

#[test]
fn ids_and_groups_match_native() {
    let out = support::same_as_native("identity_ids", &[]);
    assert!(out.contains("ok setuid(getuid())\n"), "{out}");
}

#[test]
fn process_groups_match_native() {
    let out = support::same_as_native("identity_session", &[]);
    assert!(out.contains("ok getpgid(0) is getpgid(getpid())\n"), "{out}");
}

#[test]
fn a_new_session_matches_native() {
    support::same_as_native("identity_session", &["setsid"]);
}

#[test]
fn resource_limits_and_usage_match_native() {
    let out = support::same_as_native("identity_limits", &[]);
    assert!(out.contains("ok soft limit is 32\n"), "{out}");
    assert!(out.contains("ok getrusage self\n"), "{out}");
}

#[test]
fn system_information_and_prctl_match_native() {
    let out = support::same_as_native("identity_system", &[]);
    assert!(out.contains("sysname: Linux\n"), "{out}");
    assert!(out.contains("ok name round-trips\n"), "{out}");
    assert!(out.contains("ok at least one cpu\n"), "{out}");
}

#[test]
fn scheduling_priorities_capabilities_and_names_match_native() {
    let out = support::same_as_native("identity_sched", &[]);
    assert!(out.contains("ok priority read back\n"), "{out}");
    assert!(out.contains("ok affinity read back\n"), "{out}");
    assert!(out.contains("ok kernel writes its version\n"), "{out}");
    assert!(out.contains("ok personality read back\n"), "{out}");
}

#[test]
fn hostile_identity_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_identity", &[]);
    assert!(out.contains("ok PR_SET_SECCOMP strict refused\n"), "{out}");
    assert!(out.contains("ok the runtime still makes syscalls\n"), "{out}");
    assert!(out.contains("ok personality READ_IMPLIES_EXEC refused\n"), "{out}");
    assert!(out.contains("ok capget data straddling\n"), "{out}");
}

/// Refusals are explained once on stderr, whatever the number of calls.
#[test]
fn refusals_warn_once() {
    let module = support::wasm("hostile_identity");
    let dir = support::scratch("identity-warnings");
    let out = support::run_wasm_in(&module, &[], &dir);
    let stderr = support::text(&out.stderr);
    assert_eq!(stderr.matches("set_robust_list gets ENOSYS").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("prctl option 22 is not supported").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("RLIMIT_AS").count(), 1, "{stderr}");
    assert!(stderr.contains("mlockall(MCL_FUTURE)") || !is_root(), "{stderr}");
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
