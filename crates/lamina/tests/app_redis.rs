//! Redis 7.0 built from Debian's source package by apps/build.sh, for WALI
//! with `lamina cc` and natively with gcc. Redis keeps integers in pointer
//! fields (`o->ptr = (void*)(long)value`), which only works when `long` is
//! pointer-sized: these tests show that the ILP32 WALI build keeps 64-bit
//! integers intact. Each differential test starts the WALI server under
//! `lamina run` and the native server, each on its own loopback port in its
//! own directory, sends both the same commands and requires the same
//! replies, and checks facts of the replies so that two servers failing the
//! same way cannot pass. Servers are killed when a test ends, also when it
//! fails. The last tests run Redis's own test suite (tests/unit/type) against
//! both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use apps::*;
use support::{lamina, repo, text};

fn server() -> &'static App {
    static SERVER: OnceLock<App> = OnceLock::new();
    SERVER.get_or_init(|| build("redis", "redis-server", "--version"))
}

/// redis-cli's two builds (made by the same apps/build.sh run as the server).
fn cli() -> App {
    server();
    program("redis-cli")
}

/// A reply of the Redis protocol (RESP2), as the tests compare it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<String>),
    Array(Option<Vec<Reply>>),
}

impl Reply {
    fn bulk(&self) -> &str {
        match self {
            Reply::Bulk(Some(s)) => s,
            other => panic!("expected a bulk string, got {other:?}"),
        }
    }
}

/// A connection to a server; every read is bounded so that a hung server
/// fails the test instead of stalling it.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(port: u16) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn { writer: stream.try_clone()?, reader: BufReader::new(stream) })
    }

    /// Sends every command before reading any reply (a pipeline).
    fn pipeline<S: AsRef<str>>(&mut self, commands: &[Vec<S>]) -> Vec<Reply> {
        let mut wire = Vec::new();
        for args in commands {
            wire.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for arg in args {
                let arg = arg.as_ref().as_bytes();
                wire.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
                wire.extend_from_slice(arg);
                wire.extend_from_slice(b"\r\n");
            }
        }
        self.writer.write_all(&wire).unwrap();
        commands.iter().map(|_| self.read_reply()).collect()
    }

    fn call(&mut self, args: &[&str]) -> Reply {
        self.pipeline(&[args.to_vec()]).pop().unwrap()
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("reading a reply");
        assert!(line.ends_with("\r\n"), "truncated reply line {line:?}");
        line.truncate(line.len() - 2);
        line
    }

    fn read_reply(&mut self) -> Reply {
        let line = self.line();
        let (kind, rest) = line.split_at(1);
        match kind {
            "+" => Reply::Status(rest.to_string()),
            "-" => Reply::Error(rest.to_string()),
            ":" => Reply::Int(rest.parse().unwrap()),
            "$" => {
                let len: i64 = rest.parse().unwrap();
                if len < 0 {
                    return Reply::Bulk(None);
                }
                let mut data = vec![0; len as usize + 2];
                self.reader.read_exact(&mut data).unwrap();
                data.truncate(len as usize);
                Reply::Bulk(Some(String::from_utf8_lossy(&data).into_owned()))
            }
            "*" => {
                let len: i64 = rest.parse().unwrap();
                if len < 0 {
                    return Reply::Array(None);
                }
                Reply::Array(Some((0..len).map(|_| self.read_reply()).collect()))
            }
            _ => panic!("not a RESP reply: {line:?}"),
        }
    }
}

/// A process started in its own process group, which is killed (with
/// whatever it started) when this is dropped, so that a failing test leaves
/// nothing running.
struct Group(Child);

impl Group {
    fn spawn(mut cmd: Command) -> Group {
        Group(cmd.process_group(0).spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}")))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group created by `spawn`.
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

/// A redis-server process: WALI under `lamina run`, or native.
struct Server {
    child: Group,
    port: u16,
    dir: PathBuf,
    wasm: bool,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// Starts a server in DIR (its database directory) on a free loopback
    /// port, with no automatic saving, and waits until it answers PING.
    fn start(wasm: bool, dir: &Path) -> Server {
        let app = server();
        // The port is free when chosen but another process may take it
        // before the server binds it: then try another one.
        for _ in 0..5 {
            let port = free_port();
            let port_arg = port.to_string();
            let args = [
                "--port",
                &port_arg,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                ".",
                "--enable-debug-command",
                "yes",
            ];
            let mut cmd = if wasm {
                let mut cmd = lamina();
                cmd.arg("run").args(["--argv0", app.name]).arg(&app.wasm);
                cmd
            } else {
                let mut cmd = Command::new(&app.native);
                cmd.arg0(app.name);
                cmd
            };
            let log = std::fs::File::options().create(true).append(true).open(dir.join("server.log")).unwrap();
            cmd.args(args).current_dir(dir).stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
            let child = Group::spawn(cmd);
            let mut server = Server { child, port, dir: dir.to_path_buf(), wasm };
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if let Some(status) = server.child.0.try_wait().unwrap() {
                    let log = server.log();
                    if log.contains("Address already in use") {
                        break;
                    }
                    panic!("{} exited with {status} at start:\n{log}", server.what());
                }
                // PING answers -LOADING while the server reads its RDB file.
                if let Ok(mut conn) = Conn::open(port)
                    && conn.call(&["PING"]) == Reply::Status("PONG".into())
                {
                    return server;
                }
                assert!(Instant::now() < deadline, "{} did not answer within 60 s:\n{}", server.what(), server.log());
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("no free port found for redis-server");
    }

    fn what(&self) -> &'static str {
        if self.wasm { "redis-server.wasm under lamina" } else { "native redis-server" }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn conn(&self) -> Conn {
        Conn::open(self.port).unwrap()
    }

    /// SHUTDOWN SAVE, and the process's exit.
    fn shutdown(mut self) {
        let mut conn = self.conn();
        conn.writer.write_all(b"*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n").unwrap();
        // A successful SHUTDOWN closes the connection without a reply.
        let mut rest = String::new();
        conn.reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "", "SHUTDOWN SAVE failed on {}", self.what());
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.0.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "{} did not exit after SHUTDOWN", self.what());
            std::thread::sleep(Duration::from_millis(20));
        }
        let log = self.log();
        assert!(log.contains("Saving the final RDB snapshot") && log.contains("ready to exit, bye bye"), "{log}");
    }
}

/// One WALI and one native server, each in its own directory.
struct Pair {
    wasm: Server,
    native: Server,
    cw: Conn,
    cn: Conn,
}

impl Pair {
    fn start(test: &str) -> Pair {
        let d = dirs(test);
        Pair::start_in(&d.wasm, &d.native)
    }

    fn start_in(wasm_dir: &Path, native_dir: &Path) -> Pair {
        let wasm = Server::start(true, wasm_dir);
        let native = Server::start(false, native_dir);
        Pair { cw: wasm.conn(), cn: native.conn(), wasm, native }
    }

    /// Sends the same pipeline to both servers and requires the same replies;
    /// returns them. A command written `~CMD ...` has an unordered reply (a
    /// hash table's iteration order depends on a per-process random seed),
    /// whose elements are compared sorted.
    fn same(&mut self, commands: &[&str]) -> Vec<Reply> {
        let parsed: Vec<Vec<&str>> =
            commands.iter().map(|c| c.trim_start_matches('~').split_whitespace().collect()).collect();
        let w = self.cw.pipeline(&parsed);
        let n = self.cn.pipeline(&parsed);
        let mut out = Vec::new();
        for ((command, w), n) in commands.iter().zip(w).zip(n) {
            let (w, n) = if command.starts_with('~') { (sorted(w), sorted(n)) } else { (w, n) };
            assert_eq!(
                w,
                n,
                "replies differ for {command:?} (left: lamina, right: native)\nlamina log:\n{}",
                self.wasm.log()
            );
            out.push(w);
        }
        out
    }
}

fn sorted(reply: Reply) -> Reply {
    match reply {
        Reply::Array(Some(mut items)) => {
            items.sort_by_key(|r| format!("{r:?}"));
            Reply::Array(Some(items))
        }
        other => other,
    }
}

fn int(n: i64) -> Reply {
    Reply::Int(n)
}

fn bulk(s: &str) -> Reply {
    Reply::Bulk(Some(s.to_string()))
}

fn ok() -> Reply {
    Reply::Status("OK".into())
}

fn err(s: &str) -> Reply {
    Reply::Error(s.to_string())
}

fn array(items: &[Reply]) -> Reply {
    Reply::Array(Some(items.to_vec()))
}

fn bulks(items: &[&str]) -> Reply {
    Reply::Array(Some(items.iter().map(|s| bulk(s)).collect()))
}

impl Pair {
    /// Sends each command to both servers (as one pipeline) and requires the
    /// given reply from both.
    fn expect(&mut self, cases: &[(&str, Reply)]) {
        let commands: Vec<&str> = cases.iter().map(|(c, _)| *c).collect();
        for ((command, expected), got) in cases.iter().zip(self.same(&commands)) {
            assert_eq!(&got, expected, "reply to {command:?} (the same from both builds)");
        }
    }
}

const MAX: &str = "9223372036854775807";
const MIN: &str = "-9223372036854775808";

#[test]
fn redis_integers_beyond_32_bits_stay_intact() {
    let mut p = Pair::start("redis-integers");
    let overflow = || err("ERR increment or decrement would overflow");
    let not_integer = || err("ERR value is not an integer or out of range");
    p.expect(&[
        ("SET big 4294967297", ok()),
        ("GET big", bulk("4294967297")),
        ("SET neg -5000000000", ok()),
        ("GET neg", bulk("-5000000000")),
        ("SET c 4294967290", ok()),
        ("INCRBY c 10", int(4294967300)),
        ("INCR c", int(4294967301)),
        ("DECRBY c 8589934592", int(-4294967291)),
        ("GET c", bulk("-4294967291")),
        ("SET m31 2147483647", ok()),
        ("INCR m31", int(2147483648)),
        ("DECR neg", int(-5000000001)),
        (&format!("SET max {MAX}"), ok()),
        ("INCR max", overflow()),
        ("GET max", bulk(MAX)),
        ("STRLEN max", int(19)),
        (&format!("SET min {MIN}"), ok()),
        ("DECR min", overflow()),
        (&format!("INCRBY min {MAX}"), int(-1)),
        ("INCRBY x 9223372036854775808", not_integer()),
        (&format!("DECRBY x {MIN}"), err("ERR decrement would overflow")),
        ("INCRBY x 5000000000", int(5000000000)),
        ("SET f 4294967296", ok()),
        ("INCRBYFLOAT f 0.5", bulk("4294967296.5")),
        ("INCRBYFLOAT f 1e15", bulk("1000004294967296.5")),
        ("INCRBYFLOAT g -5000000000", bulk("-5000000000")),
        ("APPEND big 0", int(11)),
        ("INCR big", int(42949672971)),
        ("SETRANGE big 0 9", int(11)),
        ("GETRANGE big -5 -1", bulk("72971")),
        ("INCR big", int(92949672972)),
        ("HSET h f 4294967297", int(1)),
        ("HINCRBY h f 4294967296", int(8589934593)),
        (&format!("HINCRBY h f {MAX}"), overflow()),
        ("HINCRBYFLOAT h g 5000000000.25", bulk("5000000000.25")),
        ("HGET h f", bulk("8589934593")),
        (&format!("RPUSH l 4294967297 -5000000000 {MAX} 1"), int(4)),
        ("LRANGE l 0 -1", bulks(&["4294967297", "-5000000000", MAX, "1"])),
        ("SORT l", bulks(&["-5000000000", "1", "4294967297", MAX])),
        (&format!("SADD s 4294967297 -5000000000 {MAX} {MIN} 1"), int(5)),
        ("OBJECT ENCODING s", bulk("intset")),
        ("SMEMBERS s", bulks(&[MIN, "-5000000000", "1", "4294967297", MAX])),
        ("SISMEMBER s 4294967297", int(1)),
        ("SISMEMBER s 1", int(1)),
        ("SISMEMBER s 4294967296", int(0)),
        ("ZADD z 4294967297 a -5000000000 b", int(2)),
        ("ZINCRBY z 4294967296 a", bulk("8589934593")),
        ("ZRANGE z 0 -1 WITHSCORES", bulks(&["b", "-5000000000", "a", "8589934593"])),
        ("ZCOUNT z 4294967296 +inf", int(1)),
        (
            "BITFIELD bf SET i64 0 -5000000000 GET i64 0 INCRBY i64 0 1 GET u32 32",
            array(&[int(0), int(-5000000000), int(-4999999999), int(3589934593)]),
        ),
        (
            &format!("BITFIELD bf OVERFLOW FAIL SET i64 0 {MAX} INCRBY i64 0 1"),
            array(&[int(-4999999999), Reply::Bulk(None)]),
        ),
        ("SET small 12345", ok()),
        ("OBJECT ENCODING small", bulk("int")),
        ("SET s31 -2147483648", ok()),
        ("OBJECT ENCODING s31", bulk("int")),
    ]);
    // Beyond 32 bits the encodings differ as documented for 32-bit builds
    // (a value is "int"-encoded only when it fits in a long): the WALI build
    // stores the digits, the 64-bit native build the number in the pointer
    // field. Either way the values above read back the same.
    let set = p.same(&["SET e64 -5000000000"]);
    assert_eq!(set, [ok()]);
    assert_eq!(p.cw.call(&["OBJECT", "ENCODING", "e64"]), bulk("embstr"));
    assert_eq!(p.cn.call(&["OBJECT", "ENCODING", "e64"]), bulk("int"));
    p.expect(&[("GET neg", bulk("-5000000001")), ("TYPE neg", Reply::Status("string".into()))]);
}

#[test]
fn redis_strings_lists_hashes_sets_and_sorted_sets() {
    let mut p = Pair::start("redis-types");
    p.expect(&[
        ("MSET a 1 b hello c world", ok()),
        ("MGET a b c nosuch", array(&[bulk("1"), bulk("hello"), bulk("world"), Reply::Bulk(None)])),
        ("APPEND b _there", int(11)),
        ("GETRANGE b 2 6", bulk("llo_t")),
        ("SETNX b other", int(0)),
        ("GETDEL c", bulk("world")),
        ("EXISTS c", int(0)),
        ("SET lcs1 ohmytext", ok()),
        ("SET lcs2 mynewtext", ok()),
        ("LCS lcs1 lcs2", bulk("mytext")),
        ("SETBIT bits 100 1", int(0)),
        ("BITCOUNT bits", int(1)),
        ("BITPOS bits 1", int(100)),
        ("PFADD hll a b c d e f g", int(1)),
        ("PFCOUNT hll", int(7)),
        ("RPUSH list a b c d", int(4)),
        ("LPUSH list z", int(5)),
        ("LINSERT list BEFORE c x", int(6)),
        ("LRANGE list 0 -1", bulks(&["z", "a", "b", "x", "c", "d"])),
        ("LPOS list c", int(4)),
        ("LMOVE list other RIGHT LEFT", bulk("d")),
        ("LTRIM list 1 2", ok()),
        ("LRANGE list 0 -1", bulks(&["a", "b"])),
        ("HSET hash f1 v1 f2 v2 f3 v3", int(3)),
        ("HGETALL hash", bulks(&["f1", "v1", "f2", "v2", "f3", "v3"])),
        ("HDEL hash f2", int(1)),
        ("HLEN hash", int(2)),
        ("OBJECT ENCODING hash", bulk("listpack")),
        ("SADD set x y z", int(3)),
        ("SADD set2 y z w", int(3)),
        ("SCARD set", int(3)),
        ("SINTERCARD 2 set set2", int(2)),
        ("ZADD zset 1.5 one 2.25 two 3 three 0.1 tenth", int(4)),
        (
            "ZRANGE zset 0 -1 WITHSCORES",
            bulks(&["tenth", "0.10000000000000001", "one", "1.5", "two", "2.25", "three", "3"]),
        ),
        ("ZINCRBY zset 0.2 tenth", bulk("0.30000000000000004")),
        ("ZRANK zset two", int(2)),
        ("ZRANGEBYSCORE zset (1.5 +inf", bulks(&["two", "three"])),
        ("ZADD lex 0 apple 0 banana 0 cherry", int(3)),
        ("ZRANGE lex [b [c BYLEX", bulks(&["banana"])),
        ("INCR list", err("WRONGTYPE Operation against a key holding the wrong kind of value")),
        ("NOSUCHCOMMAND x", err("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ")),
    ]);
    // Larger containers change encoding (quicklist nodes, hash tables,
    // skiplists); the replies of unordered ones are compared sorted.
    let fill: Vec<String> = (0..600)
        .flat_map(|i| {
            [
                format!("RPUSH biglist item{i}"),
                format!("HSET bighash field{i} {}", i * 3),
                format!("SADD bigset member{i}"),
                format!("SADD bigints {}", i as i64 * 10_000_000_019),
                format!("ZADD bigzset {} m{i}", (i as f64) / 7.0),
            ]
        })
        .collect();
    p.same(&fill.iter().map(String::as_str).collect::<Vec<_>>());
    p.expect(&[
        ("LLEN biglist", int(600)),
        ("LINDEX biglist 599", bulk("item599")),
        ("HGET bighash field599", bulk("1797")),
        ("OBJECT ENCODING bighash", bulk("hashtable")),
        ("OBJECT ENCODING bigset", bulk("hashtable")),
        ("OBJECT ENCODING bigints", bulk("hashtable")),
        (&format!("SISMEMBER bigints {}", 599 * 10_000_000_019i64), int(1)),
        ("OBJECT ENCODING bigzset", bulk("skiplist")),
        ("ZSCORE bigzset m300", bulk("42.857142857142854")),
    ]);
    p.same(&[
        "LRANGE biglist 100 120",
        "~HGETALL bighash",
        "~SMEMBERS bigset",
        "~SMEMBERS bigints",
        "~SINTER bigset set",
        "ZRANGE bigzset 0 -1 WITHSCORES",
        "ZRANGEBYSCORE bigzset 10 20 WITHSCORES",
        "ZUNIONSTORE zu 2 bigzset zset WEIGHTS 2 3",
        "ZRANGE zu 0 10 WITHSCORES",
        "SORT biglist ALPHA LIMIT 0 10",
        "DEBUG DIGEST",
    ]);
}

/// Fills a server through one pipeline: a few thousand keys of every type,
/// integers beyond 32 bits among them, some with expiry times far ahead.
fn fill_commands() -> Vec<String> {
    let mut commands = Vec::new();
    for i in 0..3000i64 {
        commands.push(format!("SET key:{i} {}", i * 4_294_967_311 - 6_000_000_000_000));
        if i % 10 == 0 {
            commands.push(format!("RPUSH list:{i} a {i} {}", i << 40));
            commands.push(format!("HSET hash:{i} n {i} big {} s x{i}", i << 33));
            commands.push(format!("SADD set:{i} {i} {} {}", -(i << 35), i + 1));
            commands.push(format!("ZADD zset:{i} {i}.25 a {} b", (i as f64) * 1e12));
            commands.push(format!("SET text:{i} value-{i}-{}", "x".repeat(i as usize % 200)));
        }
        if i % 100 == 0 {
            commands.push(format!("PEXPIREAT key:{i} {}", 4_102_444_800_000i64 + i));
        }
    }
    for i in 0..1500i64 {
        commands.push(format!("RPUSH biglist {}", i * 1_000_000_007));
        commands.push(format!("HSET bighash f{i} {i}"));
        commands.push(format!("SADD bigset s{i}"));
        commands.push(format!("ZADD bigzset {} z{i}", (i as f64).sqrt()));
    }
    commands
}

#[test]
fn redis_pipelined_thousands_of_keys_survive_save_and_restart() {
    let d = dirs("redis-persist");
    let crossed = dirs("redis-persist-crossed");
    let fill = fill_commands();
    let digest;
    {
        let mut p = Pair::start_in(&d.wasm, &d.native);
        let replies = p.same(&fill.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(replies.iter().all(|r| !matches!(r, Reply::Error(_))), "an error among {replies:?}");
        let keys: Vec<String> = (0..3000).map(|i| format!("key:{i}")).collect();
        let mut mget = vec!["MGET"];
        mget.extend(keys.iter().map(String::as_str));
        let w = p.cw.call(&mget);
        assert_eq!(w, p.cn.call(&mget), "MGET of 3000 keys differs");
        let Reply::Array(Some(values)) = &w else { panic!("{w:?}") };
        assert_eq!(values[2999].bulk(), (2999 * 4_294_967_311i64 - 6_000_000_000_000).to_string());
        assert_eq!(values[0].bulk(), "-6000000000000");
        p.expect(&[
            ("DBSIZE", int(3000 + 5 * 300 + 4)),
            ("PEXPIRETIME key:2900", int(4_102_444_800_000 + 2900)),
            ("LINDEX list:2990 2", bulk(&(2990i64 << 40).to_string())),
            ("HGET hash:2990 big", bulk(&(2990i64 << 33).to_string())),
            (&format!("SISMEMBER set:2990 {}", -(2990i64 << 35)), int(1)),
            ("ZSCORE zset:2990 b", bulk("2990000000000000")),
            ("LINDEX biglist -1", bulk("1499000010493")),
        ]);
        p.same(&["~KEYS key:29?", "SCAN 0 MATCH nosuch* COUNT 10000", "DEBUG DIGEST"]);
        digest = p.cw.call(&["DEBUG", "DIGEST"]);
        // DEBUG RELOAD saves and loads the RDB file inside the running server.
        p.expect(&[("DEBUG RELOAD", ok()), ("DEBUG DIGEST", digest.clone()), ("SAVE", ok())]);
        // BGSAVE writes the file in a forked child, which reports back
        // through a pipe and is reaped by the server.
        p.expect(&[("BGSAVE", Reply::Status("Background saving started".into()))]);
        for (conn, server) in [(&mut p.cw, &p.wasm), (&mut p.cn, &p.native)] {
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let info = conn.call(&["INFO", "persistence"]);
                let info = info.bulk();
                if info.contains("rdb_bgsave_in_progress:0") {
                    assert!(info.contains("rdb_last_bgsave_status:ok"), "{info}");
                    break;
                }
                assert!(Instant::now() < deadline, "BGSAVE did not finish on {}:\n{}", server.what(), server.log());
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(server.log().contains("Background saving terminated with success"), "{}", server.log());
        }
        // The files BGSAVE wrote, for each build to load the other's below.
        std::fs::copy(d.native.join("dump.rdb"), crossed.wasm.join("dump.rdb")).unwrap();
        std::fs::copy(d.wasm.join("dump.rdb"), crossed.native.join("dump.rdb")).unwrap();
        // SHUTDOWN SAVE writes the file once more on the way out.
        let Pair { wasm, native, .. } = p;
        wasm.shutdown();
        native.shutdown();
    }
    // Each server loads its own file again, then the other build's: the
    // RDB written by the 32-bit WALI build and by the 64-bit native build
    // hold the same data.
    for (wasm_dir, native_dir) in [(&d.wasm, &d.native), (&crossed.wasm, &crossed.native)] {
        let mut p = Pair::start_in(wasm_dir, native_dir);
        p.expect(&[
            ("DEBUG DIGEST", digest.clone()),
            ("DBSIZE", int(3000 + 5 * 300 + 4)),
            ("GET key:2999", bulk(&(2999 * 4_294_967_311i64 - 6_000_000_000_000).to_string())),
            ("PEXPIRETIME key:100", int(4_102_444_800_100)),
        ]);
        assert!(p.wasm.log().contains("DB loaded from disk"), "{}", p.wasm.log());
        assert!(p.native.log().contains("DB loaded from disk"), "{}", p.native.log());
    }
}

/// Redis starts write-back every 4 MB while it writes an RDB file
/// (`rdb-save-incremental-fsync`, on by default) with sync_file_range, and a
/// failure there fails the save: a 10 MB data set exercises it.
#[test]
fn redis_saves_a_data_set_larger_than_its_incremental_fsync_step() {
    let mut p = Pair::start("redis-large-save");
    // DEBUG POPULATE's values compress to almost nothing.
    p.expect(&[
        ("CONFIG SET rdbcompression no", ok()),
        ("DEBUG POPULATE 10000 big 1000", ok()),
        ("SAVE", ok()),
        ("DEBUG RELOAD", ok()),
        ("DBSIZE", int(10000)),
    ]);
    p.same(&["DEBUG DIGEST", "STRLEN big:9999"]);
    for server in [&p.wasm, &p.native] {
        let size = std::fs::metadata(server.dir.join("dump.rdb")).unwrap().len();
        assert!(size > 10_000_000, "{} wrote {size} bytes", server.what());
    }
}

#[test]
fn redis_expiry() {
    let mut p = Pair::start("redis-expire");
    // 2100-01-01: expiry times are 64-bit milliseconds, past 2038.
    p.expect(&[
        ("SET far v EXAT 4102444800", ok()),
        ("EXPIRETIME far", int(4102444800)),
        ("PEXPIRETIME far", int(4102444800000)),
        ("SET e v", ok()),
        ("TTL e", int(-1)),
        ("TTL nosuch", int(-2)),
        ("EXPIRE e 100 NX", int(1)),
        ("EXPIRE e 50 GT", int(0)),
        ("EXPIRE e 200 GT", int(1)),
        ("PERSIST e", int(1)),
        ("TTL e", int(-1)),
        ("EXPIRE e -1", int(1)),
        ("EXISTS e", int(0)),
        ("SET past v", ok()),
        ("PEXPIREAT past 1", int(1)),
        ("GET past", Reply::Bulk(None)),
        ("SET g v", ok()),
        ("GETEX g PXAT 4102444800123", bulk("v")),
        ("PEXPIRETIME g", int(4102444800123)),
        ("SET short v PX 200", ok()),
        ("SET keep v", ok()),
    ]);
    let ttl = p.cw.call(&["TTL", "far"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(matches!(ttl, Reply::Int(t) if (4102444800 - now - t).abs() <= 2), "TTL far: {ttl:?}");
    let temporary: Vec<String> = (0..1000).map(|i| format!("SET tmp:{i} {i} PX 300")).collect();
    p.same(&temporary.iter().map(String::as_str).collect::<Vec<_>>());
    std::thread::sleep(Duration::from_millis(600));
    p.expect(&[("GET short", Reply::Bulk(None)), ("EXISTS short tmp:1", int(0))]);
    // The keys nobody reads are removed by the active expiry cycle (10 times
    // a second): only far, g and keep remain.
    let deadline = Instant::now() + Duration::from_secs(20);
    while p.cw.call(&["DBSIZE"]) != int(3) || p.cn.call(&["DBSIZE"]) != int(3) {
        assert!(Instant::now() < deadline, "expired keys were not removed: {:?}", p.cw.call(&["DBSIZE"]));
        std::thread::sleep(Duration::from_millis(100));
    }
    p.same(&["~KEYS *"]);
}

/// Runs redis-cli.wasm with ARGS and STDIN against the server on WASM_PORT
/// and the native redis-cli the same way against the one on NATIVE_PORT
/// (both servers holding the same data), and requires the same stdout,
/// stderr and exit status; returns redis-cli.wasm's output.
fn clis_agree(wasm_port: u16, native_port: u16, args: &[&str], stdin: &str) -> Output {
    let cli = cli();
    let d = dirs("redis-cli");
    let with_port = |port: u16| {
        let mut all = vec!["-p".to_string(), port.to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        all
    };
    let (wasm_args, native_args) = (with_port(wasm_port), with_port(native_port));
    let w = run_wasm(&cli, &d.wasm, &wasm_args.iter().map(String::as_str).collect::<Vec<_>>(), stdin);
    let n = run_native(&cli, &d.native, &native_args.iter().map(String::as_str).collect::<Vec<_>>(), stdin);
    // Messages name the port.
    let (wout, werr) = (text(&w.stdout), text(&w.stderr).replace(&wasm_port.to_string(), "PORT"));
    assert_eq!(wout, text(&n.stdout), "stdout of redis-cli {args:?} (left: lamina)\n{werr}");
    assert_eq!(werr, text(&n.stderr).replace(&native_port.to_string(), "PORT"), "stderr of redis-cli {args:?}");
    assert_eq!(w.status.code(), n.status.code(), "exit status of redis-cli {args:?}");
    w
}

#[test]
fn redis_cli_wasm_and_native_print_the_same() {
    let p = Pair::start("redis-cli-servers");
    // The script leaves the server as it found it, so that each client can
    // run it in turn.
    let script = "SET n 4294967297\nINCRBY n 1\nGET n\nRPUSH l a b c\nLRANGE l 0 -1\nHSET h f v\nHGETALL h\n\
                  GET missing\nINCR l\nDEL n l h\n";
    let expected = "OK\n4294967298\n4294967298\n3\na\nb\nc\n1\nf\nv\n\n\
                    WRONGTYPE Operation against a key holding the wrong kind of value\n\n3\n";
    // redis-cli.wasm talks to the WALI server and the native client to the
    // native one, then the other way round.
    for (wasm_port, native_port) in [(p.wasm.port, p.native.port), (p.native.port, p.wasm.port)] {
        let agree = |args: &[&str], stdin: &str| text(&clis_agree(wasm_port, native_port, args, stdin).stdout);
        assert_eq!(agree(&[], script), expected);
        assert_eq!(agree(&["-x", "SET", "blob"], "line one\nline two\n"), "OK\n");
        assert_eq!(agree(&["GET", "blob"], ""), "line one\nline two\n\n");
        assert_eq!(agree(&["RPUSH", "nums", "-5000000000", "7"], ""), "2\n");
        assert_eq!(agree(&["--no-raw", "LRANGE", "nums", "0", "-1"], ""), "1) \"-5000000000\"\n2) \"7\"\n");
        assert_eq!(agree(&["--csv", "LRANGE", "nums", "0", "-1"], ""), "\"-5000000000\",\"7\"\n");
        assert_eq!(
            agree(&["-r", "3", "INCRBY", "counter", "5000000000"], ""),
            "5000000000\n10000000000\n15000000000\n"
        );
        assert_eq!(agree(&["--no-raw", "INCR", "blob"], ""), "(error) ERR value is not an integer or out of range\n");
        assert_eq!(agree(&["DEL", "blob", "nums", "counter"], ""), "3\n");
    }
    // A port nobody listens on: the same message and status from both.
    let closed = free_port();
    let refused = clis_agree(closed, closed, &["PING"], "");
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr),
        format!("Could not connect to Redis at 127.0.0.1:{closed}: Connection refused\n")
    );
}

/// The results of one test file of Redis's own suite.
#[derive(Debug)]
struct UnitResult {
    passed: Vec<String>,
    failed: Vec<String>,
    seconds: u64,
}

/// Runs Redis's own test suite (`./runtest`, Tcl) on the given test files in
/// the build tree of FLAVOR (build/apps/redis/wasm or native), whose
/// src/redis-server and src/redis-cli are that build's programs: for WALI
/// under `lamina binfmt exec`, so that the harness starts the .wasm modules
/// as it would native programs. One client, so that each file's results
/// come before its "done" line. Returns the output and each file's results.
fn own_suite(flavor: &str, units: &[&str], baseport: u16, limit: Duration) -> (String, Vec<(String, UnitResult)>) {
    server();
    let tree = repo().join("build/apps/redis").join(flavor);
    let mut cmd = if flavor == "wasm" {
        let mut cmd = lamina();
        cmd.args(["binfmt", "exec", "./runtest"]);
        cmd
    } else {
        Command::new("./runtest")
    };
    cmd.args(["--clients", "1", "--baseport", &baseport.to_string(), "--portcount", "500"]);
    for unit in units {
        cmd.args(["--single", unit]);
    }
    let log_path = dirs(&format!("redis-runtest-{flavor}")).native.join("runtest.log");
    let log = std::fs::File::create(&log_path).unwrap();
    // TERM without "xterm": no colour codes in the output.
    cmd.current_dir(&tree).env("TERM", "dumb").stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
    let mut suite = Group::spawn(cmd);
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = suite.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "./runtest {units:?} ({flavor}) did not finish within {limit:?}; output so far in {}",
            log_path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log_path).unwrap();
    assert!(status.success() || output.contains("[err]"), "./runtest ({flavor}) failed with {status}:\n{output}");
    let mut results = Vec::new();
    let mut current = UnitResult { passed: vec![], failed: vec![], seconds: 0 };
    for line in output.lines() {
        if let Some(test) = line.strip_prefix("[ok]: ") {
            // "NAME (N ms)": the duration is not part of the name.
            current.passed.push(test.rsplit_once(" (").map_or(test, |(name, _)| name).to_string());
        } else if line.starts_with("[err]: ") || line.starts_with("[exception]: ") {
            current.failed.push(line.to_string());
        } else if let Some(done) = line.split_once(" done]: ").map(|(_, rest)| rest) {
            let (unit, time) = done.split_once(" (").unwrap();
            let seconds = time.trim_end_matches(" seconds)").parse().unwrap();
            let finished = std::mem::replace(&mut current, UnitResult { passed: vec![], failed: vec![], seconds: 0 });
            results.push((unit.to_string(), UnitResult { seconds, ..finished }));
        }
    }
    (output, results)
}

/// Runs the test files on both builds and requires every test to pass on
/// the WALI build, the same tests as on the native build; prints a table of
/// the results (docs/apps.md has it).
fn own_suite_agrees(units: &[&str], baseport: u16, limit: Duration) {
    let (woutput, wasm) = own_suite("wasm", units, baseport, limit);
    let (noutput, native) = own_suite("native", units, baseport + 500, limit);
    let names = |results: &[(String, UnitResult)]| results.iter().map(|(unit, _)| unit.clone()).collect::<Vec<_>>();
    let mut expected: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    expected.sort();
    let (mut wnames, mut nnames) = (names(&wasm), names(&native));
    wnames.sort();
    nnames.sort();
    assert_eq!(wnames, expected, "test files run on WALI:\n{woutput}");
    assert_eq!(nnames, expected, "test files run natively:\n{noutput}");
    eprintln!("| test file | native: passed, failed, seconds | WALI: passed, failed, seconds |");
    for (unit, w) in &wasm {
        let n = &native.iter().find(|(u, _)| u == unit).unwrap().1;
        eprintln!(
            "| {unit} | {}, {}, {} | {}, {}, {} |",
            n.passed.len(),
            n.failed.len(),
            n.seconds,
            w.passed.len(),
            w.failed.len(),
            w.seconds
        );
        assert!(w.failed.is_empty(), "{unit} failed on WALI: {:?}\n{woutput}", w.failed);
        assert!(!w.passed.is_empty(), "{unit} ran no test on WALI:\n{woutput}");
        let (mut wp, mut np) = (w.passed.clone(), n.passed.clone());
        wp.sort();
        np.sort();
        assert_eq!(wp, np, "{unit}: the tests passed on WALI (left) and natively (right) differ");
    }
    assert!(woutput.contains("All tests passed without errors!"), "{woutput}");
}

#[test]
fn redis_own_tests_incr_string_and_set_pass() {
    own_suite_agrees(&["unit/type/incr", "unit/type/string", "unit/type/set"], 21100, Duration::from_secs(600));
}

/// Every file of tests/unit/type (about 2.5 minutes for the WALI build, 1.5
/// natively): cargo test --release --test app_redis -- --ignored
#[test]
#[ignore]
fn redis_own_tests_all_data_types_pass() {
    let units = [
        "unit/type/incr",
        "unit/type/string",
        "unit/type/set",
        "unit/type/list",
        "unit/type/list-2",
        "unit/type/list-3",
        "unit/type/hash",
        "unit/type/zset",
        "unit/type/stream",
        "unit/type/stream-cgroups",
    ];
    own_suite_agrees(&units, 22100, Duration::from_secs(3600));
}
