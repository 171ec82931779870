"""--format github: GitHub Actions workflow commands, which the runner turns into annotations
on the pull request's files.

One line per finding::

    ::error file=docs/a.md,line=1,col=11,endLine=1,endColumn=30,title=overclaim-permanent-remission::Claims …

critical and major findings are ``error``, minor ``warning``, info ``notice``. A finding with
no place in the file (unlocated HTML text, or a JSONL/WARC record: see ``common``) has no
line or column. An input error is ``::error file=PATH,title=claimcheck::reason`` (with the
line of a malformed JSONL line); unused suppression comments are warnings titled
``unused-suppression``; with ``--show-suppressed`` suppressed findings are notices saying so.
Skipped archive records print nothing.

Nothing but commands is printed (no summary line), so every line of the output is one
annotation and the output can be filtered line by line. GitHub turns at most 10 commands of
each level per step into annotations (50 per job); the rest still show in the step's log.
For every finding in the pull request view, upload ``--format sarif`` to code scanning.
"""
from __future__ import annotations

from typing import Sequence, TextIO

from .base import ReportOptions
from ..findings import FileResult, Finding
from .common import (Source, annotation_message, file_position, in_record, level, repo_path, shown, source_of,
                     unused, unused_message)
from .terminal import printable


def escape_data(text: str) -> str:
    """A command's message: '%', CR and LF escaped, as the runner unescapes them; other
    controls and bidi overrides shown as \\uXXXX, so a page cannot colour or hide log text."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A command's property value: as a message, and ':' and ',' too (they delimit properties)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line; None properties are left out."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{name} {props}::{escape_data(message)}\n"


NAME = "github"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    for r in results:
        source = source_of(r)
        file = repo_path(source.file)
        if r.error:
            out.write(command("error", in_record(source, r.error, None, None), file=file,
                              line=source.line, title="claimcheck"))
            continue
        if r.skipped:
            continue
        for f in shown(r, show_suppressed):
            out.write(_finding(f, source, file))
        for u in unused(r, warn_unused):
            line, col = (None, None) if source.record is not None else (u.directive.line, u.directive.column)
            out.write(command("warning", unused_message(u, source), file=file, line=line, col=col,
                              title="unused-suppression"))


def _finding(f: Finding, source: Source, file: str) -> str:
    name = "notice" if f.suppression is not None else level(f.severity, "notice")
    p = file_position(f, source)
    place = {} if p is None else {"line": p.line, "col": p.column, "endLine": p.end_line, "endColumn": p.end_column}
    return command(name, annotation_message(f, source), file=file, **place, title=f.rule)
