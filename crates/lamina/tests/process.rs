//! Process identity and the process calls of the runtime core.

mod support;

#[test]
fn ids_kill_and_wait_match_native() {
    let out = support::same_as_native("process_ids", &[]);
    assert!(out.contains("ok main thread id is the process id\n"), "{out}");
}

#[test]
fn hostile_process_arguments_get_efault() {
    support::wasm_passes("hostile_process", &[]);
}
