//! Guest threads: one instance per thread over the shared memory, futexes,
//! and how threads end a process — compared with the same source run
//! natively with clone(2).

mod support;

use std::os::unix::process::ExitStatusExt;

#[test]
fn threads_hammer_a_futex_mutex_and_condition_as_natively() {
    let out = support::same_as_native("threads_futex", &[]);
    assert!(out.contains("counter: 80000\n"), "{out}");
    assert!(out.contains("ok futex_waitv returns the woken index\n"), "{out}");
}

#[test]
fn exit_group_from_a_thread_ends_the_process() {
    let out = support::same_as_native_status("threads_exit", &["group"]);
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn a_crash_in_a_thread_kills_the_process_with_sigsegv() {
    let out = support::same_as_native_status("threads_exit", &["crash"]);
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV));
}

#[test]
fn the_process_outlives_its_main_thread() {
    let out = support::same_as_native_status("threads_exit", &["main-exits"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(support::text(&out.stdout), "main: leaving\nthread: finished after main left\n");
}

#[test]
fn threads_that_exit_at_once_end_only_themselves() {
    let out = support::same_as_native_status("threads_exit", &["quick"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(support::text(&out.stdout), "joined 50 threads\n");
}

#[test]
fn a_child_forked_from_a_multithreaded_guest_exits_with_sys_exit() {
    let out = support::same_as_native_status("threads_exit", &["fork-exit"]);
    assert_eq!(support::text(&out.stdout), "child status: 1280\n");
}

#[test]
fn a_thread_whose_clear_tid_word_is_unwritable_ends_alone() {
    let out = support::same_as_native_status("threads_exit", &["tid-protnone"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(support::text(&out.stdout), "thread gone, process alive\n");
}
