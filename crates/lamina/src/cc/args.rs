//! Reading a `cc` command line: response files, and what the driver must
//! know before it runs clang (will clang link, and with the C++ library?
//! does it ask for a shared library, which WALI cannot have?).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// How deeply response files may name response files; beyond it an `@FILE`
/// is left to clang, which reports the recursion.
const MAX_NESTING: u32 = 32;

/// The arguments with every `@FILE` replaced by the arguments FILE holds,
/// as clang reads them: nested `@FILE`s are relative to the current
/// directory, and an `@FILE` that cannot be read stays an argument.
pub fn expand_response_files(args: &[OsString]) -> Vec<OsString> {
    let mut expanded = Vec::new();
    expand_into(args, &mut expanded, 0);
    expanded
}

fn expand_into(args: &[OsString], expanded: &mut Vec<OsString>, nesting: u32) {
    for arg in args {
        let content = match arg.as_bytes().strip_prefix(b"@") {
            Some(path) if nesting < MAX_NESTING => std::fs::read(OsStr::from_bytes(path)).ok(),
            _ => None,
        };
        match content {
            Some(content) => expand_into(&split_response_file(&content), expanded, nesting + 1),
            None => expanded.push(arg.clone()),
        }
    }
}

/// Splits a response file as clang does on Unix: blanks separate arguments,
/// quotes ('…' or "…") keep blanks in one, and a backslash takes the next
/// character literally, inside quotes too.
fn split_response_file(text: &[u8]) -> Vec<OsString> {
    let mut args = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut quote = None;
    let mut bytes = text.iter().copied();
    while let Some(byte) = bytes.next() {
        match (quote, byte) {
            (_, b'\\') => current.get_or_insert_default().extend(bytes.next()),
            (Some(q), _) if byte == q => quote = None,
            (Some(_), _) => current.get_or_insert_default().push(byte),
            (None, b'\'' | b'"') => {
                quote = Some(byte);
                current.get_or_insert_default();
            }
            (None, b' ' | b'\t' | b'\r' | b'\n') => args.extend(current.take().map(OsString::from_vec)),
            (None, _) => current.get_or_insert_default().push(byte),
        }
    }
    args.extend(current.map(OsString::from_vec));
    args
}

/// A question the driver answers itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    Help,
    Sysroot,
    Multiarch,
    Cflags,
    Ldflags,
    Libs,
}

/// What a (response-file-expanded) command line asks clang to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub query: Option<Query>,
    /// The sysroot named by `--sysroot` (the last one, as for gcc).
    pub sysroot: Option<PathBuf>,
    /// The C++ library is asked for by name (`-lstdc++`, `-lc++`): a link
    /// with it, as gcc links C++ objects with `-lstdc++`.
    pub cxx_library: bool,
    /// `-nostdlib++`: the user links the C++ library (or none).
    pub no_cxx_library: bool,
    /// A `-x LANGUAGE` is in effect at the end of the command, and would
    /// apply to the files the driver adds (the compiler runtime's archive).
    pub typed_at_end: bool,
    /// The first argument that asks for a shared library.
    pub shared: Option<String>,
    /// Some input is a source file (rather than an object or a library).
    pub compiles: bool,
    /// clang will link: there are inputs, and nothing stops it earlier.
    pub links: bool,
    /// `-v`: show the clang command.
    pub verbose: bool,
    /// `-nostdlib` or `-nodefaultlibs`: the user links the C library (or none).
    pub no_default_libs: bool,
    /// `-r` (or the linker's `-r`/`--relocatable`): a partial link into one object.
    pub relocatable: bool,
    /// Warnings are errors: `-Werror` (not undone by a later `-Wno-error`)
    /// or `-pedantic-errors`.
    pub warnings_are_errors: bool,
}

/// Options whose value is the next argument when not joined to them.
pub(super) const SEPARATE_VALUE: &[&str] = &[
    "-o",
    "-I",
    "-D",
    "-U",
    "-L",
    "-l",
    "-x",
    "-include",
    "-imacros",
    "-isystem",
    "-idirafter",
    "-iquote",
    "-iprefix",
    "-iwithprefix",
    "-iwithprefixbefore",
    "-isysroot",
    "-MF",
    "-MT",
    "-MQ",
    "-MJ",
    "-Xlinker",
    "-Xclang",
    "-Xassembler",
    "-Xpreprocessor",
    "-mllvm",
    "-target",
    "-z",
    "-u",
    "-T",
    "-arch",
    "-F",
    "-ivfsoverlay",
    "-include-pch",
    "-dependency-file",
    "-serialize-diagnostics",
    "--sysroot",
    "--param",
];

/// Options after which clang does not link.
const STOP_BEFORE_LINK: &[&str] = &["-c", "-S", "-E", "-M", "-MM", "-fsyntax-only", "--precompile"];

/// Linker options that make a shared library.
const SHARED_LINKER_OPTIONS: &[&str] = &["-shared", "--shared", "-Bshareable"];

/// Linker options that make a relocatable object.
const RELOCATABLE_LINKER_OPTIONS: &[&str] = &["-r", "--relocatable", "-relocatable"];

/// The names (`-lNAME`) of the C++ library: GCC's, and LLVM's, which stands in for it.
pub(super) const CXX_LIBRARIES: &[&str] = &["stdc++", "c++"];

/// Extensions of inputs clang compiles or assembles (C, C++ and assembly);
/// others go to the linker.
const SOURCE_EXTENSIONS: &[&str] = &[
    "c", "i", "h", "s", "S", "cc", "cp", "cxx", "cpp", "CPP", "c++", "C", "ii", "cppm", "ixx", "hh", "hpp", "hxx",
    "h++", "H",
];

impl Request {
    pub fn of(args: &[OsString]) -> Request {
        let mut request = Request::default();
        let (mut inputs, mut stops) = (false, false);
        // The latest `-x` names a language (not `none`: by extension), which
        // applies to the inputs after it.
        let mut typed = false;
        let mut only_inputs = false;
        let (mut werror, mut pedantic_errors) = (false, false);
        let mut args = args.iter().map(|a| a.to_string_lossy());
        while let Some(arg) = args.next() {
            if only_inputs || !arg.starts_with('-') || arg == "-" {
                inputs = true;
                request.input(&arg, typed);
                continue;
            }
            if SEPARATE_VALUE.contains(&&*arg) {
                let value = args.next().unwrap_or_default();
                match &*arg {
                    "-x" => typed = value != "none",
                    "-l" => {
                        inputs = true;
                        request.library(&value);
                    }
                    "-Xlinker" => request.linker_option(&value),
                    "--sysroot" => request.sysroot = Some(PathBuf::from(&*value)),
                    _ => {}
                }
                continue;
            }
            match &*arg {
                "--" => only_inputs = true,
                "-v" | "--verbose" => request.verbose = true,
                "-nostdlib" | "-nodefaultlibs" => request.no_default_libs = true,
                "-nostdlib++" => request.no_cxx_library = true,
                "-r" => request.relocatable = true,
                "-Werror" => werror = true,
                "-Wno-error" => werror = false,
                "-pedantic-errors" => pedantic_errors = true,
                "--help" | "-help" => request.query = Some(Query::Help),
                "--print-sysroot" | "-print-sysroot" => request.query = Some(Query::Sysroot),
                "--print-multiarch" | "-print-multiarch" => request.query = Some(Query::Multiarch),
                "--print-cflags" => request.query = Some(Query::Cflags),
                "--print-ldflags" => request.query = Some(Query::Ldflags),
                "--print-libs" => request.query = Some(Query::Libs),
                "-shared" | "--shared" | "-dynamiclib" => {
                    request.shared.get_or_insert_with(|| arg.to_string());
                }
                _ if STOP_BEFORE_LINK.contains(&&*arg) => stops = true,
                _ => {
                    if let Some(dir) = arg.strip_prefix("--sysroot=") {
                        request.sysroot = Some(PathBuf::from(dir));
                    } else if let Some(value) = arg.strip_prefix("-x") {
                        typed = value != "none";
                    } else if let Some(list) = arg.strip_prefix("-Wl,") {
                        list.split(',').for_each(|option| request.linker_option(option));
                    } else if let Some(name) = arg.strip_prefix("-l") {
                        inputs = true;
                        request.library(name);
                    }
                }
            }
        }
        request.links = inputs && !stops;
        request.typed_at_end = typed;
        request.warnings_are_errors = werror || pedantic_errors;
        request
    }

    /// Notes an input file; `typed` when a `-x` language applies to it.
    fn input(&mut self, file: &str, typed: bool) {
        let extension = Path::new(file).extension().and_then(OsStr::to_str).unwrap_or("");
        if typed || file == "-" || SOURCE_EXTENSIONS.contains(&extension) {
            self.compiles = true;
        }
    }

    /// Notes a library given with `-l`.
    fn library(&mut self, name: &str) {
        if CXX_LIBRARIES.contains(&name) {
            self.cxx_library = true;
        }
    }

    fn linker_option(&mut self, option: &str) {
        if SHARED_LINKER_OPTIONS.contains(&option) {
            self.shared.get_or_insert_with(|| option.to_owned());
        }
        if RELOCATABLE_LINKER_OPTIONS.contains(&option) {
            self.relocatable = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(args: &[&str]) -> Request {
        Request::of(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    fn strings(args: Vec<OsString>) -> Vec<String> {
        args.into_iter().map(|a| a.into_string().unwrap()).collect()
    }

    #[test]
    fn response_files_split_like_clang() {
        let text = br#"-DA="x y" 'q\r' p\ q "a\"b" -c
            '' last"#;
        assert_eq!(strings(split_response_file(text)), ["-DA=x y", "qr", "p q", "a\"b", "-c", "", "last"]);
    }

    #[test]
    fn response_files_expand_in_place_and_nest_from_the_current_directory() {
        let dir = std::env::temp_dir().join(format!("lamina-cc-rsp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (outer, inner) = (dir.join("outer.rsp"), dir.join("inner.rsp"));
        std::fs::write(&inner, "-c\n").unwrap();
        std::fs::write(&outer, format!("-O2 @{} x.c", inner.display())).unwrap();
        let args = ["-g".into(), OsString::from(format!("@{}", outer.display())), "@missing".into()];
        assert_eq!(strings(expand_response_files(&args)), ["-g", "-O2", "-c", "x.c", "@missing"]);
        std::fs::write(&inner, format!("@{}", inner.display())).unwrap();
        let looping = expand_response_files(&[OsString::from(format!("@{}", inner.display()))]);
        assert_eq!(strings(looping), [format!("@{}", inner.display())], "recursion is left to clang");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn linking_needs_inputs_and_no_stop() {
        let r = request(&["-O2", "a.c", "-o", "a.wasm"]);
        assert!(r.links && r.compiles);
        let r = request(&["a.o", "b.o", "-lm"]);
        assert!(r.links && !r.compiles, "objects only: nothing compiled");
        assert!(!request(&["-c", "a.c"]).links);
        assert!(!request(&["-E", "a.c"]).links);
        assert!(!request(&["-MM", "a.c"]).links);
        assert!(!request(&["-fsyntax-only", "a.c"]).links);
        assert!(!request(&["-v"]).links, "a version query has no inputs");
        assert!(!request(&["-o", "x.c"]).links, "an option's value is no input");
        assert!(request(&["-l", "m"]).links);
        assert!(request(&["-x", "c", "-"]).compiles);
        assert!(request(&["-c", "a.cc"]).compiles);
        assert!(request(&["-x", "c++", "a.c"]).typed_at_end);
        assert!(!request(&["-xc++", "a.c", "-x", "none", "b.o"]).typed_at_end);
    }

    #[test]
    fn the_cplusplus_library_is_recognised_by_name() {
        assert!(request(&["a.o", "-lstdc++"]).cxx_library);
        assert!(request(&["a.o", "-l", "stdc++"]).cxx_library);
        assert!(request(&["a.o", "-lc++", "-lm"]).cxx_library);
        assert!(!request(&["a.o", "-lstdc", "-lm"]).cxx_library);
        assert!(!request(&["a.cpp"]).cxx_library, "a C++ source alone links as C (as gcc)");
        assert!(request(&["-nostdlib++", "a.o"]).no_cxx_library);
    }

    #[test]
    fn shared_libraries_are_recognised() {
        assert_eq!(request(&["-shared", "a.o"]).shared.as_deref(), Some("-shared"));
        assert_eq!(request(&["-Wl,-soname,x,--shared", "a.o"]).shared.as_deref(), Some("--shared"));
        assert_eq!(request(&["-Xlinker", "-shared", "a.o"]).shared.as_deref(), Some("-shared"));
        assert_eq!(request(&["-static", "-fPIC", "a.o"]).shared, None);
    }

    #[test]
    fn relocatable_links_are_recognised() {
        assert!(request(&["-r", "a.o", "b.o"]).relocatable);
        assert!(request(&["-nostdlib", "-Wl,-r", "a.o"]).relocatable);
        assert!(request(&["-Xlinker", "--relocatable", "a.o"]).relocatable);
        assert!(!request(&["a.o", "-o", "-r"]).relocatable, "an option's value is no option");
    }

    #[test]
    fn warnings_are_errors_when_the_last_word_says_so() {
        assert!(request(&["-Werror", "a.c"]).warnings_are_errors);
        assert!(!request(&["-Werror", "-Wno-error", "a.c"]).warnings_are_errors);
        assert!(request(&["-Wno-error", "-Werror", "a.c"]).warnings_are_errors);
        assert!(request(&["-pedantic-errors", "-Wno-error", "a.c"]).warnings_are_errors);
        assert!(!request(&["-Werror=int-conversion", "a.c"]).warnings_are_errors, "one warning, not all");
    }

    #[test]
    fn driver_queries() {
        assert_eq!(request(&["--print-sysroot"]).query, Some(Query::Sysroot));
        assert_eq!(request(&["-print-sysroot"]).query, Some(Query::Sysroot));
        assert_eq!(request(&["--sysroot=/a", "--sysroot", "/b", "x.c"]).sysroot, Some(PathBuf::from("/b")));
        assert_eq!(request(&["--sysroot", "/b", "--sysroot=/a", "x.c"]).sysroot, Some(PathBuf::from("/a")));
        assert_eq!(request(&["x.c"]).sysroot, None);
        assert_eq!(request(&["--print-multiarch"]).query, Some(Query::Multiarch));
        assert_eq!(request(&["-print-multiarch"]).query, Some(Query::Multiarch));
        assert_eq!(request(&["--print-ldflags"]).query, Some(Query::Ldflags));
        assert_eq!(request(&["a.c", "--help"]).query, Some(Query::Help));
        assert_eq!(request(&["a.c"]).query, None);
        assert!(request(&["-nostdlib", "a.c"]).no_default_libs);
        assert!(request(&["-v", "a.c"]).verbose);
    }
}
