mod support;

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn file_io_matches_native() {
    let out = support::same_as_native("io_files", &[]);
    assert!(out.contains("ok sendfile advances the offset it was given\n"), "{out}");
    assert!(out.contains("ok piped data\n"), "{out}");
    assert!(out.contains("ok preadv2 advanced the file offset\n"), "{out}");
    assert!(out.contains("ok pwritev2 landed\n"), "{out}");
}

#[test]
fn splice_tee_and_vmsplice_match_native() {
    let out = support::same_as_native("io_splice", &[]);
    for line in [
        "ok splice advanced the offset\n",
        "ok tee copied\n",
        "ok spliced bytes\n",
        "ok vmspliced bytes\n",
        "ok scattered\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn pipes_duplication_fcntl_and_ioctl_match_native() {
    let out = support::same_as_native("io_fds", &[]);
    assert!(out.contains("FIONREAD value: 5\n"), "{out}");
    assert!(out.contains("conflict: type 0 whence 0 start 50 len 20 pid -1\n"), "{out}");
    assert!(out.contains("FIONREAD on a file value: 70\n"), "{out}");
}

#[test]
fn hostile_io_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_io", &[]);
    assert!(out.contains("ok readv entry points outside\n"), "{out}");
    assert!(out.contains("ok sendfile offset past the end\n"), "{out}");
    assert!(out.contains("ok splice input offset past the end\n"), "{out}");
    assert!(out.contains("ok vmsplice entry points outside\n"), "{out}");
    assert!(out.contains("ok pipe still empty\n"), "{out}");
    assert!(out.contains("ok pwritev2 entry points outside\n"), "{out}");
    assert!(out.contains("ok runtime survived: write\n"), "{out}");
}

/// A pseudo-terminal whose window size the test sets with TIOCSWINSZ.
struct Pty {
    master: OwnedFd,
    slave: OwnedFd,
}

impl Pty {
    fn open(rows: u16, cols: u16) -> Pty {
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: openpty fills in two descriptors; name, termios and winsize
        // may be NULL.
        let r =
            unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
        assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        for fd in [&master, &slave] {
            // Other tests spawn children concurrently: they must not inherit
            // the terminal, or its hangup would wait for them.
            // SAFETY: plain fcntl on an owned descriptor.
            assert_eq!(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) }, 0);
        }
        let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: TIOCSWINSZ reads one struct winsize.
        let r = unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(r, 0, "TIOCSWINSZ: {}", std::io::Error::last_os_error());
        Pty { master, slave }
    }

    /// Runs `cmd` with stdin and stdout on the terminal's slave side (stderr
    /// piped); returns what reached the master side, with the line
    /// discipline's CRLF turned back into LF, and the exit code.
    fn run(self, mut cmd: Command) -> (String, Option<i32>) {
        cmd.stdin(Stdio::from(self.slave.try_clone().unwrap())).stdout(Stdio::from(self.slave)).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The command holds the parent's copies of the slave side: drop it so
        // that the master sees a hangup (EIO) once the child is gone.
        drop(cmd);
        let mut master = std::fs::File::from(self.master);
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = master.read(&mut chunk) {
                out.extend_from_slice(&chunk[..n]);
            }
            out
        });
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        let out = support::text(&reader.join().unwrap()).replace("\r\n", "\n");
        assert!(stderr.is_empty(), "stderr:\n{stderr}\nstdout:\n{out}");
        (out, status.code())
    }
}

fn on_pty(program: &Path, wasm: bool) -> (String, Option<i32>) {
    let dir = support::scratch("io_tty");
    let mut cmd = if wasm {
        let mut cmd = support::lamina();
        cmd.arg("run").arg(program);
        cmd
    } else {
        Command::new(program)
    };
    cmd.current_dir(dir);
    Pty::open(33, 101).run(cmd)
}

#[test]
fn terminal_ioctls_work_on_a_pseudo_terminal() {
    let (native, native_status) = on_pty(&support::native("io_tty"), false);
    let (wasm, wasm_status) = on_pty(&support::wasm("io_tty"), true);
    assert_eq!(wasm, native, "output on a terminal differs (left: lamina, right: native)");
    assert_eq!(wasm_status, native_status);
    assert_eq!(native_status, Some(0), "{native}");
    assert!(!native.contains("FAIL"), "{native}");
    for line in ["ok stdin isatty (TCGETS)\n", "rows: 33\n", "cols: 101\n", "rows now: 34\n", "cols now: 103\n"] {
        assert!(wasm.contains(line), "missing {line:?} in:\n{wasm}");
    }
}
