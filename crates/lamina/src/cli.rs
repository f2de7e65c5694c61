//! Command-line parsing.
//!
//! Hand-written because the grammar is iwasm's, not a typical subcommand
//! tree: options stop at the first non-option (the module), `-v=N` and
//! `--stack-size=N` use `=`, and `lamina MODULE` works without `run`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use lamina_runtime::options::{stack_size, value_of};
use lamina_runtime::{EngineOptions, RunOptions};

/// The wasmtime Lamina is built on: the version pinned in the workspace
/// manifest, the one place it is written.
pub fn wasmtime_version() -> &'static str {
    const MANIFEST: &str = include_str!("../../../Cargo.toml");
    MANIFEST
        .lines()
        .find_map(|line| line.strip_prefix("wasmtime = { version = \"="))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown")
}

pub const HELP: &str = "\
lamina: run Linux programs compiled to WebAssembly (WALI)

Usage:
  lamina run [OPTIONS] MODULE [ARGS...]
  lamina [OPTIONS] MODULE [ARGS...]
  lamina compile [--stack-size=BYTES] MODULE -o OUT.cwasm
  lamina binfmt install|uninstall|status
                              Let native programs execute .wasm modules (binfmt_misc; root)
  lamina binfmt exec CMD [ARGS...]
                              Run CMD so that it and its children execute .wasm modules
                              (a private binfmt_misc instance; no root needed)
  lamina cc [CC-ARGS...]      Compile C for WALI (`lamina cc --help`; also as lamina-cc)
  lamina ar|ranlib ARGS...    Make static libraries (also as lamina-ar, lamina-ranlib)

MODULE is a .wasm file or a .cwasm artifact from `lamina compile`: a WALI
program, or a WASI preview 1 program (one importing wasi_snapshot_preview1),
which runs through Lamina's WASI layer with the directories given by --dir and
--ro-dir preopened. Options end at MODULE; everything after it is passed to
the program, whose argv[0] is MODULE as given. The exit status is the program's. A program that traps is
reported with a wasm backtrace and ends like a crashed native program, killed
by the matching signal (SIGSEGV for bad memory or table accesses and stack
overflow, SIGILL for `unreachable`, SIGFPE for integer division faults).

Run options:
      --env NAME=VALUE   Set a variable in the program's environment (repeatable;
                         `--env NAME` passes Lamina's own value of NAME)
      --env-file=PATH    Read variables from PATH, one NAME=VALUE per line
                         (a line with just NAME unsets it)
      --inherit-env      Start from Lamina's own environment (by default the
                         program sees only variables given with --env/--env-file)
      --strace[=FILE]    Print each system call, strace style, to stderr or FILE
      --strace-summary[=FILE]
                         Print a table of call counts, errors and times at exit
      --stack-size=BYTES Wasm stack limit (default 32M; K/M/G suffixes accepted)
      --profile=perfmap  Name the compiled wasm functions for `perf record`
                         (/tmp/perf-PID.map, written before the program starts)
      --no-cache         Compile without using the compile cache
                         (default cache: $LAMINA_CACHE_DIR, $XDG_CACHE_HOME/lamina
                         or ~/.cache/lamina)
  -v, --verbose          Say how the module was loaded (-v=2 or -vv: also list
                         every import and how it is bound)

Sandbox (any of these denies everything not granted; see docs/security.md):
      --dir HOST[::GUEST]
                         Give the program HOST and everything beneath it (read,
                         write, create, delete, rename, link; not native exec),
                         at GUEST if given (a file system of its own); a
                         WASI program gets it preopened, named GUEST
      --ro-dir HOST[::GUEST]
                         Give the program HOST to read and list
      --allow-net[=ADDR:PORT,...]
                         Allow TCP/UDP to these addresses (alone: everywhere)
      --allow-exec[=PATH,...]
                         Allow executing these native programs (alone: those
                         in /bin, /usr/bin, … and their libraries)
      --policy FILE      Read grants and limits from a TOML file (same names as
                         these flags; see docs/security.md)
      --sandbox          Nothing beyond the defaults (the module, /dev/null,
                         /dev/zero, /dev/urandom, the terminal);
                         --sandbox=best-effort runs without kernel support
                         (Landlock), with Lamina's own checks only

Limits (with or without a sandbox):
      --max-memory=BYTES Most linear memory (K/M/G suffixes); growth, mmap and
                         brk fail with ENOMEM past it
      --max-threads=N    Most guest threads alive at once (then EAGAIN)
      --max-cpu=SECONDS  CPU time limit (SIGXCPU, then SIGKILL)

Advanced (what Lamina passes itself when a program execs a WALI module,
and the containerd shim when it starts one):
      --argv0 NAME       Give the program NAME as argv[0] instead of MODULE
      --cache-dir=DIR    Use DIR as the compile cache
      --cache-dir-fd=N   Use the directory open as inherited descriptor N as
                         the compile cache (closed before the program starts)
      --env-fd=N         Read the environment, in the --env-file format, from
                         inherited descriptor N (closed before the program starts)
      --module-fd=N      Read MODULE from inherited descriptor N (closed before
                         the program starts); MODULE only names it
      --policy-fd=N      As --policy, from inherited descriptor N (closed at
                         once; relative paths are the working directory's)
      --strace-fd=N      Write strace output to inherited descriptor N
      --strace-pid=PID   Trace as a continuation of process PID's trace (only
                         other processes' lines get a [pid N] prefix)
      --wasi-layer-fd=N  Read the WASI layer from inherited descriptor N
                         (closed before the program starts)
      --sandbox-inherited
                         The sandbox flags describe the sandbox this process
                         already is in (checked): the kernel's part is not
                         applied again

Other:
  -h, --help             Show this help
  -V, --version          Show the version
";

/// What the user asked for.
#[derive(Debug)]
pub enum Command {
    Help,
    Version,
    Run(Box<RunOptions>),
    Compile { engine: EngineOptions, module: PathBuf, output: PathBuf },
    Binfmt(crate::binfmt::Action),
}

/// Parses `lamina`'s arguments (without argv[0]).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    match args.first().map(|a| a.as_bytes()) {
        None => Err("no module given".into()),
        Some(b"run") => {
            args.remove(0);
            parse_run(args)
        }
        Some(b"compile") => {
            args.remove(0);
            parse_compile(args)
        }
        Some(b"binfmt") => match &args[1..] {
            [word, command @ ..] if word == "exec" => match command {
                [] => Err("binfmt takes a command to run after exec".into()),
                _ => Ok(Command::Binfmt(crate::binfmt::Action::Exec(command.to_vec()))),
            },
            [word] => word
                .to_str()
                .and_then(crate::binfmt::Action::parse)
                .map(Command::Binfmt)
                .ok_or_else(|| format!("binfmt takes install, uninstall or status, not {}", word.display())),
            _ => Err("binfmt takes one of install, uninstall, status, exec CMD...".into()),
        },
        Some(_) => parse_run(args),
    }
}

fn parse_run(args: Vec<OsString>) -> Result<Command, String> {
    let mut options = RunOptions::new(PathBuf::new());
    let mut rest = args.into_iter();
    while let Some(raw) = rest.next() {
        let Some(arg) = raw.to_str().filter(|a| a.starts_with('-') && *a != "-").map(str::to_owned) else {
            options.module = PathBuf::from(raw);
            options.args = rest.collect();
            return Ok(Command::Run(Box::new(options)));
        };
        let arg = arg.as_str();
        if options.parse_flag(arg, &mut rest)? {
            continue;
        }
        if let Some(v) = value_of(arg, "--env", &mut rest) {
            options.env.vars.push(v?);
        } else if let Some(v) = value_of(arg, "--env-file", &mut rest) {
            options.env.files.push(v?.into());
        } else {
            match arg {
                "--inherit-env" => options.env.inherit = true,
                "-h" | "--help" => return Ok(Command::Help),
                "-V" | "--version" => return Ok(Command::Version),
                _ => return Err(format!("unknown option {arg}")),
            }
        }
    }
    Err("no module given".into())
}

fn parse_compile(args: Vec<OsString>) -> Result<Command, String> {
    let mut engine = EngineOptions::default();
    let (mut module, mut output) = (None, None);
    let mut rest = args.into_iter();
    while let Some(raw) = rest.next() {
        let arg = raw.to_string_lossy().into_owned();
        if let Some(v) = value_of(&arg, "--stack-size", &mut rest) {
            engine.stack_size = stack_size(&v?)?;
        } else if let Some(v) = value_of(&arg, "-o", &mut rest).or_else(|| value_of(&arg, "--output", &mut rest)) {
            output = Some(PathBuf::from(v?));
        } else if let Some(path) = arg.strip_prefix("-o").filter(|p| !p.is_empty() && !arg.starts_with("--")) {
            output = Some(path.into());
        } else if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        } else if arg.starts_with('-') {
            return Err(format!("unknown option {arg} for compile"));
        } else if module.replace(PathBuf::from(raw)).is_some() {
            return Err("compile takes one module".into());
        }
    }
    let module = module.ok_or("compile needs a module")?;
    let output = output.unwrap_or_else(|| module.with_extension("cwasm"));
    Ok(Command::Compile { engine, module, output })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_runtime::{CacheMode, SafePoints, StraceOutput};
    use std::path::Path;

    fn run_opts(args: &[&str]) -> RunOptions {
        match parse(args.iter().map(OsString::from)).unwrap() {
            Command::Run(o) => *o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_stop_at_the_module() {
        let o = run_opts(&["run", "--env", "A=1", "prog.wasm", "--env", "-v", "x"]);
        assert_eq!(o.module, PathBuf::from("prog.wasm"));
        assert_eq!(o.args, ["--env", "-v", "x"].map(OsString::from));
        assert_eq!(o.env.vars, [OsString::from("A=1")]);
    }

    #[test]
    fn short_form_and_iwasm_spellings() {
        let o = run_opts(&["-v=3", "--stack-size=4194304", "--max-threads=100", "--env-file=e", "p.wasm"]);
        assert_eq!(o.verbose, 3);
        assert_eq!(o.engine.stack_size, 4194304);
        assert_eq!(o.env.files, [PathBuf::from("e")]);
        assert_eq!(o.module, PathBuf::from("p.wasm"));
    }

    #[test]
    fn strace_options() {
        let o = run_opts(&["--strace=out.txt", "--strace-summary", "p.wasm"]);
        let t = o.strace.unwrap();
        assert!(t.lines && t.summary);
        assert_eq!(t.output, StraceOutput::File(PathBuf::from("out.txt")));
        assert!(run_opts(&["p.wasm"]).strace.is_none());
    }

    #[test]
    fn exec_options() {
        let o = run_opts(&["--argv0", "-sh", "--cache-dir=/c", "--strace", "--strace-pid=7", "m.wasm", "x"]);
        assert_eq!(o.argv0, Some(OsString::from("-sh")));
        assert!(matches!(o.cache, CacheMode::Dir(d) if d == Path::new("/c")));
        let t = o.strace.unwrap();
        assert_eq!((t.lines, t.root_pid, t.output), (true, Some(7), StraceOutput::Stderr));
        assert_eq!(o.args, [OsString::from("x")]);
        assert!(parse(["--strace-fd=1".into(), "p".into()]).unwrap_err().contains("above 2"));
        assert!(parse(["--env-fd=x".into(), "p".into()]).is_err());
    }

    #[test]
    fn the_environment_descriptor_is_read_and_closed() {
        // SAFETY: plain syscalls on a descriptor this test owns.
        let fd = unsafe { libc::memfd_create(c"env".as_ptr(), libc::MFD_CLOEXEC) };
        assert!(fd > 2);
        // SAFETY: as above.
        assert_eq!(unsafe { libc::write(fd, b"A=1\nB=two=2\n".as_ptr().cast(), 12) }, 12);
        let o = run_opts(&["--env-fd", &fd.to_string(), "p.wasm"]);
        assert_eq!(o.env.vars, ["A=1", "B=two=2"].map(OsString::from));
        // SAFETY: probing a descriptor number.
        assert_eq!(unsafe { libc::fcntl(fd, libc::F_GETFD) }, -1, "the descriptor was closed");
    }

    #[test]
    fn the_wasmtime_version_is_the_pinned_one() {
        let lock = include_str!("../../../Cargo.lock");
        let pinned = lock.split("[[package]]").find(|p| p.contains("name = \"wasmtime\"\n")).unwrap();
        assert!(pinned.contains(&format!("version = \"{}\"", wasmtime_version())), "{pinned}");
    }

    #[test]
    fn defaults() {
        let o = run_opts(&["p.wasm"]);
        assert_eq!(o.engine.stack_size, 32 << 20);
        assert_eq!(o.engine.safe_points, SafePoints::Instrumented);
        assert_eq!(run_opts(&["--no-safe-points", "p.wasm"]).engine.safe_points, SafePoints::Omitted);
        assert!(!o.env.inherit);
        assert_eq!(o.verbose, 0);
        assert!(o.argv0.is_none());
    }

    #[test]
    fn sizes_and_errors() {
        assert_eq!(run_opts(&["--stack-size=16M", "p"]).engine.stack_size, 16 << 20);
        assert!(parse(["--stack-size=1".into(), "p".into()]).is_err());
        assert!(parse(["--bogus".into(), "p".into()]).unwrap_err().contains("unknown option"));
        assert!(parse(["--env".into()]).is_err());
        assert!(parse(Vec::<OsString>::new()).is_err());
    }

    #[test]
    fn compile_arguments() {
        match parse(["compile", "m.wasm", "-o", "m.cwasm"].map(OsString::from)).unwrap() {
            Command::Compile { module, output, .. } => {
                assert_eq!((module, output), (PathBuf::from("m.wasm"), PathBuf::from("m.cwasm")));
            }
            other => panic!("{other:?}"),
        }
    }
}
