"""--format junit: JUnit XML, for CI test report views (GitLab merge request widget, Jenkins).

These views list test cases and expand failures, so each finding is its own test case, as
the JUnit reports of other linters do: ``classname`` is the document (``file`` or
``file[record]``), ``name`` the rule and line:column, and a ``<failure>`` whose ``type`` is
the rule and whose ``message`` leads with the severity; its text adds the sentence, the
suggestion, any context that lowered the grade and the references. Every severity is a
failure (the severity is in the message): a report that hid info findings would disagree
with the exit code and the other formats.

A document without findings is one passing test case (named ``no findings``), so the report
lists every document checked. An input error is an ``<error>`` test case (named ``input error``); a skipped archive
record, and with ``--show-suppressed`` a suppressed finding, a ``<skipped>`` one; an unused
suppression comment is a failure of type ``unused-suppression``. One ``<testsuite
name="claimcheck">`` holds them all; counts are on it and on ``<testsuites>``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence, TextIO

from .base import ReportOptions
from ..findings import FileResult, Finding
from ..suppressions import UnusedSuppression
from .common import Source, file_position, shown, source_of, suggestion_text, unused, write_xml, xml_element


NAME = "junit"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    suite = xml_element(None, "testsuite", name="claimcheck")
    for r in results:
        source = source_of(r)
        if r.error:
            xml_element(_case(suite, r.path, "input error", source.file, source.line), "error",
                        message=r.error, type="input-error")
            continue
        if r.skipped:
            xml_element(_case(suite, r.path, "skipped", source.file), "skipped", message=r.skipped)
            continue
        found = shown(r, show_suppressed)
        for f in found:
            _finding(suite, f, r.path, source)
        notes = unused(r, warn_unused)
        for u in notes:
            _unused(suite, u, r.path, source)
        if not found and not notes:
            _case(suite, r.path, "no findings", source.file)
    counts = _counts(suite)
    suite.attrib.update(counts)
    root = xml_element(None, "testsuites", name="claimcheck", **counts)
    root.append(suite)
    write_xml(root, out)


def _case(suite: ET.Element, classname: str, name: str, file: str, line: int | None = None) -> ET.Element:
    return xml_element(suite, "testcase", classname=classname, name=name, file=file, line=line)


def _finding(suite: ET.Element, f: Finding, path: str, source: Source) -> None:
    p = f.position
    where = f"{p.line}:{p.column}" if p.line is not None else None
    placed = file_position(f, source)
    case = _case(suite, path, f"{f.rule} at {where}" if where else f.rule, source.file,
                 placed.line if placed else None)
    if f.suppression is not None:
        xml_element(case, "skipped", message=f"suppressed: {f.suppression.reason or 'no reason given'}")
        return
    xml_element(case, "failure", _details(f, path, where), message=f"{f.severity}: {f.message}", type=f.rule)


def _details(f: Finding, path: str, where: str | None) -> str:
    lines = [f"{path}:{where}: {f.severity} {f.rule}" if where else
             f"{path}: {f.severity} {f.rule} (no position: {f.position.unlocated})",
             f.message, f"Sentence: {f.sentence}"]
    if f.suggestion:
        lines.append(suggestion_text(f))
    lines += [f"Context: {c.type} (\"{c.cue}\") lowered it from {c.from_severity}" for c in f.context]
    if f.references:
        lines.append("References: " + " ".join(f.references))
    return "\n".join(lines)


def _unused(suite: ET.Element, u: UnusedSuppression, path: str, source: Source) -> None:
    d = u.directive
    case = _case(suite, path, f"unused-suppression at {d.line}:{d.column}", source.file,
                 None if source.record else d.line)
    xml_element(case, "failure", f"{path}:{d.line}:{d.column}: {d.text}: {u.reason}",
                message=f"warning: {d.text}: {u.reason}", type="unused-suppression")


def _counts(suite: ET.Element) -> dict[str, str]:
    cases = suite.findall("testcase")

    def having(tag: str) -> str:
        return str(sum(1 for case in cases if case.find(tag) is not None))

    return {"tests": str(len(cases)), "failures": having("failure"), "errors": having("error"),
            "skipped": having("skipped")}
