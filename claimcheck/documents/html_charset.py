"""How an HTML page is decoded: a BOM, the user's encoding, the HTTP charset, a <meta>
charset, UTF-8 (the HTML reader's ``decode_bytes`` and the fixer's round trip)."""
from __future__ import annotations

import re

from .encoding import Decoding, decode
from .model import DocumentError

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_SNIFF_BYTES = 4096
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def decode_html(data: bytes, path: str, how: Decoding = Decoding(), declared: str | None = None) -> str:
    """Decode a page: a BOM, else the encoding the user named, else the HTTP charset
    (``declared``), else a <meta> charset in the first 4 KB, else UTF-8. A charset that is
    not a text encoding Python knows is ignored; errors are DocumentErrors."""
    try:
        return decode(data, path, how, fallback=page_charset(data, declared))
    except (ValueError, LookupError) as exc:  # an encoding the user named that Python lacks
        raise DocumentError(path, str(exc)) from None


def page_charset(data: bytes, declared: str | None = None) -> str | None:
    """The charset a page is read in when it has no BOM and the user named none: the HTTP
    charset (``declared``), else its <meta> one, as browsers read the label (None: UTF-8)."""
    charset = _html_label(declared) or _html_label(sniff_meta_charset(data), in_page=True)
    if charset == "windows-1252" and _CP1252_UNDEFINED.search(data):
        charset = "latin-1"  # bytes Python's cp1252 rejects: browsers read these as Latin-1
    return charset


def sniff_meta_charset(data: bytes) -> str | None:
    """The charset a <meta charset=…> or <meta http-equiv content="…; charset=…"> declares."""
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def _html_label(label: str | None, in_page: bool = False) -> str | None:
    """A charset label as browsers read it, or None when it names no text encoding:
    "iso-8859-1" / "ascii" pages are read as windows-1252 (their curly quotes live in bytes
    0x80-0x9F), and a <meta> cannot declare UTF-16 in ASCII-compatible bytes (it means UTF-8)."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if in_page and name.startswith(("utf-16", "utf16", "utf-32", "utf32")):
        return "utf-8"
    if name in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii"}:
        return "windows-1252"
    try:
        b"a".decode(name, "ignore")  # LookupError: unknown, or a bytes-to-bytes codec ("hex")
    except LookupError:
        return None
    return name
