"""--format json: the stable machine contract documented in README.md."""
from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from .. import __version__
from ..findings import SEVERITY_NAMES, FileResult


def render(results: list[FileResult], out: TextIO, **_: object) -> None:
    by_severity = Counter(str(f.severity) for r in results for f in r.findings)
    data = {
        "version": __version__,
        "files": [
            {
                "path": r.path,
                "score": r.score,
                "grade": r.grade,
                "error": r.error,
                "findings": [f.to_dict() for f in r.findings],
            }
            for r in results
        ],
        "summary": {
            "files": len(results),
            "errors": sum(1 for r in results if r.error),
            "findings": sum(by_severity.values()),
            "by_severity": {s: by_severity[s] for s in SEVERITY_NAMES if by_severity[s]},
        },
    }
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
