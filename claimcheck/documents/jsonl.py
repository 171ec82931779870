"""JSONL (optionally gzipped): one JSON object per line, each record's text field a document.

Streams: one line in memory at a time, so a dump of any size reads in constant memory. A bad
line (not JSON, not an object, no text field, undecodable) is an error for that record only;
truncated or corrupt gzip data ends the file with an error after the records already read.
"""
from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from .compressed import CorruptStream, open_maybe_gzip
from .encoding import Decoding, decode
from .model import Document, DocumentError, RawDocument
from .text import text_document

# the reader (documents/readers.py): many documents per file; an uncompressed file can be read
# from any line start, so Dask splits it into byte ranges
NAME = "jsonl"
SUFFIXES = (".jsonl", ".ndjson")
MANY = True
SPLITTABLE = True
FIXABLE = False

DEFAULT_TEXT_FIELD = "text"
DEFAULT_ID_FIELDS = ("id", "url")


@dataclass(frozen=True)
class JsonRecord:
    """One record's text, before it becomes a Document (the audit hashes it first)."""

    display: str
    record: str
    text: str
    url: str | None
    title: str | None = None


def jsonl_documents(stream: BinaryIO, display: str, how: Decoding = Decoding(),
                    text_field: str = DEFAULT_TEXT_FIELD, id_field: str | None = None
                    ) -> Iterator[Document | DocumentError]:
    """Documents of the records in a JSONL stream, or a DocumentError per bad record."""
    for rec in jsonl_records(stream, display, how, text_field, id_field):
        yield rec if isinstance(rec, DocumentError) else record_document(rec)


def record_document(rec: JsonRecord) -> Document | DocumentError:
    try:
        return text_document(rec.text, rec.display, record=rec.record, url=rec.url)
    except DocumentError as exc:
        return exc


def jsonl_records(stream: BinaryIO, display: str, how: Decoding = Decoding(),
                  text_field: str = DEFAULT_TEXT_FIELD, id_field: str | None = None
                  ) -> Iterator[JsonRecord | DocumentError]:
    """The records of a JSONL stream, or a DocumentError per bad record."""
    number = 0
    # Lines are split on b"\n", so the encoding must be ASCII-compatible: UTF-8 unless the user
    # names another; only the first line may carry a (UTF-8) byte-order mark.
    per_line = Decoding(how.encoding or "utf-8", how.errors)
    try:
        for number, raw in enumerate(open_maybe_gzip(stream), start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if raw.strip():
                yield _record(raw, display, number, per_line, text_field, id_field)
    except CorruptStream as exc:
        where = f"after line {number}" if number else "at the start"
        yield DocumentError(display, f"{exc} {where}; the records before it were checked")


def _record(raw: bytes, display: str, number: int, how: Decoding, text_field: str,
            id_field: str | None) -> JsonRecord | DocumentError:
    where = f"{display}:{number}"
    try:
        line = decode(raw.rstrip(b"\r\n"), where, how)
        data = json.loads(line)
    except DocumentError as exc:
        return exc
    except json.JSONDecodeError as exc:
        return DocumentError(where, f"malformed JSON line: {exc.msg.removesuffix(' at')} (column {exc.colno})")
    if not isinstance(data, dict):
        return DocumentError(where, f"a JSON {type(data).__name__}, not an object")
    record = _record_id(data, id_field) or f"line {number}"
    text = data.get(text_field)
    if not isinstance(text, str):
        found = "no" if text is None else f"a non-string ({type(text).__name__})"
        return DocumentError(display, f"{found} {text_field!r} field (--text-field names another)", record)
    url = data.get("url") if isinstance(data.get("url"), str) else None
    title = data.get("title") if isinstance(data.get("title"), str) else None
    return JsonRecord(display, record, text, url, title)


def _record_id(data: dict, id_field: str | None) -> str | None:
    for key in (id_field,) if id_field else DEFAULT_ID_FIELDS:
        value = data.get(key)
        if value is not None and value != "":
            return str(value)
    return None


def is_jsonl(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith((".jsonl", ".ndjson"))


# --------------------------------------------------------------------------- the reader's parts

def documents(stream: BinaryIO, display: str, options) -> Iterator[Document | DocumentError]:
    yield from jsonl_documents(stream, display, options.decoding, options.text_field, options.id_field)


def raw_documents(stream: BinaryIO, display: str, options) -> Iterator[RawDocument]:
    """Each record's text as read, before it becomes a Document (an audit hashes it first)."""
    for rec in jsonl_records(stream, display, options.decoding, options.text_field, options.id_field):
        if isinstance(rec, DocumentError):
            yield RawDocument(rec.path, display, NAME, record=rec.record, error=rec.reason)
        else:
            yield RawDocument(f"{display}[{rec.record}]", display, NAME, rec.text, rec.record, rec.url,
                              title=rec.title)


def parse_raw(raw: RawDocument, options) -> Document:
    """The Document of a record read by ``raw_documents``; raises DocumentError."""
    doc = record_document(JsonRecord(raw.source, raw.record or "", str(raw.payload), raw.url))
    if isinstance(doc, DocumentError):
        raise doc
    return doc
