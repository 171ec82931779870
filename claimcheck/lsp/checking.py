"""Linting one editor buffer as `claimcheck lint` lints the file it is (or as `lint -
--stdin-filename NAME` lints standard input): the configuration closest to the file, its
exclude globs, its rules, select, ignore, severities, min-severity and html-mode, and the
reader the file's suffix picks.

Every check starts a new LintSession, so a configuration file is found and read again each
time (about a millisecond) and an edit to it applies at the next check; the compiled rulebook
is not rebuilt: ``build_linter`` keeps it for the process, keyed by the pack files and their
modification times, so only a changed rule pack is compiled again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..config import ConfigError
from ..config.files import display_name
from ..documents import Document, DocumentError, ReadOptions, format_of, holds_many, reader
from ..findings import Finding, Severity
from ..fix.edits import SafeRules, safe_rules
from ..rulebook import Rule, RulebookError
from ..session import LintSession
from ..suppressions import UnusedSuppression
from .positions import UTF16, PositionMap

# The reader for a buffer whose name has no suffix claimcheck knows, by the client's languageId
LANGUAGE_FORMATS = {"markdown": "markdown", "html": "html", "plaintext": "text", "text": "text"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Snapshot:
    """One version of a buffer: what the client sent, and the file it is (None: not a file,
    an untitled buffer, checked with the working directory's configuration)."""

    uri: str
    path: Path | None
    language_id: str
    version: int | None
    text: str

    @property
    def display(self) -> str:
        return display_name(self.path) if self.path is not None else self.uri

    def format(self) -> str:
        """The reader's name: by the file's suffix as lint picks it, else by languageId, else
        plain text (as lint reads a file of an unknown suffix named directly)."""
        by_name = format_of(self.path.name) if self.path is not None else None
        return by_name or LANGUAGE_FORMATS.get(self.language_id, "text")


@dataclass
class Report:
    """A checked buffer: the findings to show (configuration's min-severity applied), the
    suppression comments naming unknown rules, and what code actions and hover need."""

    snapshot: Snapshot
    fmt: str
    document: Document
    options: ReadOptions
    findings: list[Finding]
    unused: list[UnusedSuppression]
    rules: dict[str, Rule]
    safe: SafeRules
    encoding: str = UTF16
    cache: dict = field(default_factory=dict)  # computed edits, by finding (actions)

    @property
    def text(self) -> str:
        return self.snapshot.text

    @cached_property
    def positions(self) -> PositionMap:
        return PositionMap(self.text, self.encoding)

    def reread(self, text: str) -> Document:
        """Another text read as this buffer was (raises DocumentError)."""
        return reader(self.fmt).parse(text, self.snapshot.display, self.options)


@dataclass(frozen=True)
class NotChecked:
    """A buffer with nothing to show: excluded, empty, in a language no pack is for."""

    snapshot: Snapshot
    reason: str


@dataclass(frozen=True)
class Problem:
    """A configuration or rulebook error: one line naming the file (and line)."""

    snapshot: Snapshot
    message: str


Outcome = Report | NotChecked | Problem


def _problem(snapshot: Snapshot, message: str) -> Problem:
    """A message is one line, whatever a file's keys or values hold."""
    return Problem(snapshot, " ".join(message.split()))


def check(snapshot: Snapshot, encoding: str = UTF16) -> Outcome:
    """Lint a buffer; positions will count ``encoding``'s units (the one agreed at initialize).
    Never raises for a bad configuration or rule pack: that is a Problem."""
    fmt = snapshot.format()
    if holds_many(fmt):
        return NotChecked(snapshot, f"{fmt} holds many documents: run claimcheck lint on it")
    session = LintSession()
    try:
        config = session.config_for(snapshot.path)
        if snapshot.path is not None and config.excludes(snapshot.path):
            return NotChecked(snapshot, f"excluded by {config.display}")
        settings = config.settings_for(snapshot.path, session.cli)
        linter = session.linter_for(config, settings)
    except ConfigError as exc:
        return _problem(snapshot, f"claimcheck: configuration error: {exc}")
    except RulebookError as exc:
        more = len(exc.problems) - 1
        return _problem(snapshot, f"claimcheck: rulebook error: {exc.problems[0]}"
                                  + (f" (and {more} more)" if more else ""))
    options = ReadOptions(html_mode=settings.html_mode)
    # a lone surrogate cannot be UTF-8 (lint_text makes it "?" too): one character for one keeps offsets
    text = _LONE_SURROGATE.sub("?", snapshot.text)
    try:
        document = reader(fmt).parse(text, snapshot.display, options)
    except DocumentError as exc:
        return NotChecked(snapshot, exc.reason)
    checked = linter.check(document)
    if checked.not_checked:
        return NotChecked(snapshot, checked.not_checked)
    shown = Severity.parse(settings.min_severity)
    findings = sorted((f for f in checked.findings if f.severity >= shown), key=lambda f: f.sort_key())
    unknown = [u for u in checked.unused if u.reason != "suppresses nothing"]  # as lint reports them
    rules = {r.id: r for r in linter.compiled.rules}
    return Report(snapshot, fmt, document, options, findings, unknown, rules, safe_rules(linter), encoding)
