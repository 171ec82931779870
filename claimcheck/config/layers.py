"""One configuration file: its table, its per-path overrides, and the command line on top."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence


from ..toml_lines import TOOL_PATH, KeyLines
from .files import display_name, read_toml, tool_table
from .settings import COMMAND_LINE, ConfigError, DEFAULT, DEFAULTS, KEYS, OVERRIDES, OVERRIDE_KEYS, PYPROJECT, Settings, attr
from .values import Section, VALIDATORS, did_you_mean, globs, kind, matches, relative_path, spec

# --- one configuration file -------------------------------------------------------------


@dataclass(frozen=True)
class _Override:
    """One [[overrides]] table: the values it sets for the files its globs match."""

    index: int
    files: tuple[str, ...]
    values: dict[str, object]
    section: Section


class Config:
    """One loaded and validated configuration file, or the defaults when there is none."""

    def __init__(self, path: Path | None, root: Path, values: Mapping[str, object] | None = None,
                 overrides: Sequence[_Override] = (), section: Section | None = None):
        self.path = path
        self.root = root
        self.display = display_name(path) if path is not None else None
        self.values: dict[str, object] = dict(values or {})
        self.overrides: tuple[_Override, ...] = tuple(overrides)
        self._section = section or Section(self.display or "", "", root)

    @classmethod
    def load(cls, path: Path | None) -> "Config":
        """Read and validate a file (None: the defaults, rooted at the working directory).
        A file named pyproject.toml is read from its [tool.claimcheck] table, any other file
        from its top level. Raises ConfigError."""
        if path is None:
            return cls(None, Path.cwd())
        display = display_name(path)
        data, text = read_toml(path, display)
        lines = KeyLines(text)
        prefix, where = "", ()
        if path.name == PYPROJECT:
            data = tool_table(data, display, lines)
            if data is None:
                raise ConfigError(display, None, "no [tool.claimcheck] table")
            prefix, where = "[tool.claimcheck] ", TOOL_PATH
        root = Path(os.path.abspath(path)).parent
        section = Section(display, prefix, root, where, lines)
        values, overrides = _read_table(data, section)
        return cls(path, root, values, overrides, section)

    def settings_for(self, file: Path | None, cli: Mapping[str, object] | None = None) -> Settings:
        """The effective settings of one file (None: standard input, which no override glob
        matches): defaults < this file < every matching override, in order < ``cli``.

        ``cli`` holds the flags the user gave, keyed like the file ("fail-on"), already
        parsed; None values count as not given. Its values replace the file's, except
        ``severity``, which merges like an override's."""
        values = dict(DEFAULTS)
        origin = {key: DEFAULT for key in KEYS}
        if self.display is not None:
            _apply(values, origin, self.values, self.display)
        if file is not None:
            relative = relative_path(file, self.root)
            for override in self.overrides:
                if relative is not None and spec(override.files).match_file(relative):
                    _apply(values, origin, override.values, f"{self.display} overrides[{override.index}]")
        _apply(values, origin, _from_command_line(cli or {}), COMMAND_LINE)
        return Settings(**{attr(key): value for key, value in values.items()},
                        origin=origin, config_file=self.path)

    def excludes(self, file: Path, cli: Sequence[str] | None = None) -> bool:
        """Does ``exclude`` match ``file`` (relative to this file's directory)? Patterns given on
        the command line (``cli``, relative to the working directory) replace the file's."""
        if cli is not None:
            return matches(cli, Path.cwd(), file)
        return matches(self.values.get("exclude", ()), self.root, file)

    def check_names(self, rule_ids: set[str], categories: set[str], packs: set[str]) -> None:
        """Raise ConfigError for the first key naming an unknown rule id or category (select,
        ignore, severity, at top level and in overrides) or an unknown pack. Separate from
        load() because only the caller knows the rulebook (and loading it may depend on us)."""
        known = set(rule_ids) | set(categories)
        tables = [(self._section, self.values)] + [(o.section, o.values) for o in self.overrides]
        for section, values in tables:
            for key in ("select", "ignore", "severity"):
                unknown = sorted(set(values.get(key, ())) - known)
                if unknown:
                    raise section.error(key, _unknown_names("rule id or category", "rule ids or categories",
                                                            unknown, known), names=unknown)
        unknown_packs = sorted(set(self.values.get("packs") or ()) - set(packs))
        if unknown_packs:
            raise self._section.error("packs", _unknown_names("pack", "packs", unknown_packs, packs)
                                      + f"; the packs are: {', '.join(sorted(packs))}")


def _read_table(table: dict, section: Section) -> tuple[dict[str, object], list[_Override]]:
    values: dict[str, object] = {}
    overrides: list[_Override] = []
    for key, value in table.items():
        if key == OVERRIDES:
            overrides = _read_overrides(section, value)
        elif key in VALIDATORS:
            values[key] = VALIDATORS[key](section, key, value)
        else:
            raise section.error(key, _unknown_key(key, [*KEYS, OVERRIDES]))
    return values, overrides


def _read_overrides(section: Section, value: object) -> list[_Override]:
    table_name = "[[tool.claimcheck.overrides]]" if section.prefix else "[[overrides]]"
    if not isinstance(value, list):
        raise section.error(OVERRIDES, f"must be an array of tables ({table_name}), not {kind(value)}")
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise section.error(OVERRIDES, f"must be an array of tables ({table_name}), "
                                           f"but item {number} is {kind(item)}")
    return [_read_override(section.nested(f"{OVERRIDES}[{index}].", OVERRIDES, index), index, item)
            for index, item in enumerate(value)]


def _read_override(section: Section, index: int, table: dict) -> _Override:
    if "files" not in table:
        label = section.prefix.rstrip(".")
        raise ConfigError(section.file, label, "missing required key 'files' (globs of the files it applies to)",
                          line=section.line())
    files = globs(section, "files", table["files"])
    if not files:
        raise section.error("files", "must list at least one glob")
    values: dict[str, object] = {}
    for key, value in table.items():
        if key in OVERRIDE_KEYS:
            values[key] = VALIDATORS[key](section, key, value)
        elif key in KEYS:
            raise section.error(key, f"cannot be set per file (an override may set files, "
                                     f"{', '.join(OVERRIDE_KEYS)})")
        elif key != "files":
            raise section.error(key, _unknown_key(key, ["files", *OVERRIDE_KEYS]))
    return _Override(index, files, values, section)


def _unknown_key(key: str, known: Sequence[str]) -> str:
    suggestion = did_you_mean(key, known)
    return f"unknown key{suggestion}" if suggestion else f"unknown key (known keys: {', '.join(known)})"


def _unknown_names(singular: str, plural: str, unknown: Sequence[str], known: Iterable[str]) -> str:
    known = list(known)
    listed = ", ".join(f"{name!r}{did_you_mean(name, known)}" for name in unknown)
    return f"unknown {singular if len(unknown) == 1 else plural}: {listed}"


def _apply(values: dict[str, object], origin: dict[str, str], layer: Mapping[str, object], where: str) -> None:
    """Lay one source's values over the current ones: replace, but merge severity tables."""
    for key, value in layer.items():
        if key == "severity":
            values[key] = {**values[key], **value}
            origin[key] = where if origin[key] == DEFAULT else f"{origin[key]}, {where}"
        else:
            values[key] = value
            origin[key] = where


_LIST_KEYS = frozenset({"packs", "rules", "select", "ignore", "exclude"})


def settings_from_arguments(arguments: Mapping[str, object]) -> dict[str, object]:
    """Keyword arguments of the library calls (``fail_on="minor"``, ``select=["overclaim"]``)
    as command-line settings, validated as a file's values are: ValueError naming the
    argument for a bad one, TypeError for an unknown one. A string stands for a list of one."""
    out: dict[str, object] = {}
    section = Section("argument", "", Path.cwd())
    for name, value in arguments.items():
        key = name.replace("_", "-")
        if key not in DEFAULTS:
            raise TypeError(f"unknown setting {name!r} (known: {', '.join(k.replace('-', '_') for k in KEYS)})")
        if value is None:
            continue
        if key in _LIST_KEYS:
            value = [value] if isinstance(value, (str, os.PathLike)) else list(value)  # type: ignore[arg-type]
            if key == "rules":
                value = [os.fspath(v) for v in value]
        try:
            out[key] = VALIDATORS[key](section, key, value)
        except ConfigError as exc:
            raise ValueError(f"{name}: {exc.message}") from None
    return out


def _from_command_line(cli: Mapping[str, object]) -> dict[str, object]:
    """The command line's values in the types the file's have (sets, tuples, absolute paths)."""
    shapes: dict[str, Callable[[object], object]] = {
        "packs": tuple,
        "rules": lambda paths: tuple(Path(os.path.abspath(p)) for p in paths),
        "select": frozenset,
        "ignore": frozenset,
        "severity": dict,
        "exclude": tuple,
    }
    out: dict[str, object] = {}
    for key, value in cli.items():
        if key not in DEFAULTS:
            raise ValueError(f"not a configuration key: {key!r}")
        if value is not None:
            out[key] = shapes.get(key, lambda v: v)(value)
    return out


