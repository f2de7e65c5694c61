//! The C and C++ toolchain: `lamina cc` and `lamina c++` (and `lamina-cc`,
//! `lamina-c++`, `lamina-ar`, `lamina-ranlib` by program name) build programs
//! that run under Lamina as their gcc and g++ builds run natively; it passes
//! the user's arguments through in the right place, chooses C++ as g++ does,
//! refuses shared libraries, finds its sysroot, and works as the compiler of
//! an autoconf-style configure script and of a CMake project.
//!
//! Needs the WALI sysroot with its C++ library (build/sysroot, made by
//! toolchain/build-sysroot.sh and toolchain/build-libcxx.sh), make, cmake,
//! autoconf and g++.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::{repo, run_native_in, run_wasm_in, scratch, text};

const BUILTINS: &str = "/usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a";

/// The sysroot the driver uses by default; the tests need it built.
fn sysroot() -> PathBuf {
    let sysroot = repo().join("build/sysroot");
    assert!(
        sysroot.join("lib/libc.a").is_file(),
        "the WALI sysroot {} is missing: build it with toolchain/build-sysroot.sh",
        sysroot.display()
    );
    sysroot
}

/// Keeps the caller's environment from choosing other tools or flags.
fn clean_env(cmd: &mut Command) -> &mut Command {
    for var in [
        "LAMINA_SYSROOT",
        "LAMINA_CLANG",
        "LAMINA_AR",
        "LAMINA_RANLIB",
        "LAMINA_CC",
        "CC",
        "CXX",
        "CFLAGS",
        "CXXFLAGS",
        "CPPFLAGS",
        "LDFLAGS",
        "LIBS",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null())
}

/// `lamina TOOL ARGS...` in `dir`.
fn lamina_tool(tool: &str, args: &[&str], dir: &Path) -> Output {
    let mut cmd = support::lamina();
    clean_env(&mut cmd).arg(tool).args(args).current_dir(dir).output().unwrap()
}

/// `lamina cc ARGS...` in `dir`.
fn cc(args: &[&str], dir: &Path) -> Output {
    sysroot();
    lamina_tool("cc", args, dir)
}

/// `PROGRAM ARGS...` in `dir`, with the environment cleaned.
fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    clean_env(&mut Command::new(program)).args(args).current_dir(dir).output().unwrap()
}

fn succeeded(out: Output, what: &str) -> Output {
    assert!(out.status.success(), "{what} failed ({}):\n{}{}", out.status, text(&out.stdout), text(&out.stderr));
    out
}

fn failed_with(out: &Output, message: &str) {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains(message), "expected {message:?} in:\n{}", text(&out.stderr));
}

/// A bin directory made by toolchain/install-bin.sh, its links pointing at
/// the lamina under test.
fn bin_dir(name: &str) -> PathBuf {
    let bin = scratch(name).join("bin");
    let script = repo().join("toolchain/install-bin.sh");
    let lamina = Path::new(env!("CARGO_BIN_EXE_lamina"));
    succeeded(Command::new("bash").arg(&script).arg(&bin).arg(lamina).output().unwrap(), "toolchain/install-bin.sh");
    bin
}

/// PATH with `dir` first.
fn path_with(dir: &Path) -> String {
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

fn write(dir: &Path, file: &str, content: &str) {
    std::fs::write(dir.join(file), content).unwrap();
}

const HELLO: &str = r#"#include <stdio.h>
int main(int argc, char **argv)
{
	printf("hello from %s with %d argument(s)\n", argc > 1 ? argv[1] : "nobody", argc - 1);
	return 7;
}
"#;

/// Builds `source` in `dir` with `lamina cc` and with gcc (same extra
/// arguments), runs both with `args`; they must agree. Returns the output.
fn same_as_gcc(dir: &Path, source: &str, extra: &[&str], args: &[&str]) -> Output {
    let mut wasm_args = vec!["-o", "prog.wasm", source];
    wasm_args.extend(extra);
    succeeded(cc(&wasm_args, dir), "lamina cc");
    succeeded(
        Command::new("gcc").args(["-o", "prog.native", source]).args(extra).current_dir(dir).output().unwrap(),
        "gcc",
    );
    let w = run_wasm_in(&dir.join("prog.wasm"), args, dir);
    let n = run_native_in(&dir.join("prog.native"), args, dir);
    assert_eq!(text(&w.stdout), text(&n.stdout), "stdout differs (left: lamina)\n{}", text(&w.stderr));
    assert_eq!(w.status.code(), n.status.code(), "status differs\n{}", text(&w.stderr));
    w
}

#[test]
fn hello_compiles_links_and_runs_as_with_gcc() {
    let dir = scratch("cc-hello");
    write(&dir, "hello.c", HELLO);
    let out = same_as_gcc(&dir, "hello.c", &["-O2", "-g"], &["WALI"]);
    assert_eq!(text(&out.stdout), "hello from WALI with 1 argument(s)\n");
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn threads_thread_locals_and_setjmp_work_without_extra_flags() {
    let dir = scratch("cc-threads");
    write(
        &dir,
        "threads.c",
        r#"#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

static _Thread_local int counter;
static jmp_buf env;

static void *work(void *arg)
{
	counter += (int)(long)arg;
	return (void *)(long)counter;
}

static void jump(int value)
{
	longjmp(env, value);
}

int main(void)
{
	pthread_t thread;
	void *result;
	counter = 100;
	if (pthread_create(&thread, 0, work, (void *)5) || pthread_join(thread, &result))
		return 1;
	printf("the thread counted to %ld, main's counter is %d\n", (long)result, counter);
	volatile int jumps = 0;
	int value = setjmp(env);
	if (value < 3) {
		jumps++;
		jump(value + 1);
	}
	printf("setjmp returned %d after %d longjmps\n", value, jumps);
	return 0;
}
"#,
    );
    let expected = "the thread counted to 5, main's counter is 100\nsetjmp returned 3 after 3 longjmps\n";
    let out = same_as_gcc(&dir, "threads.c", &["-pthread"], &[]);
    assert_eq!(text(&out.stdout), expected);
    // With link-time optimisation the linker generates the code, with the
    // same setjmp and exception scheme.
    let out = same_as_gcc(&dir, "threads.c", &["-pthread", "-O2", "-flto"], &[]);
    assert_eq!(text(&out.stdout), expected);
}

#[test]
fn objects_compiled_separately_link_together() {
    let dir = scratch("cc-objects");
    write(&dir, "main.c", "#include <stdio.h>\nint twice(int);\nint main(void) { printf(\"%d\\n\", twice(21)); }\n");
    write(&dir, "twice.c", "int twice(int x) { return 2 * x; }\n");
    succeeded(cc(&["-c", "main.c", "-o", "main.o"], &dir), "compiling main.c");
    succeeded(cc(&["-O1", "-c", "twice.c"], &dir), "compiling twice.c");
    assert!(dir.join("twice.o").is_file(), "-c without -o names the object after the source");
    let link = succeeded(cc(&["main.o", "twice.o", "-o", "prog.wasm"], &dir), "linking");
    assert_eq!(text(&link.stderr), "", "linking objects draws no warnings (compile-only flags are left out)");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("42\n", Some(0)));
}

#[test]
fn a_static_library_made_with_lamina_ar_and_ranlib_links_with_dash_l() {
    let bin = bin_dir("cc-library");
    let dir = bin.parent().unwrap().to_owned();
    write(&dir, "greet.c", "#include <stdio.h>\nvoid greet(const char *who) { printf(\"Hello, %s!\\n\", who); }\n");
    write(&dir, "main.c", "void greet(const char *);\nint main(void) { greet(\"library\"); return 0; }\n");
    succeeded(run(&bin.join("lamina-cc"), &["-c", "greet.c"], &dir), "lamina-cc -c");
    succeeded(run(&bin.join("lamina-ar"), &["rc", "libgreet.a", "greet.o"], &dir), "lamina-ar");
    succeeded(run(&bin.join("lamina-ranlib"), &["libgreet.a"], &dir), "lamina-ranlib");
    let members = succeeded(run(&bin.join("lamina-ar"), &["t", "libgreet.a"], &dir), "lamina-ar t");
    assert_eq!(text(&members.stdout), "greet.o\n");
    // greet() calls printf, from the libc the driver adds after the user's
    // libraries (wasm-ld, like lld, finds it whatever the order; the order
    // itself is checked in the_clang_command_puts_the_users_arguments_between_the_drivers).
    succeeded(run(&bin.join("lamina-cc"), &["main.c", "-L.", "-lgreet", "-o", "prog.wasm"], &dir), "linking");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("Hello, library!\n", Some(0)));
}

#[test]
fn response_files_are_read_for_what_they_ask_and_passed_on() {
    let dir = scratch("cc-rsp");
    write(&dir, "hello world.c", "#include <stdio.h>\nint main(void) { puts(WHO); return 0; }\n");
    // -c is only in the response file: the driver must see it and not link.
    write(&dir, "compile.rsp", "-c -DWHO='\"from a response file\"'\n'hello world.c' -o obj.o\n");
    let out = succeeded(cc(&["-v", "@compile.rsp"], &dir), "compiling from a response file");
    let command = text(&out.stderr).lines().find(|l| l.starts_with("lamina cc: running ")).unwrap().to_owned();
    assert!(command.contains(" @compile.rsp"), "the response file is passed on as such: {command}");
    assert!(!command.contains("-nodefaultlibs") && !command.contains(" -lc"), "no link flags: {command}");
    write(&dir, "link.rsp", "obj.o -o prog.wasm");
    succeeded(cc(&["@link.rsp"], &dir), "linking from a response file");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("from a response file\n", Some(0)));
    // -lstdc++ named only in a response file still brings in the C++ library
    // (and is itself dropped: there is no libstdc++).
    write(&dir, "x.cc", "#include <string>\nint main() { return std::to_string(42).size(); }\n");
    write(&dir, "cxx.rsp", "x.cc -lstdc++ -o cxx.wasm");
    succeeded(cc(&["@cxx.rsp"], &dir), "linking C++ from a response file");
    assert_eq!(run_wasm_in(&dir.join("cxx.wasm"), &[], &dir).status.code(), Some(2));
}

#[test]
fn preprocessing_and_dependency_output_do_not_link() {
    let dir = scratch("cc-preprocess");
    write(&dir, "pp.c", "#define X 40 + 2\nint v = X;\nint threads = _REENTRANT;\nint wasm = __wasm32__;\n");
    let out = succeeded(cc(&["-v", "-E", "pp.c"], &dir), "lamina cc -E");
    let code = text(&out.stdout);
    for line in ["int v = 40 + 2;", "int threads = 1;", "int wasm = 1;"] {
        assert!(code.contains(line), "{line:?} missing from:\n{code}");
    }
    let command = text(&out.stderr).lines().find(|l| l.starts_with("lamina cc: running ")).unwrap().to_owned();
    assert!(!command.contains("-Wl,") && !command.contains(" -lc") && !command.contains(BUILTINS), "{command}");
    let out = succeeded(cc(&["-MM", "pp.c"], &dir), "lamina cc -MM");
    assert_eq!(text(&out.stdout), "pp.o: pp.c\n");
    succeeded(cc(&["-fsyntax-only", "pp.c"], &dir), "lamina cc -fsyntax-only");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["pp.c"], "nothing was written");
}

#[test]
fn shared_libraries_are_refused() {
    let dir = scratch("cc-shared");
    write(&dir, "lib.c", "int f(void) { return 1; }\n");
    for args in [&["-shared", "-o", "libf.so", "lib.c"][..], &["-Wl,-shared", "-o", "libf.so", "lib.c"]] {
        let out = cc(args, &dir);
        failed_with(&out, "shared libraries are not supported");
        failed_with(&out, "a WALI program is one statically linked module");
        assert!(!dir.join("libf.so").exists());
    }
    // What is accepted instead: -static and -fPIC, with which programs still work.
    write(&dir, "hello.c", HELLO);
    succeeded(cc(&["-static", "-fPIC", "hello.c", "-o", "prog.wasm"], &dir), "-static -fPIC");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("hello from nobody with 0 argument(s)\n", Some(7)));
}

const CXX_HELLO: &str = r#"#include <iostream>
#include <stdexcept>
#include <string>
static int parse(const std::string &s) {
    if (s.empty()) throw std::invalid_argument("empty");
    return std::stoi(s);
}
int main(int argc, char **argv) {
    try {
        int value = parse(argc > 1 ? argv[1] : "");
        std::cout << "parsed " << value << std::endl;
    } catch (const std::exception &e) {
        std::cout << "caught " << e.what() << std::endl;
    }
    return 3;
}
"#;

/// Builds `source` with `lamina TOOL ARGS` and with g++ (the same
/// arguments), runs both with `args`; they must agree.
fn same_as_gxx(dir: &Path, tool: &str, args: &[&str], run_args: &[&str]) -> Output {
    succeeded(lamina_tool(tool, &[args, &["-o", "prog.wasm"]].concat(), dir), &format!("lamina {tool}"));
    succeeded(Command::new("g++").args(args).args(["-o", "prog.native"]).current_dir(dir).output().unwrap(), "g++");
    let w = run_wasm_in(&dir.join("prog.wasm"), run_args, dir);
    let n = run_native_in(&dir.join("prog.native"), run_args, dir);
    assert_eq!(text(&w.stdout), text(&n.stdout), "stdout differs (left: lamina)\n{}", text(&w.stderr));
    assert_eq!(w.status.code(), n.status.code(), "status differs\n{}", text(&w.stderr));
    w
}

#[test]
fn cplusplus_is_chosen_as_gxx_chooses_it() {
    sysroot();
    let dir = scratch("cc-cxx");
    write(&dir, "hello.cpp", CXX_HELLO);
    // C++ source in a .c file: g++ and lamina c++ compile every source as C++.
    write(&dir, "hello_in.c", CXX_HELLO);
    for (tool, args) in [
        ("c++", &["-O2", "hello.cpp"][..]),
        ("c++", &["hello_in.c"]),
        // lamina cc compiles a .cpp as C++ and links the C++ library for -lstdc++, as gcc.
        ("cc", &["hello.cpp", "-lstdc++"]),
        ("cc", &["-x", "c++", "hello_in.c", "-x", "none", "-lstdc++"]),
    ] {
        let out = same_as_gxx(&dir, tool, args, &["42"]);
        assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("parsed 42\n", Some(3)), "{tool} {args:?}");
        let out = same_as_gxx(&dir, tool, args, &[]);
        assert_eq!(text(&out.stdout), "caught empty\n", "{tool} {args:?}");
    }

    // Without -lstdc++, lamina cc links as C (as gcc does): the C++ library is missing.
    let out = cc(&["hello.cpp", "-o", "c.wasm"], &dir);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("undefined symbol: std::"), "{}", text(&out.stderr));
    // With it, -v says what stands in for libstdc++; -lc++ and -static-libstdc++ work too.
    let out = succeeded(cc(&["-v", "hello.cpp", "-lstdc++", "-o", "c.wasm"], &dir), "lamina cc -lstdc++");
    assert!(text(&out.stderr).contains("lamina cc: dropped -lstdc++: libstdc++ is GCC's C++ library; libc++"));
    succeeded(cc(&["hello.cpp", "-lc++", "-static-libstdc++", "-o", "c.wasm"], &dir), "-lc++ -static-libstdc++");
    // -nostdlib++ leaves the C++ library out of a C++ link.
    let out = lamina_tool("c++", &["hello.cpp", "-nostdlib++", "-o", "n.wasm"], &dir);
    assert!(!out.status.success() && text(&out.stderr).contains("undefined symbol"), "{}", text(&out.stderr));

    // What each adds at the end of a link.
    let libs = |tool: &str, extra: &[&str]| {
        text(&succeeded(lamina_tool(tool, &[extra, &["--print-libs"]].concat(), &dir), tool).stdout)
    };
    assert_eq!(libs("cc", &[]), format!("-lc {BUILTINS}\n"));
    let cxx_libs = format!("-lc++ -lc++abi -lunwind -Wl,--wrap=__main_void -Wl,--wrap=pthread_create -lc {BUILTINS}\n");
    assert_eq!(libs("c++", &[]), cxx_libs);
    assert_eq!(libs("cc", &["-lstdc++"]), cxx_libs);

    // A sysroot without the C++ library (made before it was part of the
    // toolchain) is reported as such, with the way to build it.
    let old = dir.join("old-sysroot");
    std::fs::create_dir_all(old.join("lib/wasm32-unknown-linux-musl")).unwrap();
    std::os::unix::fs::symlink(sysroot().join("include"), old.join("include")).unwrap();
    let libc = sysroot().join("lib/wasm32-unknown-linux-musl/libc.a");
    std::os::unix::fs::symlink(libc, old.join("lib/wasm32-unknown-linux-musl/libc.a")).unwrap();
    let flag = format!("--sysroot={}", old.display());
    let out = lamina_tool("c++", &[&flag, "hello.cpp", "-o", "old.wasm"], &dir);
    failed_with(&out, "lib/wasm32-unknown-linux-musl/libc++.a is missing; build it with toolchain/build-libcxx.sh");

    // The host-prefixed names configure scripts look for.
    let bin = bin_dir("cc-cxx-bin");
    for name in ["lamina-c++", "wasm32-linux-muslwali-c++", "wasm32-linux-muslwali-g++"] {
        succeeded(run(&bin.join(name), &["hello.cpp", "-o", "named.wasm"], &dir), name);
        let out = run_wasm_in(&dir.join("named.wasm"), &["7"], &dir);
        assert_eq!(text(&out.stdout), "parsed 7\n", "{name}");
    }
}

#[test]
fn an_exception_nobody_catches_aborts_as_natively() {
    sysroot();
    let dir = scratch("cc-cxx-terminate");
    write(&dir, "throw.cpp", "#include <stdexcept>\nint main() { throw std::runtime_error(\"uncaught\"); }\n");
    succeeded(lamina_tool("c++", &["throw.cpp", "-o", "throw.wasm"], &dir), "lamina c++");
    let out = run_wasm_in(&dir.join("throw.wasm"), &[], &dir);
    assert_eq!(out.status.signal(), Some(libc::SIGABRT), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("uncaught"), "libc++abi names the exception: {}", text(&out.stderr));
}

/// Code compiled without exceptions links with the C++ library (built with
/// them), and what the library would throw ends the program with abort(),
/// as with g++ and libstdc++.
#[test]
fn code_without_exceptions_links_and_aborts_where_the_library_would_throw() {
    sysroot();
    let dir = scratch("cc-cxx-no-exceptions");
    let source = "#include <cstdio>\n#include <vector>\nint main(int argc, char **) {\n\
                  std::vector<int> v(3, 7);\n    std::printf(\"%d\\n\", v.at(1));\n    std::fflush(stdout);\n\
                  return v.at(argc + 5);\n}\n";
    write(&dir, "at.cpp", source);
    let out = same_as_gxx(&dir, "c++", &["-O2", "-fno-exceptions", "at.cpp"], &[]);
    assert_eq!(text(&out.stdout), "7\n");
    let n = run_native_in(&dir.join("prog.native"), &[], &dir);
    assert_eq!((out.status.signal(), n.status.signal()), (Some(libc::SIGABRT), Some(libc::SIGABRT)));
}

/// C++20's std::format, which Debian 12's g++ lacks (so no native
/// comparison): the output the standard specifies.
#[test]
fn std_format_formats_as_the_standard_says() {
    sysroot();
    let dir = scratch("cc-cxx-format");
    write(
        &dir,
        "format.cpp",
        "#include <format>\n#include <cstdio>\n#include <string>\nint main() {\n\
         std::string s = std::format(\"{:>6}|{:<4}|{:^7}|{:.3f}|{:#x}|{:+}|{:e}|{}|{:*^9}\", 42, \"ab\", true, \
         3.14159, 255, 5, 1234.5, 0.1, \"mid\");\n    std::puts(s.c_str());\n}\n",
    );
    succeeded(lamina_tool("c++", &["-std=c++20", "-O2", "format.cpp", "-o", "format.wasm"], &dir), "lamina c++");
    let out = run_wasm_in(&dir.join("format.wasm"), &[], &dir);
    assert_eq!(text(&out.stdout), "    42|ab  | true  |3.142|0xff|+5|1.234500e+03|0.1|***mid***\n");
}

#[test]
fn the_sysroot_is_found_beside_the_driver_or_in_the_source_tree() {
    let dir = scratch("cc-sysroot");
    let out = succeeded(cc(&["--print-sysroot"], &dir), "--print-sysroot");
    assert_eq!(text(&out.stdout), format!("{}\n", sysroot().display()), "the source tree's, by default");

    // An install layout: PREFIX/bin/lamina-cc uses PREFIX/sysroot, whether
    // run by path or found on PATH.
    let bin = bin_dir("cc-prefix");
    let prefix = bin.parent().unwrap();
    std::os::unix::fs::symlink(sysroot(), prefix.join("sysroot")).unwrap();
    let expected = format!("{}\n", prefix.join("sysroot").display());
    let out = succeeded(run(&bin.join("lamina-cc"), &["--print-sysroot"], &dir), "by path");
    assert_eq!(text(&out.stdout), expected);
    let mut by_name = Command::new("lamina-cc");
    clean_env(&mut by_name).env("PATH", path_with(&bin)).arg("--print-sysroot").current_dir(&dir);
    assert_eq!(text(&succeeded(by_name.output().unwrap(), "on PATH").stdout), expected);

    // LAMINA_SYSROOT comes first, and must hold a built sysroot.
    let mut with_env = Command::new(bin.join("lamina-cc"));
    clean_env(&mut with_env).env("LAMINA_SYSROOT", dir.join("none")).args(["-c", "x.c"]).current_dir(&dir);
    let out = with_env.output().unwrap();
    failed_with(&out, &format!("no WALI sysroot at {}", dir.join("none").display()));
    failed_with(&out, "build it with toolchain/build-sysroot.sh");

    // --sysroot, as for gcc, names the sysroot of the whole build (headers,
    // crt1.o and libraries), before LAMINA_SYSROOT.
    let mut with_flag = Command::new(bin.join("lamina-cc"));
    let flag = format!("--sysroot={}", dir.join("elsewhere").display());
    clean_env(&mut with_flag).env("LAMINA_SYSROOT", sysroot()).args([&flag, "-c", "x.c"]).current_dir(&dir);
    let out = with_flag.output().unwrap();
    failed_with(&out, &format!("no WALI sysroot at {} (given by --sysroot", dir.join("elsewhere").display()));
}

#[test]
fn the_program_name_selects_the_tool() {
    let bin = bin_dir("cc-argv0");
    let dir = bin.parent().unwrap().to_owned();
    write(&dir, "hello.c", HELLO);
    let out = succeeded(run(&bin.join("lamina-cc"), &["-v", "hello.c", "-o", "a.wasm"], &dir), "lamina-cc");
    assert!(text(&out.stderr).contains("lamina-cc: running "), "{}", text(&out.stderr));
    succeeded(run(&bin.join("wasm32-linux-muslwali-gcc"), &["hello.c", "-o", "b.wasm"], &dir), "host-prefixed gcc");
    for module in ["a.wasm", "b.wasm"] {
        let out = run_wasm_in(&dir.join(module), &["x"], &dir);
        assert_eq!(text(&out.stdout), "hello from x with 1 argument(s)\n");
    }
    // `lamina` under its own name is still the runner.
    let out = succeeded(run(&bin.join("lamina"), &["--version"], &dir), "lamina --version");
    assert!(text(&out.stdout).starts_with("lamina "));
}

/// A stand-in for clang that records its arguments, one per line, in
/// $RECORD, then ends as $DIE_BY (a signal name) says or with status 42.
fn fake_clang(dir: &Path) -> PathBuf {
    let script = dir.join("fake-clang");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$RECORD\"\n[ -n \"$DIE_BY\" ] && kill -\"$DIE_BY\" $$\nexit 42\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The arguments `lamina cc ARGS` gives clang, and the driver's wait status.
fn clang_arguments(args: &[&str], die_by: &str) -> (Vec<String>, std::process::ExitStatus) {
    sysroot();
    let dir = scratch("cc-fake");
    let mut cmd = support::lamina();
    clean_env(&mut cmd).env("LAMINA_CLANG", fake_clang(&dir)).env("RECORD", dir.join("args")).env("DIE_BY", die_by);
    let out = cmd.arg("cc").args(args).current_dir(&dir).output().unwrap();
    let recorded = std::fs::read_to_string(dir.join("args")).unwrap();
    (recorded.lines().map(str::to_owned).collect(), out.status)
}

#[test]
fn the_clang_command_puts_the_users_arguments_between_the_drivers() {
    let user = ["-O2", "main.c", "-L.", "-lfoo", "-o", "prog"];
    let (args, status) = clang_arguments(&user, "");
    assert_eq!(status.code(), Some(42), "clang's exit status is the driver's");
    let sysroot_flag = format!("--sysroot={}", sysroot().display());
    let before = [
        "--target=wasm32-linux-muslwali",
        &sysroot_flag,
        "-pthread",
        "-matomics",
        "-mbulk-memory",
        "-mexception-handling",
        "-fwasm-exceptions",
        "-Xclang",
        "-triple",
        "-Xclang",
        "wasm32-unknown-linux-musl",
        "-mllvm",
        "-wasm-enable-sjlj",
        "-mllvm",
        "-wasm-use-legacy-eh=false",
        "-Wno-error=implicit-function-declaration",
        "-Wno-error=implicit-int",
        "-Wno-error=int-conversion",
        "-Wno-error=incompatible-pointer-types",
        "-Wno-error=incompatible-function-pointer-types",
        "-Wno-error=return-mismatch",
        "-nodefaultlibs",
        "--no-wasm-opt",
        "-Wl,--shared-memory",
        "-Wl,--export-memory",
        "-Wl,--max-memory=2147483648",
        "-Wl,-z,stack-size=67108864",
        "-Wl,--export=__stack_pointer",
        "-Wl,-mllvm,-wasm-enable-sjlj",
        "-Wl,-mllvm,-wasm-use-legacy-eh=false",
        "-Wl,-mllvm,-exception-model=wasm",
        &format!("-B{}/lib/wasm32-unknown-linux-musl/", sysroot().display()),
        &format!("-L{}/lib/wasm32-unknown-linux-musl", sysroot().display()),
    ];
    let expected: Vec<&str> = before.iter().copied().chain(user).chain(["-lc", BUILTINS]).collect();
    assert_eq!(args, expected, "the default C ABI, ILP32");

    // WALI's own C ABI: its triple, its libraries (clang's default place),
    // and lround/lrint kept as calls; -mabi= is the driver's, not clang's.
    let (wali, _) = clang_arguments(&["-mabi=ilp32", "-mabi=wali", "-c", "main.c"], "");
    let lround = ["-fno-builtin-lround", "-fno-builtin-lroundf", "-fno-builtin-lroundl"];
    assert!(lround.iter().all(|f| wali.iter().any(|a| a == f)), "{wali:?}");
    assert!(!wali.iter().any(|a| a.starts_with("-mabi") || a.contains("linux-musl/") || a == "-Xclang"), "{wali:?}");
    let (by_target, _) = clang_arguments(&["--target=wasm32-linux-muslwali", "-c", "main.c"], "");
    assert_eq!(by_target, wali, "--target=wasm32-linux-muslwali is -mabi=wali");

    let (args, _) = clang_arguments(&["-c", "main.c"], "");
    assert_eq!(args[args.len() - 2..], ["-c", "main.c"], "compiling adds nothing after the user's arguments");
    assert!(!args.iter().any(|a| a.starts_with("-Wl,") || a == "-nodefaultlibs"), "{args:?}");

    let (args, _) = clang_arguments(&["a.o", "b.o"], "");
    assert!(!args.iter().any(|a| a == "-mllvm"), "nothing to compile, no code generation options: {args:?}");
    assert!(args.iter().any(|a| a == "-Wl,--shared-memory"), "{args:?}");

    let (args, _) = clang_arguments(&["-nostdlib", "start.c"], "");
    assert_eq!(args.last().map(String::as_str), Some("start.c"), "-nostdlib: no libraries added");

    let (args, _) = clang_arguments(&["-r", "a.o", "b.o", "-o", "ab.o"], "");
    assert!(!args.iter().any(|a| a.starts_with("-Wl,") || a == "-lc"), "a partial link adds no link flags: {args:?}");
    assert_eq!(args[args.len() - 2..], ["-nostdlib", "-no-pthread"], "nor start files, libraries, shared memory");

    let (args, _) = clang_arguments(&["-Werror", "-c", "x.c"], "");
    assert!(!args.iter().any(|a| a.starts_with("-Wno-error=")), "-Werror makes gcc 12's warnings errors: {args:?}");

    let (_, status) = clang_arguments(&["-c", "x.c"], "TERM");
    assert_eq!(status.signal(), Some(libc::SIGTERM), "a signal that ends clang ends the driver");
}

#[test]
fn a_missing_clang_is_reported() {
    sysroot();
    let dir = scratch("cc-no-clang");
    let mut cmd = support::lamina();
    let out = clean_env(&mut cmd).env("PATH", dir.join("empty")).args(["cc", "-c", "x.c"]).output().unwrap();
    failed_with(&out, "clang-22 is not on PATH");
}

#[test]
fn printed_flags_build_a_working_program_with_clang_directly() {
    let dir = scratch("cc-print-flags");
    let flags = |query: &str| -> Vec<String> {
        let out = succeeded(cc(&[query], &dir), query);
        text(&out.stdout).split_whitespace().map(str::to_owned).collect()
    };
    let (cflags, ldflags, libs) = (flags("--print-cflags"), flags("--print-ldflags"), flags("--print-libs"));
    assert!(cflags.contains(&"-wasm-enable-sjlj".to_owned()), "{cflags:?}");
    assert!(ldflags.contains(&"-Wl,--shared-memory".to_owned()), "{ldflags:?}");
    assert_eq!(libs, ["-lc", BUILTINS]);
    write(&dir, "hello.c", HELLO);
    let clang = |args: &[String]| {
        let out = Command::new(support::CLANG).args(args).current_dir(&dir).output().unwrap();
        succeeded(out, "clang-22");
    };
    clang(&[cflags, vec!["-c".into(), "hello.c".into()]].concat());
    clang(&[ldflags, vec!["hello.o".into(), "-o".into(), "prog.wasm".into()], libs].concat());
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("hello from nobody with 0 argument(s)\n", Some(7)));
}

/// `--print-multiarch` names the library directory of the ABI chosen, as
/// Debian's gcc does; configure scripts (CPython's) build names from it.
#[test]
fn print_multiarch_names_the_abis_library_directory() {
    let dir = scratch("cc-multiarch");
    for (args, tuple) in [
        (&[][..], "wasm32-unknown-linux-musl"),
        (&["-mabi=ilp32"][..], "wasm32-unknown-linux-musl"),
        (&["-mabi=wali"][..], "wasm32-linux-muslwali"),
    ] {
        let out = succeeded(cc(&[args, &["-print-multiarch"]].concat(), &dir), "-print-multiarch");
        assert_eq!(text(&out.stdout), format!("{tuple}\n"), "{args:?}");
        assert!(sysroot().join("lib").join(tuple).join("libc.a").exists(), "no libc.a in lib/{tuple}");
    }
}

#[test]
fn the_driver_has_its_own_help() {
    let dir = scratch("cc-help");
    let out = succeeded(lamina_tool("cc", &["--help"], &dir), "lamina cc --help");
    let help = text(&out.stdout);
    assert!(help.starts_with("lamina cc: compile and link C and C++ programs for WALI"), "{help}");
    for option in
        ["--print-sysroot", "--print-multiarch", "--print-cflags", "--print-ldflags", "--print-libs", "LAMINA_SYSROOT"]
    {
        assert!(help.contains(option), "{option} is not documented");
    }
    let out = succeeded(lamina_tool("--help", &[], &dir), "lamina --help");
    assert!(text(&out.stdout).contains("lamina cc "), "lamina's help mentions the driver");
}

#[test]
fn compile_errors_fail_with_clangs_status() {
    let dir = scratch("cc-error");
    write(&dir, "bad.c", "int main(void) { return missing; }\n");
    let out = cc(&["bad.c", "-o", "bad.wasm"], &dir);
    failed_with(&out, "use of undeclared identifier 'missing'");
    assert!(!dir.join("bad.wasm").exists());
}

#[test]
fn a_relocatable_object_links_into_a_program_later() {
    let bin = bin_dir("cc-relocatable");
    let dir = bin.parent().unwrap().to_owned();
    let cc = bin.join("lamina-cc");
    write(&dir, "main.c", "#include <stdio.h>\nint twice(int);\nint main(void) { printf(\"%d\\n\", twice(21)); }\n");
    write(&dir, "twice.c", "int twice(int x) { return 2 * x; }\n");
    succeeded(run(&cc, &["-c", "main.c", "twice.c"], &dir), "compiling");
    // As cc -r, and as Kbuild (busybox's LD is `$(CC) -nostdlib`) does it.
    succeeded(run(&cc, &["-r", "main.o", "twice.o", "-o", "both.o"], &dir), "cc -r");
    succeeded(run(&cc, &["-nostdlib", "-Wl,-r", "-o", "both2.o", "main.o", "twice.o"], &dir), "cc -nostdlib -Wl,-r");
    for (object, program) in [("both.o", "prog.wasm"), ("both2.o", "prog2.wasm")] {
        // One object with both functions, and none of crt1's or the libc's.
        let symbols = text(&succeeded(run(&bin.join("lamina-nm"), &[object], &dir), "nm").stdout);
        assert!(symbols.contains(" T main\n") && symbols.contains(" T twice\n"), "{symbols}");
        assert!(symbols.contains(" U printf\n") && !symbols.contains("_start"), "{symbols}");
        succeeded(run(&cc, &[object, "-o", program], &dir), "linking the relocatable object");
        let out = run_wasm_in(&dir.join(program), &[], &dir);
        assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("42\n", Some(0)));
    }
}

/// Two libraries that need each other: liba's first member calls into
/// libb, whose member calls liba's second member, which GNU ld links only
/// inside a group.
fn libraries_with_a_cycle(dir: &Path) {
    write(dir, "a1.c", "int b1(void);\nint a1(void) { return b1() + 1; }\n");
    write(dir, "a2.c", "int a2(void) { return 40; }\n");
    write(dir, "b1.c", "int a2(void);\nint b1(void) { return a2() + 1; }\n");
    write(dir, "main.c", "#include <stdio.h>\nint a1(void);\nint main(void) { printf(\"%d\\n\", a1()); }\n");
    succeeded(cc(&["-c", "a1.c", "a2.c", "b1.c", "main.c"], dir), "compiling");
    succeeded(lamina_tool("ar", &["rcs", "liba.a", "a1.o", "a2.o"], dir), "lamina ar");
    succeeded(lamina_tool("ar", &["rcs", "libb.a", "b1.o"], dir), "lamina ar");
}

#[test]
fn gnu_ld_groups_link_libraries_that_need_each_other() {
    let dir = scratch("cc-groups");
    libraries_with_a_cycle(&dir);
    // Kbuild passes long link lines in a response file.
    write(&dir, "link.rsp", "-Wl,--start-group -la -lb -Wl,--end-group");
    for group in [
        &["-Wl,--start-group", "-la", "-lb", "-Wl,--end-group"][..],
        &["-Wl,-(", "-la", "-lb", "-Wl,-)"],
        &["@link.rsp"],
    ] {
        let link = succeeded(cc(&[&["main.o", "-L.", "-o", "prog.wasm"], group].concat(), &dir), "linking a group");
        assert_eq!(text(&link.stderr), "", "{group:?}");
        let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
        assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("42\n", Some(0)), "{group:?}");
    }
}

#[test]
fn gnu_ld_options_for_elf_and_shared_libraries_are_dropped_quietly() {
    let dir = scratch("cc-ld-dropped");
    write(&dir, "hello.c", HELLO);
    let options = [
        "-Wl,--warn-common,--sort-common,--sort-section,alignment",
        "-Wl,-Bsymbolic-functions,--as-needed,--no-as-needed,--enable-new-dtags",
        "-Wl,-z,relro,-z,now,-z,noexecstack,-z,defs,--no-undefined",
        "-Wl,--hash-style=gnu,-soname,libhello.so.1,-rpath,/opt/lib,--version-script=missing.map",
        "-Xlinker",
        "-rpath-link",
        "-Xlinker",
        "/opt/lib",
        "-Wl,-z",
        "-Wl,relro",
    ];
    let link = succeeded(cc(&[&["hello.c", "-o", "prog.wasm"][..], &options].concat(), &dir), "linking");
    assert_eq!(text(&link.stderr), "", "no warnings either");
    let out = run_wasm_in(&dir.join("prog.wasm"), &["ld"], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("hello from ld with 1 argument(s)\n", Some(7)));
    // -v says what was dropped, and why.
    let verbose = text(&succeeded(cc(&["-v", "hello.c", "-Wl,-soname,x.so,--sort-common"], &dir), "-v").stderr);
    assert!(verbose.contains("lamina cc: dropped -soname x.so: the name, search path"), "{verbose}");
    assert!(verbose.contains("lamina cc: dropped --sort-common: common symbols"), "{verbose}");
}

#[test]
fn gnu_ld_options_wasm_ld_has_pass_through_and_unknown_ones_fail() {
    let dir = scratch("cc-ld-kept");
    write(&dir, "hello.c", HELLO);
    let kept = "-Wl,-O1,--gc-sections,--build-id,-Map,prog.map,-Bstatic,-E,-z,stack-size=1048576";
    succeeded(cc(&["hello.c", "-o", "prog.wasm", kept, "-static"], &dir), "linking");
    let map = std::fs::read_to_string(dir.join("prog.map")).unwrap();
    assert!(map.contains("main"), "-Map wrote the link map:\n{map}");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("hello from nobody with 0 argument(s)\n", Some(7)));
    let out = cc(&["hello.c", "-o", "bad.wasm", "-Wl,--no-such-option,--warn-common"], &dir);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("wasm-ld-22: error: unknown argument: --no-such-option"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn gcc_tuning_flags_are_dropped_quietly() {
    let dir = scratch("cc-gcc-flags");
    write(&dir, "hello.c", HELLO);
    // busybox's, and a few of Debian packages'.
    let flags = [
        "-finline-limit=0",
        "-falign-functions=1",
        "-falign-jumps=1",
        "-falign-labels=1",
        "-falign-loops=1",
        "-fno-guess-branch-probability",
        "-fno-unwind-tables",
        "-fno-asynchronous-unwind-tables",
        "-fno-caller-saves",
        "-fconserve-stack",
        "-fstack-clash-protection",
        "-fvect-cost-model=cheap",
    ];
    let out = succeeded(cc(&[&["-Os", "hello.c", "-o", "prog.wasm"][..], &flags].concat(), &dir), "compiling");
    assert_eq!(text(&out.stderr), "", "no warnings for gcc's tuning flags");
    let out = run_wasm_in(&dir.join("prog.wasm"), &[], &dir);
    assert_eq!(text(&out.stdout), "hello from nobody with 0 argument(s)\n");
    // One that changes what the program means is not dropped quietly.
    let out = succeeded(cc(&["-c", "hello.c", "-funsigned-bitfields"], &dir), "compiling");
    assert!(text(&out.stderr).contains("'-funsigned-bitfields'"), "{}", text(&out.stderr));
}

/// C that gcc 12 compiles with warnings and clang 22 by default refuses.
const GCC12_WARNS: &str = r#"#include <stdio.h>
static count;
static void note(const char *what) { printf("note: %s\n", what); return 1; }
static int nothing(void) { return; }
twice(x) { return 2 * x; }
static int doubled(int x) { return 2 * x; }
int main(void)
{
	int value = 21;
	long *wide = &value;
	long address = "text";
	int (*unsigned_twice)(unsigned) = doubled;
	note((char *)address);
	printf("%d %d %d %d\n", later(count + 1), twice(1), unsigned_twice(*(int *)wide), (int)sizeof nothing());
	return 0;
}
int later(int x) { return x + 1; }
"#;

#[test]
fn what_gcc_12_only_warns_about_is_a_warning_unless_made_an_error() {
    let dir = scratch("cc-gcc12");
    write(&dir, "old.c", GCC12_WARNS);
    let out = same_as_gcc(&dir, "old.c", &[], &[]);
    assert_eq!(text(&out.stdout), "note: text\n2 2 42 4\n");
    let warnings = text(&succeeded(cc(&["-c", "old.c"], &dir), "compiling").stderr);
    for warning in [
        "-Wimplicit-int",
        "-Wreturn-mismatch",
        "-Wincompatible-pointer-types",
        "-Wint-conversion",
        "-Wincompatible-function-pointer-types",
        "-Wimplicit-function-declaration",
    ] {
        let tagged = format!("[{warning}]");
        let line = warnings.lines().find(|line| line.ends_with(&tagged));
        assert!(line.is_some_and(|line| line.contains(": warning: ")), "{warning}:\n{warnings}");
    }
    assert!(!warnings.contains("error:"), "{warnings}");
    // The user's own choice wins: a later -Werror=NAME, -Werror, -pedantic-errors.
    let out = cc(&["-c", "old.c", "-Werror=int-conversion"], &dir);
    failed_with(&out, "error: incompatible pointer to integer conversion");
    assert!(!text(&out.stderr).contains("error: call to undeclared function"), "only the one asked for");
    failed_with(&cc(&["-Werror", "-c", "old.c"], &dir), "error: call to undeclared function 'later'");
    failed_with(&cc(&["-pedantic-errors", "-c", "old.c"], &dir), "error: call to undeclared function 'later'");
    succeeded(cc(&["-Werror", "-Wno-error", "-c", "old.c"], &dir), "-Werror -Wno-error");
}

#[test]
fn the_binary_utilities_work_on_modules_by_their_host_names() {
    let bin = bin_dir("cc-binutils");
    let dir = bin.parent().unwrap().to_owned();
    write(&dir, "hello.c", HELLO);
    let tool = |name: &str, args: &[&str]| {
        let program = bin.join(format!("wasm32-linux-muslwali-{name}"));
        text(&succeeded(run(&program, args, &dir), name).stdout)
    };
    succeeded(run(&bin.join("wasm32-linux-muslwali-gcc"), &["-g", "hello.c", "-o", "hello"], &dir), "gcc");
    assert!(tool("nm", &["hello"]).contains(" main\n"), "nm lists main");
    assert!(tool("readelf", &["-h", "hello"]).contains("Format: WASM"));
    assert!(tool("objdump", &["-h", "hello"]).contains(" CODE "));
    assert!(tool("size", &["hello"]).contains("hello"));
    assert!(tool("strings", &["hello"]).contains("hello from %s with %d argument(s)\n"));
    tool("objcopy", &["--strip-debug", "hello", "nodebug"]);
    tool("strip", &["hello", "-o", "stripped"]);
    let size = |file: &str| std::fs::metadata(dir.join(file)).unwrap().len();
    assert!(size("stripped") < size("nodebug") && size("nodebug") < size("hello"));
    assert!(!tool("nm", &["stripped"]).contains(" main\n"), "strip took the names");
    for module in ["hello", "nodebug", "stripped"] {
        let out = run_wasm_in(&dir.join(module), &["strip"], &dir);
        assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("hello from strip with 1 argument(s)\n", Some(7)));
    }
}

#[test]
fn a_stripped_module_handles_signals_as_the_unstripped_one() {
    let dir = scratch("cc-stripped-signals");
    let guests = repo().join("tests/guests");
    let include = guests.join("include");
    for guest in ["signal_basic", "signal_altstack"] {
        let source = guests.join(format!("{guest}.c"));
        // The raw guests are written for WALI's own data model, as the
        // suites build them (support::WALI_FLAGS).
        let args = [
            "-mabi=wali",
            "-nostdlib",
            "-O2",
            "-I",
            include.to_str().unwrap(),
            source.to_str().unwrap(),
            "-o",
            "full.wasm",
        ];
        succeeded(cc(&args, &dir), guest);
        succeeded(run(Path::new("llvm-strip-22"), &["full.wasm", "-o", "stripped.wasm"], &dir), "llvm-strip-22");
        let (full, stripped) =
            (run_wasm_in(&dir.join("full.wasm"), &[], &dir), run_wasm_in(&dir.join("stripped.wasm"), &[], &dir));
        assert_eq!(text(&stripped.stdout), text(&full.stdout), "{guest} (left: stripped)");
        assert_eq!(text(&stripped.stderr), text(&full.stderr), "{guest}: no warning about the stack pointer");
        assert_eq!((full.status.code(), stripped.status.code()), (Some(0), Some(0)), "{guest}");
        assert!(!text(&full.stdout).contains("FAIL"), "{guest}:\n{}", text(&full.stdout));
    }
}

const PROJECT_OUTPUT_CHECKS: &[&str] = &[
    "Hello, WALI!\n",
    "sys/epoll.h: yes\n",
    "no/such/header.h: no\n",
    "clock_gettime works: yes\n",
    "sqrt(3) = 1.732051\n",
];

/// Fails unless `log` has each of `lines`.
fn has_lines(log: &str, lines: &[&str]) {
    for line in lines {
        assert!(log.contains(line), "{line:?} missing from:\n{log}");
    }
}

fn require(tool: &str) {
    let found = Command::new(tool).arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    assert!(found, "{tool} is needed for this test: apt-get install {tool} (scripts/setup.sh installs it)");
}

#[test]
fn an_autoconf_style_project_cross_compiles_and_runs_as_natively() {
    require("make");
    let source = repo().join("tests/projects/autoconf-hello");
    let bin = bin_dir("cc-autoconf");
    let build = bin.parent().unwrap().join("wasm");
    std::fs::create_dir(&build).unwrap();
    let mut configure = Command::new(source.join("configure"));
    clean_env(&mut configure).env("PATH", path_with(&bin)).env("CC", "lamina-cc").current_dir(&build);
    let out = succeeded(configure.arg("--host=wasm32-linux-muslwali").output().unwrap(), "configure");
    let log = text(&out.stdout);
    has_lines(
        &log,
        &[
            "checking for C compiler... lamina-cc\n",
            "checking for ar... wasm32-linux-muslwali-ar\n",
            "checking whether the C compiler works... yes\n",
            "checking whether we are cross compiling... yes\n",
            "checking for no/such/header.h... no\n",
            "checking for no_such_function_for_configure... no\n",
            "checking for sqrt in -lm... yes\n",
            "checking size of long... 4\n",
        ],
    );
    let config = std::fs::read_to_string(build.join("config.h")).unwrap();
    assert!(config.contains("#define HAVE_CLOCK_GETTIME 1\n"), "{config}");
    assert!(config.contains("/* #undef HAVE_NO_SUCH_HEADER_H */\n"), "{config}");
    let mut make = Command::new("make");
    succeeded(clean_env(&mut make).env("PATH", path_with(&bin)).current_dir(&build).output().unwrap(), "make");
    let wasm = run_wasm_in(&build.join("hello"), &["WALI"], &build);

    let native = bin.parent().unwrap().join("native");
    std::fs::create_dir(&native).unwrap();
    succeeded(run(&source.join("configure"), &["CC=gcc"], &native), "native configure");
    succeeded(run(Path::new("make"), &[], &native), "native make");
    let expected = run_native_in(&native.join("hello"), &["WALI"], &native);

    assert_eq!(text(&wasm.stdout), text(&expected.stdout), "left: lamina, right: native\n{}", text(&wasm.stderr));
    assert_eq!((wasm.status.code(), expected.status.code()), (Some(0), Some(0)));
    let output = text(&wasm.stdout);
    for line in PROJECT_OUTPUT_CHECKS.iter().chain(&["configured sizes match: yes\n"]) {
        assert!(output.contains(line), "{line:?} missing from:\n{output}");
    }
}

/// Autoconf's own C++ checks (AC_PROG_CXX, a header and a library function
/// looked for in C++) find `wasm32-linux-muslwali-g++` for
/// `--host=wasm32-linux-muslwali`, and the program built runs.
#[test]
fn autoconf_finds_the_cplusplus_compiler_by_its_host_name() {
    require("make");
    require("autoconf");
    sysroot();
    let bin = bin_dir("cc-autoconf-cxx");
    let dir = bin.parent().unwrap().to_owned();
    write(
        &dir,
        "configure.ac",
        "AC_INIT([cxxhello], [1])\nAC_PROG_CXX\nAC_LANG([C++])\nAC_CHECK_HEADERS([unordered_map no/such/header.h])\n\
         AC_CHECK_FUNCS([strtod])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n",
    );
    write(&dir, "Makefile.in", "hello.wasm: hello.cpp\n\t@CXX@ @CXXFLAGS@ @DEFS@ -o $@ hello.cpp\n");
    write(&dir, "hello.cpp", CXX_HELLO);
    succeeded(run(Path::new("autoconf"), &[], &dir), "autoconf");
    let mut configure = Command::new(dir.join("configure"));
    clean_env(&mut configure).env("PATH", path_with(&bin)).current_dir(&dir);
    let out = succeeded(configure.arg("--host=wasm32-linux-muslwali").output().unwrap(), "configure");
    let log = text(&out.stdout);
    has_lines(
        &log,
        &[
            "checking for wasm32-linux-muslwali-g++... wasm32-linux-muslwali-g++\n",
            "checking whether the C++ compiler works... yes\n",
            "checking whether the compiler supports GNU C++... yes\n",
            "checking for unordered_map... yes\n",
            "checking for no/such/header.h... no\n",
            "checking for strtod... yes\n",
        ],
    );
    let mut make = Command::new("make");
    succeeded(clean_env(&mut make).env("PATH", path_with(&bin)).current_dir(&dir).output().unwrap(), "make");
    let out = run_wasm_in(&dir.join("hello.wasm"), &["9"], &dir);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("parsed 9\n", Some(3)), "{}", text(&out.stderr));
}

#[test]
fn a_cmake_project_builds_with_the_toolchain_file_and_runs_as_natively() {
    require("cmake");
    sysroot();
    let source = repo().join("tests/projects/cmake-hello");
    let bin = bin_dir("cc-cmake");
    let build = bin.parent().unwrap().join("wasm");
    let toolchain = repo().join("toolchain/cmake/wali-toolchain.cmake");
    let mut configure = Command::new("cmake");
    clean_env(&mut configure).env("LAMINA_CC", bin.join("lamina-cc"));
    configure
        .arg("-S")
        .arg(&source)
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_TOOLCHAIN_FILE={}", toolchain.display()));
    let out = succeeded(configure.output().unwrap(), "cmake (WALI)");
    let log = text(&out.stdout);
    has_lines(
        &log,
        &[
            "-- Looking for sys/epoll.h - found\n",
            "-- Looking for no/such/header.h - not found\n",
            "-- Looking for no_such_function_for_cmake - not found\n",
            // A test program run through the toolchain's emulator, lamina.
            "-- Performing Test GETPID_RUNS - Success\n",
        ],
    );
    let mut make = Command::new("cmake");
    succeeded(clean_env(&mut make).arg("--build").arg(&build).output().unwrap(), "cmake --build (WALI)");
    let wasm = run_wasm_in(&build.join("hello.wasm"), &["WALI"], &build);

    let native = bin.parent().unwrap().join("native");
    let mut configure = Command::new("cmake");
    clean_env(&mut configure).env("CC", "gcc").arg("-S").arg(&source).arg("-B").arg(&native);
    succeeded(configure.output().unwrap(), "cmake (native)");
    let mut make = Command::new("cmake");
    succeeded(clean_env(&mut make).arg("--build").arg(&native).output().unwrap(), "cmake --build (native)");
    let expected = run_native_in(&native.join("hello"), &["WALI"], &native);

    assert_eq!(text(&wasm.stdout), text(&expected.stdout), "left: lamina, right: native\n{}", text(&wasm.stderr));
    assert_eq!((wasm.status.code(), expected.status.code()), (Some(0), Some(0)));
    let output = text(&wasm.stdout);
    for line in PROJECT_OUTPUT_CHECKS.iter().chain(&["a test program ran: yes\n", "configured size matches: yes\n"]) {
        assert!(output.contains(line), "{line:?} missing from:\n{output}");
    }

    // A C++ project (`project(NAME)` enables C and C++) builds with lamina-c++.
    let cxx_source = bin.parent().unwrap().join("cxx");
    std::fs::create_dir(&cxx_source).unwrap();
    write(
        &cxx_source,
        "CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.13)\nproject(with_cxx)\nadd_executable(hello hello.cpp)\n",
    );
    write(&cxx_source, "hello.cpp", CXX_HELLO);
    let mut configure = Command::new("cmake");
    clean_env(&mut configure).env("LAMINA_CC", bin.join("lamina-cc"));
    configure.arg("-S").arg(&cxx_source).arg("-B").arg(cxx_source.join("build"));
    let out = configure.arg(format!("-DCMAKE_TOOLCHAIN_FILE={}", toolchain.display())).output().unwrap();
    let log = text(&succeeded(out, "cmake (C++)").stdout);
    let compiler = format!("-- Check for working CXX compiler: {} - skipped\n", bin.join("lamina-c++").display());
    assert!(log.contains(&compiler), "{compiler:?} missing from:\n{log}");
    let mut make = Command::new("cmake");
    let build = cxx_source.join("build");
    succeeded(clean_env(&mut make).arg("--build").arg(&build).output().unwrap(), "cmake --build (C++)");
    let out = run_wasm_in(&build.join("hello.wasm"), &["5"], &build);
    assert_eq!((text(&out.stdout).as_str(), out.status.code()), ("parsed 5\n", Some(3)), "{}", text(&out.stderr));
}
