"""Turning the PATHS of a command line into inputs: files found in directories, standard input."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .documents import TEXT_SUFFIXES

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One thing to lint: a file, standard input, or a path that could not be used."""

    display: str  # the path as the user gave it (or as found under a directory they gave)
    path: Path | None  # None for standard input
    error: str | None = None


def expand(paths: list[str], stdin_name: str | None = None) -> list[Input]:
    """Files named directly, text files (sorted) under directories, '-' for standard input."""
    out: list[Input] = []
    for given in paths:
        if given == STDIN:
            out.append(Input(stdin_name or "<stdin>", None))
            continue
        path = Path(given)
        if path.is_dir():
            found = list(_walk(given))
            if not found:
                suffixes = ", ".join(sorted(TEXT_SUFFIXES))
                out.append(Input(given, path, f"no files to check here (looked for {suffixes})"))
            out.extend(Input(f, Path(f)) for f in found)
        elif path.exists():
            out.append(Input(given, path))
        else:
            out.append(Input(given, path, "no such file or directory"))
    return out


def _walk(top: str):
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in TEXT_SUFFIXES:
                yield os.path.join(root, name)
