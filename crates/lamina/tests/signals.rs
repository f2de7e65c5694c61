//! Signals: dispositions, delivery to wasm handlers at safe points, masks,
//! waits, alternate stacks, timers, traps as signals, and what exec keeps —
//! compared with the same C source run natively.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn signal_descriptors_thread_queues_and_alarm_match_native() {
    let out = support::same_as_native("signal_fd", &[]);
    assert!(out.contains("ok ssi_pid\n"), "{out}");
    assert!(out.contains("ok queued value\n"), "{out}");
    assert!(out.contains("ok SIGALRM comes\n"), "{out}");
}

#[test]
fn dispositions_masks_and_delivery_to_self_match_native() {
    let out = support::same_as_native("signal_basic", &[]);
    assert!(out.contains("ok kill: handled before returning\n"), "{out}");
    assert!(out.contains("ok sent SIGSEGV: handled once unblocked\n"), "{out}");
    assert!(out.contains("ok the handler's uc_sigmask is restored\n"), "{out}");
}

#[test]
fn timers_interrupt_loops_and_blocking_calls_restart_as_natively() {
    let out = support::same_as_native("signal_interrupt", &[]);
    assert!(out.contains("ok alarm ended a compute loop\n"), "{out}");
    assert!(out.contains("ok restarted read got the data\nok handler ran during the read\n"), "{out}");
    assert!(out.contains("ok with the temporary mask\n"), "{out}");
}

#[test]
fn an_alarm_interrupts_an_endless_loop() {
    let out = support::same_as_native_status("signal_interrupt", &["spin"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(support::text(&out.stdout), "alarm in the loop\n");
}

#[test]
fn sigtimedwait_sigqueueinfo_and_posix_timers_match_native() {
    let out = support::same_as_native("signal_wait", &[]);
    assert!(out.contains("ok sigtimedwait: takes the pending signal\nok sigtimedwait: si_signo\n"), "{out}");
    assert!(out.contains("ok sigqueueinfo: value carried\n"), "{out}");
    assert!(out.contains("ok sent SIGSEGV: taken first\n"), "{out}");
    assert!(out.contains("ok SIGSEGV from a thread: taken\n"), "{out}");
    assert!(out.contains("ok another signal: EINTR\n"), "{out}");
    assert!(out.contains("ok timer: the value\nok timer: si_timerid\n"), "{out}");
    assert!(out.contains("ok periodic: overruns counted\n"), "{out}");
    assert!(out.contains("ok deleted: timer_gettime\n"), "{out}");
}

/// Starts `cmd` (a guest in `wait-sigint` mode), waits for "ready", sends
/// SIGINT from outside, and returns the rest of its output and its status.
fn interrupt_from_outside(mut cmd: Command) -> (String, std::process::ExitStatus) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    // SAFETY: plain kill(2) of our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    (rest, child.wait().unwrap())
}

#[test]
fn sigint_from_outside_reaches_a_handler_in_a_busy_loop() {
    let dir = support::scratch("sigint");
    let mut lamina = support::lamina();
    lamina.arg("run").arg(support::wasm("signal_interrupt")).arg("wait-sigint").current_dir(&dir);
    let mut native = Command::new(support::native("signal_interrupt"));
    native.arg("wait-sigint").current_dir(&dir).stdin(Stdio::null());
    let (w, n) = (interrupt_from_outside(lamina), interrupt_from_outside(native));
    assert_eq!(w.0, "interrupted\n");
    assert_eq!(w.1.code(), Some(42));
    assert_eq!((n.0.as_str(), n.1.code()), (w.0.as_str(), w.1.code()));
}

#[test]
fn default_actions_and_faults_give_the_parent_the_native_wait_status() {
    let cases: &[(&str, Option<i32>, Option<i32>)] = &[
        ("term", None, Some(libc::SIGTERM)),
        ("quit", None, Some(libc::SIGQUIT)),
        ("pipe-default", None, Some(libc::SIGPIPE)),
        ("pipe-ignored", Some(0), None),
        ("segv-exit", Some(7), None),
        ("segv-return", None, Some(libc::SIGSEGV)),
        ("segv-onstack", Some(8), None),
        ("ill-exit", Some(9), None),
        ("fpe-exit", Some(10), None),
        ("segv-blocked", None, Some(libc::SIGSEGV)),
        ("segv-ignored", None, Some(libc::SIGSEGV)),
    ];
    for &(mode, code, signal) in cases {
        let out = support::same_as_native_status("signal_default", &[mode]);
        assert_eq!((out.status.code(), out.status.signal()), (code, signal), "{mode}");
    }
    let out = support::same_as_native_status("signal_default", &["segv-exit"]);
    assert_eq!(support::text(&out.stdout), "signal: 11\nsi_signo: 11\nsi_code: 1\n");
}

#[test]
fn a_parent_that_ignores_sigpipe_passes_that_on() {
    let mut cmd = support::lamina();
    cmd.arg("run").arg(support::wasm("signal_default")).arg("pipe-default");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
            Ok(())
        })
    };
    let out = cmd.current_dir(support::scratch("sigpipe-ignored")).output().unwrap();
    assert_eq!(support::text(&out.stdout), "write: -32\n", "{}", support::text(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn signals_sent_to_a_thread_are_handled_by_that_thread() {
    let out = support::same_as_native("signal_threads", &[]);
    assert!(out.contains("ok tkill: handled by the thread it was sent to\n"), "{out}");
}

#[test]
fn sa_onstack_handlers_run_on_the_alternate_stack() {
    let out = support::same_as_native("signal_altstack", &[]);
    assert!(out.contains("ok SA_ONSTACK handler on the alternate stack\n"), "{out}");
    assert!(out.contains("ok autodisarm: restored after\n"), "{out}");
}

/// A scratch directory holding `program` as the executable `child`.
fn directory_with_child(program: &Path, name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = support::scratch(name);
    std::fs::copy(program, dir.join("child")).unwrap();
    std::fs::set_permissions(dir.join("child"), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn exec_keeps_ignored_signals_the_mask_and_pending_signals() {
    let (module, exe) = (support::wasm("signal_exec"), support::native("signal_exec"));
    let w = support::run_wasm_in(&module, &["exec"], &directory_with_child(&module, "signal-exec-wasm"));
    let n = support::run_native_in(&exe, &["exec"], &directory_with_child(&exe, "signal-exec-native"));
    let (wout, nout) = (support::text(&w.stdout), support::text(&n.stdout));
    assert_eq!(wout, nout, "{}", support::text(&w.stderr));
    assert!(!nout.contains("FAIL") && nout.contains("ok pending signal kept\n"), "{nout}");
    assert_eq!((w.status.code(), n.status.code()), (Some(0), Some(0)));
}

#[test]
fn hostile_signal_arguments_get_the_kernels_errors() {
    support::wasm_passes("hostile_signal", &[]);
}

#[test]
fn strace_shows_signals_as_strace_does() {
    let module = support::wasm("signal_basic");
    let dir = support::scratch("signal-strace");
    let trace = dir.join("trace");
    let out = support::lamina().arg(format!("--strace={}", trace.display())).arg(&module).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::text(&out.stderr));
    let trace = std::fs::read_to_string(trace).unwrap();
    // As strace shows it: the call, then the signal it brought, whose handler
    // runs before the call returns to the program.
    let lines: Vec<&str> = trace.lines().collect();
    let kill = lines.iter().position(|l| l.starts_with("kill(") && l.contains(", SIGUSR1) ")).expect(&trace);
    assert!(lines[kill].ends_with("= 0"), "{trace}");
    assert!(lines[kill + 1].starts_with("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid="), "{trace}");
    assert!(trace.contains("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid="), "{trace}");
}
