"""A 50 MB file on one line: peak memory and time of `claimcheck lint`, against the same text
with its line breaks, in one run.

    .venv/bin/python bench/bench_long_line.py              # 50 MB, 3 runs of each
    .venv/bin/python bench/bench_long_line.py --mb 10 --repeat 1

The text is real prose: paragraphs of ../shared/corpus/fakehealth.jsonl.gz that end a sentence
(a lower-case word and . ! or ?) and open one (a capital), repeated up to the size asked. The
"lines" file has one paragraph per line; the "one line" file is the same text with every line
break made a space, so both have the same characters at the same offsets and the same
sentences, and their findings can be compared exactly (rule, severity, start, end).

Each run is a fresh `python -m claimcheck lint FILE --format jsonl --output OUT` process; its
wall time and its own peak RSS (os.wait4) are taken. The two files alternate, run after run,
so a slow spell of the shared machine slows both alike; medians are printed, and the ratios
one line / lines. Targets (issue 13): peak RSS under 400 MB, time at most 2x the lines file's,
the same findings. It prints figures only and asserts nothing.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
_ENDS = re.compile(r"[a-z]{2,}[.!?]\Z")


def paragraphs() -> list[str]:
    """FakeHealth paragraphs that open and close a sentence, so that joining them with a space
    instead of a line break keeps every sentence as it is."""
    out = []
    with gzip.open(SHARED / "corpus" / "fakehealth.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            for para in (json.loads(line).get("text") or "").split("\n"):
                para = " ".join(para.split())
                if len(para) >= 40 and para[0].isupper() and para[0].isascii() and _ENDS.search(para):
                    out.append(para)
    return out


def write_files(directory: Path, megabytes: float) -> tuple[Path, Path]:
    paras = paragraphs()
    target = int(megabytes * 1_000_000)
    lines, size, i = [], 0, 0
    while size < target:
        para = paras[i % len(paras)]
        lines.append(para)
        size += len(para.encode("utf-8")) + 1
        i += 1
    text = "\n".join(lines)
    with_breaks, one_line = directory / "lines.txt", directory / "one-line.txt"
    with_breaks.write_text(text + "\n", encoding="utf-8")
    one_line.write_text(text.replace("\n", " ") + "\n", encoding="utf-8")
    return with_breaks, one_line


def run(path: Path, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one lint process."""
    cmd = [sys.executable, "-m", "claimcheck", "lint", str(path), "--format", "jsonl", "--output", str(out),
           "--isolated"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {err}")
    return seconds, usage.ru_maxrss // 1024


def findings(out: Path) -> set[tuple]:
    found = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "rule" in row:
            found.add((row["rule"], row["severity"], row["start"], row["end"]))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50, help="size of each file in MB (default 50)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each file (default 3)")
    args = ap.parse_args()
    if not (SHARED / "corpus" / "fakehealth.jsonl.gz").exists():
        print(f"{SHARED} is absent: nothing to measure", file=sys.stderr)
        return 2
    print(f"# bench_long_line: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory() as tmp:
        lines, one = write_files(Path(tmp), args.mb)
        breaks = lines.read_bytes().count(b"\n")
        print(f"files: {lines.stat().st_size / 1e6:.1f} MB each; lines.txt has {breaks:,} lines, one-line.txt 1")
        times: dict[str, list[float]] = {"lines": [], "one line": []}
        peaks: dict[str, list[int]] = {"lines": [], "one line": []}
        outs = {"lines": Path(tmp) / "lines.jsonl", "one line": Path(tmp) / "one.jsonl"}
        for _ in range(args.repeat):
            for name, path in (("lines", lines), ("one line", one)):
                seconds, peak = run(path, outs[name])
                times[name].append(seconds)
                peaks[name].append(peak)
        found = {name: findings(out) for name, out in outs.items()}
    print("| file | median time | peak RSS | findings |\n|---|---|---|---|")
    for name in times:
        print(f"| {name} | {statistics.median(times[name]):.1f} s | {max(peaks[name])} MB | {len(found[name]):,} |")
    ratio = statistics.median(times["one line"]) / statistics.median(times["lines"])
    same = found["lines"] == found["one line"]
    print(f"one line / lines: time {ratio:.2f}x (target <= 2), peak RSS {max(peaks['one line'])} MB "
          f"(target < 400), findings {'identical' if same else 'DIFFERENT'}")
    if not same:
        print(f"  only with lines: {sorted(found['lines'] - found['one line'])[:5]}")
        print(f"  only on one line: {sorted(found['one line'] - found['lines'])[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
