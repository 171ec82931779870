"""List items and their lead-in: "Why choose our pharmacy:" above "- cheap online ordering".

An item of a list says little on its own; its subject is in the line that introduces the list
(a line ending in a colon, or the heading above it). ``list_leads`` finds, in a document's
prose, each item line and the line that leads it, so that a co-occurrence rule (kinds/together)
can take the words an item lacks from its lead-in. The engine and the prefilter both ask it,
on the document's own text, so both see the same lists.

A line is an item when it opens with a list marker ("-", "*", "•", "1.") or is short (at most
ITEM_CHARS characters) and ends without a full stop, question or exclamation mark (Markdown
and HTML readers drop the markers). A run of items, blank lines allowed, belongs to the line
just above it when that line ends in a colon or is a heading; any other line ends the run.
"""
from __future__ import annotations

import re
from typing import Iterable

ITEM_CHARS = 100
_MARKER = re.compile(r"[ \t]*(?:[-*+•–—·]|\d{1,3}[.)])[ \t]")


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each line, without its line break."""
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        if end == -1:
            end = len(text)
        yield pos, end
        pos = end + 1


def _is_item(text: str, start: int, end: int) -> bool:
    if _MARKER.match(text, start, end):
        return True
    line = text[start:end].strip()
    return 0 < len(line) <= ITEM_CHARS and line[-1] not in ".!?:;"


def list_leads(text: str, headings: Iterable[int] = ()) -> dict[int, tuple[int, int]]:
    """The start of each item line -> its lead-in line as (start, end), in ``text`` offsets."""
    if ":" not in text and not headings:
        return {}
    heads = set(headings)
    leads: dict[int, tuple[int, int]] = {}
    lead: tuple[int, int] | None = None
    for start, end in _lines(text):
        stripped = text[start:end].strip()
        if not stripped:
            continue
        first = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        if first in heads or stripped.endswith(":"):
            lead = (start, end)
        elif lead is not None and _is_item(text, start, end):
            leads[start] = lead
        else:
            lead = None
    return leads
