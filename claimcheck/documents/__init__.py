"""Readers: turn a source (file, standard input) into Documents.

Every input format produces the same Document: the prose text the NLP pipeline reads, the
source text the user sees, and a map from prose offsets back to source offsets. A file holds
one document (text, Markdown, HTML; optionally gzipped) or a stream of them (JSONL, WARC).
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from .compressed import read_all
from .encoding import Decoding
from .model import Document, DocumentError, LineIndex, RawDocument, Skipped
from .readers import (FIXABLE, FORMATS, SUFFIXES, ReadOptions, document_from_bytes, format_of, holds_many,
                      parse_raw, raw_documents, read_documents, reader)
from .text import text_document

__all__ = [
    "Decoding", "Document", "DocumentError", "FIXABLE", "FORMATS", "LineIndex", "RawDocument", "ReadOptions",
    "SUFFIXES", "Skipped", "document_from_bytes", "format_of", "holds_many", "open_input", "parse_raw",
    "raw_documents", "read_document", "read_documents", "reader", "text_document",
]


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
    if holds_many(fmt):
        raise DocumentError(display, f"holds many documents ({fmt}); use read_documents")
    with open_input(path, display) as stream:
        return document_from_bytes(read_all(stream, display), display, fmt, options)
