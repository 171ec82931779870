"""Where a new paragraph may go in an HTML page: the extents of its block elements (for
`claimcheck fix`, through the HTML reader's ``paragraph_after``)."""
from __future__ import annotations

from html.parser import HTMLParser

from .model import LineIndex

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
# Blocks a paragraph may follow; lists and tables are left whole (a <p> inside <ul> is invalid).
_INSERT_AFTER = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "div",
                           "section", "article", "header", "footer", "aside", "main", "details", "address",
                           "center", "form", "ul", "ol", "dl", "table"})
_WHOLE = frozenset({"ul", "ol", "dl", "table"})
# Start tags that end an open <p> without a </p> (the common subset of the HTML rules).
_CLOSES_P = _INSERT_AFTER | {"hr", "li", "dt", "dd", "nav", "fieldset", "menu"}


class _HTMLBlocks(HTMLParser):
    """Element extents in a page: (tag, start of start tag, end of end tag). An element left
    open ends where its parent's end tag (or the block that implicitly closes a <p>) begins."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self._index = LineIndex(source)
        self._open: list[tuple[str, int]] = []
        self.extents: list[tuple[str, int, int]] = []

    def run(self) -> list[tuple[str, int, int]]:
        try:
            self.feed(self.source)
            self.close()
        except Exception:  # noqa: BLE001 - HTMLParser asserts on some broken markup: use what was parsed
            pass
        return self.extents

    def _here(self) -> int:
        return self._index.offset(*self.getpos())

    def handle_starttag(self, tag: str, attrs) -> None:
        here = self._here()
        if tag in _CLOSES_P and self._open and self._open[-1][0] == "p":
            self.extents.append(("p", self._open.pop()[1], here))
        if tag not in _VOID:
            self._open.append((tag, here))

    def handle_endtag(self, tag: str) -> None:
        here = self._here()
        close = self.source.find(">", here)
        end = close + 1 if close != -1 else len(self.source)
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                self.extents.extend((t, s, here) for t, s in self._open[i + 1:])
                self.extents.append((tag, self._open[i][1], end))
                del self._open[i:]
                return


def html_block_end(source: str, at: int) -> tuple[int, str] | None:
    """Where to insert after the block holding ``at`` (the end of its closing tag), and the
    indentation of the line that block starts on; the outermost list or table holding ``at``
    wins over anything inside it. None when no block encloses it."""
    holding = [(s, e, t) for t, s, e in _HTMLBlocks(source).run() if s <= at < e and t in _INSERT_AFTER]
    whole = [h for h in holding if h[2] in _WHOLE]
    if whole:
        start, end, _ = min(whole)
    elif holding:
        start, end, _ = max(holding)
    else:
        return None
    line_start = source.rfind("\n", 0, start) + 1
    indent = source[line_start:start]
    return end, indent if not indent.strip() else ""
