"""HTML pages: the main content (trafilatura) or all visible text, mapped back to the markup.

The prose comes from the extractor, but positions must point into the HTML as the user sees
it. So the reader builds its own stream of the page's visible characters, each with the
source offset it came from (an entity maps to where it starts, whitespace collapses, a block
element is a line break), and aligns the extractor's lines to that stream: a line is found
whole, or as a table row's cells or a list item without the bullet the extractor added, or
failing that stretch by stretch. Text that cannot be aligned maps to None, so the engine
reports "not located" rather than a wrong line. In "all" mode the stream itself is the prose.

One piece, a little over 500 lines: the visible-text stream and the alignment read each
other's state (decoding is html_charset.py, the fixer's block extents html_blocks.py).
"""
from __future__ import annotations

import bisect
import html as htmllib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .directives import html_comment_directives
from .encoding import Decoding, chosen_encoding
from .html_blocks import html_block_end
from .html_charset import decode_html, page_charset
from .text import newline_of
from .model import Document, DocumentError, LineIndex, OffsetMap

HTML_MODES = ("main", "all")

# the reader (documents/readers.py): one document per file, which `claimcheck fix` can write back
NAME = "html"
SUFFIXES = (".html", ".htm", ".xhtml")
MANY = False
SPLITTABLE = False
FIXABLE = True

NO_MAIN_CONTENT = "no main content found in the HTML page (try --html-mode all)"
NO_TEXT = "no text in the HTML page"

# Elements whose content is never shown as text (svg: drawings; title: the tab, not the page).
HIDDEN = frozenset({"script", "style", "template", "noscript", "title", "svg", "iframe"})
# What main mode aligns against: any text trafilatura may extract. It keeps <template> content
# (lxml parses it as ordinary elements) and its fallbacks can return <noscript> text, so only
# what it never outputs as text is left out.
_EXTRACTABLE_HIDDEN = frozenset({"script", "style", "title"})
# Elements that start a new line of text.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
    "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary",
    "select", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Invisible format characters (soft hyphen, zero-width space/joiners, direction marks, BOM):
# extractors drop them, so the stream does too ("Not\xadfall" reads "Notfall").
_INVISIBLE_CHARS = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")
# Where the stream stops copying the source as it is: whitespace other than a lone space,
# and invisible characters.
_GAP = re.compile(f"[\\s{_INVISIBLE_CHARS}]{{2,}}|[^\\S ]|[{_INVISIBLE_CHARS}]")
_SPACE = re.compile(r"\s")
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]{0,31};?)")
_SEP_SPACE, _SEP_NEWLINE = 1, 2  # the separator pending between two runs of characters


# --------------------------------------------------------------------------- visible text

@dataclass
class VisibleText:
    """The page's visible text, whitespace collapsed: a space inside a block, a newline
    between blocks. ``run_at``/``run_src`` say where it came from: from ``run_at[i]`` on,
    characters come one after another from source offset ``run_src[i]``."""

    text: str
    run_at: list[int]
    run_src: list[int]
    headings: list[int] = field(default_factory=list)  # offsets in text where h1-h6 start

    def map_span(self, offsets: OffsetMap, prose: int, start: int, end: int) -> None:
        """Record that prose from ``prose`` on is text[start:end]."""
        i = bisect.bisect_right(self.run_at, start) - 1
        offsets.add(prose, self.run_src[i] + start - self.run_at[i])
        i += 1
        while i < len(self.run_at) and self.run_at[i] < end:
            offsets.add(prose + self.run_at[i] - start, self.run_src[i])
            i += 1


class _StreamBuilder:
    """Collects visible characters with their source offsets, collapsing whitespace."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.run_at: list[int] = []
        self.run_src: list[int] = []
        self.headings: list[int] = []
        self.heading_pending = False
        self._pending = 0
        self._pending_src = 0

    def space(self, src: int, newline: bool = False) -> None:
        """Whitespace (or a block boundary) at ``src``: at most one separator survives."""
        if not self._pending:
            self._pending_src = src
        self._pending = max(self._pending, _SEP_NEWLINE if newline else _SEP_SPACE)

    def chars(self, chunk: str, src: int) -> None:
        """Visible characters, contiguous in the source from ``src``: words, with at most
        lone spaces between them and none at either end."""
        if self._pending:
            if self.length:
                self._put("\n" if self._pending == _SEP_NEWLINE else " ", self._pending_src)
            self._pending = 0
        if self.heading_pending:
            self.headings.append(self.length)
            self.heading_pending = False
        self._put(chunk, src)

    def _put(self, chunk: str, src: int) -> None:
        if not self.run_at or self.run_src[-1] + self.length - self.run_at[-1] != src:
            self.run_at.append(self.length)
            self.run_src.append(src)
        self.parts.append(chunk)
        self.length += len(chunk)

    def build(self) -> VisibleText:
        return VisibleText("".join(self.parts), self.run_at or [0], self.run_src or [0], self.headings)


class _VisibleTextParser(HTMLParser):
    """Walks the page and feeds its visible characters, with offsets, to a _StreamBuilder.

    HTMLParser gives the position of each event; a text event's raw source runs from there to
    the next event, and the reader decodes its entities itself so that each decoded character
    keeps the offset of the entity it came from."""

    def __init__(self, source: str, hidden: frozenset[str], index: LineIndex):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.hidden = hidden
        self.out = _StreamBuilder()
        self._index = index
        self._inside: dict[str, int] = {}
        self._pre = 0
        self._data_at: int | None = None

    def run(self) -> VisibleText:
        try:
            self.feed(self.source)
            self.close()
        except Exception:  # noqa: BLE001 - HTMLParser asserts on some broken markup: keep the text so far
            pass
        self._flush()
        return self.out.build()

    # -- positions

    def _here(self) -> int:
        return self._index.offset(*self.getpos())

    def _flush(self) -> None:
        """Emit the text event that ended where the current event begins."""
        if self._data_at is None:
            return
        start, end = self._data_at, self._here()
        self._data_at = None
        if not self._inside and end > start:
            self._emit(self.source[start:end], start)

    def _emit(self, raw: str, src: int) -> None:
        last = 0
        for m in _ENTITY.finditer(raw):
            decoded = htmllib.unescape(m.group())
            if decoded == m.group():
                continue
            self._plain(raw[last:m.start()], src + last)
            # A legacy entity may swallow only a prefix ("&notit;" -> "¬it;"): the rest is text.
            tail = _common_suffix(decoded, m.group())
            for ch in decoded[:len(decoded) - tail]:
                if ch.isspace():
                    self.out.space(src + m.start(), self._pre > 0 and ch == "\n")
                elif not _INVISIBLE.match(ch):
                    self.out.chars(ch, src + m.start())
            last = m.end() - tail
        self._plain(raw[last:], src + last)

    def _plain(self, text: str, src: int) -> None:
        last = 0
        for m in _GAP.finditer(text):
            self._copy(text, last, m.start(), src)
            space = _SPACE.search(m.group())
            if space:
                self.out.space(src + m.start() + space.start(), self._pre > 0 and "\n" in m.group())
            last = m.end()
        self._copy(text, last, len(text), src)

    def _copy(self, text: str, a: int, b: int, src: int) -> None:
        """text[a:b] holds no gap: words and lone spaces, kept as they are (a space at
        either end is left to the builder, which may already have a separator there)."""
        if a < b and text[a] == " ":
            self.out.space(src + a)
            a += 1
        trailing = a < b and text[b - 1] == " "
        if trailing:
            b -= 1
        if a < b:
            self.out.chars(text[a:b], src + a)
        if trailing:
            self.out.space(src + b)

    # -- events

    def handle_data(self, data: str) -> None:
        if self._data_at is None:
            self._data_at = self._here()

    def handle_starttag(self, tag: str, attrs) -> None:
        self._flush()
        self._open(tag, self._here())

    def handle_startendtag(self, tag: str, attrs) -> None:
        self._flush()
        if tag in _BLOCKS and not self._inside:
            self.out.space(self._here(), newline=True)

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        here = self._here()
        if tag in self.hidden:
            if self._inside.get(tag):
                self._inside[tag] -= 1
                if not self._inside[tag]:
                    del self._inside[tag]
            return
        if self._inside:
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _HEADINGS:
            self.out.heading_pending = False
        if tag in _BLOCKS:
            self.out.space(here, newline=True)

    def _open(self, tag: str, here: int) -> None:
        if tag in self.hidden:
            self._inside[tag] = self._inside.get(tag, 0) + 1
            return
        if self._inside:
            return
        if tag in _BLOCKS:
            self.out.space(here, newline=True)
        if tag == "pre":
            self._pre += 1
        if tag in _HEADINGS:
            self.out.heading_pending = True

    def handle_comment(self, data: str) -> None:
        self._flush()

    def handle_decl(self, decl: str) -> None:
        self._flush()

    def handle_pi(self, data: str) -> None:
        self._flush()

    def unknown_decl(self, data: str) -> None:
        self._flush()


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def visible_text(source: str, hidden: frozenset[str] = HIDDEN, index: LineIndex | None = None) -> VisibleText:
    """All visible text of a page (the text of ``hidden`` elements left out), with where each
    character is in the source."""
    return _VisibleTextParser(source, hidden, index or LineIndex(source)).run()


# --------------------------------------------------------------------------- main content

_TABLE_RULE = re.compile(r"\|(?:\s*:?-+:?\s*\|)+")
_MIN_SEGMENT = 24  # a stretch of a line this long found in the page is its own evidence (~4 words)
_NEAR = 8  # a shorter stretch counts only this close after the stretch before it
_MIN_PROBE = 4


# trafilatura's defaults, no comment sections. On the extraction benchmark favor_precision
# (+0.004 F1) and fast (+0.003) were inside the noise (paired bootstrap 95% intervals span 0).
TRAFILATURA_OPTIONS: dict[str, bool] = {"include_comments": False, "include_tables": True}


def extract_main(html: str) -> str:
    """The page's main content as trafilatura's plain text: one line per paragraph, heading,
    list item ("- " prefixed) or table row ("| a | b |"). Never touches the network: it is
    given the markup, not a URL."""
    import trafilatura  # a heavy import, only for pages read in main mode

    text = trafilatura.extract(html, **TRAFILATURA_OPTIONS)
    if text is None and "<html" not in html[:1000].lower():
        # trafilatura rejects a bare fragment ("<article>…</article>") as not HTML
        text = trafilatura.extract(f"<html><body>{html}</body></html>", **TRAFILATURA_OPTIONS)
    return text or ""


def _normalize(line: str) -> str:
    """A line as the stream spells it: no invisible characters, whitespace runs as one space."""
    return " ".join(_INVISIBLE.sub("", line).split())


def _unformat(line: str) -> list[str]:
    """Undo trafilatura's plain-text formatting of a line the page does not contain as such:
    a table row becomes its cells (the "|---|" rule under a header goes), a list item loses
    its "- " bullet."""
    if _TABLE_RULE.fullmatch(line):
        return []
    if line.startswith("|") and line.endswith("|") and len(line) > 1:
        return [cell for cell in (c.strip() for c in line[1:-1].split("|")) if cell]
    if line.startswith("- "):
        return [line[2:]]
    return [line]


class _Aligner:
    """Builds the prose from the extractor's lines, and the OffsetMap by finding each line
    (or, failing that, each long enough stretch of it) in the visible-text stream."""

    def __init__(self, visible: VisibleText):
        self.visible = visible
        self.flat = visible.text.replace("\n", " ")  # same length: offsets are shared
        self.headings = set(visible.headings)
        self.cursor = 0
        # Failed searches scan the whole stream; cap the total so a page whose text cannot be
        # aligned costs a bounded multiple of its size (the rest maps to None).
        self.budget = 64 * len(self.flat) + 10_000_000
        self.parts: list[str] = []
        self.length = 0
        self.offsets = OffsetMap()
        self.sections: list[int] = []

    def add_line(self, raw: str) -> None:
        line = _normalize(raw)
        if not line:
            return
        where = self._find_whole(line)
        if where is None:
            pieces = _unformat(line)
            if pieces != [line]:
                for piece in pieces:
                    self._add_piece(piece, self._find_whole(piece))
                return
        self._add_piece(line, where)

    def result(self) -> tuple[str, OffsetMap, list[int]]:
        return "".join(self.parts), self.offsets, self.sections

    # -- building the prose

    def _add_piece(self, piece: str, where: int | None) -> None:
        if self.length:
            self.offsets.add(self.length, None)  # the line break is no character of the page
            self.parts.append("\n")
            self.length += 1
        start = self.length
        if where is not None:
            self._map(start, where, len(piece))
        else:
            self._align_stretches(piece, start)
        self.parts.append(piece)
        self.length += len(piece)

    def _map(self, prose: int, at: int, n: int) -> None:
        if prose == self.length and at in self.headings:
            self.sections.append(prose)
        self.visible.map_span(self.offsets, prose, at, at + n)
        self.cursor = at + n

    def _align_stretches(self, piece: str, start: int) -> None:
        """Map each stretch of ``piece`` found in the stream; the rest maps to None. A stretch
        is the longest prefix of what remains that the stream contains, taken when it is long
        enough to be evidence, or when it follows the previous stretch about as closely in the
        stream as in the piece; else the next word is tried."""
        i, prev_i, prev_end = 0, 0, None
        while i < len(piece):
            k, at = self._longest_prefix(piece, i)
            close = prev_end is not None and prev_end <= at <= prev_end + (i - prev_i) + _NEAR
            if k and (k >= _MIN_SEGMENT or close):
                self._map(start + i, at, k)
                i += k
                prev_i, prev_end = i, at + k
                continue
            self.offsets.add(start + i, None)
            nxt = piece.find(" ", i + 1)
            i = len(piece) if nxt == -1 else nxt + 1
        self.offsets.add(start + len(piece), None)

    # -- searching the stream

    def _find(self, text: str, lo: int, hi: int | None = None) -> int:
        """str.find on the stream, within the search budget."""
        if self.budget <= 0:
            return -1
        hi = len(self.flat) if hi is None else hi
        at = self.flat.find(text, lo, hi)
        self.budget -= (hi - lo) if at < 0 else (at - lo + len(text))
        return at

    def _find_whole(self, text: str) -> int | None:
        """Where ``text`` occurs as whole words: after the cursor if it can, else earlier
        (extractors sometimes move a block)."""
        for lo, hi in ((self.cursor, None), (0, min(len(self.flat), self.cursor + len(text) - 1))):
            at = self._find(text, lo, hi)
            tries = 0
            while at >= 0 and not self._whole_words(text, at) and tries < 32:
                at = self._find(text, at + 1, hi)
                tries += 1
            if at >= 0 and self._whole_words(text, at):
                return at
        return None

    def _whole_words(self, text: str, at: int) -> bool:
        flat = self.flat
        end = at + len(text)
        before_ok = at == 0 or not (text[0].isalnum() and flat[at - 1].isalnum())
        after_ok = end == len(flat) or not (text[-1].isalnum() and flat[end].isalnum())
        return before_ok and after_ok

    def _longest_prefix(self, piece: str, i: int) -> tuple[int, int]:
        """(k, at): the longest piece[i:i+k] found in the stream, preferring after the
        cursor; (0, -1) when not even a short probe is found."""
        best = self._longest_prefix_from(piece, i, self.cursor)
        if best[0] < len(piece) - i:
            anywhere = self._longest_prefix_from(piece, i, 0)
            if anywhere[0] > best[0]:
                best = anywhere
        return best

    def _longest_prefix_from(self, piece: str, i: int, lo: int) -> tuple[int, int]:
        most = len(piece) - i
        k = min(_MIN_PROBE, most)
        best = (0, -1)
        found_k = 0
        while True:  # double the probe while it is found...
            at = self._find(piece[i:i + k], lo)
            if at < 0:
                break
            best, found_k = (k, at), k
            if k == most:
                return best
            k = min(2 * k, most)
        hi = k - 1
        while found_k and found_k < hi:  # ...then bisect between the last hit and the miss
            mid = (found_k + hi + 1) // 2
            at = self._find(piece[i:i + mid], lo)
            if at >= 0:
                best, found_k = (mid, at), mid
            else:
                hi = mid - 1
        return best


def _main_prose(html: str, visible: VisibleText) -> tuple[str, OffsetMap, list[int]]:
    aligner = _Aligner(visible)
    for line in extract_main(html).split("\n"):
        aligner.add_line(line)
    return aligner.result()


def _all_prose(visible: VisibleText) -> tuple[str, OffsetMap, list[int]]:
    offsets = OffsetMap()
    if visible.text:
        visible.map_span(offsets, 0, 0, len(visible.text))
    return visible.text, offsets, list(visible.headings)


# --------------------------------------------------------------------------- the Document

def html_document(html: str, path: str, mode: str = "main", record: str | None = None,
                  url: str | None = None) -> Document:
    """A Document for an HTML page: its main content (``mode="main"``) or all its visible
    text (``"all"``), one line per paragraph, heading, list item or table cell, with every
    prose character mapped to where it is in ``html`` (or to None where it cannot be found)."""
    if mode not in HTML_MODES:
        raise ValueError(f"unknown HTML mode {mode!r} (expected one of: {', '.join(HTML_MODES)})")
    index = LineIndex(html)  # one for the parser, the directives and the findings' positions
    if mode == "main":
        visible = visible_text(html, _EXTRACTABLE_HIDDEN, index)
        prose, offsets, sections = _main_prose(html, visible)
        if not prose.strip():
            raise DocumentError(path, NO_MAIN_CONTENT, record)
    else:
        visible = visible_text(html, index=index)
        prose, offsets, sections = _all_prose(visible)
        if not prose.strip():
            raise DocumentError(path, NO_TEXT, record)
    directives = list(html_comment_directives(html, index.line_col))
    return Document(path=path, text=prose, source=html, offsets=offsets, section_starts=sections,
                    record=record, url=url, directives=directives, title=page_title(html), _line_index=index)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
TITLE_SEARCH_CHARS = 65536  # <title> sits in the head, at the start of the page


def page_title(html: str) -> str | None:
    """The text of the page's ``<title>`` (entities decoded), None without one."""
    m = _TITLE.search(html, 0, TITLE_SEARCH_CHARS)
    return htmllib.unescape(m.group(1)) if m else None


# --------------------------------------------------------------------------- the reader's parts

def decode_bytes(data: bytes, display: str, how: Decoding) -> str:
    return decode_html(data, display, how)


def encoding_of(data: bytes, how: Decoding) -> tuple[str, bytes]:
    return chosen_encoding(data, how, fallback=page_charset(data))


def parse(text: str, display: str, options) -> Document:
    return html_document(text, display, mode=options.html_mode)


def literal(text: str, block_start: bool = False) -> str:
    """Text that a page shows as written: &, < and > escaped."""
    return htmllib.escape(text, quote=False)


def paragraph_after(source: str, at: int, body: str) -> tuple[int, str, bool] | None:
    """A ``<p>`` after the closing tag of the block holding ``at`` (the outermost list or
    table), on a line of its own with that block's indentation; None when no block holds it."""
    found = html_block_end(source, at)
    if found is None:
        return None
    end, indent = found
    return end, f"{newline_of(source)}{indent}<p>{literal(body)}</p>", False
