"""The per-document function every audit engine runs: RawDocument -> DocumentRow.

The same function runs in the local process pool and on Dask workers. It never raises for a
bad document: an undecodable page, a parser crash or a timeout becomes a row with status
"error" and the reason, and the audit goes on.

Audits do not honour suppression comments found in pages: content under audit is not
trusted to silence its own claims, so suppressed findings are recorded like any other.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..config import Settings
from ..documents import Decoding, DocumentError, ReadOptions, parse_raw
from ..engine import Linter
from ..findings import Finding, grade, score
from ..rulebook import default_rules_dir, pack_files
from .sources import RawDocument, domain_of
from .store import DocumentRow, finding_row
from .titles import title_of

# Documents sent to a worker at a time: each chunk costs the parent a round trip, and the
# parent shares the cores with the workers (32 rather than 8: a third less of its time).
CHUNK_SIZE = 32

# Settings that change what a document's findings are; the rest (fail-on, exclude) do not.
ANALYSIS_SETTINGS = ("packs", "rules", "select", "ignore", "severity", "html_mode", "encoding",
                     "encoding_errors", "text_field", "id_field")


@dataclass(frozen=True)
class LinterSpec:
    """Everything a worker needs to build the same linter as the parent: picklable."""

    settings: Settings
    default_rules: bool = True
    prefilter: bool = True
    timeout: float | None = None  # seconds per document

    @property
    def read_options(self) -> ReadOptions:
        s = self.settings
        return ReadOptions(Decoding(s.encoding, s.encoding_errors), s.html_mode, s.text_field, s.id_field)

    def build(self) -> Linter:
        from ..api import build_linter
        from ..session import configured_linter

        base = build_linter(self.settings.rules, self.default_rules)
        return configured_linter(base, self.settings).configured(prefilter=self.prefilter)

    def hashes(self) -> dict[str, str]:
        """rulebook_hash (the pack files' bytes), config_hash (the settings that change
        findings) and analysis_key (both, and claimcheck's version): a document is done
        when it was checked with the same content and analysis key."""
        paths = ([default_rules_dir()] if self.default_rules else []) + [Path(p) for p in self.settings.rules]
        rulebook = hashlib.sha256()
        for f in pack_files(paths):
            rulebook.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        values = {k: _jsonable(getattr(self.settings, k)) for k in ANALYSIS_SETTINGS}
        config = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        key = hashlib.sha256(f"{rulebook.hexdigest()} {config} {__version__}".encode()).hexdigest()
        return {"rulebook_hash": rulebook.hexdigest(), "config_hash": config, "analysis_key": key}


@dataclass
class Analyser:
    """A built linter and the options to read documents with: one per worker process."""

    spec: LinterSpec
    analysis_key: str
    linter: Linter = field(init=False)
    warmed: bool = field(init=False, default=False)  # see warm()

    def __post_init__(self) -> None:
        self.linter = self.spec.build()

    def warm(self) -> None:
        """Build now what the pipeline builds on first use (the prefilter, lookup tables), so
        that workers forked afterwards share it instead of each building it again."""
        from ..documents import text_document

        self.linter.read_all()
        self.linter.check(text_document("Warm-up: buy isotretinoin online. It cures acne.\n", "warm-up"))
        self.linter.nlp("Warm-up: a sentence.")
        self.warmed = True

    def __call__(self, raw: RawDocument) -> DocumentRow:
        row = DocumentRow(raw.id, raw.source, raw.record, raw.url, domain_of(raw.url), raw.content_hash,
                          self.analysis_key)
        if raw.skipped:
            row.status, row.error = "skipped", raw.skipped
            return row
        if raw.error:
            row.status, row.error = "error", raw.error
            return row
        try:
            with time_limit(self.spec.timeout):
                document = to_document(raw, self.spec.read_options)
                checked = self.linter.check(document)
        except DocumentError as exc:
            row.status, row.error = "error", exc.reason
            return row
        except TimeLimit:
            row.status, row.error = "error", f"timed out after {self.spec.timeout:g} s"
            return row
        except Exception as exc:  # a parser's crash on a hostile page must not stop the audit
            row.status, row.error = "error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            return row
        row.language = checked.language
        row.words = len(document.text.split())
        row.title = title_of(raw.title, document.title, document.text)
        if checked.not_checked:  # another language than the rulebook's: no findings, no grade
            row.status, row.error = "skipped", checked.not_checked
            return row
        findings: list[Finding] = sorted(checked.findings + checked.suppressed, key=Finding.sort_key)
        value = score(findings)
        row.score, row.grade = value, grade(value)
        row.worst = str(max(f.severity for f in findings)) if findings else None
        row.findings = [finding_row(f) for f in findings]
        return row


def to_document(raw: RawDocument, options: ReadOptions):
    """Parse a RawDocument as its reader would; raises DocumentError."""
    return parse_raw(raw, options)


class TimeLimit(Exception):
    """A document took longer than --timeout."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise TimeLimit in the block after ``seconds`` (SIGALRM: only in a process's main
    thread; elsewhere, as on Dask's worker threads, no limit applies)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _jsonable(value):
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, (tuple, list)):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in sorted(value.items())}
    return value


# --- process-pool plumbing: one Analyser per worker process, built once ----------------------

_worker: Analyser | None = None


def init_worker(spec: LinterSpec, analysis_key: str) -> None:
    """Pool initializer: ignore Ctrl-C (the parent stops the run) and build the pipeline."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = Analyser(spec, analysis_key)


def adopt(analyser: Analyser) -> None:
    """Make ``analyser`` the one workers forked from this process use (init_forked_worker);
    warm it first if it is not (Analyser.warm)."""
    global _worker
    if not analyser.warmed:
        analyser.warm()
    _worker = analyser


def init_forked_worker(parent: int, lock_fd: int = -1) -> None:
    """Pool initializer of a worker forked from the parent, Analyser inherited (adopt): ignore
    Ctrl-C, close the copy of the store's lock (only the parent holds it), and be killed when
    the parent dies (Linux), rather than wait on its queue forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lock_fd >= 0:
        os.close(lock_fd)
    _die_with(parent)


def _die_with(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks remain
        pass
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def analyse_chunk(chunk: list[RawDocument]) -> list[DocumentRow]:
    assert _worker is not None, "init_worker was not called in this process"
    return [_worker(raw) for raw in chunk]
