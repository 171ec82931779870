"""The reader registry: one module per input format, and the questions every caller (lint,
fix, audit, Dask, the library) asks of a format. No code outside this module looks at a
format's name to decide what to do: it asks the format's reader.

A reader module defines
    NAME, SUFFIXES      its name (as --format-less discovery and reports use it) and file suffixes
    MANY                a file holds many documents (JSONL records, WARC pages)
    SPLITTABLE          an uncompressed file can be read from any line start (Dask byte ranges)
    FIXABLE             `claimcheck fix` can write a file of it back
and, for one document per file (MANY false)
    decode_bytes(data, display, decoding) -> str    the text of a file's bytes
    encoding_of(data, decoding) -> (encoding, BOM)  the encoding decode_bytes chose (the fixer
                                                    writes the file back in it)
    parse(text, display, options) -> Document       the Document of a decoded text
    literal(text, block_start) -> str               text as it must be written to show as written
    paragraph_after(source, at, body) -> (offset, text, paragraph) | None
                                                    where and how a new paragraph goes after the
                                                    block holding offset ``at`` (fix inserts)
or, for many (MANY true)
    documents(stream, display, options) -> Documents and DocumentErrors
    raw_documents(stream, display, options) -> RawDocuments (an audit hashes them first)
    parse_raw(raw, options) -> Document
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from . import html, jsonl, markdown, text, warc
from .compressed import read_all
from .encoding import Decoding
from .model import Document, DocumentError, RawDocument

@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs: --encoding/--encoding-errors, --html-mode, --text-field, --id-field."""

    decoding: Decoding = field(default_factory=Decoding)
    html_mode: str = "main"
    text_field: str = "text"
    id_field: str | None = None


class Reader(Protocol):
    """An input format (a module satisfies this protocol; the functions a reader defines besides
    these depend on MANY, see above)."""

    NAME: str
    SUFFIXES: tuple[str, ...]
    MANY: bool
    SPLITTABLE: bool
    FIXABLE: bool


READERS: dict[str, Reader] = {r.NAME: r for r in (text, markdown, html, jsonl, warc)}  # type: ignore[misc]
FORMATS: tuple[str, ...] = tuple(READERS)
SUFFIXES: dict[str, str] = {suffix: r.NAME for r in READERS.values() for suffix in r.SUFFIXES}
FIXABLE: tuple[str, ...] = tuple(name for name, r in READERS.items() if r.FIXABLE)


def reader(fmt: str):
    """The reader of a format name (KeyError for one no reader has)."""
    return READERS[fmt]


def format_of(name: str) -> str | None:
    """The reader for a file name, by suffix (a trailing .gz is looked through); None if unknown."""
    return SUFFIXES.get(Path(name.lower().removesuffix(".gz")).suffix)


def holds_many(fmt: str) -> bool:
    return READERS[fmt].MANY


def document_from_bytes(data: bytes, display: str, fmt: str, options: ReadOptions = ReadOptions()) -> Document:
    """The Document of a one-document file's bytes; raises DocumentError."""
    r = READERS[fmt]
    return r.parse(r.decode_bytes(data, display, options.decoding), display, options)


def read_documents(stream: BinaryIO, display: str, fmt: str, options: ReadOptions = ReadOptions()) -> Iterator[Document | DocumentError]:
    """The documents in one input (a DocumentError in place of each that cannot be read)."""
    r = READERS[fmt]
    if r.MANY:
        yield from r.documents(stream, display, options)
        return
    try:
        yield document_from_bytes(read_all(stream, display), display, fmt, options)
    except DocumentError as exc:
        yield exc


def raw_documents(stream: BinaryIO, display: str, fmt: str, options: ReadOptions = ReadOptions()) -> Iterator[RawDocument]:
    """The documents of one input as read, before parsing (an audit hashes each first)."""
    r = READERS[fmt]
    if r.MANY:
        yield from r.raw_documents(stream, display, options)
        return
    try:
        data = read_all(stream, display)
    except DocumentError as exc:
        yield RawDocument(display, display, fmt, error=exc.reason)
        return
    yield RawDocument(display, display, fmt, data)


def parse_raw(raw: RawDocument, options: ReadOptions = ReadOptions()) -> Document:
    """Parse a RawDocument as its reader would; raises DocumentError."""
    r = READERS[raw.fmt]
    if r.MANY:
        return r.parse_raw(raw, options)
    return document_from_bytes(bytes(raw.payload), raw.source, raw.fmt, options)
