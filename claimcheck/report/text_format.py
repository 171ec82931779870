"""--format text: one line per finding (path:line:col: severity rule message), then the
sentence with the span marked, the suggestion, and any context that changed the grade."""
from __future__ import annotations

from collections import Counter
from typing import Sequence, TextIO

import click

from .base import ReportOptions
from ..findings import SEVERITY_NAMES, FileResult, Finding
from .terminal import display_width, printable

SEVERITY_COLOURS = {"critical": "magenta", "major": "red", "minor": "yellow", "info": "cyan"}
EXCERPT_WIDTH = 100  # cells of an excerpt in a file or pipe, and at most on a terminal
MIN_EXCERPT_WIDTH = 20
INDENT = "    "


NAME = "text"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    """Write the report. ``width`` is the columns of the terminal ``out`` shows on (None when
    it is a file or pipe), so that excerpts never wrap and their markers stay under the span.
    Text from documents (and, uniformly, everything else that is not ours) is ``printable``."""
    color = options.color
    width = options.width
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    baseline = options.baseline
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    excerpt_cells = excerpt_width(width)
    for result in results:
        path = printable(result.path)
        if result.error:
            out.write(f"{style(path, bold=True)}: {style('error', fg='red', bold=True)}: "
                      f"{printable(result.error)}\n")
            continue
        if result.skipped:
            out.write(f"{style(path, bold=True)}: {style('skipped', dim=True)}: {printable(result.skipped)}\n")
            continue
        shown = list(result.findings) + (list(result.suppressed) if show_suppressed else [])
        for f in sorted(shown, key=lambda f: f.sort_key()):
            _finding(f, path, out, style, excerpt_cells)
        for u in result.unused:
            if warn_unused or u.reason != "suppresses nothing":
                where = f"{path}:{u.directive.line}:{u.directive.column}:"
                out.write(f"{style(where, bold=True)} {style('warning', fg='yellow', bold=True)} "
                          f"{style('unused-suppression', dim=True)} {printable(u.directive.text)}: "
                          f"{printable(u.reason)}\n")
        if result.findings:
            out.write(style(f"{path}: score {result.score} ({result.grade}), "
                            f"{_count(len(result.findings), 'finding')}\n\n", dim=True))
    out.write(_summary(results) + "\n")
    if baseline is not None:
        fixed = baseline["fixed"]
        out.write(f"Baseline: {_count(baseline['hidden'], 'finding')} hidden, "
                  f"{sum(e['count'] for e in fixed)} fixed since it was written.\n")
        for e in fixed:
            times = f" ({e['count']} times)" if e["count"] > 1 else ""
            out.write(f"    fixed: {printable(e['path'])}:{e['line']}: {printable(e['rule'])} "
                      f"\"{printable(e['text'])}\"{times}\n")


def excerpt_width(columns: int | None) -> int:
    """Cells an excerpt may take: what the terminal leaves beside the indent, within
    [MIN_EXCERPT_WIDTH, EXCERPT_WIDTH]; EXCERPT_WIDTH when not writing to a terminal."""
    if columns is None:
        return EXCERPT_WIDTH
    return max(MIN_EXCERPT_WIDTH, min(EXCERPT_WIDTH, columns - len(INDENT)))


def _where(f: Finding, path: str) -> str:
    if f.position.line is None:
        return f"{path}: (no position: {printable(f.position.unlocated)})"
    return f"{path}:{f.position.line}:{f.position.column}:"


def _finding(f: Finding, path: str, out: TextIO, style, width: int) -> None:
    sev = str(f.severity)
    label = style(sev, fg=SEVERITY_COLOURS[sev], bold=True)
    if f.suppression is not None:
        reason = f": {printable(f.suppression.reason)}" if f.suppression.reason else ""
        label = style(f"suppressed ({sev}{reason}, line {f.suppression.line})", dim=True)
    out.write(f"{style(_where(f, path), bold=True)} {label} {style(printable(f.rule), dim=True)} "
              f"{printable(f.message)}\n")
    excerpt, mark_at, mark_len = _excerpt(f, width)
    out.write(f"{INDENT}{excerpt}\n")
    out.write(f"{INDENT}{' ' * mark_at}{style('^' * max(1, mark_len), fg=SEVERITY_COLOURS[sev])}\n")
    if f.suggestion:
        s = f.suggestion
        if s.replacement:
            out.write(f"{INDENT}{style('suggestion:', fg='green')} replace with \"{printable(s.replacement)}\"\n")
        if s.insert:
            out.write(f"{INDENT}{style('suggestion:', fg='green')} add \"{printable(s.insert)}\"\n")
        if s.advice:
            out.write(f"{INDENT}{style('advice:', fg='green')} {printable(s.advice)}\n")
    for c in f.context:
        out.write(f"{INDENT}{style('context:', fg='blue')} {c.type} (\"{printable(c.cue)}\") "
                  f"lowered it from {c.from_severity}\n")


_Unit = tuple[str, int]  # what a terminal shows for one character (and its combining marks), and its cells


def _units(text: str) -> list[_Unit]:
    """``text`` as printed: each character made printable, with its width. Zero-width
    characters stay with the one before them, so a cut never strands a combining mark."""
    units: list[_Unit] = []
    for char in text:
        shown = printable(char)
        cells = display_width(shown)
        if cells == 0 and units:
            units[-1] = (units[-1][0] + shown, units[-1][1])
        else:
            units.append((shown, cells))
    return units


def _head(units: list[_Unit], cells: int) -> list[_Unit]:
    """The longest start of ``units`` that fits in ``cells``."""
    kept, used = [], 0
    for unit in units:
        if used + unit[1] > cells:
            break
        kept.append(unit)
        used += unit[1]
    return kept


def _tail(units: list[_Unit], cells: int) -> list[_Unit]:
    """The longest end of ``units`` that fits in ``cells``."""
    return _head(units[::-1], cells)[::-1]


def _cells(units: list[_Unit]) -> int:
    return sum(u[1] for u in units)


def _excerpt(f: Finding, width: int = EXCERPT_WIDTH) -> tuple[str, int, int]:
    """The sentence made printable, cut around the span to ``width`` cells with "…" where text
    was left out, and the cell where the marker starts and how many cells it covers. A span too
    long to leave room for context is cut too; the marker covers what is shown of it."""
    sentence = f.sentence.replace("\n", " ").replace("\t", " ")
    start, end = f.sentence_span
    before, span, after = _units(sentence[:start]), _units(sentence[start:end]), _units(sentence[end:])
    if _cells(before) + _cells(span) + _cells(after) > width:
        shown = _head(span, width - 10)
        if len(shown) < len(span):  # what follows a cut span is not shown either
            span, after = shown, [("…", 1)]
        room = width - _cells(span) - 2  # the prefix and suffix "…" may both be needed
        left = _tail(before, room // 2)
        right = _head(after, room - _cells(left))
        left = _tail(before, room - _cells(right))
        prefix = "…" if len(left) < len(before) else ""
        suffix = "…" if len(right) < len(after) else ""
        before, after = [(prefix, len(prefix)), *left], [*right, (suffix, len(suffix))]
    text = "".join(u[0] for u in (*before, *span, *after))
    return text, _cells(before), _cells(span)


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
        line += f"; {_count(skipped, unit if unit == 'file' else 'record')} skipped"
    if errors:
        line += f"; {_count(errors, unit)} could not be checked"
    return line + "."
