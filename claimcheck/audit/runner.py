"""The local audit engine: read SOURCES in this process, analyse in a pool of worker
processes, write to the SQLite store in batches.

Data flow: inputs -> RawDocuments (read and hashed here) -> skip those already done with the
same content and analysis key -> dedup identical content -> chunks to workers (each built its
pipeline once) -> DocumentRows -> one transaction per batch.

* Back-pressure: at most 2 chunks per worker are in flight, so reading a 50 GB dump keeps
  memory flat.
* Ctrl-C: workers ignore SIGINT; the parent cancels what is queued, writes what is done,
  marks the run "interrupted" and exits 130. A rerun finishes the rest.
* kill -9: every committed batch is whole (document rows, their findings and the run's
  counts in one transaction), so the run row always counts what the store holds. The run
  stays "running"; reports show it as interrupted once no audit holds the store's lock
  (lock.py), and the next audit marks it "interrupted". The lock also keeps two audits
  from writing one store at once.
* A stalling input (a pipe or FIFO whose writer pauses): after IDLE_SECONDS without data,
  what was read is analysed and what is done is committed, so results never wait on the
  next byte of input (sources.py calls ``_idle``).
* Workers, where the platform can fork (Linux), are forked from this process after it has
  built the pipeline: they start at once and share its memory, instead of each spending
  seconds building its own. They close their copy of the lock and die with this process
  (a parent killed alone leaves no orphan holding the lock). Elsewhere they start from a
  forkserver and build the pipeline themselves.
"""
from __future__ import annotations

import gc
import json
import os
import platform
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator

from .._version import __version__
from ..inputs import Input
from .lock import WriterLock
from .progress import AuditProgress
from .sources import RawDocument, domain_of, raw_documents
from .store import DocumentRow, Store
from .work import CHUNK_SIZE, Analyser, LinterSpec, adopt, analyse_chunk, init_forked_worker, init_worker

FORK = sys.platform.startswith("linux")  # macOS: fork is unsafe with its system libraries
FLUSH_DOCUMENTS = 200  # documents per transaction
FLUSH_SECONDS = 2.0  # ... or this long since the last one


@dataclass
class Counts:
    documents: int = 0  # recorded by this run
    analysed: int = 0
    duplicates: int = 0
    unchanged: int = 0
    errors: int = 0
    findings: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class AuditResult:
    run_id: int
    status: str  # complete | interrupted
    counts: Counts
    seconds: float


@dataclass
class _Batch:
    """Rows waiting for the next transaction, and the analyses of content seen this run."""

    rows: list[DocumentRow] = field(default_factory=list)
    by_hash: dict[str, DocumentRow] = field(default_factory=dict)  # until written
    last: float = field(default_factory=time.monotonic)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_local(inputs: list[Input], db: Path, spec: LinterSpec, jobs: int, sources: list[str],
              chunk_size: int = CHUNK_SIZE, progress: bool | None = None) -> AuditResult:
    """Audit ``inputs`` into the store at ``db`` with ``jobs`` worker processes (1: in this
    process). Raises StoreError for a store that cannot be used."""
    hashes = spec.hashes()
    key = hashes["analysis_key"]
    # the pipeline this process analyses with, or its forked workers inherit: built (and
    # warmed) before the run is timed, as the rulebook was compiled before
    analyser = Analyser(spec, key) if jobs == 1 or FORK else None
    if analyser is not None:
        analyser.warm()
    started = time.monotonic()
    with Store(db) as store, WriterLock(db) as lock:
        # runs left "running" by an audit that died: nobody else holds the lock now
        store.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        store.db.commit()
        run_id = store.begin_run(
            started=now(), **hashes, claimcheck_version=__version__, spacy_version=_spacy_version(),
            python_version=platform.python_version(), engine="local", jobs=jobs, sources=json.dumps(sources))
        audit = _Audit(store, run_id, key, spec, jobs, chunk_size, lock.fd, analyser)
        status = "complete"
        total = sum(_size(i) for i in inputs)
        with AuditProgress(total, enabled=progress) as bar:
            audit.progress = bar
            try:
                audit.run(inputs)
            except KeyboardInterrupt:
                status = "interrupted"
                audit.stop()
            finally:
                audit.flush(force=True)
        store.end_run(run_id, status, now(), audit.counts.as_dict())
    return AuditResult(run_id, status, audit.counts, time.monotonic() - started)


class _Audit:
    def __init__(self, store: Store, run_id: int, key: str, spec: LinterSpec, jobs: int, chunk_size: int,
                 lock_fd: int = -1, analyser: Analyser | None = None):
        self.store, self.run_id, self.key, self.spec = store, run_id, key, spec
        self.jobs, self.chunk_size, self.lock_fd = jobs, chunk_size, lock_fd
        self.counts = Counts()
        self.batch = _Batch()
        self.done = store.done(key)  # id -> content hash, checked with this key before
        self.waiting: dict[str, list[RawDocument]] = {}  # content hash in flight -> its duplicates
        self.ids: dict[str, int] = {}  # ids seen this run (a repeated record id gets "#2")
        self.progress: AuditProgress | None = None
        self.pool: ProcessPoolExecutor | None = None
        self.in_flight: dict[Future, list[RawDocument]] = {}
        self.analyser = analyser  # built here: --jobs 1 uses it, forked workers inherit it
        self.chunk: list[RawDocument] = []  # fresh documents waiting to be sent

    # --- the run ---------------------------------------------------------------------------

    def run(self, inputs: list[Input]) -> None:
        if self.jobs > 1:
            self.pool = self._new_pool()
        elif self.analyser is None:
            self.analyser = Analyser(self.spec, self.key)
        for raw in self._documents(inputs):
            if self._fresh(raw):
                self.chunk.append(raw)
                if len(self.chunk) >= self.chunk_size:
                    self._send()
        self._send()
        while self.in_flight:
            self._collect(block=True)
        if self.pool is not None:
            self.pool.shutdown()

    def _new_pool(self) -> ProcessPoolExecutor:
        if FORK:
            if self.analyser is None:
                self.analyser = Analyser(self.spec, self.key)
            adopt(self.analyser)  # built here once; the workers inherit it
            gc.freeze()  # the collector leaves the inherited objects alone: pages stay shared
            return ProcessPoolExecutor(self.jobs, mp_context=get_context("fork"),
                                       initializer=init_forked_worker, initargs=(os.getpid(), self.lock_fd))
        return ProcessPoolExecutor(self.jobs, mp_context=get_context("forkserver"),
                                   initializer=init_worker, initargs=(self.spec, self.key))

    def stop(self) -> None:
        """Ctrl-C: keep what finished, drop what is queued (the caller's flush writes)."""
        if self.pool is None:
            return
        for future, chunk in list(self.in_flight.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                self._rows(future.result())
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _send(self) -> None:
        if self.chunk:
            chunk, self.chunk = self.chunk, []
            self._submit(chunk)

    def _idle(self) -> None:
        """The input has stalled (a pipe whose writer pauses): analyse what was read, take in
        what finished, commit it."""
        self._send()
        if self.in_flight:
            self._collect(block=False)
        self.flush(force=True)

    def _documents(self, inputs: list[Input]) -> Iterator[RawDocument]:
        advance = self.progress.read if self.progress else (lambda n: None)
        for item in inputs:
            for raw in raw_documents(item, self.spec.read_options, advance, self._idle):
                n = self.ids.get(raw.id, 0) + 1
                self.ids[raw.id] = n
                yield raw if n == 1 else _renamed(raw, f"{raw.id}#{n}")

    def _fresh(self, raw: RawDocument) -> bool:
        """Is this document to be analysed? Not when it was done before with the same content
        and key, nor when it is unreadable (recorded at once), nor when it duplicates content
        already analysed or on its way (recorded when that analysis is)."""
        digest = raw.content_hash
        if raw.id in self.done and self.done[raw.id] == digest:  # None: unreadable before too
            self.counts.unchanged += 1
            self._tick()
            return False
        if digest is None:
            self._record(_unreadable(raw, self.key))
            return False
        if digest in self.waiting:
            self.waiting[digest].append(raw)
            return False
        known = self.batch.by_hash.get(digest) or self.store.analysed(digest, self.key)
        if known is not None:
            self._record(known.copy_for(raw.id, raw.source, raw.record, raw.url, domain_of(raw.url)))
            return False
        self.waiting[digest] = []
        return True

    def _submit(self, chunk: list[RawDocument]) -> None:
        if self.pool is None:
            self._rows([self.analyser(raw) for raw in chunk])
            return
        while len(self.in_flight) >= 2 * self.jobs:
            self._collect(block=True)
        try:
            self.in_flight[self.pool.submit(analyse_chunk, chunk)] = chunk
        except BrokenProcessPool:  # broke since the last collect
            self._pool_broke(list(chunk))
            return
        self._collect(block=False)

    def _collect(self, block: bool) -> None:
        finished, _ = wait(list(self.in_flight), timeout=None if block else 0, return_when=FIRST_COMPLETED)
        suspects: list[RawDocument] = []
        broken = False
        for future in finished:
            chunk = self.in_flight.pop(future)
            try:
                rows = future.result()
            except BrokenProcessPool:
                suspects.extend(chunk)
                broken = True
                continue
            self._rows(rows)
        if broken:
            self._pool_broke(suspects)

    def _pool_broke(self, suspects: list[RawDocument]) -> None:
        """A worker process died (a crash in a parser, the OOM killer), and with it the pool:
        every chunk in flight failed. Start a new pool and run the documents of those chunks
        one at a time, so that only a document that kills a worker on its own is recorded
        as an error."""
        for future, chunk in list(self.in_flight.items()):
            del self.in_flight[future]
            try:
                self._rows(future.result())
            except BrokenProcessPool:
                suspects.extend(chunk)
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        for raw in suspects:
            try:
                self._rows(self.pool.submit(analyse_chunk, [raw]).result())
            except BrokenProcessPool as died:
                row = _unreadable(raw, self.key)
                row.content_hash, row.status = raw.content_hash, "error"
                row.error = f"the worker analysing it died ({type(died).__name__})"
                self._rows([row])
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()

    def _rows(self, rows: list[DocumentRow]) -> None:
        for row in rows:
            self.counts.analysed += 1
            self._record(row)
            for dup in self.waiting.pop(row.content_hash, []):
                self._record(row.copy_for(dup.id, dup.source, dup.record, dup.url, domain_of(dup.url)))

    # --- recording -------------------------------------------------------------------------

    def _record(self, row: DocumentRow) -> None:
        self.batch.rows.append(row)
        if row.duplicate_of is not None:
            self.counts.duplicates += 1
        elif row.content_hash is not None and row.status == "ok":
            self.batch.by_hash[row.content_hash] = row
        self.counts.documents += 1
        self.counts.errors += row.status == "error"
        self.counts.findings += len(row.findings)
        self._tick(error=row.status == "error")
        self.flush()

    def flush(self, force: bool = False) -> None:
        batch = self.batch
        if not batch.rows:
            return
        if force or len(batch.rows) >= FLUSH_DOCUMENTS or time.monotonic() - batch.last >= FLUSH_SECONDS:
            self.store.write(batch.rows, self.run_id, now(), self.counts.as_dict())
            self.batch = _Batch()

    def _tick(self, error: bool = False) -> None:
        if self.progress is not None:
            self.progress.document(error)


def _renamed(raw: RawDocument, new_id: str) -> RawDocument:
    return replace(raw, id=new_id)


def _unreadable(raw: RawDocument, key: str) -> DocumentRow:
    status = "skipped" if raw.skipped else "error"
    return DocumentRow(raw.id, raw.source, raw.record, raw.url, domain_of(raw.url), None, key,
                       status=status, error=raw.skipped or raw.error)


def _size(item: Input) -> int:
    try:
        return item.path.stat().st_size if item.path is not None and not item.error else 0
    except OSError:
        return 0


def _spacy_version() -> str:
    import spacy

    return spacy.__version__


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
