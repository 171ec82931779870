"""A lint run over many inputs: each file's configuration, a linter per rulebook and settings,
the documents each input holds, and one FileResult per document.

The CLI's ``lint`` is a thin layer over this, and so is anything else that lints files the
way ``lint`` does (the audit runner, editor integrations).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

from .api import build_linter
from .baseline import Baseline
from .config import Config, ConfigCache, ConfigError, Settings
from .documents import Decoding, DocumentError, ReadOptions, Skipped, format_of, read_documents
from .documents import open_input
from .engine import Linter, Selection
from .findings import CATEGORIES, FileResult, Finding, Severity
from .gitdiff import ChangedLines
from .inputs import Input, expand

NEVER = "never"


class UsageError(ValueError):
    """A flag the rulebook cannot honour (--select naming an unknown rule): exit 2."""


@dataclass
class LintSession:
    """Everything a run shares: the flags the user gave (keyed like configuration keys), the
    bundled-rules switch, an explicit --config file (or --isolated: no file at all), and the
    gate's filters: lines changed since a revision (--diff), a baseline to hide known findings
    (--baseline), a baseline being recorded (--write-baseline)."""

    cli: Mapping[str, object] = field(default_factory=dict)
    default_rules: bool = True
    config_file: Path | None = None
    isolated: bool = False
    changed: ChangedLines | None = None
    baseline: Baseline | None = None
    recording: Baseline | None = None
    _configs: ConfigCache = field(default_factory=ConfigCache)
    _bases: dict[tuple, Linter] = field(default_factory=dict)
    _linters: dict[tuple, Linter] = field(default_factory=dict)
    _checked: set[tuple] = field(default_factory=set)
    _problems: set[str] = field(default_factory=set)  # configuration problems reported this run

    # --- configuration ---------------------------------------------------------------------

    def config_for(self, path: Path | None) -> Config:
        """The configuration governing a path (None: standard input, from the working
        directory): --config, else the closest file upward, else the defaults. Raises ConfigError."""
        if self.isolated:
            return self._configs.defaults()
        if self.config_file is not None:
            return self._configs.explicit(self.config_file)
        return self._configs.for_path(path)

    def settings_for(self, path: Path | None) -> Settings:
        return self.config_for(path).settings_for(path, self.cli)

    # --- linters ---------------------------------------------------------------------------

    def linter_for(self, config: Config, settings: Settings) -> Linter:
        """A linter for these settings; rulebooks are compiled once per set of rule paths.
        Raises RulebookError, or ConfigError for names the rulebook does not know."""
        base_key = (settings.rules, self.default_rules)
        base = self._bases.get(base_key)
        if base is None:
            base = self._bases[base_key] = build_linter(settings.rules, self.default_rules)
            self._check_flags(base)
        checked_key = (id(config), base_key)
        if checked_key not in self._checked:
            rules = base.compiled.rules
            config.check_names({r.id for r in rules}, {r.category for r in rules} | set(CATEGORIES),
                               {r.pack for r in rules})
            self._checked.add(checked_key)
        key = (base_key, settings.packs, settings.select, settings.ignore,
               tuple(sorted(settings.severity.items())))
        linter = self._linters.get(key)
        if linter is None:
            linter = self._linters[key] = configured_linter(base, settings)
        return linter

    def problem_once(self, exc: ConfigError) -> FileResult | None:
        """A configuration problem as a result of its own, named ``FILE:LINE`` as reports place
        errors, the first time a file it governs meets it; None afterwards. One problem, one
        message: the files it governs are not checked, and not listed one by one."""
        if str(exc) in self._problems:
            return None
        self._problems.add(str(exc))
        where = exc.file if exc.line is None else f"{exc.file}:{exc.line}"
        message = f"{exc.key}: {exc.message}" if exc.key else exc.message
        return FileResult(where, error=f"{message}; the files this configuration governs were not checked")

    def _check_flags(self, base: Linter) -> None:
        known = {r.id for r in base.compiled.rules} | set(CATEGORIES)
        for key in ("select", "ignore"):
            unknown = sorted(set(self.cli.get(key) or ()) - known)
            if unknown:
                raise UsageError(f"--{key}: unknown rule id or category: {', '.join(unknown)}")

    # --- inputs and documents --------------------------------------------------------------

    def inputs(self, paths: list[str], stdin_name: str | None = None) -> list[Input]:
        """Expand PATHS, leaving out what each file's configuration excludes (and, where it
        says so, what .gitignore files ignore). A broken configuration excludes nothing: the
        error is reported when its files are checked."""
        cli_exclude = self.cli.get("exclude")

        def excluded(path: Path) -> bool:
            try:
                return self.config_for(path).excludes(path, cli_exclude)
            except ConfigError:
                return False

        def gitignore(directory: Path) -> bool:
            try:
                return self.settings_for(directory).respect_gitignore
            except ConfigError:
                return True

        inputs = expand(paths, stdin_name, excluded, gitignore)
        if self.changed is None:
            return inputs
        return [i for i in inputs if i.error or i.path is None or self.changed.touched(i.path)]

    def results(self, item: Input, stdin: BinaryIO | None = None) -> Iterator[FileResult]:
        """One FileResult per document of an input (an error result when it cannot be read)."""
        if item.error:
            yield FileResult(item.display, error=item.error)
            return
        try:
            config = self.config_for(item.path)
            settings = config.settings_for(item.path, self.cli)
            linter = self.linter_for(config, settings)
        except ConfigError as exc:
            problem = self.problem_once(exc)
            if problem is not None:
                yield problem
            return
        fmt = format_of(item.display) or "text"
        options = ReadOptions(Decoding(settings.encoding, settings.encoding_errors), settings.html_mode,
                              settings.text_field, settings.id_field)
        shown = Severity.parse(settings.min_severity)
        fail_on = None if settings.fail_on == NEVER else Severity.parse(settings.fail_on)
        try:
            stream = (stdin or sys.stdin.buffer) if item.path is None else open_input(item.path, item.display)
        except DocumentError as exc:
            yield FileResult(item.display, error=exc.reason)
            return
        try:
            for doc in read_documents(stream, item.display, fmt, options):
                if isinstance(doc, Skipped):
                    yield FileResult(doc.path, skipped=doc.reason, record=doc.record)
                elif isinstance(doc, DocumentError):
                    yield FileResult(doc.path, error=doc.reason, record=doc.record)
                else:
                    checked = linter.check(doc)
                    if checked.not_checked:  # written in a language no rule pack is for
                        yield FileResult(doc.display, skipped=checked.not_checked, record=doc.record, url=doc.url,
                                         language=checked.language)
                        continue
                    findings, baselined = self._gate(item.path, doc.display, doc.record is not None,
                                                     checked.findings)
                    yield FileResult.of(doc.display, findings, shown, suppressed=checked.suppressed,
                                        unused=checked.unused, record=doc.record, url=doc.url,
                                        fail_on=fail_on, baselined=baselined, language=checked.language)
        finally:
            if item.path is not None:
                stream.close()


    def _gate(self, path: Path | None, display: str, is_record: bool, findings: list[Finding]
              ) -> tuple[list[Finding], int]:
        """What the gate judges: only findings on changed lines (--diff; a record or a
        document-level finding counts when its file changed), recorded for --write-baseline,
        minus those the baseline knows. Returns the findings left and how many it hid."""
        if self.changed is not None and path is not None:
            findings = [f for f in findings
                        if self.changed.covers(path, *((None, None) if is_record or f.scope == "document"
                                                      else (f.position.line, f.position.end_line)))]
        if self.recording is not None:
            self.recording.record(display, findings)
        if self.baseline is None:
            return findings, 0
        new, known = self.baseline.split(display, findings)
        return new, len(known)


def configured_linter(base: Linter, settings: Settings) -> Linter:
    """The base linter narrowed to the settings' packs, select and ignore, with severity
    overrides (a rule id beats its category; "off" turns a rule off)."""
    off = frozenset(r.id for r in base.compiled.rules if settings.severity_for(r.id, r.category) == "off")
    severities = {}
    for r in base.compiled.rules:
        name = settings.severity_for(r.id, r.category)
        if name is not None and name != "off":
            severities[r.id] = Severity.parse(name)
    packs = frozenset(settings.packs) if settings.packs is not None else None
    return base.configured(Selection(settings.select, settings.ignore | off, packs), severities)
