"""Audit benchmark over ../shared/corpus/fakehealth.jsonl.gz (prints figures, asserts nothing).

1. In this process, over the same texts: the bare spaCy tokenizer (``nlp.tokenizer(text)``),
   the per-document function with the prefilter (what each audit worker runs per document),
   and, over the first --full-limit texts, the same without the prefilter. Documents/s, MB/s
   and ratios to the tokenizer; the prefilter's findings are compared with the full run's.
2. ``claimcheck audit`` as a subprocess with --jobs 1 and --jobs 2 (fresh store each), over
   inputs of two sizes: wall time, documents/s, the speed-up, and each process's peak RSS
   (VmHWM from /proc, polled) for the parent and the worker processes. Start-up (a worker
   building its pipeline) is measured alone and shown, so the speed-up can be read both with
   and without it.

    .venv/bin/python bench/bench_audit.py [--sizes 500,2156] [--full-limit 300]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKEHEALTH = REPO.parent / "shared" / "corpus" / "fakehealth.jsonl.gz"


def records(limit: int | None = None) -> list[dict]:
    out = []
    with gzip.open(FAKEHEALTH, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                out.append(json.loads(line))
            if limit and len(out) >= limit:
                break
    return out


def in_process(recs: list[dict], full_limit: int) -> None:
    from claimcheck.audit.sources import RawDocument
    from claimcheck.audit.work import Analyser, LinterSpec
    from claimcheck.config import Settings

    raws = [RawDocument(f"fh[{r['id']}]", "fh", "jsonl", r.get("text") or "", str(r["id"]), r.get("url"))
            for r in recs]
    texts = [str(r.payload) for r in raws]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    fast = Analyser(LinterSpec(Settings()), "bench")
    full = Analyser(LinterSpec(Settings(), prefilter=False), "bench")
    tokenizer = fast.linter.nlp.tokenizer
    for t in texts[:50]:  # warm the vocabulary and caches for both
        tokenizer(t)
    fast(raws[0])

    def timed(fn, items):
        start = time.perf_counter()
        out = [fn(x) for x in items]
        return time.perf_counter() - start, out

    tok_s, _ = timed(tokenizer, texts)
    fast_s, fast_rows = timed(fast, raws)
    n = len(texts)
    print(f"in one process, {n} FakeHealth articles, {mb:.2f} MB of text")
    print(f"  bare tokenizer           {n / tok_s:8.1f} docs/s {mb / tok_s:7.3f} MB/s")
    print(f"  audit per-document fn    {n / fast_s:8.1f} docs/s {mb / fast_s:7.3f} MB/s  "
          f"= {tok_s / fast_s:.2f}x the tokenizer's throughput (prefilter on)")
    k = min(full_limit, n)
    full_s, full_rows = timed(full, raws[:k])
    part_fast_s, part_rows = timed(fast, raws[:k])
    same = all(a.findings == b.findings for a, b in zip(part_rows, full_rows))
    print(f"  first {k}: prefilter off {k / full_s:6.1f} docs/s, on {k / part_fast_s:6.1f} docs/s "
          f"({full_s / part_fast_s:.1f}x faster); findings identical: {same}")
    print(f"  findings (prefilter on, all {n}): {sum(len(r.findings) for r in fast_rows)}")


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def peak_rss_mb(pid: int) -> tuple[float, str]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return 0.0, ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024, cmd
    return 0.0, cmd


def audit(path: Path, jobs: int, workdir: Path) -> tuple[float, dict[int, tuple[float, str]], str]:
    db = workdir / f"audit-{jobs}-{time.monotonic_ns()}.sqlite"
    cmd = [sys.executable, "-m", "claimcheck", "audit", str(path), "--db", str(db), "--jobs", str(jobs),
           "--no-progress", "--isolated"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, tuple[float, str]] = {}
    while proc.poll() is None:
        for pid in process_tree(proc.pid):
            rss, name = peak_rss_mb(pid)
            if rss and rss >= peaks.get(pid, (0.0, ""))[0]:
                peaks[pid] = (rss, name)
        time.sleep(0.25)
    wall = time.perf_counter() - start
    err = proc.stderr.read().strip()
    return wall, peaks, err


def startup_seconds() -> float:
    code = ("import time; t = time.perf_counter(); from claimcheck.audit.work import Analyser, LinterSpec; "
            "from claimcheck.config import Settings; Analyser(LinterSpec(Settings()), 'k'); "
            "print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,2156", help="numbers of articles for the audit runs")
    ap.add_argument("--full-limit", type=int, default=300, help="articles run without the prefilter")
    ap.add_argument("--skip-in-process", action="store_true")
    args = ap.parse_args()
    if not FAKEHEALTH.exists():
        sys.exit(f"{FAKEHEALTH} is absent")
    all_records = records()
    if not args.skip_in_process:
        in_process(all_records, args.full_limit)
    start_s = startup_seconds()
    print(f"\nstart-up: building a worker's pipeline takes {start_s:.1f} s (once per worker)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in [int(s) for s in args.sizes.split(",")]:
            sample = work / f"fakehealth-{size}.jsonl"
            sample.write_text("".join(json.dumps(r) + "\n" for r in all_records[:size]), encoding="utf-8")
            mb = sum(len((r.get("text") or "").encode()) for r in all_records[:size]) / 1e6
            walls = {}
            for jobs in (1, 2):
                wall, peaks, err = audit(sample, jobs, work)
                walls[jobs] = wall
                workers = [rss for pid, (rss, cmd) in peaks.items() if "forkserver" in cmd or "multiprocessing" in cmd]
                parent = max((rss for rss, cmd in peaks.values() if "claimcheck" in cmd and "audit" in cmd),
                             default=0.0)
                worker_text = ", ".join(f"{w:.0f}" for w in sorted(workers, reverse=True)) or "(in the parent)"
                print(f"{size:5d} articles ({mb:.1f} MB) --jobs {jobs}: {wall:6.1f} s, {size / wall:6.1f} docs/s, "
                      f"{mb / wall:.3f} MB/s; peak RSS parent {parent:.0f} MB, workers/forkserver {worker_text} MB")
                if "audit complete" not in err:
                    print(f"      audit said: {err}")
            raw = walls[1] / walls[2]
            steady = (walls[1] - start_s) / max(walls[2] - start_s, 1e-9)
            print(f"      --jobs 2 vs --jobs 1: {raw:.2f}x wall clock; {steady:.2f}x without the one-off start-up")


if __name__ == "__main__":
    main()
