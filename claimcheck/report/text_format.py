"""--format text: one line per finding (path:line:col: severity rule message), then the
sentence with the span marked, the suggestion, and any context that changed the grade."""
from __future__ import annotations

from collections import Counter
from typing import TextIO

import click

from ..findings import SEVERITY_NAMES, FileResult, Finding

SEVERITY_COLOURS = {"critical": "magenta", "major": "red", "minor": "yellow", "info": "cyan"}
EXCERPT_WIDTH = 100


def render(results: list[FileResult], out: TextIO, color: bool = False, show_suppressed: bool = False,
           warn_unused: bool = False, baseline: dict | None = None, **_: object) -> None:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    for result in results:
        if result.error:
            out.write(f"{style(result.path, bold=True)}: {style('error', fg='red', bold=True)}: {result.error}\n")
            continue
        if result.skipped:
            out.write(f"{style(result.path, bold=True)}: {style('skipped', dim=True)}: {result.skipped}\n")
            continue
        shown = list(result.findings) + (list(result.suppressed) if show_suppressed else [])
        for f in sorted(shown, key=lambda f: f.sort_key()):
            _finding(f, result.path, out, style)
        for u in result.unused:
            if warn_unused or u.reason != "suppresses nothing":
                where = f"{result.path}:{u.directive.line}:{u.directive.column}:"
                out.write(f"{style(where, bold=True)} {style('warning', fg='yellow', bold=True)} "
                          f"{style('unused-suppression', dim=True)} {u.directive.text}: {u.reason}\n")
        if result.findings:
            out.write(style(f"{result.path}: score {result.score} ({result.grade}), "
                            f"{_count(len(result.findings), 'finding')}\n\n", dim=True))
    out.write(_summary(results) + "\n")
    if baseline is not None:
        fixed = baseline["fixed"]
        out.write(f"Baseline: {_count(baseline['hidden'], 'finding')} hidden, "
                  f"{sum(e['count'] for e in fixed)} fixed since it was written.\n")
        for e in fixed:
            times = f" ({e['count']} times)" if e["count"] > 1 else ""
            out.write(f"    fixed: {e['path']}:{e['line']}: {e['rule']} \"{e['text']}\"{times}\n")


def _where(f: Finding, path: str) -> str:
    if f.position.line is None:
        return f"{path}: (no position: {f.position.unlocated})"
    return f"{path}:{f.position.line}:{f.position.column}:"


def _finding(f: Finding, path: str, out: TextIO, style) -> None:
    sev = str(f.severity)
    label = style(sev, fg=SEVERITY_COLOURS[sev], bold=True)
    if f.suppression is not None:
        reason = f": {f.suppression.reason}" if f.suppression.reason else ""
        label = style(f"suppressed ({sev}{reason}, line {f.suppression.line})", dim=True)
    out.write(f"{style(_where(f, path), bold=True)} {label} {style(f.rule, dim=True)} {f.message}\n")
    excerpt, mark_at, mark_len = _excerpt(f)
    out.write(f"    {excerpt}\n")
    out.write(f"    {' ' * mark_at}{style('^' * max(1, mark_len), fg=SEVERITY_COLOURS[sev])}\n")
    if f.suggestion:
        s = f.suggestion
        if s.replacement:
            out.write(f"    {style('suggestion:', fg='green')} replace with \"{s.replacement}\"\n")
        if s.insert:
            out.write(f"    {style('suggestion:', fg='green')} add \"{s.insert}\"\n")
        if s.advice:
            out.write(f"    {style('advice:', fg='green')} {s.advice}\n")
    for c in f.context:
        out.write(f"    {style('context:', fg='blue')} {c.type} (\"{c.cue}\") lowered it from {c.from_severity}\n")


def _excerpt(f: Finding) -> tuple[str, int, int]:
    """The sentence (shortened around the span if long) and where the marker goes."""
    sentence = f.sentence.replace("\n", " ").replace("\t", " ")
    start, end = f.sentence_span
    if len(sentence) <= EXCERPT_WIDTH:
        return sentence, start, end - start
    span_len = min(end - start, EXCERPT_WIDTH - 10)
    lo = max(0, start - (EXCERPT_WIDTH - span_len) // 2)
    hi = min(len(sentence), lo + EXCERPT_WIDTH)
    lo = max(0, hi - EXCERPT_WIDTH)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(sentence) else ""
    return prefix + sentence[lo:hi] + suffix, start - lo + len(prefix), span_len


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(results: list[FileResult]) -> str:
    checked = [r for r in results if not r.error and not r.skipped]
    errors = sum(1 for r in results if r.error)
    skipped = sum(1 for r in results if r.skipped)
    hidden = sum(r.hidden for r in results)
    suppressed = sum(len(r.suppressed) for r in results)
    baselined = sum(r.baselined for r in results)
    unit = "document" if any(r.record is not None for r in results) else "file"
    counts = Counter(str(f.severity) for r in checked for f in r.findings)
    total = sum(counts.values())
    if total:
        detail = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_NAMES if counts[s])
        line = f"Found {_count(total, 'finding')} ({detail}) in {_count(len(checked), unit)}"
    else:
        line = f"No findings in {_count(len(checked), unit)}"
    if hidden:
        line += f"; {hidden} below --min-severity not shown"
    if suppressed:
        line += f"; {suppressed} suppressed"
    if baselined:
        line += f"; {baselined} hidden by the baseline"
    if skipped:
        line += f"; {_count(skipped, 'record')} skipped"
    if errors:
        line += f"; {_count(errors, unit)} could not be checked"
    return line + "."
