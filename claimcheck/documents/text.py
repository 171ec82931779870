"""Plain text (and, until a Markdown parser lands, Markdown read as plain text)."""
from __future__ import annotations

import codecs

from .model import Document, DocumentError

_SNIFF_BYTES = 8192


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
    # Line endings: the pipeline sees "\n" only; CRLF is mapped back to source offsets.
    if "\r" not in text:
        return Document(path=path, text=text, source=text, section_starts=heading_offsets(text))
    prose_chars: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\r":
            offsets.append(i)
            prose_chars.append("\n")
            i += 2 if i + 1 < n and text[i + 1] == "\n" else 1
            continue
        offsets.append(i)
        prose_chars.append(ch)
        i += 1
    prose = "".join(prose_chars)
    return Document(path=path, text=prose, source=text, offsets=offsets, section_starts=heading_offsets(prose))


_TERMINAL_PUNCT = ".!:;,"


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
