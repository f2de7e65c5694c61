//! Real applications built from Debian's source packages by apps/build.sh:
//! Lua 5.4's interpreter and SQLite's shell, each compiled with the WALI
//! toolchain and natively with gcc from the same source. Every test runs both
//! builds the same way (same arguments, standard input, environment and
//! argv[0], in fresh directories) and requires the same stdout and exit
//! status, and checks facts of the output so that two identical failures
//! cannot pass. The policy tests at the end also run the WALI build alone in
//! a sandbox (`--dir`, `--ro-dir`, `--sandbox`), which has no native
//! counterpart, and assert its exact output. A build failure fails the tests.

mod support;

#[path = "support/apps.rs"]
mod apps;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use apps::*;
use support::{lamina, repo, scratch, text};

fn lua() -> &'static App {
    static LUA: OnceLock<App> = OnceLock::new();
    LUA.get_or_init(|| build("lua", "lua", "-v"))
}

fn sqlite() -> &'static App {
    static SQLITE: OnceLock<App> = OnceLock::new();
    SQLITE.get_or_init(|| build("sqlite", "sqlite3", "-version"))
}

/// Runs apps/lua/SCRIPT both ways, each from a copy in its directory (so
/// that messages naming the script do not depend on where the tree is);
/// returns its stdout.
fn lua_runs(script: &str, stdin: &str) -> String {
    let d = dirs(script);
    for dir in [&d.wasm, &d.native] {
        std::fs::copy(repo().join("apps/lua").join(script), dir.join(script)).unwrap();
    }
    same_ok(lua(), &d, &[script], stdin)
}

#[test]
fn lua_errors_pcall_error_objects_and_metamethods() {
    let out = lua_runs("errors.lua", "");
    assert_has(
        &out,
        &[
            "false\ttable\t42\tE(42)",
            "false\tbottom<1<2<3<4",
            "false | errors.lua:58: no addition for obj1",
            "b=inside close scope,a=inside close scope",
            "false\tstack overflow",
            "done\tC stack overflow",
            "end\tfalse\tC stack overflow",
        ],
    );
}

#[test]
fn lua_coroutines() {
    let out = lua_runs("coroutines.lua", "");
    assert_has(
        &out,
        &[
            "true\tfinished\t7",
            "24\tbcda\tdcab\tabcd",
            "false\ttable\tinside\t5\tdead",
            "false\tattempt to yield across a C-call boundary",
            "true\tdead\tclosed",
            "ALPHA,GAMMA,DELTA,EPSILON",
        ],
    );
}

#[test]
fn lua_string_library_and_format() {
    let out = lua_runs("strings.lua", "");
    assert_has(
        &out,
        &[
            "[   42] [42   ] [00042] [+42] [ 42] [ff] [FF] [0xff] [10] [A]",
            "[0x1p+0] [0x1.999999999999ap-4] [-0x1.4p+1] [0x1.922p+1]",
            "22\t-2\t513\tzs\tlen\t2.5\t255\t23",
            "100000\t0000100002\t1999920000\t2299",
        ],
    );
}

#[test]
fn lua_tables_sort_and_closures() {
    let out = lua_runs("tables.lua", "");
    assert_has(
        &out,
        &["dee19 bob25 eve25 ann31 cid31", "100000\t5000050000\t50000", "2880067194370816120\t91", "1\t3"],
    );
}

#[test]
fn lua_integer_and_float_math() {
    let out = lua_runs("math.lua", "");
    assert_has(
        &out,
        &[
            "3\t-4\t-4\t3\t1\t2\t-2\t-1",
            "1.4142135623730951 1e-150 2.7182818284590451 4.9406564584124654e-324 inf 2.3025850929940459 3 2 -inf",
            "50 76 86 54 64 0.9638973981 0.7109768966 0.2745569936 3570341730643388674 -8801378756440956393",
            "333333833333500000\t-3155660298114948096\tfalse\ttrue",
        ],
    );
}

#[test]
fn lua_os_dates_and_file_io() {
    let out = lua_runs("os_io.lua", "line one\nline two\nthree\n");
    assert_has(
        &out,
        &[
            "1234567890\t2009-02-13 23:31:30 Fri Friday Feb February 044 5 06 06 09 PM 11 %",
            "1234567890",
            "UTC\tnil",
            "16384\ttrue\t0\t255\t255",
            "nil\tdoes/not/exist.txt: No such file or directory\t2",
            "stdin:\tline one\t15\t2",
            "nil\t29",
        ],
    );
}

#[test]
fn lua_os_execute_and_popen_run_child_processes() {
    let out = lua_runs("processes.lua", "");
    assert_eq!(
        out,
        "true\ntrue\texit\t0\nnil\texit\t3\nnil\tsignal\t9\nfrom a child: UTC\ntrue\texit\t0\n\
         a\tb\tnil\tnil\texit\t5\n2 4 6 8 10\ntrue\texit\t0\n100000\ntrue\n210\n"
    );
}

#[test]
fn lua_compute_heavy_loop() {
    let out = lua_runs("compute.lua", "");
    assert_eq!(
        out,
        "sieve\t41538\t499979\nfannkuch\t1616\t22\t40320\nnbody\t-0.169075164 -0.169078071\nstrings\t3681347108\t5003\n"
    );
}

#[test]
fn lua_exit_status_uncaught_errors_and_stdin_scripts() {
    let app = lua();
    let d = dirs("lua-exit");
    for (args, code) in [
        (&["-e", "os.exit(3)"][..], 3),
        (&["-e", "os.exit(false)"], 1),
        (&["-e", "io.write('partial '); os.exit(true, true)"], 0),
    ] {
        let (w, _) = same(app, &d, args, "");
        assert_eq!(w.status.code(), Some(code), "lua {args:?}");
    }
    let top = same_failure(app, &d, &["-e", "error('top level')"], "");
    assert!(top.starts_with("lua: (command line):1: top level\nstack traceback:\n"), "{top}");
    assert!(same_failure(app, &d, &["-e", "error({})"], "").starts_with("lua: (error object is a table value)\n"));
    let custom = "error(setmetatable({}, {__tostring = function() return 'custom' end}))";
    assert_eq!(same_failure(app, &d, &["-e", custom], ""), "lua: custom\n");
    same_failure(app, &d, &["-e", "coroutine.wrap(function() error('in coroutine') end)()"], "");
    same_failure(app, &d, &["-e", "x ="], "");
    assert_eq!(
        same_failure(app, &d, &["no-such-script.lua"], ""),
        "lua: cannot open no-such-script.lua: No such file or directory\n"
    );
    // A script read from standard input, and data read from it after -e.
    let script = "print(#arg, arg[0], ...) io.write(io.read('a'))";
    assert_eq!(same_ok(app, &d, &["-", "a", "b"], script), "2\t-\ta\tb\n");
    assert_eq!(same_ok(app, &d, &["-e", "print(io.read('n', 'n', 'l'))"], "12 3.5 rest\n"), "12\t3.5\t rest\n");
}

fn sqlite_script(name: &str) -> String {
    format!(".read {}", repo().join("apps/sqlite").join(name).display())
}

#[test]
fn sqlite_file_database_persists_across_runs() {
    let app = sqlite();
    let d = dirs("sqlite-file");
    let created = same_ok(app, &d, &["test.db", &sqlite_script("create.sql")], "");
    assert!(
        created.starts_with("50000|2506234400|251|99999\n2005|5|2019-01-01|2022-10-25\n500|149700\nok\n"),
        "{created}"
    );
    let queried = same_ok(app, &d, &["test.db", &sqlite_script("queries.sql")], "");
    for expected in [
        "`--SEARCH orders USING COVERING INDEX orders_by_customer (customer_id=?)",
        "Glasgow  10001   501326125  50127.6  ",
        "5,\"Émile\",Paris",
        "│ 2  │ Brian │ Glasgow │",
        "{\"id\":2,\"name\":\"Brian\",\"joined\":\"2020-03-01\",\"missing\":null,\"half\":2.5}]",
        "INSERT INTO customers_copy(id,name,city) VALUES(5,'Émile','Paris');",
        "WebAssembly | ...stack-based [virtual] machine",
        "2024-02-29 | 2009-02-13 23:31:30 | 2009-044 23:31:30.123 | 2451545.0 | 2024-03-02 | 2147483648 | 10:30:00 | 2000-03-01",
        "10|1|49990",
    ] {
        assert!(queried.lines().any(|l| l == expected), "missing {expected:?} in:\n{queried}");
    }
    let verified = same_ok(app, &d, &["test.db", &sqlite_script("verify.sql")], "");
    assert_eq!(
        verified,
        "ok\n4096\n49990|2505639759|25014596576\n2005|24930|Beijing,Glasgow,London,Oslo,Paris\nalpha|6\nbeta|1\n\
         1152324\n7133\ncustomers_by_name\norders_by_customer\nsqlite_autoindex_counters_1\n0\nok\n49990\n"
    );
    // The same statements leave the same bytes in the file.
    let (w, n) = (std::fs::read(d.wasm.join("test.db")).unwrap(), std::fs::read(d.native.join("test.db")).unwrap());
    assert!(w.len() > 1 << 20 && w == n, "database files differ ({} and {} bytes)", w.len(), n.len());
}

#[test]
fn sqlite_reads_sql_piped_on_stdin() {
    let app = sqlite();
    let d = dirs("sqlite-pipe");
    let setup = "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER);\n\
                 BEGIN;\n\
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)\n\
                 INSERT INTO kv SELECT 'key' || i, i * i FROM n;\n\
                 COMMIT;\n\
                 SELECT count(*), sum(v) FROM kv;\n";
    assert_eq!(same_ok(app, &d, &["pipe.db"], setup), "1000|333833500\n");
    let query = ".headers on\n.mode csv\nSELECT k, v FROM kv WHERE v % 97 = 0 ORDER BY v DESC LIMIT 3;\n\
                 .mode list\nSELECT length(group_concat(k)) AS len FROM kv;\n";
    assert_eq!(
        same_ok(app, &d, &["pipe.db"], query),
        "k,v\r\nkey970,940900\r\nkey873,762129\r\nkey776,602176\r\nlen\n6892\n"
    );
    let options =
        same_ok(app, &d, &["-csv", "-header", "-cmd", ".nullvalue none", "pipe.db"], "SELECT NULL AS n, 1;\n");
    assert_eq!(options, "n,1\nnone,1\n");
}

#[test]
fn sqlite_errors_and_exit_status() {
    let app = sqlite();
    let d = dirs("sqlite-errors");
    for dir in [&d.wasm, &d.native] {
        std::fs::write(dir.join("not-a-db"), "plain text, not a database\n").unwrap();
    }
    same_ok(app, &d, &["err.db", "CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1);"], "");
    let unique = same_failure(app, &d, &["-bail", "err.db", "INSERT INTO u VALUES (1);"], "");
    assert_eq!(unique, "Error: stepping, UNIQUE constraint failed: u.x (19)\n");
    let script = "SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 2;\n";
    assert_eq!(text(&same(app, &d, &["err.db"], script).0.stdout), "1\n2\n");
    assert_eq!(text(&same(app, &d, &["-bail", "err.db"], script).0.stdout), "1\n");
    same_failure(app, &d, &["err.db"], script);
    let (exit, _) = same(app, &d, &["err.db"], "SELECT 'before';\n.exit 7\nSELECT 'after';\n");
    assert_eq!((exit.status.code(), text(&exit.stdout).as_str()), (Some(7), "before\n"));
    same_failure(app, &d, &["err.db", "SELECT 1 +;"], "");
    let not_db = same_failure(app, &d, &["not-a-db", "SELECT * FROM sqlite_schema;"], "");
    assert!(not_db.contains("file is not a database"), "{not_db}");
    let no_dir = same_failure(app, &d, &["no-such-dir/x.db", "SELECT 1;"], "");
    assert!(no_dir.contains("unable to open database"), "{no_dir}");
    let readonly = same_failure(app, &d, &["-readonly", "err.db", "INSERT INTO u VALUES (2);"], "");
    assert!(readonly.contains("attempt to write a readonly database"), "{readonly}");
    same_failure(app, &d, &["err.db", ".no-such-command"], "");
    same_failure(app, &d, &["-no-such-option"], "");
}

/// How many threads a run of `lamina --strace-summary` saw exit.
fn threads_exited(summary: &str) -> u64 {
    let row = summary.lines().find(|l| l.split_whitespace().last() == Some("exit"));
    row.and_then(|l| l.split_whitespace().nth(3)).map_or(0, |calls| calls.parse().unwrap())
}

#[test]
fn sqlite_sorts_with_worker_threads() {
    let app = sqlite();
    let d = dirs("sqlite-threads");
    // A sort far larger than the page cache is merged from temporary files
    // by up to PRAGMA threads worker threads.
    let sql = "PRAGMA threads = 4;\nPRAGMA cache_size = 20;\nCREATE TABLE t (k TEXT, v INTEGER);\n\
               WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)\n\
               INSERT INTO t SELECT printf('%08x', (i * 2654435761) % 4294967296), i FROM n;\n\
               SELECT count(*), sum(v * (r % 1000)) FROM (SELECT v, row_number() OVER (ORDER BY k DESC) AS r FROM t);\n\
               CREATE INDEX t_k ON t (k);\nSELECT k, v FROM t ORDER BY k LIMIT 2;\nPRAGMA integrity_check;\n";
    let out = same_ok(app, &d, &["sort.db"], sql);
    assert_eq!(out, "4\n100000|2497458029982\n00011507|61495\n00014222|10946\nok\n");
    let summary = d.wasm.join("summary.txt");
    let mut cmd = lamina();
    cmd.arg("run").arg(format!("--strace-summary={}", summary.display())).arg(&app.wasm);
    cmd.args(["sort2.db", sql]).current_dir(&d.wasm);
    let traced = run(cmd, "");
    assert_eq!(text(&traced.stdout), out, "{}", text(&traced.stderr));
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(threads_exited(&summary) > 0, "the sort ran without worker threads:\n{summary}");
}

#[test]
fn sqlite_write_ahead_log() {
    let app = sqlite();
    let d = dirs("sqlite-wal");
    let first = "PRAGMA journal_mode = WAL;\nCREATE TABLE t (x INTEGER);\n\
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t SELECT i FROM n;\n\
                 SELECT count(*), sum(x) FROM t;\n";
    assert_eq!(same_ok(app, &d, &["wal.db"], first), "wal\n5000|12502500\n");
    let second = "PRAGMA journal_mode;\nINSERT INTO t SELECT x + 5000 FROM t;\nSELECT count(*), sum(x) FROM t;\n\
                  PRAGMA wal_checkpoint(TRUNCATE);\nPRAGMA integrity_check;\n";
    assert_eq!(same_ok(app, &d, &["wal.db"], second), "wal\n10000|50005000\n0|0|0\nok\n");
}

// ---------------------------------------------------------------------------
// The same programs under a policy. Each test runs a scenario sandboxed,
// where everything outside the grants must fail with the program's own
// message for EACCES (Landlock's answer), with the program's exit status and
// no crash, and leave the outside untouched; and then without any policy
// (lamina and native, compared as above), where the same accesses succeed
// and change the outside, so that the refusals are the sandbox's doing.

/// `run_wasm` with the sandbox flags POLICY before the module.
fn run_policy(app: &App, dir: &Path, policy: &[&dyn AsRef<OsStr>], args: &[&str], stdin: &str) -> Output {
    let mut cmd = lamina();
    cmd.arg("run").args(["--argv0", app.name, "--env", TZ]).args(policy);
    cmd.arg(&app.wasm).args(args).current_dir(dir);
    run(cmd, stdin)
}

/// A run's stdout, stderr and exit status (None if it died of a signal).
fn outcome(out: &Output) -> (String, String, Option<i32>) {
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

/// The names in DIR, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut all: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    all.sort();
    all
}

/// The files in DIR with their contents, sorted by name.
fn files(dir: &Path) -> Vec<(String, String)> {
    names(dir).into_iter().map(|n| (n.clone(), std::fs::read_to_string(dir.join(&n)).unwrap())).collect()
}

fn owned(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files.iter().map(|&(n, c)| (n.to_owned(), c.to_owned())).collect()
}

/// Run from the jail (the current directory) with `../outside` beside it:
/// works inside, then tries the outside by every route Lua has (a relative
/// path, a symlink in the jail, an absolute path, the directory itself,
/// remove, rename into the jail, a shell), printing what each returns; the
/// last line opens the outside with `assert`, which ends the script.
const JAIL_LUA: &str = r#"local f = assert(io.open("notes.txt", "w"))
f:write("first line\n", 42, "\n")
f:close()
f = assert(io.open("notes.txt", "a"))
f:write("appended\n")
f:close()
for line in io.lines("notes.txt") do print("inside", line) end
print("rename inside", os.rename("notes.txt", "kept.txt"))
assert(io.open("trash.txt", "w")):close()
print("remove inside", os.remove("trash.txt"))
local function outside(what, use, f, err, code)
  if f then print(what, use(f)) f:close() else print(what, f, err, code) end
end
local function read(f) return f:read("l") end
local function append(f) return f:write("appended by lua\n") == f and "written" end
outside("read", read, io.open("../outside/secret.txt"))
outside("append", append, io.open("../outside/secret.txt", "a"))
outside("create", append, io.open("../outside/new.txt", "w"))
outside("directory", read, io.open("../outside"))
outside("symlink", read, io.open("link-to-secret.txt"))
outside("absolute", function() return "readable" end, io.open("/etc/passwd"))
local ok, lines = pcall(io.lines, "../outside/secret.txt")
print("lines", ok, ok and lines() or lines)
print("remove", os.remove("../outside/doomed.txt"))
print("rename", os.rename("../outside/movable.txt", "moved-in.txt"))
print("execute", os.execute("true"))
outside("popen", read, io.popen("echo from a shell"))
io.write("last: ", assert(io.open("../outside/secret.txt")):read("a"))
"#;

const LUA_OUTSIDE: [(&str, &str); 3] =
    [("doomed.txt", "doomed\n"), ("movable.txt", "movable\n"), ("secret.txt", "top secret\n")];

/// ROOT/jail (the script, and link-to-secret.txt -> ../outside/secret.txt)
/// and ROOT/outside (LUA_OUTSIDE); returns the jail.
fn lua_jail_tree(root: &Path) -> PathBuf {
    let (jail, outside) = (root.join("jail"), root.join("outside"));
    std::fs::create_dir(&jail).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(jail.join("jail.lua"), JAIL_LUA).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", jail.join("link-to-secret.txt")).unwrap();
    for (name, contents) in LUA_OUTSIDE {
        std::fs::write(outside.join(name), contents).unwrap();
    }
    jail
}

#[test]
fn lua_under_a_dir_policy_works_inside_and_fails_cleanly_outside() {
    let app = lua();
    let inside = "inside\tfirst line\ninside\t42\ninside\tappended\nrename inside\ttrue\nremove inside\ttrue\n";

    let root = scratch("lua-policy");
    let jail = lua_jail_tree(&root);
    let out = run_policy(app, &jail, &[&"--dir", &jail], &["jail.lua"], "");
    let last = 1 + JAIL_LUA.lines().position(|l| l.starts_with("io.write(\"last: \"")).unwrap();
    assert_eq!(
        outcome(&out),
        (
            format!(
                "{inside}\
                 read\tnil\t../outside/secret.txt: Permission denied\t13\n\
                 append\tnil\t../outside/secret.txt: Permission denied\t13\n\
                 create\tnil\t../outside/new.txt: Permission denied\t13\n\
                 directory\tnil\t../outside: Permission denied\t13\n\
                 symlink\tnil\tlink-to-secret.txt: Permission denied\t13\n\
                 absolute\tnil\t/etc/passwd: Permission denied\t13\n\
                 lines\tfalse\tcannot open file '../outside/secret.txt' (Permission denied)\n\
                 remove\tnil\t../outside/doomed.txt: Permission denied\t13\n\
                 rename\tnil\tPermission denied\t13\n\
                 execute\tnil\tPermission denied\t13\n\
                 popen\tnil\techo from a shell: Permission denied\t13\n"
            ),
            format!(
                "lua: jail.lua:{last}: ../outside/secret.txt: Permission denied\nstack traceback:\n\
                 \t[C]: in function 'assert'\n\tjail.lua:{last}: in main chunk\n\t[C]: in ?\n"
            ),
            Some(1)
        ),
        "lamina --dir {}",
        jail.display()
    );
    assert_eq!(files(&root.join("outside")), owned(&LUA_OUTSIDE), "the outside changed");
    assert_eq!(names(&jail), ["jail.lua", "kept.txt", "link-to-secret.txt"]);
    assert_eq!(std::fs::read_to_string(jail.join("kept.txt")).unwrap(), "first line\n42\nappended\n");

    // --sandbox alone, and no --allow-exec: the shell behind os.execute and
    // io.popen cannot be executed. musl's system() then returns -1 with
    // posix_spawn's error in errno, which os.execute reports as Lua's usual
    // nil, message, errno, and io.popen fails the same way.
    let shell = "print(os.execute('true')) local p, e = io.popen('true') print(p and p:close() or e)";
    assert_eq!(
        outcome(&run_policy(app, &root, &[&"--sandbox"], &["-e", shell], "")),
        ("nil\tPermission denied\t13\ntrue: Permission denied\n".to_owned(), String::new(), Some(0))
    );

    // Without a policy the same script reaches everything, as natively.
    let d = Dirs {
        wasm: lua_jail_tree(&scratch("lua-no-policy-wasm")),
        native: lua_jail_tree(&scratch("lua-no-policy-native")),
    };
    let (w, _) = same(app, &d, &["jail.lua"], "");
    assert_eq!(
        (text(&w.stdout), w.status.code()),
        (
            format!(
                "{inside}read\ttop secret\nappend\twritten\ncreate\twritten\ndirectory\tnil\tIs a directory\t21\n\
                 symlink\ttop secret\nabsolute\treadable\nlines\ttrue\ttop secret\nremove\ttrue\nrename\ttrue\n\
                 execute\ttrue\texit\t0\npopen\tfrom a shell\nlast: top secret\nappended by lua\n"
            ),
            Some(0)
        ),
        "{}",
        text(&w.stderr)
    );
    assert_eq!(same_ok(app, &d, &["-e", shell], ""), "true\texit\t0\ntrue\n");
    for jail in [&d.wasm, &d.native] {
        let reached = owned(&[("new.txt", "appended by lua\n"), ("secret.txt", "top secret\nappended by lua\n")]);
        assert_eq!(files(&jail.parent().unwrap().join("outside")), reached);
        assert_eq!(names(jail), ["jail.lua", "kept.txt", "link-to-secret.txt", "moved-in.txt"]);
    }
}

/// ROOT/jail, ROOT/outside (empty) and ROOT/ro holding r.db, made by the
/// native build; returns the jail.
fn sqlite_jail_tree(app: &App, root: &Path) -> PathBuf {
    for dir in ["jail", "outside", "ro"] {
        std::fs::create_dir(root.join(dir)).unwrap();
    }
    let create = "CREATE TABLE t (x INTEGER, name TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');";
    let made = run_native(app, &root.join("ro"), &["r.db", create], "");
    assert!(made.status.success(), "cannot create r.db:\n{}", text(&made.stderr));
    root.join("jail")
}

/// One run of the shell in the SQLite policy test: its arguments and
/// standard input; its stdout, stderr and exit status in the sandbox; its
/// stdout and exit status without a policy.
struct Step<'a> {
    args: Vec<&'a str>,
    stdin: &'a str,
    sandboxed: (&'a str, &'a str, i32),
    open: (&'a str, i32),
}

impl<'a> Step<'a> {
    /// `-init /dev/null` stands for ~/.sqliterc: in the sandbox the shell
    /// cannot read /etc/passwd to find the home directory, and would say so
    /// on stderr.
    fn shell_args(&self) -> Vec<&'a str> {
        [&["-init", "/dev/null"][..], &self.args].concat()
    }
}

#[test]
fn sqlite_under_a_policy_works_in_dir_reads_ro_dir_and_fails_cleanly_outside() {
    let app = sqlite();
    let in_jail = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\
                   INSERT INTO notes (body) VALUES ('written in the jail'), ('second');\
                   SELECT id, body FROM notes;";
    let open_outside = "SELECT count(*) FROM notes;\n.open ../outside/y.db\nCREATE TABLE stolen (x);\n\
                        INSERT INTO stolen VALUES ('from the jail');\nSELECT x FROM stolen;\n";
    let unable =
        |db: &str| format!("Error: unable to open database \"../outside/{db}\": unable to open database file\n");
    let (unable_x, unable_y) = (unable("x.db"), unable("y.db"));
    let steps = [
        Step {
            args: vec!["jail.db", in_jail],
            stdin: "",
            sandboxed: ("1|written in the jail\n2|second\n", "", 0),
            open: ("1|written in the jail\n2|second\n", 0),
        },
        // A database outside named on the command line: nothing is created.
        Step {
            args: vec!["../outside/x.db", "CREATE TABLE made (x); SELECT 'made outside';"],
            stdin: "",
            sandboxed: ("", &unable_x, 1),
            open: ("made outside\n", 0),
        },
        // .open of a database outside: the shell carries on with an
        // in-memory database, so the statements after it run, but nothing
        // reaches the outside.
        Step {
            args: vec!["jail.db"],
            stdin: open_outside,
            sandboxed: ("2\nfrom the jail\n", &unable_y, 0),
            open: ("2\nfrom the jail\n", 0),
        },
        // The --ro-dir database: SQLite's open for reading and writing is
        // refused, it falls back to read-only and reads, and the write fails
        // with what the native build prints for a database file its user may
        // not write (the same text, and status 8, SQLITE_READONLY); the shell
        // stops at the failing argument.
        Step {
            args: vec![
                "../ro/r.db",
                "SELECT sum(x), group_concat(name) FROM t;",
                "INSERT INTO t VALUES (4, 'four');",
                "SELECT sum(x) FROM t;",
            ],
            stdin: "",
            sandboxed: ("6|one,two,three\n", "Error: stepping, attempt to write a readonly database (8)\n", 8),
            open: ("6|one,two,three\n10\n", 0),
        },
    ];

    let root = scratch("sqlite-policy");
    let jail = sqlite_jail_tree(app, &root);
    let (ro, outside) = (root.join("ro"), root.join("outside"));
    let ro_db = std::fs::read(ro.join("r.db")).unwrap();
    for step in &steps {
        let args = step.shell_args();
        let out = run_policy(app, &jail, &[&"--dir", &jail, &"--ro-dir", &ro], &args, step.stdin);
        let (stdout, stderr, status) = step.sandboxed;
        assert_eq!(
            outcome(&out),
            (stdout.to_owned(), stderr.to_owned(), Some(status)),
            "sqlite3 {args:?} with --dir {} --ro-dir {}",
            jail.display(),
            ro.display()
        );
    }
    assert!(names(&outside).is_empty(), "created outside: {:?}", names(&outside));
    assert_eq!(names(&ro), ["r.db"]);
    assert!(std::fs::read(ro.join("r.db")).unwrap() == ro_db, "the --ro-dir database changed");
    assert_eq!(names(&jail), ["jail.db"]);

    // Without a policy every step succeeds, as natively.
    let d = Dirs {
        wasm: sqlite_jail_tree(app, &scratch("sqlite-no-policy-wasm")),
        native: sqlite_jail_tree(app, &scratch("sqlite-no-policy-native")),
    };
    for step in &steps {
        let (w, _) = same(app, &d, &step.shell_args(), step.stdin);
        let (stdout, status) = step.open;
        assert_eq!((text(&w.stdout).as_str(), w.status.code()), (stdout, Some(status)), "{}", text(&w.stderr));
    }
    for jail in [&d.wasm, &d.native] {
        let root = jail.parent().unwrap();
        assert_eq!(names(&root.join("outside")), ["x.db", "y.db"]);
        assert!(std::fs::read(root.join("ro/r.db")).unwrap() != ro_db, "the database was not written");
    }
}
