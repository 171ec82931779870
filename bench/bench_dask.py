"""One large JSONL file on a local Dask cluster of one worker and of two (prints figures, asserts
nothing): the file is cut into byte-range partitions (--blocksize auto), so two workers share
it. Both runs must give the same documents and findings.

The file is the FakeHealth dump (../shared/corpus/fakehealth.jsonl.gz) written out uncompressed
``--copies`` times with ids made unique. Each cluster is started first (its start is not
timed), then ``run_dask`` is timed; the clusters alternate over ``--repeat`` rounds and the
best time of each counts (the machine is shared).

    .venv/bin/python bench/bench_dask.py [--copies 2] [--repeat 1]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKEHEALTH = REPO.parent / "shared" / "corpus" / "fakehealth.jsonl.gz"


def write_input(path: Path, copies: int) -> int:
    with gzip.open(FAKEHEALTH, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for c in range(copies):
            for r in records:
                out.write(json.dumps({**r, "id": f"{r['id']}-{c}"}) + "\n")
    return copies * len(records)


def rows(output: Path) -> tuple[list, list]:
    import pyarrow.parquet as pq

    docs = sorted((r["id"], r["score"], r["grade"]) for p in sorted((output / "documents").glob("*.parquet"))
                  for r in pq.read_table(p).to_pylist())
    found = sorted((r["document_id"], r["rule"], r["start"]) for p in sorted((output / "findings").glob("*.parquet"))
                   for r in pq.read_table(p).to_pylist())
    return docs, found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    if not FAKEHEALTH.exists():
        print(f"{FAKEHEALTH} not found; nothing to measure")
        return 0
    import dask
    import distributed

    from claimcheck.audit.dask_engine import run_dask
    from claimcheck.audit.work import LinterSpec
    from claimcheck.config import Settings

    spec = LinterSpec(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "dump.jsonl"
        n = write_input(data, args.copies)
        mb = data.stat().st_size / 1e6
        best: dict[int, float] = {}
        outputs: dict[int, tuple] = {}
        with dask.config.set({"distributed.comm.timeouts.connect": "600s"}):
            for _ in range(args.repeat):
                for workers in (1, 2):
                    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None) as cluster, \
                            distributed.Client(cluster) as client:
                        out = Path(tmp) / f"out{workers}"
                        start = time.perf_counter()
                        counts = run_dask([str(data)], spec, str(out), client, blocksize="auto")
                        elapsed = time.perf_counter() - start
                        best[workers] = min(best.get(workers, elapsed), elapsed)
                        outputs[workers] = rows(out)
                        print(f"{workers} worker(s): {elapsed:.1f} s, {counts['partitions']} partitions, "
                              f"{counts['documents']} documents, {counts['findings']} findings", file=sys.stderr)
        same = outputs[1] == outputs[2]
        print(f"one JSONL file, {n} documents, {mb:.1f} MB, --blocksize auto")
        print(f"| workers | best time | documents/s | speed-up |\n|---|---|---|---|")
        for workers in (1, 2):
            print(f"| {workers} | {best[workers]:.1f} s | {n / best[workers]:.0f} | {best[1] / best[workers]:.2f}x |")
        print(f"same documents and findings with 1 and 2 workers: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
