"""Plain text (and, until a Markdown parser lands, Markdown read as plain text)."""
from __future__ import annotations

import codecs
import re

from .model import Document, DocumentError, OffsetMap

_SNIFF_BYTES = 8192
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)([ \t]*)")
_LIST_MARKER = re.compile(r"(?:[-*+•–—]|\d{1,3}[.)])\s")
_TERMINAL_PUNCT = ".!:;,"


def decode_bytes(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM); binary and invalid bytes are DocumentErrors."""
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise DocumentError(path, "binary file (contains NUL bytes), not checked")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise DocumentError(
            path, f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}), not checked"
        ) from None


def read_text_document(data: bytes, path: str) -> Document:
    return text_document(decode_bytes(data, path), path)


def text_document(text: str, path: str) -> Document:
    """A Document for plain text already decoded (a file's contents or standard input)."""
    if not text.strip():
        raise DocumentError(path, "empty file, nothing to check")
    prose, offsets = join_soft_wraps(text)
    return Document(path=path, text=prose, source=text, offsets=offsets, section_starts=heading_offsets(prose))


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
