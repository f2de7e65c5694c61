//! Memory management inside linear memory: differential guests (anonymous
//! and file mappings, brk), a shared file mapping the host reads back, and a
//! hostile guest for mmap and friends.
mod support;

fn assert_lines(out: &str, lines: &[&str]) {
    for line in lines {
        assert!(out.contains(&format!("ok {line}\n")), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn anonymous_mappings_and_the_break_match_native() {
    let out = support::same_as_native("mm_anon", &[]);
    assert_lines(
        &out,
        &[
            "brk grows",
            "released break pages are unmapped",
            "mapping into the hole by hint",
            "NOREPLACE over a mapping",
            "grow in place",
            "blocked growth moves",
            "MREMAP_FIXED shrinking over a mapping",
            "DONTUNMAP left the old range mapped, empty",
            "doubling mremap keeps contents",
            "grow both in place",
            "both moved",
            "mremap across protections",
            "mlock across the hole",
            "mlockall current",
            "touched pages are in memory",
            "untouched ones are not",
            "mincore of unmapped pages",
            "readv with its iovec array in PROT_NONE",
            "DONTNEED zeroes anonymous memory",
            "3072 map/unmap cycles of 1 MiB, always zeroed",
            "fragmented reuse keeps every mapping intact",
            "then 1.5 GiB reusing it",
        ],
    );
}

#[test]
fn file_mappings_match_native() {
    let out = support::same_as_native("mm_file", &[]);
    assert_lines(
        &out,
        &[
            "read(2) sees the store",
            "stores in the grown part reach the file",
            "the file changed",
            "the duplicate shares the pages",
            "stores outlive the mapping",
            "private stores stay private",
            "shared writable map of a read-only descriptor",
            "mprotect it writable",
            "map a pipe",
            "the mapping is still there",
            "contents moved",
        ],
    );
}

#[test]
fn a_shared_file_mapping_writes_the_file_for_the_host() {
    let module = support::wasm("mm_file");
    let dir = support::scratch("mm_file-host");
    let run = support::run_wasm_in(&module, &["write", "message.txt"], &dir);
    let out = support::text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{out}\n{}", support::text(&run.stderr));
    assert!(!out.contains("FAIL"), "{out}");
    let written = std::fs::read_to_string(dir.join("message.txt")).unwrap();
    assert_eq!(written, "written through MAP_SHARED by the guest\n");
}

#[test]
fn hostile_memory_management_gets_errnos_and_the_runtime_survives() {
    let out = support::wasm_passes("hostile_mm", &[]);
    assert_lines(
        &out,
        &[
            "mmap length 4 GiB - 1",
            "munmap wrapping length",
            "MAP_FIXED at 2 GiB",
            "MAP_FIXED at NULL",
            "MAP_FIXED far beyond the end",
            "low memory untouched",
            "readv with the iovec array in it",
            "a path running into it",
            "madvise DONTFORK (refused)",
            "mlock length wraps",
            "mincore vector past the end",
            "mincore vector read-only",
            "munlockall",
            "mappings never land in grown memory",
            "mapping 4 GiB ends in ENOMEM",
            "512 MiB fit again",
            "runtime survived",
        ],
    );
}

#[test]
fn threads_map_protect_move_and_unmap_at_once_as_natively() {
    let out = support::same_as_native("mm_threads", &[]);
    assert_lines(&out, &["every mapping of every thread behaved"]);
}
