"""The audit's progress bar (rich): input bytes read as the bar and ETA (the only total known
before a JSONL or WARC stream is read), documents done, documents/s and errors beside it.
Quiet when standard error is not a terminal (CI logs, cron), unless asked for. Redrawn as
documents finish, at most 4 times a second, from this thread: rich's own refresh thread
would be running when workers are forked."""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

REDRAW_SECONDS = 0.25


class AuditProgress:
    def __init__(self, total_bytes: int, enabled: bool | None = None):
        console = Console(stderr=True)
        self.enabled = console.is_terminal if enabled is None else enabled
        self.docs = 0
        self.errors = 0
        self._start = time.monotonic()
        self._progress = Progress(
            TextColumn("[bold]audit"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            TextColumn("{task.fields[docs]} docs, {task.fields[rate]} docs/s, {task.fields[errors]} errors"),
            console=console, disable=not self.enabled, auto_refresh=False)
        self._drawn = 0.0
        self._task = self._progress.add_task("audit", total=total_bytes or None, docs=0, rate="0.0", errors=0)

    def __enter__(self) -> "AuditProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._update(force=True)
        self._progress.stop()

    def read(self, n: int) -> None:
        """Bytes of input read."""
        if n:
            self._progress.advance(self._task, n)

    def document(self, error: bool = False) -> None:
        """One document done (analysed, reused, skipped as unchanged, or failed)."""
        self.docs += 1
        self.errors += error
        if self.docs % 16 == 0:
            self._update()

    def _update(self, force: bool = False) -> None:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        self._progress.update(self._task, docs=self.docs, errors=self.errors, rate=f"{self.docs / elapsed:.1f}")
        now = time.monotonic()
        if force or now - self._drawn >= REDRAW_SECONDS:
            self._drawn = now
            self._progress.refresh()
