//! Every syscall of the table is exercised by at least one behaviour guest
//! and one hostile-input guest (tests/guests/*.c, run by the tests in
//! crates/lamina/tests). A syscall added to an area without tests of both
//! kinds fails here.

use std::path::Path;

use lamina_wali::TABLE;

#[test]
fn every_core_syscall_has_behaviour_and_hostile_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/guests");
    let (mut behaviour, mut hostile) = (String::new(), String::new());
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "c") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            if name.starts_with("hostile_") { &mut hostile } else { &mut behaviour }.push_str(&text);
        }
    }
    let mut missing = vec![];
    let mut count = 0;
    for def in TABLE.iter().filter(|d| d.traced()) {
        count += 1;
        let call = format!("wali_{}(", def.short_name());
        if !behaviour.contains(&call) {
            missing.push(format!("{}: no behaviour test", def.name));
        }
        if !hostile.contains(&call) {
            missing.push(format!("{}: no hostile-input test", def.name));
        }
    }
    assert!(count > 100, "the core areas shrank to {count} syscalls");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
