"""The Dask engine: the per-document function of ``work.py`` run on a dask.distributed cluster,
results written as partitioned Parquet rather than to the SQLite store.

Data flow: SOURCES (paths or fsspec URLs: ``s3://…`` with s3fs installed) are listed, not read,
in the client -> partitions (a JSONL or WARC file each, an uncompressed JSONL file optionally
cut into blocks of ``blocksize`` bytes; one-document files in groups of FILES_PER_PARTITION)
-> one task per partition, which opens its files with fsspec on the worker, analyses each
document with the worker's Analyser (built once per worker process) and writes
``documents/part-NNNNN.parquet`` and ``findings/part-NNNNN.parquet`` itself -> ``_run.json``,
written last, marks the output complete.

Same as the local engine: document ids (``source`` or ``source[record]``, the source as given,
a file found under a directory or by a glob named as the local engine names it, a repeated id
suffixed ``#2``), and rows (the same Analyser). Different, by design:

* Identical content is analysed once per partition (the copies get ``duplicate_of``); across
  partitions, and against earlier runs, there is no dedup: that would need a shared index,
  and the output is a fresh result, not a store to resume.
* Likewise a record id repeated in two blocks of one split file is not renamed ``#2``, and a
  file named twice in SOURCES is read once (locally its records come again, renamed ``#2``).
* ``.gitignore`` files and ``exclude`` settings are not consulted when expanding directories
  (object stores have neither); hidden files and unknown suffixes are left out, as locally.
* ``--timeout`` does not apply: Dask runs tasks in worker threads, where SIGALRM cannot.

A task writes its parts atomically and the same parts whenever it runs, so Dask may retry it
(``retries``, a lost worker) without leaving partial or duplicate rows.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import itertools
import json
import pickle
import platform
import sqlite3
import sys
import threading
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from .._version import __version__
from ..documents import format_of, holds_many, reader
from ..documents.compressed import GZIP_MAGIC
from ..inputs import NOTHING_FOUND
from .sources import GLOB_CHARS, RawDocument, domain_of, stream_documents
from .store import SCHEMA, DocumentRow
from .work import Analyser, LinterSpec

NEEDS_DASK = "--engine dask needs the dask extra: pip install 'claimcheck[dask]'"
FILES_PER_PARTITION = 64
RETRIES = 2  # transient read or write errors of an object store
# Object stores publish an object only once its upload completes (so writing in place is
# already atomic) and have no cheap rename.
OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "adl", "oci"})
COUNTS = ("documents", "analysed", "duplicates", "errors", "findings", "partitions")


class NeedsDask(ImportError):
    """--engine dask without the dask extra installed (the CLI exits 2)."""


@dataclass(frozen=True)
class Entry:
    """One input file: the URL a worker opens, the name documents get, its reader."""

    url: str
    display: str
    fmt: str
    error: str | None = None  # missing, or an empty directory: an error row, nothing opened


@dataclass(frozen=True)
class Partition:
    """What one task reads: files, or the lines of one JSONL file starting in [start, end)."""

    entries: tuple[Entry, ...]
    start: int = 0
    end: int | None = None
    first_line: int = 1  # the number of the line at ``start``


def run_dask(sources: list[str], spec: LinterSpec, output: str, scheduler: Any = None, *,
             blocksize: int | str | None = None, progress: bool = False) -> dict[str, int]:
    """Audit ``sources`` on a Dask cluster into partitioned Parquet under ``output`` (an fsspec
    path); returns the counts (documents, analysed, duplicates, errors, findings, partitions).

    ``scheduler``: an address, a ``distributed.Client`` or a cluster object; None starts a
    LocalCluster of one single-threaded worker process per core, closed at the end.
    ``blocksize``: cut uncompressed JSONL files into partitions of about this many bytes;
    "auto": AUTO_BLOCKS_PER_WORKER blocks per worker over all such files, at least
    MIN_BLOCKSIZE bytes each (see ``auto_blocksize``).
    Parts and ``_run.json`` of an earlier run in ``output`` are removed first, so the output
    never mixes two runs. Raises NeedsDask without the dask extra; a task's failure (after
    its retries) is raised here, and ``_run.json`` is then not written.
    """
    _require_dask()
    from distributed import as_completed
    from fsspec.core import url_to_fs

    started = _now()
    hashes = spec.hashes()
    # Settings hold a dict, so a LinterSpec cannot key the workers' cache itself: a digest
    # taken once here is the same in every task.
    token = hashlib.sha256(pickle.dumps(spec)).hexdigest()
    fs, root = url_to_fs(output)
    target = fs.unstrip_protocol(root)  # absolute: a worker's working directory may differ
    counts: Counter[str] = Counter()
    with _connected(scheduler) as client:
        workers = len(client.nthreads())
        entries = list(dict.fromkeys(expand_sources(sources)))
        if blocksize == "auto":
            blocksize = auto_blocksize(entries, workers)
        partitions = _partitions(client, entries, blocksize)
        _clear(fs, root)
        futures = client.map(_run_partition, range(len(partitions)), partitions, spec=spec, token=token,
                             analysis_key=hashes["analysis_key"], output=target, pure=False,
                             retries=RETRIES)
        try:
            for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
                counts.update(future.result())
                if progress:
                    _say(f"{done}/{len(futures)} partitions, {counts['documents']} documents, "
                         f"{counts['errors']} errors")
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            if progress and sys.stderr.isatty():
                print(file=sys.stderr, flush=True)
    result = {name: counts[name] for name in COUNTS}
    run = {"engine": "dask", "workers": workers, "started": started, "ended": _now(), "status": "complete",
           **hashes, **_versions(), "sources": list(sources), "blocksize": blocksize, **result}
    _put(fs, f"{root}/_run.json", lambda f: f.write(json.dumps(run, indent=2).encode() + b"\n"))
    return result


def _say(line: str) -> None:
    """A progress line: rewritten in place on a terminal, one per partition in a log."""
    tty = sys.stderr.isatty()
    print(f"\r{line}" if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)


def _require_dask() -> None:
    try:
        for module in ("distributed", "fsspec", "pyarrow.parquet"):
            importlib.import_module(module)
    except ImportError as exc:
        raise NeedsDask(NEEDS_DASK) from exc


@contextmanager
def _connected(scheduler: Any) -> Iterator[Any]:
    """A client for ``scheduler``; what is created here is closed here, a Client passed in is not."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None) if scheduler is None else None
    client = Client(cluster or scheduler, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --- what to read: listed in the client, named as the local engine names it ----------------

def expand_sources(sources: list[str]) -> list[Entry]:
    """The files of SOURCES: globs (when no file has that name) and directories expanded with
    fsspec, in the local engine's order; a missing source or an empty directory is an error entry."""
    from fsspec.core import url_to_fs

    entries: list[Entry] = []
    for given in sources:
        fs, path = url_to_fs(given)
        glob_at = min((given.index(c) for c in GLOB_CHARS & set(given)), default=None)
        if glob_at is None or fs.exists(path):
            entries.extend(_entries(fs, path, _shown(fs, given)))
            continue
        matched = sorted(fs.glob(path))
        if not matched:
            entries.append(Entry(given, _shown(fs, given), format_of(given) or "text", "no such file or directory"))
        # Named as glob.glob names them: the pattern's directory as written, then the rest.
        prefix = given[:given.rfind("/", 0, glob_at) + 1]
        base = url_to_fs(prefix or ".")[1].rstrip("/")
        for found in matched:
            entries.extend(_entries(fs, found, _shown(fs, prefix) + found[len(base):].lstrip("/")))
    return entries


def _entries(fs, path: str, shown: str) -> list[Entry]:
    if fs.isdir(path):
        if _is_local(fs):  # as inputs.expand: str(Path(given) / relative)
            join = lambda rel: str(Path(shown) / rel)  # noqa: E731
        else:
            join = lambda rel: f"{shown.rstrip('/')}/{rel}"  # noqa: E731
        found = [Entry(fs.unstrip_protocol(p), join(rel), format_of(rel) or "text") for p, rel in _walk(fs, path)]
        return found or [Entry(fs.unstrip_protocol(path), shown, "text", NOTHING_FOUND)]
    if fs.exists(path):
        return [Entry(fs.unstrip_protocol(path), shown, format_of(shown) or "text")]
    return [Entry(fs.unstrip_protocol(path), shown, format_of(shown) or "text", "no such file or directory")]


def _walk(fs, top: str) -> Iterator[tuple[str, str]]:
    """(path, path relative to top) of the readable files under top, in inputs._walk's order:
    each directory's files sorted, then its subdirectories; hidden names and unknown suffixes
    left out."""
    for root, dirs, files in fs.walk(top, topdown=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = root[len(top):].strip("/")
        for name in sorted(files):
            if not name.startswith(".") and format_of(name) is not None:
                yield f"{root.rstrip('/')}/{name}", f"{here}/{name}" if here else name


def _shown(fs, given: str) -> str:
    """A source as the local engine would name it: as given, a file:// URL as a plain path."""
    if not (_is_local(fs) and "://" in given):
        return given
    from fsspec.core import url_to_fs

    path = url_to_fs(given)[1]
    return path + "/" if given.endswith("/") and not path.endswith("/") else path


def _is_local(fs) -> bool:
    return "file" in _protocols(fs)


def _protocols(fs) -> set[str]:
    return {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)


def _partitions(client, entries: list[Entry], blocksize: int | None) -> list[Partition]:
    """JSONL and WARC files one partition each (uncompressed JSONL cut at line starts every
    ``blocksize`` bytes, where workers found them), other files in groups."""
    split = [e for e in entries if blocksize and not e.error and reader(e.fmt).SPLITTABLE
             and not e.display.lower().endswith(".gz")]
    starts = dict(zip(split, client.gather(client.map(_jsonl_blocks, [e.url for e in split], blocksize=blocksize,
                                                      pure=False, retries=RETRIES)))) if split else {}
    parts: list[Partition] = []
    singles: list[Entry] = []
    for entry in entries:
        if entry.error is None and holds_many(entry.fmt):
            blocks = starts.get(entry) or [(0, 1)]  # one block: the whole file
            ends = [offset for offset, _ in blocks[1:]] + [None]
            parts.extend(Partition((entry,), start, end, line) for (start, line), end in zip(blocks, ends))
        else:
            singles.append(entry)
            if len(singles) == FILES_PER_PARTITION:
                parts.append(Partition(tuple(singles)))
                singles = []
    if singles:
        parts.append(Partition(tuple(singles)))
    return parts


AUTO_BLOCKS_PER_WORKER = 4  # a few blocks per worker: a slow block does not hold up the run
MIN_BLOCKSIZE = 1 << 20  # below this, a task costs more than it spreads


def auto_blocksize(entries: list[Entry], workers: int) -> int | None:
    """A block size giving each worker a few blocks of the uncompressed JSONL files among
    ``entries`` (their sizes as the filesystem reports them), or None when there are none."""
    import fsspec

    total = 0
    for e in entries:
        if e.error or not reader(e.fmt).SPLITTABLE or e.display.lower().endswith(".gz"):
            continue
        try:
            fs, path = fsspec.core.url_to_fs(e.url)
            total += fs.size(path) or 0
        except (OSError, ValueError):
            continue
    if not total:
        return None
    return max(MIN_BLOCKSIZE, total // (AUTO_BLOCKS_PER_WORKER * max(1, workers)) + 1)


def _jsonl_blocks(url: str, blocksize: int) -> list[tuple[int, int]] | None:
    """(byte offset, line number) of the line starting each block of about ``blocksize``
    bytes; None (read whole) for gzip content under a plain name, or a file not readable now
    (its task then reports why). Line numbers are counted here because record ids ("line 7")
    and errors ("dump.jsonl:7") name lines of the whole file."""
    import fsspec

    try:
        with fsspec.open(url, "rb") as f:
            if f.read(2) == GZIP_MAGIC:
                return None
            f.seek(0)
            starts, offset = [(0, 1)], 0
            for following, line in enumerate(f, start=2):
                offset += len(line)
                if offset - starts[-1][0] >= blocksize:
                    starts.append((offset, following))
    except OSError:
        return None
    if len(starts) > 1 and starts[-1][0] == offset:  # a block starting at the end of the file
        starts.pop()
    return starts


# --- on the worker --------------------------------------------------------------------------

_analysers: dict[tuple[str, str], Analyser] = {}
# Building and linting hold this lock: the linter is not known to be thread-safe, and with the
# GIL a worker's threads would gain little anyway (run workers with one thread, --nthreads 1).
_lock = threading.Lock()


def _run_partition(index: int, part: Partition, spec: LinterSpec, token: str, analysis_key: str,
                   output: str) -> dict[str, int]:
    """Analyse one partition and write its two Parquet parts; returns its counts. The rows
    are held until written: a partition must fit in a worker's memory (``blocksize`` cuts
    large uncompressed JSONL; a large gzipped file is one partition)."""
    with _lock:
        key = (token, analysis_key)
        if key not in _analysers:
            _analysers[key] = Analyser(spec, analysis_key)
        analyse = _analysers[key]
    rows: list[DocumentRow] = []
    first: dict[str, DocumentRow] = {}  # content hash -> its analysis (kept for the partition)
    seen: Counter[str] = Counter()
    analysed = 0
    for raw in _raw_documents(part, spec):
        seen[raw.id] += 1
        if seen[raw.id] > 1:  # as the local engine: a repeated id gets "#2", "#3"
            raw = replace(raw, id=f"{raw.id}#{seen[raw.id]}")
        digest = raw.content_hash
        if digest in first:
            rows.append(first[digest].copy_for(raw.id, raw.source, raw.record, raw.url, domain_of(raw.url)))
            continue
        with _lock:
            row = analyse(raw)
        if digest is not None:
            first[digest] = row
            analysed += 1
        rows.append(row)
    _write_parts(output, index, rows)
    return {"documents": len(rows), "analysed": analysed,
            "duplicates": sum(r.duplicate_of is not None for r in rows),
            "errors": sum(r.status == "error" for r in rows),
            "findings": sum(len(r.findings) for r in rows), "partitions": 1}


def _raw_documents(part: Partition, spec: LinterSpec) -> Iterator[RawDocument]:
    import fsspec

    for entry in part.entries:
        if entry.error:
            yield RawDocument(entry.display, entry.display, entry.fmt, error=entry.error)
            continue
        try:
            stream = fsspec.open(entry.url, "rb").open()
        except OSError as exc:
            yield RawDocument(entry.display, entry.display, entry.fmt, error=_reason(exc))
            continue
        with stream:
            if part.start or part.end is not None:
                stream = _LineBlock(stream, part.start, part.end, part.first_line)
            yield from stream_documents(stream, entry.display, entry.fmt, spec.read_options)


def _reason(exc: OSError) -> str:
    """An open error in the words documents.open_input uses for local files."""
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


class _LineBlock:
    """The lines of a JSONL file that start in [start, end), after first_line - 1 blank lines:
    jsonl_records numbers the lines it reads from 1 and passes over blank ones, so its record
    ids and error positions come out as when the whole file is read."""

    def __init__(self, stream: BinaryIO, start: int, end: int | None, first_line: int):
        self.stream, self.start, self.end, self.first_line = stream, start, end, first_line

    def peek(self, n: int = 1) -> bytes:
        return b"\n"  # not gzip: only files found uncompressed are cut into blocks

    def __iter__(self) -> Iterator[bytes]:
        yield from itertools.repeat(b"\n", self.first_line - 1)
        self.stream.seek(self.start)
        offset = self.start
        for line in self.stream:
            if self.end is not None and offset >= self.end:
                return
            offset += len(line)
            yield line


# --- writing ----------------------------------------------------------------------------------

@functools.cache
def part_schemas():
    """The Arrow schemas of the documents and findings parts: the store's declared columns
    and types (as ``claimcheck report --parquet`` exports them), without the store's own
    run_id, checked_at and finding id."""
    import pyarrow as pa

    from .export import arrow_schema

    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    documents = arrow_schema(db, "documents")
    findings = arrow_schema(db, "findings")
    db.close()
    return (pa.schema([f for f in documents if f.name not in ("run_id", "checked_at")]),
            pa.schema([f for f in findings if f.name != "id"]))


def _write_parts(output: str, index: int, rows: list[DocumentRow]) -> None:
    """Findings first: a document part that is visible always has its findings part."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(output)
    documents, findings = part_schemas()
    name = f"part-{index:05d}.parquet"
    tables = {
        "findings": pa.Table.from_pylist(
            [{"document_id": r.id, "seq": seq, **f} for r in rows for seq, f in enumerate(r.findings)],
            schema=findings),
        "documents": pa.Table.from_pylist(
            [{**{k: getattr(r, k) for k in documents.names if k != "findings"}, "findings": len(r.findings)}
             for r in rows], schema=documents),
    }
    for table, data in tables.items():
        _put(fs, f"{root}/{table}/{name}", lambda f, data=data: pq.write_table(data, f))


def _put(fs, path: str, write) -> None:
    """Write a file readers never see half-written: under a hidden temporary name, renamed
    when complete; on an object store, in place (an upload appears only when complete)."""
    if _protocols(fs) & OBJECT_STORES:
        with fs.open(path, "wb") as f:
            write(f)
        return
    directory, name = path.rsplit("/", 1)
    temporary = f"{directory}/.{name}.{uuid.uuid4().hex}.tmp"
    try:
        with fs.open(temporary, "wb") as f:
            write(f)
        fs.mv(temporary, path)
    finally:
        if fs.exists(temporary):
            fs.rm(temporary)


def _clear(fs, root: str) -> None:
    """Remove an earlier run's marker first, then its parts: a stale ``_run.json`` never
    describes this run's parts, and a larger earlier run leaves no extra parts behind."""
    if fs.exists(f"{root}/_run.json"):
        fs.rm(f"{root}/_run.json")
    for table in ("documents", "findings"):
        fs.makedirs(f"{root}/{table}", exist_ok=True)
        stale = fs.glob(f"{root}/{table}/part-*.parquet")
        if stale:
            fs.rm(stale)


def _versions() -> dict[str, str]:
    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    return {"claimcheck_version": __version__, "python_version": platform.python_version(),
            **{f"{p}_version": of(p) for p in ("spacy", "dask", "distributed", "pyarrow", "fsspec")}}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
