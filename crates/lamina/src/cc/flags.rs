//! What the driver adds to the user's clang arguments: the one place that
//! says what building a WALI program takes.

use std::ffi::OsString;
use std::path::Path;

use super::abi::Abi;

/// Where in a clang command a flag belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Every command, before the user's arguments: they select the target,
    /// and the feature macros they define are seen by the preprocessor.
    Always,
    /// Commands that compile a source file: LLVM back-end options, which
    /// clang reports as unused when it only links.
    Codegen,
    /// Link commands, before the user's arguments.
    Link,
    /// Link commands, after the user's arguments, so that the user's
    /// libraries come first and may call into these.
    Libraries,
    /// Links of C++ programs, between the user's arguments and `Libraries`
    /// (the C++ library calls into the C library).
    CxxLibraries,
    /// Partial links (`-r`), after the user's arguments, instead of `Link`
    /// and `Libraries`: the object made is linked into a program later,
    /// which gets them then.
    Relocatable,
}

/// The wasm32 compiler-rt from Debian's libclang-rt-22-dev-wasm32: the
/// helpers clang calls for operations wasm32 lacks (128-bit arithmetic,
/// long double as binary128).
pub const BUILTINS: &str = "/usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a";

/// The flags, in command order within a stage. `--sysroot=SYSROOT` follows
/// the target (see [`for_stage`]).
const FLAGS: &[(Stage, &[&str])] = &[
    // wasm32 code for musl's Linux ABI: clang's WALI toolchain (wasm-ld, the
    // WALI sysroot; crt1.o and libc.a of the wali ABI in
    // SYSROOT/lib/wasm32-linux-muslwali) for either C ABI, whose own flags
    // for_stage adds.
    (Stage::Always, &["--target=wasm32-linux-muslwali"]),
    // Threads are always on (the libc is built for them): defines _REENTRANT
    // for the headers, and a link gets a shared memory.
    (Stage::Always, &["-pthread"]),
    // Atomic instructions and per-thread _Thread_local storage: without the
    // feature LLVM lowers both to plain memory accesses, which threads share.
    (Stage::Always, &["-matomics"]),
    // memory.init and friends: a shared memory's data segments are passive,
    // copied in once at start-up with these instructions.
    (Stage::Always, &["-mbulk-memory"]),
    // The Wasm exception-handling instructions, which setjmp/longjmp use.
    (Stage::Always, &["-mexception-handling"]),
    // Wasm exceptions as the exception model, which -wasm-enable-sjlj builds on.
    (Stage::Always, &["-fwasm-exceptions"]),
    // setjmp/longjmp through Wasm exceptions, the scheme the libc's setjmp
    // implements (toolchain/musl/src/setjmp/wasm32).
    (Stage::Codegen, &["-mllvm", "-wasm-enable-sjlj"]),
    // The standard (exnref) exception instructions rather than the legacy
    // proposal's, which wasmtime does not run.
    (Stage::Codegen, &["-mllvm", "-wasm-use-legacy-eh=false"]),
    // clang's default libraries for this triple are not the sysroot's; the
    // driver names its own, after the user's (Stage::Libraries).
    (Stage::Link, &["-nodefaultlibs"]),
    // clang runs binaryen's wasm-opt after linking when one is on PATH;
    // Debian's (version 108) cannot read the standard exception
    // instructions setjmp/longjmp use and fails the link.
    (Stage::Link, &["--no-wasm-opt"]),
    // One memory shared by all threads: WALI threads are instances that
    // import the same memory.
    (Stage::Link, &["-Wl,--shared-memory"]),
    // The runtime reads and writes system-call buffers in the memory.
    (Stage::Link, &["-Wl,--export-memory"]),
    // A shared memory must declare its maximum size; 2 GiB, as WALI
    // programs are built with.
    (Stage::Link, &["-Wl,--max-memory=2147483648"]),
    // A 64 MiB stack for the main thread (wasm-ld's default is 64 KiB). A
    // native one gets 8 MiB, but frames in linear memory are larger (values
    // wider than a register and every local whose address is taken live
    // there: up to 9x in jq's parser), and untouched pages cost only address
    // space. It sits below the data, so an overflow faults instead of
    // corrupting it, and Lamina reports it as a stack overflow.
    (Stage::Link, &["-Wl,-z,stack-size=67108864"]),
    // Signal delivery needs the C stack pointer (the runtime places signal
    // frames below it); exported, it is found in a module stripped of the
    // name section that names it.
    (Stage::Link, &["-Wl,--export=__stack_pointer"]),
    // Objects compiled with -flto are bitcode that the linker turns into
    // code: it needs the code-generation settings of Stage::Codegen too
    // (without them setjmp stays an undefined symbol), and the exception
    // model -fwasm-exceptions gives the compiler (without it longjmp's
    // exception is never caught). Ignored when no object is bitcode.
    (
        Stage::Link,
        &["-Wl,-mllvm,-wasm-enable-sjlj", "-Wl,-mllvm,-wasm-use-legacy-eh=false", "-Wl,-mllvm,-exception-model=wasm"],
    ),
    // The C++ library: LLVM's libc++, its ABI library (exceptions, RTTI, new
    // and delete) and the unwinder's Wasm part, which throws, all static and
    // in the sysroot beside libc.a (toolchain/build-libcxx.sh).
    (Stage::CxxLibraries, &["-lc++", "-lc++abi", "-lunwind"]),
    // main and every thread's start routine are called through functions
    // that turn an exception they let escape into std::terminate, as natively
    // (toolchain/libcxx/uncaught.cpp, in libc++abi.a): a Wasm exception that
    // leaves a thread's outermost frame traps instead.
    (Stage::CxxLibraries, &["-Wl,--wrap=__main_void", "-Wl,--wrap=pthread_create"]),
    // The C library (libm, libpthread and friends are empty: all of it is in libc.a).
    (Stage::Libraries, &["-lc"]),
    // After libc, which calls into it too.
    (Stage::Libraries, &[BUILTINS]),
    // No start files or libraries: they would be linked into the object,
    // and again into the program.
    (Stage::Relocatable, &["-nostdlib"]),
    // -pthread makes clang ask wasm-ld for a shared memory, which a
    // relocatable object cannot have; the code is still compiled for
    // threads (-matomics -mbulk-memory).
    (Stage::Relocatable, &["-no-pthread"]),
];

/// What one C ABI adds to [`FLAGS`], after the flags of the same stage.
const ABI_FLAGS: &[(Stage, Abi, &[&str])] = &[
    // Calls to lround/lrint stay calls: as builtins, clang makes them LLVM
    // intrinsics whose result the wasm32 back end types as a 32-bit word,
    // while long is 64-bit here, and the module fails validation. (In the
    // ILP32 ABI long is 32-bit, as the back end has it.)
    (
        Stage::Always,
        Abi::Wali,
        &[
            "-fno-builtin-lround",
            "-fno-builtin-lroundf",
            "-fno-builtin-lroundl",
            "-fno-builtin-lrint",
            "-fno-builtin-lrintf",
            "-fno-builtin-lrintl",
        ],
    ),
];

/// The flags of `stage` for `abi`; the sysroot goes with the target.
pub fn for_stage(stage: Stage, abi: Abi, sysroot: &Path) -> Vec<OsString> {
    let mut flags = Vec::new();
    for (_, args) in FLAGS.iter().filter(|(s, _)| *s == stage) {
        flags.extend(args.iter().map(OsString::from));
        if args[0].starts_with("--target=") {
            let mut flag = OsString::from("--sysroot=");
            flag.push(sysroot);
            flags.push(flag);
        }
    }
    for (_, _, args) in ABI_FLAGS.iter().filter(|(s, a, _)| *s == stage && *a == abi) {
        flags.extend(args.iter().map(OsString::from));
    }
    if abi == Abi::Ilp32 {
        match stage {
            // C as clang's wasm32-unknown-linux-musl has it (32-bit long,
            // __linux__) inside the WALI toolchain: clang has no toolchain
            // that links for that triple and no option for the size of long,
            // so the compiler proper is given the triple itself.
            Stage::Always => flags.extend(["-Xclang", "-triple", "-Xclang", abi.triple()].map(OsString::from)),
            // The ABI's crt1.o (-B: where clang looks for it) and libraries
            // (-L, ahead of the toolchain's) in SYSROOT/lib/<triple>.
            Stage::Link => {
                let libdir = sysroot.join("lib").join(abi.triple());
                let mut prefix = OsString::from("-B");
                prefix.push(&libdir);
                prefix.push("/");
                let mut search = OsString::from("-L");
                search.push(&libdir);
                flags.extend([prefix, search]);
            }
            Stage::Codegen | Stage::Libraries | Stage::CxxLibraries | Stage::Relocatable => {}
        }
    }
    flags
}
