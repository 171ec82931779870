"""Offsets in a buffer as LSP positions, and back.

The engine counts code points (0-based offsets into the text it was given). An LSP client
counts lines split at "\\n", "\\r\\n" and "\\r" (nothing else: not U+2028, not form feed), and
characters in the position encoding agreed at initialize: UTF-16 code units unless the client
offered UTF-8 or UTF-32 (an emoji is 2 UTF-16 units, 4 UTF-8 bytes, 1 code point).
"""
from __future__ import annotations

import bisect
import re

from lsprotocol import types

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """How many units of ``encoding`` the text takes."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class PositionMap:
    """One text's line starts, to convert code point offsets to LSP positions and back."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = getattr(encoding, "value", encoding)  # lsprotocol's enum member, or its value
        self._starts = [0]
        self._ends: list[int] = []  # where each line's content ends (before its line break)
        for m in _LINE_BREAK.finditer(text):
            self._ends.append(m.start())
            self._starts.append(m.end())
        self._ends.append(len(text))

    def position(self, offset: int) -> types.Position:
        """The position of a code point offset (one inside a line break is the line's end)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return types.Position(line, _units(self.text[start:min(offset, self._ends[line])], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """The code point offset of a position; a character past the line's end is its end,
        a line past the last is the end of the text, and a position inside a character (half
        a surrogate pair) is that character's start."""
        if position.line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[position.line], self._ends[position.line]
        units = 0
        for at in range(start, end):
            units += _units(self.text[at], self.encoding)
            if units > position.character:
                return at
        return end
