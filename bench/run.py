#!/usr/bin/env python3
"""Lamina benchmarks: each guest built natively (gcc -O2) and to WALI
(clang-22 -O2), run side by side in the same session; reports median wall
time over several runs and the Lamina/native ratio.

Usage (after scripts/setup.sh):  python3 bench/run.py [--runs N] [--out bench/results.md]
"""
import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "tests/guests/include")
LAMINA = os.environ.get("LAMINA", os.path.join(ROOT, "target/release/lamina"))
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
    ("fork", "fork.c", "fork + child exit + wait4, one round"),
    ("thread spawn", "spawn.c", "spawn call to the first instruction of the new thread"),
    ("mmap", "mmap.c", "mmap + touch every page + munmap of 64 KiB anonymous memory"),
    ("signal", "signal.c", "kill to self to the first instruction of the handler"),
]

# What signal safe points cost: the compute benchmark with the epoch checks
# Lamina puts at loop headers and function entries, and without them
# (`--no-safe-points`, a benchmarking switch: handlers then run only at calls).
SAFE_POINTS = ("compute", "compute.c", [])


def build(src, out_dir, name):
    src = os.path.normpath(os.path.join(ROOT, "bench/guests", src))
    wasm, native = os.path.join(out_dir, name + ".wasm"), os.path.join(out_dir, name)
    subprocess.run(["clang-22", *WALI_FLAGS, "-I", INCLUDE, src, "-o", wasm], check=True)
    subprocess.run(["gcc", "-O2", "-w", "-I", INCLUDE, src, "-o", native], check=True)
    return wasm, native


def timed(cmd, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def inner_ns(cmd, runs):
    samples = []
    for _ in range(runs):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        samples.append(int(next(l for l in out.splitlines() if l.startswith("ns-per-op:")).split()[1]))
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env_cache = os.path.join(tmp, "cache")
        os.environ["LAMINA_CACHE_DIR"] = env_cache
        for name, src, argv, what in BENCHMARKS:
            wasm, native = build(src, tmp, name)
            subprocess.run([LAMINA, wasm, *argv], check=True, stdout=subprocess.DEVNULL)  # fill the cache
            t_native = timed([native, *argv], args.runs)
            t_lamina = timed([LAMINA, wasm, *argv], args.runs)
            rows.append((name, what, t_native, t_lamina))
        name, src, argv = SAFE_POINTS
        wasm, _ = build(src, tmp, name)
        subprocess.run([LAMINA, "--no-safe-points", wasm, *argv], check=True, stdout=subprocess.DEVNULL)
        safe_points = (timed([LAMINA, wasm, *argv], args.runs),
                       timed([LAMINA, "--no-safe-points", wasm, *argv], args.runs))
        latencies = []
        for name, src, what in LATENCIES:
            wasm, native = build(src, tmp, name.replace(" ", "_"))
            subprocess.run([LAMINA, wasm], check=True, stdout=subprocess.DEVNULL)
            latencies.append((name, what, inner_ns([native], args.runs), inner_ns([LAMINA, wasm], args.runs)))
    lines = [
        f"Median of {args.runs} runs, same session. Host: {platform.machine()}, {os.cpu_count()} cores, "
        f"Linux {platform.release()}.",
        "",
        "| benchmark | what | native (s) | lamina (s) | lamina / native |",
        "|---|---|---:|---:|---:|",
    ]
    for name, what, n, w in rows:
        lines.append(f"| {name} | {what} | {n:.4f} | {w:.4f} | {w / n:.2f} |")
    lines += [
        "",
        "| latency | what | native (µs) | lamina (µs) | lamina / native |",
        "|---|---|---:|---:|---:|",
    ]
    for name, what, n, w in latencies:
        lines.append(f"| {name} | {what} | {n / 1000:.1f} | {w / 1000:.1f} | {w / n:.2f} |")
    on, off = safe_points
    lines += [
        "",
        "| signal safe points | with (s) | without (s) | overhead |",
        "|---|---:|---:|---:|",
        f"| {SAFE_POINTS[0]} | {on:.4f} | {off:.4f} | {100 * (on / off - 1):+.1f}% |",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write("# Lamina benchmark results\n\nReproduce: `python3 bench/run.py --out bench/results.md` "
                    "(after `bash scripts/setup.sh`).\n\n" + report)


if __name__ == "__main__":
    main()
