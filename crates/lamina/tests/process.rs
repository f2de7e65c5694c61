//! Process identity and the process calls of the runtime core.

mod support;

#[test]
fn ids_kill_and_wait_match_native() {
    let out = support::same_as_native("process_ids", &[]);
    assert!(out.contains("ok main thread id is the process id\n"), "{out}");
    assert!(out.contains("ok pidfd_getfd copies stdout\n"), "{out}");
    assert!(out.contains("via the copy\n"), "{out}");
}

#[test]
fn hostile_process_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_process", &[]);
    assert!(out.contains("ok futex wild timeout\n"), "{out}");
    assert!(out.contains("ok waitid wild siginfo\n"), "{out}");
    assert!(out.contains("ok pidfd_send_signal wild info\n"), "{out}");
    assert!(out.contains("ok futex_waitv address past 4 GiB\n"), "{out}");
    assert!(out.contains("ok exit status keeps the low byte\n"), "{out}");
}

#[test]
fn fork_and_wait_status_round_trips_match_native() {
    let out = support::same_as_native("process_fork", &[]);
    assert!(out.contains("exit 42: status: 10752\n"), "{out}");
    assert!(out.contains("signal 9: termsig: 9\n"), "{out}");
    assert!(out.contains("message: from the child\n"), "{out}");
    assert!(out.contains("waitid si_status: 7\n"), "{out}");
    assert!(out.contains("ok parent's copy unchanged after vfork\n"), "{out}");
}

#[test]
fn strace_follows_forked_children_like_strace_f() {
    let module = support::wasm("process_fork");
    let dir = support::scratch("fork-strace");
    let trace = dir.join("trace");
    let out = support::lamina().arg(format!("--strace={}", trace.display())).arg(&module).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::text(&out.stderr));
    let trace = std::fs::read_to_string(trace).unwrap();
    let child_fork = trace.lines().find(|l| l.starts_with("[pid ") && l.contains("] fork()")).expect(&trace);
    assert!(child_fork.ends_with("= 0"), "{child_fork}");
    assert!(trace.contains("] +++ killed by SIGSEGV +++\n"), "{trace}");
    assert!(trace.contains("] exit_group(42)"), "{trace}");
    assert!(trace.ends_with("\n+++ exited with 0 +++\n"), "{trace}");
}
