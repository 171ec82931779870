"""claimcheck report: read an audit store and summarise it, as text, JSON, HTML, CSV or Parquet.

The command only reads the store. It writes the files asked for and names each on standard
error, one line a file; the summary goes to standard output when no file is asked for, or when
``--format`` is given (``--format json`` output stays parseable whatever else is written).
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from ..atomic import RefusedOutput, write_text_atomically
from . import export, html_report
from .report_data import report_data
from .lock import writer_active
from .store import Store, StoreError
from .summary import Summary, format_text, summarize

EXIT_ERROR = 2


def _fail(message: str) -> None:
    """One line on standard error and exit 2, as every claimcheck command reports bad input."""
    click.echo(f"claimcheck: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.command()
@click.option("--db", "db_path", required=True, type=click.Path(path_type=Path),
              help="The audit store that `claimcheck audit --db` wrote.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              help="The summary on standard output: plain text, or one JSON object for scripts.  "
                   "[default: text, unless files are written]")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Length of every list: rules, domains, worst pages, findings per page, errors.")
@click.option("--html", "html_path", type=click.Path(path_type=Path),
              help="Also write a self-contained HTML report to this file: the summary and charts, and every "
                   "page in a table to sort, filter and search, with each site's and page's findings.")
@click.option("--csv", "csv_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also write documents.csv, findings.csv and runs.csv to this directory.")
@click.option("--parquet", "parquet_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also write documents.parquet, findings.parquet and runs.parquet (needs pyarrow).")
def report_command(db_path: Path, output_format: str, top: int, html_path: Path | None, csv_dir: Path | None,
                   parquet_dir: Path | None) -> None:
    """Summarise an audit store: documents, grades, findings by category and severity, top
    rules and domains, the worst pages and the errors."""
    if parquet_dir is not None:
        try:
            export.require_pyarrow()
        except export.NeedsPyarrow as exc:
            _fail(str(exc))
    try:
        store = Store(db_path, create=False, readonly=True)
    except StoreError as exc:
        _fail(str(exc))
    with store:
        try:
            summary = summarize(store.db, str(db_path), top, writer_active(db_path))
            _write_files(store, summary, html_path, csv_dir, parquet_dir)
        except sqlite3.DatabaseError as exc:
            _fail(f"{db_path}: cannot read the audit database ({exc})")
    if output_format is None and (html_path or csv_dir or parquet_dir):
        return  # what was written is named; the summary only when asked for
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(summary), nl=False)


def _write_files(store: Store, summary: Summary, html_path: Path | None, csv_dir: Path | None,
                 parquet_dir: Path | None) -> None:
    """Each file asked for, whole or not at all, named on stderr; an unwritable path is exit 2."""
    steps = [(html_path, lambda path: _write_html(store, summary, path)),
             (csv_dir, lambda path: export.write_csv(store.db, path)),
             (parquet_dir, lambda path: export.write_parquet(store.db, path))]
    for target, write in steps:
        if target is None:
            continue
        try:
            written = write(target)
        except OSError as exc:  # a refused path names the file inside a --csv/--parquet folder
            _fail(f"cannot write {exc.filename if isinstance(exc, RefusedOutput) else target}: "
                  f"{exc.strerror or exc}")
        for path in written:
            click.echo(f"wrote {path}", err=True)


def _write_html(store: Store, summary: Summary, path: Path) -> list[Path]:
    write_text_atomically(path, html_report.render(summary, report_data(store.db)))
    return [path]
