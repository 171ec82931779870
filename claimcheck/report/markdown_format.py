"""--format markdown: a summary people read in a pull request or a CI job's summary page
(GitHub's ``$GITHUB_STEP_SUMMARY``, GitLab's and Gitea's Markdown views).

* A headline: how many findings in how many documents, by severity, and whether the gate
  (``--fail-on``) fails.
* A table of the documents with findings or errors: score, grade, findings by severity.
* Per document with findings, a compact table grouped by severity (critical first, in document
  order within a severity): where (line:column), the rule, the words, and the suggestion.
  At most MAX_ROWS rows per document; the rest are counted ("… and 12 more").
* Documents that could not be checked, with the reason.

Everything that comes from a document (its name, the words, the suggestion) is escaped: HTML
is shown as text (``&``, ``<``, ``>`` as entities), Markdown's own characters are
backslash-escaped so they cannot open a link, an image or a table cell, and line breaks and
control characters are flattened. A clean run prints the headline alone.
"""
from __future__ import annotations

import re
from typing import Sequence, TextIO

from ..findings import SEVERITY_NAMES, FileResult, Finding
from .base import ReportOptions
from .common import shown
from .terminal import printable

NAME = "markdown"
MAX_ROWS = 50  # findings listed per document; a step summary holds at most 1 MiB
WORDS = 80  # characters of a finding's words (and of a warning to add) shown
ADVICE = 160  # characters of advice shown
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links, table cells, strike


def md(value: object, width: int | None = None) -> str:
    """Document text as inert Markdown on one line: entities for HTML, backslashes for
    Markdown's punctuation, no line breaks or control characters."""
    text = printable(" ".join(str(value).split()))
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code(value: object) -> str:
    """A name (a path, a rule id) in a code span; as plain escaped text when it holds a backtick."""
    text = printable(" ".join(str(value).split()))
    if "`" in text or "|" in text:
        return md(text)
    return f"`{text}`"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    checked = [r for r in results if not r.skipped]
    errors = [r for r in checked if r.error]
    found = [(r, shown(r, options.show_suppressed)) for r in checked if not r.error]
    found = [(r, fs) for r, fs in found if fs]
    per_document = [_by_severity(fs) for _, fs in found]
    counts = {s: sum(by[s] for by in per_document) for s in SEVERITY_NAMES}
    total = sum(counts.values())
    failing = sum(r.failing for r in checked)
    out.write(f"## claimcheck: {_headline(total, len(found), len(checked), counts, len(errors), failing)}\n")
    if not found and not errors:
        return
    out.write("\n| Document | Score | Grade | " + " | ".join(SEVERITY_NAMES) + " |\n")
    out.write("|---|---:|:---:|" + "---:|" * len(SEVERITY_NAMES) + "\n")
    for (r, _), by in zip(found, per_document):
        out.write(f"| {code(r.path)} | {r.score} | {r.grade} | " + " | ".join(str(by[s]) for s in SEVERITY_NAMES)
                  + " |\n")
    for r in errors:
        out.write(f"| {code(r.path)} | - | - | " + " | ".join("-" for _ in SEVERITY_NAMES) + " |\n")
    for r, fs in found:
        out.write(f"\n### {code(r.path)}: score {r.score} ({r.grade})\n\n")
        out.write("| Severity | Line | Rule | Words | Suggestion |\n|---|---:|---|---|---|\n")
        ordered = sorted(fs, key=lambda f: (-f.severity, f.sort_key()))
        for f in ordered[:MAX_ROWS]:
            out.write(_row(f))
        if len(ordered) > MAX_ROWS:
            out.write(f"\n… and {len(ordered) - MAX_ROWS} more (see the full report: `--format text` or `sarif`).\n")
    if errors:
        out.write("\n### Could not check\n\n")
        for r in errors:
            out.write(f"- {code(r.path)}: {md(r.error)}\n")


def _by_severity(findings: list[Finding]) -> dict[str, int]:
    """A document's findings per severity, suppressed ones (shown on request) not counted."""
    by = dict.fromkeys(SEVERITY_NAMES, 0)
    for f in findings:
        if f.suppression is None:
            by[str(f.severity)] += 1
    return by


def _headline(total: int, documents: int, checked: int, counts: dict[str, int], errors: int, failing: int) -> str:
    if not total and not errors:
        return f"no findings in {_n(checked, 'document')}"
    parts = [f"{_n(total, 'finding')} in {documents} of {_n(checked, 'document')}"]
    if total:
        parts.append("(" + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + ")")
    text = " ".join(parts)
    if errors:
        text += f"; {_n(errors, 'document')} could not be checked"
    if failing:
        text += f"; **{_n(failing, 'document')} {'fails' if failing == 1 else 'fail'} the gate**"
    return text


def _row(f: Finding) -> str:
    p = f.position
    where = f"{p.line}:{p.column}" if p.line is not None else "-"
    severity = str(f.severity)
    if f.suppression is not None:
        severity += " (suppressed)"
    elif any(c.from_severity > f.severity for c in f.context):
        severity += f" (from {max(c.from_severity for c in f.context)})"
    s = f.suggestion
    suggestion = ""
    if s is not None:
        if s.replacement:
            suggestion = f"replace with “{md(s.replacement)}”"
        elif s.insert:
            suggestion = f"add “{md(s.insert, WORDS)}”"
        elif s.advice:
            suggestion = md(s.advice, ADVICE)
    return f"| {severity} | {where} | {code(f.rule)} | “{md(f.text, WORDS)}” | {suggestion} |\n"


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

