"""Baselines: today's findings recorded, so that old content does not block new work.

A baseline file lists the identity (``claimcheck.fingerprints.identity``: rule, file and the
normalised sentence) of every finding, with how often it occurs. Linting with the baseline
hides findings whose identity is in it, as many times as it was recorded: a second copy of an
old claim added to the same file is new. Identities survive lines inserted above and edits to
other sentences. Entries that match nothing in a file that was linted are reported as fixed.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .atomic import write_text_atomically
from .findings import Finding
from .fingerprints import identity, normalised_path

FORMAT = "claimcheck-baseline/1"


class BaselineError(Exception):
    """A baseline file that cannot be read; str() names the file."""


@dataclass
class Entry:
    identity: str
    rule: str
    path: str
    text: str
    line: int | None
    count: int = 1


@dataclass
class Baseline:
    """Recorded findings by identity, and what this run matched of them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    _used: Counter[str] = field(default_factory=Counter)
    _paths: set[str] = field(default_factory=set)

    # --- recording ---------------------------------------------------------------------

    def record(self, path: str, findings: list[Finding]) -> None:
        for f in findings:
            ident = identity(f, path)
            if ident in self.entries:
                self.entries[ident].count += 1
            else:
                self.entries[ident] = Entry(ident, f.rule, normalised_path(path), f.text, f.position.line)

    def write(self, path: Path) -> None:
        """Write as every output is (``claimcheck.atomic``): a regular file is replaced
        atomically, a FIFO or character device written through; OSError when refused."""
        data = {
            "format": FORMAT,
            "claimcheck": __version__,
            "findings": [
                {"id": e.identity, "rule": e.rule, "path": e.path, "text": e.text, "line": e.line, "count": e.count}
                for e in sorted(self.entries.values(), key=lambda e: (e.path, e.line or 0, e.rule))
            ],
        }
        write_text_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    # --- applying ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file (create it with --write-baseline)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read the baseline ({exc})") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}:{exc.lineno}: not a baseline (invalid JSON: {exc.msg})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{path}: not a claimcheck baseline (expected \"format\": \"{FORMAT}\")")
        baseline = cls()
        try:
            for item in data["findings"]:
                baseline.entries[item["id"]] = Entry(item["id"], item["rule"], item["path"], item.get("text", ""),
                                                     item.get("line"), int(item.get("count", 1)))
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"{path}: a baseline entry is malformed ({exc!r})") from None
        return baseline

    def split(self, path: str, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(new findings, findings the baseline hides) of one document."""
        self._paths.add(normalised_path(path))
        new, known = [], []
        for f in findings:
            ident = identity(f, path)
            entry = self.entries.get(ident)
            if entry is not None and self._used[ident] < entry.count:
                self._used[ident] += 1
                known.append(f)
            else:
                new.append(f)
        return new, known

    @property
    def matched(self) -> int:
        return sum(self._used.values())

    def fixed(self) -> list[Entry]:
        """Recorded findings of the documents linted in this run that no longer occur."""
        out = []
        for e in self.entries.values():
            missing = e.count - self._used[e.identity]
            if missing > 0 and e.path in self._paths:
                out.append(Entry(e.identity, e.rule, e.path, e.text, e.line, missing))
        return sorted(out, key=lambda e: (e.path, e.line or 0, e.rule))
