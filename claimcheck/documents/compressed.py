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
