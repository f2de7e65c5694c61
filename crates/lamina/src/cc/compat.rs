//! What gcc and GNU ld users pass that clang-22 and wasm-ld-22 would not
//! take as gcc and ld do: the one place that says how each is handled.
//!
//! gcc's tuning flags that clang lacks and GNU ld options that mean nothing
//! for one static wasm module are dropped (each table row says why); gcc 12's
//! warnings that clang makes errors stay warnings. Anything not listed goes to
//! clang and wasm-ld unchanged, so an unknown option still fails with their
//! own message.

use std::ffi::OsString;

/// Diagnostics gcc 12 (which Debian's packages are built with) gives as
/// warnings and clang 22 as errors, found by compiling code that has them
/// with both. They stay warnings, unless the user asks for errors.
pub const GCC12_WARNINGS: &[&str] = &[
    "implicit-function-declaration",
    "implicit-int",
    "int-conversion",
    "incompatible-pointer-types",
    "incompatible-function-pointer-types",
    "return-mismatch",
];

/// The flags that keep [`GCC12_WARNINGS`] warnings; they go before the
/// user's, so that a later `-Werror=NAME` of the user's wins.
pub fn warnings_as_gcc12() -> Vec<OsString> {
    GCC12_WARNINGS.iter().map(|name| format!("-Wno-error={name}").into()).collect()
}

/// gcc flags that only tune optimisation or code generation and that clang
/// does not have (it rejects some, and warns "optimization flag … is not
/// supported" for the others), by name without `-f`/`-fno-`; a name ending
/// in `=` takes a value. Flags that change what a program means are not
/// here, and reach clang: `-funsigned-bitfields` (clang warns it does not
/// support it), `-fsingle-precision-constant`, `-fno-tree-loop-distribute-patterns`.
const GCC_TUNING: &[(&[&str], &str)] = &[
    (
        &[
            "inline-limit=",
            "inline-small-functions",
            "inline-functions-called-once",
            "early-inlining",
            "partial-inlining",
            "conserve-stack",
            "keep-inline-functions",
        ],
        "gcc's inlining heuristics; clang's inliner has its own (functions kept only for inlining are static)",
    ),
    (
        &["align-jumps", "align-jumps=", "align-labels", "align-labels="],
        "code alignment, which wasm code does not have",
    ),
    (
        &[
            "guess-branch-probability",
            "reorder-blocks",
            "reorder-blocks-and-partition",
            "crossjumping",
            "if-conversion",
            "if-conversion2",
            "tracer",
            "thread-jumps",
        ],
        "gcc's branch-layout passes, which clang has not",
    ),
    (
        &[
            "caller-saves",
            "defer-pop",
            "schedule-insns",
            "schedule-insns2",
            "sched-interblock",
            "sched-spec",
            "modulo-sched",
            "rename-registers",
            "web",
            "peephole2",
            "shrink-wrap",
            "branch-count-reg",
            "ira-loop-pressure",
            "ira-share-save-slots",
            "live-range-shrinkage",
        ],
        "gcc's register allocation and scheduling, which the wasm engine does",
    ),
    (
        &[
            "gcse",
            "gcse-after-reload",
            "cse-follow-jumps",
            "expensive-optimizations",
            "strength-reduce",
            "ivopts",
            "peel-loops",
            "unswitch-loops",
            "unroll-all-loops",
            "variable-expansion-in-unroller",
            "prefetch-loop-arrays",
            "predictive-commoning",
            "code-hoisting",
            "store-merging",
            "ipa-cp",
            "ipa-sra",
            "ipa-icf",
            "tree-ch",
            "tree-pre",
            "tree-vrp",
            "tree-dominator-opts",
            "tree-loop-optimize",
            "ssa-phiopt",
            "vect-cost-model=",
            "simd-cost-model=",
        ],
        "gcc's individual optimisation passes; clang's -O level chooses its own",
    ),
    (&["var-tracking-assignments"], "how gcc tracks variables for debug information"),
    (&["float-store"], "wasm floating point has no excess precision to store away"),
    (
        &["stack-clash-protection"],
        "probes against jumping a stack guard page; the wasm stack sits at the bottom of memory, \
         below which an access traps (clang ignores it for wasm)",
    ),
    (
        &["plt", "semantic-interposition"],
        "calls into shared libraries, which WALI has not (clang ignores them for wasm)",
    ),
];

/// `-static-libgcc`: gcc links its runtime library statically. A WALI
/// program always links compiler-rt's builtins statically, so it asks for
/// what happens anyway; clang warns for each compile that it is unused
/// (busybox's defconfig passes it to every one).
const STATIC_LIBGCC: &str =
    "gcc's runtime library is linked statically; lamina cc always links compiler-rt's builtins statically";

/// `-static-libstdc++`: g++ links libstdc++ statically. The C++ library of
/// a WALI program (libc++) is always static; clang would warn that the
/// flag is unused.
const STATIC_LIBSTDCXX: &str = "the C++ library is linked statically; lamina c++ always links libc++ statically";

/// `-lstdc++`: GCC's C++ library, which the sysroot has not; its request
/// makes the driver link LLVM's libc++ (with libc++abi and libunwind) in its
/// place, after the user's libraries.
const LIBSTDCXX: &str = "libstdc++ is GCC's C++ library; libc++ (with libc++abi and libunwind) is linked instead";

/// GNU ld options that mean nothing for one static wasm module, which
/// wasm-ld rejects, warns about, or (`-soname`, `-rpath`) would record for
/// a shared library: the names, whether they take a value (the next word,
/// or joined with `=`), and why they can go.
const LD_DROPPED: &[(&[&str], bool, &str)] = &[
    (
        &["--start-group", "--end-group", "-(", "-)"],
        false,
        "wasm-ld, like lld, resolves symbols from all archives whatever their order (a later \
         archive's member can use an earlier archive's), which is what a group is for",
    ),
    (&["--warn-common", "--sort-common"], false, "common symbols, which wasm objects do not have"),
    (&["--sort-section"], true, "ELF section order; wasm-ld lays out the module itself"),
    (
        &[
            "-Bsymbolic",
            "-Bsymbolic-functions",
            "--as-needed",
            "--no-as-needed",
            "--enable-new-dtags",
            "--disable-new-dtags",
        ],
        false,
        "how a shared library binds or is recorded; WALI has none",
    ),
    (
        &["-soname", "-h", "-rpath", "-rpath-link", "--hash-style", "--version-script", "--exclude-libs"],
        true,
        "the name, search path, symbol hash and symbol versions of shared libraries, which WALI has not",
    ),
    (&["--no-undefined"], false, "wasm-ld fails on undefined symbols anyway"),
    (&["--no-keep-memory", "--reduce-memory-overheads"], false, "how much memory GNU ld itself uses"),
];

/// `-z` keywords of GNU ld that wasm-ld does not know (it warns) and that
/// mean nothing for a wasm module, and why.
const Z_DROPPED: &[(&[&str], &str)] = &[
    (
        &["relro", "norelro", "now", "lazy", "combreloc", "nocombreloc", "origin", "nodelete", "nodlopen"],
        "dynamic relocation and loading; a WALI program is one static module",
    ),
    (
        &["noexecstack", "execstack", "separate-code", "noseparate-code", "text", "notext"],
        "page permissions of ELF segments; wasm code is not in memory",
    ),
    (&["defs"], "wasm-ld fails on undefined symbols anyway"),
];

/// What [`without_dropped`] took out, and why.
pub type Dropped = Vec<(String, &'static str)>;

/// `args` with gcc's tuning flags and GNU ld's meaningless options taken
/// out (`-Wl,` lists keep their other words), or `None` if there are none.
/// The linker sees the words of all `-Wl,`, `-Xlinker` and `-z` arguments as
/// one list, in which an option's value may come from the next argument.
pub fn without_dropped(args: &[OsString]) -> Option<(Vec<OsString>, Dropped)> {
    let pieces = pieces(args);
    let words: Vec<&str> = pieces.iter().flat_map(|p| p.linker_words.iter().copied()).collect();
    let mut dropped = Dropped::new();
    let mut keep_words = Vec::with_capacity(words.len());
    let mut rest = &words[..];
    while let Some(&word) = rest.first() {
        let (span, reason) = linker_option(word, rest.get(1).copied());
        let span = span.min(rest.len());
        if let Some(reason) = reason {
            dropped.push((rest[..span].join(" "), reason));
        }
        keep_words.extend(std::iter::repeat_n(reason.is_none(), span));
        rest = &rest[span..];
    }
    let mut keep_words = keep_words.into_iter();
    let mut out = Vec::with_capacity(args.len());
    for piece in &pieces {
        if let Some(reason) = piece.tuning {
            let words: Vec<_> = piece.args.iter().map(|a| a.to_string_lossy()).collect();
            dropped.push((words.join(" "), reason));
            continue;
        }
        let kept: Vec<&str> = piece.linker_words.iter().copied().filter(|_| keep_words.next() == Some(true)).collect();
        if kept.len() == piece.linker_words.len() {
            out.extend(piece.args.iter().map(|&a| a.clone()));
        } else if piece.wl && !kept.is_empty() {
            out.push(format!("-Wl,{}", kept.join(",")).into());
        }
        // (-Xlinker WORD and -z WORD are kept or dropped whole.)
    }
    (!dropped.is_empty()).then_some((out, dropped))
}

/// An argument with its separate value, if it takes one.
struct Piece<'a> {
    args: Vec<&'a OsString>,
    /// The words it gives the linker.
    linker_words: Vec<&'a str>,
    /// It is a `-Wl,` list.
    wl: bool,
    /// Why it is dropped, if it is a gcc tuning flag (or `-static-libgcc`,
    /// `-static-libstdc++`, `-lstdc++`).
    tuning: Option<&'static str>,
}

fn pieces(args: &[OsString]) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut piece = Piece { args: vec![arg], linker_words: Vec::new(), wl: false, tuning: None };
        let text = arg.to_str().unwrap_or_default();
        if super::args::SEPARATE_VALUE.contains(&text) {
            if let Some(value) = args.next() {
                piece.args.push(value);
                // clang passes `-z KEYWORD` to the linker as it is.
                match (text, value.to_str()) {
                    ("-Xlinker", Some(word)) => piece.linker_words = vec![word],
                    ("-z", Some(word)) => piece.linker_words = vec!["-z", word],
                    ("-l", Some("stdc++")) => piece.tuning = Some(LIBSTDCXX),
                    _ => {}
                }
            }
        } else if let Some(list) = text.strip_prefix("-Wl,") {
            piece.linker_words = list.split(',').collect();
            piece.wl = true;
        } else if text == "-static-libgcc" {
            piece.tuning = Some(STATIC_LIBGCC);
        } else if text == "-static-libstdc++" {
            piece.tuning = Some(STATIC_LIBSTDCXX);
        } else if text == "-lstdc++" {
            piece.tuning = Some(LIBSTDCXX);
        } else {
            piece.tuning = gcc_tuning(text);
        }
        pieces.push(piece);
    }
    pieces
}

/// Why `arg` is dropped, if it is one of [`GCC_TUNING`].
fn gcc_tuning(arg: &str) -> Option<&'static str> {
    let flag = arg.strip_prefix("-f")?;
    let flag = flag.strip_prefix("no-").unwrap_or(flag);
    let known = |name: &&str| match name.strip_suffix('=') {
        Some(base) => flag.strip_prefix(base).is_some_and(|value| value.starts_with('=')),
        None => flag == *name,
    };
    GCC_TUNING.iter().find(|(names, _)| names.iter().any(known)).map(|(_, reason)| *reason)
}

/// How many words the linker option `word` (followed by `next`) spans, and
/// why it is dropped, if it is.
fn linker_option(word: &str, next: Option<&str>) -> (usize, Option<&'static str>) {
    if word == "-z" {
        let reason = Z_DROPPED.iter().find(|(keywords, _)| next.is_some_and(|k| keywords.contains(&k)));
        return (2, reason.map(|(_, reason)| *reason));
    }
    let Some(name) = long_name(word) else { return (1, None) };
    let dropped_long = long_option(name);
    if dropped_long.0 > 0 {
        return dropped_long;
    }
    // Short options with their value joined: `-zrelro`, `-hlibx.so.1`.
    match word.split_at_checked(2) {
        Some(("-z", keyword)) if !keyword.is_empty() => (1, linker_option("-z", Some(keyword)).1),
        Some(("-h", soname)) if !soname.is_empty() => (1, long_option("h").1),
        _ => (1, None),
    }
}

/// How many words the GNU ld option NAME (without dashes) spans and why it is
/// dropped, if it is one of [`LD_DROPPED`]; `(0, None)` if it is not.
fn long_option(name: &str) -> (usize, Option<&'static str>) {
    for (names, takes_value, reason) in LD_DROPPED {
        for dropped in names.iter().filter_map(|n| long_name(n)) {
            if name == dropped {
                return (if *takes_value { 2 } else { 1 }, Some(reason));
            }
            // `--version-script=FILE`
            if *takes_value && name.strip_prefix(dropped).is_some_and(|rest| rest.starts_with('=')) {
                return (1, Some(reason));
            }
        }
    }
    (0, None)
}

/// An option's name without its dashes: GNU ld takes long options with one
/// dash or two.
fn long_name(word: &str) -> Option<&str> {
    word.strip_prefix("--").or_else(|| word.strip_prefix('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arguments left and what was dropped, as strings.
    fn dropped(args: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        without_dropped(&args).map(|(left, dropped)| {
            let left = left.into_iter().map(|a| a.into_string().unwrap()).collect();
            (left, dropped.into_iter().map(|(what, _)| what).collect())
        })
    }

    #[test]
    fn nothing_to_drop_leaves_the_arguments_alone() {
        assert_eq!(dropped(&["-O2", "-falign-functions=1", "-Wl,--gc-sections,-z,stack-size=1", "a.c"]), None);
        assert_eq!(dropped(&["-Xlinker", "-Map", "-Xlinker", "x.map", "-z", "stack-size=4096"]), None);
        assert_eq!(dropped(&["-funsigned-bitfields", "-fsingle-precision-constant"]), None, "they change meaning");
        assert_eq!(dropped(&["-o", "-fweb", "-D", "-finline-limit=3"]), None, "option values are not flags");
        assert_eq!(
            dropped(&["-Wl,--hash-stylex", "-Wl,--rpathx", "-Wl,-zstack-size=1"]),
            None,
            "only the options themselves"
        );
    }

    #[test]
    fn gcc_tuning_flags_are_dropped_with_either_sense_and_their_values() {
        let (left, gone) =
            dropped(&["-finline-limit=0", "-O2", "-fno-guess-branch-probability", "-falign-jumps", "a.c"]).unwrap();
        assert_eq!(left, ["-O2", "a.c"]);
        assert_eq!(gone, ["-finline-limit=0", "-fno-guess-branch-probability", "-falign-jumps"]);
        assert_eq!(dropped(&["-finline-limit"]), None, "-finline-limit takes a value");
    }

    #[test]
    fn static_libgcc_is_dropped_as_what_happens_anyway() {
        let (left, gone) = dropped(&["-static-libgcc", "-c", "a.c"]).unwrap();
        assert_eq!(left, ["-c", "a.c"]);
        assert_eq!(gone, ["-static-libgcc"]);
        assert_eq!(dropped(&["-static", "-lm"]), None);
    }

    #[test]
    fn libstdcxx_gives_way_to_libcxx() {
        let (left, gone) = dropped(&["a.o", "-lstdc++", "-lm", "-l", "stdc++", "-static-libstdc++"]).unwrap();
        assert_eq!(left, ["a.o", "-lm"]);
        assert_eq!(gone, ["-lstdc++", "-l stdc++", "-static-libstdc++"]);
        assert_eq!(dropped(&["a.o", "-lc++", "-l", "m"]), None, "libc++ is in the sysroot");
    }

    #[test]
    fn linker_options_are_dropped_from_their_lists_with_their_values() {
        let (left, gone) = dropped(&[
            "-Wl,--start-group",
            "a.a",
            "-Wl,--end-group,--gc-sections",
            "-Wl,-z,relro,-z,stack-size=65536,-soname,libx.so.1",
            "-Wl,--version-script=v.map,-O1",
            "-Wl,-zrelro,-znow,-hlibx.so.2,-zstack-size=4096,-hash-style=gnu",
        ])
        .unwrap();
        assert_eq!(left, ["a.a", "-Wl,--gc-sections", "-Wl,-z,stack-size=65536", "-Wl,-O1", "-Wl,-zstack-size=4096"]);
        assert_eq!(
            gone,
            [
                "--start-group",
                "--end-group",
                "-z relro",
                "-soname libx.so.1",
                "--version-script=v.map",
                "-zrelro",
                "-znow",
                "-hlibx.so.2",
                "-hash-style=gnu"
            ]
        );
    }

    #[test]
    fn an_options_value_may_come_from_the_next_argument() {
        let (left, gone) = dropped(&[
            "-Xlinker",
            "-rpath",
            "-Xlinker",
            "/opt/lib",
            "-Wl,-z",
            "-Wl,now",
            "-z",
            "noexecstack",
            "-Wl,-(",
            "-Wl,-)",
            "-Wl,-h",
            "-Wl,libx.so",
            "-Wl,--soname",
            "-Wl,liby.so",
            "x.o",
        ])
        .unwrap();
        assert_eq!(left, ["x.o"]);
        assert_eq!(gone, ["-rpath /opt/lib", "-z now", "-z noexecstack", "-(", "-)", "-h libx.so", "--soname liby.so"]);
    }

    #[test]
    fn options_unknown_here_reach_wasm_ld() {
        let (left, _) = dropped(&["-Wl,--no-such-option,--warn-common"]).unwrap();
        assert_eq!(left, ["-Wl,--no-such-option"]);
    }
}
