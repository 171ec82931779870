"""A page's title for audit reports: what a reader would call the page.

In order: the record's own title field (JSONL dumps such as FakeHealth carry one); the title
its format gives (an HTML page's ``<title>``: documents/html.py); else the document's first
line when it is short enough to be a heading (a Markdown ``# Title``, a text file's title
line, an extracted page's headline). One line, at most MAX_CHARS characters; None when there
is nothing title-like.
"""
from __future__ import annotations

MAX_CHARS = 200
HEADING_CHARS = 150  # a first line longer than this is a paragraph, not a title


def title_of(record_title: str | None, format_title: str | None, text: str) -> str | None:
    """The title of a page from its record's field, its format's title, or its prose ``text``."""
    for candidate in (record_title, format_title):
        cleaned = _one_line(candidate)
        if cleaned:
            return cleaned
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first and len(first) <= HEADING_CHARS:
        return _one_line(first)
    return None


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(value.split())
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1] + "…"
    return text or None
