"""The settings a file is checked with, their defaults, and the one-line configuration error."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


from ..findings import SEVERITY_NAMES

CONFIG_FILE = "claimcheck.toml"
PYPROJECT = "pyproject.toml"
DEFAULT = "default"
COMMAND_LINE = "command line"

FAIL_ON_CHOICES: tuple[str, ...] = (*SEVERITY_NAMES, "never")
SEVERITY_CHOICES: tuple[str, ...] = (*SEVERITY_NAMES, "off")
HTML_MODES: tuple[str, ...] = ("main", "all")

# Every key with its default value, in the order `describe` prints them.
DEFAULTS: dict[str, object] = {
    "packs": None,  # all bundled packs
    "rules": (),
    "select": frozenset(),
    "ignore": frozenset(),
    "severity": {},
    "fail-on": "major",
    "min-severity": "info",
    "exclude": (),
    "respect-gitignore": True,
    "html-mode": "main",
    "encoding": None,  # a byte-order mark, else UTF-8
    "encoding-errors": "strict",
    "text-field": "text",
    "id-field": None,  # "id", else "url"
}
KEYS: tuple[str, ...] = tuple(DEFAULTS)
OVERRIDES = "overrides"
OVERRIDE_KEYS: tuple[str, ...] = ("select", "ignore", "severity", "fail-on", "min-severity")
UNSET_MEANING = {
    "packs": "all bundled packs",
    "encoding": "a byte-order mark, else UTF-8",
    "id-field": '"id", else "url"',
}


class ConfigError(Exception):
    """A configuration problem, as one line naming the file, the line when known (``FILE:LINE:``,
    as compilers write it, so editors can jump there) and, when there is one, the key."""

    def __init__(self, file: str, key: str | None, message: str, *, line: int | None = None):
        self.file = file
        self.key = key
        self.message = message
        self.line = line
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class Settings:
    """The effective configuration of ONE file: defaults < file < per-glob overrides < command line.

    ``origin`` maps every key (as spelled in the file: ``fail-on``) to where its value came
    from, so that ``claimcheck config`` can answer "why is this file graded like that?".
    """

    packs: tuple[str, ...] | None = None
    rules: tuple[Path, ...] = ()
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "major"
    min_severity: str = "info"
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    html_mode: str = "main"
    encoding: str | None = None
    encoding_errors: str = "strict"
    text_field: str = "text"
    id_field: str | None = None
    origin: dict[str, str] = field(default_factory=lambda: {key: DEFAULT for key in KEYS})
    config_file: Path | None = None

    def value(self, key: str) -> object:
        """A value by its configuration key (``fail-on``)."""
        return getattr(self, attr(key))

    def severity_for(self, rule_id: str, category: str) -> str | None:
        """The configured severity name (or "off") of a rule; a rule-id entry beats a category one."""
        return self.severity.get(rule_id, self.severity.get(category))

    def allows(self, rule_id: str, category: str) -> bool:
        """Does the rule run? select/ignore by id or category, and severity "off" ignores it."""
        names = {rule_id, category}
        if self.select and not names & self.select:
            return False
        return not names & self.ignore and self.severity_for(rule_id, category) != "off"


def attr(key: str) -> str:
    return key.replace("-", "_")


