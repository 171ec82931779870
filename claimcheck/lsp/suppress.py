"""A suppression comment for a finding, written so that the buffer's own reader finds it and
reads the same prose as before.

The comment forms are documents/directives.py's: ``<!-- claimcheck-… -->`` (Markdown, HTML)
and a line of its own starting with ``#`` (plain text). Which one a buffer takes is not decided
here by its format's name: each is tried, and an edit is offered only when re-reading the
edited text finds a directive that silences the finding and the prose is the same, whitespace
aside (a line break that would become a paragraph break counts). Placements, in order:

1. ``claimcheck-disable-next-line RULE -- reason`` on a line of its own above the finding's
   line, indented like it (always right in HTML, and where a paragraph starts);
2. inside a hard-wrapped paragraph, where a comment line would cut the sentence in two
   (Markdown, plain text): ``claimcheck-disable RULE -- reason`` on a line above the
   paragraph and ``claimcheck-enable RULE`` on a line after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..documents import DocumentError, LineIndex
from ..documents.text import newline_of
from ..findings import Finding
from ..suppressions import apply_suppressions
from .checking import Report

REASON = "reason"  # the placeholder the user replaces with why the claim stays
FORMS = ("<!-- {} -->", "# {}")
_INDENT = re.compile(r"[ \t]*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Change:
    """text[start:end] becomes ``new`` (code point offsets into the buffer as checked)."""

    start: int
    end: int
    new: str


def suppression(report: Report, f: Finding) -> list[Change] | None:
    """The edits that silence ``f`` with a comment, or None when no placement reads right."""
    if f.position.line is None:
        return None
    text = report.text
    nl = newline_of(text)
    lines = _Lines(text)
    line = f.position.line
    first, last = lines.paragraph(line)
    placements = [[Change(lines.start(line), lines.start(line), "{indent}{next_line}" + nl)]]
    if first != line:
        placements.append([Change(lines.start(first), lines.start(first), "{indent}{disable}" + nl),
                           Change(lines.end(last), lines.end(last), nl + "{indent}{enable}")])
    for changes in placements:
        indent = lines.indent(first if len(changes) > 1 else line)
        for form in FORMS:
            bodies = {"next_line": form.format(f"claimcheck-disable-next-line {f.rule} -- {REASON}"),
                      "disable": form.format(f"claimcheck-disable {f.rule} -- {REASON}"),
                      "enable": form.format(f"claimcheck-enable {f.rule}"), "indent": indent}
            written = [replace(c, new=c.new.format(**bodies)) for c in changes]
            if _silences(report, f, written):
                return written
    return None


def apply(text: str, changes: list[Change]) -> str:
    for c in sorted(changes, key=lambda c: c.start, reverse=True):
        text = text[:c.start] + c.new + text[c.end:]
    return text


def _silences(report: Report, f: Finding, changes: list[Change]) -> bool:
    """Does the edited text hold a directive silencing ``f`` (one line further down), with
    the same prose?"""
    try:
        edited = report.reread(apply(report.text, changes))
    except DocumentError:
        return False
    moved = replace(f, position=replace(f.position, line=f.position.line + 1))
    if not apply_suppressions([moved], edited.directives).suppressed:
        return False
    return _prose(edited.text) == _prose(report.document.text)


def _prose(text: str) -> str:
    """Prose compared whitespace aside: a run of spaces is one space, a run with a line break
    one line break, a run with more a paragraph break."""
    def one(m: re.Match) -> str:
        breaks = m.group().count("\n")
        return " " if not breaks else "\n" if breaks == 1 else "\n\n"

    return _SPACE.sub(one, text).strip()


class _Lines:
    """The buffer's lines as the readers number them (1-based, split at "\\n")."""

    def __init__(self, text: str):
        self.text = text
        self.index = LineIndex(text)
        self.count = text.count("\n") + 1

    def start(self, line: int) -> int:
        return self.index.offset(line)

    def end(self, line: int) -> int:
        """Where the line's content ends, before its "\\r\\n" or "\\n"."""
        end = self.text.find("\n", self.start(line))
        if end == -1:
            return len(self.text)
        return end - 1 if self.text[end - 1:end] == "\r" and end > self.start(line) else end

    def content(self, line: int) -> str:
        return self.text[self.start(line):self.end(line)]

    def blank(self, line: int) -> bool:
        return not self.content(line).strip()

    def indent(self, line: int) -> str:
        return _INDENT.match(self.content(line)).group()

    def paragraph(self, line: int) -> tuple[int, int]:
        """The first and last line of the run of non-blank lines holding ``line``."""
        first, last = line, line
        while first > 1 and not self.blank(first - 1):
            first -= 1
        while last < self.count and not self.blank(last + 1):
            last += 1
        return first, last
