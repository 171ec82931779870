"""The edit engine of `claimcheck fix`: plan an edit per finding (a replacement, or a
paragraph inserted where the format's reader says), try each on its own, re-read and re-lint,
and keep it only when its finding is gone and nothing new appeared."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping

from ..documents import Document, DocumentError, LineIndex, reader
from ..documents.text import newline_of
from ..engine import Linter
from ..findings import Finding
from .source import SourceFile

MAX_PASSES = 5  # a pass only repeats when the one before it changed something
FIXED, DROPPED, SKIPPED = "fixed", "dropped", "skipped"
SHOWN_CHARS = 60

Reader = Callable[[str], Document]
SafeRules = Mapping[str, "frozenset[str] | None"]


# --------------------------------------------------------------------------- edits

@dataclass(frozen=True)
class Edit:
    """One fix: source[start:end] becomes ``new`` (an insertion has start == end).

    A ``paragraph`` insertion is surrounded by blank lines as the text around it needs when it
    is applied (so two insertions at one place do not leave a double blank line between them).
    """

    finding: Finding
    start: int
    end: int
    new: str
    shown: str  # the new text as reports show it (unescaped)
    paragraph: bool = False

    @property
    def inserts(self) -> bool:
        return self.finding.scope == "document"

    def apply(self, text: str) -> str:
        new = self.new
        if self.paragraph:
            nl = newline_of(text)
            new = nl + nl + new + (nl if _line_follows(text, self.start) else "")
        return text[:self.start] + new + text[self.end:]


class _Skip(Exception):
    """A finding whose fix cannot be planned; str() says why."""


def _line_follows(text: str, at: int) -> bool:
    """Does a non-blank line follow the line break at ``at``? (Then an inserted paragraph
    needs a blank line after it too.)"""
    m = re.match(r"\r?\n([^\r\n]*)", text[at:at + 4096])
    return m is not None and bool(m.group(1).strip())


def plan_edits(text: str, fmt: str, findings: list[Finding], safe: SafeRules, unsafe: bool,
          source: SourceFile | None) -> tuple[list[Edit], list[tuple[Finding, str]]]:
    """The edits for a text's findings, overlaps resolved, and the findings passed over (why)."""
    edits: list[Edit] = []
    passed: list[tuple[Finding, str]] = []
    for f in findings:
        if not wanted(f, safe, unsafe):
            continue
        try:
            if f.position.start is None:
                raise _Skip("its text could not be located in the source")
            edit = _insertion(text, fmt, f) if f.scope == "document" else _replacement(text, fmt, f)
            if source is not None and not source.can_write(edit.new):
                raise _Skip(f"the new text cannot be written in {source.encoding}")
        except _Skip as exc:
            passed.append((f, str(exc)))
            continue
        edits.append(edit)
    kept, overlapping = _resolve(edits)
    return kept, passed + overlapping


def wanted(f: Finding, safe: SafeRules, unsafe: bool) -> bool:
    """Has the finding a fix that this run applies? A rule may be safe only for some phrases
    (``safe: [permanent remission]``): a match with more words ("permanent acne remission")
    would lose one to the replacement, so it needs --unsafe."""
    s = f.suggestion
    if s is None:
        return False
    if f.scope == "document":
        return bool(s.insert) and unsafe
    if not s.replacement:
        return False
    if unsafe:
        return True
    phrases = safe.get(f.rule, ())
    return phrases is None or " ".join(f.text.lower().split()) in phrases


def _replacement(text: str, fmt: str, f: Finding) -> Edit:
    """Replace exactly the match's source span, and only when that span says what the finding
    says (whitespace aside): a span with markup inside (``*permanent* remission``, a link's
    end) would lose or break the markup."""
    start, end = f.position.start, f.position.end
    span = text[start:end]
    if span.split() != f.text.split():
        raise _Skip(f"its source crosses markup ({shorten(span)!r})")
    rep = f.suggestion.replacement
    return Edit(f, start, end, reader(fmt).literal(rep), rep)


def _insertion(text: str, fmt: str, f: Finding) -> Edit:
    """Insert a document rule's text as a new paragraph after the block holding the finding
    (the first mention), where and as the format's reader says: a blank line and the text in
    plain text and Markdown, a ``<p>`` after the closing tag of the enclosing block in HTML."""
    body = f.suggestion.insert
    found = reader(fmt).paragraph_after(text, f.position.start, body)
    if found is None:
        raise _Skip(f"no enclosing {fmt.upper()} block element to insert after")
    end, new, paragraph = found
    return Edit(f, end, end, new, body, paragraph=paragraph)


def _overlaps(a: Edit, b: Edit) -> bool:
    """Do two edits touch the same text? An insertion overlaps a replacement only strictly
    inside it; two insertions at one place do not overlap."""
    if a.start == a.end or b.start == b.end:
        point, span = (a, b) if a.start == a.end else (b, a)
        return span.start < point.start < span.end
    return a.start < b.end and b.start < a.end


def _resolve(edits: list[Edit]) -> tuple[list[Edit], list[tuple[Finding, str]]]:
    """Keep non-overlapping edits, deterministically: the earliest start wins, then the
    longest span, then the rule id."""
    kept: list[Edit] = []
    passed: list[tuple[Finding, str]] = []
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start), e.finding.rule)):
        other = next((k for k in kept if _overlaps(k, e)), None)
        if other is None:
            kept.append(e)
        else:
            passed.append((e.finding, f"overlaps the fix of {other.finding.rule}"))
    return kept, passed


# --------------------------------------------------------------------------- fixing a text

@dataclass(frozen=True)
class Outcome:
    """What became of one fix: fixed, dropped (tried, and the re-lint refused it) or skipped
    (not tried), with the line and column of its finding in the text as read."""

    status: str
    rule: str
    line: int | None
    column: int | None
    old: str
    new: str | None
    inserted: bool
    reason: str | None = None


@dataclass
class TextFix:
    """A fixed text, what happened to each fix, and the findings that remain in it."""

    text: str
    outcomes: list[Outcome]
    remaining: list[Finding]


class _Origin:
    """Maps offsets in a text after some passes of edits back to the text as read, so that
    every report names the place ``lint`` named."""

    def __init__(self) -> None:
        self._passes: list[list[tuple[int, int, int]]] = []  # (start, end, new length) per pass

    def add_pass(self, edits: list[tuple[int, int, int]]) -> None:
        if edits:
            self._passes.append(sorted(edits))

    def back(self, offset: int) -> int:
        for edits in reversed(self._passes):
            offset = _before(offset, edits)
        return offset


def _before(offset: int, edits: list[tuple[int, int, int]]) -> int:
    """An offset after a pass of edits (sorted, in the pass's input coordinates) as an offset
    before it; inside new text, where that edit was made."""
    shift = 0
    for start, end, new_len in edits:
        if offset < start + shift:
            break
        if offset < start + shift + new_len:
            return start
        shift += new_len - (end - start)
    return offset - shift


def fix_text(source: str, fmt: str, linter: Linter, read: Reader, unsafe: bool = False,
             file: SourceFile | None = None) -> TextFix:
    """Fix a source text (``fmt``: text, markdown or html) with a linter's suggestions.

    ``read`` turns a text into a Document the way the file was read; ``file``, when given,
    says which characters can be written back. Passes repeat while they change something (a
    fix passed over for overlapping another may apply once that one is made). Raises
    DocumentError when the text itself cannot be read."""
    safe = safe_rules(linter)
    index = LineIndex(source)
    origin = _Origin()
    text, findings = source, linter.check(read(source)).findings
    outcomes: list[Outcome] = []
    leftover: list[Outcome] = []

    def where(offset: int | None) -> tuple[int | None, int | None]:
        return (None, None) if offset is None else index.line_col(origin.back(offset))

    for _ in range(MAX_PASSES):
        edits, passed = plan_edits(text, fmt, findings, safe, unsafe, file)
        text_after, findings_after, applied, refused = apply_edits(text, findings, edits, linter, read)
        outcomes += [_outcome(FIXED, e, *where(e.finding.position.start)) for e, _ in applied]
        leftover = [_outcome(status, e, *where(e.finding.position.start), reason) for e, status, reason in refused]
        leftover += [_passed(f, *where(f.position.start), reason) for f, reason in passed]
        origin.add_pass([(e.start, e.end, n) for e, n in applied])
        text, findings = text_after, findings_after
        if not applied:
            break
    everything = sorted(outcomes + leftover, key=lambda o: (o.line or 0, o.column or 0, o.rule))
    return TextFix(text, everything, findings)


def apply_edits(text: str, findings: list[Finding], edits: list[Edit], linter: Linter, read: Reader
           ) -> tuple[str, list[Finding], list[tuple[Edit, int]], list[tuple[Edit, str, str]]]:
    """Try each edit from the end of the text backwards (earlier offsets stay valid), keeping
    it only when re-reading and re-linting the result accepts it. Returns the text, its
    findings, the edits applied (with the length they inserted) and those refused (status,
    reason)."""
    applied: list[tuple[Edit, int]] = []
    refused: list[tuple[Edit, str, str]] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.finding.rule), reverse=True):
        if not _still_reported(edit.finding, findings):
            refused.append((edit, SKIPPED, "no longer reported after another fix"))
            continue
        candidate = edit.apply(text)
        try:
            after = linter.check(read(candidate)).findings
        except DocumentError as exc:
            refused.append((edit, DROPPED, f"the fixed text cannot be read: {exc.reason}"))
            continue
        reason = _refusal(findings, after, edit.finding)
        if reason is not None:
            refused.append((edit, DROPPED, reason))
            continue
        applied.append((edit, len(candidate) - len(text) + edit.end - edit.start))
        text, findings = candidate, after
    return text, findings, applied, refused


def _still_reported(f: Finding, findings: list[Finding]) -> bool:
    return any(g.rule == f.rule and g.position.start == f.position.start and g.position.end == f.position.end
               for g in findings)


def _identity(f: Finding) -> tuple[str, str]:
    """A finding as the re-lint compares them: rule and words (case and spacing folded), not
    place, since every fix moves what follows it."""
    return f.rule, " ".join(f.text.split()).casefold()


def _refusal(before: list[Finding], after: list[Finding], own: Finding) -> str | None:
    """Why a change must not be kept: it creates a finding not there before, or leaves its own."""
    was, now = Counter(map(_identity, before)), Counter(map(_identity, after))
    new = now - was
    if new:
        first = min(new)
        text = next(f.text for f in after if _identity(f) == first)
        return f'it would create a new finding: {first[0]} "{shorten(text)}"'
    if now[_identity(own)] >= was[_identity(own)]:
        return "its finding would remain"
    return None


def _outcome(status: str, edit: Edit, line: int | None, column: int | None, reason: str | None = None) -> Outcome:
    f = edit.finding
    return Outcome(status, f.rule, line, column, f.text, edit.shown, edit.inserts, reason)


def _passed(f: Finding, line: int | None, column: int | None, reason: str) -> Outcome:
    inserted = f.scope == "document"
    new = f.suggestion.insert if inserted else f.suggestion.replacement
    return Outcome(SKIPPED, f.rule, line, column, f.text, new, inserted, reason)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def safe_rules(linter: Linter) -> SafeRules:
    """Rule id -> the phrases its replacement is safe for (None: every match)."""
    return {r.id: (None if r.safe_fix is True else frozenset(" ".join(p.lower().split()) for p in r.safe_fix))
            for r in linter.compiled.rules if r.safe_fix}
