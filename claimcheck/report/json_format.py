"""--format json: the stable machine contract documented in docs/ci.md."""
from __future__ import annotations

import json
from collections import Counter
from typing import Sequence, TextIO

from .._version import __version__
from .base import ReportOptions
from ..findings import SEVERITY_NAMES, FileResult


NAME = "json"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    baseline = options.baseline
    by_severity = Counter(str(f.severity) for r in results for f in r.findings)
    data = {
        "version": __version__,
        "files": [_file(r, show_suppressed, warn_unused) for r in results],
        "summary": {
            "files": sum(1 for r in results if not r.skipped),
            "errors": sum(1 for r in results if r.error),
            "skipped": sum(1 for r in results if r.skipped),
            "findings": sum(by_severity.values()),
            "by_severity": {s: by_severity[s] for s in SEVERITY_NAMES if by_severity[s]},
            "suppressed": sum(len(r.suppressed) for r in results),
            "baselined": sum(r.baselined for r in results),
        },
    }
    if baseline is not None:
        data["summary"]["baseline"] = baseline
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _file(r: FileResult, show_suppressed: bool, warn_unused: bool) -> dict:
    data: dict = {"path": r.path}
    if r.record is not None:
        data["record"] = r.record
    if r.url is not None:
        data["url"] = r.url
    data["language"] = r.language
    data.update({"score": r.score, "grade": r.grade, "error": r.error})
    if r.skipped:
        data["skipped"] = r.skipped
    data["findings"] = [f.to_dict() for f in r.findings]
    if show_suppressed:
        data["suppressed"] = [f.to_dict() for f in r.suppressed]
    unused = [u for u in r.unused if warn_unused or u.reason != "suppresses nothing"]
    if unused:
        data["unused_suppressions"] = [u.to_dict() for u in unused]
    return data
