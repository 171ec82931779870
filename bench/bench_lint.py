"""Throughput, memory and start-up benchmark for claimcheck.

What is measured (all in one process, on the same texts):

* baseline: the bare spaCy tokenizer, ``linter.nlp.tokenizer(text)`` per text;
* engine: the full linter, ``linter.lint(text_document(text, name))`` per text;

both as MB/s (MB = UTF-8 bytes / 1e6) and docs/s with ``time.perf_counter``, the
best of ``--repeat`` passes, plus the ratio engine time / tokenizer time (how far
the engine is above the "tokenizer floor"). This is done separately for the five
seed articles (../shared/seeds/*.txt) and for the ``text`` of every non-empty
record of ../shared/corpus/fakehealth.jsonl.gz. Then the process peak RSS, and
start-up time (best of 3, via subprocess) of ``python -m claimcheck lint ONE.txt``
on a one-sentence file next to ``python -c "import spacy; spacy.blank('en')"``.

It prints figures only and asserts nothing about speed. Run from the repo root:

    .venv/bin/python bench/bench_lint.py [--limit N] [--repeat N]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"


def load_seeds() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SHARED / "seeds").glob("*.txt"))]


def load_fakehealth(limit: int | None) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    with gzip.open(SHARED / "corpus" / "fakehealth.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(texts) >= limit:
                break
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec.get("text") or ""
            if text.strip():
                texts.append((f"{rec.get('id', len(texts))}.txt", text))
    return texts


def best_time(fn, texts: list[tuple[str, str]], repeat: int) -> tuple[float, int]:
    """Best wall time over `repeat` passes of fn over all texts; fn's summed result."""
    best, total = float("inf"), 0
    for _ in range(repeat):
        total = 0
        start = time.perf_counter()
        for name, text in texts:
            total += fn(name, text)
        best = min(best, time.perf_counter() - start)
    return best, total


def measure(label: str, texts: list[tuple[str, str]], linter, repeat: int) -> str:
    from claimcheck import text_document

    tokenizer = linter.nlp.tokenizer
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    n = len(texts)
    tok_s, _ = best_time(lambda name, text: 0 * len(tokenizer(text)), texts, repeat)
    eng_s, findings = best_time(lambda name, text: len(linter.lint(text_document(text, name))), texts, repeat)
    return (f"{label:<12}{n:>6}{mb:>8.2f}{mb / tok_s:>16.2f}{n / tok_s:>10.1f}"
            f"{mb / eng_s:>13.3f}{n / eng_s:>9.1f}{eng_s / tok_s:>8.1f}x{findings:>10}"
            f"\n{'':<12}tokenizer {tok_s:.2f} s, engine {eng_s:.2f} s:"
            f" engine is {eng_s / tok_s:.1f}x the tokenizer floor")


def best_of(cmd: list[str], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stderr}")
        best = min(best, elapsed)
    return best


def startup() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("Isotretinoin helps severe acne.\n", encoding="utf-8")
        lint_s = best_of([sys.executable, "-m", "claimcheck", "lint", str(one)])
    spacy_s = best_of([sys.executable, "-c", "import spacy; spacy.blank('en')"])
    return (f"start-up: claimcheck lint one.txt {lint_s:.2f} s; "
            f"python -c \"import spacy; spacy.blank('en')\" {spacy_s:.2f} s "
            f"({lint_s / spacy_s:.1f}x, {lint_s - spacy_s:+.2f} s)  [best of 3]")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="use only the first N fakehealth records")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes per measurement; the best is reported")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")
    if not (SHARED / "seeds").is_dir() or not (SHARED / "corpus" / "fakehealth.jsonl.gz").is_file():
        print(f"benchmark inputs not found under {SHARED} (need seeds/*.txt and "
              f"corpus/fakehealth.jsonl.gz); nothing to measure")
        return 0

    import spacy
    from claimcheck import build_linter, text_document

    start = time.perf_counter()
    linter = build_linter()
    build_s = time.perf_counter() - start
    seeds, fake = load_seeds(), load_fakehealth(args.limit)
    linter.lint(text_document(seeds[0][1], seeds[0][0]))  # warm-up: lazy loading is not throughput

    print(f"claimcheck benchmark (python {platform.python_version()}, spacy {spacy.__version__}, "
          f"{os.cpu_count()} cores, repeat {args.repeat}, build_linter {build_s:.2f} s)")
    print(f"{'corpus':<12}{'docs':>6}{'MB':>8}{'tokenizer MB/s':>16}{'docs/s':>10}"
          f"{'engine MB/s':>13}{'docs/s':>9}{'ratio':>9}{'findings':>10}")
    for label, texts in (("seeds", seeds), ("fakehealth", fake)):
        if texts:
            print(measure(label, texts, linter, args.repeat))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(startup())
    return 0


if __name__ == "__main__":
    sys.exit(main())
