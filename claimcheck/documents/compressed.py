"""Reading plain or gzipped streams, with damaged compressed data reported as one error type."""
from __future__ import annotations

import gzip
import zlib
from contextlib import contextmanager
from typing import BinaryIO, Iterator

from .model import DocumentError

GZIP_MAGIC = b"\x1f\x8b"


class CorruptStream(Exception):
    """Truncated or corrupt compressed data; str() says which."""


def is_gzip(stream: BinaryIO) -> bool:
    """Peek at the magic number (the stream must be peekable or seekable)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(2)[:2] == GZIP_MAGIC
    head = stream.read(2)
    stream.seek(0)
    return head == GZIP_MAGIC


def decompressed(stream: BinaryIO) -> BinaryIO:
    """The stream itself, or a decompressing view of it when it is gzip (by content, not name)."""
    return gzip.GzipFile(fileobj=stream) if is_gzip(stream) else stream


@contextmanager
def damage_reported() -> Iterator[None]:
    """Turn the several ways gzip reports damage into CorruptStream."""
    try:
        yield
    except EOFError:
        raise CorruptStream("truncated gzip data (the file ends before the compressed stream does)") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise CorruptStream(f"corrupt gzip data ({exc})") from None


class EndAtDamage:
    """A decompressed stream that ends quietly where the data is damaged and remembers why.

    For readers (warcio) that read ahead and take any EOFError for a clean end: what came
    before the damage is still parsed, and ``damage`` says afterwards that the end was not clean.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = decompressed(stream)
        self.damage: str | None = None

    def _guard(self, read, *args) -> bytes:
        if self.damage is not None:
            return b""
        try:
            with damage_reported():
                return read(*args)
        except CorruptStream as exc:
            self.damage = str(exc)
            return b""

    def read(self, size: int = -1) -> bytes:
        # read1: one chunk at a time, so the chunk before the damage is returned, not lost
        # in a read that loops to fill ``size`` and then raises.
        read1 = getattr(self._stream, "read1", None)
        if read1 is not None and size and size > 0:
            return self._guard(read1, size)
        return self._guard(self._stream.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._guard(self._stream.readline, size)

    def close(self) -> None:
        self._stream.close()


def open_maybe_gzip(stream: BinaryIO) -> Iterator[bytes]:
    """The stream's lines, decompressed if need be; raises CorruptStream on damage."""
    with damage_reported():
        yield from decompressed(stream)


def read_all(stream: BinaryIO, display: str) -> bytes:
    """The whole (decompressed) content of a single-document file; DocumentError on damage."""
    try:
        with damage_reported():
            return decompressed(stream).read()
    except CorruptStream as exc:
        raise DocumentError(display, str(exc)) from None
