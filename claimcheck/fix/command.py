"""`claimcheck fix` on inputs: which files can be fixed, fixing one with its configuration,
and what the command prints (outcomes, a summary, a unified diff)."""
from __future__ import annotations

import difflib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_bytes_atomically
from ..config import ConfigError, Settings
from ..documents import Decoding, DocumentError, ReadOptions, format_of, reader
from ..documents.encoding import UndecodableError
from ..engine import Linter
from ..findings import SEVERITY_NAMES, FileResult, Severity
from ..inputs import Input
from ..session import NEVER, LintSession
from .edits import DROPPED, FIXED, SKIPPED, Outcome, safe_rules, shorten, wanted, fix_text
from .source import READ_ONLY, SourceFile, read_file, read_only


# --------------------------------------------------------------------------- fixing a file

@dataclass
class FileFix:
    """What fixing one input gave: the outcomes, what remains (or the error), and the text and
    bytes before and after."""

    display: str
    result: FileResult
    path: Path | None = None  # None: standard input
    outcomes: list[Outcome] = field(default_factory=list)
    before: str = ""
    after: str = ""
    data: bytes | None = None  # the fixed file's bytes
    fixable_unsafe: int = 0  # remaining findings that --unsafe would try
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) when read: a changed file is not overwritten

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def failed(self, reason: str) -> None:
        """The fixes could not be written after all: nothing was fixed, the file is an error."""
        self.result = FileResult(self.display, error=reason)
        self.outcomes, self.after, self.data = [], self.before, None


def fix_input(session: LintSession, item: Input, unsafe: bool = False, stdin: bytes | None = None,
              *, writing: bool = False) -> FileFix | None:
    """Fix one input with its configuration (select, ignore, severity, encoding, html-mode as
    for ``lint``). Nothing is written: see ``save``. A problem with the input is the result's
    error; a configuration problem is that of the first input it governs, and None for the
    others; RulebookError and UsageError propagate as they do from LintSession. ``writing``:
    the fix will be saved, so a read-only file is an error before any work is done (``save``
    checks again; a --diff leaves it False and still shows what would change)."""
    if item.error:
        return _failed(item, item.error)
    if writing and item.path is not None:
        try:
            if read_only(item.path):
                return _failed(item, READ_ONLY)
        except OSError:
            pass  # reading it will say what is wrong
    fmt = format_of(item.display) or "text"
    if not reader(fmt).FIXABLE:
        return _failed(item, f"{fmt} files are not fixed (only plain text, Markdown and HTML)")
    try:
        config = session.config_for(item.path)
        settings = config.settings_for(item.path, session.cli)
        linter = session.linter_for(config, settings)
    except ConfigError as exc:  # reported once, under the configuration's name (see LintSession)
        problem = session.problem_once(exc)
        return None if problem is None else FileFix(problem.path, problem, None)
    try:
        return _fix_file(item, fmt, settings, linter, unsafe, stdin)
    except UndecodableError as exc:  # lint's hint names --encoding-errors, which fix does not have
        return _failed(item, f"{exc.detail}; not fixed (--encoding names the file's encoding)")
    except DocumentError as exc:
        return _failed(item, exc.reason)


def _fix_file(item: Input, fmt: str, settings: Settings, linter: Linter, unsafe: bool,
              stdin: bytes | None) -> FileFix:
    """Read, fix and re-encode one file (or standard input); DocumentError when it cannot be
    read, or the fixed text would not read back exactly as it was written."""
    data, stamp = (stdin or b"", None) if item.path is None else read_file(item.path, item.display)
    decoding = Decoding(settings.encoding, settings.encoding_errors)
    file = SourceFile.read(data, item.display, fmt, decoding)
    options = ReadOptions(html_mode=settings.html_mode)
    fixed = fix_text(file.text, fmt, linter, lambda t: reader(fmt).parse(t, item.display, options),
                     unsafe, file)
    out = file.encode(fixed.text)
    if reader(fmt).decode_bytes(out, item.display, decoding) != fixed.text:
        raise DocumentError(item.display, f"the fixed text would not read back as written in {file.encoding}; "
                                          "not fixed")
    fail_on = None if settings.fail_on == NEVER else Severity.parse(settings.fail_on)
    result = FileResult.of(item.display, fixed.remaining, fail_on=fail_on)
    safe = safe_rules(linter)
    more = 0 if unsafe else sum(1 for f in fixed.remaining if wanted(f, safe, True) and not wanted(f, safe, False))
    return FileFix(item.display, result, item.path, fixed.outcomes, file.text, fixed.text, out, more, stamp)


def _failed(item: Input, reason: str) -> FileFix:
    return FileFix(item.display, FileResult(item.display, error=reason), item.path)



def save(fix: FileFix) -> None:
    """Write a changed file as every output is written (``claimcheck.atomic``: a temporary file
    in its directory, fsync, rename, in its own mode; the target of a symbolic link, which stays
    a link); nothing when nothing changed. Raises DocumentError when the file is read-only,
    changed since it was read or cannot be written."""
    if not fix.changed or fix.path is None or fix.data is None:
        return
    target = fix.path.resolve()  # a symbolic link keeps pointing at the fixed file
    try:
        st = target.stat()
        if read_only(target, st):  # again: its mode may have changed since fix_input
            raise DocumentError(fix.display, READ_ONLY)
        if fix.stamp is not None and (st.st_mtime_ns, st.st_size) != fix.stamp:
            raise DocumentError(fix.display, "changed while it was being fixed; not written")
        write_bytes_atomically(target, fix.data, stat.S_IMODE(st.st_mode))
        _fsync_directory(target.parent)
    except OSError as exc:
        raise DocumentError(fix.display, f"cannot be written: {exc.strerror or exc}") from None


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable too, not only the data (POSIX; a no-op where a directory
    cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reports

def unified_diff(fix: FileFix) -> str:
    """The change as a unified diff (``--- a/PATH`` / ``+++ b/PATH``); empty when none."""
    if not fix.changed:
        return ""
    lines = difflib.unified_diff(_lines(fix.before), _lines(fix.after), f"a/{fix.display}", f"b/{fix.display}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only (str.splitlines also splits at form feeds and
    U+2028, which diff and patch do not)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def outcome_lines(fix: FileFix, dry_run: bool = False) -> list[str]:
    """One line per fix: ``path:line:col: fixed RULE: "old" -> "new"``, and the dropped and
    skipped ones with their reason."""
    lines = []
    for o in fix.outcomes:
        where = f"{fix.display}:{o.line}:{o.column}:" if o.line is not None else f"{fix.display}:"
        status = "would fix" if dry_run and o.status == FIXED else o.status
        if o.inserted:
            change = f'{"inserted" if o.status == FIXED else "insert"} "{shorten(o.new or "")}"'
        else:
            change = f'"{o.old}"' if o.status == SKIPPED else f'"{o.old}" -> "{o.new}"'
        lines.append(f"{where} {status} {o.rule}: {change}" + (f": {o.reason}" if o.reason else ""))
    return lines


def summary_line(fixes: list[FileFix], dry_run: bool = False) -> str:
    """``Fixed N findings in M files; K dropped; S skipped; remaining: …``."""
    fixed = sum(1 for f in fixes for o in f.outcomes if o.status == FIXED)
    files = sum(1 for f in fixes if f.changed)
    dropped = sum(1 for f in fixes for o in f.outcomes if o.status == DROPPED)
    skipped = sum(1 for f in fixes for o in f.outcomes if o.status == SKIPPED)
    errors = sum(1 for f in fixes if f.result.error)
    line = f"{'Would fix' if dry_run else 'Fixed'} {_count(fixed, 'finding')} in {_count(files, 'file')}"
    line += f"; {dropped} dropped"
    if skipped:
        line += f"; {skipped} skipped"
    counts = Counter(str(f.severity) for fx in fixes for f in fx.result.findings)
    total = sum(counts.values())
    detail = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_NAMES if counts[s])
    line += f"; remaining: {_count(total, 'finding')}" + (f" ({detail})" if detail else "")
    more = sum(f.fixable_unsafe for f in fixes)
    if more:
        line += f", {more} more fixable with --unsafe"
    if errors:
        line += f"; {_count(errors, 'file')} could not be fixed"
    return line + "."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
