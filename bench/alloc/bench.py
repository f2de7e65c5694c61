#!/usr/bin/env python3
"""The allocator comparison (docs/toolchain.md, "The allocator"): every round
runs every command once (interleaved, so load from other work spreads over
all variants); prints the median of ROUNDS rounds as a Markdown table.
Usage: bench/alloc/bench.py [ROUNDS [WORKLOAD-SUBSTRING...]]"""
import os, subprocess, sys, time, statistics, json
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L = os.path.join(ROOT, "target/x86_64-unknown-linux-gnu/release/lamina")
B = os.environ.get("BENCH_DIR", "/tmp/bench")  # made by bench/alloc/build.sh
cases = []
def add(group, variant, cmd, stdin=None):
    cases.append((group, variant, cmd, stdin))
for t in ("1", "2", "4"):
    add(f"mb {t} thr", "glibc", [f"{B}/mb-glibc", t])
    add(f"mb {t} thr", "mallocng", [L, "run", f"{B}/mb-ng.wasm", t])
    add(f"mb {t} thr", "new", [L, "run", f"{B}/mb-new.wasm", t])
add("lua alloc.lua 15", "glibc", [f"{B}/lua", f"{B}/alloc.lua", "15"])
add("lua alloc.lua 15", "mallocng", [L, "run", f"{B}/lua-ng.wasm", f"{B}/alloc.lua", "15"])
add("lua alloc.lua 15", "new", [L, "run", f"{B}/lua-new.wasm", f"{B}/alloc.lua", "15"])
add("sqlite3 load.sql", "glibc", [f"{B}/sqlite3", ":memory:"], f"{B}/load.sql")
add("sqlite3 load.sql", "mallocng", [L, "run", f"{B}/sqlite3-ng.wasm", ":memory:"], f"{B}/load.sql")
add("sqlite3 load.sql", "new", [L, "run", f"{B}/sqlite3-new.wasm", ":memory:"], f"{B}/load.sql")
for v, exe in (("glibc", [f"{B}/speedtest1"]), ("mallocng", [L, "run", f"{B}/speedtest1-ng.wasm"]), ("new", [L, "run", f"{B}/speedtest1-new.wasm"])):
    add("speedtest1 :memory:", v, exe + ["--size", "50", "--memdb"])
only = sys.argv[2:] 
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
res = {}
outs = {}
for r in range(rounds + 1):  # round 0 warms the compile cache, not counted
    for g, v, cmd, stdin in cases:
        if only and not any(o in g for o in only): continue
        f = open(stdin) if stdin else subprocess.DEVNULL
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        if p.returncode != 0: print("FAILED", g, v, p.returncode, file=sys.stderr)
        out = p.stdout if "speedtest" not in g else b""
        outs.setdefault(g, {})[v] = out
        if r: res.setdefault(g, {}).setdefault(v, []).append(dt)
    print("round", r + 1, "done", file=sys.stderr)
print(f"| workload | glibc native | mallocng (wasm) | new (wasm) | new / mallocng |")
print("|---|---|---|---|---|")
for g, vs in res.items():
    m = {v: statistics.median(ts) for v, ts in vs.items()}
    same = len(set(outs[g].values())) == 1
    print(f"| {g} | {m.get('glibc',0):.3f} s | {m.get('mallocng',0):.3f} s | {m.get('new',0):.3f} s | {m['new']/m['mallocng']:.2f} |" + ("" if same else " (outputs differ!)"))
json.dump(res, open(f"{B}/raw.json", "w"), indent=1)
