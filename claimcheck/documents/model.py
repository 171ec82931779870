"""The Document every reader produces, and mapping offsets to line:column."""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from .directives import Directive


class DocumentError(Exception):
    """A file (or a record of a JSONL or WARC file) that cannot be checked; str() is the
    one-line message naming it. ``path`` names it as reports do: ``file[record]`` for a record."""

    def __init__(self, path: str, reason: str, record: str | None = None):
        self.path = path if record is None else f"{path}[{record}]"
        self.reason = reason
        self.record = record
        super().__init__(f"{self.path}: {reason}")


class Skipped(DocumentError):
    """Not a document at all (an image in a web archive): reported, but not an error."""


class LineIndex:
    """Maps 0-based character offsets in a text to 1-based (line, column) pairs, and back."""

    def __init__(self, text: str):
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts
        self._length = len(text)

    def offset(self, line: int, column0: int = 0) -> int:
        """The offset of a 1-based line and a 0-based column (as HTMLParser.getpos() and
        markdown-it line maps give them); past the last line, the text's length."""
        if line > len(self._starts):
            return self._length
        return self._starts[line - 1] + column0

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


class OffsetMap:
    """Prose offsets -> source offsets, stored as the points where the two drift apart.

    Between two points the texts run in step. Compact even for a 50 MB file: one pair per
    edit, not per character. A point may map to None: prose from there to the next point
    could not be located in the source (an HTML extractor's text that differs from the page).
    """

    def __init__(self) -> None:
        self._prose = [0]
        self._source: list[int | None] = [0]

    def add(self, prose: int, source: int | None) -> None:
        """From prose offset ``prose`` on, the texts run in step with source offset ``source``
        (or, for None, prose from here on has no known place in the source)."""
        if prose == self._prose[-1]:
            self._source[-1] = source
        elif prose > self._prose[-1]:
            self._prose.append(prose)
            self._source.append(source)
        else:
            raise ValueError(f"offset map points must be added in order ({prose} < {self._prose[-1]})")

    def __call__(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._prose, offset) - 1
        source = self._source[i]
        return None if source is None else source + offset - self._prose[i]


@dataclass
class Document:
    """A text to lint.

    ``text`` is the prose the pipeline reads: soft line wraps joined, CRLF made LF, markup
    removed; a line break left in ``text`` is a structural break (paragraph, heading, list
    item, table cell). ``source`` is the file (or the record of a JSONL/WARC file) as the user
    sees it, and ``offsets`` maps prose offsets to it. ``record`` names a document inside a
    file of many (a JSONL record id, a WARC target URI); ``directives`` are the suppression
    comments the reader found.
    """

    path: str
    text: str
    source: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    section_starts: list[int] = field(default_factory=list)  # prose offsets where headings begin
    # heading level (1 for '#', 2 for '##') by prose offset, where the format says it (Markdown)
    heading_levels: dict[int, int] = field(default_factory=dict)
    record: str | None = None
    url: str | None = None
    directives: list[Directive] = field(default_factory=list)
    title: str | None = None  # what the format calls the document's title (HTML's <title>), if anything
    _line_index: LineIndex | None = field(default=None, repr=False)

    @property
    def display(self) -> str:
        """How reports name the document: the path, and the record inside it if any."""
        return self.path if self.record is None else f"{self.path}[{self.record}]"

    def source_offset(self, offset: int) -> int | None:
        """Where a prose offset lies in the source; None when it has no known place there."""
        return self.offsets(offset)

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of the prose span [start, end): from where its first character is to
        just after its last (so closing markup after the span is not included); None when
        either end cannot be located or they come out of order."""
        lo = self.offsets(start)
        last = self.offsets(max(start, end - 1))
        if lo is None or last is None or last < lo:
            return None
        return lo, last + 1 if end > start else lo

    def line_col_of_source(self, source_offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset."""
        if self._line_index is None:
            self._line_index = LineIndex(self.source)
        return self._line_index.line_col(source_offset)


@dataclass(frozen=True)
class RawDocument:
    """One document as read: ``payload`` is the file's bytes (text, Markdown, HTML), a JSONL
    record's text, or an archived page's HTTP body. ``error``/``skipped`` say why there is no
    document to lint (a malformed record, an image in an archive)."""

    id: str  # "source" or "source[record]", as lint reports name it
    source: str
    fmt: str  # the reader's name (documents/readers.py)
    payload: bytes | str = b""
    record: str | None = None
    url: str | None = None
    charset: str | None = None  # declared by the HTTP response (WARC)
    error: str | None = None
    skipped: str | None = None
    title: str | None = None  # a JSONL record's own title field, when it has one (audit reports show it)

    @cached_property
    def content_hash(self) -> str | None:
        """sha256 of the format and the content; None for a document that could not be read.
        Computed once: the parent hashes, and the hash travels with the document to a worker."""
        if self.error or self.skipped:
            return None
        data = self.payload.encode("utf-8", "surrogatepass") if isinstance(self.payload, str) else self.payload
        h = hashlib.sha256(self.fmt.encode() + b"\0" + (self.charset or "").encode() + b"\0")
        h.update(data)
        return h.hexdigest()
