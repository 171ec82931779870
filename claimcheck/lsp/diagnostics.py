"""A Report's findings as LSP diagnostics.

Severities as the CI formats map them (report/common.py ``level``): critical and major are
errors, minor a warning, info information. The message is the rule's message and its
suggestion, as SARIF and GitHub annotations word it; the code is the rule id, linked to the
rule's first reference. A document rule (a missing warning) sits on its anchor, the first
mention of what it is about. A finding whose text has no place in the source (an HTML
extractor's text that differs from the page) sits at the start and says why.
"""
from __future__ import annotations

from lsprotocol import types

from ..documents import LineIndex
from ..findings import Finding, Severity
from ..report.common import full_message
from ..suppressions import UnusedSuppression
from .checking import Report

SOURCE = "claimcheck"
SEVERITIES = {
    Severity.CRITICAL: types.DiagnosticSeverity.Error,
    Severity.MAJOR: types.DiagnosticSeverity.Error,
    Severity.MINOR: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
UNUSED_SUPPRESSION = "unused-suppression"
_START = types.Range(types.Position(0, 0), types.Position(0, 0))


def finding_range(report: Report, f: Finding) -> types.Range:
    if f.position.start is None or f.position.end is None:
        return _START
    return report.positions.range(f.position.start, f.position.end)


def diagnostic(report: Report, f: Finding) -> types.Diagnostic:
    message = full_message(f)
    if f.position.start is None:
        message += f" (no position: {f.position.unlocated})"
    return types.Diagnostic(
        range=finding_range(report, f),
        message=message,
        severity=SEVERITIES[f.severity],
        code=f.rule,
        code_description=types.CodeDescription(href=f.references[0]) if f.references else None,
        source=SOURCE,
    )


def unused_diagnostic(report: Report, unused: UnusedSuppression, lines: LineIndex) -> types.Diagnostic:
    """A suppression comment naming an unknown rule: a warning from the comment to its line's end."""
    d = unused.directive
    start = lines.offset(d.line, d.column - 1)
    end = report.text.find("\n", start)  # a "\r" before it is left out by the position map
    return types.Diagnostic(
        range=report.positions.range(start, len(report.text) if end == -1 else end),
        message=f"{d.text}: {unused.reason}",
        severity=types.DiagnosticSeverity.Warning,
        code=UNUSED_SUPPRESSION,
        source=SOURCE,
    )


def diagnostics(report: Report) -> list[types.Diagnostic]:
    found = [diagnostic(report, f) for f in report.findings]
    if report.unused:
        lines = LineIndex(report.text)
        found += [unused_diagnostic(report, u, lines) for u in report.unused]
    return found
