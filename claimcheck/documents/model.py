"""The Document every reader produces, and mapping offsets to line:column."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


class DocumentError(Exception):
    """A file that cannot be checked; str() is the one-line message naming the file."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class LineIndex:
    """Maps 0-based character offsets in a text to 1-based (line, column) pairs."""

    def __init__(self, text: str):
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


@dataclass
class Document:
    """A text to lint.

    ``text`` is the prose the pipeline reads. ``source`` is the file as the user sees it.
    ``offsets`` maps prose offsets to source offsets; ``None`` means the identity (plain text).
    """

    path: str
    text: str
    source: str
    offsets: list[int] | None = None
    section_starts: list[int] = field(default_factory=list)  # prose offsets where headings begin
    _line_index: LineIndex | None = field(default=None, repr=False)

    def source_offset(self, offset: int) -> int:
        if self.offsets is None:
            return offset
        if offset >= len(self.offsets):
            return len(self.source)
        return self.offsets[offset]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the source of a prose offset."""
        if self._line_index is None:
            self._line_index = LineIndex(self.source)
        return self._line_index.line_col(self.source_offset(offset))
