"""What an audit reads: SOURCES (files, directories, globs; text, Markdown, HTML, JSONL and
WARC, optionally gzipped) as RawDocuments: the raw content of each document, hashed, before
any parsing. The parent process reads and hashes (cheap) to decide what to skip and what is a
duplicate; workers parse and lint (expensive).
"""
from __future__ import annotations

import glob
import hashlib
import io
import os
import select
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Callable, Iterator
from urllib.parse import urlsplit

from ..documents import DocumentError, ReadOptions, Skipped, format_of, open_input
from ..documents.compressed import read_all
from ..documents.jsonl import JsonRecord, jsonl_records
from ..documents.warc import RawPage, warc_pages
from ..inputs import Input

GLOB_CHARS = frozenset("*?[")
IDLE_SECONDS = 1.0  # a pipe silent this long: the audit commits what it has


@dataclass(frozen=True)
class RawDocument:
    """One document as read: ``payload`` is the file's bytes (text, Markdown, HTML), a JSONL
    record's text, or an archived page's HTTP body. ``error``/``skipped`` say why there is no
    document to lint (a malformed record, an image in an archive)."""

    id: str  # "source" or "source[record]", as lint reports name it
    source: str
    fmt: str  # text | markdown | html | jsonl | warc
    payload: bytes | str = b""
    record: str | None = None
    url: str | None = None
    charset: str | None = None  # declared by the HTTP response (WARC)
    error: str | None = None
    skipped: str | None = None

    @cached_property
    def content_hash(self) -> str | None:
        """sha256 of the format and the content; None for a document that could not be read.
        Computed once: the parent hashes, and the hash travels with the document to a worker."""
        if self.error or self.skipped:
            return None
        data = self.payload.encode("utf-8", "surrogatepass") if isinstance(self.payload, str) else self.payload
        h = hashlib.sha256(self.fmt.encode() + b"\0" + (self.charset or "").encode() + b"\0")
        h.update(data)
        return h.hexdigest()

    @property
    def domain(self) -> str | None:
        return domain_of(self.url)


def domain_of(url: str | None) -> str | None:
    """The host of a URL, lower-case, without a leading "www."; None without one."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def expand_globs(sources: list[str]) -> list[str]:
    """Quoted glob patterns ("crawl/**/*.html") expanded here, sorted; a pattern matching
    nothing stays as given, so it is reported as missing."""
    out: list[str] = []
    for given in sources:
        if GLOB_CHARS & set(given) and not Path(given).exists():
            found = sorted(glob.glob(given, recursive=True))
            out.extend(found or [given])
        else:
            out.append(given)
    return out


class _CountingRaw(io.RawIOBase):
    """A binary file that reports the bytes read from it (for the progress bar) and, when it
    is a pipe, a FIFO or a device (whose reads can wait for a writer), calls ``on_idle`` each
    IDLE_SECONDS that no data comes, so the audit can commit what it has meanwhile."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None], on_idle: Callable[[], None] | None = None):
        raw = getattr(stream, "raw", stream)  # read the file itself: nothing may sit in a buffer
        self._stream = stream
        self._raw = raw
        self._on_read = on_read
        self._on_idle = on_idle
        if on_idle is not None:
            try:
                fd = raw.fileno()
                self._fd = None if stat.S_ISREG(os.fstat(fd).st_mode) else fd
            except (AttributeError, OSError, io.UnsupportedOperation):
                self._fd = None
        else:
            self._fd = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._fd is not None:
            while not select.select([self._fd], [], [], IDLE_SECONDS)[0]:
                self._on_idle()
        n = self._raw.readinto(buffer) or 0
        self._on_read(n)
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


def counting(stream: BinaryIO, on_read: Callable[[int], None], on_idle: Callable[[], None] | None = None
             ) -> BinaryIO:
    """``stream`` (freshly opened: nothing read from it yet) with every byte read reported to
    ``on_read`` and stalls to ``on_idle``; a full buffered file."""
    return io.BufferedReader(_CountingRaw(stream, on_read, on_idle))


def raw_documents(item: Input, options: ReadOptions, on_read: Callable[[int], None] = lambda n: None,
                  on_idle: Callable[[], None] | None = None) -> Iterator[RawDocument]:
    """The documents of one input, unparsed (an error document when it cannot be read).
    ``on_idle`` is called while a pipe or FIFO keeps the reader waiting (see _CountingRaw)."""
    if item.error or item.path is None:
        yield RawDocument(item.display, item.display, "text", error=item.error or "standard input cannot be audited")
        return
    fmt = format_of(item.display) or "text"
    try:
        stream = counting(open_input(item.path, item.display), on_read, on_idle)
    except DocumentError as exc:
        yield RawDocument(item.display, item.display, fmt, error=exc.reason)
        return
    with stream:
        yield from stream_documents(stream, item.display, fmt, options)


def stream_documents(stream: BinaryIO, display: str, fmt: str, options: ReadOptions) -> Iterator[RawDocument]:
    """The documents of one opened input (plain or gzipped) named ``display``: shared with the
    Dask engine, whose workers open their inputs with fsspec rather than from a local path."""
    if fmt == "jsonl":
        for rec in jsonl_records(stream, display, options.decoding, options.text_field, options.id_field):
            yield _from_record(rec, display)
    elif fmt == "warc":
        for page in warc_pages(stream, display):
            yield _from_page(page, display)
    else:
        try:
            data = read_all(stream, display)
        except DocumentError as exc:
            yield RawDocument(display, display, fmt, error=exc.reason)
            return
        yield RawDocument(display, display, fmt, data)


def _from_record(rec: JsonRecord | DocumentError, source: str) -> RawDocument:
    if isinstance(rec, DocumentError):
        return RawDocument(rec.path, source, "jsonl", record=rec.record, error=rec.reason)
    return RawDocument(f"{source}[{rec.record}]", source, "jsonl", rec.text, rec.record, rec.url)


def _from_page(page: RawPage | DocumentError, source: str) -> RawDocument:
    if isinstance(page, Skipped):
        return RawDocument(page.path, source, "warc", record=page.record, url=page.record, skipped=page.reason)
    if isinstance(page, DocumentError):
        return RawDocument(page.path, source, "warc", record=page.record, error=page.reason)
    return RawDocument(f"{source}[{page.uri}]", source, "warc", page.body, page.uri, page.uri, page.charset)
