"""Readers: turn a source (file, standard input) into Documents.

Every input format produces the same Document: the prose text the NLP pipeline reads, the
source text the user sees, and a map from prose offsets back to source offsets. A file holds
one document (text, Markdown, HTML; optionally gzipped) or a stream of them (JSONL, WARC).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from .compressed import read_all
from .encoding import Decoding, decode
from .model import Document, DocumentError, LineIndex, Skipped
from .text import text_document

FORMATS = ("text", "markdown", "html", "jsonl", "warc")
SUFFIXES: dict[str, str] = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".warc": "warc",
}

__all__ = [
    "Decoding", "Document", "DocumentError", "FORMATS", "LineIndex", "ReadOptions", "SUFFIXES",
    "Skipped", "document_from_bytes", "format_of", "open_input", "read_document", "read_documents",
    "text_document",
]


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs: --encoding/--encoding-errors, --html-mode, --text-field, --id-field."""

    decoding: Decoding = field(default_factory=Decoding)
    html_mode: str = "main"
    text_field: str = "text"
    id_field: str | None = None


def format_of(name: str) -> str | None:
    """The reader for a file name, by suffix (a trailing .gz is looked through); None if unknown."""
    lower = name.lower().removesuffix(".gz")
    suffix = Path(lower).suffix
    return SUFFIXES.get(suffix)


def read_documents(stream: BinaryIO, display: str, fmt: str, options: ReadOptions = ReadOptions()
                   ) -> Iterator[Document | DocumentError]:
    """The documents in one input (a DocumentError in place of each that cannot be read)."""
    if fmt == "jsonl":
        from .jsonl import jsonl_documents
        yield from jsonl_documents(stream, display, options.decoding, options.text_field, options.id_field)
        return
    if fmt == "warc":
        from .warc import warc_documents
        yield from warc_documents(stream, display, options.decoding, options.html_mode)
        return
    try:
        yield document_from_bytes(read_all(stream, display), display, fmt, options)
    except DocumentError as exc:
        yield exc


def document_from_bytes(data: bytes, display: str, fmt: str, options: ReadOptions = ReadOptions()) -> Document:
    """The Document of a one-document file's bytes (text, Markdown or HTML); raises DocumentError."""
    if fmt == "html":
        from .html import decode_html, html_document
        return html_document(decode_html(data, display, options.decoding), display, mode=options.html_mode)
    text = decode(data, display, options.decoding)
    if fmt == "markdown":
        from .markdown import markdown_document
        return markdown_document(text, display)
    return text_document(text, display)


def open_input(path: Path, display: str) -> BinaryIO:
    """Open a file for reading; DocumentError with a one-line reason when it cannot be."""
    try:
        return path.open("rb")
    except IsADirectoryError:
        raise DocumentError(display, "is a directory") from None
    except FileNotFoundError:
        raise DocumentError(display, "no such file or directory") from None
    except PermissionError:
        raise DocumentError(display, "permission denied") from None
    except OSError as exc:
        raise DocumentError(display, exc.strerror or str(exc)) from None


def read_document(path: Path, display: str | None = None, options: ReadOptions = ReadOptions()) -> Document:
    """Read a one-document file (text, Markdown, HTML) into a Document; raises DocumentError."""
    display = display if display is not None else str(path)
    fmt = format_of(path.name) or "text"
    if fmt in ("jsonl", "warc"):
        raise DocumentError(display, f"holds many documents ({fmt}); use read_documents")
    with open_input(path, display) as stream:
        return document_from_bytes(read_all(stream, display), display, fmt, options)
