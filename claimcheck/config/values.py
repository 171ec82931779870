"""Validating each value of a configuration table, with a suggestion for a misspelt key or name."""
from __future__ import annotations

import difflib
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:  # imported when globs are first compiled (a run without any pays nothing)
    import pathspec

from ..documents.encoding import ERROR_MODES, check_encoding
from ..findings import SEVERITY_NAMES
from ..toml_lines import BARE_KEY, KeyLines, KeyPath
from .settings import ConfigError, FAIL_ON_CHOICES, HTML_MODES, SEVERITY_CHOICES

# --- validating values ------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """Where in a configuration file a table sits, to name keys (and their lines) in messages
    and resolve paths."""

    file: str
    prefix: str  # "[tool.claimcheck] " in pyproject.toml, plus "overrides[0]." inside an override
    root: Path
    path: KeyPath = ()  # the table's key path in the file: ("tool", "claimcheck", "overrides", 0)
    lines: KeyLines | None = None  # None: messages name no line

    def label(self, key: str) -> str:
        return self.prefix + toml_key(key)

    def line(self, *keys: str | int) -> int | None:
        """The line of a key of this table (no key: of the table itself)."""
        return self.lines.line(self.path + keys) if self.lines is not None else None

    def error(self, key: str, message: str, names: Iterable[str] = ()) -> ConfigError:
        """An error about ``key``; ``names`` are the offending entries of its value (a severity
        table's rule ids), so that the line is that of the first one written when they have
        lines of their own, else the key's."""
        lines = [line for line in (self.line(key, name) for name in names) if line is not None]
        line = min(lines) if lines else self.line(key)
        return ConfigError(self.file, self.label(key), message, line=line)

    def nested(self, prefix: str, *keys: str | int) -> "Section":
        return Section(self.file, self.prefix + prefix, self.root, self.path + keys, self.lines)


def kind(value: object) -> str:
    """A TOML value's type in TOML's words, with its article ("an integer")."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(type(value), "a date or time")


def toml_key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _suggest(name: str, choices: Iterable[str]) -> str | None:
    """The closest known name, ignoring case and _ versus - ("fail_on" -> "fail-on")."""
    folded = {c.lower().replace("_", "-"): c for c in choices}
    close = difflib.get_close_matches(name.lower().replace("_", "-"), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    suggestion = _suggest(name, choices)
    return f" (did you mean {suggestion!r}?)" if suggestion else ""


def _string(section: Section, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise section.error(key, f"must be a string, not {kind(value)}")
    if not value.strip():
        raise section.error(key, "must not be empty")
    return value


def _strings(section: Section, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise section.error(key, f"must be an array of strings, not {kind(value)}")
    for number, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise section.error(key, f"must be an array of strings, but item {number} is {kind(item)}")
        if not item.strip():
            raise section.error(key, f"item {number} is an empty string")
    return tuple(value)


def _choice(choices: Sequence[str]) -> Callable[[Section, str, object], str]:
    def check(section: Section, key: str, value: object) -> str:
        text = _string(section, key, value)
        if text not in choices:
            raise section.error(key, f"{text!r} is not one of {', '.join(choices)}")
        return text

    return check


def _boolean(section: Section, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise section.error(key, f"must be true or false, not {kind(value)}")
    return value


def _names(section: Section, key: str, value: object) -> frozenset[str]:
    return frozenset(_strings(section, key, value))


def _severity_table(section: Section, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise section.error(key, f"must be a table of rule ids or categories to severities "
                                 f'(e.g. {{ overclaim = "minor" }}), not {kind(value)}')
    grade = _choice(SEVERITY_CHOICES)
    inner = section.nested(toml_key(key) + ".", key)
    return {name: grade(inner, name, level) for name, level in value.items()}


def globs(section: Section, key: str, value: object) -> tuple[str, ...]:
    patterns = _strings(section, key, value)
    for pattern in patterns:
        try:
            spec((pattern,))
        except ValueError:
            raise section.error(key, f"invalid glob {pattern!r}") from None
    return patterns


def _rule_paths(section: Section, key: str, value: object) -> tuple[Path, ...]:
    """Rule pack paths, relative to the configuration file's directory, checked to exist now so
    that the message names the configuration key rather than a path out of nowhere."""
    paths = []
    for given in _strings(section, key, value):
        path = Path(os.path.abspath(section.root / given))
        if not path.exists():
            raise section.error(key, f"no such rule file or directory: {given}")
        paths.append(path)
    return tuple(paths)


def _encoding(section: Section, key: str, value: object) -> str:
    name = _string(section, key, value)
    try:
        check_encoding(name)
    except ValueError as exc:
        raise section.error(key, str(exc)) from None
    return name


VALIDATORS: dict[str, Callable[[Section, str, object], object]] = {
    "packs": _strings,
    "rules": _rule_paths,
    "select": _names,
    "ignore": _names,
    "severity": _severity_table,
    "fail-on": _choice(FAIL_ON_CHOICES),
    "min-severity": _choice(SEVERITY_NAMES),
    "exclude": globs,
    "respect-gitignore": _boolean,
    "html-mode": _choice(HTML_MODES),
    "encoding": _encoding,
    "encoding-errors": _choice(ERROR_MODES),
    "text-field": _string,
    "id-field": _string,
}


@functools.lru_cache(maxsize=256)
def spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Compiled gitignore-style globs (cached: every file of a run asks the same ones)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(patterns: Sequence[str], root: Path, path: Path) -> bool:
    """Does ``path`` match any gitignore-style glob of ``patterns``, relative to ``root``?
    A path outside ``root`` matches nothing. A directory matches "name/" patterns too."""
    relative = relative_path(path, root)
    if relative is None or not patterns:
        return False
    if path.is_dir():
        relative += "/"
    return spec(tuple(patterns)).match_file(relative)


def relative_path(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` in posix form, trying symlinks resolved when the plain
    absolute path is not inside (a working directory reached through a link)."""
    for candidate, base in ((Path(os.path.abspath(path)), root), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


