"""Plain text: soft line wraps joined, comment lines with suppressions taken out of the prose."""
from __future__ import annotations

import re

from .directives import text_comment_directives
from .model import Document, DocumentError, LineIndex, OffsetMap

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)([ \t]*)")
_LIST_MARKER = re.compile(r"(?:[-*+•–—]|\d{1,3}[.)])\s")
_TERMINAL_PUNCT = ".!:;,"


def text_document(text: str, path: str, record: str | None = None, url: str | None = None) -> Document:
    """A Document for plain text already decoded (a file's contents, standard input, a record).

    Lines of their own such as ``# claimcheck-disable RULE -- reason`` are suppression
    directives: they are blanked out of the prose (same length, so offsets still agree)."""
    index = LineIndex(text)
    directives = []
    prose_source = text
    found = list(text_comment_directives(text, index.line_col))
    if found:
        chars = list(text)
        for directive, start, end in found:
            directives.append(directive)
            chars[start:end] = " " * (end - start)
        prose_source = "".join(chars)
    if not prose_source.strip():
        if record is None:
            raise DocumentError(path, "empty file, nothing to check")
        raise DocumentError(path, "empty text, nothing to check", record)
    prose, offsets = join_soft_wraps(prose_source)
    return Document(path=path, text=prose, source=text, offsets=offsets,
                    section_starts=heading_offsets(prose), record=record, url=url,
                    directives=directives, _line_index=index)


def join_soft_wraps(text: str) -> tuple[str, OffsetMap]:
    """Make line endings LF, and join hard-wrapped prose lines with a space.

    A line break is soft (the sentence runs on) when the next line starts in lower case, or
    the line ends with a comma, and the next line is not a list item. Every other line break
    stays: headings, list items, "Q:"/"A:" lines and paragraphs keep their own sentences.
    """
    offsets = OffsetMap()
    parts: list[str] = []
    last = 0
    prose_len = 0
    for m in _LINE_BREAK.finditer(text):
        start, end = m.span()
        nxt = text[end:end + 1]
        prev = text[start - 1:start]
        soft = bool(nxt) and nxt not in "\r\n" and (nxt.islower() or prev == ",") \
            and not _LIST_MARKER.match(text, end)
        if not soft and m.group(1) == "\n":
            continue  # a structural break, already LF: the prose keeps it as it is
        replacement = " " if soft else "\n" + m.group(2)
        parts.append(text[last:start])
        prose_len += start - last
        parts.append(replacement)
        prose_len += len(replacement)
        last = end
        offsets.add(prose_len, end)
    if not parts:
        return text, offsets
    parts.append(text[last:])
    return "".join(parts), offsets


def heading_offsets(text: str) -> list[int]:
    """Offsets of lines that look like headings: '# Title', or a short line without final
    punctuation that opens a paragraph of prose ("Potential Side Effects" above sentences),
    as opposed to one line of a list ("Dry lips and skin" above "Dry eyes and nose")."""
    lines = [line.strip() for line in text.split("\n")]
    next_nonblank = [""] * len(lines)
    following = ""
    for i in range(len(lines) - 1, -1, -1):
        next_nonblank[i] = following
        if lines[i]:
            following = lines[i]
    offsets: list[int] = []
    pos = 0
    prev = ""
    for raw, stripped, nxt in zip(text.split("\n"), lines, next_nonblank):
        if stripped.startswith("#"):
            offsets.append(pos + raw.index("#"))
        elif (
            stripped
            and len(stripped) <= 80
            and stripped[-1] not in _TERMINAL_PUNCT
            and (not prev or prev[-1] in ".!?:")
            and nxt
            and (nxt[-1] in ".!?" or len(nxt) > 100)
            and stripped[0].isupper()
        ):
            offsets.append(pos + raw.index(stripped[0]))
        if stripped:
            prev = stripped
        pos += len(raw) + 1
    return offsets
