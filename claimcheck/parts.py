"""Long documents are linted part by part, so that memory stays bounded whatever their size.

A document of more than ``2 * part_chars`` characters (a 50 MB page on one line, a book) is
cut into parts of about ``part_chars`` characters, at the places where a unit of the
prefilter starts (after a line break, or between sentences of a long line). Each part is
linted with a margin of whole units before and after it (at least MARGIN_CHARS each), so
that its first and last sentences see the sentences around them as they do in the whole
text: context reaches one sentence back (a "previous" cue, a refutation in the next
sentence), a line opening with a quote depends on the end of the line before, and matches
never cross a line break or a sentence start. A part reports only the findings that start in
the range it owns; the owned ranges tile the document.

What only the whole document can tell is gathered from the parts and decided at the end
(engine.py): which concepts the document mentions (the scopes of drug packs), and for
document rules, where each first mention lies and whether any part satisfies the rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .prefilter import Prefilter

PART_CHARS = 250_000
MARGIN_CHARS = 1_000
# With no place to cut for this many part lengths (a text with neither line breaks nor
# sentence ends), the part is cut at white space: findings right at such a cut may differ.
SEARCH_PARTS = 4


@dataclass(frozen=True)
class Part:
    """Text [lo, hi) is linted; findings starting in [own_lo, own_hi) are this part's."""

    lo: int
    own_lo: int
    own_hi: int
    hi: int


def is_long(text: str, part_chars: int = PART_CHARS) -> bool:
    return len(text) > 2 * part_chars


def parts(text: str, prefilter: Prefilter, part_chars: int = PART_CHARS,
          margin: int = MARGIN_CHARS) -> Iterator[Part]:
    """The parts of a long text, in order."""
    n = len(text)
    own_lo = 0
    while own_lo < n:
        own_hi = n if n - own_lo < 2 * part_chars else _next_start(text, prefilter, own_lo + part_chars, part_chars)
        lo = 0 if own_lo == 0 else _previous_start(text, prefilter, own_lo - margin, part_chars)
        hi = n if own_hi == n else _next_start(text, prefilter, own_hi + margin, part_chars)
        yield Part(lo, own_lo, own_hi, hi)
        own_lo = own_hi


def _next_start(text: str, prefilter: Prefilter, at: int, part_chars: int) -> int:
    """The first unit start at or after ``at``; else the first white space after it; else the end."""
    limit = min(len(text), at + SEARCH_PARTS * part_chars)
    found = next(prefilter.unit_starts(text, at - 1, limit), None)
    if found is not None:
        return found
    space = text.find(" ", at, limit)
    return len(text) if space == -1 else space + 1


def _previous_start(text: str, prefilter: Prefilter, at: int, part_chars: int) -> int:
    """The last unit start at or before ``at`` (0 if none): looked for in growing windows."""
    at = max(0, at)
    window = 4 * MARGIN_CHARS
    while True:
        lo = max(0, at - window)
        found = [p for p in prefilter.unit_starts(text, lo, at + 1) if p <= at]
        if found:
            return found[-1]
        if lo == 0:
            return 0
        if window > SEARCH_PARTS * part_chars:
            space = text.rfind(" ", lo, at)
            return 0 if space == -1 else space + 1
        window *= 4
