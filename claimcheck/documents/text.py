"""Plain text: soft line wraps joined, comment lines with suppressions taken out of the prose."""
from __future__ import annotations

import re
from itertools import chain
from typing import Iterator

from .directives import text_comment_directives
from .encoding import Decoding, chosen_encoding, decode
from .model import Document, DocumentError, LineIndex, OffsetMap

# the reader (documents/readers.py): one document per file, which `claimcheck fix` can write back
NAME = "text"
SUFFIXES = (".txt", ".text")
MANY = False
SPLITTABLE = False
FIXABLE = True

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)([ \t]*)")
_LIST_MARKER = re.compile(r"(?:[-*+•–—]|\d{1,3}[.)])\s")
_TERMINAL_PUNCT = ".!:;,"
_NON_SPACE = re.compile(r"\S")


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
    if _NON_SPACE.search(prose_source) is None:
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
    """Offsets of lines that look like headings: '# Title', a short first line without final
    punctuation (the title), or a short line without final
    punctuation that opens a paragraph of prose ("Potential Side Effects" above sentences),
    as opposed to one line of a list ("Dry lips and skin" above "Dry eyes and nose").

    Each line is judged with the non-blank lines before and after it; lines are read in
    place (start, length, first and last character), so a 50 MB text on one line is never
    copied."""
    offsets: list[int] = []
    prev = line = None
    for nxt in chain(_nonblank_lines(text), [None]):
        if line is not None:
            start, length, first, last = line
            if first == "#":
                offsets.append(start)
            elif prev is None and nxt is not None and length <= 120 and last not in _TERMINAL_PUNCT \
                    and first.isupper():
                offsets.append(start)  # the title: a short first line above the text
            elif (
                length <= 80
                and last not in _TERMINAL_PUNCT
                and (prev is None or prev[3] in ".!?:")
                and nxt is not None
                and (nxt[3] in ".!?" or nxt[1] > 100)
                and first.isupper()
            ):
                offsets.append(start)
        prev, line = line, nxt
    return offsets


def _nonblank_lines(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, length, first character, last character) of each line that is not blank,
    white space stripped, lines split at LF."""
    pos, end_of_text = 0, len(text)
    while pos <= end_of_text:
        end = text.find("\n", pos)
        if end == -1:
            end = end_of_text
        m = _NON_SPACE.search(text, pos, end)
        if m is not None:
            last = end
            while text[last - 1].isspace():
                last -= 1
            yield m.start(), last - m.start(), text[m.start()], text[last - 1]
        pos = end + 1


# --------------------------------------------------------------------------- the reader's parts

def decode_bytes(data: bytes, display: str, how: Decoding) -> str:
    return decode(data, display, how)


def encoding_of(data: bytes, how: Decoding) -> tuple[str, bytes]:
    return chosen_encoding(data, how)


def parse(text: str, display: str, options) -> Document:
    return text_document(text, display)


def literal(text: str, block_start: bool = False) -> str:
    """Plain text shows what is written."""
    return text


def paragraph_after(source: str, at: int, body: str) -> tuple[int, str, bool] | None:
    """Where a new paragraph goes after the one holding ``at``, and its text (a paragraph of
    its own: the fixer adds the blank lines)."""
    return paragraph_end(source, at), body, True


def newline_of(text: str) -> str:
    """The file's line ending: CRLF when most line breaks are CRLF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and 2 * crlf >= text.count("\n") else "\n"


_BLANK_LINE = re.compile(r"\n[ \t]*\r?(?:\n|\Z)")


def back_over_space(text: str, end: int, floor: int) -> int:
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def paragraph_end(text: str, at: int) -> int:
    """Plain text: the end of the paragraph (up to a blank line) holding offset ``at``."""
    m = _BLANK_LINE.search(text, at)
    return back_over_space(text, m.start() if m else len(text), at)
