"""--diff REV: which lines of which files changed since a git revision.

A pull request is judged on what it touched: the lines added or changed since REV (from
``git diff --unified=0 REV``), plus every line of files git does not track yet. Deleted lines
leave nothing to report.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
_FILE = re.compile(r"^\+\+\+ (?:b/)?(.*)$", re.M)


class DiffError(Exception):
    """Not a git repository, an unknown revision, no git: str() is the one-line reason."""


@dataclass
class ChangedLines:
    """Changed lines per absolute file path; ``whole`` files count as changed everywhere."""

    lines: dict[Path, set[int]] = field(default_factory=dict)
    whole: set[Path] = field(default_factory=set)

    def touched(self, path: Path) -> bool:
        p = path.absolute().resolve()
        return p in self.whole or bool(self.lines.get(p))

    def covers(self, path: Path, first: int | None, last: int | None) -> bool:
        """Does a span of lines (None: the document as a whole) touch a changed line?"""
        p = path.absolute().resolve()
        if p in self.whole:
            return True
        changed = self.lines.get(p)
        if not changed:
            return False
        if first is None:
            return True
        return any(line in changed for line in range(first, (last or first) + 1))


def changed_since(rev: str, cwd: Path | None = None) -> ChangedLines:
    """Lines added or changed since ``rev`` in the working tree, and untracked files."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd, f"unknown revision {rev!r}")
    out = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", rev, "--"], cwd)
    changed = ChangedLines()
    for block in re.split(r"^diff --git ", out, flags=re.M)[1:]:
        m = _FILE.search(block)
        if m is None or m.group(1) == "/dev/null":
            continue  # a deleted file
        lines: set[int] = set()
        for h in _HUNK.finditer(block):
            start, count = int(h.group(1)), int(h.group(2) or 1)
            lines.update(range(start, start + count))
        changed.lines[(root / _unquote(m.group(1))).resolve()] = lines
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    changed.whole.update((root / name).resolve() for name in untracked.split("\0") if name)
    return changed


def _unquote(name: str) -> str:
    """git quotes unusual file names ("a\\tb.md"); take them as written otherwise."""
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8")
    return name


def _git(args: list[str], cwd: Path | None, failure: str | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed") from None
    if proc.returncode != 0:
        reason = failure or (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        if "not a git repository" in proc.stderr:
            reason = "not inside a git repository"
        raise DiffError(reason)
    return proc.stdout
