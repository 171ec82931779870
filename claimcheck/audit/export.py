"""The store's three tables as CSV or Parquet files, for spreadsheets, pandas, DuckDB, Spark.

Rows are streamed from SQLite (``fetchmany``) straight into the file, so memory stays flat
however many millions of findings the store holds. Each file is written to a temporary file in
the target directory and renamed over the target when complete, so a reader never sees half a
file (``claimcheck.atomic.open_for_output``, as for every output: a FIFO or character device
is written through, a symbolic link keeps pointing at its replaced target, an existing file
keeps its mode). All three tables are read in one snapshot, so documents and findings agree
even while an audit is writing.

Values are exported as stored: CSV cells that start with ``=`` or ``+`` are not defused
against spreadsheet formulas (the files are data, not a report).
"""
from __future__ import annotations

import contextlib
import csv
import sqlite3
from pathlib import Path
from typing import Iterator

from ..atomic import open_for_output

TABLES = ("documents", "findings", "runs")
BATCH = 50_000
# Stable order without sorting millions of rows: documents by their primary key, findings
# and runs by rowid (insertion order, which is document order within a document).
ORDER = {"documents": "id", "findings": "id", "runs": "id"}


class NeedsPyarrow(Exception):
    """--parquet without pyarrow installed."""


def _rows(db: sqlite3.Connection, table: str) -> tuple[list[str], sqlite3.Cursor]:
    """The table's column names, and a cursor yielding its rows as plain tuples."""
    cursor = db.cursor()
    cursor.row_factory = None  # tuples: no per-row sqlite3.Row to build and convert
    cursor.execute(f"SELECT * FROM {table} ORDER BY {ORDER[table]}")
    return [d[0] for d in cursor.description], cursor


@contextlib.contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.rollback()


def write_csv(db: sqlite3.Connection, directory: Path) -> list[Path]:
    """DIR/documents.csv, findings.csv, runs.csv: a header row, then every row (NULL is empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with _snapshot(db):
        for table in TABLES:
            path = directory / f"{table}.csv"
            names, rows = _rows(db, table)
            with open_for_output(path, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(names)
                writer.writerows(rows)
            written.append(path)
    return written


def require_pyarrow():
    """pyarrow and pyarrow.parquet; raised before any work when --parquet cannot be honoured."""
    try:
        import pyarrow
        import pyarrow.parquet as pq
    except ImportError:
        raise NeedsPyarrow("--parquet needs pyarrow: pip install 'claimcheck[parquet]'") from None
    return pyarrow, pq


def arrow_schema(db: sqlite3.Connection, table: str):
    """The Parquet schema, from the column types the store declares (not guessed from data):
    INTEGER is int64, TEXT is string; a NOT NULL column is a required field, any other is
    nullable (a document's score, a finding's line)."""
    pa, _ = require_pyarrow()
    fields = []
    for _, name, declared, notnull, _, pk in db.execute(f"PRAGMA table_info({table})"):
        fields.append(pa.field(name, _arrow_type(pa, declared), nullable=not (notnull or pk)))
    return pa.schema(fields)


def _arrow_type(pa, declared: str):
    """The Arrow type of a declared SQLite type, by SQLite's affinity rules (INT, REAL, else text)."""
    declared = declared.upper()
    if "INT" in declared:
        return pa.int64()
    if any(t in declared for t in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    return pa.string()


def write_parquet(db: sqlite3.Connection, directory: Path) -> list[Path]:
    """DIR/documents.parquet, findings.parquet, runs.parquet, one record batch per BATCH rows."""
    pa, pq = require_pyarrow()

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with _snapshot(db):
        for table in TABLES:
            path = directory / f"{table}.parquet"
            schema = arrow_schema(db, table)
            _, rows = _rows(db, table)
            with open_for_output(path, "wb") as out:
                writer = pq.ParquetWriter(out, schema)
                try:
                    while batch := rows.fetchmany(BATCH):
                        columns = list(zip(*batch))
                        writer.write_batch(pa.RecordBatch.from_arrays(
                            [pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema))
                finally:
                    writer.close()
            written.append(path)
    return written
