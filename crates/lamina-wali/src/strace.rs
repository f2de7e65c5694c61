//! `--strace`: one line per syscall in strace's format, and the summary table
//! of `--strace-summary` (strace's `-c`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use lamina_memory::GuestMemory;

use crate::errno::Errno;
use crate::kinds::{Args, Kind, Param};

/// Longest string or buffer shown in full (strace's default `-s 32`).
const MAX_SHOWN: usize = 32;

#[derive(Default, Clone, Copy)]
struct Totals {
    calls: u64,
    errors: u64,
    time: Duration,
}

/// How a traced process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Killed(i32),
}

/// `SIGSEGV` for 11, `SIGRT_2` for 34 (strace's names).
pub fn signal_name(signal: i32) -> String {
    macro_rules! names {
        ($($name:ident)*) => {
            match signal as u32 {
                $(linux_raw_sys::general::$name => return stringify!($name).to_string(),)*
                _ => {}
            }
        };
    }
    names! {
        SIGHUP SIGINT SIGQUIT SIGILL SIGTRAP SIGABRT SIGBUS SIGFPE SIGKILL SIGUSR1 SIGSEGV SIGUSR2
        SIGPIPE SIGALRM SIGTERM SIGSTKFLT SIGCHLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU SIGURG
        SIGXCPU SIGXFSZ SIGVTALRM SIGPROF SIGWINCH SIGIO SIGPWR SIGSYS
    }
    format!("SIGRT_{}", signal - linux_raw_sys::general::SIGRTMIN as i32)
}

/// Writes strace output for one process.
pub struct Tracer {
    sink: Mutex<Box<dyn Write + Send>>,
    /// The traced process; lines from forked children are prefixed with
    /// their pid, as `strace -f` does.
    root_pid: u32,
    lines: bool,
    summary: Option<Mutex<HashMap<&'static str, Totals>>>,
}

impl Tracer {
    /// `lines`: print each call; `summary`: print the table at exit.
    pub fn new(sink: Box<dyn Write + Send>, lines: bool, summary: bool) -> Self {
        Tracer { sink: Mutex::new(sink), root_pid: std::process::id(), lines, summary: summary.then(Default::default) }
    }

    /// Traces a program whose first process is `pid`: only other processes'
    /// lines get the `[pid N]` prefix. Set across `execve`, so the trace of
    /// the new image goes on as it began.
    pub fn with_root_pid(mut self, pid: u32) -> Self {
        self.root_pid = pid;
        self
    }

    /// Records one completed call of `name` (`read`), whose parameters are
    /// `params`.
    pub fn record(&self, call: Call, mem: &GuestMemory, args: &Args, ret: i64, exiting: bool, took: Duration) {
        if let Some(summary) = &self.summary {
            let mut s = summary.lock().unwrap_or_else(|e| e.into_inner());
            let t = s.entry(call.name).or_default();
            t.calls += 1;
            t.errors += is_error(ret) as u64;
            t.time += took;
        }
        if self.lines {
            let line = format_call(call, mem, args, ret, exiting);
            let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(sink, "{}{line}", self.pid_prefix());
            let _ = sink.flush();
        }
    }

    /// A signal handed to a guest handler, as strace shows it
    /// (`--- SIGINT {si_signo=SIGINT, si_code=SI_USER, si_pid=…, si_uid=…} ---`);
    /// `sender` is shown for signals a process sent.
    pub fn signal(&self, signo: i32, code: i32, sender: (i32, u32)) {
        if !self.lines {
            return;
        }
        let name = signal_name(signo);
        let mut line = format!("--- {name} {{si_signo={name}, si_code=");
        let _ = match code {
            0 => write!(line, "SI_USER"),
            0x80 => write!(line, "SI_KERNEL"),
            -1 => write!(line, "SI_QUEUE"),
            -2 => write!(line, "SI_TIMER"),
            -6 => write!(line, "SI_TKILL"),
            other => write!(line, "{other}"),
        };
        if matches!(code, 0 | -1 | -6) {
            let _ = write!(line, ", si_pid={}, si_uid={}", sender.0, sender.1);
        }
        line.push_str("} ---");
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(sink, "{}{line}", self.pid_prefix());
        let _ = sink.flush();
    }

    /// Ends the trace: the exit line and, if asked for, the summary table.
    pub fn finish(&self, end: Ending) {
        let mut out = String::new();
        if self.lines {
            let _ = match end {
                Ending::Exited(status) => writeln!(out, "{}+++ exited with {} +++", self.pid_prefix(), status & 0xff),
                Ending::Killed(signal) => {
                    writeln!(out, "{}+++ killed by {} +++", self.pid_prefix(), signal_name(signal))
                }
            };
        }
        if let Some(summary) = &self.summary {
            out.push_str(&summary_table(&summary.lock().unwrap_or_else(|e| e.into_inner())));
        }
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        let _ = sink.write_all(out.as_bytes());
        let _ = sink.flush();
    }
}

impl Tracer {
    fn pid_prefix(&self) -> String {
        match std::process::id() {
            pid if pid == self.root_pid => String::new(),
            pid => format!("[pid {pid}] "),
        }
    }
}

fn is_error(ret: i64) -> bool {
    (-4095..0).contains(&ret)
}

/// What strace shows of a syscall: its name (`read`) and parameters.
#[derive(Clone, Copy)]
pub struct Call {
    pub name: &'static str,
    pub params: &'static [Param],
}

/// `name(arg, arg, …) = result` as strace prints it.
pub fn format_call(call: Call, mem: &GuestMemory, args: &Args, ret: i64, exiting: bool) -> String {
    let mut line = String::new();
    line.push_str(call.name);
    line.push('(');
    for (i, p) in call.params.iter().enumerate().filter(|(i, _)| shown(call.params, args, *i)) {
        if i > 0 {
            line.push_str(", ");
        }
        format_arg(&mut line, p.kind, mem, args, i, ret);
    }
    line.push(')');
    // strace aligns results at column 40.
    let width = line.chars().count();
    line.push_str(&" ".repeat(RESULT_COLUMN.saturating_sub(width).max(1)));
    if exiting {
        line.push_str("= ?");
    } else if is_error(ret) {
        let e = Errno(-ret as i32);
        match e.name() {
            Some(name) => write!(line, "= -1 {name} ({})", e.message()),
            None => write!(line, "= -1 {} ({})", e.0, e.message()),
        }
        .unwrap_or_default();
    } else {
        let _ = write!(line, "= {ret}");
    }
    line
}

const RESULT_COLUMN: usize = 40;

/// Whether parameter `i` is shown: like strace, the mode of `open`/`openat`
/// only when the flags create a file.
fn shown(params: &[Param], args: &Args, i: usize) -> bool {
    if params[i].kind != Kind::Mode || i == 0 || params[i - 1].kind != Kind::OpenFlags {
        return true;
    }
    let flags = args.uint(i - 1);
    flags & libc::O_CREAT as u32 != 0 || flags & O_TMPFILE == O_TMPFILE
}

const O_TMPFILE: u32 = 0o20200000;

fn format_arg(out: &mut String, kind: Kind, mem: &GuestMemory, args: &Args, i: usize, ret: i64) {
    match kind {
        Kind::Fd | Kind::Int | Kind::Pid => {
            let _ = write!(out, "{}", args.int(i));
        }
        Kind::DirFd if args.int(i) == libc::AT_FDCWD => out.push_str("AT_FDCWD"),
        Kind::DirFd => {
            let _ = write!(out, "{}", args.int(i));
        }
        Kind::UInt => {
            let _ = write!(out, "{}", args.uint(i));
        }
        Kind::Long => {
            let _ = write!(out, "{}", args.long(i));
        }
        Kind::ULong => {
            let _ = write!(out, "{}", args.raw(i));
        }
        Kind::Ptr | Kind::Struct(_) => pointer(out, args.ptr(i)),
        Kind::Hex => hex(out, args.uint(i)),
        Kind::Signal => match args.int(i) {
            sig @ 1..=64 => out.push_str(&signal_name(sig)),
            other => {
                let _ = write!(out, "{other}");
            }
        },
        // C's "%#03o", as strace prints modes: 0644, 000.
        Kind::Mode => {
            let _ = write!(out, "0{:02o}", args.uint(i));
        }
        Kind::Path | Kind::Str | Kind::Name => match mem.read_path(args.ptr(i)) {
            Ok(s) if args.ptr(i) != 0 => quote(out, s.as_bytes(), usize::MAX),
            _ => pointer(out, args.ptr(i)),
        },
        Kind::InBuf(len_arg) => buffer(out, mem, args.ptr(i), args.len(len_arg)),
        Kind::OutBuf if ret > 0 => buffer(out, mem, args.ptr(i), ret as usize),
        Kind::OutBuf => pointer(out, args.ptr(i)),
        Kind::OpenFlags => open_flags(out, args.int(i)),
        Kind::AtFlags => flags(out, args.uint(i), AT_FLAGS, "0"),
        Kind::Sockaddr(len_arg) => sockaddr(out, mem, args.ptr(i), args.len(len_arg)),
        Kind::StatOut if ret == 0 => stat(out, mem, args.ptr(i)),
        Kind::Dirents if ret > 0 => {
            pointer(out, args.ptr(i));
            let _ = write!(out, " /* {} entries */", dirent_count(mem, args.ptr(i), ret as usize));
        }
        Kind::StatOut | Kind::Dirents => pointer(out, args.ptr(i)),
        Kind::SockDomain => named(out, args.int(i), ADDRESS_FAMILIES),
        Kind::SockType => {
            let v = args.uint(i);
            named(out, (v & 0xf) as i32, SOCKET_TYPES);
            if v & !0xf != 0 {
                out.push('|');
                flags(out, v & !0xf, SOCK_FLAGS, "");
            }
        }
        Kind::SockProto(domain) if matches!(args.int(domain), libc::AF_INET | libc::AF_INET6) => {
            named(out, args.int(i), IP_PROTOCOLS)
        }
        Kind::SockProto(_) => {
            let _ = write!(out, "{}", args.int(i));
        }
        Kind::SockFlags => flags(out, args.uint(i), SOCK_FLAGS, "0"),
        Kind::MsgFlags => flags(out, args.uint(i), MSG_FLAGS, "0"),
        Kind::SockaddrOut(len_ptr) if ret >= 0 && args.ptr(i) != 0 => {
            let len = mem.read::<u32>(args.ptr(len_ptr)).unwrap_or(0);
            sockaddr(out, mem, args.ptr(i), len as usize)
        }
        Kind::SockaddrOut(_) => pointer(out, args.ptr(i)),
        Kind::LenPtr => match mem.read::<u32>(args.ptr(i)) {
            Ok(len) if args.ptr(i) != 0 => {
                let _ = write!(out, "[{len}]");
            }
            _ => pointer(out, args.ptr(i)),
        },
        Kind::EpollOp => named(out, args.int(i), EPOLL_OPS),
        Kind::EpollFlags => flags(out, args.uint(i), &[(libc::O_CLOEXEC as u32, "EPOLL_CLOEXEC")], "0"),
        Kind::EpollEvent => epoll_events(out, mem, args.ptr(i), 1, false),
        Kind::EpollEvents if ret >= 0 => epoll_events(out, mem, args.ptr(i), ret as usize, true),
        Kind::EpollEvents => pointer(out, args.ptr(i)),
    }
}

fn hex(out: &mut String, v: u32) {
    if v == 0 {
        out.push('0');
    } else {
        let _ = write!(out, "{v:#x}");
    }
}

/// The name of a value from a table, or the number.
fn named(out: &mut String, v: i32, names: &[(i32, &str)]) {
    match names.iter().find(|(n, _)| *n == v) {
        Some((_, name)) => out.push_str(name),
        None => {
            let _ = write!(out, "{v}");
        }
    }
}

/// strace's short form of a `struct stat`.
fn stat(out: &mut String, mem: &GuestMemory, p: u32) {
    let (Ok(mode), Ok(size), Ok(rdev)) = (mem.read::<u32>(p + 24), mem.read::<i64>(p + 48), mem.read::<u64>(p + 40))
    else {
        return pointer(out, p);
    };
    let kind = mode & libc::S_IFMT;
    out.push_str("{st_mode=");
    named(out, kind as i32, FILE_TYPES);
    let _ = write!(out, "|0{:o}, ", mode & 0o7777);
    if kind == libc::S_IFCHR || kind == libc::S_IFBLK {
        let _ = write!(out, "st_rdev=makedev({:#x}, {:#x}), ...}}", libc::major(rdev), libc::minor(rdev));
    } else {
        let _ = write!(out, "st_size={size}, ...}}");
    }
}

/// Counts `linux_dirent64` records in `len` bytes at `p`.
fn dirent_count(mem: &GuestMemory, p: u32, len: usize) -> usize {
    let mut count = 0;
    let mut off = 0usize;
    while off + 19 <= len {
        match mem.read::<u16>(p.wrapping_add(off as u32 + 16)) {
            Ok(reclen) if reclen > 0 => {
                count += 1;
                off += reclen as usize;
            }
            _ => break,
        }
    }
    count
}

/// `{events=EPOLLIN, data={u32=3, u64=3}}`, or `[…]` for an array.
fn epoll_events(out: &mut String, mem: &GuestMemory, p: u32, count: usize, array: bool) {
    let Ok(raw) = mem.read_bytes(p, count.min(16) * size_of::<crate::abi::EpollEvent>()) else {
        return pointer(out, p);
    };
    if p == 0 {
        return pointer(out, p);
    }
    if array {
        out.push('[');
    }
    for (n, ev) in raw.chunks_exact(size_of::<crate::abi::EpollEvent>()).enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let events = u32::from_le_bytes(ev[..4].try_into().expect("4 bytes"));
        let data = u64::from_le_bytes(ev[4..].try_into().expect("8 bytes"));
        out.push_str("{events=");
        flags(out, events, EPOLL_EVENTS, "0");
        let _ = write!(out, ", data={{u32={}, u64={data}}}}}", data as u32);
    }
    if count > 16 {
        out.push_str(", ...");
    }
    if array {
        out.push(']');
    }
}

const ADDRESS_FAMILIES: &[(i32, &str)] = &[
    (libc::AF_UNSPEC, "AF_UNSPEC"),
    (libc::AF_UNIX, "AF_UNIX"),
    (libc::AF_INET, "AF_INET"),
    (libc::AF_INET6, "AF_INET6"),
    (libc::AF_NETLINK, "AF_NETLINK"),
    (libc::AF_PACKET, "AF_PACKET"),
];

const SOCKET_TYPES: &[(i32, &str)] = &[
    (libc::SOCK_STREAM, "SOCK_STREAM"),
    (libc::SOCK_DGRAM, "SOCK_DGRAM"),
    (libc::SOCK_RAW, "SOCK_RAW"),
    (libc::SOCK_RDM, "SOCK_RDM"),
    (libc::SOCK_SEQPACKET, "SOCK_SEQPACKET"),
];

const SOCK_FLAGS: &[(u32, &str)] =
    &[(libc::SOCK_CLOEXEC as u32, "SOCK_CLOEXEC"), (libc::SOCK_NONBLOCK as u32, "SOCK_NONBLOCK")];

const IP_PROTOCOLS: &[(i32, &str)] = &[
    (libc::IPPROTO_IP, "IPPROTO_IP"),
    (libc::IPPROTO_ICMP, "IPPROTO_ICMP"),
    (libc::IPPROTO_TCP, "IPPROTO_TCP"),
    (libc::IPPROTO_UDP, "IPPROTO_UDP"),
    (libc::IPPROTO_ICMPV6, "IPPROTO_ICMPV6"),
];

const MSG_FLAGS: &[(u32, &str)] = &[
    (libc::MSG_OOB as u32, "MSG_OOB"),
    (libc::MSG_PEEK as u32, "MSG_PEEK"),
    (libc::MSG_DONTROUTE as u32, "MSG_DONTROUTE"),
    (libc::MSG_CTRUNC as u32, "MSG_CTRUNC"),
    (libc::MSG_TRUNC as u32, "MSG_TRUNC"),
    (libc::MSG_DONTWAIT as u32, "MSG_DONTWAIT"),
    (libc::MSG_EOR as u32, "MSG_EOR"),
    (libc::MSG_WAITALL as u32, "MSG_WAITALL"),
    (libc::MSG_NOSIGNAL as u32, "MSG_NOSIGNAL"),
    (libc::MSG_MORE as u32, "MSG_MORE"),
    (libc::MSG_CMSG_CLOEXEC as u32, "MSG_CMSG_CLOEXEC"),
];

const EPOLL_OPS: &[(i32, &str)] = &[
    (libc::EPOLL_CTL_ADD, "EPOLL_CTL_ADD"),
    (libc::EPOLL_CTL_DEL, "EPOLL_CTL_DEL"),
    (libc::EPOLL_CTL_MOD, "EPOLL_CTL_MOD"),
];

const EPOLL_EVENTS: &[(u32, &str)] = &[
    (libc::EPOLLIN as u32, "EPOLLIN"),
    (libc::EPOLLPRI as u32, "EPOLLPRI"),
    (libc::EPOLLOUT as u32, "EPOLLOUT"),
    (libc::EPOLLERR as u32, "EPOLLERR"),
    (libc::EPOLLHUP as u32, "EPOLLHUP"),
    (libc::EPOLLRDNORM as u32, "EPOLLRDNORM"),
    (libc::EPOLLRDBAND as u32, "EPOLLRDBAND"),
    (libc::EPOLLWRNORM as u32, "EPOLLWRNORM"),
    (libc::EPOLLWRBAND as u32, "EPOLLWRBAND"),
    (libc::EPOLLMSG as u32, "EPOLLMSG"),
    (libc::EPOLLRDHUP as u32, "EPOLLRDHUP"),
    (libc::EPOLLEXCLUSIVE as u32, "EPOLLEXCLUSIVE"),
    (libc::EPOLLWAKEUP as u32, "EPOLLWAKEUP"),
    (libc::EPOLLONESHOT as u32, "EPOLLONESHOT"),
    (libc::EPOLLET as u32, "EPOLLET"),
];

const FILE_TYPES: &[(i32, &str)] = &[
    (libc::S_IFREG as i32, "S_IFREG"),
    (libc::S_IFDIR as i32, "S_IFDIR"),
    (libc::S_IFLNK as i32, "S_IFLNK"),
    (libc::S_IFCHR as i32, "S_IFCHR"),
    (libc::S_IFBLK as i32, "S_IFBLK"),
    (libc::S_IFIFO as i32, "S_IFIFO"),
    (libc::S_IFSOCK as i32, "S_IFSOCK"),
];

fn pointer(out: &mut String, p: u32) {
    if p == 0 {
        out.push_str("NULL");
    } else {
        let _ = write!(out, "{p:#x}");
    }
}

fn buffer(out: &mut String, mem: &GuestMemory, p: u32, len: usize) {
    match mem.read_bytes(p, len.min(MAX_SHOWN)) {
        Ok(bytes) => {
            quote(out, &bytes, MAX_SHOWN);
            if len > MAX_SHOWN {
                out.push_str("...");
            }
        }
        Err(_) => pointer(out, p),
    }
}

/// A C string literal with strace's escapes.
fn quote(out: &mut String, bytes: &[u8], max: usize) {
    out.push('"');
    for &b in bytes.iter().take(max) {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:o}");
            }
        }
    }
    out.push('"');
}

/// In strace's order (combined flags before their parts).
const OPEN_FLAGS: &[(u32, &str)] = &[
    (0o100, "O_CREAT"),
    (0o200, "O_EXCL"),
    (0o400, "O_NOCTTY"),
    (0o1000, "O_TRUNC"),
    (0o2000, "O_APPEND"),
    (0o4000, "O_NONBLOCK"),
    (0o4010000, "O_SYNC"),
    (0o10000, "O_DSYNC"),
    (0o20000, "O_ASYNC"),
    (0o40000, "O_DIRECT"),
    (0o100000, "O_LARGEFILE"),
    (0o400000, "O_NOFOLLOW"),
    (0o1000000, "O_NOATIME"),
    (0o2000000, "O_CLOEXEC"),
    (0o20200000, "O_TMPFILE"),
    (0o200000, "O_DIRECTORY"),
    (0o10000000, "O_PATH"),
];

const AT_FLAGS: &[(u32, &str)] = &[
    (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x200, "AT_REMOVEDIR"),
    (0x400, "AT_SYMLINK_FOLLOW"),
    (0x800, "AT_NO_AUTOMOUNT"),
    (0x1000, "AT_EMPTY_PATH"),
];

fn open_flags(out: &mut String, v: i32) {
    out.push_str(match v & 3 {
        0 => "O_RDONLY",
        1 => "O_WRONLY",
        2 => "O_RDWR",
        _ => "O_ACCMODE",
    });
    let rest = v as u32 & !3;
    if rest != 0 {
        out.push('|');
        flags(out, rest, OPEN_FLAGS, "");
    }
}

/// `A|B|0x40` from a table of named bits (multi-bit names first match wins).
fn flags(out: &mut String, mut v: u32, names: &[(u32, &str)], zero: &str) {
    if v == 0 {
        out.push_str(zero);
        return;
    }
    let mut first = true;
    for &(bits, name) in names {
        if v & bits == bits {
            if !first {
                out.push('|');
            }
            out.push_str(name);
            first = false;
            v &= !bits;
        }
    }
    if v != 0 {
        if !first {
            out.push('|');
        }
        let _ = write!(out, "{v:#x}");
    }
}

fn sockaddr(out: &mut String, mem: &GuestMemory, p: u32, len: usize) {
    let Ok(bytes) = mem.read_bytes(p, len.min(128)) else {
        return pointer(out, p);
    };
    if p == 0 || bytes.len() < 2 {
        return pointer(out, p);
    }
    let family = u16::from_le_bytes([bytes[0], bytes[1]]) as i32;
    match family {
        libc::AF_INET if bytes.len() >= 8 => {
            let port = u16::from_be_bytes([bytes[2], bytes[3]]);
            let _ = write!(
                out,
                "{{sa_family=AF_INET, sin_port=htons({port}), sin_addr=inet_addr(\"{}.{}.{}.{}\")}}",
                bytes[4], bytes[5], bytes[6], bytes[7]
            );
        }
        libc::AF_INET6 if bytes.len() >= 24 => {
            let port = u16::from_be_bytes([bytes[2], bytes[3]]);
            let addr: [u8; 16] = bytes[8..24].try_into().expect("16 bytes");
            let _ = write!(
                out,
                "{{sa_family=AF_INET6, sin6_port=htons({port}), sin6_addr=\"{}\"}}",
                std::net::Ipv6Addr::from(addr)
            );
        }
        libc::AF_UNIX => {
            out.push_str("{sa_family=AF_UNIX, sun_path=");
            let path = &bytes[2..];
            let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            quote(out, &path[..end], usize::MAX);
            out.push('}');
        }
        _ => {
            let _ = write!(out, "{{sa_family={family}, ...}}");
        }
    }
}

fn summary_table(totals: &HashMap<&'static str, Totals>) -> String {
    let mut rows: Vec<_> = totals.iter().collect();
    rows.sort_by(|a, b| b.1.time.cmp(&a.1.time).then(a.0.cmp(b.0)));
    let all = rows.iter().fold(Totals::default(), |acc, (_, t)| Totals {
        calls: acc.calls + t.calls,
        errors: acc.errors + t.errors,
        time: acc.time + t.time,
    });
    let total_secs = all.time.as_secs_f64();
    let rule = "------ ----------- ----------- --------- --------- ----------------\n";
    let mut out = String::new();
    out.push_str("% time     seconds  usecs/call     calls    errors syscall\n");
    out.push_str(rule);
    for (name, t) in &rows {
        let secs = t.time.as_secs_f64();
        let pct = if total_secs > 0.0 { 100.0 * secs / total_secs } else { 0.0 };
        let per_call = t.time.as_micros() as u64 / t.calls.max(1);
        let errors = if t.errors > 0 { t.errors.to_string() } else { String::new() };
        let _ = writeln!(out, "{pct:6.2} {secs:11.6} {per_call:11} {:9} {errors:>9} {name}", t.calls);
    }
    out.push_str(rule);
    let errors = if all.errors > 0 { all.errors.to_string() } else { String::new() };
    let _ = writeln!(out, "100.00 {total_secs:11.6} {:11} {:9} {errors:>9} total", "", all.calls);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_memory::TestMemory;

    fn openat(params: &'static [Param]) -> Call {
        Call { name: "openat", params }
    }

    #[test]
    fn openat_line_decodes_dirfd_path_and_flags() {
        let (_keep, mem) = TestMemory::new(256);
        mem.write_bytes(16, b"/tmp/x\0").unwrap();
        static P: &[Param] = &[
            Param { name: "dirfd", kind: Kind::DirFd },
            Param { name: "path", kind: Kind::Path },
            Param { name: "flags", kind: Kind::OpenFlags },
            Param { name: "mode", kind: Kind::Mode },
        ];
        let args = Args([(-100i32) as u32 as u64, 16, 0o2000101, 0o644, 0, 0]);
        assert_eq!(
            format_call(openat(P), &mem, &args, 3, false),
            "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT|O_CLOEXEC, 0644) = 3"
        );
        assert_eq!(
            format_call(openat(P), &mem, &args, -2, false),
            "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT|O_CLOEXEC, 0644) = -1 ENOENT (No such file or directory)"
        );
        // Without O_CREAT the mode is not shown; short lines align at column 40.
        let args = Args([(-100i32) as u32 as u64, 16, 0o2200000, 0, 0, 0]);
        assert_eq!(
            format_call(openat(P), &mem, &args, 3, false),
            "openat(AT_FDCWD, \"/tmp/x\", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = 3"
        );
        let args = Args([(-100i32) as u32 as u64, 23, 0, 0, 0, 0]);
        mem.write_bytes(23, b"a\0").unwrap();
        assert_eq!(
            format_call(openat(P), &mem, &args, 3, false),
            format!("openat(AT_FDCWD, \"a\", O_RDONLY){}= 3", " ".repeat(9))
        );
    }

    #[test]
    fn buffers_are_escaped_and_truncated() {
        let (_keep, mem) = TestMemory::new(256);
        mem.write_bytes(0, b"hi\n\x01\"").unwrap();
        let mut s = String::new();
        buffer(&mut s, &mem, 0, 5);
        assert_eq!(s, r#""hi\n\1\"""#);
        let mut s = String::new();
        buffer(&mut s, &mem, 0, 100);
        assert!(s.ends_with("\"..."), "{s}");
        let mut s = String::new();
        buffer(&mut s, &mem, 250, 100);
        assert_eq!(s, "0xfa");
    }

    #[test]
    fn inet_sockaddr_is_decoded() {
        let (_keep, mem) = TestMemory::new(64);
        mem.write_bytes(16, &[2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        let mut s = String::new();
        sockaddr(&mut s, &mem, 16, 16);
        assert_eq!(s, "{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}");
    }

    #[test]
    fn signal_names_are_straces() {
        assert_eq!(signal_name(libc::SIGSEGV), "SIGSEGV");
        assert_eq!(signal_name(libc::SIGSYS), "SIGSYS");
        assert_eq!(signal_name(libc::SIGCHLD), "SIGCHLD");
        assert_eq!(signal_name(34), "SIGRT_2");
    }

    #[test]
    fn unnamed_errors_show_their_number() {
        let (_keep, mem) = TestMemory::new(64);
        let call = Call { name: "close", params: &[Param { name: "fd", kind: Kind::Fd }] };
        let line = format_call(call, &mem, &Args([3, 0, 0, 0, 0, 0]), -41, false);
        assert!(line.ends_with("= -1 41 (Unknown error 41)"), "{line}");
    }

    #[test]
    fn summary_lists_calls_and_errors() {
        let mut t = HashMap::new();
        t.insert("read", Totals { calls: 3, errors: 1, time: Duration::from_micros(30) });
        let table = summary_table(&t);
        assert!(table.contains("         3         1 read"), "{table}");
        assert!(table.trim_end().ends_with("total"), "{table}");
    }
}
