"""Markdown: only prose is checked, and every prose character maps back to the .md source.

Parsed with markdown-it-py (CommonMark plus tables and strikethrough). Skipped: front matter,
code blocks, inline code, raw HTML (its comments are read for suppressions), images, link
URLs and autolinks; link text is prose. Each heading, paragraph, list item, table cell and
block-quote paragraph becomes its own line of prose, so it ends a sentence.

markdown-it gives line ranges for blocks but not columns for inline text, so each text
fragment is found in its block's source lines, in order, from a cursor that moves past the
markup (emphasis markers, link destinations, escapes, entities) in between.
"""
from __future__ import annotations

import re

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported on first use: a plain-text run does not pay for it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from .directives import Directive, html_comment_directives
from .model import Document, DocumentError, LineIndex, OffsetMap
from .text import back_over_space, decode_bytes, encoding_of, paragraph_end  # noqa: F401  (Markdown decodes as text)

# the reader (documents/readers.py): one document per file, which `claimcheck fix` can write back
NAME = "markdown"
SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
MANY = False
SPLITTABLE = False
FIXABLE = True

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?^(?:\1|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_BLOCK_BREAK = "\n\n"
_CELL_BREAK = "\n"
_TERMINAL = ".!?:;,"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_document(source: str, path: str) -> Document:
    """A Document of the prose of a Markdown source; DocumentError when it has none."""
    index = LineIndex(source)
    builder = _ProseBuilder(source, index)
    tokens = parse_markdown(source)

    def lines(token: Token) -> tuple[int, int]:
        """The source span of a block's lines (markdown-it maps are 0-based, end exclusive)."""
        return index.offset(token.map[0] + 1), index.offset(token.map[1] + 1)

    in_row = False
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            in_row = True
            builder.block_break(_BLOCK_BREAK)
        elif token.type == "tr_close":
            in_row = False
        elif token.type == "html_block" and token.map:
            builder.directives_in(*lines(token))
        elif token.type == "inline" and token.map:
            builder.block_break(_CELL_BREAK if in_row else _BLOCK_BREAK)
            heading = tokens[i - 1].type == "heading_open" if i else False
            if heading:
                builder.heading_levels[builder.length] = int(tokens[i - 1].tag[1:])
            builder.inline(token, *lines(token), heading=heading or _bold_heading(token))
    text, offsets = builder.result()
    if not text.strip():
        raise DocumentError(path, "no prose to check (only code, front matter or markup)"
                            if source.strip() else "empty file, nothing to check")
    return Document(path=path, text=text, source=source, offsets=offsets,
                    section_starts=builder.section_starts, heading_levels=builder.heading_levels,
                    directives=builder.directives,
                    _line_index=index)


def parse_markdown(source: str) -> list[Token]:
    """markdown-it tokens of a source, front matter skipped; line maps index the source itself."""
    return _parser().parse(_blank_front_matter(source))


def _blank_front_matter(source: str) -> str:
    """Front matter replaced by spaces of the same length: the parser skips it, offsets stay."""
    m = _FRONT_MATTER.match(source)
    if m is None:
        return source
    return re.sub(r"[^\r\n]", " ", m.group(0)) + source[m.end():]


def _bold_heading(inline: Token) -> bool:
    """'**Side effects**' alone on a line works as a heading in much Markdown."""
    kids = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return (len(kids) == 3 and kids[0].type == "strong_open" and kids[2].type == "strong_close"
            and kids[1].type == "text" and kids[1].content.strip()[-1:] not in _TERMINAL)


class _ProseBuilder:
    """Accumulates prose and its offset map while walking the token stream."""

    def __init__(self, source: str, index: LineIndex):
        self.source = source
        self.index = index
        self.parts: list[str] = []
        self.length = 0
        self.offsets = OffsetMap()
        self.section_starts: list[int] = []
        self.heading_levels: dict[int, int] = {}
        self.directives: list[Directive] = []

    def result(self) -> tuple[str, OffsetMap]:
        return "".join(self.parts), self.offsets

    def _emit(self, text: str, source_at: int | None) -> None:
        if not text:
            return
        self.offsets.add(self.length, source_at)
        self.parts.append(text)
        self.length += len(text)

    def block_break(self, brk: str) -> None:
        if self.length:
            self._emit(brk, None)

    def directives_in(self, start: int, end: int) -> None:
        self.directives.extend(html_comment_directives(self.source, self.index.line_col, start, end))

    def inline(self, token: Token, start: int, end: int, heading: bool) -> None:
        if heading:
            self.section_starts.append(self.length)
        cursor = start
        autolink = False
        for child in token.children or []:
            kind = child.type
            if kind == "link_open" and child.markup == "autolink":
                autolink = True
            elif kind == "link_close":
                cursor = _after_link(self.source, cursor, end, autolink)
                autolink = False
            elif kind == "text" and not autolink:
                cursor = self._text(child.content, cursor, end)
            elif kind == "code_inline":
                cursor = self._skip_code(child, cursor, end)
            elif kind == "softbreak":
                nl = self.source.find("\n", cursor, end)
                self._emit(" ", nl if nl != -1 else None)
                cursor = nl + 1 if nl != -1 else cursor
            elif kind == "hardbreak":
                nl = self.source.find("\n", cursor, end)
                self._emit("\n", None)
                cursor = nl + 1 if nl != -1 else cursor
            elif kind == "html_inline":
                at = self.source.find(child.content, cursor, end)
                if at != -1:
                    self.directives_in(at, at + len(child.content))
                    cursor = at + len(child.content)
            elif kind == "image":
                cursor = _after_image(self.source, cursor, end)

    def _text(self, content: str, cursor: int, end: int) -> int:
        """Emit a text fragment mapped to where it is in the source; returns the new cursor."""
        at = self.source.find(content, cursor, end)
        if at != -1:
            self._emit(content, at)
            return at + len(content)
        # Escapes (\*) and entities (&amp;) make the source differ: align character by character.
        for ch in content:
            at = self.source.find(ch, cursor, end)
            if at == -1:
                self._emit(ch, None)
            else:
                self._emit(ch, at)
                cursor = at + 1
        return cursor

    def _skip_code(self, child: Token, cursor: int, end: int) -> int:
        at = self.source.find(child.markup, cursor, end)
        if at == -1:
            return cursor
        close = self.source.find(child.markup, at + len(child.markup), end)
        if self.parts and not self.parts[-1].endswith(" "):
            self._emit(" ", at)
        return close + len(child.markup) if close != -1 else cursor


def _after_link(source: str, cursor: int, end: int, autolink: bool) -> int:
    """The cursor moved past a link's closing markup: ``](dest "title")``, ``][ref]``, ``]`` or ``>``."""
    if autolink:
        close = source.find(">", cursor, end)
        return close + 1 if close != -1 else cursor
    close = source.find("]", cursor, end)
    if close == -1:
        return cursor
    nxt = source[close + 1:close + 2]
    if nxt == "(":
        return _balanced(source, close + 1, end, "(", ")")
    if nxt == "[":
        return _balanced(source, close + 1, end, "[", "]")
    return close + 1


def _after_image(source: str, cursor: int, end: int) -> int:
    at = source.find("![", cursor, end)
    if at == -1:
        return cursor
    close = _balanced(source, at + 1, end, "[", "]")
    if source[close:close + 1] in ("(", "["):
        return _balanced(source, close, end, source[close], ")" if source[close] == "(" else "]")
    return close


def _balanced(source: str, at: int, end: int, open_: str, close: str) -> int:
    """Offset just past the bracket closing the one at ``at`` (backslash escapes honoured)."""
    depth = 0
    i = at
    while i < end:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return at


# --------------------------------------------------------------------------- the reader's parts

def parse(text: str, display: str, options) -> Document:
    return markdown_document(text, display)


def paragraph_after(source: str, at: int, body: str) -> tuple[int, str, bool] | None:
    """A new paragraph after the top-level block holding ``at``, its text escaped so that it
    shows as written."""
    return markdown_block_end(source, at), literal(body, block_start=True), True


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_BLOCK_START = re.compile(r"([#>+=-]|\d{1,9}[.)])")


def literal(text: str, block_start: bool = False) -> str:
    """Text that Markdown shows as written: inline markup characters escaped, and at the start
    of a block nothing that would open a heading, quote or list."""
    text = _MD_INLINE.sub(r"\\\1", text)
    m = _MD_BLOCK_START.match(text) if block_start else None
    if m:
        mark = m.group(1)
        text = mark[:-1] + "\\" + mark[-1] + text[m.end():]
    return text


def markdown_block_end(text: str, at: int) -> int:
    """Markdown: the end of the top-level block (paragraph, heading, whole list, table, block
    quote) holding offset ``at``, by markdown-it's line map, so a new paragraph never lands
    inside a list, a quote or a code fence that follows without a blank line."""
    line = text.count("\n", 0, at)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for token in parse_markdown(text):
        if token.level == 0 and token.nesting >= 0 and token.map and token.map[0] <= line < token.map[1]:
            end = starts[token.map[1]] if token.map[1] < len(starts) else len(text)
            return back_over_space(text, end, at)
    return paragraph_end(text, at)
