"""Issue 16 before and after, in one run: the tree at a git ref (by default a6750fc, where the
issue's work started) against this checkout, each next to spaCy's tokenizer (prints figures,
asserts nothing).

The tree before is checked out into a temporary git worktree and run by the same Python with
the same installed packages (each process starts in its tree, so ``import claimcheck`` takes
that tree's package and bundled rules). Three measures, each alternating the two trees so that
a slow spell of the shared machine slows both alike:

1. Start-up: ``python -m claimcheck lint one.txt`` in each tree and ``python -c "import spacy;
   spacy.blank('en')"``, median of ``--startup-runs`` (a compiled-rulebook cache of this run's
   own, filled by a first untimed run; the tree before has no such cache), with bytecode
   written and as this machine runs Python (see bench_audit.with_bytecode).
2. Per document: a worker process per tree builds its linter and lints FakeHealth texts one
   by one, as the parent hands them out (the trees' order turning with each text), timing
   ``linter.lint`` and its own ``linter.nlp.tokenizer`` on the same text (their order turning
   too): each tree's throughput against the tokenizer in its own process, the same texts.
3. Whole process: ``claimcheck audit FILE --jobs 1`` and ``--jobs 2`` in each tree over all of
   FakeHealth (one uncompressed JSONL file), wall clock, and a tokenizer-only process over the
   same file (bench_audit.py's); best of ``--repeat``.

    .venv/bin/python bench/bench_before_after.py [--ref a6750fc] [--limit 600] [--startup-runs 5]
                                                 [--repeat 2] [--skip-audit]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_audit import FAKEHEALTH, RUN_SECONDS, records, tokenizer_process, with_bytecode  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REF = "a6750fc"  # the parent of 83d10bc, the first commit of issue 16's work
WARM_UP = 20  # texts linted by each worker before any is timed (not among the measured ones)

# A worker: builds the linter of the tree it starts in, then for each line "index order" on
# stdin lints that FakeHealth text and tokenizes it (order 0: the tokenizer first) and answers
# "tokenizer-seconds lint-seconds findings".
WORKER = """
import gzip, json, sys, time
from claimcheck import build_linter, text_document
texts = []
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as lines:
    for line in lines:
        if line.strip():
            texts.append(json.loads(line).get("text") or "")
linter = build_linter()
if hasattr(linter, "read_all"):
    linter.read_all()
tokenizer = linter.nlp.tokenizer
for text in texts[-%d:]:
    linter.lint(text_document(text, "warm-up"))
print("ready", flush=True)
for line in sys.stdin:
    index, order = map(int, line.split())
    text = texts[index]
    spent = {}
    for step in (("tokenizer", "lint") if order == 0 else ("lint", "tokenizer")):
        start = time.perf_counter()
        if step == "lint":
            found = len(linter.lint(text_document(text, "fh[%%d]" %% index)))
        else:
            tokenizer(text)
        spent[step] = time.perf_counter() - start
    print(spent["tokenizer"], spent["lint"], found, flush=True)
""" % WARM_UP


def worktree(ref: str, into: Path) -> Path:
    path = into / "before"
    done = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(path), ref],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"cannot check out {ref} (a shallow clone lacks it?): {done.stderr.strip()}")
    return path


def remove_worktree(path: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], check=False)


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} in {cwd} failed (exit {proc.returncode}):\n{proc.stderr}")
    return elapsed, proc.stderr


def startup(trees: dict[str, Path], runs: int, env: dict, tmp: Path) -> None:
    """Medians of warm start-ups, with bytecode written (bench_audit.with_bytecode) and as
    this machine's environment runs Python."""
    one = tmp / "one.txt"
    one.write_text("Isotretinoin helps severe acne.\n", encoding="utf-8")
    commands = {"spacy.blank('en')": ([sys.executable, "-c", "import spacy; spacy.blank('en')"], REPO)}
    for name, tree in trees.items():
        commands[f"claimcheck lint one.txt ({name})"] = ([sys.executable, "-m", "claimcheck", "lint", str(one)], tree)
    envs = {"bytecode written": with_bytecode(env, tmp / "pycache"), "as here": env}
    for cmd, cwd in commands.values():
        for each in envs.values():
            timed(cmd, cwd, each)  # fills this run's caches
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for name, (cmd, cwd) in commands.items():
            for how, each in envs.items():
                times.setdefault((name, how), []).append(timed(cmd, cwd, each)[0])
    print(f"\nStart-up, median of {runs} (alternating)\n")
    print("| command | " + " | ".join(f"{how} | ÷ spaCy's" for how in envs) + " |\n|---|" + "---|---|" * len(envs))
    for name in commands:
        cells = []
        for how in envs:
            median = statistics.median(times[(name, how)])
            cells.append(f"{median:.2f} s | {median / statistics.median(times[(next(iter(commands)), how)]):.2f}×")
        print(f"| {name} | " + " | ".join(cells) + " |")


def per_document(trees: dict[str, Path], limit: int, env: dict) -> None:
    workers = {name: subprocess.Popen([sys.executable, "-c", WORKER, str(FAKEHEALTH)], cwd=tree, env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for name, tree in trees.items()}
    try:
        for name, worker in workers.items():
            if worker.stdout.readline().strip() != "ready":
                sys.exit(f"the {name} worker did not start (exit {worker.wait()})")
        spent = {name: [0.0, 0.0, 0] for name in workers}  # tokenizer s, lint s, findings
        names = list(workers)
        for i in range(limit):
            for name in (names if i % 2 == 0 else names[::-1]):
                worker = workers[name]
                worker.stdin.write(f"{i} {i // 2 % 2}\n")
                worker.stdin.flush()
                answer = worker.stdout.readline().split()
                if len(answer) != 3:
                    sys.exit(f"the {name} worker stopped at text {i} (exit {worker.wait()})")
                tok, lint, found = answer
                spent[name][0] += float(tok)
                spent[name][1] += float(lint)
                spent[name][2] += int(found)
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    mb = sum(len((r.get("text") or "").encode()) for r in records(limit)) / 1e6
    print(f"\nPer document: the first {limit} FakeHealth texts ({mb:.2f} MB), each tree's linter.lint against "
          "its own tokenizer on the same texts\n")
    print("| tree | tokenizer MB/s | claimcheck MB/s | ÷ tokenizer | findings |\n|---|---|---|---|---|")
    for name, (tok, lint, found) in spent.items():
        print(f"| {name} | {mb / tok:.3f} | {mb / lint:.3f} | {tok / lint:.2f}× | {found} |")


def audits(trees: dict[str, Path], repeat: int, env: dict, tmp: Path) -> None:
    sample = tmp / "fakehealth.jsonl"
    recs = records()
    sample.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    walls: dict[tuple[str, int], list[float]] = {}
    runs: dict[tuple[str, int], list[float]] = {}
    tokenizer_walls = []
    for n in range(repeat):
        for name, tree in trees.items():
            for jobs in (1, 2):
                db = tmp / f"audit-{name}-{jobs}-{n}.sqlite"
                cmd = [sys.executable, "-m", "claimcheck", "audit", str(sample), "--db", str(db), "--jobs", str(jobs),
                       "--no-progress", "--isolated"]
                wall, err = timed(cmd, tree, env)
                found = RUN_SECONDS.search(err)
                if "audit complete" not in err or not found:
                    sys.exit(f"the audit ({name}, --jobs {jobs}) said: {err}")
                walls.setdefault((name, jobs), []).append(wall)
                runs.setdefault((name, jobs), []).append(float(found.group(1)))
        tokenizer_walls.append(tokenizer_process(sample))
    tokenizer_wall = min(tokenizer_walls)
    print(f"\nWhole process: claimcheck audit over all of FakeHealth ({len(recs)} texts), best of {repeat}; "
          f"a tokenizer-only process over the same file: {tokenizer_wall:.1f} s wall\n")
    print("| tree | --jobs 1 wall | ÷ tokenizer-only process | --jobs 2 wall | --jobs 2 ÷ --jobs 1, run time |")
    print("|---|---|---|---|---|")
    for name in trees:
        one, two = min(walls[(name, 1)]), min(walls[(name, 2)])
        speed_up = min(runs[(name, 1)]) / min(runs[(name, 2)])
        print(f"| {name} | {one:.1f} s | {tokenizer_wall / one:.2f}× | {two:.1f} s | {speed_up:.2f}× |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default=DEFAULT_REF, help="the tree before (a git ref)")
    ap.add_argument("--limit", type=int, default=600, help="FakeHealth texts timed per document")
    ap.add_argument("--startup-runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=2, help="passes of the audits (the best counts)")
    ap.add_argument("--skip-audit", action="store_true")
    args = ap.parse_args()
    if not FAKEHEALTH.exists():
        print(f"{FAKEHEALTH} is absent: nothing to measure")
        return 0
    args.limit = min(args.limit, len(records()) - WARM_UP)  # the warm-up texts are the last ones
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    print(f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"before: {args.ref}, after: this checkout ({head}, with what is not committed)")
    with tempfile.TemporaryDirectory(prefix="claimcheck-before-after-") as name:
        tmp = Path(name)
        env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp / "cache")}
        env.pop("PYTHONPATH", None)
        before = worktree(args.ref, tmp)
        try:
            trees = {f"before ({args.ref})": before, "after": REPO}
            startup(trees, args.startup_runs, env, tmp)
            per_document(trees, args.limit, env)
            if not args.skip_audit:
                audits(trees, args.repeat, env, tmp)
        finally:
            remove_worktree(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
