"""What the pipeline sees of a text: the kept units, mapped back to the text's offsets."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field



@dataclass
class Excerpt:
    """The units of a document that go through the pipeline, as one text, and the way back.

    ``pieces`` are (excerpt offset, document offset, length) of each run of consecutive kept
    units; ``regex_spans`` the rule regexes' matches in excerpt offsets, by matcher key."""

    text: str
    pieces: list[tuple[int, int, int]]
    section_starts: list[int] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # the section starts whose heading was kept
    regex_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # matcher key -> the excerpt's (start, end) character ranges where it may match; a key
    # the prefilter judged and that is absent here matches nowhere
    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    judged: frozenset[str] = frozenset()  # the keys ``ranges`` speaks for

    def to_document(self, offset: int) -> int:
        """The document offset of an excerpt offset (the end of a piece maps to its end)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        ex, doc, length = self.pieces[i]
        if offset - ex > length:
            raise ValueError(f"offset {offset} is past the excerpt")
        return doc + offset - ex

    def from_document(self, offset: int) -> int | None:
        """The excerpt offset of a document offset inside a kept piece (its end included)."""
        i = bisect.bisect_right(self._doc_starts, offset) - 1
        if i < 0:
            return None
        ex, doc, length = self.pieces[i]
        return ex + offset - doc if offset - doc <= length else None

    def __post_init__(self) -> None:
        self._starts = [p[0] for p in self.pieces]
        self._doc_starts = [p[1] for p in self.pieces]

    def moved(self, by: int) -> "Excerpt":
        """The excerpt of a slice of a text that starts ``by`` characters into it, mapping to
        offsets of the whole text."""
        return Excerpt(self.text, [(e, d + by, n) for e, d, n in self.pieces], self.section_starts,
                       self.headings, self.regex_spans, self.ranges, self.judged)
