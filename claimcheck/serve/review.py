"""The review page's engine side, without a web framework: lint one draft, apply one finding's
fix, decode an uploaded file and encode the result for download.

Everything here is what `claimcheck lint` and `claimcheck fix` do to one document: the reader
is the one the file name's suffix picks, the linter is the session's for the working
directory's configuration (built once per server), and a fix is planned, applied, re-read and
re-linted by the fixer's own functions (``claimcheck.fix.edits``), so an accepted suggestion is
kept only when its finding goes and no new one appears, as with `claimcheck fix --unsafe`.

Bad input raises ReviewError: an HTTP status and a one-line message for the page to show.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

from ..documents import SUFFIXES, Decoding, Document, DocumentError, ReadOptions, format_of, holds_many, reader
from ..documents.compressed import GZIP_MAGIC
from ..documents.encoding import BOMS, UndecodableError, check_encoding
from ..engine import Linter
from ..findings import Finding, Severity, grade, score
from ..fix.edits import apply_edits, plan_edits, wanted  # the fixer's planning and checking, for one finding
from ..fix.source import SourceFile
from ..session import LintSession
from ..suppressions import Checked

MAX_DRAFT_BYTES = 5 * 1024 * 1024  # a draft's size in bytes (UTF-8 for pasted text, as stored for uploads)
MAX_NAME_CHARS = 255
REVIEWED_SUFFIXES: tuple[str, ...] = tuple(
    suffix for suffix, name in SUFFIXES.items() if reader(name).FIXABLE and not holds_many(name))
NO_SAFE_LIST: dict[str, frozenset[str] | None] = {}  # a reviewer accepts each fix by hand: every one is offered

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each in JavaScript


class ReviewError(Exception):
    """Input the page cannot review: ``status`` (a 4xx HTTP status) and a one-line ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def too_large() -> ReviewError:
    return ReviewError(413, f"the draft is too large: the review page takes up to {MAX_DRAFT_BYTES // 2**20} MB")


@dataclass
class Reviewer:
    """One linter and the settings that go with it, shared by every request of a server. The
    engine is not made for concurrent use, so requests take turns (a lock)."""

    linter: Linter
    options: ReadOptions = field(default_factory=ReadOptions)
    shown: Severity = Severity.INFO
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(cls, session: LintSession) -> "Reviewer":
        """The reviewer of a session's configuration for the working directory (as `lint -`
        uses it): rule packs, select, ignore, severities, min-severity, encoding, html-mode.
        Raises ConfigError, RulebookError or UsageError as the session does."""
        config = session.config_for(None)
        settings = config.settings_for(None, session.cli)
        linter = session.linter_for(config, settings)
        options = ReadOptions(Decoding(settings.encoding, settings.encoding_errors), settings.html_mode)
        return cls(linter, options, Severity.parse(settings.min_severity))

    # --- the API ---------------------------------------------------------------------------

    def review(self, text: str, filename: str) -> dict:
        """Lint a draft: its findings (with ids for ``fix``), score and grade."""
        fmt = format_for(filename)
        text = checked_text(text)
        with self._lock:
            return self._review(text, filename, fmt)

    def fix(self, text: str, filename: str, finding_id: str, encoding: str = "utf-8", bom: str = "") -> dict:
        """Apply one finding's suggestion (a replacement over its span, or a document rule's
        inserted paragraph) and review the result. ``encoding`` and ``bom`` (hex) say how the
        draft will be written, so a fix that cannot be written is refused."""
        fmt = format_for(filename)
        text = checked_text(text)
        file = source_file(text, encoding, bom)
        read = self._reader(fmt, filename)
        with self._lock:
            findings = self._check(read, text, filename).findings
            target = dict(zip(finding_ids(findings), findings)).get(finding_id)
            if target is None:
                raise ReviewError(409, "that finding is not in this text any more; check the draft again")
            if not wanted(target, NO_SAFE_LIST, True):
                raise ReviewError(422, f"{target.rule}: this finding has no suggestion to apply")
            edits, passed = plan_edits(text, fmt, [target], NO_SAFE_LIST, True, file)
            if passed:
                raise ReviewError(409, f"{target.rule}: not applied: {passed[0][1]}")
            fixed, _, applied, refused = apply_edits(text, findings, edits, self.linter, read)
            if refused:
                raise ReviewError(409, f"{target.rule}: not applied: {refused[0][2]}")
            edit = applied[0][0]
            return {"fixed": {"rule": target.rule, "old": target.text, "new": edit.shown, "inserted": edit.inserts},
                    "review": self._review(fixed, filename, fmt)}

    def upload(self, data: bytes, filename: str) -> dict:
        """Decode an uploaded file as `claimcheck fix` reads one (byte-order mark, UTF-8, an
        HTML page's charset, the configured encoding) and review it; the encoding and BOM come
        back so that the download is written the same way."""
        fmt = format_for(filename)
        if len(data) > MAX_DRAFT_BYTES:
            raise too_large()
        if data[:2] == GZIP_MAGIC:
            raise ReviewError(415, f"{filename}: is gzip-compressed; decompress it first")
        try:
            file = SourceFile.read(data, filename, fmt, self.options.decoding)
        except UndecodableError as exc:
            raise ReviewError(422, f"{filename}: {exc.detail}; save it as UTF-8, or name its encoding "
                                   "in claimcheck.toml (encoding)") from None
        except DocumentError as exc:
            raise ReviewError(422, f"{filename}: {exc.reason}") from None
        with self._lock:
            review = self._review(file.text, filename, fmt)
        return {"encoding": file.encoding, "bom": file.bom.hex(), "review": review}

    def download(self, text: str, filename: str, encoding: str = "utf-8", bom: str = "") -> bytes:
        """The draft's bytes in the encoding (and byte-order mark) it was uploaded in."""
        format_for(filename)
        text = checked_text(text)
        file = source_file(text, encoding, bom)
        try:
            return file.encode(text)
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            raise ReviewError(422, f"{filename}: {text[exc.start]!r} on line {line} cannot be written in "
                                   f"{file.encoding}") from None

    # --- linting ---------------------------------------------------------------------------

    def _reader(self, fmt: str, filename: str) -> Callable[[str], Document]:
        return lambda text: reader(fmt).parse(text, filename, self.options)

    def _check(self, read: Callable[[str], Document], text: str, filename: str) -> Checked:
        if not text.strip():
            return Checked()  # as lint_text: blank text has no findings
        try:
            return self.linter.check(read(text))
        except DocumentError as exc:
            raise ReviewError(422, f"{filename}: {exc.reason}") from None

    def _review(self, text: str, filename: str, fmt: str) -> dict:
        checked = self._check(self._reader(fmt, filename), text, filename)
        findings = checked.findings
        units = utf16_offsets(text, [o for f in findings for o in (f.position.start, f.position.end) if o is not None])
        value = score(findings)
        shown = [describe(f, fid, units) for f, fid in zip(findings, finding_ids(findings)) if f.severity >= self.shown]
        return {"filename": filename, "format": fmt, "text": text, "score": value, "grade": grade(value),
                "findings": shown, "hidden": len(findings) - len(shown), "suppressed": len(checked.suppressed),
                "language": checked.language, "not_checked": checked.not_checked}


# --- what a request says ------------------------------------------------------------------

def format_for(filename: str) -> str:
    """The reader of a file name, by its suffix as lint chooses it; ReviewError when the name
    picks no reader, or one for files the page cannot show and write back (JSONL, WARC)."""
    if not filename.strip() or len(filename) > MAX_NAME_CHARS:
        raise ReviewError(422, f"a file name of 1 to {MAX_NAME_CHARS} characters is needed; its suffix picks "
                               f"the reader ({', '.join(REVIEWED_SUFFIXES)})")
    if filename.lower().endswith(".gz"):
        raise ReviewError(415, f"{filename}: compressed files are not reviewed; decompress it first")
    fmt = format_of(filename)
    if fmt is None:
        suffix = PurePath(filename).suffix or "none"
        raise ReviewError(415, f"{filename}: unknown suffix ({suffix}); the review page reads "
                               f"{', '.join(REVIEWED_SUFFIXES)}")
    if holds_many(fmt) or not reader(fmt).FIXABLE:
        raise ReviewError(415, f"{filename}: holds many documents ({fmt}); the review page reads one draft "
                               f"({', '.join(REVIEWED_SUFFIXES)}); use claimcheck lint for this file")
    return fmt


def checked_text(text: str) -> str:
    """The draft as the engine can take it: a lone surrogate (which JSON can carry but no file
    can hold) becomes U+FFFD, one code unit for one, so offsets stay put. ReviewError when it
    is over the size limit."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if len(text) > MAX_DRAFT_BYTES or len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise too_large()
    return text


def source_file(text: str, encoding: str, bom: str) -> SourceFile:
    """How a draft is written back: an encoding Python knows and one of the byte-order marks
    the readers recognise (hex), or none."""
    try:
        name = check_encoding(encoding)
    except ValueError as exc:
        raise ReviewError(422, f"encoding: {exc}") from None
    try:
        mark = bytes.fromhex(bom)
    except ValueError:
        raise ReviewError(422, f"bom: not a byte-order mark in hex: {bom!r}") from None
    if mark and mark not in {b for b, _ in BOMS}:
        raise ReviewError(422, f"bom: not a byte-order mark: {bom!r}")
    return SourceFile(text, name, mark)


# --- what a response says -----------------------------------------------------------------

def finding_ids(findings: list[Finding]) -> list[str]:
    """A name for each finding of one text, the same each time that text is linted: rule and
    source span (``overclaim-cure@17-36``), numbered when one repeats."""
    seen: Counter[str] = Counter()
    ids = []
    for f in findings:
        p = f.position
        base = f"{f.rule}@{p.start}-{p.end}" if p.start is not None else f"{f.rule}@unlocated"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return ids


def describe(f: Finding, finding_id: str, units: dict[int, int]) -> dict:
    """A finding as `--format json` gives it, with its id, its span in UTF-16 code units (what
    a browser's strings count; ``start``/``end`` count code points, as everywhere else) and
    the kind of fix the page can apply (``replace``, ``insert`` or none)."""
    data = f.to_dict()
    p = f.position
    data["id"] = finding_id
    data["utf16"] = None if p.start is None else [units[p.start], units[p.end]]
    fixable = p.start is not None and wanted(f, NO_SAFE_LIST, True)
    data["fix"] = ("insert" if f.scope == "document" else "replace") if fixable else None
    return data


def utf16_offsets(text: str, offsets: list[int]) -> dict[int, int]:
    """Code-point offsets into ``text`` -> UTF-16 code-unit offsets (each character above
    U+FFFF counts twice), in one pass over the text."""
    if not _ASTRAL.search(text):
        return {o: o for o in offsets}
    units: dict[int, int] = {}
    position = extra = 0
    for offset in sorted(set(offsets)):
        extra += len(_ASTRAL.findall(text, position, offset))
        position = offset
        units[offset] = offset + extra
    return units
