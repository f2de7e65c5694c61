//! The sandbox (`lamina run --dir/--ro-dir/--allow-net/--allow-exec/--policy/
//! --sandbox`) and the resource limits (`--max-memory/--max-threads/
//! --max-cpu`).
//!
//! The guests (tests/guests/sandbox_*.c) try every escape we can spell and
//! print one line per attempt, `<who> <what>: <result>`, where <who> is the
//! process Lamina started (`self`), a forked child (`child`) and the process
//! after an exec of the same module (`exec`): each escape must fail in all
//! three. The tests build the scratch trees, listeners, receivers and victim
//! processes the attempts aim at, compare every line with a table of
//! expected results, and check from the outside that nothing was reached:
//! files outside are unchanged, listeners got no connection, the victim is
//! alive. Each table also has the results WITHOUT any policy flag, and those
//! runs must reach everything: the tests prove the sandbox, not a broken
//! guest.
//!
//! Expected errnos: EACCES (-13) for every refused file access (Landlock's
//! answer), every refused TCP port (Landlock's) and every refusal the
//! runtime makes itself (addresses, UDP, socket families, Unix socket
//! paths); EPERM (-1) for signals out of the sandbox (Landlock's signal
//! scope). Hard links and renames across the boundary are only required to
//! fail with a refusal errno (EXDEV, EACCES or EPERM): the kernel's answer
//! there depends on which check fails first — under a Landlock ruleset
//! granting all file rights on the jail, Linux 6.18 gives EXDEV (-18) for
//! `link(outside, inside)` and EACCES for renames and RENAME_EXCHANGE.
//!
//! Every child process runs under a timeout: no test can hang.

mod support;

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::{TcpListener, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixListener};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longer than any run takes by far; a run that takes longer has hung.
const TIMEOUT: Duration = Duration::from_secs(20);
const WHO: [&str; 3] = ["self", "child", "exec"];

// ---------------------------------------------------------------------------
// Running guests, bounded.

/// `lamina run FLAGS... MODULE ARGS...` in `cwd`, bounded.
fn lamina_run(flags: &[String], module: &Path, args: &[String], cwd: &Path) -> Output {
    let mut cmd = support::lamina();
    cmd.arg("run").args(flags).arg(module).args(args).current_dir(cwd);
    support::run_bounded(cmd, TIMEOUT)
}

fn strings<const N: usize>(items: [&dyn AsRef<std::ffi::OsStr>; N]) -> Vec<String> {
    items.iter().map(|s| s.as_ref().to_str().unwrap().to_owned()).collect()
}

/// The guest's stdout, after checking it ran to its end with status 0 (a
/// denial is an errno, never a crash).
fn stdout_of_success(out: &Output, what: &str) -> String {
    let stdout = support::text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: lamina did not exit 0 ({:?})\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        support::text(&out.stderr)
    );
    assert!(!stdout.contains("FAIL"), "{what}: the guest failed a check:\n{stdout}");
    stdout
}

// ---------------------------------------------------------------------------
// Result lines and expectations.

/// What a line `<who> <what>: <result>` must say.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// "ok": the call succeeded.
    Ok,
    /// "ran": an exec'd module ran.
    Ran,
    /// `-errno`.
    Errno(i32),
    /// A refusal: -EACCES, -EPERM or -EXDEV (links and renames across the
    /// boundary; see the top of the file).
    Refused,
    /// Exactly this text.
    Text(&'static str),
    /// Anything (checked some other way).
    Any,
    /// The line must not be there.
    Absent,
}

const EPERM: i32 = 1;
const ENOENT: i32 = 2;
const EACCES: i32 = 13;
const ECONNREFUSED: i32 = 111;
const DENIED: Want = Want::Errno(EACCES);

impl Want {
    fn accepts(self, got: Option<&str>) -> bool {
        match (self, got) {
            (Want::Absent, got) => got.is_none(),
            (_, None) => false,
            (Want::Any, Some(_)) => true,
            (Want::Ok, Some(g)) => g == "ok",
            (Want::Ran, Some(g)) => g == "ran",
            (Want::Errno(e), Some(g)) => g == format!("-{e}"),
            (Want::Refused, Some(g)) => ["-1", "-13", "-18"].contains(&g),
            (Want::Text(t), Some(g)) => g == t,
        }
    }
}

/// The result lines of a run, by "<who> <what>" (other lines, such as a
/// native program's output, are ignored); a line printed twice is a bug.
fn results(out: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in out.lines() {
        let Some((key, value)) = line.rsplit_once(": ") else { continue };
        if WHO.iter().any(|w| key.starts_with(&format!("{w} "))) {
            assert!(map.insert(key.to_owned(), value.to_owned()).is_none(), "line printed twice: {line}\n{out}");
        }
    }
    map
}

/// Fails with every difference at once: the wrong lines, and an exit status
/// other than 0 (a denial is an errno, never a crash). Returns stdout.
fn report(out: &Output, mut wrong: Vec<String>, context: &str) -> String {
    let stdout = support::text(&out.stdout);
    if out.status.code() != Some(0) {
        wrong.push(format!("  lamina exited with {:?}, want 0", out.status));
    }
    if stdout.contains("FAIL") {
        wrong.push("  the guest failed one of its own checks".into());
    }
    assert!(
        wrong.is_empty(),
        "{context}:\n{}\nstdout:\n{stdout}\nstderr:\n{}",
        wrong.join("\n"),
        support::text(&out.stderr)
    );
    stdout
}

/// Checks every `(what, want)` for each of `who`, and that the run printed
/// no other result lines (so a failed self-exec, "self exec self: -13", or a
/// phase that never ran cannot go unnoticed). Returns stdout.
fn check<S: AsRef<str>>(out: &Output, who: &[&str], table: &[(S, Want)], context: &str) -> String {
    let mut got = results(&support::text(&out.stdout));
    let mut wrong = vec![];
    let forked = got.remove("self forked child status");
    if forked.as_deref() != Some("0") {
        wrong.push(format!("  self forked child status: got {forked:?}, want \"0\""));
    }
    for w in who {
        for (what, want) in table {
            let (key, want) = (format!("{w} {}", what.as_ref()), *want);
            let value = got.remove(&key);
            if !want.accepts(value.as_deref()) {
                wrong.push(format!("  {key}: got {value:?}, want {want:?}"));
            }
        }
    }
    for (key, value) in got {
        wrong.push(format!("  unexpected line {key}: {value}"));
    }
    report(out, wrong, context)
}

/// `check` for a mode that runs once, as "self", without fork and exec.
fn check_single(out: &Output, table: &[(&str, Want)], context: &str) -> String {
    let mut got = results(&support::text(&out.stdout));
    let mut wrong = vec![];
    for &(what, want) in table {
        let key = format!("self {what}");
        let value = got.remove(&key);
        if !want.accepts(value.as_deref()) {
            wrong.push(format!("  {key}: got {value:?}, want {want:?}"));
        }
    }
    for (key, value) in got {
        wrong.push(format!("  unexpected line {key}: {value}"));
    }
    report(out, wrong, context)
}

/// One column of a two-column table: (what, sandboxed, without a policy).
fn column(table: &[(&'static str, Want, Want)], sandboxed: bool) -> Vec<(&'static str, Want)> {
    table.iter().map(|&(what, s, n)| (what, if sandboxed { s } else { n })).collect()
}

// ---------------------------------------------------------------------------
// Files.

/// The scratch tree of the file tests:
///   jail/     --dir: inside.txt, sub/, guest.wasm (the module run)
///   ro/       --ro-dir: ro.txt, module.wasm, victims of the write attempts
///   outside/  nothing granted: secret.txt, module.wasm, victims
///   jailx/    a sibling whose name has the jail's as prefix: secret.txt
struct FsTree {
    root: PathBuf,
    jail: PathBuf,
    ro: PathBuf,
    outside: PathBuf,
    jailx: PathBuf,
    module: PathBuf,
}

fn fs_tree(name: &str) -> FsTree {
    let root = support::scratch(name).canonicalize().unwrap();
    let (jail, ro, outside, jailx) = (root.join("jail"), root.join("ro"), root.join("outside"), root.join("jailx"));
    for dir in [&jail.join("sub"), &ro, &outside, &jailx] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(jail.join("inside.txt"), "inside\n").unwrap();
    std::fs::write(ro.join("ro.txt"), "read only\n").unwrap();
    std::fs::write(outside.join("secret.txt"), "secret\n").unwrap();
    std::fs::write(jailx.join("secret.txt"), "secret\n").unwrap();
    for who in WHO {
        for victim in ["trunc", "unlink", "rename", "steal", "exchange"] {
            std::fs::write(outside.join(format!("{victim}-{who}.txt")), "victim\n").unwrap();
        }
        for victim in ["unlink", "trunc", "rename"] {
            std::fs::write(ro.join(format!("{victim}-{who}.txt")), "victim\n").unwrap();
        }
    }
    let built = support::wasm("sandbox_fs");
    let module = jail.join("guest.wasm");
    for copy in [&module, &outside.join("module.wasm"), &ro.join("module.wasm")] {
        std::fs::copy(&built, copy).unwrap();
    }
    FsTree { root, jail, ro, outside, jailx, module }
}

impl FsTree {
    fn escape_args(&self) -> Vec<String> {
        strings([&"escape", &self.jail, &self.ro, &self.outside])
    }
}

/// Everything under `dir`: each file's content, each symlink's target.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut map = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_dir() {
                todo.push(path.clone());
                "directory".to_owned()
            } else if meta.file_type().is_symlink() {
                format!("symlink to {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_file() {
                format!("file {:?}", String::from_utf8_lossy(&std::fs::read(&path).unwrap()))
            } else {
                "special file".to_owned()
            };
            map.insert(path, what);
        }
    }
    map
}

/// Every file attempt: (what, sandboxed, without a policy).
const FS_TABLE: &[(&str, Want, Want)] = &[
    // Granted: works with the sandbox as without.
    ("read inside", Want::Ok, Want::Ok),
    ("read inside by absolute path", Want::Ok, Want::Ok),
    ("create inside", Want::Ok, Want::Ok),
    ("mkdir inside", Want::Ok, Want::Ok),
    ("rename inside", Want::Ok, Want::Ok),
    ("link inside", Want::Ok, Want::Ok),
    ("unlink inside", Want::Ok, Want::Ok),
    ("symlink inside to inside", Want::Ok, Want::Ok),
    ("read through symlink to inside", Want::Ok, Want::Ok),
    ("read ro", Want::Ok, Want::Ok),
    ("list ro", Want::Ok, Want::Ok),
    ("exec module in ro", Want::Ran, Want::Ran),
    ("write /dev/null", Want::Ok, Want::Ok),
    ("read /dev/zero", Want::Ok, Want::Ok),
    ("read /dev/urandom", Want::Ok, Want::Ok),
    // The read-only directory.
    ("write ro file", DENIED, Want::Ok),
    ("create in ro", DENIED, Want::Ok),
    ("mkdir in ro", DENIED, Want::Ok),
    ("unlink in ro", DENIED, Want::Ok),
    ("truncate in ro", DENIED, Want::Ok),
    ("rename within ro", DENIED, Want::Ok),
    ("symlink in ro", DENIED, Want::Ok),
    // Path spellings that lead out.
    ("read absolute outside", DENIED, Want::Ok),
    ("read ../outside", DENIED, Want::Ok),
    ("read sub/../../outside", DENIED, Want::Ok),
    ("read sibling sharing the jail's name as prefix", DENIED, Want::Ok),
    ("read via /proc/self/root", DENIED, Want::Ok),
    ("read via /proc/self/cwd/..", DENIED, Want::Ok),
    ("list the jail's parent", DENIED, Want::Ok),
    ("list /", DENIED, Want::Ok),
    // Changes outside.
    ("append outside", DENIED, Want::Ok),
    ("create outside", DENIED, Want::Ok),
    ("mkdir outside", DENIED, Want::Ok),
    ("truncate outside", DENIED, Want::Ok),
    ("unlink outside", DENIED, Want::Ok),
    ("rename within outside", DENIED, Want::Ok),
    // Symlinks made inside (allowed) are not followed out.
    ("symlink to outside file", Want::Ok, Want::Ok),
    ("read through symlink to outside file", DENIED, Want::Ok),
    ("append through symlink to outside file", DENIED, Want::Ok),
    ("symlink to outside dir", Want::Ok, Want::Ok),
    ("read through symlink to outside dir", DENIED, Want::Ok),
    ("symlink to /", Want::Ok, Want::Ok),
    ("read through symlink to /", DENIED, Want::Ok),
    // Descriptors of directories above the jail.
    ("openat O_PATH fd of /", DENIED, Want::Ok),
    ("openat O_PATH fd of the jail's parent", DENIED, Want::Ok),
    ("openat jail fd with ../", DENIED, Want::Ok),
    ("chdir / then open relative", DENIED, Want::Ok),
    // Across the boundary.
    ("hard link outside file into jail", Want::Refused, Want::Ok),
    ("linkat through symlink to outside file", Want::Refused, Want::Ok),
    ("rename outside file into jail", Want::Refused, Want::Ok),
    ("rename jail file out", Want::Refused, Want::Ok),
    ("exchange jail file with outside file", Want::Refused, Want::Ok),
    // A module outside is not executed.
    ("exec outside module", DENIED, Want::Ran),
];

/// Runs the escape mode with `flags` and checks the sandboxed column, that
/// nothing outside the jail changed, and that the jail did get the changes
/// made in it.
fn files_are_contained(name: &str, table: &[(&str, Want)], flags: impl FnOnce(&FsTree) -> Vec<String>) {
    let t = fs_tree(name);
    let before: Vec<_> = [&t.outside, &t.ro, &t.jailx].map(|d| snapshot(d)).into();
    let out = lamina_run(&flags(&t), &t.module, &t.escape_args(), &t.jail);
    check(&out, &WHO, table, name);
    let after: Vec<_> = [&t.outside, &t.ro, &t.jailx].map(|d| snapshot(d)).into();
    assert_eq!(after, before, "something outside the jail changed (or the read-only directory)");
    assert_eq!(std::fs::read_to_string(t.outside.join("secret.txt")).unwrap(), "secret\n");
    for who in WHO {
        assert_eq!(std::fs::read_to_string(t.jail.join(format!("dir-{who}/moved.txt"))).unwrap(), "new\n");
        assert!(!t.jail.join(format!("hard-{who}")).exists(), "a hard link to the outside file was made");
        assert!(!t.jail.join(format!("stolen-{who}")).exists(), "an outside file was moved in");
        assert_eq!(std::fs::read_to_string(t.jail.join(format!("swap-{who}.txt"))).unwrap(), "swapped in\n");
    }
}

#[test]
fn files_outside_granted_directories_are_unreachable_by_any_spelling_in_process_child_and_exec() {
    files_are_contained("sandbox-fs", &column(FS_TABLE, true), |t| {
        vec![format!("--dir={}", t.jail.display()), "--ro-dir".into(), t.ro.display().to_string()]
    });
}

#[test]
fn a_policy_file_grants_what_the_flags_do() {
    // The format documented for --policy (TOML, the flags' names as keys).
    files_are_contained("sandbox-policy", &column(FS_TABLE, true), |t| {
        let file = t.root.join("policy.toml");
        let policy =
            format!("dir = [{:?}]\nro-dir = [{:?}]\n", t.jail.display().to_string(), t.ro.display().to_string());
        std::fs::write(&file, policy).unwrap();
        vec!["--policy".into(), file.display().to_string()]
    });
}

#[test]
fn allow_exec_alone_grants_no_file_access() {
    // Any native program may be executed, but that grants no file: the
    // program itself (and what it runs) still reaches only its directories.
    // Whether a *module* outside may then be exec'd is left open.
    let mut table = column(FS_TABLE, true);
    table.iter_mut().filter(|(what, _)| *what == "exec outside module").for_each(|row| row.1 = Want::Any);
    files_are_contained("sandbox-fs-allow-exec", &table, |t| {
        vec![format!("--dir={}", t.jail.display()), format!("--ro-dir={}", t.ro.display()), "--allow-exec".into()]
    });
}

#[test]
fn without_a_policy_the_same_file_escapes_succeed() {
    let t = fs_tree("sandbox-fs-open");
    let out = lamina_run(&[], &t.module, &t.escape_args(), &t.jail);
    check(&out, &WHO, &column(FS_TABLE, false), "without a policy");
    let secret = std::fs::read_to_string(t.outside.join("secret.txt")).unwrap();
    for who in WHO {
        assert!(secret.contains(&format!("pwned by {who}\n")), "{secret}");
        assert!(t.outside.join(format!("created-{who}.txt")).exists());
        assert!(!t.outside.join(format!("unlink-{who}.txt")).exists());
        assert_eq!(std::fs::read_to_string(t.outside.join(format!("trunc-{who}.txt"))).unwrap(), "");
        assert_eq!(std::fs::read_to_string(t.outside.join(format!("exchange-{who}.txt"))).unwrap(), "swapped in\n");
        assert_eq!(std::fs::read_to_string(t.jail.join(format!("hard-{who}"))).unwrap(), secret);
        assert!(t.ro.join(format!("new-{who}.txt")).exists());
    }
    assert!(std::fs::read_to_string(t.ro.join("ro.txt")).unwrap().contains("pwned by self\n"));
}

const DEFAULTS_TABLE: &[(&str, Want, Want)] = &[
    ("write /dev/null", Want::Ok, Want::Ok),
    ("read /dev/zero", Want::Ok, Want::Ok),
    ("read /dev/urandom", Want::Ok, Want::Ok),
    ("read the module itself", Want::Ok, Want::Ok),
    ("read a file in the working directory", DENIED, Want::Ok),
    ("create in the working directory", DENIED, Want::Ok),
    ("list /", DENIED, Want::Ok),
    ("read /etc/passwd", DENIED, Want::Ok),
];

#[test]
fn sandbox_alone_grants_only_the_module_and_the_default_devices() {
    let t = fs_tree("sandbox-defaults");
    let out = lamina_run(&["--sandbox".into()], &t.module, &["defaults".into()], &t.jail);
    check_single(&out, &column(DEFAULTS_TABLE, true), "--sandbox alone");
    assert!(!t.jail.join("created-by-defaults.txt").exists());
    let out = lamina_run(&[], &t.module, &["defaults".into()], &t.jail);
    check_single(&out, &column(DEFAULTS_TABLE, false), "without a policy");
    assert!(t.jail.join("created-by-defaults.txt").exists());
}

/// `--dir HOST::GUEST` with another guest path: the guest has a file system
/// of its own (a private mount namespace) where the directory is at GUEST
/// and not at HOST, in a forked child and after exec too; nothing is made
/// at GUEST on the host. The same directory at its own path is found there.
#[test]
fn a_dir_mapped_at_another_guest_path_is_found_there_and_only_there() {
    let t = fs_tree("sandbox-mapped");
    let guest = "/lamina-sandbox-test-mapped/data";
    assert!(!Path::new(guest).exists());
    let table = |host_path: Want| {
        [
            ("read mapped file", Want::Ok),
            ("create mapped file", Want::Ok),
            ("read at the host path", host_path),
            ("list /", DENIED),
            ("exec module at the guest path", Want::Ran),
        ]
    };
    let args = strings([&"mapped", &guest, &t.jail]);
    let out = lamina_run(&[format!("--dir={}::{guest}", t.jail.display())], &t.module, &args, &t.root);
    check(&out, &WHO, &table(Want::Errno(ENOENT)), "--dir HOST::GUEST");
    for who in WHO {
        let written = t.jail.join(format!("written-{who}.txt"));
        assert_eq!(std::fs::read_to_string(&written).unwrap_or_default(), "via mapping\n", "{}", written.display());
    }
    assert!(!Path::new(guest).parent().unwrap().exists(), "the guest path must not be made on the host");
    // The same directory at its own path.
    let own = format!("--dir={}::{}", t.jail.display(), t.jail.display());
    let out = lamina_run(&[own], &t.module, &strings([&"mapped", &t.jail, &t.jail]), &t.root);
    check(&out, &WHO, &table(Want::Ok), "--dir HOST::HOST");
    // Without privileges (a user namespace of its own makes the view), as
    // `nobody` when the tests run as root.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        use std::os::unix::fs::PermissionsExt;
        let t = fs_tree("sandbox-mapped-unprivileged");
        std::fs::set_permissions(&t.jail, std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut cmd = support::lamina();
        cmd.args(["run", "--no-cache"]).arg(format!("--dir={}::{guest}", t.jail.display())).arg(&t.module);
        cmd.args(strings([&"mapped", &guest, &t.jail])).current_dir(&t.root).uid(65534).gid(65534);
        let out = support::run_bounded(cmd, TIMEOUT);
        check(&out, &WHO, &table(Want::Errno(ENOENT)), "--dir HOST::GUEST as nobody");
        let written = t.jail.join("written-exec.txt");
        assert_eq!(std::fs::metadata(&written).map(|m| std::os::unix::fs::MetadataExt::uid(&m)).ok(), Some(65534));
    }
}

/// What cannot be mapped is refused before the guest starts, saying why:
/// a relative or `..` guest path, and `/`.
#[test]
fn a_guest_path_that_cannot_be_mapped_is_refused_clearly() {
    let t = fs_tree("sandbox-mapped-bad");
    for (guest, why) in [("data", "must be absolute"), ("/a/../b", "must be absolute"), ("/", "at / is not supported")]
    {
        let flag = format!("--dir={}::{guest}", t.jail.display());
        let out = lamina_run(&[flag], &t.module, &strings([&"mapped", &guest, &t.jail]), &t.root);
        let stderr = support::text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{guest}: {stderr}");
        assert!(stderr.contains(why), "{guest}: {stderr}");
        assert!(out.stdout.is_empty(), "{guest}: the guest must not run");
    }
}

// ---------------------------------------------------------------------------
// Network.

/// What the network attempts aim at: listeners and receivers on 127.0.0.1
/// and named Unix sockets in the jail and outside, all non-blocking so that
/// counting what arrived never waits.
struct NetRig {
    root: PathBuf,
    jail: PathBuf,
    outside: PathBuf,
    module: PathBuf,
    tcp_ok: TcpListener,
    tcp_denied: TcpListener,
    bind_ok: u16,
    bind_denied: u16,
    udp_ok: UdpSocket,
    udp_denied: UdpSocket,
    unix_ok: UnixListener,
    unix_denied: UnixListener,
    dgram_denied: UnixDatagram,
}

fn tcp_listener() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

fn udp_receiver() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_nonblocking(true).unwrap();
    s
}

/// A port nothing listens on (found by binding port 0 and letting go).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn net_rig(name: &str) -> NetRig {
    let root = support::scratch(name).canonicalize().unwrap();
    let (jail, outside) = (root.join("jail"), root.join("outside"));
    std::fs::create_dir_all(&jail).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let module = jail.join("guest.wasm");
    std::fs::copy(support::wasm("sandbox_net"), &module).unwrap();
    let unix_ok = UnixListener::bind(jail.join("ok.sock")).unwrap();
    let unix_denied = UnixListener::bind(outside.join("denied.sock")).unwrap();
    let dgram_denied = UnixDatagram::bind(outside.join("dgram.sock")).unwrap();
    unix_ok.set_nonblocking(true).unwrap();
    unix_denied.set_nonblocking(true).unwrap();
    dgram_denied.set_nonblocking(true).unwrap();
    NetRig {
        root,
        jail,
        outside,
        module,
        tcp_ok: tcp_listener(),
        tcp_denied: tcp_listener(),
        bind_ok: free_port(),
        bind_denied: free_port(),
        udp_ok: udp_receiver(),
        udp_denied: udp_receiver(),
        unix_ok,
        unix_denied,
        dgram_denied,
    }
}

fn port_of(l: &TcpListener) -> u16 {
    l.local_addr().unwrap().port()
}

/// What arrived where, after the run.
#[derive(Debug, PartialEq, Eq)]
struct Arrived {
    tcp_ok: usize,
    tcp_denied: usize,
    udp_ok: usize,
    udp_denied: usize,
    unix_ok: usize,
    unix_denied: usize,
    dgram_denied: usize,
    bound_outside: usize,
}

/// Calls `f` until it would block; how often it succeeded.
fn drain<T>(mut f: impl FnMut() -> std::io::Result<T>) -> usize {
    let mut n = 0;
    loop {
        match f() {
            Ok(_) => n += 1,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return n,
            Err(e) => panic!("{e}"),
        }
    }
}

impl NetRig {
    fn args(&self) -> Vec<String> {
        let (uo, ud) = (self.udp_ok.local_addr().unwrap().port(), self.udp_denied.local_addr().unwrap().port());
        strings([
            &"net",
            &port_of(&self.tcp_ok).to_string(),
            &port_of(&self.tcp_denied).to_string(),
            &self.bind_ok.to_string(),
            &self.bind_denied.to_string(),
            &uo.to_string(),
            &ud.to_string(),
            &self.jail.join("ok.sock"),
            &self.outside.join("denied.sock"),
            &self.outside.join("dgram.sock"),
            &self.outside,
        ])
    }

    /// `--allow-net=` with the listed TCP listener, bind port and UDP receiver.
    fn allow_list(&self) -> String {
        let udp = self.udp_ok.local_addr().unwrap().port();
        format!("--allow-net=127.0.0.1:{},127.0.0.1:{},127.0.0.1:{udp}", port_of(&self.tcp_ok), self.bind_ok)
    }

    fn run(&self, flags: &[String]) -> Output {
        lamina_run(flags, &self.module, &self.args(), &self.jail)
    }

    fn arrived(&self) -> Arrived {
        let mut buf = [0u8; 64];
        let bound_outside = std::fs::read_dir(&self.outside)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("bound-"))
            .count();
        Arrived {
            tcp_ok: drain(|| self.tcp_ok.accept()),
            tcp_denied: drain(|| self.tcp_denied.accept()),
            udp_ok: drain(|| self.udp_ok.recv(&mut buf)),
            udp_denied: drain(|| self.udp_denied.recv(&mut buf)),
            unix_ok: drain(|| self.unix_ok.accept()),
            unix_denied: drain(|| self.unix_denied.accept()),
            dgram_denied: drain(|| self.dgram_denied.recv(&mut buf)),
            bound_outside,
        }
    }
}

/// Every network attempt: (what, with `--dir jail` and the allow list,
/// without a policy). Packet and raw sockets without a policy depend on
/// privileges: compared with a native run instead.
const NET_TABLE: &[(&str, Want, Want)] = &[
    ("tcp connect listed", Want::Ok, Want::Ok),
    ("tcp connect unlisted port", DENIED, Want::Ok),
    ("tcp connect listed port at another address", DENIED, Want::Errno(ECONNREFUSED)),
    ("tcp bind listed", Want::Ok, Want::Ok),
    ("tcp bind unlisted", DENIED, Want::Ok),
    ("udp sendto listed", Want::Ok, Want::Ok),
    ("udp sendto unlisted", DENIED, Want::Ok),
    ("udp connect unlisted", DENIED, Want::Ok),
    ("udp sendmsg unlisted", DENIED, Want::Ok),
    ("udp bind unlisted", DENIED, Want::Ok),
    ("netlink socket", DENIED, Want::Ok),
    ("packet socket", DENIED, Want::Any),
    ("raw socket", DENIED, Want::Any),
    ("unix connect inside", Want::Ok, Want::Ok),
    ("unix connect outside", DENIED, Want::Ok),
    ("unix sendto outside", DENIED, Want::Ok),
    ("unix bind outside", DENIED, Want::Ok),
];

#[test]
fn network_reaches_only_listed_addresses_in_process_child_and_exec() {
    let rig = net_rig("sandbox-net");
    let out = rig.run(&[format!("--dir={}", rig.jail.display()), rig.allow_list()]);
    let out = check(&out, &WHO, &column(NET_TABLE, true), "--allow-net=LIST");
    let want = Arrived {
        tcp_ok: 3,
        tcp_denied: 0,
        udp_ok: 3,
        udp_denied: 0,
        unix_ok: 3,
        unix_denied: 0,
        dgram_denied: 0,
        bound_outside: 0,
    };
    assert_eq!(rig.arrived(), want, "{out}");
}

#[test]
fn without_a_policy_the_same_network_attempts_succeed() {
    let rig = net_rig("sandbox-net-open");
    let out = rig.run(&[]);
    let out = check(&out, &WHO, &column(NET_TABLE, false), "without a policy");
    // Two datagrams per process to the unlisted receiver (sendto, sendmsg).
    let want = Arrived {
        tcp_ok: 3,
        tcp_denied: 3,
        udp_ok: 3,
        udp_denied: 6,
        unix_ok: 3,
        unix_denied: 3,
        dgram_denied: 3,
        bound_outside: 3,
    };
    assert_eq!(rig.arrived(), want, "{out}");
    // Packet and raw sockets: whatever this user gets natively.
    let native = support::run_native_in(&support::native("sandbox_net"), &["families"], &rig.root);
    let native = results(&support::text(&native.stdout));
    let lamina = results(&out);
    for what in ["packet socket", "raw socket"] {
        let key = format!("self {what}");
        assert_eq!(lamina.get(&key), native.get(&key), "{what}: lamina without a policy vs native");
    }
}

#[test]
fn allow_net_alone_allows_every_tcp_and_udp_address_but_not_other_families() {
    let rig = net_rig("sandbox-net-all");
    let out = rig.run(&[format!("--dir={}", rig.jail.display()), "--allow-net".into()]);
    let table: Vec<_> = NET_TABLE
        .iter()
        .map(|&(what, sandboxed, open)| {
            let ip = what.starts_with("tcp ") || what.starts_with("udp ");
            (what, if ip { open } else { sandboxed })
        })
        .collect();
    let out = check(&out, &WHO, &table, "--allow-net (all)");
    let a = rig.arrived();
    assert_eq!((a.tcp_denied, a.udp_denied, a.unix_denied, a.dgram_denied, a.bound_outside), (3, 6, 0, 0, 0), "{out}");
}

#[test]
fn sandbox_alone_denies_every_network_address() {
    let rig = net_rig("sandbox-net-none");
    let out = rig.run(&["--sandbox".into()]);
    // Nothing is listed and no directory granted: every attempt is refused.
    let table: Vec<_> = NET_TABLE.iter().map(|&(what, _, _)| (what, DENIED)).collect();
    let out = check(&out, &WHO, &table, "--sandbox alone");
    let nothing = Arrived {
        tcp_ok: 0,
        tcp_denied: 0,
        udp_ok: 0,
        udp_denied: 0,
        unix_ok: 0,
        unix_denied: 0,
        dgram_denied: 0,
        bound_outside: 0,
    };
    assert_eq!(rig.arrived(), nothing, "{out}");
}

// ---------------------------------------------------------------------------
// Processes.

/// A process outside the sandbox (its own process group), killed and reaped
/// when the test ends whatever happens.
struct Victim(Child);

impl Victim {
    fn start() -> Victim {
        let child = Command::new("sleep").arg("60").process_group(0).stdin(Stdio::null()).spawn().unwrap();
        Victim(child)
    }
    fn pid(&self) -> String {
        self.0.id().to_string()
    }
}

impl Drop for Victim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A jail holding the sandbox_proc module, and a secret file outside it.
fn proc_tree(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = support::scratch(name).canonicalize().unwrap();
    let jail = root.join("jail");
    std::fs::create_dir_all(&jail).unwrap();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    let secret = root.join("outside/secret.txt");
    std::fs::write(&secret, "secret-contents\n").unwrap();
    let module = jail.join("guest.wasm");
    std::fs::copy(support::wasm("sandbox_proc"), &module).unwrap();
    (jail, module, secret)
}

const SIGNALS_TABLE: &[(&str, Want, Want)] = &[
    // Without a policy only the first succeeds: the victim is gone after.
    ("prlimit victim", Want::Errno(EPERM), Want::Any),
    ("prlimit own process", Want::Ok, Want::Ok),
    ("setpriority victim", Want::Errno(EPERM), Want::Any),
    ("ioprio_set victim", Want::Errno(EPERM), Want::Any),
    ("sched_setaffinity victim", Want::Errno(EPERM), Want::Any),
    // A descriptor for the victim is harmless; what it reaches is checked.
    ("pidfd_open victim", Want::Ok, Want::Ok),
    ("pidfd_send_signal victim", Want::Errno(EPERM), Want::Ok),
    ("pidfd_getfd victim", Want::Errno(EPERM), Want::Any),
    ("kill victim", Want::Errno(EPERM), Want::Ok),
    ("kill victim's process group", Want::Errno(EPERM), Want::Ok),
    ("sigqueue victim", Want::Errno(EPERM), Want::Ok),
    ("kill own child", Want::Ok, Want::Ok),
    ("own child", Want::Text("killed by 15"), Want::Text("killed by 15")),
    ("exec'd child signals its parent", Want::Ok, Want::Ok),
    ("exec'd child", Want::Text("exited 0"), Want::Text("exited 0")),
];

#[test]
fn signals_reach_only_the_program_and_its_descendants() {
    let (jail, module, _) = proc_tree("sandbox-signals");
    let mut victim = Victim::start();
    let out = lamina_run(&[format!("--dir={}", jail.display())], &module, &["signals".into(), victim.pid()], &jail);
    check(&out, &WHO, &column(SIGNALS_TABLE, true), "sandboxed signals");
    assert!(victim.0.try_wait().unwrap().is_none(), "the victim was killed from the sandbox");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", victim.pid())).unwrap();
    let files = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    assert!(!files.split_whitespace().any(|w| w == "64"), "the victim's limits changed: {files}");
    assert_eq!(nice_of(&victim.pid()), nice_of("self"), "the victim's priority changed");
}

/// A process's nice value, from `/proc/PID/stat`.
fn nice_of(pid: &str) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command's closing parenthesis: state is field 3, nice field 19.
    stat.rsplit_once(')').unwrap().1.split_whitespace().nth(16).unwrap().to_owned()
}

#[test]
fn without_a_policy_the_victim_can_be_killed() {
    let (jail, module, _) = proc_tree("sandbox-signals-open");
    let mut victim = Victim::start();
    let out = lamina_run(&[], &module, &["signals".into(), victim.pid()], &jail);
    let stdout = check(&out, &WHO, &column(SIGNALS_TABLE, false), "signals without a policy");
    assert_eq!(results(&stdout).get("self prlimit victim").map(String::as_str), Some("ok"), "{stdout}");
    let status = victim.0.try_wait().unwrap().expect("the victim survived a SIGTERM without a policy");
    assert_eq!(status.signal(), Some(libc::SIGTERM));
}

/// The exec-native mode with `--dir JAIL` and `flags`, or with no policy at
/// all (None), checked against `table`; its stdout.
fn exec_native(name: &str, flags: Option<&[&str]>, table: &[(String, Want)]) -> String {
    exec_native_at(name, flags, None, table)
}

/// As `exec_native`, the directory granted at `guest_path` if given (the
/// guest then has a file system of its own).
fn exec_native_at(name: &str, flags: Option<&[&str]>, guest_path: Option<&str>, table: &[(String, Want)]) -> String {
    let (jail, module, secret) = proc_tree(name);
    let dir = match guest_path {
        Some(path) => format!("--dir={}::{path}", jail.display()),
        None => format!("--dir={}", jail.display()),
    };
    let all: Vec<String> = match flags {
        Some(flags) => std::iter::once(dir).chain(flags.iter().map(|f| f.to_string())).collect(),
        None => vec![],
    };
    let out = lamina_run(&all, &module, &strings([&"exec-native", &secret]), &jail);
    check(&out, &WHO, table, &format!("exec-native {all:?}"))
}

/// The lines of one native exec: its failure line (printed only when the
/// exec fails) and its status line.
fn exec_rows(what: &str, failed: Want, status: Want) -> [(String, Want); 2] {
    [(what.to_owned(), failed), (format!("{what} status"), status)]
}

fn exec_table(rows: [[(String, Want); 2]; 4]) -> Vec<(String, Want)> {
    rows.into_iter().flatten().collect()
}

const CAT: &str = "exec /bin/cat outside file";
/// The dynamic loader runs the ELF file it is given: never allowed under a
/// sandbox, even when it must be executable for the listed programs.
const LOADER: &str = "exec the loader /bin/false";

#[test]
fn native_programs_are_not_executed_without_allow_exec() {
    let refused = Want::Text("exited 127");
    let table = exec_table([
        exec_rows("exec /bin/true", DENIED, refused),
        exec_rows("exec /bin/false", DENIED, refused),
        exec_rows(CAT, DENIED, refused),
        exec_rows(LOADER, DENIED, refused),
    ]);
    let out = exec_native("sandbox-exec-none", Some(&[]), &table);
    assert!(!out.contains("secret-contents"), "{out}");
}

#[test]
fn allow_exec_lists_the_native_programs_that_may_run_and_they_stay_contained() {
    let table = exec_table([
        exec_rows("exec /bin/true", Want::Absent, Want::Text("exited 0")),
        exec_rows("exec /bin/false", DENIED, Want::Text("exited 127")),
        // cat runs, under the same sandbox: the file outside is refused.
        exec_rows(CAT, Want::Absent, Want::Text("exited 1")),
        exec_rows(LOADER, DENIED, Want::Text("exited 127")),
    ]);
    let out = exec_native("sandbox-exec-listed", Some(&["--allow-exec=/bin/true,/bin/cat"]), &table);
    assert!(!out.contains("secret-contents"), "an allowed native program read outside the sandbox:\n{out}");
}

#[test]
fn listed_native_programs_run_in_the_guests_own_view_with_their_loader_and_libraries() {
    // Only what is granted is in the view: /bin/false is not there at all.
    let missing = Want::Errno(ENOENT);
    let table = exec_table([
        exec_rows("exec /bin/true", Want::Absent, Want::Text("exited 0")),
        exec_rows("exec /bin/false", missing, Want::Text("exited 127")),
        exec_rows(CAT, Want::Absent, Want::Text("exited 1")),
        exec_rows(LOADER, DENIED, Want::Text("exited 127")),
    ]);
    let out = exec_native_at("sandbox-exec-view", Some(&["--allow-exec=/bin/true,/bin/cat"]), Some("/data"), &table);
    assert!(!out.contains("secret-contents"), "{out}");
}

#[test]
fn allow_exec_alone_allows_every_native_program_still_contained() {
    let table = exec_table([
        exec_rows("exec /bin/true", Want::Absent, Want::Text("exited 0")),
        exec_rows("exec /bin/false", Want::Absent, Want::Text("exited 1")),
        exec_rows(CAT, Want::Absent, Want::Text("exited 1")),
        exec_rows(LOADER, DENIED, Want::Text("exited 127")),
    ]);
    let out = exec_native("sandbox-exec-all", Some(&["--allow-exec"]), &table);
    assert!(!out.contains("secret-contents"), "{out}");
}

#[test]
fn without_a_policy_native_programs_run_and_read_anything() {
    let table = exec_table([
        exec_rows("exec /bin/true", Want::Absent, Want::Text("exited 0")),
        exec_rows("exec /bin/false", Want::Absent, Want::Text("exited 1")),
        exec_rows(CAT, Want::Absent, Want::Text("exited 0")),
        exec_rows(LOADER, Want::Absent, Want::Text("exited 1")),
    ]);
    let out = exec_native("sandbox-exec-open", None, &table);
    assert_eq!(out.matches("secret-contents\n").count(), 3, "{out}");
}

// ---------------------------------------------------------------------------
// Resource limits.

fn limits(flags: &[&str], args: &[&str]) -> String {
    let flags: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let dir = support::scratch("sandbox-limits");
    let out = lamina_run(&flags, &support::wasm("sandbox_limits"), &args, &dir);
    stdout_of_success(&out, &format!("{flags:?} {args:?}"))
}

/// "WHAT: N MiB then TAIL" → (N, TAIL), or (N, "(cap)").
fn mib(out: &str, what: &str) -> (u64, String) {
    let line = out.lines().find_map(|l| l.strip_prefix(&format!("{what}: "))).unwrap_or_else(|| panic!("{out}"));
    let (n, rest) = line.split_once(" MiB").unwrap();
    (n.parse().unwrap(), rest.trim().trim_start_matches("then ").to_owned())
}

/// With a 64 MiB limit: some memory (the module itself takes a little), less
/// than 64 MiB, and then the failure; without: all 256 MiB asked for.
fn memory_limited(mode: &str, failure: &str) {
    for flags in [&["--max-memory=64M"][..], &["--sandbox", "--max-memory=64M"]] {
        let out = limits(flags, &[mode, "256"]);
        let (n, tail) = mib(&out, if mode == "grow" { "memory.grow" } else { mode });
        assert!((32..64).contains(&n) && tail == failure, "{flags:?}: {out}");
    }
    let out = limits(&[], &[mode, "256"]);
    assert_eq!(mib(&out, if mode == "grow" { "memory.grow" } else { mode }), (256, "(cap)".into()), "{out}");
}

#[test]
fn max_memory_makes_mmap_fail_with_enomem() {
    memory_limited("mmap", "-12");
}

#[test]
fn max_memory_makes_memory_grow_fail() {
    memory_limited("grow", "-1");
}

#[test]
fn max_memory_stops_brk() {
    memory_limited("brk", "stuck");
}

#[test]
fn max_threads_limits_live_threads_main_included() {
    let out = limits(&["--max-threads=4"], &["threads", "16"]);
    let first = out.lines().next().unwrap_or_default();
    // Main plus three: the fourth spawn fails (musl turns that into EAGAIN).
    let failed = first.strip_prefix("threads: 3 spawned, then -").unwrap_or_else(|| panic!("{out}"));
    assert!(failed.parse::<u32>().is_ok(), "{out}");
    assert!(out.contains("threads: spawn after join: ok\n"), "a joined thread must free its place:\n{out}");
    let out = limits(&[], &["threads", "16"]);
    assert_eq!(out, "threads: 16 spawned (cap)\nthreads: spawn after join: ok\n");
}

#[test]
fn max_cpu_ends_a_busy_loop_with_sigxcpu() {
    let mut cmd = support::lamina();
    cmd.arg("run").arg("--max-cpu=1").arg(support::wasm("sandbox_limits")).arg("burn");
    cmd.current_dir(support::scratch("sandbox-cpu"));
    let start = Instant::now();
    let out = support::run_bounded(cmd, TIMEOUT);
    let signal = out.status.signal();
    assert!(
        signal == Some(libc::SIGXCPU) || signal == Some(libc::SIGKILL),
        "want death by SIGXCPU (or the SIGKILL after it), got {:?}\n{}",
        out.status,
        support::text(&out.stderr)
    );
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
}

#[test]
fn without_max_cpu_the_same_loop_runs_past_a_second() {
    let out = limits(&[], &["burn-ms", "1500"]);
    assert_eq!(out, "burned\n");
}
