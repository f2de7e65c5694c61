//! The C library of the WALI toolchain (toolchain/musl) against the
//! machine-readable WALI specification (the `wali-linux` package): every
//! structure of the ABI has the spec's layout in the library's headers, every
//! import a program gets has the spec's wasm type, and the generated headers
//! (the port's and the test guests') are those the generator makes from the
//! installed spec. The probes are built in both C ABIs of `lamina cc`: the
//! imports are the same, and so are the structures, but for the fields the
//! ILP32 ABI narrows to a 32-bit long and the ones its library converts.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{lamina, repo, scratch, text};

/// The Python that has `wali-linux` (`$LAMINA_SPEC_PYTHON`, else the set-up's `.venv`).
fn spec_python() -> Command {
    let python =
        std::env::var_os("LAMINA_SPEC_PYTHON").map(PathBuf::from).unwrap_or_else(|| repo().join(".venv/bin/python3"));
    Command::new(python)
}

fn spec_tool(script: &str, args: &[&str]) -> String {
    let out = spec_python()
        .arg(repo().join("tools").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run tools/{script} (run the README's set-up first): {e}"));
    assert!(out.status.success(), "tools/{script} failed: {}", text(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The C ABIs of `lamina cc`, by their `-mabi=` names.
const ABIS: [&str; 2] = ["wali", "ilp32"];

/// Builds a C source of tests/abi with `lamina cc` in the C ABI `abi`.
fn build(name: &str, abi: &str, extra: &[&Path]) -> PathBuf {
    let dir = scratch(&format!("{name}-{abi}"));
    let module = dir.join(format!("{name}.wasm"));
    let mut cc = lamina();
    cc.arg("cc").arg(format!("-mabi={abi}")).arg("-O2");
    for dir in extra {
        cc.arg("-I").arg(dir);
    }
    let out = cc.arg(repo().join(format!("tests/abi/{name}.c"))).arg("-o").arg(&module).output().unwrap();
    assert!(out.status.success(), "lamina cc {name}.c failed:\n{}", text(&out.stderr));
    module
}

fn run(module: &Path) -> String {
    let out = lamina().arg("run").arg(module).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{} failed:\n{}", module.display(), text(&out.stderr));
    text(&out.stdout)
}

/// The spec describes these as byte arrays (alignment 1); C declares them as
/// arrays of `unsigned long`, as the kernel's headers do. Only their size and
/// bytes cross the interface, so only their alignment may differ.
const ALIGNMENT_MAY_DIFFER: &[&str] = &["fd_set", "cpu_set_t"];

/// ILP32: the spec's 8-byte `long` fields that the headers keep as a 32-bit
/// long at the same offset, the kernel's low half (little-endian), with the
/// high half padding. (stat's st_blksize: blksize_t is long.)
const NARROWED_IN_ILP32: &[(&str, &str)] = &[
    ("struct_timespec", "tv_nsec"),
    ("struct_statfs", "f_type"),
    ("struct_statfs", "f_bsize"),
    ("struct_statfs", "f_namelen"),
    ("struct_statfs", "f_frsize"),
    ("struct_statfs", "f_flags"),
    ("struct_stat", "st_blksize"),
];

/// ILP32: structures whose `long` fields stay 32-bit for the program, which
/// the library converts from the kernel's (src/*/wasm32: getrusage, wait4,
/// sysinfo); the libc differential tests check the values.
const CONVERTED_IN_ILP32: &[&str] = &["struct_sysinfo", "struct_rusage"];

#[test]
fn every_abi_structure_has_the_specs_layout_in_the_c_library() {
    let want = spec_tool("wali_spec_types.py", &["--layouts"]);
    for abi in ABIS {
        // The rt_sigaction argument is internal to the library: the probe
        // includes the port's own header for it.
        let module = build("layout", abi, &[&repo().join("toolchain/musl/arch/wasm32")]);
        let got = run(&module);
        let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        assert_eq!(
            want.len(),
            got.len(),
            "the probe does not cover the spec's structures:\nspec:\n{want:#?}\nprobe ({abi}):\n{got:#?}"
        );
        for (w, g) in want.iter().zip(&got) {
            let fields: Vec<&str> = w.split(' ').collect();
            let (structure, field) = (fields[0], fields[1]);
            let ilp32 = abi == "ilp32";
            if ilp32 && CONVERTED_IN_ILP32.contains(&structure) {
                continue;
            }
            if field == "-" && ALIGNMENT_MAY_DIFFER.contains(&structure) {
                let size_of = |line: &str| line.split(' ').nth(2).map(str::to_owned);
                assert_eq!(size_of(w), size_of(g), "size of {structure} ({abi})");
            } else if ilp32 && NARROWED_IN_ILP32.contains(&(structure, field)) {
                let offset = fields[2];
                assert_eq!(fields[3], "8", "{structure}.{field} is 8 bytes in the spec");
                assert_eq!(*g, format!("{structure} {field} {offset} 4"), "{structure}.{field} ({abi})");
            } else {
                assert_eq!(w, g, "layout differs (left: spec, right: C library, {abi})");
            }
        }
    }
}

/// `import name -> "params result"` in the format of `wali_spec_types.py`.
fn spec_imports() -> BTreeMap<String, String> {
    spec_tool("wali_spec_types.py", &[])
        .lines()
        .map(|line| {
            let (name, ty) = line.split_once(' ').unwrap();
            (name.to_owned(), ty.to_owned())
        })
        .collect()
}

fn wasm_type_name(t: &wasmparser::ValType) -> &'static str {
    match t {
        wasmparser::ValType::I32 => "i32",
        wasmparser::ValType::I64 => "i64",
        wasmparser::ValType::F32 => "f32",
        wasmparser::ValType::F64 => "f64",
        _ => "other",
    }
}

/// Every function import of a module, as `(module, name) -> "params result"`.
fn module_imports(module: &Path) -> BTreeMap<(String, String), String> {
    let bytes = std::fs::read(module).unwrap();
    let mut types = Vec::new();
    let mut imports = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::TypeSection(section) => {
                for ty in section.into_iter_err_on_gc_types() {
                    types.push(ty.unwrap());
                }
            }
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.unwrap();
                    if let wasmparser::TypeRef::Func(index) = import.ty {
                        let ty = &types[index as usize];
                        let list = |ts: &[wasmparser::ValType]| {
                            if ts.is_empty() {
                                "-".to_owned()
                            } else {
                                ts.iter().map(wasm_type_name).collect::<Vec<_>>().join(",")
                            }
                        };
                        let signature = format!("{} {}", list(ty.params()), list(ty.results()));
                        imports.insert((import.module.to_owned(), import.name.to_owned()), signature);
                    }
                }
            }
            _ => {}
        }
    }
    imports
}

#[test]
fn every_import_of_a_c_program_has_the_specs_type() {
    let mut spec = spec_imports();
    // The syscalls beyond the spec, with the types their Linux prototypes
    // give by the spec's rule (the same in both C ABIs).
    for line in spec_tool("gen_syscall_headers.py", &["imports"]).lines() {
        let (name, ty) = line.split_once(' ').unwrap();
        spec.insert(name.to_owned(), ty.to_owned());
    }
    for abi in ABIS {
        imports_have_the_specs_type(abi, &spec);
    }
}

fn imports_have_the_specs_type(abi: &str, spec: &BTreeMap<String, String>) {
    let module = build("all_imports", abi, &[]);
    assert_eq!(run(&module), "1\n", "syscall(SYS_getpid) through the dispatcher ({abi})");
    let imports = module_imports(&module);
    for ((module_name, name), ty) in &imports {
        assert_eq!(module_name, "wali", "import {module_name}.{name}: the library imports only from wali");
        if let Some(want) = spec.get(name) {
            assert_eq!(ty, want, "type of wali.{name} (left: library, right: spec, {abi})");
        }
    }
    let missing: Vec<&String> = spec
        .keys()
        .filter(|name| name.starts_with("SYS_") && !imports.contains_key(&("wali".to_owned(), (*name).clone())))
        .collect();
    assert!(missing.is_empty(), "spec syscalls syscall() cannot reach ({abi}): {missing:?}");
}

#[test]
fn the_generated_headers_are_up_to_date() {
    for (file, command) in [
        ("toolchain/musl/arch/wasm32/wali_syscalls.h", "musl"),
        ("toolchain/musl/arch/wasm32/bits/syscall.h.in", "numbers"),
        ("tests/guests/include/wali_syscalls.h", "guest"),
    ] {
        let committed = std::fs::read_to_string(repo().join(file)).unwrap();
        assert_eq!(
            spec_tool("gen_syscall_headers.py", &[command]),
            committed,
            "{file} is stale: regenerate it with `tools/gen_syscall_headers.py {command}`"
        );
    }
}
