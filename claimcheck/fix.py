"""`claimcheck fix`: apply the rulebook's suggestions to files, without ever making a file worse.

A fix replaces the source span of a finding with the rule's (case-adapted) replacement, or,
for a document rule, inserts the missing text as a paragraph of its own. Only replacements a
rule marks ``safe: true`` are applied unless the user says ``--unsafe``; inserted text is never
safe. Every fix is tried on its own, re-read through the same reader and re-linted, and kept
only when its finding is gone and no finding appeared that was not there before. Fixes are
applied from the end of the file backwards so that the offsets of the others stay valid, and
passes repeat until one changes nothing, so that running ``fix`` twice changes nothing the
second time.

Files are rewritten byte for byte as they were read except for the fixes: the same encoding,
byte-order mark and line endings, written atomically (a temporary file in the same directory,
fsync, rename) with the original file mode. Plain text, Markdown and HTML are fixed; JSONL and
WARC files (many documents in one) and compressed files are refused.

Positions in reports are those of the file as it was read, as ``lint`` reported them.
"""
from __future__ import annotations

import difflib
import html
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Mapping

from .atomic import write_bytes_atomically
from .config import ConfigError, Settings
from .documents import Decoding, Document, DocumentError, LineIndex, format_of, open_input
from .documents.compressed import GZIP_MAGIC
from .documents.encoding import UndecodableError, check_encoding, decode, detect_bom, known_encoding
from .documents.html import decode_html, html_document, page_charset
from .documents.markdown import markdown_document, parse_markdown
from .documents.text import text_document
from .engine import Linter
from .findings import SEVERITY_NAMES, FileResult, Finding, Severity
from .inputs import Input
from .session import NEVER, LintSession

FIXABLE = ("text", "markdown", "html")
MAX_PASSES = 5  # a pass only repeats when the one before it changed something
FIXED, DROPPED, SKIPPED = "fixed", "dropped", "skipped"
READ_ONLY = "read-only file (no write permission); not fixed"
SHOWN_CHARS = 60

Reader = Callable[[str], Document]
SafeRules = Mapping[str, "frozenset[str] | None"]


# --------------------------------------------------------------------------- bytes <-> text

@dataclass(frozen=True)
class SourceFile:
    """A file's text as the reader decoded it, and how to turn a text back into its bytes."""

    text: str
    encoding: str
    bom: bytes  # the byte-order mark the decoder stripped (written back in front)

    @classmethod
    def read(cls, data: bytes, display: str, fmt: str, decoding: Decoding) -> "SourceFile":
        """Decode as the reader does; DocumentError when the file is compressed or its text would
        not encode back to exactly these bytes (undecodable bytes replaced, say), since writing
        it would then change more than the fixes."""
        if data[:2] == GZIP_MAGIC:
            raise DocumentError(display, "compressed files are not fixed (decompress it first)")
        text = _decode(data, display, fmt, decoding)
        encoding, bom = _encoding_of(data, fmt, decoding)
        try:
            same = bom + text.encode(encoding) == data
        except UnicodeEncodeError:
            same = False
        if not same:
            raise DocumentError(display, f"its text does not encode back to the same bytes in {encoding}; "
                                         "not fixed (undecodable bytes?)")
        return cls(text, encoding, bom)

    def can_write(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def _decode(data: bytes, display: str, fmt: str, decoding: Decoding) -> str:
    return decode_html(data, display, decoding) if fmt == "html" else decode(data, display, decoding)


def _encoding_of(data: bytes, fmt: str, decoding: Decoding) -> tuple[str, bytes]:
    """The encoding ``decode``/``decode_html`` chose for these bytes, and the BOM it stripped."""
    bom_encoding, bom_len = detect_bom(data)
    if decoding.encoding is not None:
        encoding = check_encoding(decoding.encoding).replace("-sig", "")
        if bom_encoding is not None and check_encoding(bom_encoding) == encoding:
            return encoding, data[:bom_len]
        return encoding, b""
    if bom_encoding is not None:
        return bom_encoding, data[:bom_len]
    if fmt == "html":
        return known_encoding(page_charset(data)) or "utf-8", b""
    return "utf-8", b""


def read_source(text: str, display: str, fmt: str, html_mode: str = "main") -> Document:
    """A source text (already decoded) through the reader of its format; DocumentError."""
    if fmt == "html":
        return html_document(text, display, mode=html_mode)
    if fmt == "markdown":
        return markdown_document(text, display)
    return text_document(text, display)


# --------------------------------------------------------------------------- edits

@dataclass(frozen=True)
class Edit:
    """One fix: source[start:end] becomes ``new`` (an insertion has start == end).

    A ``paragraph`` insertion is surrounded by blank lines as the text around it needs when it
    is applied (so two insertions at one place do not leave a double blank line between them).
    """

    finding: Finding
    start: int
    end: int
    new: str
    shown: str  # the new text as reports show it (unescaped)
    paragraph: bool = False

    @property
    def inserts(self) -> bool:
        return self.finding.scope == "document"

    def apply(self, text: str) -> str:
        new = self.new
        if self.paragraph:
            nl = _newline(text)
            new = nl + nl + new + (nl if _line_follows(text, self.start) else "")
        return text[:self.start] + new + text[self.end:]


class _Skip(Exception):
    """A finding whose fix cannot be planned; str() says why."""


def _newline(text: str) -> str:
    """The file's line ending: CRLF when most line breaks are CRLF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and 2 * crlf >= text.count("\n") else "\n"


def _line_follows(text: str, at: int) -> bool:
    """Does a non-blank line follow the line break at ``at``? (Then an inserted paragraph
    needs a blank line after it too.)"""
    m = re.match(r"\r?\n([^\r\n]*)", text[at:at + 4096])
    return m is not None and bool(m.group(1).strip())


def _plan(text: str, fmt: str, findings: list[Finding], safe: SafeRules, unsafe: bool,
          source: SourceFile | None) -> tuple[list[Edit], list[tuple[Finding, str]]]:
    """The edits for a text's findings, overlaps resolved, and the findings passed over (why)."""
    edits: list[Edit] = []
    passed: list[tuple[Finding, str]] = []
    for f in findings:
        if not _wanted(f, safe, unsafe):
            continue
        try:
            if f.position.start is None:
                raise _Skip("its text could not be located in the source")
            edit = _insertion(text, fmt, f) if f.scope == "document" else _replacement(text, fmt, f)
            if source is not None and not source.can_write(edit.new):
                raise _Skip(f"the new text cannot be written in {source.encoding}")
        except _Skip as exc:
            passed.append((f, str(exc)))
            continue
        edits.append(edit)
    kept, overlapping = _resolve(edits)
    return kept, passed + overlapping


def _wanted(f: Finding, safe: SafeRules, unsafe: bool) -> bool:
    """Has the finding a fix that this run applies? A rule may be safe only for some phrases
    (``safe: [permanent remission]``): a match with more words ("permanent acne remission")
    would lose one to the replacement, so it needs --unsafe."""
    s = f.suggestion
    if s is None:
        return False
    if f.scope == "document":
        return bool(s.insert) and unsafe
    if not s.replacement:
        return False
    if unsafe:
        return True
    phrases = safe.get(f.rule, ())
    return phrases is None or " ".join(f.text.lower().split()) in phrases


def _replacement(text: str, fmt: str, f: Finding) -> Edit:
    """Replace exactly the match's source span, and only when that span says what the finding
    says (whitespace aside): a span with markup inside (``*permanent* remission``, a link's
    end) would lose or break the markup."""
    start, end = f.position.start, f.position.end
    span = text[start:end]
    if span.split() != f.text.split():
        raise _Skip(f"its source crosses markup ({_short(span)!r})")
    rep = f.suggestion.replacement
    new = html.escape(rep, quote=False) if fmt == "html" else _markdown_literal(rep) if fmt == "markdown" else rep
    return Edit(f, start, end, new, rep)


def _insertion(text: str, fmt: str, f: Finding) -> Edit:
    """Insert a document rule's text as a new paragraph after the block holding the finding
    (the first mention): a blank line and the text in plain text and Markdown, a ``<p>`` after
    the closing tag of the enclosing block in HTML."""
    body = f.suggestion.insert
    at = f.position.start
    if fmt == "html":
        found = _html_block_end(text, at)
        if found is None:
            raise _Skip("no enclosing HTML block element to insert after")
        end, indent = found
        new = f"{_newline(text)}{indent}<p>{html.escape(body, quote=False)}</p>"
        return Edit(f, end, end, new, body)
    end = _markdown_block_end(text, at) if fmt == "markdown" else _paragraph_end(text, at)
    new = _markdown_literal(body, block_start=True) if fmt == "markdown" else body
    return Edit(f, end, end, new, body, paragraph=True)


def _overlaps(a: Edit, b: Edit) -> bool:
    """Do two edits touch the same text? An insertion overlaps a replacement only strictly
    inside it; two insertions at one place do not overlap."""
    if a.start == a.end or b.start == b.end:
        point, span = (a, b) if a.start == a.end else (b, a)
        return span.start < point.start < span.end
    return a.start < b.end and b.start < a.end


def _resolve(edits: list[Edit]) -> tuple[list[Edit], list[tuple[Finding, str]]]:
    """Keep non-overlapping edits, deterministically: the earliest start wins, then the
    longest span, then the rule id."""
    kept: list[Edit] = []
    passed: list[tuple[Finding, str]] = []
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start), e.finding.rule)):
        other = next((k for k in kept if _overlaps(k, e)), None)
        if other is None:
            kept.append(e)
        else:
            passed.append((e.finding, f"overlaps the fix of {other.finding.rule}"))
    return kept, passed


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_BLOCK_START = re.compile(r"([#>+=-]|\d{1,9}[.)])")


def _markdown_literal(text: str, block_start: bool = False) -> str:
    """Text that Markdown shows as written: inline markup characters escaped, and at the start
    of a block nothing that would open a heading, quote or list."""
    text = _MD_INLINE.sub(r"\\\1", text)
    m = _MD_BLOCK_START.match(text) if block_start else None
    if m:
        mark = m.group(1)
        text = mark[:-1] + "\\" + mark[-1] + text[m.end():]
    return text


# --------------------------------------------------------------------------- where a paragraph ends

_BLANK_LINE = re.compile(r"\n[ \t]*\r?(?:\n|\Z)")


def _back_over_space(text: str, end: int, floor: int) -> int:
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _paragraph_end(text: str, at: int) -> int:
    """Plain text: the end of the paragraph (up to a blank line) holding offset ``at``."""
    m = _BLANK_LINE.search(text, at)
    return _back_over_space(text, m.start() if m else len(text), at)


def _markdown_block_end(text: str, at: int) -> int:
    """Markdown: the end of the top-level block (paragraph, heading, whole list, table, block
    quote) holding offset ``at``, by markdown-it's line map, so a new paragraph never lands
    inside a list, a quote or a code fence that follows without a blank line."""
    line = text.count("\n", 0, at)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for token in parse_markdown(text):
        if token.level == 0 and token.nesting >= 0 and token.map and token.map[0] <= line < token.map[1]:
            end = starts[token.map[1]] if token.map[1] < len(starts) else len(text)
            return _back_over_space(text, end, at)
    return _paragraph_end(text, at)


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
# Blocks a paragraph may follow; lists and tables are left whole (a <p> inside <ul> is invalid).
_INSERT_AFTER = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "div",
                           "section", "article", "header", "footer", "aside", "main", "details", "address",
                           "center", "form", "ul", "ol", "dl", "table"})
_WHOLE = frozenset({"ul", "ol", "dl", "table"})
# Start tags that end an open <p> without a </p> (the common subset of the HTML rules).
_CLOSES_P = _INSERT_AFTER | {"hr", "li", "dt", "dd", "nav", "fieldset", "menu"}


class _HTMLBlocks(HTMLParser):
    """Element extents in a page: (tag, start of start tag, end of end tag). An element left
    open ends where its parent's end tag (or the block that implicitly closes a <p>) begins."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self._index = LineIndex(source)
        self._open: list[tuple[str, int]] = []
        self.extents: list[tuple[str, int, int]] = []

    def run(self) -> list[tuple[str, int, int]]:
        try:
            self.feed(self.source)
            self.close()
        except Exception:  # noqa: BLE001 - HTMLParser asserts on some broken markup: use what was parsed
            pass
        return self.extents

    def _here(self) -> int:
        return self._index.offset(*self.getpos())

    def handle_starttag(self, tag: str, attrs) -> None:
        here = self._here()
        if tag in _CLOSES_P and self._open and self._open[-1][0] == "p":
            self.extents.append(("p", self._open.pop()[1], here))
        if tag not in _VOID:
            self._open.append((tag, here))

    def handle_endtag(self, tag: str) -> None:
        here = self._here()
        close = self.source.find(">", here)
        end = close + 1 if close != -1 else len(self.source)
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                self.extents.extend((t, s, here) for t, s in self._open[i + 1:])
                self.extents.append((tag, self._open[i][1], end))
                del self._open[i:]
                return


def _html_block_end(source: str, at: int) -> tuple[int, str] | None:
    """Where to insert after the block holding ``at`` (the end of its closing tag), and the
    indentation of the line that block starts on; the outermost list or table holding ``at``
    wins over anything inside it. None when no block encloses it."""
    holding = [(s, e, t) for t, s, e in _HTMLBlocks(source).run() if s <= at < e and t in _INSERT_AFTER]
    whole = [h for h in holding if h[2] in _WHOLE]
    if whole:
        start, end, _ = min(whole)
    elif holding:
        start, end, _ = max(holding)
    else:
        return None
    line_start = source.rfind("\n", 0, start) + 1
    indent = source[line_start:start]
    return end, indent if not indent.strip() else ""


# --------------------------------------------------------------------------- fixing a text

@dataclass(frozen=True)
class Outcome:
    """What became of one fix: fixed, dropped (tried, and the re-lint refused it) or skipped
    (not tried), with the line and column of its finding in the text as read."""

    status: str
    rule: str
    line: int | None
    column: int | None
    old: str
    new: str | None
    inserted: bool
    reason: str | None = None


@dataclass
class TextFix:
    """A fixed text, what happened to each fix, and the findings that remain in it."""

    text: str
    outcomes: list[Outcome]
    remaining: list[Finding]


class _Origin:
    """Maps offsets in a text after some passes of edits back to the text as read, so that
    every report names the place ``lint`` named."""

    def __init__(self) -> None:
        self._passes: list[list[tuple[int, int, int]]] = []  # (start, end, new length) per pass

    def add_pass(self, edits: list[tuple[int, int, int]]) -> None:
        if edits:
            self._passes.append(sorted(edits))

    def back(self, offset: int) -> int:
        for edits in reversed(self._passes):
            offset = _before(offset, edits)
        return offset


def _before(offset: int, edits: list[tuple[int, int, int]]) -> int:
    """An offset after a pass of edits (sorted, in the pass's input coordinates) as an offset
    before it; inside new text, where that edit was made."""
    shift = 0
    for start, end, new_len in edits:
        if offset < start + shift:
            break
        if offset < start + shift + new_len:
            return start
        shift += new_len - (end - start)
    return offset - shift


def fix_text(source: str, fmt: str, linter: Linter, read: Reader, unsafe: bool = False,
             file: SourceFile | None = None) -> TextFix:
    """Fix a source text (``fmt``: text, markdown or html) with a linter's suggestions.

    ``read`` turns a text into a Document the way the file was read; ``file``, when given,
    says which characters can be written back. Passes repeat while they change something (a
    fix passed over for overlapping another may apply once that one is made). Raises
    DocumentError when the text itself cannot be read."""
    safe = _safe_rules(linter)
    index = LineIndex(source)
    origin = _Origin()
    text, findings = source, linter.check(read(source)).findings
    outcomes: list[Outcome] = []
    leftover: list[Outcome] = []

    def where(offset: int | None) -> tuple[int | None, int | None]:
        return (None, None) if offset is None else index.line_col(origin.back(offset))

    for _ in range(MAX_PASSES):
        edits, passed = _plan(text, fmt, findings, safe, unsafe, file)
        text_after, findings_after, applied, refused = _apply(text, findings, edits, linter, read)
        outcomes += [_outcome(FIXED, e, *where(e.finding.position.start)) for e, _ in applied]
        leftover = [_outcome(status, e, *where(e.finding.position.start), reason) for e, status, reason in refused]
        leftover += [_passed(f, *where(f.position.start), reason) for f, reason in passed]
        origin.add_pass([(e.start, e.end, n) for e, n in applied])
        text, findings = text_after, findings_after
        if not applied:
            break
    everything = sorted(outcomes + leftover, key=lambda o: (o.line or 0, o.column or 0, o.rule))
    return TextFix(text, everything, findings)


def _apply(text: str, findings: list[Finding], edits: list[Edit], linter: Linter, read: Reader
           ) -> tuple[str, list[Finding], list[tuple[Edit, int]], list[tuple[Edit, str, str]]]:
    """Try each edit from the end of the text backwards (earlier offsets stay valid), keeping
    it only when re-reading and re-linting the result accepts it. Returns the text, its
    findings, the edits applied (with the length they inserted) and those refused (status,
    reason)."""
    applied: list[tuple[Edit, int]] = []
    refused: list[tuple[Edit, str, str]] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.finding.rule), reverse=True):
        if not _still_reported(edit.finding, findings):
            refused.append((edit, SKIPPED, "no longer reported after another fix"))
            continue
        candidate = edit.apply(text)
        try:
            after = linter.check(read(candidate)).findings
        except DocumentError as exc:
            refused.append((edit, DROPPED, f"the fixed text cannot be read: {exc.reason}"))
            continue
        reason = _refusal(findings, after, edit.finding)
        if reason is not None:
            refused.append((edit, DROPPED, reason))
            continue
        applied.append((edit, len(candidate) - len(text) + edit.end - edit.start))
        text, findings = candidate, after
    return text, findings, applied, refused


def _still_reported(f: Finding, findings: list[Finding]) -> bool:
    return any(g.rule == f.rule and g.position.start == f.position.start and g.position.end == f.position.end
               for g in findings)


def _identity(f: Finding) -> tuple[str, str]:
    """A finding as the re-lint compares them: rule and words (case and spacing folded), not
    place, since every fix moves what follows it."""
    return f.rule, " ".join(f.text.split()).casefold()


def _refusal(before: list[Finding], after: list[Finding], own: Finding) -> str | None:
    """Why a change must not be kept: it creates a finding not there before, or leaves its own."""
    was, now = Counter(map(_identity, before)), Counter(map(_identity, after))
    new = now - was
    if new:
        first = min(new)
        text = next(f.text for f in after if _identity(f) == first)
        return f'it would create a new finding: {first[0]} "{_short(text)}"'
    if now[_identity(own)] >= was[_identity(own)]:
        return "its finding would remain"
    return None


def _outcome(status: str, edit: Edit, line: int | None, column: int | None, reason: str | None = None) -> Outcome:
    f = edit.finding
    return Outcome(status, f.rule, line, column, f.text, edit.shown, edit.inserts, reason)


def _passed(f: Finding, line: int | None, column: int | None, reason: str) -> Outcome:
    inserted = f.scope == "document"
    new = f.suggestion.insert if inserted else f.suggestion.replacement
    return Outcome(SKIPPED, f.rule, line, column, f.text, new, inserted, reason)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


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
    if fmt not in FIXABLE:
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
    data, stamp = (stdin or b"", None) if item.path is None else _read(item.path, item.display)
    decoding = Decoding(settings.encoding, settings.encoding_errors)
    file = SourceFile.read(data, item.display, fmt, decoding)
    fixed = fix_text(file.text, fmt, linter, lambda t: read_source(t, item.display, fmt, settings.html_mode),
                     unsafe, file)
    out = file.encode(fixed.text)
    if _decode(out, item.display, fmt, decoding) != fixed.text:
        raise DocumentError(item.display, f"the fixed text would not read back as written in {file.encoding}; "
                                          "not fixed")
    fail_on = None if settings.fail_on == NEVER else Severity.parse(settings.fail_on)
    result = FileResult.of(item.display, fixed.remaining, fail_on=fail_on)
    safe = _safe_rules(linter)
    more = 0 if unsafe else sum(1 for f in fixed.remaining if _wanted(f, safe, True) and not _wanted(f, safe, False))
    return FileFix(item.display, result, item.path, fixed.outcomes, file.text, fixed.text, out, more, stamp)


def _safe_rules(linter: Linter) -> SafeRules:
    """Rule id -> the phrases its replacement is safe for (None: every match)."""
    return {r.id: (None if r.safe_fix is True else frozenset(" ".join(p.lower().split()) for p in r.safe_fix))
            for r in linter.compiled.rules if r.safe_fix}


def _failed(item: Input, reason: str) -> FileFix:
    return FileFix(item.display, FileResult(item.display, error=reason), item.path)


def _read(path: Path, display: str) -> tuple[bytes, tuple[int, int]]:
    with open_input(path, display) as stream:
        st = os.fstat(stream.fileno())
        return stream.read(), (st.st_mtime_ns, st.st_size)


def read_only(path: Path, st: os.stat_result | None = None) -> bool:
    """No write bit for anyone, or this process may not write it. The bits decide too because
    root may write anything (os.access says yes, and rename ignores the file's mode): a file
    made read-only is left alone for every user alike."""
    mode = (st or os.stat(path)).st_mode
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


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
            change = f'{"inserted" if o.status == FIXED else "insert"} "{_short(o.new or "")}"'
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
