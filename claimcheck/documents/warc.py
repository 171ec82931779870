"""WARC (optionally gzipped) web archives: each HTTP response with an HTML content type is a
page, read by the HTML reader and named by its target URI.

Streams with warcio: one record in memory at a time. Records that are not responses
(requests, metadata, warcinfo) are not pages and pass silently; a response that is not HTML
(an image, a stylesheet) is reported as skipped; a damaged archive ends with an error after
the pages already read.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .compressed import CorruptStream, EndAtDamage, damage_reported
from .encoding import Decoding
from .html import decode_html, html_document
from .model import Document, DocumentError, Skipped

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def warc_documents(stream: BinaryIO, display: str, how: Decoding = Decoding(), html_mode: str = "main"
                   ) -> Iterator[Document | DocumentError]:
    """Documents of the HTML pages in a WARC stream, or a DocumentError per bad record."""
    pages = 0
    # Decompressed by Python's gzip, which notices a truncated member; warcio would not.
    source = EndAtDamage(stream)
    try:
        with damage_reported():
            for record in ArchiveIterator(source):
                page = _page(record, display, how, html_mode) if record.rec_type == "response" else None
                missing = _missing_bytes(record)
                if missing:
                    raise CorruptStream(f"a record is cut short, {missing} bytes missing")
                if page is not None:
                    pages += 1
                    yield page
        if source.damage:
            raise CorruptStream(source.damage)
    except (CorruptStream, ArchiveLoadFailed) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield DocumentError(display, f"damaged WARC ({reason}) after {pages} responses; "
                                     "the pages before it were checked")


def _missing_bytes(record) -> int:
    """Read what is left of a record; warcio ends quietly at a truncated record, so the bytes
    its Content-Length promised but the file did not hold are how truncation shows."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    return max(0, getattr(raw, "limit", 0))


def _page(record, display: str, how: Decoding, html_mode: str) -> Document | DocumentError:
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"record {record.rec_headers.get_header('WARC-Record-ID')}"
    if record.http_headers is None:
        return Skipped(display, "not an HTTP response (no HTTP headers)", uri)
    content_type = record.http_headers.get_header("Content-Type") or ""
    mime, _, params = content_type.partition(";")
    if mime.strip().lower() not in HTML_TYPES:
        return Skipped(display, f"not an HTML page (Content-Type {content_type.strip() or 'missing'})", uri)
    try:
        with damage_reported():
            data = record.content_stream().read()
        html = decode_html(data, display, how, declared=_charset(params))
        return html_document(html, display, mode=html_mode, record=uri, url=uri)
    except DocumentError as exc:
        return DocumentError(display, exc.reason, uri)  # the page, whichever reader spoke
    except CorruptStream as exc:
        return DocumentError(display, f"undecodable HTTP body ({exc})", uri)


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def is_warc(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(".warc")
