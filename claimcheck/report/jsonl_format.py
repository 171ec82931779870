"""--format jsonl: one JSON object per line, for streaming large crawls into jq, DuckDB or pandas.

Each line is about one thing in one document, told apart by its keys:

- a finding: ``{"path", "record", "url", …}`` followed by the keys of a finding in the JSON
  output (``rule``, ``severity``, ``line`` … ``suppressed`` for one shown with
  ``--show-suppressed``);
- an input error: ``{"path", "record", "url", "error"}``;
- a suppression comment to report: ``{"path", "record", "url", "unused_suppression": {…}}``.

``record`` and ``url`` are always there (null outside JSONL/WARC records), so every line loads
into the same columns. There is no summary line: lines stay all alike, files of several runs
can be concatenated, and the counts are one ``jq``/``wc -l`` away. Clean documents and skipped
archive records give no line (``--format json`` has per-document scores).
"""
from __future__ import annotations

import json
from typing import Sequence, TextIO

from .base import ReportOptions
from ..findings import FileResult
from .common import shown, source_of, unused


NAME = "jsonl"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    for r in results:
        if r.skipped:
            continue
        document = {"path": r.path, "record": source_of(r).record, "url": r.url}
        if r.error:
            _line(out, {**document, "error": r.error})
            continue
        for f in shown(r, show_suppressed):
            _line(out, {**document, **f.to_dict()})
        for u in unused(r, warn_unused):
            _line(out, {**document, "unused_suppression": u.to_dict()})


def _line(out: TextIO, data: dict) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
