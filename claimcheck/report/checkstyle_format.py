"""--format checkstyle: Checkstyle XML, which code review bots and CI plugins read (reviewdog,
Jenkins Warnings, GitLab code quality converters).

One ``<file name=…>`` per file checked, empty when clean (so the report lists what was
checked); the records of a JSONL or WARC file go under that file, without a line, their record
and line:column in the message (see ``common``). Each finding is an ``<error>`` with ``line``,
``column`` (left out when there is no place in the file), ``severity`` (critical and major
``error``, minor ``warning``, info ``info``), the message with its suggestion, and ``source``
``claimcheck.RULE-ID``. With ``--show-suppressed`` suppressed findings come with Checkstyle's
own ``ignore`` severity. An input error is severity ``error`` from ``claimcheck.input``; an
unused suppression comment a ``warning`` from ``claimcheck.unused-suppression``. Skipped
archive records are left out.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence, TextIO

from .base import ReportOptions
from ..findings import FileResult, Finding
from .common import (Source, annotation_message, file_position, in_record, level, repo_path, shown, source_of,
                     unused, unused_message, write_xml, xml_element)


NAME = "checkstyle"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    root = xml_element(None, "checkstyle", version="4.3")
    files: dict[str, ET.Element] = {}
    for r in results:
        if r.skipped:
            continue
        source = source_of(r)
        name = repo_path(source.file)
        if name not in files:
            files[name] = xml_element(root, "file", name=name)
        element = files[name]
        if r.error:
            xml_element(element, "error", line=source.line, severity="error",
                        message=in_record(source, r.error, None, None), source="claimcheck.input")
            continue
        for f in shown(r, show_suppressed):
            _finding(element, f, source)
        for u in unused(r, warn_unused):
            in_file = source.record is None
            xml_element(element, "error", line=u.directive.line if in_file else None,
                        column=u.directive.column if in_file else None, severity="warning",
                        message=unused_message(u, source), source="claimcheck.unused-suppression")
    write_xml(root, out)


def _finding(element: ET.Element, f: Finding, source: Source) -> None:
    p = file_position(f, source)
    severity = "ignore" if f.suppression is not None else level(f.severity, "info")
    xml_element(element, "error", line=p.line if p else None, column=p.column if p else None,
                severity=severity, message=annotation_message(f, source), source=f"claimcheck.{f.rule}")
