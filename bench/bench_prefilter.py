"""The prefilter alone (prefilter/): ``linter.prefilter.excerpt`` over FakeHealth, the tables
read whole first (``linter.read_all()``), one pass to fill what a process remembers, then the
best of ``--repeat`` passes, in CPU time of this process (the machine is shared) and in wall
time, with the share of the text kept for the pipeline.

    .venv/bin/python bench/bench_prefilter.py [--limit N] [--repeat N] [--rules PATH ...]

To compare two trees, run it with each tree's claimcheck one after the other (PYTHONPATH), and
more than once: a shared machine moves single runs by 10-20%. It prints figures only and
asserts nothing.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKEHEALTH = REPO.parent / "shared" / "corpus" / "fakehealth.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N FakeHealth records")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (best of)")
    ap.add_argument("--rules", type=Path, nargs="*", default=[], help="extra rule packs (a 10x rulebook)")
    args = ap.parse_args()
    if not FAKEHEALTH.is_file():
        print(f"{FAKEHEALTH} not found; nothing to measure")
        return 0
    import claimcheck

    with gzip.open(FAKEHEALTH, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    texts = [r.get("text") or "" for r in records][:args.limit]
    docs = [claimcheck.text_document(t, str(i)) for i, t in enumerate(texts) if t.strip()]
    linter = claimcheck.build_linter(args.rules, check_examples=not args.rules)
    linter.read_all()
    prefilter = linter.prefilter
    kept = 0
    for d in docs:
        excerpt = prefilter.excerpt(d.text, d.section_starts)
        kept += len(d.text) if excerpt is None else len(excerpt.text)
    cpu, wall = [], []
    for _ in range(args.repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        for d in docs:
            prefilter.excerpt(d.text, d.section_starts)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    chars = sum(len(d.text) for d in docs)
    print(f"claimcheck {claimcheck.__file__}")
    print(f"{len(docs)} texts, {chars / 1e6:.2f} M characters, {kept / chars:.1%} kept; python {sys.version.split()[0]}")
    print(f"prefilter best of {args.repeat}: {min(cpu):.3f} s CPU ({' '.join(f'{x:.2f}' for x in cpu)}), "
          f"{min(wall):.3f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
