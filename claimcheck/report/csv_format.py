"""--format csv: one row per finding, for spreadsheets and data frames (auditors sorting pages).

Columns: path, record, url, line, column, end_line, end_column, rule, category, severity,
message, text, sentence, suggestion, suppressed, error. ``path`` is the document as the JSON
output names it (``file[record-id]`` for a record); positions are as in the JSON output
(empty when unlocated); ``suggestion`` is the replacement, or for a document rule the text to
add; ``suppressed`` the comment's reason (``(no reason given)`` without one) for a suppressed
finding, shown with ``--show-suppressed``. An input error is a row with only path, record and
``error``; an unused suppression comment a row with rule ``unused-suppression``, its line and
column, and the comment and why in ``message``. Skipped archive records and clean documents
give no row.

Cells are written as they are: a sentence starting with ``=`` stays as it is, so spreadsheets
should import the file as text rather than open it directly. Rows end in LF (the csv module
reads either ending).
"""
from __future__ import annotations

import csv
from typing import Sequence, TextIO

from .base import ReportOptions
from ..findings import FileResult, Finding
from .common import shown, source_of, unused

COLUMNS = ("path", "record", "url", "line", "column", "end_line", "end_column", "rule", "category", "severity",
           "message", "text", "sentence", "suggestion", "suppressed", "error")


NAME = "csv"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        if r.skipped:
            continue
        document = {"path": r.path, "record": source_of(r).record, "url": r.url}
        if r.error:
            writer.writerow({**document, "error": r.error})
            continue
        for f in shown(r, show_suppressed):
            writer.writerow({**document, **_finding(f)})
        for u in unused(r, warn_unused):
            d = u.directive
            writer.writerow({**document, "line": d.line, "column": d.column, "rule": "unused-suppression",
                             "message": f"{d.text}: {u.reason}"})


def _finding(f: Finding) -> dict:
    p, s = f.position, f.suggestion
    suppressed = (f.suppression.reason or "(no reason given)") if f.suppression else None
    return {"line": p.line, "column": p.column, "end_line": p.end_line, "end_column": p.end_column,
            "rule": f.rule, "category": f.category, "severity": str(f.severity), "message": f.message,
            "text": f.text, "sentence": f.sentence, "suggestion": (s.replacement or s.insert) if s else None,
            "suppressed": suppressed}
