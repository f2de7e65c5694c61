//! Conformance with the machine-readable WALI specification (the `wali-linux`
//! PyPI package): every syscall the spec marks implemented and every auxiliary
//! function must be in Lamina's table with exactly the spec's wasm type, and
//! a module importing all of them with those types must link with every
//! import bound to its table entry.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::sync::Arc;

use lamina_runtime::link::{Binding, link};
use lamina_runtime::prepare::{SafePoints, prepare};
use lamina_runtime::process::shared_memory;
use lamina_runtime::store::{Host, guest_memory};
use lamina_wali::{Process, ResultType, TABLE, WasmType, lookup};
use wasmtime::{Module, Store};

struct SpecImport {
    name: String,
    params: Vec<String>,
    result: Option<String>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The imports tools/wali_spec_types.py lists: the spec's.
fn spec() -> Vec<SpecImport> {
    imports_listed_by("wali_spec_types.py", &[])
}

/// Runs a tool with the Python that has `wali-linux` (`$LAMINA_SPEC_PYTHON`,
/// else the set-up's `.venv`) and reads the imports it lists, one per line:
/// `<name> <param types, comma-separated or -> <result or ->`.
fn imports_listed_by(tool: &str, args: &[&str]) -> Vec<SpecImport> {
    let python =
        std::env::var_os("LAMINA_SPEC_PYTHON").map(PathBuf::from).unwrap_or_else(|| repo().join(".venv/bin/python3"));
    let out = Command::new(&python)
        .arg(repo().join("tools").join(tool))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} (run the README's set-up first): {e}", python.display()));
    assert!(out.status.success(), "reading the spec failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let list = |s: &str| if s == "-" { vec![] } else { s.split(',').map(String::from).collect() };
            SpecImport { name: f[0].into(), params: list(f[1]), result: list(f[2]).pop() }
        })
        .collect()
}

fn wasm_name(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 => "i32",
        WasmType::I64 => "i64",
    }
}

#[test]
fn the_table_has_every_spec_import_with_the_spec_type() {
    let spec = spec();
    let syscalls = spec.iter().filter(|s| s.name.starts_with("SYS_")).count();
    assert_eq!((syscalls, spec.len() - syscalls), (140, 11), "the spec changed size");
    let mut mismatches = vec![];
    for s in &spec {
        let Some(def) = lookup(&s.name) else {
            mismatches.push(format!("{} is missing from the table", s.name));
            continue;
        };
        let params: Vec<&str> = def.param_types().into_iter().map(wasm_name).collect();
        let result = match def.result {
            ResultType::I64 => Some("i64"),
            ResultType::I32 => Some("i32"),
            ResultType::None => None,
        };
        if params != s.params || result != s.result.as_deref() {
            mismatches.push(format!(
                "{}: table has ({}) -> {:?}, spec has ({}) -> {:?}",
                s.name,
                params.join(","),
                result,
                s.params.join(","),
                s.result
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The syscalls Lamina implements beyond the spec are declared with the
/// types the header generator gives them (the one list of their signatures,
/// from which the C library and the test guests import them).
#[test]
fn syscalls_beyond_the_spec_have_the_generators_types() {
    let spec: Vec<String> = spec().into_iter().map(|s| s.name).collect();
    let extra = imports_listed_by("gen_syscall_headers.py", &["imports"]);
    let mut beyond = 0;
    for def in TABLE.iter().filter(|d| d.traced() && !spec.contains(&d.name.to_string())) {
        beyond += 1;
        let listed = extra.iter().find(|e| e.name == def.name);
        let listed = listed.unwrap_or_else(|| panic!("{} is in neither the spec nor the generator's list", def.name));
        let params: Vec<&str> = def.param_types().into_iter().map(wasm_name).collect();
        assert_eq!(params, listed.params, "{}: table (left) and generator (right)", def.name);
    }
    assert!(beyond >= 20, "only {beyond} syscalls beyond the spec");
}

#[test]
fn a_module_importing_the_whole_spec_links_every_import() {
    let spec = spec();
    let mut wat = String::from("(module\n");
    for s in &spec {
        let params: String = s.params.iter().map(|p| format!(" {p}")).collect();
        let result = s.result.as_ref().map(|r| format!(" (result {r})")).unwrap_or_default();
        wat.push_str(&format!("  (import \"wali\" \"{}\" (func (param{params}){result}))\n", s.name));
    }
    wat.push_str("  (memory 1 32768 shared)\n  (func (export \"_start\")))\n");
    let engine = lamina_runtime::new_engine(&Default::default()).unwrap();
    let module =
        Module::new(&engine, prepare(&wat::parse_str(&wat).unwrap(), SafePoints::Instrumented).unwrap()).unwrap();
    let memory = shared_memory(&module, None).unwrap();
    let store = Store::new(&engine, Host::new(Arc::new(Process::new(Default::default())), guest_memory(&memory)));
    let (linker, report) = link(&store, &module, &memory).unwrap();
    let implemented = |prefix: bool| {
        report.iter().filter(|i| i.binding == Binding::Implemented && i.name.starts_with("SYS_") == prefix).count()
    };
    println!("linked: {}/140 syscalls + {}/11 auxiliary functions", implemented(true), implemented(false));
    assert_eq!((implemented(true), implemented(false)), (140, 11));
    let mut store = store;
    linker.instantiate(&mut store, &module).expect("the spec's types instantiate");
}

/// How Lamina hands a spec structure to the host kernel.
enum Handling {
    /// Byte-identical on x86-64: passed in place (host size, Lamina's size).
    InPlace(usize, usize),
    /// The kernel writes a prefix of the guest structure (host size, Lamina's size).
    KernelPrefix(usize, usize),
    /// Converted field by field (Lamina's size of the guest layout).
    Converted(usize),
}

#[test]
fn spec_structures_are_passed_in_place_only_where_layouts_agree() {
    use lamina_wali::layouts::*;
    use std::mem::size_of;
    let python =
        std::env::var_os("LAMINA_SPEC_PYTHON").map(PathBuf::from).unwrap_or_else(|| repo().join(".venv/bin/python3"));
    let out = Command::new(python).arg(repo().join("tools/wali_spec_types.py")).arg("--structs").output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(listing.lines().count() >= 23, "{listing}");
    for line in listing.lines() {
        let (name, size) = line.split_once(' ').unwrap();
        let spec_size: usize = size.parse().unwrap();
        let handling = match name {
            "struct_timespec" => Handling::InPlace(size_of::<libc::timespec>(), size_of::<Timespec>()),
            "struct_timeval" => Handling::InPlace(size_of::<libc::timeval>(), size_of::<Timeval>()),
            // The libc crate keeps `timezone` opaque; the kernel's is two ints.
            "struct_timezone" => Handling::InPlace(size_of::<[libc::c_int; 2]>(), size_of::<Timezone>()),
            "struct_rlimit" => Handling::InPlace(size_of::<libc::rlimit>(), size_of::<Rlimit>()),
            "struct_epoll_event" => Handling::InPlace(size_of::<libc::epoll_event>(), size_of::<EpollEvent>()),
            "struct_pollfd" => Handling::InPlace(size_of::<libc::pollfd>(), size_of::<Pollfd>()),
            "struct_statfs" => Handling::InPlace(size_of::<libc::statfs>(), size_of::<Statfs>()),
            "struct_utsname" => Handling::InPlace(size_of::<libc::utsname>(), size_of::<Utsname>()),
            "struct_stat" => Handling::InPlace(size_of::<libc::stat>(), size_of::<Stat>()),
            "struct_statx" => Handling::InPlace(size_of::<libc::statx>(), size_of::<Statx>()),
            "fd_set" => Handling::InPlace(size_of::<libc::fd_set>(), size_of::<FdSet>()),
            "cpu_set_t" => Handling::InPlace(size_of::<libc::cpu_set_t>(), 128),
            "struct_sockaddr" => Handling::InPlace(size_of::<libc::sockaddr>(), 16),
            "struct_itimerval" => Handling::InPlace(size_of::<libc::itimerval>(), size_of::<Itimerval>()),
            "struct_utimbuf" => Handling::InPlace(size_of::<libc::utimbuf>(), 16),
            "stx_time" => Handling::InPlace(size_of::<libc::statx_timestamp>(), 16),
            "struct_dirent" => Handling::InPlace(size_of::<libc::dirent64>(), 280),
            "struct_sysinfo" => Handling::KernelPrefix(size_of::<libc::sysinfo>(), size_of::<Sysinfo>()),
            "struct_rusage" => Handling::KernelPrefix(size_of::<libc::rusage>(), size_of::<Rusage>()),
            "struct_iovec" => Handling::Converted(size_of::<GuestIovec>()),
            "struct_msghdr" => Handling::Converted(size_of::<GuestMsghdr>()),
            "stack_t" => Handling::Converted(size_of::<GuestStack>()),
            "struct_k_sigaction" => Handling::Converted(size_of::<GuestSigaction>()),
            other => panic!("the spec has a structure Lamina does not account for: {other}"),
        };
        match handling {
            Handling::InPlace(host, ours) => {
                assert_eq!((spec_size, ours), (host, host), "{name}: guest and host layouts differ in size");
            }
            Handling::KernelPrefix(host, ours) => {
                assert_eq!(ours, host, "{name}");
                assert!(host < spec_size, "{name}");
            }
            Handling::Converted(ours) => assert_eq!(ours, spec_size, "{name}"),
        }
    }
}

/// One x86-64 system call as the spec lists it.
struct KernelSyscall {
    nr: u32,
    name: String,
    in_wali: bool,
}

fn kernel_syscalls() -> Vec<KernelSyscall> {
    let python =
        std::env::var_os("LAMINA_SPEC_PYTHON").map(PathBuf::from).unwrap_or_else(|| repo().join(".venv/bin/python3"));
    let out = Command::new(python).arg(repo().join("tools/wali_spec_types.py")).arg("--numbers").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            KernelSyscall { nr: f[0].parse().unwrap(), name: f[1].into(), in_wali: f[2] == "1" }
        })
        .collect()
}

/// Every x86-64 system call is either in the table or refused with a reason
/// (never both, never neither), and docs/syscalls.md shows exactly that.
/// `LAMINA_UPDATE_DOCS=1` rewrites the page from the table and the refusals.
#[test]
fn every_x86_64_syscall_is_implemented_or_refused_and_documented() {
    let kernel = kernel_syscalls();
    assert!(kernel.len() >= 360, "the spec lists only {} system calls", kernel.len());
    let mut problems = vec![];
    for k in &kernel {
        match (lookup(&format!("SYS_{}", k.name)).is_some(), lamina_wali::refusal(&k.name).is_some()) {
            (true, true) => problems.push(format!("{} is both implemented and refused", k.name)),
            (false, false) => problems.push(format!("{} is neither implemented nor refused", k.name)),
            _ => {}
        }
    }
    for r in lamina_wali::REFUSED {
        for name in r.names {
            if !kernel.iter().any(|k| k.name == *name) {
                problems.push(format!("refused {name} is not an x86-64 system call"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let page = syscalls_page(&kernel);
    let path = repo().join("docs/syscalls.md");
    if std::env::var_os("LAMINA_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == page,
        "docs/syscalls.md is out of date: LAMINA_UPDATE_DOCS=1 cargo test --release -p lamina-runtime --test conformance"
    );
}

/// docs/syscalls.md: one row per system call, by number.
fn syscalls_page(kernel: &[KernelSyscall]) -> String {
    let reason = |name: &str| lamina_wali::REFUSED.iter().position(|r| r.names.contains(&name));
    let in_wali = kernel.iter().filter(|k| k.in_wali).count();
    let implemented = kernel.iter().filter(|k| lookup(&format!("SYS_{}", k.name)).is_some()).count();
    let mut page = format!(
        "# System calls: what Lamina does with each\n\n\
         Every x86-64 Linux system call (the {total} the `wali-linux` spec lists, numbered as the kernel numbers \
         them), with what a guest gets from Lamina. Generated from Lamina's syscall table and its list of \
         refusals (`crates/lamina-wali/src/refused.rs`) by the conformance test, which also checks that no \
         system call is left out: `LAMINA_UPDATE_DOCS=1 cargo test --release -p lamina-runtime --test conformance`.\n\n\
         - **WALI**: in the WALI specification, implemented ({in_wali}).\n\
         - **beyond WALI**: implemented with WALI's conventions (same argument rules, x86-64 structure \
         layouts, pointers checked against guest memory) ({beyond}); the import types are in \
         `tools/gen_syscall_headers.py`, and Lamina's C library calls them.\n\
         - **refused**: the guest gets the errno shown, and the first call prints the reason once \
         ({refused}). The reasons are listed below the table.\n\n\
         Implemented calls follow the sandbox policy when one is given (`docs/security.md`). The spec's list \
         ends at 450 (the table of Linux 5.17 to 6.4); a module importing a later system call (`fchmodat2`, `futex_wake`, `mseal`, …) \
         gets `ENOSYS` with a warning, as for any import Lamina does not know.\n\n\
         | nr | system call | Lamina |\n|---:|---|---|\n",
        total = kernel.len(),
        beyond = implemented - in_wali,
        refused = kernel.len() - implemented,
    );
    for k in kernel {
        let status = if lookup(&format!("SYS_{}", k.name)).is_some() {
            if k.in_wali { "WALI".to_string() } else { "beyond WALI".to_string() }
        } else {
            let i = reason(&k.name).unwrap();
            let errno = lamina_wali::REFUSED[i].errno.name().unwrap();
            format!("refused: {errno} ([{}](#r{}))", i + 1, i + 1)
        };
        page.push_str(&format!("| {} | `{}` | {status} |\n", k.nr, k.name));
    }
    page.push_str("\n## Why calls are refused\n\n");
    for (i, r) in lamina_wali::REFUSED.iter().enumerate() {
        let names: Vec<String> = r.names.iter().map(|n| format!("`{n}`")).collect();
        page.push_str(&format!(
            "<a id=\"r{n}\"></a>**{n}.** {} ({}): {}.\n\n",
            r.why,
            r.errno.name().unwrap(),
            names.join(", "),
            n = i + 1
        ));
    }
    page
}
