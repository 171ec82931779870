"""Writing a file whole or not at all: reports, baselines and fixed files.

The data goes to a temporary file in the same directory (same filesystem, so the rename is
atomic), is flushed to disk, takes the old file's mode, and is renamed over the target. A
crash leaves either the old file or the new one, never half of either.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data``; ``mode`` defaults to the existing file's (or 0o644 & ~umask)."""
    directory = path.parent if str(path.parent) else Path(".")
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomically(path, text.encode(encoding))
