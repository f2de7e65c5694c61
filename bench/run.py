#!/usr/bin/env python3
"""Lamina benchmarks: each guest built natively (gcc -O2) and to WALI
(clang-22 -O2), run side by side in the same session; reports median wall
time over several runs and the Lamina/native ratio.

The libc benchmarks (bench/guests/libc.c, timed inside the program) are
built three ways: gcc with glibc, musl-gcc (Debian's musl-tools: the same
musl release our port starts from, natively) and `lamina cc` with our
sysroot ($LAMINA_SYSROOT selects another one, e.g. an older build to compare).

The WASI benchmarks (bench/guests/wasi.c, timed inside the program) are built
with Debian's wasi-libc (clang-22 --target=wasm32-wasi) and natively, and the
one WASI binary is run by Lamina (through its WASI layer) and by wasmtime's
own WASI (PyPI `wasmtime`, tools/wasmtime_wasi.py), each in a scratch
directory preopened as ".".

The application and server benchmarks are bench/apps.py's (real programs
built by apps/build.sh; --only apps / --only servers runs just them).

Usage (after scripts/setup.sh):  python3 bench/run.py [--runs N] [--only core|libc|wasi|apps|servers] [--out bench/results.md]
(--only core: the runtime's own costs, startup, system calls, latencies and safe points.)
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time

import apps as app_bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "tests/guests/include")
LAMINA = os.environ.get("LAMINA", os.path.join(ROOT, "target/x86_64-unknown-linux-gnu/release/lamina"))
WALI_FLAGS = ["--target=wasm32-unknown-linux-muslwali", "-nostdlib", "-O2", "-matomics", "-mbulk-memory",
              "-Wl,--shared-memory", "-Wl,--export-memory", "-Wl,--max-memory=2147483648"]

# Whole-process benchmarks: wall time of the process, median of the runs.
BENCHMARKS = [
    ("startup", "../../tests/guests/hello.c", [], "process start to exit (compile cache warm)"),
    ("syscalls", "syscalls.c", ["1000000"], "1M getppid + 1M fstat round trips"),
    ("io", "io.c", [], "1 GiB written to /dev/null + 1 GiB read from /dev/zero, 64 KiB chunks"),
    ("compute", "compute.c", [], "sieve over 4 MiB x8 + 200M-step hash loop, no syscalls"),
]

# Latency benchmarks timed inside the program ("ns-per-op: N"), median of the runs.
LATENCIES = [
    ("getppid", "getppid.c", [], "one getppid: the syscall round trip with no memory argument"),
    ("pipe", "pipe.c", [], "write 8 bytes to a pipe + read them back (two syscalls with a guest buffer)"),
    ("fork", "fork.c", [], "fork + child exit + wait4, one round"),
    ("fork 32 MiB", "fork.c", ["32"], "fork + child exit + wait4 with a 32 MiB heap written before"),
    ("thread spawn", "spawn.c", [], "spawn call to the first instruction of the new thread"),
    ("mmap", "mmap.c", [], "mmap + touch every page + munmap of 64 KiB anonymous memory"),
    ("signal", "signal.c", [], "kill to self to the first instruction of the handler"),
]

# libc hot spots: `libc MODE` prints "ns-per-op: N" (see bench/guests/libc.c).
LIBC = [
    ("strtod", "strtod", "strtod of 17-digit (%.17g) and short (%g) numbers, 1e-30..1e30"),
    ("printf %.17g", "printf17", "snprintf %.17g of a double"),
    ("printf %g", "printfg", "snprintf %g of a double"),
    ("qsort random", "qsort-random", "qsort of 100000 random ints, per element"),
    ("qsort sorted", "qsort-sorted", "qsort of 100000 ascending ints, per element"),
    ("qsort reversed", "qsort-reversed", "qsort of 100000 descending ints, per element"),
    ("qsort equal", "qsort-equal", "qsort of 100000 ints of 4 values, per element"),
    ("regex literal", "regex-literal", "regexec `ERROR` on a 100-byte log line"),
    ("regex class", "regex-class", "regexec `[a-z]+[0-9]*@[a-z]+\\.(com\\|net)` on a log line"),
    ("regex groups", "regex-groups", "regexec `^([0-9]+)-([0-9]+)-([0-9]+) .*took ([0-9]+)ms$`, 4 submatches"),
]
MUSL_GCC = os.environ.get("MUSL_GCC", "musl-gcc")

# WASI: `wasi MODE` prints "ns-per-op: N" (see bench/guests/wasi.c).
WASI = [
    ("files", "64 KiB write + read, cycling over a 64 MiB file"),
    ("small", "create, write 100 bytes, close, stat, unlink a file"),
    ("compute", "4 MiB sieve + 50M-step hash loop, no system calls"),
]
WASMTIME_WASI = [os.path.join(ROOT, ".venv/bin/python"), os.path.join(ROOT, "tools/wasmtime_wasi.py")]

# What signal safe points cost: the compute benchmark (the tightest loops)
# and Lamina's Lua build running fib(32) (call-heavy code through an
# interpreter's dispatch loop) with the checks Lamina adds to every path that
# repeats code, and without them (`--no-safe-points`, a benchmarking switch:
# handlers then run only at calls).
SAFE_POINTS = ("compute", "compute.c", [])
SAFE_POINTS_LUA = ("Lua fib(32)", "build/apps/bin/lua.wasm", ["bench/lua/fib.lua", "32"])


def build(src, out_dir, name):
    src = os.path.normpath(os.path.join(ROOT, "bench/guests", src))
    wasm, native = os.path.join(out_dir, name + ".wasm"), os.path.join(out_dir, name)
    subprocess.run(["clang-22", *WALI_FLAGS, "-I", INCLUDE, src, "-o", wasm], check=True)
    subprocess.run(["gcc", "-O2", "-w", "-I", INCLUDE, src, "-o", native], check=True)
    return wasm, native


def build_libc(out_dir):
    """bench/guests/libc.c with glibc, with native musl, and for WALI."""
    if not shutil.which(MUSL_GCC):
        raise SystemExit(f"bench: {MUSL_GCC} not found: install musl-tools (scripts/setup.sh) or set MUSL_GCC")
    src = os.path.join(ROOT, "bench/guests/libc.c")
    glibc, musl, wasm = (os.path.join(out_dir, "libc-" + n) for n in ("glibc", "musl", "lamina.wasm"))
    subprocess.run(["gcc", "-O2", "-w", src, "-o", glibc], check=True)
    subprocess.run([MUSL_GCC, "-static", "-O2", "-w", src, "-o", musl], check=True)
    subprocess.run([LAMINA, "cc", "-O2", "-w", src, "-o", wasm], check=True)
    return glibc, musl, wasm


def wasi_table(out_dir, runs):
    """bench/guests/wasi.c natively, under wasmtime's WASI and under Lamina's."""
    src = os.path.join(ROOT, "bench/guests/wasi.c")
    native, wasm = os.path.join(out_dir, "wasi"), os.path.join(out_dir, "wasi.wasm")
    subprocess.run(["gcc", "-O2", "-w", src, "-o", native], check=True)
    subprocess.run(["clang-22", "--target=wasm32-wasi", "-Wno-deprecated", "-O2", "-w", src, "-o", wasm], check=True)
    scratch = os.path.join(out_dir, "wasi-scratch")
    os.makedirs(scratch, exist_ok=True)
    preopen = ["--dir", f"{scratch}::."]
    subprocess.run([LAMINA, "run", *preopen, wasm, "compute"], check=True, stdout=subprocess.DEVNULL)
    lines = [
        "| WASI | what | native (µs) | wasmtime (µs) | lamina (µs) | lamina / wasmtime | lamina / native |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for mode, what in WASI:
        n = inner_ns([native, mode], runs, cwd=scratch)
        t = inner_ns([*WASMTIME_WASI, *preopen, wasm, mode], runs)
        w = inner_ns([LAMINA, "run", *preopen, wasm, mode], runs)
        lines.append(f"| {mode} | {what} | {n / 1000:.1f} | {t / 1000:.1f} | {w / 1000:.1f} | {w / t:.2f} | {w / n:.2f} |")
    return lines


def timed(cmd, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def inner_ns(cmd, runs, cwd=None):
    samples = []
    for _ in range(runs):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=cwd).stdout
        samples.append(float(next(l for l in out.splitlines() if l.startswith("ns-per-op:")).split()[1]))
    return statistics.median(samples)


def core_tables(tmp, runs):
    """The runtime's own costs: whole programs, latencies of single
    operations, and what signal safe points cost."""
    rows = []
    for name, src, argv, what in BENCHMARKS:
        wasm, native = build(src, tmp, name)
        subprocess.run([LAMINA, wasm, *argv], check=True, stdout=subprocess.DEVNULL)  # fill the cache
        rows.append((name, what, timed([native, *argv], runs), timed([LAMINA, wasm, *argv], runs)))
    name, src, argv = SAFE_POINTS
    wasm, _ = build(src, tmp, name)
    subprocess.run([LAMINA, "--no-safe-points", wasm, *argv], check=True, stdout=subprocess.DEVNULL)
    safe_points = [(name, timed([LAMINA, wasm, *argv], runs), timed([LAMINA, "--no-safe-points", wasm, *argv], runs))]
    name, module, argv = SAFE_POINTS_LUA
    lua = [LAMINA, os.path.join(ROOT, module), *(os.path.join(ROOT, a) if a.endswith(".lua") else a for a in argv)]
    subprocess.run(lua, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([LAMINA, "--no-safe-points", *lua[1:]], check=True, stdout=subprocess.DEVNULL)
    safe_points.append((name, timed(lua, runs), timed([LAMINA, "--no-safe-points", *lua[1:]], runs)))
    latencies = []
    for name, src, argv, what in LATENCIES:
        wasm, native = build(src, tmp, name.replace(" ", "_"))
        subprocess.run([LAMINA, wasm, *argv], check=True, stdout=subprocess.DEVNULL)
        latencies.append((name, what, inner_ns([native, *argv], runs), inner_ns([LAMINA, wasm, *argv], runs)))
    return [
        "| benchmark | what | native (s) | lamina (s) | lamina / native |",
        "|---|---|---:|---:|---:|",
        *(f"| {name} | {what} | {n:.4f} | {w:.4f} | {w / n:.2f} |" for name, what, n, w in rows),
        "",
        "| latency | what | native (µs) | lamina (µs) | lamina / native |",
        "|---|---|---:|---:|---:|",
        *(f"| {name} | {what} | {n / 1000:.1f} | {w / 1000:.1f} | {w / n:.2f} |" for name, what, n, w in latencies),
        "",
        "| signal safe points | with (s) | without (s) | overhead |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {on:.4f} | {off:.4f} | {100 * (on / off - 1):+.1f}% |" for name, on, off in safe_points),
    ]


def libc_tables(tmp, runs):
    """The C library against glibc and native musl, timed inside the program."""
    glibc, musl, wasm = build_libc(tmp)
    subprocess.run([LAMINA, wasm, "strtod"], check=True, stdout=subprocess.DEVNULL)
    lines = [
        "| libc | what | glibc (ns) | musl (ns) | lamina (ns) | lamina / glibc | lamina / musl |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, mode, what in LIBC:
        g, m, w = (inner_ns([glibc, mode], runs), inner_ns([musl, mode], runs), inner_ns([LAMINA, wasm, mode], runs))
        lines.append(f"| {name} | {what} | {g:.0f} | {m:.0f} | {w:.0f} | {w / g:.2f} | {w / m:.2f} |")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", choices=["core", "libc", "wasi", "apps", "servers"],
                    help="run only these benchmarks and print their tables")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LAMINA_CACHE_DIR"] = os.path.join(tmp, "cache")
        if args.only in ("apps", "servers"):
            names = app_bench.APP_TABLES if args.only == "apps" else ["servers"]
            print("\n".join([app_bench.conditions(args.runs), "", *app_bench.tables(names, tmp, args.runs)]))
            return
        only = {"core": core_tables, "libc": libc_tables, "wasi": wasi_table}.get(args.only)
        if only:
            print("\n".join(only(tmp, args.runs)))
            return
        tables = [wasi_table(tmp, args.runs), libc_tables(tmp, args.runs),
                  app_bench.tables([*app_bench.APP_TABLES, "servers"], tmp, args.runs), core_tables(tmp, args.runs)]
    wasi_lines, libc_lines, app_lines, core_lines = tables
    lines = [
        f"Median of {args.runs} runs, same session. Host: {platform.machine()}, {os.cpu_count()} cores, "
        f"Linux {platform.release()}.",
        "",
        *core_lines,
        "",
        *libc_lines,
        "",
        *wasi_lines,
        "",
        *app_lines,
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write("# Lamina benchmark results\n\nReproduce: `python3 bench/run.py --out bench/results.md` "
                    "(after `bash scripts/setup.sh`).\n\n" + report)


if __name__ == "__main__":
    main()
