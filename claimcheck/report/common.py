"""What the CI formats (sarif, github, junit, checkstyle, csv, jsonl) share, so each says the
same thing the same way: which findings to show, the three-step level scale CI tools know,
where a result sits in the files those tools can open, and one wording of a finding.

A record of a JSONL or WARC file (``file[record-id]``) is reported against its file, but its
positions count from the start of the record's text or page, not of the file. Formats that
annotate files (sarif, github, checkstyle) therefore put such a finding on the file without a
line and name the record and its line:column in the message; pointing at line 1 of the file
would mark another record.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ..findings import FileResult, Finding, Position, Severity
from ..fingerprints import normalised_path
from ..suppressions import UnusedSuppression

_LEVELS = {Severity.CRITICAL: "error", Severity.MAJOR: "error", Severity.MINOR: "warning"}
_ERROR_LINE = re.compile(r"(.+):(\d+)\Z")  # a JSONL line that could not be read: file:N
# Characters XML 1.0 cannot hold at all, escaped or not (controls, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def level(severity: Severity, lowest: str) -> str:
    """critical and major are errors, minor a warning, info the format's lowest level
    (``note`` in SARIF, ``notice`` in GitHub, ``info`` in Checkstyle)."""
    return _LEVELS.get(severity, lowest)


def original_severity(f: Finding) -> Severity:
    """The rule's grade before context (a hedge, a citation) lowered it."""
    return max([f.severity, *(c.from_severity for c in f.context)])


def shown(result: FileResult, show_suppressed: bool) -> list[Finding]:
    """The findings to report, suppressed ones too when asked, in document order."""
    found = list(result.findings) + (list(result.suppressed) if show_suppressed else [])
    return sorted(found, key=lambda f: f.sort_key())


def unused(result: FileResult, warn_unused: bool) -> list[UnusedSuppression]:
    """Suppression comments to report: unknown names always, silencing nothing when asked."""
    return [u for u in result.unused if warn_unused or u.reason != "suppresses nothing"]


@dataclass(frozen=True)
class Source:
    """Where a FileResult lives among the files a CI tool can open: the file; the record
    inside it, if any; for an error about one line of a JSONL file, that line."""

    file: str
    record: str | None = None
    line: int | None = None


def source_of(result: FileResult) -> Source:
    """A record's file is its name without ``[record]``; a JSONL line that could not be read
    (no record to name) is named ``file:N``."""
    path = result.path
    if result.record is not None and path.endswith(f"[{result.record}]"):
        return Source(path[: -len(result.record) - 2], result.record)
    if result.error:
        m = _ERROR_LINE.match(path)
        if m:
            return Source(m[1], line=int(m[2]))
    return Source(path)


def file_position(f: Finding, source: Source) -> Position | None:
    """The finding's place in the file itself: None when unlocated or inside a record."""
    return None if source.record is not None or f.position.line is None else f.position


def repo_path(file: str) -> str:
    """The file as CI tools name it: relative to the working directory when inside it, '/'-separated."""
    return normalised_path(file)


def file_uri(file: str) -> str:
    """A URI reference for the file: relative and percent-encoded, or file:// when absolute."""
    path = repo_path(file)
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path, safe="/")


def suggestion_text(f: Finding) -> str:
    """The suggestion as a sentence or two ('' when the rule has none)."""
    s = f.suggestion
    if s is None:
        return ""
    parts = []
    if s.replacement:
        parts.append(f'Suggestion: replace "{f.text}" with "{s.replacement}".')
    if s.insert:
        parts.append(f'Suggestion: add "{s.insert}"')
    if s.advice:
        parts.append(s.advice)
    return " ".join(parts)


def full_message(f: Finding) -> str:
    """The rule's message followed by its suggestion."""
    return " ".join(p for p in (f.message, suggestion_text(f)) if p)


def annotation_message(f: Finding, source: Source) -> str:
    """The message for a format that annotates files: says which record, or why there is no
    position, and that the finding is suppressed, since the annotation itself cannot."""
    p = f.position
    text = in_record(source, full_message(f), p.line, p.column)
    if p.line is None:
        text += f" (no position: {p.unlocated})"
    if f.suppression is not None:
        text += f" (suppressed: {f.suppression.reason or 'no reason given'})"
    return text


def in_record(source: Source, text: str, line: int | None, column: int | None) -> str:
    """``text`` naming the record it is about, and where in it, when it is about a record."""
    if source.record is None:
        return text
    where = f" at {line}:{column}" if line is not None else ""
    return f"Record {source.record}{where}: {text}"


def unused_message(u: UnusedSuppression, source: Source) -> str:
    d = u.directive
    return in_record(source, f"{d.text}: {u.reason}", d.line, d.column)


def xml_text(text: str) -> str:
    """Text XML can carry: characters XML 1.0 forbids even escaped become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def xml_element(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    """An element whose attribute values (None ones left out) and text are XML-safe strings."""
    values = {k: xml_text(str(v)) for k, v in attrs.items() if v is not None}
    element = ET.Element(tag, values) if parent is None else ET.SubElement(parent, tag, values)
    if text is not None:
        element.text = xml_text(text)
    return element


def write_xml(root: ET.Element, out: TextIO) -> None:
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
