"""Text from documents, made safe for a terminal and measured in its cells.

Sentences, record ids and URLs come from scraped pages, which are hostile: an escape sequence
in one could clear the screen, retitle the window, plant a hyperlink or hide text, and a
bidirectional override could make a line read differently from what it holds. The reports
read on a terminal or in a CI log (text, github, the audit summary) pass such text through
``printable``, which shows those characters as ``\\uXXXX``. ``display_width`` counts the
cells a string takes, so a marker under a word still sits under it when the text holds wide
(CJK) characters, combining marks or escapes.

Only the standard library is used: the audit report imports this without loading spaCy.
"""
from __future__ import annotations

import os
import shutil
import unicodedata
from typing import TextIO

# C0 controls, DEL and C1 controls, and the bidirectional marks, embeddings, overrides and isolates.
_UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A)]
_VISIBLE = {c: f"\\u{c:04x}" for c in _UNSAFE}
_ZERO_WIDTH = {"Mn", "Me", "Cf"}  # combining marks and format characters (zero-width space, joiners)


def printable(value: object) -> str:
    """``value`` as text a terminal shows as it is: controls and bidi marks as ``\\uXXXX``
    (None as '')."""
    return "" if value is None else str(value).translate(_VISIBLE)


def char_width(char: str) -> int:
    """Cells one character takes: 2 for East Asian wide and fullwidth ones, 0 for combining
    marks and zero-width characters, else 1."""
    if unicodedata.category(char) in _ZERO_WIDTH:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Cells ``text`` (already ``printable``) takes on a terminal."""
    return sum(char_width(c) for c in text)


def terminal_columns(stream: TextIO) -> int | None:
    """The columns of the terminal ``stream`` (standard output) shows on, $COLUMNS when set; None
    when it is no terminal and $COLUMNS is unset: a file or a pipe gets output that does not
    depend on who ran it."""
    isatty = getattr(stream, "isatty", None)
    if not os.environ.get("COLUMNS") and not (isatty and isatty()):
        return None
    return shutil.get_terminal_size().columns
