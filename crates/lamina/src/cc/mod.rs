//! The C and C++ toolchain for WALI: `lamina cc` (also installed as
//! `lamina-cc`), a `cc` that runs clang-22 for WALI, in one of two C ABIs
//! (abi.rs), against the WALI sysroot; `lamina c++` (`lamina-c++`), the same
//! as g++ is to gcc, linking LLVM's libc++; and `lamina ar`/`lamina ranlib`
//! (and `lamina-nm`, `-strip`...), which run LLVM's.
//!
//! The driver adds the flags a WALI build needs (flags.rs) around the user's
//! arguments, which it passes on as given (response files included) but for
//! the gcc and GNU ld options it drops (compat.rs), and refuses what WALI
//! cannot have: shared libraries.

mod abi;
mod args;
mod compat;
mod flags;

use std::env;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use abi::Abi;
use args::{Query, Request};
use flags::Stage;

const HELP: &str = "\
lamina cc: compile and link C and C++ programs for WALI (wasm32-linux-muslwali)

Usage:
  lamina cc [OPTIONS] FILES...   (also as lamina-cc, wasm32-linux-muslwali-cc/-gcc)
  lamina c++ [OPTIONS] FILES...  (also as lamina-c++, wasm32-linux-muslwali-c++/-g++)
  lamina ar ARGS...              llvm-ar-22 (also as lamina-ar)
  lamina ranlib ARGS...          llvm-ranlib-22 (also as lamina-ranlib)
  lamina-TOOL ARGS...            llvm-TOOL-22 for nm, strip, objcopy, objdump,
                                 readelf, size, strings (also as
                                 wasm32-linux-muslwali-TOOL)

Works like cc: options are clang's (`clang-22 --help` lists them) and the
usual ones (-c -o -O -g -I -D -U -L -l -E -S -M... -Wl, @FILE) mean what they
do for cc. It runs clang-22 for the WALI target with the WALI sysroot (musl);
a link makes one .wasm module, whatever the output's name, for `lamina run`.

C++ is chosen as g++ chooses it: lamina c++ compiles every source as C++
and links LLVM's libc++ (with libc++abi and libunwind, statically); lamina cc
compiles .cpp/.cc/.cxx/.C sources and -x c++ as C++ too, but links the C++
library only when asked with -lstdc++ (libc++ stands in for it) or -lc++.
Exceptions are Wasm exceptions; RTTI, threads, iostreams and <filesystem>
work; locales are musl's (any name, as C.UTF-8). -static-libstdc++ is accepted,
-nostdlib++ leaves the C++ library out.

C ABI (docs/toolchain.md; the last choice wins):
  -mabi=ilp32          32-bit int, long and pointers, as most C code assumes
                       (the default; also --target=wasm32-unknown-linux-musl)
  -mabi=wali           WALI's own: 64-bit long, 32-bit pointers
                       (also --target=wasm32-linux-muslwali)
Objects and libraries of the two ABIs do not mix.

Always on: threads (-pthread is accepted), setjmp/longjmp.
As gcc 12: implicit declarations, implicit int, int/pointer conversions,
incompatible pointer types and mismatched returns are warnings (clang makes
them errors); -Werror, -Werror=NAME and -pedantic-errors still make them errors.
Dropped (-v says why): gcc's optimisation tuning flags that clang lacks
(-finline-limit=N, -falign-jumps...), GNU ld options that mean nothing for a
wasm module (-Wl,--start-group, --warn-common, -z relro, -soname...).
-r makes a relocatable object, to be linked into a program later.
Accepted: -static (a WALI program is always one static module), -fPIC/-fpic
(such code links into it too); clang ignores -pie and -rdynamic, with a warning.
Refused: -shared (no dynamic loading in WALI; build a static library with
lamina ar).

Driver options:
      --sysroot=DIR    Use DIR's headers, start files and libraries (before
                       LAMINA_SYSROOT)
      --print-sysroot  Print the sysroot in use
      --print-multiarch
                       Print the multiarch tuple of the C ABI, the name of
                       its library directory (as gcc does on Debian, where
                       configure scripts ask it; e.g. CPython's)
      --print-cflags   Print the flags the driver adds when compiling
      --print-ldflags  Print the flags it adds in front of a link's arguments
      --print-libs     Print what it adds at the end of a link (after the
                       user's -l libraries); to build with clang-22 directly:
                         clang-22 $(lamina cc --print-cflags) -c x.c
                         clang-22 $(lamina cc --print-ldflags) x.o $(lamina cc --print-libs)
  -v                   Print the clang command before running it (and clang's -v)
      --help           Show this help

Environment:
  LAMINA_SYSROOT  The sysroot. Default: PREFIX/sysroot for a driver run as
                  PREFIX/bin/lamina-cc (or PREFIX/bin/lamina), else the source
                  tree's build/sysroot (made by toolchain/build-sysroot.sh)
  LAMINA_CLANG    The clang to run (default: clang-22 on PATH)
  LAMINA_AR, LAMINA_RANLIB, LAMINA_NM, LAMINA_STRIP...
                  The binary utilities (default: llvm-ar-22, llvm-ranlib-22...)

Build systems:
  ./configure --host=wasm32-linux-muslwali CC=lamina-cc CXX=lamina-c++ AR=lamina-ar RANLIB=lamina-ranlib
  cmake -DCMAKE_TOOLCHAIN_FILE=toolchain/cmake/wali-toolchain.cmake
";

/// One of the toolchain's programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Cc,
    Cxx,
    /// One of [`BINUTILS`], by its name there.
    Binutil(&'static str),
}

/// The binary utilities build systems look for (`ar`, `ranlib`; `strip`,
/// `nm`, `objcopy`, `readelf`… by their `--host` names), each LLVM's from
/// Debian's llvm-22, which handle wasm objects and modules. Each may be
/// replaced by $LAMINA_NAME (LAMINA_AR, LAMINA_NM...).
const BINUTILS: &[&str] = &["ar", "ranlib", "nm", "strip", "objcopy", "objdump", "readelf", "size", "strings"];

impl Tool {
    /// The tool a program name stands for (`lamina-cc`, or the names
    /// `--host=wasm32-linux-muslwali` makes configure scripts look for).
    fn from_program_name(name: &str) -> Option<Tool> {
        let tool = name.strip_prefix("lamina-").or_else(|| name.strip_prefix("wasm32-linux-muslwali-"))?;
        match tool {
            "cc" | "gcc" | "clang" => Some(Tool::Cc),
            "c++" | "cxx" | "g++" | "clang++" => Some(Tool::Cxx),
            _ => BINUTILS.iter().find(|&&b| b == tool).map(|b| Tool::Binutil(b)),
        }
    }

    fn from_subcommand(name: &str) -> Option<Tool> {
        match name {
            "cc" => Some(Tool::Cc),
            "c++" | "cxx" => Some(Tool::Cxx),
            "ar" => Some(Tool::Binutil("ar")),
            "ranlib" => Some(Tool::Binutil("ranlib")),
            _ => None,
        }
    }
}

/// A command line for one of the toolchain's programs.
#[derive(Debug)]
pub struct Invocation {
    tool: Tool,
    /// What messages call the tool: `lamina-cc`, `lamina cc`, ...
    name: String,
    /// argv[0] as invoked: where the driver looks for the sysroot.
    argv0: OsString,
    args: Vec<OsString>,
}

impl Invocation {
    /// The toolchain program `argv` runs, by the name the binary was invoked
    /// under (`lamina-cc ARGS`) or by subcommand (`lamina cc ARGS`); `None`
    /// for Lamina's own commands.
    pub fn recognise(argv: &[OsString]) -> Option<Invocation> {
        let argv0 = argv.first()?;
        let program = Path::new(argv0).file_name()?.to_str()?;
        if let Some(tool) = Tool::from_program_name(program) {
            let args = argv[1..].to_vec();
            return Some(Invocation { tool, name: program.to_owned(), argv0: argv0.clone(), args });
        }
        let subcommand = argv.get(1)?.to_str()?;
        let tool = Tool::from_subcommand(subcommand)?;
        Some(Invocation { tool, name: format!("lamina {subcommand}"), argv0: argv0.clone(), args: argv[2..].to_vec() })
    }

    /// Runs the tool; returns only if that fails.
    pub fn run(self) -> ExitCode {
        let outcome = match self.tool {
            Tool::Cc | Tool::Cxx => self.compile(),
            Tool::Binutil(name) => self.pass_through(name),
        };
        outcome.unwrap_or_else(|message| {
            eprintln!("{}: error: {message}", self.name);
            ExitCode::from(1)
        })
    }

    fn compile(&self) -> Result<ExitCode, String> {
        let abi::Selection { abi, args } = Abi::select(&self.args)?;
        let expanded = args::expand_response_files(&args);
        let request = Request::of(&expanded);
        if request.query == Some(Query::Help) {
            print!("{HELP}");
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(arg) = &request.shared {
            return Err(format!(
                "{arg}: shared libraries are not supported (a WALI program is one statically linked module, \
                 with no dynamic loading); build a static library with lamina-ar instead"
            ));
        }
        if request.query == Some(Query::Multiarch) {
            println!("{}", abi.triple());
            return Ok(ExitCode::SUCCESS);
        }
        let sysroot = locate_sysroot(request.sysroot.as_deref(), &self.argv0, abi)?;
        // As g++ links C++ programs, and gcc C ones given -lstdc++.
        let links_cxx = (self.tool == Tool::Cxx || request.cxx_library) && !request.no_cxx_library;
        let libraries: &[Stage] =
            if links_cxx { &[Stage::CxxLibraries, Stage::Libraries] } else { &[Stage::Libraries] };
        let printed = |flags: Vec<OsString>| {
            println!("{}", shell_words(flags.iter().map(OsString::as_os_str)));
            Ok(ExitCode::SUCCESS)
        };
        match request.query {
            Some(Query::Sysroot) => return printed(vec![sysroot.into_os_string()]),
            Some(Query::Cflags) => {
                let mut cflags = stages(&[Stage::Always, Stage::Codegen], abi, &sysroot);
                cflags.extend(compat::warnings_as_gcc12());
                return printed(cflags);
            }
            Some(Query::Ldflags) => return printed(stages(&[Stage::Always, Stage::Link], abi, &sysroot)),
            Some(Query::Libs) => return printed(stages(libraries, abi, &sysroot)),
            Some(Query::Help | Query::Multiarch) | None => {}
        }

        let clang = find_program("LAMINA_CLANG", "clang-22", "clang-22")?;
        let mut command = Command::new(clang);
        if self.tool == Tool::Cxx {
            // clang as g++: every source is C++ (.c files too).
            command.arg("--driver-mode=g++");
        }
        command.args(flags::for_stage(Stage::Always, abi, &sysroot));
        if request.compiles {
            command.args(flags::for_stage(Stage::Codegen, abi, &sysroot));
            if !request.warnings_are_errors {
                command.args(compat::warnings_as_gcc12());
            }
        }
        if request.links && !request.relocatable {
            command.args(flags::for_stage(Stage::Link, abi, &sysroot));
        }
        // The user's arguments (the ABI selection taken out), as given unless
        // gcc or GNU ld options are dropped from them (then with response
        // files expanded).
        match compat::without_dropped(&expanded) {
            Some((args, dropped)) => {
                if request.verbose {
                    for (arg, reason) in dropped {
                        eprintln!("{}: dropped {arg}: {reason}", self.name);
                    }
                }
                command.args(args)
            }
            None => command.args(&args),
        };
        if request.links && request.relocatable {
            command.args(flags::for_stage(Stage::Relocatable, abi, &sysroot));
        } else if request.links && !request.no_default_libs {
            if !Path::new(flags::BUILTINS).is_file() {
                return Err(format!(
                    "the wasm32 compiler runtime {} is missing; install Debian's libclang-rt-22-dev-wasm32 \
                     (scripts/setup.sh)",
                    flags::BUILTINS
                ));
            }
            if links_cxx {
                check_cxx_library(&sysroot, abi)?;
            }
            if request.typed_at_end {
                // The libraries are files to link, whatever the user's `-x` said.
                command.args(["-x", "none"]);
            }
            command.args(stages(libraries, abi, &sysroot));
        }
        if request.verbose {
            let words = std::iter::once(command.get_program()).chain(command.get_args());
            eprintln!("{}: running {}", self.name, shell_words(words));
        }
        Ok(self.exec(command))
    }

    /// Runs the LLVM tool `name` (llvm-NAME-22, from Debian's llvm-22) with
    /// the arguments as given.
    fn pass_through(&self, name: &str) -> Result<ExitCode, String> {
        let var = format!("LAMINA_{}", name.to_uppercase());
        let mut command = Command::new(find_program(&var, &format!("llvm-{name}-22"), "llvm-22")?);
        command.args(&self.args);
        Ok(self.exec(command))
    }

    /// Replaces this process with `command` (so its exit status and any
    /// killing signal are the caller's to see); returns only on failure.
    fn exec(&self, mut command: Command) -> ExitCode {
        let error = command.exec();
        eprintln!("{}: error: cannot run {}: {error}", self.name, command.get_program().to_string_lossy());
        ExitCode::from(1)
    }
}

/// A sysroot made before the C++ library was part of the toolchain has not
/// got it: say how to build it rather than leave wasm-ld to say `unable to
/// find library -lc++`.
fn check_cxx_library(sysroot: &Path, abi: Abi) -> Result<(), String> {
    let libcxx = library_dir(sysroot, abi).join("libc++.a");
    if libcxx.is_file() {
        Ok(())
    } else {
        Err(format!("the C++ library {} is missing; build it with toolchain/build-libcxx.sh", libcxx.display()))
    }
}

fn stages(stages: &[Stage], abi: Abi, sysroot: &Path) -> Vec<OsString> {
    stages.iter().flat_map(|&stage| flags::for_stage(stage, abi, sysroot)).collect()
}

/// The sysroot: the one `--sysroot` names (as gcc takes it: headers and
/// libraries, crt1.o included); else $LAMINA_SYSROOT; else `sysroot` beside the directory the
/// driver was run from (PREFIX/bin/lamina-cc uses PREFIX/sysroot; the name as
/// invoked, not where a symlink leads, so build/bin/lamina-cc uses
/// build/sysroot); else the source tree's build/sysroot. It must have the C
/// library of `abi`.
fn locate_sysroot(given: Option<&Path>, argv0: &OsStr, abi: Abi) -> Result<PathBuf, String> {
    let (sysroot, origin) = if let Some(dir) = given {
        (dir.to_path_buf(), "given by --sysroot")
    } else if let Some(dir) = env::var_os("LAMINA_SYSROOT").filter(|v| !v.is_empty()) {
        (PathBuf::from(dir), "from LAMINA_SYSROOT")
    } else if let Some(dir) = installed_sysroot(argv0) {
        (dir, "beside the driver's directory")
    } else {
        (source_tree_sysroot(), "the source tree's")
    };
    let libc = library_dir(Path::new(""), abi).join("libc.a");
    if !sysroot.join(&libc).is_file() {
        return Err(format!(
            "no WALI sysroot at {} ({origin}: {}, the C library of the {} C ABI, is missing); build it with \
             toolchain/build-sysroot.sh",
            sysroot.display(),
            libc.display(),
            abi.name()
        ));
    }
    Ok(sysroot)
}

/// Where the sysroot has the libraries of `abi` (as build-sysroot.sh and
/// build-libcxx.sh install them).
fn library_dir(sysroot: &Path, abi: Abi) -> PathBuf {
    match abi {
        Abi::Wali => sysroot.join("lib"),
        Abi::Ilp32 => sysroot.join("lib").join(abi.triple()),
    }
}

/// PREFIX/sysroot for a driver run as PREFIX/bin/NAME, if that directory exists.
fn installed_sysroot(argv0: &OsStr) -> Option<PathBuf> {
    let program = if argv0.as_bytes().contains(&b'/') { std::path::absolute(argv0).ok()? } else { search_path(argv0)? };
    let sysroot = program.parent()?.parent()?.join("sysroot");
    sysroot.is_dir().then_some(sysroot)
}

fn source_tree_sysroot() -> PathBuf {
    // CARGO_MANIFEST_DIR is REPO/crates/lamina.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap_or(Path::new("/"));
    repo.join("build/sysroot")
}

/// The program $VAR names (a path, or a name to look up on PATH), else
/// `default` from PATH.
fn find_program(var: &str, default: &str, package: &str) -> Result<PathBuf, String> {
    match env::var_os(var).filter(|v| !v.is_empty()) {
        Some(program) if program.as_bytes().contains(&b'/') => Ok(program.into()),
        Some(program) => {
            search_path(&program).ok_or_else(|| format!("{var}={} is not on PATH", program.to_string_lossy()))
        }
        None => search_path(OsStr::new(default)).ok_or_else(|| {
            format!("{default} is not on PATH; install Debian's {package} (scripts/setup.sh) or set {var}")
        }),
    }
}

/// The first executable file called `name` in a PATH directory, as a path
/// through that directory (symlinks not followed).
fn search_path(name: &OsStr) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
        .and_then(|program| std::path::absolute(program).ok())
}

/// Words joined with blanks, each quoted for a POSIX shell if it needs it.
fn shell_words<'a>(words: impl Iterator<Item = &'a OsStr>) -> String {
    let quoted: Vec<String> = words
        .map(|word| {
            let word = word.to_string_lossy();
            let plain = |c: char| c.is_ascii_alphanumeric() || "-_=+/.,:@%^".contains(c);
            if !word.is_empty() && word.chars().all(plain) {
                word.into_owned()
            } else {
                format!("'{}'", word.replace('\'', r"'\''"))
            }
        })
        .collect();
    quoted.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(argv: &[&str]) -> Option<(Tool, String, Vec<String>)> {
        let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
        Invocation::recognise(&argv).map(|i| {
            let args = i.args.into_iter().map(|a| a.into_string().unwrap()).collect();
            (i.tool, i.name, args)
        })
    }

    #[test]
    fn tools_by_program_name_and_by_subcommand() {
        let cc = invocation(&["/x/bin/lamina-cc", "-c", "a.c"]).unwrap();
        assert_eq!(cc, (Tool::Cc, "lamina-cc".into(), vec!["-c".into(), "a.c".into()]));
        assert_eq!(invocation(&["wasm32-linux-muslwali-gcc"]).unwrap().0, Tool::Cc);
        assert_eq!(invocation(&["lamina-c++"]).unwrap().0, Tool::Cxx);
        assert_eq!(invocation(&["wasm32-linux-muslwali-g++"]).unwrap().0, Tool::Cxx);
        assert_eq!(invocation(&["lamina", "c++", "a.cc"]).unwrap().1, "lamina c++");
        assert_eq!(invocation(&["build/bin/lamina-ranlib", "x.a"]).unwrap().0, Tool::Binutil("ranlib"));
        assert_eq!(invocation(&["wasm32-linux-muslwali-strip"]).unwrap().0, Tool::Binutil("strip"));
        assert!(invocation(&["wasm32-linux-muslwali-ld"]).is_none());
        let ar = invocation(&["target/release/lamina", "ar", "rcs", "x.a"]).unwrap();
        assert_eq!(ar, (Tool::Binutil("ar"), "lamina ar".into(), vec!["rcs".into(), "x.a".into()]));
        assert_eq!(invocation(&["lamina", "cc"]).unwrap().0, Tool::Cc);
        assert!(invocation(&["lamina", "run", "cc"]).is_none());
        assert!(invocation(&["lamina", "prog.wasm"]).is_none());
        assert!(invocation(&["lamina"]).is_none());
    }

    #[test]
    fn words_are_quoted_for_the_shell() {
        let words = ["clang-22", "--sysroot=/a b", "-DX='1'", "", "-Wl,--max-memory=2147483648"].map(OsStr::new);
        assert_eq!(
            shell_words(words.into_iter()),
            r#"clang-22 '--sysroot=/a b' '-DX='\''1'\''' '' -Wl,--max-memory=2147483648"#
        );
    }

    #[test]
    fn the_flag_table_has_the_sysroot_after_the_target() {
        for abi in [Abi::Wali, Abi::Ilp32] {
            let always = flags::for_stage(Stage::Always, abi, Path::new("/s"));
            assert_eq!(always[..2], ["--target=wasm32-linux-muslwali", "--sysroot=/s"].map(OsString::from));
            let libraries = flags::for_stage(Stage::Libraries, abi, Path::new("/s"));
            assert_eq!(libraries, ["-lc", flags::BUILTINS].map(OsString::from));
            let cxx = flags::for_stage(Stage::CxxLibraries, abi, Path::new("/s"));
            assert_eq!(
                cxx,
                ["-lc++", "-lc++abi", "-lunwind", "-Wl,--wrap=__main_void", "-Wl,--wrap=pthread_create"]
                    .map(OsString::from)
            );
        }
        let ilp32 = flags::for_stage(Stage::Always, Abi::Ilp32, Path::new("/s"));
        assert!(ilp32.ends_with(&["-Xclang", "-triple", "-Xclang", "wasm32-unknown-linux-musl"].map(OsString::from)));
        let link = flags::for_stage(Stage::Link, Abi::Ilp32, Path::new("/s"));
        assert!(link.ends_with(
            &["-B/s/lib/wasm32-unknown-linux-musl/", "-L/s/lib/wasm32-unknown-linux-musl"].map(OsString::from)
        ));
        assert!(
            !flags::for_stage(Stage::Link, Abi::Wali, Path::new("/s"))
                .iter()
                .any(|f| f.to_string_lossy().starts_with("-L"))
        );
    }
}
