"""What an audit reads: SOURCES (files, directories, globs; text, Markdown, HTML, JSONL and
WARC, optionally gzipped) as RawDocuments: the raw content of each document, hashed, before
any parsing. The parent process reads and hashes (cheap) to decide what to skip and what is a
duplicate; workers parse and lint (expensive).
"""
from __future__ import annotations

import glob
import io
import os
import select
import stat
from pathlib import Path
from typing import BinaryIO, Callable, Iterator
from urllib.parse import urlsplit

from ..documents import DocumentError, RawDocument, ReadOptions, format_of, open_input
from ..documents import raw_documents as read_raw
from ..inputs import Input

GLOB_CHARS = frozenset("*?[")
IDLE_SECONDS = 1.0  # a pipe silent this long: the audit commits what it has


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
    yield from read_raw(stream, display, fmt, options)
