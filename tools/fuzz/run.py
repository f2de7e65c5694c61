#!/usr/bin/env python3
"""The long run of the guest-side syscall fuzzer (tools/fuzz/wali_fuzz.c).

    python3 tools/fuzz/run.py [--minutes 10] [--calls 50000] [--first-seed 1000]
                              [--lamina build/bin/lamina] [--keep DIR] [--no-write]

Builds the fuzzer with `lamina cc`, then runs batches of CALLS calls with
consecutive seeds, one after the other, until the wall-clock budget is spent.
Each batch runs as

    lamina run --sandbox --dir SCRATCH --max-memory=256M --max-threads=16 --max-cpu=60 \\
        wali_fuzz.wasm SEED CALLS -x OUTSIDE/sentinel -x OUTSIDE

in a fresh scratch directory, in a session of its own, with stdin from
/dev/null and stdout/stderr on pipes, under a timeout. A batch fails if it
does not exit 0 with the fuzzer's final line ("fuzz: N calls, seed S"), if it
is killed by a signal or by the timeout (a hang), if its stderr holds
"panicked", "lamina: error" or a fuzzer "FINDING" line, or if the sentinel
outside the scratch directory changed. Failed batches keep their output (in
--keep, default a fresh directory under /tmp) for `-t FIRST` replays.

Writes the run's numbers (command, date, machine, commit, calls, calls/s,
results by errno, failures) into tools/fuzz/results.md between its
`<!-- run:begin -->` and `<!-- run:end -->` markers; the rest of the file
(what the fuzzer found and how it was fixed) is kept. Exit status 1 if any
batch failed.
"""
import argparse
import collections
import datetime
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "tools/fuzz/results.md")
BEGIN, END = "<!-- run:begin -->", "<!-- run:end -->"


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    user = "root" if os.geteuid() == 0 else "an unprivileged user"
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {mem} RAM, Linux {platform.release()}, run as {user}"


def snapshot(paths):
    out = []
    for p in paths:
        st = os.lstat(p)
        data = open(p, "rb").read() if os.path.isfile(p) else sorted(os.listdir(p))
        out.append((p, data, st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns))
    return out


def run_batch(lamina, module, seed, calls, timeout, work):
    """One batch; returns (ok, reasons, calls, seconds, stdout, stderr)."""
    scratch = os.path.join(work, f"scratch-{seed}")
    outside = os.path.join(work, f"outside-{seed}")
    os.makedirs(scratch)
    os.makedirs(outside)
    sentinel = os.path.join(outside, "sentinel")
    with open(sentinel, "w") as f:
        f.write("not yours\n")
    os.chmod(sentinel, 0o644)
    watched = [outside, sentinel]
    before = snapshot(watched)
    cmd = [lamina, "run", "--sandbox", "--dir", scratch, "--max-memory=256M", "--max-threads=16",
           "--max-cpu=60", module, str(seed), str(calls), "-x", sentinel, "-x", outside]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=scratch, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    hung = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(proc.pid, signal.SIGKILL)  # the session this batch started, by its id
        out, err = proc.communicate()
    seconds = time.monotonic() - start
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    reasons = []
    if hung:
        reasons.append(f"hung (killed after {timeout} s)")
    elif proc.returncode < 0:
        reasons.append(f"killed by signal {-proc.returncode}")
    elif proc.returncode != 0:
        reasons.append(f"exit status {proc.returncode}")
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if last != f"fuzz: {calls} calls, seed {seed}":
        reasons.append("no final line")
    for needle in ("panicked", "lamina: error", "FINDING"):
        if needle in err:
            reasons.append(f"stderr has {needle!r}")
    if snapshot(watched) != before:
        reasons.append("a file outside the scratch directory changed")
    ok = not reasons
    done = calls if ok else 0
    m = re.search(r"fuzz: (\d+) calls, seed", out)
    if m:
        done = int(m.group(1))
    return ok, reasons, done, seconds, out, err


def merge_results(line, totals):
    for name, count in re.findall(r"([A-Z][A-Z0-9]+|ok) (\d+)", line.split("results:", 1)[1]):
        totals[name] += int(count)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0, help="wall-clock budget (default 10)")
    ap.add_argument("--calls", type=int, default=50_000, help="calls per batch (default 50000)")
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--lamina", default=os.path.join(ROOT, "build/bin/lamina"))
    ap.add_argument("--timeout", type=int, default=120, help="seconds before a batch counts as hung")
    ap.add_argument("--keep", help="directory for the output of failed batches")
    ap.add_argument("--no-write", action="store_true", help=f"do not update {os.path.relpath(RESULTS, ROOT)}")
    args = ap.parse_args()

    lamina = os.path.abspath(args.lamina)
    work = tempfile.mkdtemp(prefix="lamina-fuzz-")
    keep = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="lamina-fuzz-failures-")
    os.makedirs(keep, exist_ok=True)
    module = os.path.join(work, "wali_fuzz.wasm")
    build = [lamina, "cc", "-O2", "-o", module, os.path.join(ROOT, "tools/fuzz/wali_fuzz.c")]
    subprocess.run(build, check=True, cwd=ROOT)

    started = datetime.datetime.now(datetime.timezone.utc)
    deadline = time.monotonic() + args.minutes * 60
    seed = args.first_seed
    batches, calls, busy = 0, 0, 0.0
    totals = collections.Counter()
    children = collections.Counter()
    failures = []
    while time.monotonic() < deadline:
        ok, reasons, done, seconds, out, err = run_batch(lamina, module, seed, args.calls, args.timeout, work)
        batches += 1
        calls += done
        busy += seconds
        for line in out.splitlines():
            if line.startswith("fuzz: results:"):
                merge_results(line, totals)
            m = re.match(r"fuzz: forked children: (\d+) exited, (\d+) killed by a signal, (\d+) hung", line)
            if m:
                children["exited"] += int(m.group(1))
                children["killed by a signal"] += int(m.group(2))
                children["hung"] += int(m.group(3))
        status = "ok" if ok else "FAILED: " + "; ".join(reasons)
        print(f"seed {seed}: {done} calls in {seconds:.1f} s: {status}", flush=True)
        if not ok:
            for name, text in (("stdout", out), ("stderr", err)):
                with open(os.path.join(keep, f"seed-{seed}.{name}"), "w") as f:
                    f.write(text)
            findings = [line for line in err.splitlines() if "FINDING" in line or "panicked" in line]
            failures.append((seed, reasons, findings[:3]))
        shutil.rmtree(os.path.join(work, f"scratch-{seed}"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, f"outside-{seed}"), ignore_errors=True)
        seed += 1
    wall = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    shutil.rmtree(work, ignore_errors=True)

    rate = calls / busy if busy else 0
    summary = [
        f"- Command: `{' '.join(['python3', 'tools/fuzz/run.py'] + [shlex.quote(a) for a in sys.argv[1:]])}`",
        f"  (each batch: `lamina run --sandbox --dir SCRATCH --max-memory=256M --max-threads=16 --max-cpu=60 "
        f"wali_fuzz.wasm SEED {args.calls} -x OUTSIDE/sentinel -x OUTSIDE`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC, {wall / 60:.1f} minutes of wall time",
        f"- Machine: {machine()}",
        f"- Lamina: `{lamina}`, commit {sh('git', 'rev-parse', '--short', 'HEAD')}"
        + (" with uncommitted changes" if sh("git", "status", "--porcelain", "--untracked-files=no") else ""),
        f"- Batches: {batches} (seeds {args.first_seed}–{seed - 1}), {calls:,} calls, "
        f"**{rate:,.0f} calls/second** (calls over the batches' wall time, start-up and forked children included)",
        f"- Failed batches: {len(failures)}" + ("" if not failures else f" (output kept in `{keep}`)"),
    ]
    for s, reasons, findings in failures:
        summary.append(f"  - seed {s}: {'; '.join(reasons)}")
        summary.extend(f"    `{f.strip()[:200]}`" for f in findings)
    if children:
        summary.append(
            f"- Forked children (the calls that end a process, fork and `__clone`): "
            + ", ".join(f"{n:,} {k}" for k, n in children.items())
        )
    if totals:
        ok = totals.pop("ok", 0)
        top = ", ".join(f"{k} {n:,}" for k, n in totals.most_common())
        summary.append(f"- Results: {ok:,} successes; errors: {top}")
    text = "\n".join(summary)
    print(text)

    if not args.no_write:
        old = open(RESULTS).read() if os.path.exists(RESULTS) else f"# Fuzzer results\n\n{BEGIN}\n{END}\n"
        if BEGIN not in old:
            old += f"\n{BEGIN}\n{END}\n"
        before, rest = old.split(BEGIN, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        with open(RESULTS, "w") as f:
            f.write(f"{before}{BEGIN}\n{text}\n{END}{after}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
