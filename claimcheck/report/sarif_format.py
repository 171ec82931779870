"""--format sarif: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` lists each rule that fired, built from its findings (reporters
never see the rulebook): message as short and full description, help with the advice and
references, ``helpUri`` when the first reference is a web address, the rule's grade before
context lowered it as ``defaultConfiguration.level``. Each result carries the finding's own
level, a region unless the finding has no place in the file (see ``common``), and
``partialFingerprints["claimcheck/v1"]`` (``claimcheck.fingerprints``: rule, file and
sentence, so inserting lines above keeps an alert's identity). Fingerprints are numbered over
reported and suppressed findings together, so ``--show-suppressed`` changes none of them.

Input errors are ``toolExecutionNotifications`` (and make ``executionSuccessful`` false),
skipped archive records notes there; unused suppression comments are
``toolConfigurationNotifications``: a comment is configuration, not a finding in the content.
"""
from __future__ import annotations

import json
from typing import Sequence, TextIO

from .._version import __version__
from .base import ReportOptions
from ..findings import FileResult, Finding, Severity
from ..fingerprints import VERSION as FINGERPRINT_KEY
from ..fingerprints import fingerprints
from .common import (Source, annotation_message, file_position, file_uri, in_record, level, original_severity,
                     shown, source_of, unused, unused_message)

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


NAME = "sarif"


def render(results: Sequence[FileResult], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    show_suppressed = options.show_suppressed
    warn_unused = options.warn_unused
    reported = [(r, source_of(r), shown(r, show_suppressed)) for r in results if not r.error and not r.skipped]
    rules = _rules([f for _, _, found in reported for f in found])
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    sarif_results = []
    for r, source, found in reported:
        prints = _fingerprints(r)
        sarif_results += [_result(f, r, source, index[f.rule], prints[id(f)]) for f in found]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "claimcheck", "version": __version__, "rules": rules}},
            "invocations": [_invocation(results, warn_unused)],
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _invocation(results: list[FileResult], warn_unused: bool) -> dict:
    """Whether every input was read, and notifications: input errors and skipped records
    (execution), suppression comments to report (configuration)."""
    execution, configuration = [], []
    for r in results:
        source = source_of(r)
        if r.error or r.skipped:
            text = in_record(source, r.error or r.skipped, None, None)
            execution.append(_notification("error" if r.error else "note", text, source))
            continue
        configuration += [_notification("warning", unused_message(u, source), source, u.directive.line,
                                        u.directive.column, "unused-suppression") for u in unused(r, warn_unused)]
    invocation: dict = {"executionSuccessful": not any(r.error for r in results)}
    if execution:
        invocation["toolExecutionNotifications"] = execution
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    return invocation


def _fingerprints(r: FileResult) -> dict[int, str]:
    """Fingerprint by finding (keyed by id), numbered over reported and suppressed findings."""
    every = sorted([*r.findings, *r.suppressed], key=lambda f: f.sort_key())
    return {id(f): p for f, p in zip(every, fingerprints(every, r.path))}


def _rules(found: list[Finding]) -> list[dict]:
    first: dict[str, Finding] = {}
    grade: dict[str, Severity] = {}
    for f in found:
        first.setdefault(f.rule, f)
        grade[f.rule] = max(grade.get(f.rule, Severity.INFO), original_severity(f))
    return [_rule(first[rule_id], grade[rule_id]) for rule_id in sorted(first)]


def _rule(f: Finding, severity: Severity) -> dict:
    help_lines = [f.message]
    if f.suggestion and f.suggestion.advice:
        help_lines.append(f.suggestion.advice)
    if f.references:
        help_lines.append("References: " + " ".join(f.references))
    rule = {
        "id": f.rule,
        "shortDescription": {"text": f.message},
        "fullDescription": {"text": f.message},
        "help": {"text": "\n\n".join(help_lines)},
        "defaultConfiguration": {"level": level(severity, "note")},
        "properties": {"category": f.category, "pack": f.pack, "tags": [f.category]},
    }
    if f.references and f.references[0].startswith(("https://", "http://")):
        rule["helpUri"] = f.references[0]
    return rule


def _result(f: Finding, r: FileResult, source: Source, rule_index: int, fingerprint: str) -> dict:
    properties: dict = {"severity": str(f.severity), "category": f.category, "scope": f.scope, "pack": f.pack}
    if source.record is not None:
        properties["record"] = source.record
        if r.url is not None:
            properties["url"] = r.url
        if f.position.line is not None:  # where in the record's own text
            p = f.position
            properties["recordRegion"] = {"startLine": p.line, "startColumn": p.column,
                                          "endLine": p.end_line, "endColumn": p.end_column}
    if f.position.unlocated:
        properties["unlocated"] = f.position.unlocated
    if f.context:
        properties["context"] = [c.to_dict() for c in f.context]
    position = file_position(f, source)
    region = None if position is None else {"startLine": position.line, "startColumn": position.column,
                                            "endLine": position.end_line, "endColumn": position.end_column}
    data = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity, "note"),
        "message": {"text": annotation_message(f, source)},
        "locations": [_location(source.file, region)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }
    if f.suppression is not None:
        suppression = {"kind": "inSource"}
        if f.suppression.reason:
            suppression["justification"] = f.suppression.reason
        data["suppressions"] = [suppression]
    return data


def _location(file: str, region: dict | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": file_uri(file)}}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def _notification(severity: str, text: str, source: Source, line: int | None = None,
                  column: int | None = None, descriptor: str | None = None) -> dict:
    """A notification about a file (an input error, a skipped record, an unused comment).
    ``line``/``column`` count in the document: inside a record they are no file's lines (the
    text names the record and the place instead)."""
    if source.record is not None:
        line = column = None
    line = line if line is not None else source.line
    region = None if line is None else {"startLine": line, **({"startColumn": column} if column else {})}
    data: dict = {"level": severity, "message": {"text": text}, "locations": [_location(source.file, region)]}
    if descriptor:
        data["descriptor"] = {"id": descriptor}
    return data
