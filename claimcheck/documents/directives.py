"""Suppression comments, as the readers find them in a source.

The forms (rule ids and categories are separated by commas or spaces; none means every rule)::

    <!-- claimcheck-disable RULE-OR-CATEGORY -- reason -->     Markdown, HTML
    <!-- claimcheck-enable RULE-OR-CATEGORY -->
    <!-- claimcheck-disable-next-line RULE-OR-CATEGORY -- reason -->
    # claimcheck-disable RULE-OR-CATEGORY -- reason            plain text (and JSONL records):
    // claimcheck-disable-next-line RULE -- reason             a line of its own

Readers only find and parse them; ``claimcheck.suppressions`` applies them to findings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

ACTIONS = ("disable-next-line", "disable", "enable")
_BODY = re.compile(r"\s*claimcheck-(disable-next-line|disable|enable)(?![\w-])(.*)\Z", re.S)
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_TEXT_LINE = re.compile(r"^[ \t]*(?:#|//)[ \t]*(claimcheck-[^\n]*?)[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class Directive:
    """One suppression comment: what it does, to which rules, why, and where it is."""

    action: str  # "disable" | "enable" | "disable-next-line"
    names: frozenset[str]  # rule ids or categories; empty means every rule
    reason: str | None
    line: int  # 1-based source line where the comment starts
    column: int
    end_line: int  # the line where the comment ends ("next line" is the one after it)
    text: str  # the comment as written, for messages

    def covers(self, rule: str, category: str) -> bool:
        return not self.names or rule in self.names or category in self.names


def parse_directive(body: str, line: int, column: int, end_line: int, text: str) -> Directive | None:
    """The Directive in a comment's body, or None when the comment is not one of ours."""
    m = _BODY.match(body)
    if m is None:
        return None
    action, rest = m.group(1), m.group(2)
    names_part, sep, reason = rest.partition("--")
    names = frozenset(n for n in re.split(r"[\s,]+", names_part.strip()) if n)
    return Directive(action, names, reason.strip() or None if sep else None, line, column, end_line,
                     " ".join(text.split()))


LineCol = Callable[[int], "tuple[int, int]"]


def html_comment_directives(source: str, line_col: LineCol, start: int = 0, end: int | None = None) -> Iterator[Directive]:
    """Directives in ``<!-- … -->`` comments of source[start:end]."""
    for m in _HTML_COMMENT.finditer(source, start, len(source) if end is None else end):
        line, col = line_col(m.start())
        end_line, _ = line_col(m.end() - 1)
        d = parse_directive(m.group(1), line, col, end_line, m.group(0))
        if d is not None:
            yield d


def text_comment_directives(source: str, line_col: LineCol) -> Iterator[tuple[Directive, int, int]]:
    """Directives on lines of their own in plain text (``# claimcheck-…`` or ``// claimcheck-…``),
    with the source span of each line, which the reader blanks out of the prose."""
    for m in _TEXT_LINE.finditer(source):
        line, col = line_col(m.start(1))
        d = parse_directive(m.group(1), line, col, line, m.group(0).strip())
        if d is not None:
            yield d, m.start(), m.end()
