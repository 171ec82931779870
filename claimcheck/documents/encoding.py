"""Bytes -> text: byte-order marks, UTF-8 by default, an encoding the user names, and a clear
error (or U+FFFD replacements, when asked) for bytes that do not decode."""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from .model import DocumentError


class UndecodableError(DocumentError):
    """Bytes that do not decode. ``detail`` says where; the reason adds what lint, audit and
    the library can do about it (a command without those options words its own)."""

    def __init__(self, path: str, detail: str):
        self.detail = detail
        super().__init__(path, f"{detail}; not checked (--encoding names another encoding, "
                               "--encoding-errors replace reads it anyway)")

_SNIFF_BYTES = 8192
# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
ERROR_MODES = ("strict", "replace")


@dataclass(frozen=True)
class Decoding:
    """How to decode: ``encoding`` None means "a BOM if there is one, else UTF-8"."""

    encoding: str | None = None
    errors: str = "strict"


def check_encoding(name: str) -> str:
    """The codec's canonical name; ValueError for a name Python does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None


def detect_bom(data: bytes) -> tuple[str | None, int]:
    """(encoding, length) of the byte-order mark data starts with, or (None, 0)."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def decode(data: bytes, path: str, how: Decoding = Decoding(), fallback: str | None = None) -> str:
    """Decode a file's bytes. A BOM decides the encoding unless the user named one; else
    ``fallback`` (an HTTP or <meta> charset) or UTF-8. NUL bytes in a file without a BOM or a
    named encoding mean a binary file. Raises DocumentError with a one-line reason."""
    bom_encoding, bom_len = detect_bom(data)
    if how.encoding is not None:
        encoding = check_encoding(how.encoding)
        if bom_encoding is not None and check_encoding(bom_encoding) == encoding.replace("-sig", ""):
            data = data[bom_len:]
    elif bom_encoding is not None:
        encoding, data = bom_encoding, data[bom_len:]
    else:
        if b"\x00" in data[:_SNIFF_BYTES]:
            raise DocumentError(path, "binary file (contains NUL bytes), not checked")
        encoding = known_encoding(fallback) or "utf-8"
    try:
        return data.decode(encoding, errors=how.errors)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1].hex()
        raise UndecodableError(path, f"not valid {_display(encoding)} (byte 0x{bad} on line {line}, "
                                     f"offset {exc.start})") from None


def known_encoding(name: str | None) -> str | None:
    """The canonical name of an encoding label, or None when Python does not know it."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _display(encoding: str) -> str:
    return {"utf-8": "UTF-8"}.get(encoding, encoding)


def chosen_encoding(data: bytes, how: Decoding = Decoding(), fallback: str | None = None) -> tuple[str, bytes]:
    """The encoding ``decode`` chooses for these bytes and the byte-order mark it strips: what
    the fixer writes a file back in (``fallback``: what the format declares, e.g. an HTML
    page's charset)."""
    bom_encoding, bom_len = detect_bom(data)
    if how.encoding is not None:
        encoding = check_encoding(how.encoding).replace("-sig", "")
        if bom_encoding is not None and check_encoding(bom_encoding) == encoding:
            return encoding, data[:bom_len]
        return encoding, b""
    if bom_encoding is not None:
        return bom_encoding, data[:bom_len]
    return known_encoding(fallback) or "utf-8", b""
