"""The advisory lock beside an audit store: one writer at a time, and a way for readers to tell
whether a run marked "running" still has a writer.

The lock is ``flock`` on ``STORE.lock`` next to the store's real file (a symbolic link to the
store shares the lock of its target). An audit holds it exclusively for its whole run; the
kernel releases it when the process dies, however it dies. So a run still marked "running"
while nobody holds the lock was stopped without finishing (kill -9, a crash, a power cut).
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .store import StoreError


class LockedByAnother(StoreError):
    """Another audit is writing to this store."""


def lock_path(db: Path) -> Path:
    return Path(f"{os.path.realpath(db)}.lock")


class WriterLock:
    """Held by an audit for the length of its run (a context manager)."""

    def __init__(self, db: Path):
        self.path = lock_path(db)
        self.fd = -1

    def __enter__(self) -> "WriterLock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise LockedByAnother(f"{self.path.with_suffix('')}: another audit is writing to this store") from None
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def writer_active(db: Path) -> bool:
    """Does an audit hold the store's lock right now? Never creates or changes a file (reports
    open stores read-only); a lock file that cannot be opened counts as no writer."""
    try:
        fd = os.open(lock_path(db), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases a shared lock taken here
    return False
