"""Linting in one call, as `claimcheck lint` does: ``lint_text`` for a string (an editor's
buffer), ``lint_path`` for files and directories. Both run a LintSession, the code path of the
command line, so configuration files, readers and results are the CLI's own."""
from __future__ import annotations

import io
import os
from pathlib import Path

from .config import settings_from_arguments
from .documents import format_of, holds_many
from .findings import FileResult
from .inputs import Input
from .session import LintSession


def lint_text(text: str, filename: str = "<text>", *, config: str | os.PathLike | None = None,
              isolated: bool = False, **settings: object) -> FileResult:
    """Lint text as `claimcheck lint - --stdin-filename FILENAME` does: the suffix of
    ``filename`` picks the reader (.md Markdown, .html HTML, else plain text), and the
    configuration is the closest claimcheck.toml / [tool.claimcheck] above the working
    directory, or ``config``, or none with ``isolated``. ``settings`` override it, named like
    its keys with "_" for "-" (``select=["overclaim"]``, ``fail_on="minor"``).

    Returns the document's result: findings (line and column in ``text``), score, grade,
    suppressed findings; ``error`` says why text could not be read (``result.error``), never
    an exception. Empty or blank text gives a result without findings. JSONL and WARC hold
    many documents: use lint_path."""
    fmt = format_of(filename) or "text"
    if holds_many(fmt):
        raise ValueError(f"{filename}: {fmt} holds many documents; use lint_path")
    if not text.strip():
        return FileResult.of(filename, [])
    session = _session(config, isolated, settings)
    item = Input(filename, None)
    # a lone surrogate (text decoded with surrogateescape) cannot be UTF-8: one "?" keeps columns
    results = list(session.results(item, io.BytesIO(text.encode("utf-8", "replace"))))
    return results[0]


def lint_path(path: str | os.PathLike, *, config: str | os.PathLike | None = None, isolated: bool = False,
              **settings: object) -> list[FileResult]:
    """Lint a file or a directory as `claimcheck lint PATH` does: every file claimcheck can
    read under a directory (configuration excludes and .gitignore honoured), each with the
    configuration closest to it (or ``config``, or none with ``isolated``); the suffix picks
    the reader. One result per document (a JSONL or WARC file gives one per record); a file
    that cannot be read gives a result whose ``error`` says why. ``settings`` as for
    lint_text. Raises RulebookError for a rule pack that does not load."""
    session = _session(config, isolated, settings)
    return [r for item in session.inputs([os.fspath(path)]) for r in session.results(item)]


def _session(config: str | os.PathLike | None, isolated: bool, settings: dict[str, object]) -> LintSession:
    return LintSession(settings_from_arguments(settings), True, None if config is None else Path(config), isolated)
