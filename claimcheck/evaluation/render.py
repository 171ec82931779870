"""Printing an Evaluation: figure tables, then every miss, false alarm and severity difference."""
from __future__ import annotations

import json
from typing import TextIO

from ..documents import LineIndex
from ..findings import CATEGORIES, Finding
from .compare import Counts, Evaluation
from .gold import Expectation, Gold

HEADER = f"{'':<44} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7} {'f1':>6}"


def _row(name: str, c: Counts) -> str:
    return (f"{name:<44} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>10.2f} {c.recall:>7.2f} {c.f1:>6.2f}")


def _line_col(gold: Gold, offset: int, index: dict[str, LineIndex]) -> tuple[int, int]:
    """Line and column of a source offset, one LineIndex per document."""
    if gold.name not in index:
        index[gold.name] = LineIndex(gold.document.source)
    return index[gold.name].line_col(offset)


def _where(gold: Gold, offset: int | None, index: dict[str, LineIndex]) -> str:
    if offset is None:
        return f"{gold.name} ({gold.sidecar})"
    line, col = _line_col(gold, offset, index)
    return f"{gold.name}:{line}:{col}"


def _expected(e: Expectation) -> str:
    sev = f" [{e.severity}]" if e.severity else ""
    return f"{e.key}{sev}" + (f' "{e.text}"' if e.text else " (document)")


def _found(f: Finding) -> str:
    return f'{f.rule} [{f.severity}] "{f.text}"'


def category_order(ev: Evaluation) -> list[str]:
    return [c for c in CATEGORIES if c in ev.by_category]


def render_text(ev: Evaluation, out: TextIO) -> None:
    docs = len(ev.outcomes)
    expected = sum(len(o.gold.expectations) for o in ev.outcomes)
    reported = sum(len(o.matched) + len(o.false_alarms) for o in ev.outcomes)
    out.write(f"{docs} documents, {expected} expected findings, {reported} reported\n\n")
    out.write(f"{'category':<44}{HEADER[44:]}\n")
    for name in category_order(ev):
        out.write(_row(name, ev.by_category[name]) + "\n")
    out.write(_row("overall", ev.overall) + "\n\n")
    out.write(f"{'rule':<44}{HEADER[44:]}\n")
    for name in sorted(ev.by_rule):
        out.write(_row(name, ev.by_rule[name]) + "\n")
    checked, differs = ev.severity_checked, ev.severity_differs
    if checked:
        out.write(f"\nseverity: {len(checked) - len(differs)} of {len(checked)} matched findings "
                  f"carry the expected grade\n")
    mp = ev.major_plus
    out.write(f"major and critical findings: precision {mp.precision:.2f} ({mp.tp} of {mp.tp + mp.fp})\n")
    unlabelled = sum(len(o.unlabelled) for o in ev.outcomes)
    if unlabelled:
        out.write(f"{unlabelled} findings of categories expected on their page matched no span label "
                  f"(not counted above)\n")
    pages = ev.page_accuracy()
    if pages:
        out.write(f"\n{'pages (all expected categories found, none forbidden)':<56} {'right':>6} {'pages':>6} "
                  f"{'accuracy':>9}\n")
        for name, (right, n) in pages.items():
            out.write(f"{name:<56} {right:>6} {n:>6} {right / n:>9.2f}\n")

    index: dict[str, LineIndex] = {}
    wrong = [o for o in ev.pages if not o.page.right]
    if wrong:
        out.write(f"\npages wrong ({len(wrong)}):\n")
        for o in wrong:
            parts = ([f"missing {', '.join(sorted(o.page.missing))}"] if o.page.missing else []) + \
                    ([f"forbidden {', '.join(sorted(o.page.forbidden))}"] if o.page.forbidden else [])
            out.write(f"  {o.gold.name} ({o.gold.kind or '-'}, {o.gold.lang or '-'}): {'; '.join(parts)}\n")
    misses = [(o.gold, e) for o in ev.outcomes for e in o.misses]
    alarms = [(o.gold, f, c) for o in ev.outcomes for f, c in o.false_alarms]
    if misses:
        out.write(f"\nmisses ({len(misses)}):\n")
        for gold, e in misses:
            out.write(f"  {_where(gold, e.spans[0][0] if e.spans else None, index)}: {_expected(e)}\n")
    if alarms:
        out.write(f"\nfalse alarms ({len(alarms)}):\n")
        for gold, f, clean in alarms:
            note = f" (marked clean: {clean.why or clean.text})" if clean else ""
            out.write(f"  {_where(gold, f.position.start, index)}: {_found(f)}{note}\n")
    if differs:
        out.write(f"\nseverity differs ({len(differs)}):\n")
        for gold, e, f in differs:
            out.write(f"  {_where(gold, f.position.start, index)}: {f.rule} expected {e.severity}, "
                      f"reported {f.severity}\n")
    for gold in ev.skipped:
        out.write(f"\nskipped {gold.sidecar}: {gold.skipped}\n")


def render_json(ev: Evaluation, out: TextIO) -> None:
    index: dict[str, LineIndex] = {}

    def expectation(gold: Gold, e: Expectation) -> dict:
        data = {"document": gold.name, "rule": e.rule, "category": e.category,
                "severity": str(e.severity) if e.severity else None, "text": e.text}
        if e.spans:
            data["line"], data["column"] = _line_col(gold, e.spans[0][0], index)
        return data

    def finding(gold: Gold, f: Finding) -> dict:
        return {"document": gold.name, "rule": f.rule, "category": f.category,
                "severity": str(f.severity), "text": f.text, "line": f.position.line,
                "column": f.position.column}

    data = {
        "documents": len(ev.outcomes),
        "overall": ev.overall.to_dict(),
        "categories": {c: ev.by_category[c].to_dict() for c in category_order(ev)},
        "rules": {r: ev.by_rule[r].to_dict() for r in sorted(ev.by_rule)},
        "severity": {"checked": len(ev.severity_checked), "differs": len(ev.severity_differs)},
        "major_plus": ev.major_plus.to_dict(),
        "unlabelled": sum(len(o.unlabelled) for o in ev.outcomes),
        "pages": {name: {"right": right, "pages": n, "accuracy": round(right / n, 4)}
                  for name, (right, n) in ev.page_accuracy().items()},
        "pages_wrong": [{"document": o.gold.name, "kind": o.gold.kind, "lang": o.gold.lang,
                         "missing": sorted(o.page.missing), "forbidden": sorted(o.page.forbidden)}
                        for o in ev.pages if not o.page.right],
        "misses": [expectation(o.gold, e) for o in ev.outcomes for e in o.misses],
        "false_alarms": [dict(finding(o.gold, f), clean=c.why if c else None)
                         for o in ev.outcomes for f, c in o.false_alarms],
        "severity_differs": [dict(finding(g, f), expected=str(e.severity)) for g, e, f in ev.severity_differs],
        "skipped": [{"sidecar": g.sidecar, "reason": g.skipped} for g in ev.skipped],
    }
    json.dump(data, out, indent=2)
    out.write("\n")
