//! Headers the sysroot takes from installed Debian packages
//! (toolchain/build-sysroot.sh, toolchain/uapi/README.md): Linux's UAPI
//! headers from linux-libc-dev and <sys/queue.h> from libc6-dev.
//!
//! tests/sysroot/uapi_layouts.c prints the size, alignment and chosen field
//! offsets of the UAPI structures programs commonly pass to the kernel, and
//! request numbers that encode a size. Built natively it prints the x86-64
//! kernel's layouts, which WALI passes through; built for WALI in each C ABI
//! every line must agree, except for the structures listed below, which hold
//! a pointer (4 bytes in both C ABIs, 8 in the kernel) or, under ILP32, a
//! `long` or `size_t`. A listed structure that comes to agree fails the test
//! as well, so the list stays exact.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use support::{lamina, repo, scratch, text};

/// Differ in both C ABIs: a pointer inside, or a request number made from the
/// size of one. Lamina passes none of these ioctls (ENOTTY), like x32 without
/// its kernel's compatibility layer; a program must not use them.
const POINTERS: &[&str] = &[
    "struct consolefontdesc", // char *chardata (PIO_FONTX)
    "struct serial_struct",   // unsigned char *iomem_base (TIOCGSERIAL)
    "struct ff_effect",       // __s16 *custom_data of a periodic effect
    "EVIOCSFF",               // _IOW('E', 0x80, struct ff_effect)
    "BLKGETSIZE64",           // _IOR(0x12, 114, size_t): the kernel writes 8 bytes
    "struct ifconf",          // char *ifc_buf (SIOCGIFCONF)
    "struct sock_fprog",      // struct sock_filter *filter (SO_ATTACH_FILTER)
    "PERF_EVENT_IOC_ID",      // _IOR('$', 7, __u64 *)
    "struct fb_cmap",         // __u16 *red, *green, *blue, *transp
];

/// Differ only under ILP32 (`long` and `size_t` of 32 bits), as under x32,
/// whose kernel converts them; WALI does not.
const ILP32_LONGS: &[&str] = &[
    "__kernel_size_t",          // x32 has 32-bit size_t too
    "__kernel_old_dev_t",       // unsigned long
    "FS_IOC_GETFLAGS",          // _IOR('f', 1, long); the kernel uses int anyway
    "struct loop_info",         // unsigned long lo_inode, lo_init[2] (loop_info64 agrees)
    "struct hd_geometry",       // unsigned long start (HDIO_GETGEO)
    "struct ifmap",             // unsigned long mem_start, mem_end
    "struct ifreq",             // holds a struct ifmap: 32 bytes, not 40
    "struct tpacket_hdr",       // unsigned long tp_status (TPACKET_V1)
    "struct fb_fix_screeninfo", // unsigned long smem_start, mmio_start
];

fn compile(mut cc: Command, source: &Path, out: &Path, what: &str) {
    let result = cc.args(["-O2", "-Wall", "-Werror"]).arg(source).arg("-o").arg(out).output().unwrap();
    assert!(result.status.success(), "{what} build of {} failed:\n{}", source.display(), text(&result.stderr));
}

/// Builds tests/sysroot/NAME.c natively and for WALI in the C ABI `abi` and
/// returns both outputs (native first).
fn native_and_wasm(name: &str, abi: &str) -> (String, String) {
    let source = repo().join("tests/sysroot").join(format!("{name}.c"));
    let dir = scratch(&format!("{name}-{abi}"));
    let (exe, module) = (dir.join(name), dir.join(format!("{name}.wasm")));
    compile(Command::new("gcc"), &source, &exe, "native");
    let mut cc = lamina();
    cc.arg("cc").arg(format!("-mabi={abi}"));
    compile(cc, &source, &module, "WALI");
    let native = Command::new(&exe).output().unwrap();
    let wasm = lamina().arg("run").arg(&module).output().unwrap();
    assert!(native.status.success() && wasm.status.success(), "{name} failed:\n{}", text(&wasm.stderr));
    (text(&native.stdout), text(&wasm.stdout))
}

/// The output's lines by the structure or request they are about.
fn facts(output: &str) -> BTreeMap<String, Vec<String>> {
    let mut facts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in output.lines() {
        let subject =
            match line.split_once(" size ").or_else(|| line.split_once(" .")).or_else(|| line.split_once(" = ")) {
                Some((subject, _)) => subject.to_owned(),
                None => panic!("unexpected line {line:?}"),
            };
        facts.entry(subject).or_default().push(line.to_owned());
    }
    facts
}

fn layouts_differ_only_where_listed(abi: &str, expected: &[&str]) {
    let (native, wasm) = native_and_wasm("uapi_layouts", abi);
    let (native, wasm) = (facts(&native), facts(&wasm));
    assert_eq!(native.keys().collect::<Vec<_>>(), wasm.keys().collect::<Vec<_>>());
    assert!(native.len() > 90, "too few structures checked:\n{native:#?}");
    let differing: BTreeSet<&str> =
        native.iter().filter(|(subject, lines)| wasm[*subject] != **lines).map(|(s, _)| s.as_str()).collect();
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    let report: Vec<String> = differing
        .symmetric_difference(&expected)
        .map(|s| format!("{s}:\n  native {:?}\n  wasm   {:?}", native[*s], wasm[*s]))
        .collect();
    assert!(
        differing == expected,
        "-mabi={abi}: layouts differing from x86-64's are not the listed ones:\n{}",
        report.join("\n")
    );
}

#[test]
fn uapi_layouts_wali_abi() {
    layouts_differ_only_where_listed("wali", POINTERS);
}

#[test]
fn uapi_layouts_ilp32_abi() {
    let both: Vec<&str> = POINTERS.iter().chain(ILP32_LONGS).copied().collect();
    layouts_differ_only_where_listed("ilp32", &both);
}

/// x86-64's UAPI headers that choose by `__x86_64__` are read with it
/// defined (build-sysroot.sh wraps each): a header of a newer linux-libc-dev
/// that chooses so cannot be missed, and the wrappers' originals are there.
#[test]
fn uapi_headers_choosing_by_x86_64_are_wrapped() {
    let include = repo().join("build/sysroot/include");
    // The directories the sysroot has from linux-libc-dev: linux/,
    // asm-generic/, mtd/, sound/..., and asm/.
    let package = Command::new("dpkg").args(["-L", "linux-libc-dev:amd64"]).output().unwrap();
    let mut uapi: Vec<String> = text(&package.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("/usr/include/"))
        .filter(|d| !d.contains('/') && *d != "x86_64-linux-gnu")
        .map(str::to_owned)
        .collect();
    assert!(uapi.iter().any(|d| d == "linux") && uapi.iter().any(|d| d == "mtd"), "{uapi:?}");
    uapi.push("asm".into());
    let out = Command::new("grep")
        .args(["-rlE", r"^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif).*__x86_64__"])
        .args(&uapi)
        .current_dir(&include)
        .output()
        .unwrap();
    let choosing: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert!(choosing.iter().any(|f| f == "asm/bitsperlong.h"), "no wrappers found:\n{choosing:?}");
    for header in &choosing {
        let wrapper = std::fs::read_to_string(include.join(header)).unwrap();
        let original = format!("#include <x86_64-uapi/{header}>");
        assert!(wrapper.contains(&original), "{header} chooses by __x86_64__ but is not a wrapper");
        assert!(include.join("x86_64-uapi").join(header).is_file(), "x86_64-uapi/{header} is missing");
    }
}

#[test]
fn sys_queue_macros_work_in_both_abis() {
    for abi in ["wali", "ilp32"] {
        let (native, wasm) = native_and_wasm("sys_queue", abi);
        assert_eq!(wasm, native, "-mabi={abi} (left: lamina, right: native)");
        assert!(native.contains("tailq: 36 16 4 0 9 1 25 49\n"), "{native}");
    }
}
