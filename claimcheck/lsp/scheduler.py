"""When buffers are checked, and which results are published.

Each buffer has at most one lint on the way: scheduling another (an edit, a save, a changed
configuration) cancels it, whether it is still waiting out its delay or queued for the lint
thread; one already running finishes, but its result is dropped. A result is published only
by the lint scheduled last for its buffer, and only while the buffer is still at the version
that lint read: a stale result never replaces a newer one. Lints run one at a time on one
thread (the engine is not shared between threads), so the server goes on reading messages
while a long document is checked.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from typing import Callable

from .checking import Outcome, Snapshot

logger = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, run: Callable[[Snapshot], Outcome], publish: Callable[[Outcome], None],
                 is_current: Callable[[Snapshot], bool], executor: Executor):
        self._run = run
        self._publish = publish
        self._is_current = is_current
        self._executor = executor
        self._pending: dict[str, asyncio.Task] = {}

    def schedule(self, snapshot: Snapshot, delay: float = 0.0) -> asyncio.Task:
        """Check this version of a buffer after ``delay`` seconds (the debounce of edits)."""
        self.cancel(snapshot.uri)
        task = asyncio.get_running_loop().create_task(self._check(snapshot, delay))
        self._pending[snapshot.uri] = task
        return task

    def cancel(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def pending(self, uri: str) -> bool:
        return uri in self._pending

    async def _check(self, snapshot: Snapshot, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(self._executor, self._run, snapshot)
        finally:
            latest = self._pending.get(snapshot.uri) is asyncio.current_task()
            if latest:
                del self._pending[snapshot.uri]
        if not latest or not self._is_current(snapshot):
            return  # scheduled again while this one ran (the newer one publishes), or edited since
        try:
            self._publish(outcome)
        except Exception:  # a failure to publish must not stop later lints
            logger.exception("publishing the result for %s failed", snapshot.uri)
