"""claimcheck audit: check a crawl (files, directories, globs; HTML, text, Markdown, JSONL and
WARC, optionally gzipped) in parallel into a results store (SQLite by default, partitioned
Parquet with --engine dask)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_common import (EXIT_ERROR, EXIT_OK, discovery_options, fail, input_options, no_default_option,
                          rulebook_failed, rules_option, start_session)
from ..config import ConfigError
from ..documents.encoding import ERROR_MODES
from ..rulebook import RulebookError
from ..session import UsageError
from .sources import expand_globs
from .store import StoreError
from .work import CHUNK_SIZE, LinterSpec

EXIT_INTERRUPTED = 130


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--db", type=click.Path(path_type=Path),
              help="The SQLite results store (created if missing; a rerun skips what is done).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.  [default: the number of cores]")
@click.option("--chunk-size", type=click.IntRange(min=1), default=CHUNK_SIZE, show_default=True,
              help="Documents sent to a worker at a time.")
@click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
              help="Seconds one document may take before it is recorded as an error (0: no limit).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool into --db; dask: a dask.distributed cluster into --output (Parquet).")
@click.option("--scheduler", metavar="ADDRESS",
              help="--engine dask: the scheduler's address (default: a local cluster).")
@click.option("--output", metavar="DIR",
              help="--engine dask: where to write the partitioned Parquet results (any fsspec path).")
@click.option("--blocksize", metavar="SIZE", default="auto", show_default=True,
              help="--engine dask: cut uncompressed JSONL files into partitions of about SIZE bytes "
                   "('64MB', '512KiB'; 'auto': enough blocks for every worker; '0': one per file). "
                   "Gzip and WARC files cannot be cut: each is one partition.")
@click.option("--progress/--no-progress", default=None,
              help="Show the progress bar.  [default: when standard error is a terminal]")
@click.option("--select", multiple=True, help="Only these rule ids or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable).")
@rules_option
@no_default_option
@input_options
@click.option("--encoding", help="Decode files with this encoding (default: BOM, else UTF-8).")
@click.option("--encoding-errors", type=click.Choice(ERROR_MODES),
              help="Undecodable bytes: an error for that document, or replaced with U+FFFD.  [default: strict]")
@click.option("--text-field", help="JSONL: the field holding each record's text.  [default: text]")
@click.option("--id-field", help="JSONL: the field naming each record.  [default: id, else url]")
@discovery_options
@click.option("--no-prefilter", is_flag=True, hidden=True,
              help="Run the whole pipeline over every line (for checking the prefilter).")
def audit_command(sources, db, jobs, chunk_size, timeout, engine, scheduler, output, blocksize, progress, select, ignore,
                  rules, no_default_rules, config_file, isolated, html_mode, encoding, encoding_errors,
                  text_field, id_field, exclude, respect_gitignore, no_prefilter):
    """Audit SOURCES (files, directories, quoted globs) into a results store.

    Every document gets a row (id, source, URL, domain, content hash, words, score, grade,
    status, error) and its findings. Running the same command again skips documents already
    done with the same content and rulebook; identical pages are analysed once. One
    configuration applies to the whole run: --config FILE, else the closest file above the
    working directory (--isolated: none). Suppression comments in pages are not honoured.

    Exit codes: 0 the run completed (whatever it found), 2 a usage, configuration, rulebook or
    store error, 130 interrupted (Ctrl-C; a rerun finishes the rest).
    """
    from .runner import default_jobs, run_local

    if engine == "local" and db is None:
        fail("--db FILE is required (the SQLite results store)")
    if engine == "dask" and not output:
        fail("--engine dask needs --output DIR (where the Parquet results go)")
    if engine == "local" and (scheduler or output):
        fail("--scheduler and --output go with --engine dask")
    session = start_session(tuple(expand_globs(list(sources))), None, no_default_rules, config_file, isolated, {
        "select": select, "ignore": ignore, "rules": rules, "html-mode": html_mode, "encoding": encoding,
        "encoding-errors": encoding_errors, "text-field": text_field, "id-field": id_field,
        "exclude": exclude, "respect-gitignore": respect_gitignore,
    })
    if "-" in sources:
        fail("an audit reads files, not standard input")
    try:
        config = session.config_for(None)
        settings = config.settings_for(None, session.cli)
        session.linter_for(config, settings)  # the rulebook compiles and the names exist
    except RulebookError as exc:
        rulebook_failed(exc)
    except (ConfigError, UsageError) as exc:
        fail(str(exc))
    spec = LinterSpec(settings, not no_default_rules, not no_prefilter, timeout or None)
    if engine == "dask":
        _run_dask(list(sources), spec, output, scheduler, progress, _size(blocksize))
        return
    inputs = session.inputs(expand_globs(list(sources)))
    unusable = [i for i in inputs if i.error]  # a path missing, a folder with nothing to read
    if unusable:
        for item in unusable:
            click.echo(f"claimcheck: error: {item.display}: {item.error}", err=True)
        sys.exit(EXIT_ERROR)
    try:
        result = run_local(inputs, db, spec, jobs or default_jobs(), list(sources), chunk_size, progress)
    except StoreError as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # while the pipeline was being built: nothing was written
        click.echo("claimcheck: audit interrupted before it started", err=True)
        sys.exit(EXIT_INTERRUPTED)
    c = result.counts
    rate = c.analysed / result.seconds if result.seconds else 0.0
    click.echo(f"claimcheck: audit {result.status}: {c.documents} documents recorded ({c.analysed} analysed, "
               f"{c.duplicates} duplicates, {c.errors} errors), {c.unchanged} unchanged, {c.findings} findings "
               f"in {result.seconds:.2f} s ({rate:.1f} documents/s) -> {db} (run {result.run_id})", err=True)
    sys.exit(EXIT_INTERRUPTED if result.status == "interrupted" else EXIT_OK)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def _size(text: str) -> int | str | None:
    """--blocksize: bytes, 'auto', or None (0: no cutting)."""
    value = text.strip().lower()
    if value == "auto":
        return "auto"
    number = value.rstrip("kmgib")
    unit = value[len(number):]
    try:
        size = int(float(number) * _UNITS[unit])
    except (ValueError, KeyError):
        fail(f"--blocksize: {text!r} is not a size (e.g. 64MB, 512KiB, auto, 0)")
    return size or None


def _run_dask(sources: list[str], spec: LinterSpec, output: str, scheduler: str | None,
              progress: bool | None, blocksize: int | str | None) -> None:
    try:
        from .dask_engine import run_dask
        counts = run_dask(sources, spec, output, scheduler, blocksize=blocksize, progress=bool(progress))
    except ImportError as exc:
        fail(str(exc))
    click.echo(f"claimcheck: audit complete: {counts.get('documents', 0)} documents "
               f"({counts.get('errors', 0)} errors), {counts.get('findings', 0)} findings -> {output}", err=True)
    sys.exit(EXIT_OK)


__all__ = ["audit_command", "EXIT_ERROR"]
