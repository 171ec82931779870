"""WARC (optionally gzipped) web archives: each HTTP response with an HTML content type is a
page, read by the HTML reader and named by its target URI.

Streams with warcio: one record in memory at a time. Records that are not responses
(requests, metadata, warcinfo) are not pages and pass silently; a response that is not HTML
(an image, a stylesheet) is reported as skipped; a damaged archive ends with an error after
the pages already read.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from .compressed import CorruptStream, EndAtDamage, damage_reported
from .encoding import Decoding
from .html import decode_html, html_document
from .model import Document, DocumentError, RawDocument, Skipped

# the reader (documents/readers.py): many documents per file, read from the start only
NAME = "warc"
SUFFIXES = (".warc",)
MANY = True
SPLITTABLE = False
FIXABLE = False

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class RawPage:
    """One HTML response's body, before it becomes a Document (the audit hashes it first)."""

    display: str  # the archive
    uri: str
    body: bytes
    charset: str | None  # declared in the HTTP Content-Type


def warc_documents(stream: BinaryIO, display: str, how: Decoding = Decoding(), html_mode: str = "main"
                   ) -> Iterator[Document | DocumentError]:
    """Documents of the HTML pages in a WARC stream, or a DocumentError per bad record."""
    for page in warc_pages(stream, display):
        yield page if isinstance(page, DocumentError) else page_document(page, how, html_mode)


def page_document(page: RawPage, how: Decoding = Decoding(), html_mode: str = "main") -> Document | DocumentError:
    """The Document of one archived page (a DocumentError naming the page if it has none)."""
    try:
        html = decode_html(page.body, page.display, how, declared=page.charset)
        return html_document(html, page.display, mode=html_mode, record=page.uri, url=page.uri)
    except DocumentError as exc:
        return DocumentError(page.display, exc.reason, page.uri)  # the page, whichever reader spoke


def warc_pages(stream: BinaryIO, display: str) -> Iterator[RawPage | DocumentError]:
    """The HTML responses of a WARC stream, Skipped for other responses, or a DocumentError
    per bad record (and one at the end of a damaged archive)."""
    from warcio.archiveiterator import ArchiveIterator  # on first use: most runs read no WARC
    from warcio.exceptions import ArchiveLoadFailed

    pages = 0
    # Decompressed by Python's gzip, which notices a truncated member; warcio would not.
    source = EndAtDamage(stream)
    try:
        with damage_reported():
            for record in ArchiveIterator(source):
                page = _page(record, display) if record.rec_type == "response" else None
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


def _page(record, display: str) -> RawPage | DocumentError:
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
    except CorruptStream as exc:
        return DocumentError(display, f"undecodable HTTP body ({exc})", uri)
    return RawPage(display, uri, data, _charset(params))


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def is_warc(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(".warc")


# --------------------------------------------------------------------------- the reader's parts

def documents(stream: BinaryIO, display: str, options) -> Iterator[Document | DocumentError]:
    yield from warc_documents(stream, display, options.decoding, options.html_mode)


def raw_documents(stream: BinaryIO, display: str, options) -> Iterator[RawDocument]:
    """Each archived HTML page's body as read, before it becomes a Document."""
    for page in warc_pages(stream, display):
        if isinstance(page, Skipped):
            yield RawDocument(page.path, display, NAME, record=page.record, url=page.record, skipped=page.reason)
        elif isinstance(page, DocumentError):
            yield RawDocument(page.path, display, NAME, record=page.record, error=page.reason)
        else:
            yield RawDocument(f"{display}[{page.uri}]", display, NAME, page.body, page.uri, page.uri, page.charset)


def parse_raw(raw: RawDocument, options) -> Document:
    """The Document of a page read by ``raw_documents``; raises DocumentError."""
    doc = page_document(RawPage(raw.source, raw.url or raw.record or "", bytes(raw.payload), raw.charset),
                        options.decoding, options.html_mode)
    if isinstance(doc, DocumentError):
        raise doc
    return doc
