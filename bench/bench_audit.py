"""Audit benchmark over ../shared/corpus/fakehealth.jsonl.gz (prints figures, asserts nothing).

1. In this process, over the same texts: the bare spaCy tokenizer (``nlp.tokenizer(text)``),
   the per-document function with the prefilter (what each audit worker runs per document),
   and, over the first --full-limit texts, the same without the prefilter. Documents/s, MB/s
   and ratios to the tokenizer; the prefilter's findings are compared with the full run's.
2. ``claimcheck audit`` as a subprocess with --jobs 1 and --jobs 2 (fresh store each), over
   inputs of two sizes: the wall time of the command and the run's own time (what it prints:
   from opening the store to the last commit, after imports and compiling the rulebook),
   documents/s, the speed-up, and each process's peak RSS (VmHWM from /proc, polled) for the
   parent and the worker processes. Start-up is measured alone and shown. Beside them, a
   tokenizer-only process over the same file (import spaCy, ``spacy.blank("en")``, read the
   JSONL, tokenize every text): ``audit --jobs 1``'s wall clock against its own.

    .venv/bin/python bench/bench_audit.py [--sizes 500,2156] [--full-limit 300] [--repeat 3]

In one process, each measured article is new to both the tokenizer and the per-document
function (spaCy's tokenizer caches chunks it has seen), and the two alternate article by
article. Each audit runs --repeat times, alternating --jobs 1, --jobs 2 and the
tokenizer-only process, and the best pass counts (the machine is shared: a slow pass measures
the neighbours).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
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


def in_process(recs: list[dict], full_limit: int, repeat: int) -> None:
    from claimcheck.audit.sources import RawDocument
    from claimcheck.audit.work import Analyser, LinterSpec
    from claimcheck.config import Settings

    raws = [RawDocument(f"fh[{r['id']}]", "fh", "jsonl", r.get("text") or "", str(r["id"]), r.get("url"))
            for r in recs]
    texts = [str(r.payload) for r in raws]
    fast = Analyser(LinterSpec(Settings()), "bench")
    full = Analyser(LinterSpec(Settings(), prefilter=False), "bench")
    tokenizer = fast.linter.nlp.tokenizer

    def timed(fn, items):
        start = time.perf_counter()
        out = [fn(x) for x in items]
        return time.perf_counter() - start, out

    # spaCy's tokenizer caches what it made of each chunk of text between spaces, so a
    # second pass over the same texts measures the cache: each measured article is new to
    # both sides, after both warmed up on the articles before. The two sides alternate
    # article by article (the machine is shared: a slow spell then slows both alike); the
    # per-document function goes first (the chunks it tokenizes are then cached for the
    # tokenizer: a conservative ratio).
    n = len(texts)
    warm = n // 6
    for t in texts[:warm]:
        tokenizer(t)
    fast_rows = [fast(r) for r in raws[:warm]]
    size = (n - warm) // repeat
    ratios, tok_total, fast_total = [], 0.0, 0.0
    clock = time.perf_counter
    for i in range(repeat):
        lo, hi = warm + i * size, (warm + (i + 1) * size if i < repeat - 1 else n)
        took = tok_s = 0.0
        for raw, text in zip(raws[lo:hi], texts[lo:hi]):
            t0 = clock()
            fast_rows.append(fast(raw))
            t1 = clock()
            tokenizer(text)
            t2 = clock()
            took, tok_s = took + t1 - t0, tok_s + t2 - t1
        ratios.append(tok_s / took)
        tok_total, fast_total = tok_total + tok_s, fast_total + took
    measured = n - warm
    mb = sum(len(t.encode()) for t in texts[warm:]) / 1e6
    print(f"in one process, {n} FakeHealth articles: {warm} to warm up, then {measured} ({mb:.2f} MB) "
          "new to both, the two sides alternating article by article")
    print(f"  bare tokenizer           {measured / tok_total:8.1f} docs/s {mb / tok_total:7.3f} MB/s")
    print(f"  audit per-document fn    {measured / fast_total:8.1f} docs/s {mb / fast_total:7.3f} MB/s  "
          f"= {tok_total / fast_total:.2f}x the tokenizer's throughput (prefilter on); "
          f"in {repeat} slices: {', '.join(f'{r:.2f}' for r in ratios)}")
    k = min(full_limit, n)
    full_s, full_rows = timed(full, raws[:k])
    part_fast_s, part_rows = timed(fast, raws[:k])
    same = all(a.findings == b.findings for a, b in zip(part_rows, full_rows))
    print(f"  first {k}: prefilter off {k / full_s:6.1f} docs/s, on {k / part_fast_s:6.1f} docs/s "
          f"({full_s / part_fast_s:.1f}x faster); findings identical: {same}")
    print(f"  findings (prefilter on, {len(fast_rows)} articles): {sum(len(r.findings) for r in fast_rows)}")


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


def audit(path: Path, jobs: int, workdir: Path) -> tuple[float, dict[int, tuple[float, str]], str, int]:
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
    return wall, peaks, err, proc.pid


# what a tokenizer-only process does with the audit's input: the yardstick of the whole command
TOKENIZE_FILE = """
import json, sys
import spacy
tokenizer = spacy.blank("en").tokenizer
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        if line.strip():
            tokenizer(json.loads(line).get("text") or "")
"""


def tokenizer_process(path: Path) -> float:
    """Wall seconds of a process that imports spaCy and tokenizes every text of ``path``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", TOKENIZE_FILE, str(path)], check=True)
    return time.perf_counter() - start


def with_bytecode(env: dict, prefix: Path) -> dict:
    """``env`` for a start-up as on a machine that writes bytecode (Python's default, and what
    ``pip install`` leaves for installed packages): this machine sets PYTHONDONTWRITEBYTECODE=1,
    under which claimcheck's sources in a checkout, unlike spaCy's installed ones, are compiled
    at every start. The bytecode goes under ``prefix`` (PYTHONPYCACHEPREFIX: nothing is
    written into the checkout), for spaCy and claimcheck alike, on a first untimed run."""
    out = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out["PYTHONPYCACHEPREFIX"] = str(prefix)
    return out


def startup_seconds() -> float:
    code = ("import time; t = time.perf_counter(); from claimcheck.audit.work import Analyser, LinterSpec; "
            "from claimcheck.config import Settings; Analyser(LinterSpec(Settings()), 'k'); "
            "print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)


RUN_SECONDS = re.compile(r" in ([0-9.]+) s \(")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,2156", help="numbers of articles for the audit runs")
    ap.add_argument("--full-limit", type=int, default=300, help="articles run without the prefilter")
    ap.add_argument("--skip-in-process", action="store_true")
    ap.add_argument("--repeat", type=int, default=3,
                    help="slices measured in one process; audit passes of each --jobs (the best counts)")
    args = ap.parse_args()
    if not FAKEHEALTH.exists():
        sys.exit(f"{FAKEHEALTH} is absent")
    all_records = records()
    if not args.skip_in_process:
        in_process(all_records, args.full_limit, args.repeat)
    start_s = startup_seconds()
    print(f"\nstart-up: imports and building the pipeline take {start_s:.1f} s, once per audit "
          "(workers are forked from the parent after it)")
    print("wall: the whole command; run: the audit's own timing, from opening the store to the last "
          "commit (what a long crawl is made of)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in [int(s) for s in args.sizes.split(",") if s]:
            sample = work / f"fakehealth-{size}.jsonl"
            sample.write_text("".join(json.dumps(r) + "\n" for r in all_records[:size]), encoding="utf-8")
            mb = sum(len((r.get("text") or "").encode()) for r in all_records[:size]) / 1e6
            best: dict[int, tuple] = {}  # jobs -> (run s, wall s, peaks, root)
            tokenizer_walls = []
            for jobs in [1, 2, 0] * args.repeat:
                if not jobs:
                    tokenizer_walls.append(tokenizer_process(sample))
                    continue
                wall, peaks, err, root = audit(sample, jobs, work)
                found = RUN_SECONDS.search(err)
                if "audit complete" not in err or not found:
                    print(f"      --jobs {jobs}: the audit said: {err}")
                    continue
                run = float(found.group(1))
                if jobs not in best or run < best[jobs][0]:  # the best pass counts
                    best[jobs] = (run, wall, peaks, root)
            for jobs, (run, wall, peaks, root) in sorted(best.items()):
                # the workers: the processes under the audit (forked, or a forkserver's)
                workers = [rss for pid, (rss, _) in peaks.items() if pid != root]
                parent = peaks.get(root, (0.0, ""))[0]
                worker_text = ("workers " + ", ".join(f"{w:.0f}" for w in sorted(workers, reverse=True)) + " MB"
                               if workers else "no workers (the parent checks)")
                print(f"{size:5d} articles ({mb:.1f} MB) --jobs {jobs}: wall {wall:5.1f} s; run {run:5.2f} s, "
                      f"{size / run:6.1f} docs/s, {mb / run:.3f} MB/s; peak RSS parent {parent:.0f} MB, "
                      f"{worker_text}")
            tokenizer_wall = min(tokenizer_walls)
            print(f"{size:5d} articles, a tokenizer-only process (import spaCy, read, tokenize): wall "
                  f"{tokenizer_wall:5.1f} s (best of {len(tokenizer_walls)})")
            if 1 in best:
                print(f"      --jobs 1 vs the tokenizer-only process, wall clock: "
                      f"{tokenizer_wall / best[1][1]:.2f}x its throughput")
            if len(best) == 2:
                print(f"      --jobs 2 vs --jobs 1: {best[1][0] / best[2][0]:.2f}x the run's throughput; "
                      f"{best[1][1] / best[2][1]:.2f}x wall clock (start-up included)")


if __name__ == "__main__":
    main()
