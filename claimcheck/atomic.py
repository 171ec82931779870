"""Writing an output file: reports, baselines, exports and fixed files.

What "writing PATH" does depends on what PATH is (after following symbolic links):

* a regular file, or nothing yet: the data goes to a temporary file in the same directory
  (same filesystem, so the rename is atomic), is flushed to disk, takes the old file's mode,
  and is renamed over the target. A crash leaves either the old file or the new one, never
  half of either. A symbolic link (or a chain of them, or a dangling one) stays a link: its
  final target is what gets replaced (or created).
* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe): the bytes are
  written through it. Replacing it would turn ``/dev/null`` into a regular file for everyone.
  A FIFO blocks until something reads it, as a shell's ``>`` does.
* anything else (a directory, a block device, a socket): refused with ``RefusedOutput``, an
  OSError, before anything is opened. A report written onto a block device destroys a disk.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator


class RefusedOutput(OSError):
    """A path that is not written to at all: ``strerror`` says what it is, ``filename`` names it."""


def _refusal(path: Path, st: os.stat_result) -> RefusedOutput:
    if stat.S_ISDIR(st.st_mode):
        return RefusedOutput(errno.EISDIR, "is a directory", str(path))
    if stat.S_ISBLK(st.st_mode):
        return RefusedOutput(errno.EINVAL, "is a block device; not written (it would overwrite a disk)", str(path))
    if stat.S_ISSOCK(st.st_mode):
        return RefusedOutput(errno.EINVAL, "is a socket, not a file", str(path))
    return RefusedOutput(errno.EINVAL, "is not a file, a FIFO or a character device", str(path))


def refused(path: Path | str) -> RefusedOutput | None:
    """Why ``path`` would be refused as an output (see the module docstring), or None: for a
    command to say so before it does its work."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return None if _streams(st.st_mode) or stat.S_ISREG(st.st_mode) else _refusal(Path(path), st)


def _streams(mode: int) -> bool:
    """Written through rather than replaced."""
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def open_for_output(path: Path | str, mode: str = "wb", *, permissions: int | None = None,
                    **kw) -> Iterator[IO]:
    """A file object (``mode`` "wb", or "w" with open()'s ``encoding``/``newline``/``errors``)
    whose data ends up at ``path`` as the module docstring says: replaced atomically when the
    block completes without error (a regular file or a new path; ``permissions`` default to the
    existing file's, else 0o666 & ~umask), written through (a character device or a FIFO), or
    refused with RefusedOutput before anything is opened."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_for_output: mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    try:
        st = os.stat(path)  # follows links as the kernel does (/dev/stdout -> /proc/self/fd/1 too)
    except FileNotFoundError:
        st = None  # a new file, or a dangling link: create its target
    if st is not None and _streams(st.st_mode):
        with _through(path, mode, **kw) as out:
            yield out
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise _refusal(path, st)
    if permissions is None:
        permissions = stat.S_IMODE(st.st_mode) if st is not None else _default_mode()
    with _replacing(_final_target(path), mode, permissions, **kw) as out:
        yield out


def _final_target(path: Path) -> Path:
    """Where the data goes when ``path`` is replaced: the end of its chain of links, so that
    the links stay links."""
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # realpath stops at a loop
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return target


@contextlib.contextmanager
def _through(path: Path, mode: str, **kw) -> Iterator[IO]:
    """Write into a device or FIFO as it is: no temporary file, no rename, no chmod, no fsync
    (which devices and pipes refuse). Opened without O_CREAT and checked again once open, so
    that a path swapped for something else in between is not written."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        if not _streams(os.fstat(fd).st_mode):
            raise RefusedOutput(errno.EAGAIN, "changed while it was being opened; not written", str(path))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, mode, **kw) as out:
        yield out


@contextlib.contextmanager
def _replacing(target: Path, mode: str, permissions: int, **kw) -> Iterator[IO]:
    """A temporary file beside ``target``, renamed over it only when the block completes."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **kw) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, permissions)
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def write_bytes_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` (see ``open_for_output``); ``mode`` is the permission bits a
    replaced file gets (default: the existing file's, or 0o666 & ~umask)."""
    with open_for_output(path, "wb", permissions=mode) as out:
        out.write(data)


def write_text_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomically(path, text.encode(encoding))
