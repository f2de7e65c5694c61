//! lighttpd 1.4.69 (Debian's `lighttpd` source, its documented static build),
//! built by apps/build.sh with the WALI toolchain and natively with gcc. Each
//! test starts both builds on the same document tree (files with fixed
//! times, so dates and ETags agree), sends them the same requests over TCP
//! and requires the same responses (status line, headers but Date, body);
//! known facts of the responses are checked too, and lighttpd's own tests
//! run with both builds.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use apps::*;
use support::{lamina, repo, text};

fn lighttpd() -> &'static App {
    static LIGHTTPD: OnceLock<App> = OnceLock::new();
    LIGHTTPD.get_or_init(|| build("lighttpd", "lighttpd", "-v"))
}

/// 2021-06-15 12:00:00 UTC, every file's and directory's time.
fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_623_758_400)
}

/// A file of `len` bytes that are not all alike (a linear congruential
/// sequence), so that a misplaced block shows.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

/// The document tree: an index page, a 3 MB file, a directory to list.
fn docroot(dir: &Path) -> PathBuf {
    let root = dir.join("www");
    std::fs::create_dir_all(root.join("files/sub")).unwrap();
    std::fs::write(root.join("index.html"), "<html><body>hello from lighttpd</body></html>\n").unwrap();
    std::fs::write(root.join("big.bin"), pattern(3 << 20)).unwrap();
    std::fs::write(root.join("files/notes.txt"), "some notes\n".repeat(100)).unwrap();
    std::fs::write(root.join("files/data.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(root.join("files/sub/deep.txt"), "deep\n").unwrap();
    for path in
        ["index.html", "big.bin", "files/notes.txt", "files/data.csv", "files/sub/deep.txt", "files/sub", "files"]
    {
        let file = std::fs::File::open(root.join(path)).unwrap();
        file.set_modified(fixed_time()).unwrap();
    }
    root
}

/// A running server, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts one build on a fresh document tree in `dir`, with directory
/// listings on, and waits until it accepts connections.
fn start(wasm: bool, dir: &Path) -> Server {
    let app = lighttpd();
    let root = docroot(dir);
    let port = free_port();
    let conf = dir.join("lighttpd.conf");
    std::fs::write(
        &conf,
        format!(
            r#"server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {port}
server.modules = ("mod_dirlisting", "mod_staticfile")
server.errorlog = "{dir}/error.log"
index-file.names = ("index.html")
dir-listing.activate = "enable"
etag.use-inode = "disable"
mimetype.assign = (".html" => "text/html", ".txt" => "text/plain", ".csv" => "text/csv", "" => "application/octet-stream")
"#,
            root = root.display(),
            dir = dir.display()
        ),
    )
    .unwrap();
    let mut cmd = if wasm {
        let mut cmd = lamina();
        cmd.arg("run").arg(&app.wasm);
        cmd
    } else {
        Command::new(&app.native)
    };
    cmd.arg("-D").arg("-f").arg(&conf).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::null());
    let child = cmd.stderr(Stdio::null()).spawn().unwrap();
    let mut server = Server { child, port, log: dir.join("error.log") };
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("lighttpd ({}) exited with {status}: {}", if wasm { "WALI" } else { "native" }, log(&server));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("lighttpd did not start listening on {port}: {}", log(&server));
}

fn log(server: &Server) -> String {
    std::fs::read_to_string(&server.log).unwrap_or_default()
}

/// One HTTP response: status line, headers (without Date), body.
#[derive(Debug, PartialEq)]
struct Response {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Reads one response to a request with `method` from `reader`.
fn read_response(reader: &mut BufReader<TcpStream>, method: &str) -> Response {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        if !name.eq_ignore_ascii_case("date") {
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    let mut response = Response { status: status.trim_end().to_owned(), headers, body: Vec::new() };
    if method == "HEAD" || response.status.contains(" 304 ") {
        return response;
    }
    if response.header("Transfer-Encoding") == Some("chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            response.body.extend_from_slice(&chunk[..size]);
            if size == 0 {
                break;
            }
        }
    } else {
        let len: usize = response.header("Content-Length").expect("no length").parse().unwrap();
        response.body = vec![0; len];
        reader.read_exact(&mut response.body).unwrap();
    }
    response
}

/// Sends `requests` (method, path, extra header lines) on one connection,
/// one after the other, and returns the responses.
fn exchange(port: u16, requests: &[(&str, &str, &str)]) -> Vec<Response> {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut responses = Vec::new();
    for (i, (method, path, extra)) in requests.iter().enumerate() {
        let connection = if i + 1 == requests.len() { "close" } else { "keep-alive" };
        write!(writer, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: {connection}\r\n{extra}\r\n")
            .unwrap();
        responses.push(read_response(&mut reader, method));
    }
    responses
}

/// Starts both builds, runs `requests` against each (on one connection) and
/// requires the same responses; returns them.
fn same_responses(test: &str, requests: &[(&str, &str, &str)]) -> Vec<Response> {
    let d = dirs(test);
    let wasm = start(true, &d.wasm);
    let native = start(false, &d.native);
    let from_wasm = exchange(wasm.port, requests);
    let from_native = exchange(native.port, requests);
    for ((w, n), request) in from_wasm.iter().zip(&from_native).zip(requests) {
        assert_eq!(w.status, n.status, "{request:?}\nWALI log: {}", log(&wasm));
        assert_eq!(w.headers, n.headers, "{request:?}");
        assert!(w.body == n.body, "{request:?}: bodies differ ({} and {} bytes)", w.body.len(), n.body.len());
    }
    from_wasm
}

#[test]
fn lighttpd_serves_static_files_404_and_head() {
    let responses = same_responses(
        "lighttpd-static",
        &[
            ("GET", "/", ""),
            ("GET", "/big.bin", ""),
            ("GET", "/missing.html", ""),
            ("HEAD", "/big.bin", ""),
            ("GET", "/files/notes.txt", ""),
            ("GET", "/big.bin", "Range: bytes=1000-1999\r\n"),
            ("GET", "/../../etc/passwd", ""),
        ],
    );
    assert_eq!(responses[0].status, "HTTP/1.1 200 OK");
    assert_eq!(text(&responses[0].body), "<html><body>hello from lighttpd</body></html>\n");
    assert_eq!(responses[0].header("Content-Type"), Some("text/html"));
    assert_eq!(responses[0].header("Last-Modified"), Some("Tue, 15 Jun 2021 12:00:00 GMT"));
    assert!(responses[1].body == pattern(3 << 20), "the 3 MB file came back changed");
    assert_eq!(responses[2].status, "HTTP/1.1 404 Not Found");
    assert_eq!(responses[3].header("Content-Length"), Some("3145728"));
    assert!(responses[3].body.is_empty());
    assert_eq!(responses[4].body.len(), 1100);
    assert_eq!(responses[5].status, "HTTP/1.1 206 Partial Content");
    assert!(responses[5].body == pattern(2000)[1000..], "wrong range");
    assert_eq!(responses[6].status, "HTTP/1.1 404 Not Found", "escaped the document root");
}

#[test]
fn lighttpd_keep_alive_conditional_requests_and_directory_listing() {
    let responses = same_responses(
        "lighttpd-keepalive",
        &[
            ("GET", "/index.html", ""),
            ("GET", "/index.html", "If-Modified-Since: Tue, 15 Jun 2021 12:00:00 GMT\r\n"),
            ("GET", "/files/", ""),
            ("GET", "/files", ""),
            ("GET", "/files/sub/deep.txt", ""),
        ],
    );
    let etag = responses[0].header("ETag").expect("no ETag").to_owned();
    assert_eq!(responses[1].status, "HTTP/1.1 304 Not Modified");
    assert_eq!(responses[1].header("ETag"), Some(etag.as_str()));
    let listing = text(&responses[2].body);
    for entry in ["notes.txt", "data.csv", "sub/", "Index of /files/", "2021-Jun-15 12:00:00"] {
        assert!(listing.contains(entry), "{entry} missing from the listing:\n{listing}");
    }
    assert_eq!(responses[3].status, "HTTP/1.1 301 Moved Permanently");
    assert_eq!(text(&responses[4].body), "deep\n");
}

/// Eight clients at once, each fetching the 3 MB file twice on one
/// connection, from the WALI build; every copy must be whole.
#[test]
fn lighttpd_serves_concurrent_clients() {
    let d = dirs("lighttpd-concurrent");
    let wasm = start(true, &d.wasm);
    let native = start(false, &d.native);
    let expected = pattern(3 << 20);
    for server in [&wasm, &native] {
        let port = server.port;
        let clients: Vec<_> = (0..8)
            .map(|_| std::thread::spawn(move || exchange(port, &[("GET", "/big.bin", ""), ("GET", "/big.bin", "")])))
            .collect();
        for client in clients {
            for response in client.join().unwrap() {
                assert_eq!(response.status, "HTTP/1.1 200 OK");
                assert!(response.body == expected, "a client got a changed copy");
            }
        }
    }
}

/// What a run of lighttpd's `make check` reports: each test program's
/// result (src/t unit tests, run-tests.pl), the failed subtests of
/// tests/*.t, and the number of subtests.
fn check_summary(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| {
            if let Some(at) = l.find("PASS: ").or_else(|| l.find("FAIL: ")) {
                Some(l[at..].trim().to_owned())
            } else if l.contains("Failed tests:") {
                Some(l.trim().to_owned())
            } else if l.starts_with("Files=") {
                // "Files=4, Tests=224," without the times after it.
                Some(l.split_inclusive(',').take(2).collect())
            } else {
                None
            }
        })
        .collect()
}

/// lighttpd's own tests (`make check`: the unit tests of src/t, and
/// tests/*.t: request.t, core-condition.t, mod-fastcgi.t, mod-scgi.t, 224
/// subtests), natively and with the WALI build (its unit tests, server and
/// FastCGI/SCGI test responders are WALI modules) executed through `lamina
/// binfmt exec`: both report the same. The same 8 subtests of request.t fail
/// in both, mod_deflate's, which need zlib and bzip2, left out of this build
/// (`--without-zlib`; bzip2 is off by default). Takes some 10 seconds.
#[test]
fn lighttpd_own_test_suite() {
    lighttpd();
    let root = repo();
    let mut summaries = Vec::new();
    for (flavor, via_binfmt) in [("native", false), ("wasm", true)] {
        let mut cmd = make_command(via_binfmt);
        let dir = root.join("build/apps/lighttpd").join(flavor);
        let out = cmd.arg("-C").arg(&dir).arg("check").output().unwrap();
        let log = format!("{}{}", text(&out.stdout), text(&out.stderr));
        std::fs::write(dir.join("check.log"), &log).unwrap();
        summaries.push(check_summary(&log));
    }
    let expected = [
        "PASS: t/test_common",
        "PASS: t/test_configfile",
        "PASS: t/test_mod",
        "Failed tests:  139-145, 147",
        "Files=4, Tests=224,",
        "FAIL: run-tests.pl",
        "PASS: prepare.sh",
        "PASS: cleanup.sh",
    ];
    for line in expected {
        assert!(summaries[0].iter().any(|l| l == line), "native: no {line:?} in {:#?}", summaries[0]);
    }
    assert_eq!(summaries[1], summaries[0], "WALI (left) and native (right) test results differ");
}
