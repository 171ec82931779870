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


class OffsetMap:
    """Prose offsets -> source offsets, stored as the points where the two drift apart.

    Between two points the texts run in step. Compact even for a 50 MB file: one pair per
    edit, not per character.
    """

    def __init__(self) -> None:
        self._prose = [0]
        self._source = [0]

    def add(self, prose: int, source: int) -> None:
        """From prose offset ``prose`` on, the texts run in step with source offset ``source``."""
        if prose == self._prose[-1]:
            self._source[-1] = source
        else:
            self._prose.append(prose)
            self._source.append(source)

    def __call__(self, offset: int) -> int:
        i = bisect.bisect_right(self._prose, offset) - 1
        return self._source[i] + offset - self._prose[i]


@dataclass
class Document:
    """A text to lint.

    ``text`` is the prose the pipeline reads: soft line wraps joined, CRLF made LF; a line
    break left in ``text`` is a structural break (paragraph, heading, list item, line).
    ``source`` is the file as the user sees it, and ``offsets`` maps prose offsets to it.
    """

    path: str
    text: str
    source: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    section_starts: list[int] = field(default_factory=list)  # prose offsets where headings begin
    _line_index: LineIndex | None = field(default=None, repr=False)

    def source_offset(self, offset: int) -> int:
        return self.offsets(offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the source of a prose offset."""
        if self._line_index is None:
            self._line_index = LineIndex(self.source)
        return self._line_index.line_col(self.source_offset(offset))
