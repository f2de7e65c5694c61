#!/usr/bin/env python3
"""Application and server benchmarks: real programs built from Debian's
sources twice by apps/build.sh (natively with gcc and to WALI with lamina cc),
run side by side in the same session, native against `lamina run`:

- SQLite's speedtest1 (apps/recipes/speedtest1.sh), in memory and on a file;
  the time is speedtest1's own TOTAL;
- Lua 5.4 (our build) on the programs in bench/lua/;
- compression: xz, bzip2 and zlib's minigzip on a generated, deterministic
  mixed text/binary input, compressing and decompressing;
- a WASI peer: zlib's minigzip built for WASI (Debian's wasi-libc) run by
  wasmtime's own WASI (tools/wasmtime_wasi.py) and by Lamina's WASI layer;
- servers over loopback: bench/guests/echo_server.c driven by
  bench/guests/echo_load.c, bench/guests/http_server.c and lighttpd driven by
  Debian's wrk, redis-server driven by the native redis-benchmark.

Every benchmark checks its results (exit status, printed values, bytes
identical to the native build's, server responses) and stops with an error
otherwise. Samples of the native and the Lamina runs are interleaved, the
compile cache warmed first; the figure is the median of --runs samples.

Usage: python3 bench/apps.py [--runs N] [--only sqlite,lua,compress,wasi,servers] [--out FILE]
       (bench/run.py --only apps / --only servers runs the same tables)
Needs: apps/build.sh speedtest1 lua xz bzip2 zlib redis lighttpd, and `wrk`.
"""
import argparse
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAMINA = os.environ.get("LAMINA", os.path.join(ROOT, "target/x86_64-unknown-linux-gnu/release/lamina"))
LAMINA_CC = os.path.join(ROOT, "build/bin/lamina-cc")
APPS = os.path.join(ROOT, "build/apps/bin")
WASMTIME_WASI = [os.path.join(ROOT, ".venv/bin/python"), os.path.join(ROOT, "tools/wasmtime_wasi.py")]

# SQLite speedtest1: --size 100 takes about 2 s natively in memory.
SPEEDTEST1_SIZE = 100
# The published reference: TWINE (Ménétrey et al., 2021) ran speedtest1 under
# WAMR at 4.1x native time in memory and 3.7x on a file.
TWINE = {"memory": 4.1, "file": 3.7}

# Lua programs (bench/lua/NAME.lua ARG): what they do, and the first line of
# output they must print (None: whatever native Lua prints).
LUA = [
    ("fib", "32", "recursive fib(32): calls, integer arithmetic", "2178309"),
    ("binary_trees", "14", "binary trees of depth 4..14: small tables, GC", "stretch tree of depth 15\t check: 65535"),
    ("spectral_norm", "700", "spectral norm n=700: float loops over arrays", "1.274224139"),
    ("strings", "500000", "format, concat, gsub with a function, gmatch, sort", None),
]

# Compression: (name, program, compress args, decompress args).
COMPRESSORS = [
    ("xz -1", "xz", ["-1", "-T1", "-c"], ["-d", "-T1", "-c"]),
    ("bzip2 -9", "bzip2", ["-9", "-c"], ["-d", "-c"]),
    ("minigzip -6", "minigzip", ["-6"], ["-d"]),
]
INPUT_SIZE = 24 << 20

# Servers: wrk's threads and connections, and the duration of one sample.
WRK_THREADS, WRK_CONNS, WRK_SECONDS = 1, 32, 5
ECHO_LOAD = [("64 B", 32, 4000, 64), ("16 KiB", 8, 1500, 16384)]  # label, conns, rounds, size
REDIS_REQUESTS, REDIS_CONNS = 200000, 32
HTTP_FILE_SIZE = 128 << 10
HELLO = b"Hello, world\n"


def fail(message):
    raise SystemExit(f"bench/apps.py: {message}")


def need(path):
    if not os.path.exists(path):
        fail(f"{os.path.relpath(path, ROOT)} is missing: run apps/build.sh (see this script's docstring)")
    return path


def app(name):
    """The native and the WALI build of an application: (native, wasm)."""
    return need(os.path.join(APPS, name)), need(os.path.join(APPS, name + ".wasm"))


def run(cmd, stdin=None, stdout=subprocess.PIPE, cwd=None):
    """Runs CMD; returns (seconds, stdout bytes) and fails loudly on a non-zero status."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        p = subprocess.run(cmd, stdin=fin, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd)
        elapsed = time.perf_counter() - start
    finally:
        if stdin:
            fin.close()
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited with {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, p.stdout


def interleaved(variants, runs):
    """VARIANTS: {name: function returning one sample}; runs them in turn RUNS
    times and returns {name: median}."""
    samples = {name: [] for name in variants}
    for _ in range(runs):
        for name, sample in variants.items():
            samples[name].append(sample())
    return {name: statistics.median(s) for name, s in samples.items()}


def ratio(a, b):
    return f"{a / b:.2f}"


# ---------------------------------------------------------------- SQLite

def speedtest1_total(out):
    m = re.search(rb"TOTAL\.+\s+([0-9.]+)s", out)
    if not m:
        fail(f"speedtest1 printed no TOTAL line:\n{out.decode(errors='replace')[-2000:]}")
    return float(m.group(1))


def speedtest1_tests(out):
    """The names of the tests speedtest1 ran, in order (the times removed)."""
    return [re.sub(rb"\.*\s+[0-9.]+s$", b"", line) for line in out.splitlines() if re.match(rb"\s*\d+ - ", line)]


def sqlite_table(tmp, runs):
    native, wasm = app("speedtest1")
    run([LAMINA, "run", wasm, "--memdb", "--size", "1"])  # fill the compile cache
    lines = [
        f"| speedtest1 --size {SPEEDTEST1_SIZE} | native (s) | lamina (s) | lamina / native | TWINE's WAMR (published) |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode in ("memory", "file"):
        expected = []

        def sample(cmd, db):
            if os.path.exists(db):
                os.unlink(db)
            args = ["--memdb"] if mode == "memory" else [db]
            _, out = run([*cmd, "--size", str(SPEEDTEST1_SIZE), *args], cwd=tmp)
            tests = speedtest1_tests(out)
            if not tests:
                fail("speedtest1 ran no tests")
            if expected and tests != expected[0]:
                fail(f"speedtest1 ({mode}) under {cmd[0]} ran other tests than natively")
            expected.append(tests)
            return speedtest1_total(out)

        db_n, db_w = os.path.join(tmp, "st1-native.db"), os.path.join(tmp, "st1-lamina.db")
        t = interleaved({"native": lambda: sample([native], db_n), "lamina": lambda: sample([LAMINA, "run", wasm], db_w)}, runs)
        what = "in memory (--memdb)" if mode == "memory" else "on a file"
        lines.append(f"| {what} | {t['native']:.3f} | {t['lamina']:.3f} | {ratio(t['lamina'], t['native'])} | {TWINE[mode]}x |")
    return lines


# ---------------------------------------------------------------- Lua

def lua_table(tmp, runs):
    native, wasm = app("lua")
    run([LAMINA, "run", wasm, "-e", "print(1)"])
    lines = ["| Lua 5.4 | what | native (s) | lamina (s) | lamina / native |", "|---|---|---:|---:|---:|"]
    for name, arg, what, first in LUA:
        script = os.path.join(ROOT, "bench/lua", name + ".lua")
        outputs = {}

        def sample(flavor, cmd):
            elapsed, out = run([*cmd, script, arg])
            text = out.decode()
            if first is not None and text.splitlines()[:1] != [first]:
                fail(f"lua {name}.lua {arg} ({flavor}) printed {text[:200]!r}, expected {first!r} first")
            if outputs.setdefault("any", text) != text:
                fail(f"lua {name}.lua {arg}: Lamina's output differs from native's")
            return elapsed

        t = interleaved({"native": lambda: sample("native", [native]),
                         "lamina": lambda: sample("lamina", [LAMINA, "run", wasm])}, runs)
        lines.append(f"| {name}.lua {arg} | {what} | {t['native']:.3f} | {t['lamina']:.3f} | {ratio(t['lamina'], t['native'])} |")
    return lines


# ---------------------------------------------------------------- compression

def make_input(path, size=INPUT_SIZE):
    """A deterministic mixed input of SIZE bytes or a little more: log-like
    text lines, binary records, random (incompressible) blocks, and runs of
    repeated blocks, in turn."""
    if os.path.exists(path) and os.path.getsize(path) >= size:
        return path
    rng = random.Random(20261205)
    words = ("the quick brown fox jumps over lazy dog lamina wasm linux kernel syscall memory page table "
             "thread signal socket epoll buffer request response header value error").split()
    with open(path, "wb") as f:
        written, n = 0, 0
        while written < size:
            kind, n = n % 4, n + 1
            if kind == 0:
                chunk = "".join(
                    "%08d %s level=%s %s\n" % (n * 1000 + i, rng.choice(("GET", "PUT", "POST")),
                                               rng.choice(("info", "warn", "debug")),
                                               " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))))
                    for i in range(400)).encode()
            elif kind == 1:
                chunk = b"".join(struct.pack("<IHhd", n * 4096 + i, rng.randrange(1024), rng.randrange(-50, 50), i * 0.25)
                                 for i in range(2048))
            elif kind == 2:
                chunk = rng.randbytes(rng.randrange(4096, 32768))
            else:
                chunk = rng.randbytes(64) * rng.randint(16, 256) + bytes([n & 255]) * rng.randint(1000, 20000)
            f.write(chunk)
            written += len(chunk)
    return path


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def to_file(cmd, stdin, out):
    with open(out, "wb") as f:
        return run(cmd, stdin=stdin, stdout=f)[0]


def compression_table(tmp, runs):
    data = make_input(os.path.join(tmp, "input.dat"))
    size_mb = os.path.getsize(data) / 1e6
    lines = [
        f"| compression ({size_mb:.1f} MB mixed input) | native (s) | lamina (s) | lamina / native | output |",
        "|---|---:|---:|---:|---|",
    ]
    for name, program, comp, decomp in COMPRESSORS:
        native, wasm = app(program)
        run([LAMINA, "run", wasm, *comp], stdin=None)  # fill the compile cache (empty input)
        packed = {f: os.path.join(tmp, f"{program}-{f}.z") for f in ("native", "lamina")}
        unpacked = {f: os.path.join(tmp, f"{program}-{f}.out") for f in ("native", "lamina")}
        cmds = {"native": [native], "lamina": [LAMINA, "run", wasm]}
        tc = interleaved({f: (lambda f=f: to_file([*cmds[f], *comp], data, packed[f])) for f in cmds}, runs)
        if not same_file(packed["native"], packed["lamina"]):
            fail(f"{name}: Lamina's compressed output differs from native's")
        td = interleaved({f: (lambda f=f: to_file([*cmds[f], *decomp], packed["native"], unpacked[f])) for f in cmds}, runs)
        for f in cmds:
            if not same_file(unpacked[f], data):
                fail(f"{name} -d ({f}) did not give back the input")
        ratio_c = os.path.getsize(data) / os.path.getsize(packed["native"])
        lines.append(f"| {name} compress | {tc['native']:.3f} | {tc['lamina']:.3f} | {ratio(tc['lamina'], tc['native'])} | "
                     f"identical to native's ({ratio_c:.2f}:1) |")
        lines.append(f"| {name} decompress | {td['native']:.3f} | {td['lamina']:.3f} | {ratio(td['lamina'], td['native'])} | "
                     "identical to the input |")
        for f in list(packed.values()) + list(unpacked.values()):
            os.unlink(f)
    return lines


# ---------------------------------------------------------------- WASI peer

ZLIB_SOURCES = ["adler32", "crc32", "deflate", "infback", "inffast", "inflate", "inftrees", "trees", "zutil",
                "compress", "uncompr", "gzclose", "gzlib", "gzread", "gzwrite"]


def build_minigzip_wasi(tmp):
    """zlib's minigzip (Debian's zlib source, as apps/build.sh unpacks it)
    with Debian's wasi-libc, with the recipe's CFLAGS (-O3 -D_REENTRANT) and
    the macro zlib's configure defines on any Unix (Z_HAVE_UNISTD_H)."""
    src = need(os.path.join(ROOT, "build/apps/src/zlib"))
    out = os.path.join(tmp, "minigzip-wasi.wasm")
    run(["clang-22", "--target=wasm32-wasi", "-Wno-deprecated", "-O3", "-w", "-D_REENTRANT", "-DZ_HAVE_UNISTD_H",
         "-I", src, "-o", out, os.path.join(src, "test/minigzip.c"), *(os.path.join(src, s + ".c") for s in ZLIB_SOURCES)])
    return out


def wasi_table(tmp, runs):
    data = make_input(os.path.join(tmp, "input.dat"))
    native, wali = app("minigzip")
    wasi = build_minigzip_wasi(tmp)
    cmds = {
        "native": [native],
        "WALI, lamina": [LAMINA, "run", wali],
        "WASI, wasmtime": [*WASMTIME_WASI, wasi],
        "WASI, lamina": [LAMINA, "run", wasi],
    }
    run([LAMINA, "run", wasi, "-6"])
    run([LAMINA, "run", wali, "-6"])
    packed = os.path.join(tmp, "wasi-peer.gz")
    reference = os.path.join(tmp, "wasi-peer-native.gz")
    to_file([native, "-6"], data, reference)

    def sample(cmd, args, stdin, check):
        t = to_file([*cmd, *args], stdin, packed)
        if not same_file(packed, check):
            fail(f"{' '.join(cmd)} {' '.join(args)}: output differs from native's")
        return t

    empty = os.path.join(tmp, "empty")
    open(empty, "wb").close()
    start = interleaved({k: (lambda c=c: to_file([*c, "-6"], empty, os.devnull)) for k, c in cmds.items()}, runs)
    comp = interleaved({k: (lambda c=c: sample(c, ["-6"], data, reference)) for k, c in cmds.items()}, runs)
    decomp = interleaved({k: (lambda c=c: sample(c, ["-d"], reference, data)) for k, c in cmds.items()}, runs)
    lines = [
        "| minigzip, one C source | start (empty input, s) | compress -6 (s) | decompress (s) | compress / native | decompress / native |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k in cmds:
        # Start-up (wasmtime's includes Python and compiling the module: it
        # has no cache) is taken out of the ratios.
        c, d = comp[k] - start[k], decomp[k] - start[k]
        cn, dn = comp["native"] - start["native"], decomp["native"] - start["native"]
        lines.append(f"| {k} | {start[k]:.3f} | {comp[k]:.3f} | {decomp[k]:.3f} | {ratio(c, cn)} | {ratio(d, dn)} |")
    return lines


# ---------------------------------------------------------------- servers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process in its own session (killed with its whole process
    group on exit), ready once it prints "listening PORT" or, with PORT
    given, once the port accepts connections."""

    def __init__(self, cmd, port=None, cwd=None, log=None):
        self.cmd, self.port, self.cwd = cmd, port, cwd
        self.log = log or os.devnull

    def __enter__(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE if self.port is None else log,
                                         stderr=log, cwd=self.cwd, start_new_session=True)
        try:
            if self.port is None:
                line = self.proc.stdout.readline().decode()
                if not line.startswith("listening "):
                    fail(f"{' '.join(self.cmd)} did not start: {line!r}")
                self.port = int(line.split()[1])
            deadline = time.time() + 120
            while True:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.time() > deadline:
                        fail(f"{' '.join(self.cmd)} is not listening on {self.port} (status {self.proc.poll()})")
                    time.sleep(0.05)
        except BaseException:
            self.__exit__()
            raise
        return self

    def check_alive(self):
        status = self.proc.poll()
        if status is not None:
            with open(self.log, "rb") as log:
                tail = log.read()[-2000:].decode(errors="replace")
            fail(f"{' '.join(self.cmd)} died (status {status}); its log ends:\n{tail}")

    def __exit__(self, *exc):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def http_get(port, requests):
    """Sends REQUESTS (paths) on one keep-alive connection; returns [(status line, headers, body)]."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        f = s.makefile("rb")
        responses = []
        for i, path in enumerate(requests):
            last = i + 1 == len(requests)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: {'close' if last else 'keep-alive'}\r\n\r\n".encode())
            status = f.readline().decode().strip()
            headers = {}
            while True:
                line = f.readline().decode().strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = f.read(int(headers.get("content-length", "0")))
            responses.append((status, headers, body))
        return responses


def check_http(port, file_path, who):
    with open(file_path, "rb") as f:
        content = f.read()
    got = http_get(port, ["/", "/file.bin" if who.startswith("lighttpd") else "/file", "/", "/nothing-here"])
    statuses = [r[0].split()[1] if len(r[0].split()) > 1 else r[0] for r in got]
    if statuses != ["200", "200", "200", "404"] or got[0][2] != HELLO or got[1][2] != content or got[2][2] != HELLO:
        fail(f"{who}: wrong responses on one keep-alive connection: {[(r[0], r[2][:40]) for r in got]}")


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk(port, path):
    """One wrk run: (requests/s, p50 s, p99 s); fails on errors or non-2xx responses."""
    _, out = run(["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNS}", f"-d{WRK_SECONDS}s", "--latency",
                  f"http://127.0.0.1:{port}{path}"])
    text = out.decode()
    if "Non-2xx" in text or "Socket errors" in text:
        fail(f"wrk on {path}: errors:\n{text}")
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    pct = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([0-9.]+)(us|ms|s|m)\s*$", text, re.M)}
    return rps, pct["50"], pct["99"]


def echo_load(load, port, conns, rounds, size):
    _, out = run([load, str(port), str(conns), str(rounds), str(size)])
    m = re.search(rb"round-trips (\d+) seconds [0-9.]+ per-second ([0-9.]+) p50-us ([0-9.]+) p99-us ([0-9.]+)", out)
    if not m or int(m.group(1)) != conns * rounds:
        fail(f"echo_load: {out!r}")
    return float(m.group(2)), float(m.group(3)) * 1e-6, float(m.group(4)) * 1e-6


def resp(sock, *args):
    """Sends one Redis command, returns the raw reply line (and bulk body)."""
    sock.sendall(b"".join([f"*{len(args)}\r\n".encode()] + [f"${len(a)}\r\n{a}\r\n".encode() for a in args]))
    f = sock.makefile("rb")
    line = f.readline()
    if line.startswith(b"$") and not line.startswith(b"$-1"):
        return line + f.read(int(line[1:]) + 2)
    return line


def check_redis(port, who):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        if resp(s, "SET", "bench:key", "value-42") != b"+OK\r\n":
            fail(f"{who}: SET did not answer +OK")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        if resp(s, "GET", "bench:key") != b"$8\r\nvalue-42\r\n":
            fail(f"{who}: GET did not give back the value")


def redis_bench(bench, port):
    """One redis-benchmark run: {test: (requests/s, p50 s, p99 s)}."""
    _, out = run([bench, "-h", "127.0.0.1", "-p", str(port), "-c", str(REDIS_CONNS), "-n", str(REDIS_REQUESTS),
                  "-t", "set,get", "--csv"])
    rows = {}
    for line in out.decode().splitlines()[1:]:
        cells = [c.strip('"') for c in line.split(",")]
        # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        rows[cells[0]] = (float(cells[1]), float(cells[4]) * 1e-3, float(cells[6]) * 1e-3)
    if set(rows) != {"SET", "GET"}:
        fail(f"redis-benchmark: unexpected output {out!r}")
    return rows


def build_guest(tmp, name):
    """bench/guests/NAME.c with gcc -O2 and with lamina-cc -O2."""
    src = os.path.join(ROOT, "bench/guests", name + ".c")
    native, wasm = os.path.join(tmp, name), os.path.join(tmp, name + ".wasm")
    run(["gcc", "-O2", "-Wall", "-o", native, src])
    run([LAMINA_CC if os.path.exists(LAMINA_CC) else LAMINA, *([] if os.path.exists(LAMINA_CC) else ["cc"]),
         "-O2", "-Wall", "-o", wasm, src])
    return native, wasm


def compare_servers(runs, servers, load):
    """SERVERS: {flavor: running Server}; LOAD(port) -> (throughput, p50, p99)
    or {key: (...)}. Samples alternate between the flavors."""
    samples = {f: [] for f in servers}
    for _ in range(runs):
        for f, s in servers.items():
            s.check_alive()
            samples[f].append(load(s.port))
            s.check_alive()
    return samples


def median_of(samples):
    """[(thr, p50, p99)] -> medians of each."""
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def server_row(label, samples):
    """Medians, and the spread of the throughput ratio over the paired
    samples (each native sample and the Lamina one right after it)."""
    n, w = median_of(samples["native"]), median_of(samples["lamina"])
    paired = [b[0] / a[0] for a, b in zip(samples["native"], samples["lamina"])]
    return (f"| {label} | {n[0]:,.0f} | {w[0]:,.0f} | {w[0] / n[0]:.2f} | {min(paired):.2f}–{max(paired):.2f} | "
            f"{n[1] * 1e6:.0f} / {n[2] * 1e6:.0f} | {w[1] * 1e6:.0f} / {w[2] * 1e6:.0f} |")


def servers_table(tmp, runs):
    if not shutil.which("wrk"):
        fail("wrk is missing: apt-get install wrk")
    lines = [
        "| server (load) | native (req/s) | lamina (req/s) | lamina / native | paired ratios, min–max | "
        "native p50 / p99 (µs) | lamina p50 / p99 (µs) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    logs = os.path.join(tmp, "server.log")
    # Echo.
    echo_native, echo_wasm = build_guest(tmp, "echo_server")
    load, _ = build_guest(tmp, "echo_load")
    with Server([echo_native], log=logs) as n, Server([LAMINA, "run", echo_wasm], log=logs) as w:
        for label, conns, rounds, size in ECHO_LOAD:
            samples = compare_servers(runs, {"native": n, "lamina": w}, lambda p: echo_load(load, p, conns, rounds, size))
            lines.append(server_row(f"echo_server ({conns} conns x {rounds} round trips of {label}, echo_load)", samples))
    # HTTP.
    www = os.path.join(tmp, "www")
    os.makedirs(www, exist_ok=True)
    file_path = os.path.join(www, "file.bin")
    with open(make_input(os.path.join(tmp, "input.dat")), "rb") as src, open(file_path, "wb") as dst:
        dst.write(src.read(HTTP_FILE_SIZE))
    with open(os.path.join(www, "index.html"), "wb") as f:
        f.write(HELLO)
    http_native, http_wasm = build_guest(tmp, "http_server")
    wrk_what = f"wrk -t{WRK_THREADS} -c{WRK_CONNS} -d{WRK_SECONDS}s"
    with Server([http_native, file_path], log=logs) as n, Server([LAMINA, "run", http_wasm, file_path], log=logs) as w:
        for s, who in ((n, "http_server"), (w, "http_server.wasm")):
            check_http(s.port, file_path, who)
        for path, what in (("/", f"{len(HELLO)} B body"), ("/file", f"{HTTP_FILE_SIZE >> 10} KiB file, sendfile")):
            samples = compare_servers(runs, {"native": n, "lamina": w}, lambda p: wrk(p, path))
            lines.append(server_row(f"http_server GET {path} ({what}, {wrk_what})", samples))
    # lighttpd.
    lt_native, lt_wasm = app("lighttpd")
    ports = {"native": free_port(), "lamina": free_port()}
    confs = {}
    for f, port in ports.items():
        confs[f] = os.path.join(tmp, f"lighttpd-{f}.conf")
        with open(confs[f], "w") as c:
            c.write(f'server.document-root = "{www}"\nserver.bind = "127.0.0.1"\nserver.port = {port}\n'
                    f'server.modules = ("mod_staticfile")\nserver.errorlog = "{tmp}/lighttpd-{f}.log"\n'
                    'index-file.names = ("index.html")\nserver.max-keep-alive-requests = 1000000\n'
                    'mimetype.assign = (".html" => "text/html", "" => "application/octet-stream")\n')
    with Server([lt_native, "-D", "-f", confs["native"]], port=ports["native"], cwd=tmp, log=logs) as n, \
            Server([LAMINA, "run", lt_wasm, "-D", "-f", confs["lamina"]], port=ports["lamina"], cwd=tmp, log=logs) as w:
        for s, who in ((n, "lighttpd"), (w, "lighttpd.wasm")):
            check_http(s.port, file_path, who)
        for path, what in (("/", f"{len(HELLO)} B index.html"), ("/file.bin", f"{HTTP_FILE_SIZE >> 10} KiB file")):
            samples = compare_servers(runs, {"native": n, "lamina": w}, lambda p: wrk(p, path))
            lines.append(server_row(f"lighttpd GET {path} ({what}, {wrk_what})", samples))
    # Redis.
    redis_native, redis_wasm = app("redis-server")
    bench, _ = app("redis-benchmark")
    rdir = os.path.join(tmp, "redis")
    os.makedirs(rdir, exist_ok=True)
    ports = {"native": free_port(), "lamina": free_port()}
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", "."]
    with Server([redis_native, "--port", str(ports["native"]), *common], port=ports["native"], cwd=rdir, log=logs) as n, \
            Server([LAMINA, "run", "--argv0", "redis-server", redis_wasm, "--port", str(ports["lamina"]), *common],
                   port=ports["lamina"], cwd=rdir, log=logs) as w:
        for s, who in ((n, "redis-server"), (w, "redis-server.wasm")):
            check_redis(s.port, who)
        samples = compare_servers(runs, {"native": n, "lamina": w}, lambda p: redis_bench(bench, p))
        for test in ("SET", "GET"):
            per = {f: [s[test] for s in samples[f]] for f in samples}
            lines.append(server_row(f"redis-server {test} (redis-benchmark -c {REDIS_CONNS} -n {REDIS_REQUESTS})", per))
    return lines


# ---------------------------------------------------------------- driver

TABLES = {
    "sqlite": sqlite_table,
    "lua": lua_table,
    "compress": compression_table,
    "wasi": wasi_table,
    "servers": servers_table,
}
APP_TABLES = ["sqlite", "lua", "compress", "wasi"]


def tables(names, tmp, runs):
    """The markdown lines of the tables NAMES, with LAMINA_CACHE_DIR set by
    the caller (bench/run.py) or here."""
    os.environ.setdefault("LAMINA_CACHE_DIR", os.path.join(tmp, "cache"))
    lines = []
    for name in names:
        if lines:
            lines.append("")
        lines += TABLES[name](tmp, runs)
    return lines


def conditions(runs):
    load = os.getloadavg()
    return (f"Median of {runs} runs (native and Lamina samples interleaved), same session. Host: {platform.machine()}, "
            f"{os.cpu_count()} cores, Linux {platform.release()}; load average at the start "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default=",".join([*APP_TABLES, "servers"]),
                    help="comma-separated tables: " + ", ".join(TABLES))
    ap.add_argument("--out", help="also write the tables to this file")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n]
    for n in names:
        if n not in TABLES:
            ap.error(f"unknown table {n} (choose from {', '.join(TABLES)})")
    head = conditions(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        body = tables(names, tmp, args.runs)
    load = os.getloadavg()
    tail = f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}."
    report = "\n".join([head, "", *body, "", tail]) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
