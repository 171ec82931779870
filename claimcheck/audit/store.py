"""The audit's results store: one SQLite file (WAL mode) with runs, documents and findings.

One transaction per batch of documents: a document's row and its findings are committed
together, so a run killed at any moment leaves every committed document whole and nothing
half-written. WAL lets ``claimcheck report`` read while an audit writes.

Tables (see ``SCHEMA``):

* ``runs``: one row per ``claimcheck audit`` invocation: the rulebook and configuration
  hashes, versions, start and end, status (running / complete / interrupted) and counts,
  updated with every batch.
* ``documents``: one row per document id (``source`` or ``source[record]``): where it came
  from, its URL, host (``domain``) and site (registered domain, sites.py), the hash of its content, the analysis key (rulebook and
  configuration) it was checked with, words, score, grade, status (ok / error / skipped),
  the error, and ``duplicate_of`` when its content was analysed under another id.
* ``findings``: every field of every finding of a document, in document order (``seq``).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .sites import site_of

SCHEMA_VERSION = 3  # 2: documents.language; 3: documents.site and title

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,            -- ISO 8601, UTC
    ended TEXT,
    status TEXT NOT NULL,             -- running | complete | interrupted
    analysis_key TEXT NOT NULL,       -- hash of rulebook_hash + config_hash + version
    rulebook_hash TEXT NOT NULL,      -- sha256 of the rule pack files
    config_hash TEXT NOT NULL,        -- sha256 of the settings that change findings
    claimcheck_version TEXT NOT NULL,
    spacy_version TEXT NOT NULL,
    python_version TEXT NOT NULL,
    engine TEXT NOT NULL,             -- local | dask
    jobs INTEGER NOT NULL,
    sources TEXT NOT NULL,            -- JSON list of the SOURCES given
    documents INTEGER NOT NULL DEFAULT 0,   -- documents recorded by this run
    analysed INTEGER NOT NULL DEFAULT 0,    -- of which run through the linter
    duplicates INTEGER NOT NULL DEFAULT 0,  -- of which recorded from identical content
    unchanged INTEGER NOT NULL DEFAULT 0,   -- documents skipped: already done, same content and key
    errors INTEGER NOT NULL DEFAULT 0,
    findings INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,              -- "source" or "source[record]", as lint reports name it
    source TEXT NOT NULL,             -- the file (or URL) it was read from
    record TEXT,                      -- record id (JSONL) or target URI (WARC)
    url TEXT,
    domain TEXT,                      -- the URL's host, without "www."
    site TEXT,                        -- its registered domain, of the archived page for an archive's copy (sites.py)
    title TEXT,                       -- what a reader calls the page (titles.py), NULL when nothing is title-like
    language TEXT,                    -- ISO 639-1 code detected, NULL when too short to tell
    content_hash TEXT,                -- sha256 of the raw content (NULL when unreadable)
    analysis_key TEXT NOT NULL,
    words INTEGER,
    score INTEGER,
    grade TEXT,
    worst TEXT,                       -- most serious severity found, NULL when none
    findings INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,             -- ok | error | skipped
    error TEXT,
    duplicate_of TEXT,                -- id of the document whose analysis this one shares
    run_id INTEGER NOT NULL REFERENCES runs(id),
    checked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash, analysis_key);
CREATE INDEX IF NOT EXISTS documents_domain ON documents(domain);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,             -- order within the document
    rule TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,           -- critical | major | minor | info
    severity_rank INTEGER NOT NULL,   -- 4 | 3 | 2 | 1, for sorting
    message TEXT NOT NULL,
    line INTEGER,
    column INTEGER,
    end_line INTEGER,
    end_column INTEGER,
    start INTEGER,
    "end" INTEGER,
    unlocated TEXT,
    text TEXT NOT NULL,
    sentence TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,  -- where text sits inside sentence
    sentence_end INTEGER NOT NULL,
    replacement TEXT,
    advice TEXT,
    insert_text TEXT,
    refs TEXT NOT NULL,               -- JSON list of references
    context TEXT NOT NULL,            -- JSON list of context effects
    scope TEXT NOT NULL,
    pack TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_document ON findings(document_id);
-- covers the report's group-bys (top rules, category x severity) without reading the rows
CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule, category, severity, document_id);
"""

FINDING_COLUMNS = (
    "rule", "category", "severity", "severity_rank", "message", "line", "column", "end_line",
    "end_column", "start", "end", "unlocated", "text", "sentence", "sentence_start",
    "sentence_end", "replacement", "advice", "insert_text", "refs", "context", "scope", "pack",
)
DOCUMENT_COLUMNS = (
    "id", "source", "record", "url", "domain", "site", "title", "language", "content_hash", "analysis_key", "words", "score",
    "grade", "worst", "findings", "status", "error", "duplicate_of", "run_id", "checked_at",
)


class StoreError(Exception):
    """The file is not a claimcheck audit store (or is from a newer claimcheck): exit 2."""


@dataclass
class DocumentRow:
    """One document's outcome, as the per-document function returns it; ``findings`` holds
    one dict per finding with the keys of FINDING_COLUMNS (see ``finding_row``)."""

    id: str
    source: str
    record: str | None = None
    url: str | None = None
    domain: str | None = None
    content_hash: str | None = None
    analysis_key: str = ""
    words: int | None = None
    score: int | None = None
    grade: str | None = None
    worst: str | None = None
    status: str = "ok"
    error: str | None = None
    duplicate_of: str | None = None
    findings: list[dict] = field(default_factory=list)
    language: str | None = None  # detected (see nlp/language.py); None when too short to tell
    title: str | None = None  # audit/titles.py

    @property
    def site(self) -> str | None:
        """The registered domain of the page's URL (sites.py)."""
        return site_of(self.url)

    def copy_for(self, other_id: str, source: str, record: str | None, url: str | None,
                 domain: str | None) -> "DocumentRow":
        """The same analysis recorded under another document id (identical content)."""
        return DocumentRow(other_id, source, record, url, domain, self.content_hash, self.analysis_key,
                           self.words, self.score, self.grade, self.worst, self.status, self.error,
                           self.id, [dict(f) for f in self.findings], self.language, self.title)


def finding_row(finding) -> dict:
    """A claimcheck Finding as a findings-table row (without document_id and seq)."""
    p = finding.position
    s = finding.suggestion
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": str(finding.severity),
        "severity_rank": int(finding.severity),
        "message": finding.message,
        "line": p.line,
        "column": p.column,
        "end_line": p.end_line,
        "end_column": p.end_column,
        "start": p.start,
        "end": p.end,
        "unlocated": p.unlocated,
        "text": finding.text,
        "sentence": finding.sentence,
        "sentence_start": finding.sentence_span[0],
        "sentence_end": finding.sentence_span[1],
        "replacement": s.replacement if s else None,
        "advice": s.advice if s else None,
        "insert_text": s.insert if s else None,
        "refs": json.dumps(list(finding.references)),
        "context": json.dumps([c.to_dict() for c in finding.context]),
        "scope": finding.scope,
        "pack": finding.pack,
    }


class Store:
    """An open audit store. Use as a context manager; ``write`` commits one batch."""

    def __init__(self, path: Path | str, create: bool = True, readonly: bool = False):
        """Open (and with ``create``, make) a store; ``readonly`` never writes to the file,
        so reports work on read-only media and never turn a stray file into a database."""
        self.path = Path(path)
        # SQLite cannot live in a FIFO or a device, and would put PATH-journal / PATH-wal
        # beside /dev/null: refuse before it touches anything (a link to a store is fine).
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"{self.path}: not a regular file; the audit store must be a file")
        if (readonly or not create) and not self.path.exists():
            raise StoreError(f"{self.path}: no such audit database")
        try:
            if readonly:
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            else:
                self.db = sqlite3.connect(str(self.path), timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
            if create and not readonly:
                self.db.executescript(SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                self.db.commit()
                _migrate(self.db)
                # after the migration: a store of schema 2 gets its site column there
                self.db.execute("CREATE INDEX IF NOT EXISTS documents_site ON documents(site)")
                self.db.commit()
            version = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an audit database ({exc})") from None
        if version is None or int(version[0]) > SCHEMA_VERSION:
            found = "no schema version" if version is None else f"schema version {version[0]}"
            raise StoreError(f"{self.path}: not an audit database this claimcheck can read ({found})")
        if readonly and int(version[0]) < SCHEMA_VERSION:
            _read_as_current(self.db)
        self.db.row_factory = sqlite3.Row

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- runs ----------------------------------------------------------------------------

    def begin_run(self, **fields) -> int:
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        cur = self.db.execute(f"INSERT INTO runs ({names}, status) VALUES ({marks}, 'running')",
                              tuple(fields.values()))
        self.db.commit()
        return int(cur.lastrowid)

    def end_run(self, run_id: int, status: str, ended: str, counts: dict[str, int]) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET status = ?, ended = ? WHERE id = ?", (status, ended, run_id))
            self._set_counts(run_id, counts)

    def _set_counts(self, run_id: int, counts: dict[str, int]) -> None:
        sets = ", ".join(f"{k} = ?" for k in counts)
        self.db.execute(f"UPDATE runs SET {sets} WHERE id = ?", (*counts.values(), run_id))

    # --- documents ------------------------------------------------------------------------

    def done(self, analysis_key: str) -> dict[str, str | None]:
        """Document id -> content hash, for documents recorded with this analysis key."""
        rows = self.db.execute("SELECT id, content_hash FROM documents WHERE analysis_key = ?",
                               (analysis_key,))
        return {r[0]: r[1] for r in rows}

    def analysed(self, content_hash: str, analysis_key: str) -> DocumentRow | None:
        """A document already analysed with this content and key (for dedup across runs)."""
        row = self.db.execute(
            "SELECT * FROM documents WHERE content_hash = ? AND analysis_key = ? AND status = 'ok' "
            "AND duplicate_of IS NULL LIMIT 1", (content_hash, analysis_key)).fetchone()
        if row is None:
            return None
        doc = DocumentRow(**{k: row[k] for k in DOCUMENT_COLUMNS if k not in ("findings", "run_id", "checked_at", "site")})
        doc.findings = [dict(f) for f in self.db.execute(
            f"SELECT {', '.join(_quoted(FINDING_COLUMNS))} FROM findings WHERE document_id = ? ORDER BY seq",
            (doc.id,))]
        return doc

    def write(self, rows: Iterable[DocumentRow], run_id: int, checked_at: str,
              counts: dict[str, int] | None = None) -> int:
        """Record a batch of documents (replacing earlier rows of the same ids) in one
        transaction, with the run's counts so far (a run killed at any moment then counts
        exactly what the store holds); returns the number of findings written."""
        written = 0
        with self.db:
            if counts:
                self._set_counts(run_id, counts)
            for row in rows:
                self.db.execute("DELETE FROM documents WHERE id = ?", (row.id,))
                values = {**{k: getattr(row, k) for k in DOCUMENT_COLUMNS
                             if k not in ("findings", "run_id", "checked_at")},
                          "findings": len(row.findings), "run_id": run_id, "checked_at": checked_at}
                self.db.execute(
                    f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' for _ in DOCUMENT_COLUMNS)})",
                    tuple(values[k] for k in DOCUMENT_COLUMNS))
                self.db.executemany(
                    f"INSERT INTO findings (document_id, seq, {', '.join(_quoted(FINDING_COLUMNS))}) "
                    f"VALUES (?, ?, {', '.join('?' for _ in FINDING_COLUMNS)})",
                    [(row.id, seq, *(f[k] for k in FINDING_COLUMNS)) for seq, f in enumerate(row.findings)])
                written += len(row.findings)
        return written

    # --- reading ---------------------------------------------------------------------------

    def documents(self) -> Iterator[sqlite3.Row]:
        yield from self.db.execute("SELECT * FROM documents ORDER BY id")

    def findings(self) -> Iterator[sqlite3.Row]:
        yield from self.db.execute("SELECT * FROM findings ORDER BY document_id, seq")

    def runs(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM runs ORDER BY id"))


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a store written by an older claimcheck up to SCHEMA_VERSION, in place: 1 -> 2 adds
    documents.language (NULL for documents checked before: not detected then); 2 -> 3 adds
    documents.site, computed from each document's URL, and documents.title (NULL: not kept then)."""
    version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    if version >= SCHEMA_VERSION:
        return
    columns = {r[1] for r in db.execute("PRAGMA table_info(documents)")}
    db.create_function("site_of", 1, site_of, deterministic=True)
    with db:
        if "language" not in columns:
            db.execute("ALTER TABLE documents ADD COLUMN language TEXT")
        if "site" not in columns:
            db.execute("ALTER TABLE documents ADD COLUMN site TEXT")
            db.execute("UPDATE documents SET site = site_of(url)")
        if "title" not in columns:
            db.execute("ALTER TABLE documents ADD COLUMN title TEXT")
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _read_as_current(db: sqlite3.Connection) -> None:
    """A store of an older schema opened read-only (a report never writes) reads as the
    current one: a temporary view over its documents adds the columns it lacks, computed
    (the site from the URL) or NULL (the language and title, not kept then). The file is untouched."""
    columns = [r[1] for r in db.execute("PRAGMA main.table_info(documents)")]
    db.create_function("site_of", 1, site_of, deterministic=True)
    extra = []
    if "language" not in columns:
        extra.append("NULL AS language")
    if "site" not in columns:
        extra.append("site_of(url) AS site")
    if "title" not in columns:
        extra.append("NULL AS title")
    if extra:
        db.execute(f"CREATE TEMP VIEW documents AS SELECT *, {', '.join(extra)} FROM main.documents")


def _quoted(names: Iterable[str]) -> list[str]:
    return [f'"{n}"' for n in names]
