//! The shim under a real containerd: each test starts a private containerd
//! (root, state, socket and configuration in a temporary directory; the
//! shim found on its PATH; the shim's host files given by its environment),
//! imports an image of a C guest built with `lamina cc` and packaged by
//! `tools/oci_image.py`, runs it with
//! `ctr run --runtime io.containerd.lamina.v1` and checks what came out;
//! then stops containerd. Every wait is bounded.
//!
//! Containers need root: as another user the test says so and checks nothing
//! else (as the binfmt test does).

use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const RUNTIME: &str = "io.containerd.lamina.v1";
const IMAGE: &str = "docker.io/lamina/greet:test";
/// The policy a test image carries (`oci_image.py --policy`): the program may
/// read /data.
const IMAGE_POLICY: &str = "ro-dir = [\"/data\"]\n";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// What a command printed and how it ended.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn code(&self) -> i32 {
        self.status.code().unwrap_or_else(|| 128 + self.status.signal().unwrap_or(0))
    }
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n--- stdout\n{}--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}

/// Runs `cmd`, killing it (and failing) after `limit`.
fn run_capped(mut cmd: Command, limit: Duration) -> Ran {
    let what = format!("{cmd:?}");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let status = wait_capped(&mut child, limit).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{what} did not end within {limit:?}");
    });
    Ran { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

fn wait_capped(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A containerd of the test's own, stopped (and its files removed) on drop.
struct Containerd {
    dir: PathBuf,
    daemon: Child,
    /// The namespace of the test's containers; the library keeps youki's state
    /// in /run/containerd/lamina/NAMESPACE, and containerd the containers'
    /// cgroups in /sys/fs/cgroup/*/NAMESPACE, so it is unique to this run.
    namespace: String,
}

impl Containerd {
    /// Starts containerd `name` (unique in this test run), whose shims get
    /// `shim_env` (the shim reads its configuration from its environment,
    /// containerd's own).
    fn start(name: &str, shim_env: &[(&str, &Path)]) -> Containerd {
        let shim = Path::new(env!("CARGO_BIN_EXE_containerd-shim-lamina-v1"));
        let dir = std::env::temp_dir().join(format!("lamina-containerd-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        // containerd runs runtime io.containerd.lamina.v1 as the binary
        // containerd-shim-lamina-v1 on its PATH.
        std::os::unix::fs::symlink(shim, bin.join("containerd-shim-lamina-v1")).unwrap();
        let config = dir.join("config.toml");
        let d = dir.display();
        std::fs::write(
            &config,
            format!(
                "version = 2\nroot = \"{d}/root\"\nstate = \"{d}/state\"\n\
                 disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n\
                 [grpc]\n  address = \"{d}/containerd.sock\"\n\
                 [ttrpc]\n  address = \"{d}/containerd.sock.ttrpc\"\n\
                 [plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"{d}/opt\"\n"
            ),
        )
        .unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let log = std::fs::File::create(dir.join("containerd.log")).unwrap();
        let mut command = Command::new("containerd");
        command.env_remove("LAMINA_SHIM_POLICY").env_remove("LAMINA_SHIM_CACHE_DIR");
        for (var, value) in shim_env {
            command.env(var, value);
        }
        let daemon = command
            .arg("--config")
            .arg(&config)
            .env("PATH", path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("cannot start containerd (scripts/setup.sh installs it)");
        let namespace = format!("lamina-test-{}-{name}", std::process::id());
        let mut containerd = Containerd { dir, daemon, namespace };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !containerd.ctr(&["version"]).status.success() {
            if let Some(status) = containerd.daemon.try_wait().unwrap() {
                panic!("containerd ended ({status}):\n{}", containerd.log());
            }
            assert!(Instant::now() < deadline, "containerd did not answer within 30 s:\n{}", containerd.log());
            std::thread::sleep(Duration::from_millis(200));
        }
        containerd
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("containerd.log")).unwrap_or_default()
    }

    fn ctr_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("ctr");
        cmd.arg("--address").arg(self.dir.join("containerd.sock")).args(["--namespace", &self.namespace]).args(args);
        cmd
    }

    fn import(&self, tarball: &Path) {
        let imported = self.ctr(&["image", "import", "--all-platforms", tarball.to_str().unwrap()]);
        assert!(imported.status.success(), "import: {imported:?}");
    }

    fn ctr(&self, args: &[&str]) -> Ran {
        run_capped(self.ctr_command(args), Duration::from_secs(60))
    }

    /// `ctr run` of the image as container `id`, with `options` before the
    /// image and `args` (the whole process argv, entrypoint included) after.
    fn run_command(&self, id: &str, options: &[&str], args: &[&str]) -> Command {
        let mut line = vec!["run", "--rm", "--runtime", RUNTIME, "--platform", "wasip1/wasm"];
        line.extend(options);
        line.extend([IMAGE, id]);
        line.extend(args);
        self.ctr_command(&line)
    }

    fn run(&self, id: &str, options: &[&str], args: &[&str]) -> Ran {
        run_capped(self.run_command(id, options, args), Duration::from_secs(60))
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        // Containers left by a failed check go first, with their shims.
        let tasks = self.ctr(&["task", "list", "--quiet"]);
        for id in tasks.stdout.lines().filter(|l| !l.is_empty()) {
            self.ctr(&["task", "kill", "--signal", "SIGKILL", id]);
            self.ctr(&["task", "delete", "--force", id]);
        }
        let containers = self.ctr(&["container", "list", "--quiet"]);
        for id in containers.stdout.lines().filter(|l| !l.is_empty()) {
            self.ctr(&["container", "delete", id]);
        }
        // SAFETY: a signal to the daemon this test started.
        unsafe { libc::kill(self.daemon.id() as i32, libc::SIGTERM) };
        if wait_capped(&mut self.daemon, Duration::from_secs(20)).is_none() {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
        let _ = std::fs::remove_dir_all(Path::new("/run/containerd/lamina").join(&self.namespace));
        // The containers' cgroups are gone; their parents are empty.
        for controller in std::fs::read_dir("/sys/fs/cgroup").into_iter().flatten().flatten() {
            let _ = std::fs::remove_dir(controller.path().join(&self.namespace));
        }
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Runs `command`, which must succeed, within two minutes.
fn succeed(command: Command) {
    let ran = run_capped(command, Duration::from_secs(120));
    assert!(ran.status.success(), "{ran:?}");
}

/// The test's programs, built in `dir`: greet.wasm with `lamina cc`, and
/// hello.c both as a static native program and as a WASI one.
struct Programs {
    greet: PathBuf,
    hello_native: PathBuf,
    hello_wasi: PathBuf,
}

fn build_programs(dir: &Path) -> Programs {
    let guests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests");
    let programs =
        Programs { greet: dir.join("greet.wasm"), hello_native: dir.join("hello"), hello_wasi: dir.join("hello.wasm") };
    let mut cc = Command::new(repo().join("build/bin/lamina-cc"));
    cc.args(["-O2", "-o"]).arg(&programs.greet).arg(guests.join("greet.c"));
    succeed(cc);
    let mut gcc = Command::new("gcc");
    gcc.args(["-static", "-O2", "-o"]).arg(&programs.hello_native).arg(guests.join("hello.c"));
    succeed(gcc);
    // Debian's wasi-libc, found by clang through this triple.
    let mut clang = Command::new("clang-22");
    clang
        .args(["--target=wasm32-wasi", "-Wno-deprecated", "-O2", "-o"])
        .arg(&programs.hello_wasi)
        .arg(guests.join("hello.c"));
    succeed(clang);
    programs
}

/// Packages greet.wasm as the image's entrypoint, with /data/note.txt, the
/// two hello programs in /app and /secret/key.txt, and `extra` arguments of
/// the tool; returns the tarball.
fn image(dir: &Path, programs: &Programs, extra: &[&str]) -> PathBuf {
    let note = dir.join("note.txt");
    std::fs::write(&note, "a data file\n").unwrap();
    let key = dir.join("key.txt");
    std::fs::write(&key, "the key\n").unwrap();
    let tarball = dir.join("greet.tar");
    let mut tool = Command::new("python3");
    tool.arg(repo().join("tools/oci_image.py")).arg(&programs.greet).arg("-o").arg(&tarball).args([
        "--name",
        IMAGE,
        "--path",
        "/app/greet.wasm",
        "--workdir",
        "/data",
    ]);
    for (host, guest) in [
        (&note, "/data/note.txt"),
        (&key, "/secret/key.txt"),
        (&programs.hello_native, "/app/hello"),
        (&programs.hello_wasi, "/app/hello.wasm"),
    ] {
        tool.arg("--file").arg(format!("{}:{guest}", host.display()));
    }
    tool.args(["--env", "GREETING=hello from the image", "--arg", "default"]).args(extra);
    succeed(tool);
    tarball
}

/// A fresh scratch directory for test `name`, if containers can be made
/// here (as root only; another user's run says so and checks nothing, as
/// the binfmt test does).
fn scratch_dir(name: &str) -> Option<PathBuf> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("containerd: not root, containers cannot be created here");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("lamina-containerd-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// The compile cache's artifacts: (name, inode) of each.
fn artifacts(cache: &Path) -> Vec<(String, u64)> {
    let mut found: Vec<(String, u64)> = std::fs::read_dir(cache)
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().ino()))
        .filter(|(name, _)| name.ends_with(".cwasm"))
        .collect();
    found.sort();
    found
}

#[test]
fn wali_programs_run_under_containerd() {
    let Some(scratch) = scratch_dir("programs") else { return };
    let cache = scratch.join("cache");
    let containerd = Containerd::start("main", &[("LAMINA_SHIM_CACHE_DIR", &cache)]);
    let programs = build_programs(&scratch);
    let tarball = image(&scratch, &programs, &[]);
    containerd.import(&tarball);

    // The image's entrypoint, default arguments, environment and working
    // directory; both output streams; status 0.
    let ran = containerd.run("greet-default", &[], &[]);
    assert_eq!(ran.code(), 0, "{ran:?}\n{}", containerd.log());
    assert_eq!(ran.stdout, "argv: /app/greet.wasm default\nGREETING=hello from the image\ncwd=/data\n", "{ran:?}");
    assert_eq!(ran.stderr, "greet: to stderr\n", "{ran:?}");

    // The module was compiled into the shim's cache on the host (the
    // container's root has none): one artifact.
    let cached = artifacts(&cache);
    assert_eq!(cached.len(), 1, "{cached:?}");

    // The host's files the shim handed Lamina (the cache directory, the WASI
    // layer) were closed before the guest started: it has its stdio only.
    let ran = containerd.run("greet-fds", &[], &["/app/greet.wasm", "fds"]);
    assert_eq!(ran.code(), 0, "{ran:?}");
    assert!(ran.stdout.ends_with("fds: 0 1 2\n"), "{ran:?}");

    // Arguments and environment given to `ctr run`, and the exit status.
    let ran = containerd.run("greet-exit", &["--env", "GREETING=from ctr"], &["/app/greet.wasm", "exit", "3"]);
    assert_eq!(ran.code(), 3, "{ran:?}");
    assert_eq!(ran.stdout, "argv: /app/greet.wasm exit 3\nGREETING=from ctr\ncwd=/data\n", "{ran:?}");

    // The second start of the module used the cached artifact: a compilation
    // would have replaced the file (a new inode).
    assert_eq!(artifacts(&cache), cached, "the second start compiled the module again");

    // A trap ends the container as a native SIGILL would: 128 + 4, with
    // Lamina's report on its stderr.
    let ran = containerd.run("greet-trap", &[], &["/app/greet.wasm", "trap"]);
    assert_eq!(ran.code(), 128 + libc::SIGILL, "{ran:?}");
    assert!(ran.stderr.starts_with("greet: to stderr\nlamina: "), "{ran:?}");
    assert!(ran.stderr.contains("unreachable"), "{ran:?}");

    // A guest forks inside its container (Lamina's fork is the kernel's): the
    // child is the container's second process, the parent its first (pid 1).
    let ran = containerd.run("greet-fork", &[], &["/app/greet.wasm", "fork"]);
    assert_eq!(ran.code(), 0, "{ran:?}");
    assert!(ran.stdout.contains("child: parent is 1\nparent: pid 1, child exited 5\n"), "{ran:?}");

    // A forked child executes a module inside the container: the shim's
    // binary executes itself as Lamina there.
    let ran = containerd.run("greet-exec", &[], &["/app/greet.wasm", "exec"]);
    assert_eq!(ran.code(), 0, "{ran:?}");
    assert!(ran.stdout.contains("argv: again exit 7\nGREETING=hello from the image\ncwd=/data\n"), "{ran:?}");
    assert!(ran.stdout.ends_with("parent: exec child exited 7\n"), "{ran:?}");

    // `--memory-limit` is the container's cgroup's: the guest's memory counts
    // (128 MiB: 32 MiB fit beside the runtime, 256 MiB do not and the kernel
    // kills the container, 128 + 9, as a native one).
    let limit = ["--memory-limit", "134217728"];
    let ran = containerd.run("greet-fits", &limit, &["/app/greet.wasm", "touch", "32"]);
    assert_eq!((ran.code(), ran.stdout.ends_with("touched 32 MiB\n")), (0, true), "{ran:?}");
    let ran = containerd.run("greet-oom", &limit, &["/app/greet.wasm", "touch", "256"]);
    assert_eq!(ran.code(), 128 + libc::SIGKILL, "{ran:?}");
    assert!(!ran.stdout.contains("touched"), "{ran:?}");

    // A WASI program runs through Lamina's WASI layer, which the shim opened
    // on the host.
    let ran = containerd.run("hello-wasi", &[], &["/app/hello.wasm", "wasi"]);
    assert_eq!((ran.code(), ran.stdout.as_str()), (0, "hello from wasi\n"), "{ran:?}");

    // A native entrypoint runs as a normal container.
    let ran = containerd.run("hello-native", &[], &["/app/hello", "native"]);
    assert_eq!((ran.code(), ran.stdout.as_str()), (0, "hello from native\n"), "{ran:?}");

    // SIGKILL from `ctr task kill` ends a running guest: 128 + 9.
    let mut sleeper = waiting_guest(&containerd, "greet-kill", "sleep");
    let killed = containerd.ctr(&["task", "kill", "--signal", "SIGKILL", "greet-kill"]);
    assert!(killed.status.success(), "task kill: {killed:?}");
    let status = wait_capped(&mut sleeper, Duration::from_secs(30)).expect("ctr run did not end after SIGKILL");
    assert_eq!(status.code(), Some(128 + libc::SIGKILL), "{status}");

    // SIGTERM reaches the guest's own handler, whose exit status is the
    // container's (the container's first process ignores signals it has no
    // handler for, as any init does).
    let mut handler = waiting_guest(&containerd, "greet-term", "term");
    let termed = containerd.ctr(&["task", "kill", "--signal", "SIGTERM", "greet-term"]);
    assert!(termed.status.success(), "task kill: {termed:?}");
    let status = wait_capped(&mut handler, Duration::from_secs(30)).expect("ctr run did not end after SIGTERM");
    assert_eq!(status.code(), Some(42), "{status}");
    drop(containerd);
    std::fs::remove_dir_all(scratch).unwrap();
}

#[test]
fn policies_confine_programs_inside_containers() {
    let Some(scratch) = scratch_dir("policies") else { return };
    let programs = build_programs(&scratch);
    let policy = scratch.join("image-policy.toml");
    std::fs::write(&policy, IMAGE_POLICY).unwrap();
    let tarball = image(&scratch, &programs, &["--policy", policy.to_str().unwrap()]);
    let cat = ["/app/greet.wasm", "cat", "/data/note.txt", "/secret/key.txt"];

    // The image's policy: /data only. (Lamina's sandbox, with Landlock, in
    // the container's process.)
    let containerd = Containerd::start("image-policy", &[]);
    containerd.import(&tarball);
    let ran = containerd.run("cat-image-policy", &[], &cat);
    assert_eq!(ran.code(), 0, "{ran:?}");
    assert!(ran.stdout.ends_with("/data/note.txt: a data file\n/secret/key.txt: Permission denied\n"), "{ran:?}");
    drop(containerd);

    // The operator's policy (the shim's configuration) is every container's,
    // the image's is not applied, and the container says so.
    let operator = scratch.join("operator-policy.toml");
    std::fs::write(&operator, "ro-dir = [\"/secret\"]\n").unwrap();
    let containerd = Containerd::start("operator-policy", &[("LAMINA_SHIM_POLICY", &operator)]);
    containerd.import(&tarball);
    let ran = containerd.run("cat-operator-policy", &[], &cat);
    assert_eq!(ran.code(), 0, "{ran:?}");
    assert!(ran.stdout.ends_with("/data/note.txt: Permission denied\n/secret/key.txt: the key\n"), "{ran:?}");
    assert!(ran.stderr.contains("the image's /etc/lamina/policy.toml is not applied"), "{ran:?}");

    // A configured policy that cannot be read stops the shim: no container
    // runs without it.
    drop(containerd);
    let containerd = Containerd::start("missing-policy", &[("LAMINA_SHIM_POLICY", &scratch.join("nowhere.toml"))]);
    containerd.import(&tarball);
    let ran = containerd.run("cat-missing-policy", &[], &cat);
    assert_ne!(ran.code(), 0, "{ran:?}");
    assert!(!ran.stdout.contains("/secret/key.txt"), "{ran:?}");
    drop(containerd);
    std::fs::remove_dir_all(scratch).unwrap();
}

/// Starts `ctr run` of the guest in `mode` (`sleep`, `term`) and returns once
/// the guest said it is waiting (its handlers installed), within 30 s.
fn waiting_guest(containerd: &Containerd, id: &str, mode: &str) -> Child {
    let mut cmd = containerd.run_command(id, &[], &["/app/greet.wasm", mode]);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == "waiting" {
                let _ = tx.send(());
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        panic!("the {mode} guest did not start within 30 s");
    }
    child
}
