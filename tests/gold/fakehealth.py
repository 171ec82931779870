"""Precision of major and critical findings on real journalism nobody here wrote.

A fixed random sample of 100 articles from ../shared/corpus/fakehealth.jsonl.gz (records
sorted by id, then ``random.Random(SEED).sample``) is linted with the bundled rulebook (with
``--all``, every one of the 2,156 articles). Every
major or critical finding is looked up in the review file beside this script
(fakehealth-review.yaml), where a person has judged it a true finding or a false alarm and
said why. The script prints the figures, the false alarms, and any finding nobody has
reviewed yet (``--template`` prints those as review entries to fill in).

    .venv/bin/python tests/gold/fakehealth.py             # figures on the sample
    .venv/bin/python tests/gold/fakehealth.py --all       # figures on the whole dump
    .venv/bin/python tests/gold/fakehealth.py --template  # unreviewed findings as YAML
    .venv/bin/python tests/gold/fakehealth.py --minor     # 50 minor-or-worse findings drawn at
                                                          # random from the whole dump, vs.
                                                          # fakehealth-minor-review.yaml
    .venv/bin/python tests/gold/fakehealth.py --minor --every  # every minor-or-worse finding
                                                          # that has a verdict (a steadier figure
                                                          # than one draw of 50)

The minor sample is drawn from the findings of the rulebook being measured (sorted by
document and position, then ``random.Random(MINOR_SEED).sample``), so a change to the rules
draws a new sample: findings judged before keep their verdicts, new ones need judging
(``--minor --template``).

It reads ../shared, which a fresh clone does not have; without it the script says so.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared"
DUMP = SHARED / "corpus" / "fakehealth.jsonl.gz"
REVIEW = HERE / "fakehealth-review.yaml"
SEED = 20261122
SAMPLE_SIZE = 100
MINOR_REVIEW = HERE / "fakehealth-minor-review.yaml"
MINOR_SEED = 20261206
MINOR_SAMPLE = 50
SENTENCE_KEY = 100  # a review entry names its finding by document, rule and sentence start


@dataclass(frozen=True)
class Reviewed:
    doc: str
    rule: str
    sentence: str
    verdict: bool  # True: a real problem; False: a false alarm
    why: str


def everything(path: Path = DUMP) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return sorted(records, key=lambda r: r["id"])


def sample(path: Path = DUMP, size: int = SAMPLE_SIZE, seed: int = SEED) -> list[dict]:
    return random.Random(seed).sample(everything(path), size)


def key(doc: str, rule: str, sentence: str) -> tuple[str, str, str]:
    return doc, rule, " ".join(sentence.split())[:SENTENCE_KEY].rstrip()


def read_review(path: Path = REVIEW) -> dict[tuple[str, str, str], Reviewed]:
    if not path.exists():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = {}
    for e in entries:
        if e.get("verdict") is None:
            continue
        r = Reviewed(e["doc"], e["rule"], e["sentence"], bool(e["verdict"]), e.get("why", ""))
        out[key(r.doc, r.rule, r.sentence)] = r
    return out


def serious_findings(records: list[dict], least: str = "major"):
    """(record id, finding) for every major or critical finding (or every one of at least the
    severity ``least``), in document order."""
    from claimcheck import Severity, build_linter, text_document

    floor = Severity[least.upper()]

    linter = build_linter()
    documents = (text_document(f"{rec.get('title') or ''}\n\n{rec.get('text') or ''}", rec["id"])
                 for rec in records)
    for document, checked in linter.lint_many(documents):
        for f in checked.findings:
            if f.severity >= floor:
                yield document.path, f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="every article of the dump, not the sample")
    parser.add_argument("--template", action="store_true", help="print unreviewed findings as review entries")
    parser.add_argument("--minor", action="store_true",
                        help=f"a random {MINOR_SAMPLE} of the minor-or-worse findings on the whole dump")
    parser.add_argument("--every", action="store_true",
                        help="with --minor: every finding with a verdict, not a random 50")
    args = parser.parse_args(argv)
    if not DUMP.exists():
        print(f"{DUMP} is absent (../shared is not part of a fresh clone)", file=sys.stderr)
        return 2
    records = everything() if args.all or args.minor else sample()
    review = read_review(MINOR_REVIEW if args.minor else REVIEW)
    if args.minor:
        every = list(serious_findings(records, "minor"))
        if args.every:
            found = every
        else:
            drawn = sorted(random.Random(MINOR_SEED).sample(range(len(every)), min(MINOR_SAMPLE, len(every))))
            found = [every[i] for i in drawn]
    else:
        found = list(serious_findings(records))
    judged, unreviewed, seen = [], [], set()
    for doc, f in found:
        k = key(doc, f.rule, f.sentence)
        seen.add(k)
        (judged if k in review else unreviewed).append((doc, f, review.get(k)))
    if args.template:
        entries = [{"doc": doc, "rule": f.rule, "severity": str(f.severity), "text": f.text,
                    "sentence": key(doc, f.rule, f.sentence)[2], "verdict": None, "why": "",
                    **({"context": f.sentence} if args.minor else {})}
                   for doc, f, _ in unreviewed]
        print(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=120), end="")
        return 0

    true = sum(1 for _, _, r in judged if r.verdict)
    false_alarms = [(doc, f, r) for doc, f, r in judged if not r.verdict]
    docs = len({doc for doc, _ in found})
    if args.minor and args.every:
        print(f"all {len(records)} articles; {len(every)} minor, major or critical findings in {docs} articles")
    elif args.minor:
        print(f"all {len(records)} articles; {len(every)} minor, major or critical findings; "
              f"a random {len(found)} of them (seed {MINOR_SEED}) in {docs} articles")
    else:
        what = "all" if args.all else f"sample (seed {SEED}):"
        print(f"{what} {len(records)} articles; {len(found)} major or critical findings in {docs} of them")
    print(f"reviewed: {len(judged)}, true findings {true}, false alarms {len(false_alarms)}")
    if judged:
        print(f"precision ({'minor and worse' if args.minor else 'major and critical'}): {true / len(judged):.2f}")
    for doc, f, r in false_alarms:
        print(f"  false alarm {doc}:{f.position.line}:{f.position.column}: {f.rule} \"{f.text}\" - {r.why}")
    linted = {rec["id"] for rec in records}
    stale = [r for k, r in review.items() if k not in seen and r.doc in linted]
    if stale and not args.minor:  # the minor sample is drawn anew: unsampled is not lost
        print(f"reviewed but no longer reported: {len(stale)} "
              f"({sum(r.verdict for r in stale)} of them true findings)")
        for r in stale:
            print(f"  {'lost' if r.verdict else 'fixed'} {r.doc}: {r.rule}: {r.sentence[:70]}")
    if unreviewed:
        print(f"NOT REVIEWED: {len(unreviewed)} findings (run with --template)")
        for doc, f, _ in unreviewed:
            print(f"  {doc}:{f.position.line}:{f.position.column}: {f.rule} \"{f.text}\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
