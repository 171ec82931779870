"""Readers: turn a source (file, standard input) into a Document.

Every input format produces the same Document: the prose text the NLP pipeline reads, the
source text the user sees, and a map from prose offsets back to source offsets.
"""
from __future__ import annotations

from pathlib import Path

from .model import Document, DocumentError, LineIndex
from .text import decode_bytes, read_text_document, text_document

TEXT_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".text"})

__all__ = [
    "Document",
    "DocumentError",
    "LineIndex",
    "TEXT_SUFFIXES",
    "decode_bytes",
    "read_document",
    "read_text_document",
    "text_document",
]


def read_document(path: Path, display_path: str | None = None) -> Document:
    """Read one file into a Document; raises DocumentError with a one-line reason."""
    display = display_path if display_path is not None else str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(display, "is a directory") from None
    except FileNotFoundError:
        raise DocumentError(display, "no such file or directory") from None
    except PermissionError:
        raise DocumentError(display, "permission denied") from None
    except OSError as exc:
        raise DocumentError(display, exc.strerror or str(exc)) from None
    return read_text_document(data, display)
