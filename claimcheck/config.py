"""Configuration files: ``claimcheck.toml``, or ``[tool.claimcheck]`` in ``pyproject.toml``.

Like ruff, the configuration of a file is the one closest to it (searching from its directory
upward), never a merge of several files up the tree: what applies to a file can then be read
in one place. Command-line flags override the file. Every value is validated when the file is
loaded, so a typo stops the run with one line naming the file and the key, instead of being
silently ignored. The line is named too (``pyproject.toml:12: …``): tomllib gives no
positions, so `KeyLines` finds where each key is written in the text tomllib parsed.
"""
from __future__ import annotations

import difflib
import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import pathspec

from .documents.encoding import ERROR_MODES, check_encoding
from .findings import SEVERITY_NAMES
from .toml_lines import BARE_KEY, TOOL_PATH, KeyLines, KeyPath

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
_UNSET_MEANING = {
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
        return getattr(self, _attr(key))

    def severity_for(self, rule_id: str, category: str) -> str | None:
        """The configured severity name (or "off") of a rule; a rule-id entry beats a category one."""
        return self.severity.get(rule_id, self.severity.get(category))

    def allows(self, rule_id: str, category: str) -> bool:
        """Does the rule run? select/ignore by id or category, and severity "off" ignores it."""
        names = {rule_id, category}
        if self.select and not names & self.select:
            return False
        return not names & self.ignore and self.severity_for(rule_id, category) != "off"


def _attr(key: str) -> str:
    return key.replace("-", "_")


# --- finding the file -------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The closest claimcheck.toml, or pyproject.toml with a [tool.claimcheck] table, from the
    directory ``start`` upward to the filesystem root. Raises ConfigError for a pyproject.toml
    that is not valid TOML (as ruff does): skipping it could silently drop its configuration."""
    directory = _directory_of(start)
    while True:
        found = config_in(directory)
        if found is not None or directory.parent == directory:
            return found
        directory = directory.parent


def config_in(directory: Path) -> Path | None:
    """This directory's own configuration file, if it has one (claimcheck.toml first)."""
    own = directory / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = directory / PYPROJECT
    if pyproject.is_file():
        data, text = _read_toml(pyproject)
        if _tool_table(data, _display(pyproject), KeyLines(text)) is not None:
            return pyproject
    return None


def _directory_of(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    return absolute if absolute.is_dir() else absolute.parent


def _display(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _read_toml(path: Path, display: str | None = None) -> tuple[dict, str]:
    """The parsed file and its text (kept so that messages can find a key's line without
    reading the file again)."""
    display = display or _display(path)
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise _invalid_toml(display, text, exc) from None
    except FileNotFoundError:
        raise ConfigError(display, None, "no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(display, None, f"cannot read configuration file: {exc}") from None


_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def _invalid_toml(display: str, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    """tomllib ends its message with the position; the line moves to the front, where every
    other message has it, and the column stays in the message."""
    message = str(exc)
    found = _TOML_POSITION.search(message)
    if found is None:
        return ConfigError(display, None, f"invalid TOML: {message}")
    if found.group(1):
        line, position = int(found.group(1)), f" (at column {found.group(2)})"
    else:  # the last line that has anything on it, rather than the empty one after it
        line, position = text.rstrip().count("\n") + 1, " (at end of document)"
    return ConfigError(display, None, f"invalid TOML: {message[:found.start()]}{position}", line=line)


def _tool_table(data: dict, display: str, lines: KeyLines | None = None) -> dict | None:
    """pyproject.toml's [tool.claimcheck], None when there is none (the file is not ours)."""
    tool = data.get("tool")
    if not isinstance(tool, dict) or "claimcheck" not in tool:
        return None
    table = tool["claimcheck"]
    if not isinstance(table, dict):
        line = lines.line(TOOL_PATH) if lines is not None else None
        raise ConfigError(display, "tool.claimcheck", f"must be a table, not {_kind(table)}", line=line)
    return table


# --- validating values ------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    """Where in a configuration file a table sits, to name keys (and their lines) in messages
    and resolve paths."""

    file: str
    prefix: str  # "[tool.claimcheck] " in pyproject.toml, plus "overrides[0]." inside an override
    root: Path
    path: KeyPath = ()  # the table's key path in the file: ("tool", "claimcheck", "overrides", 0)
    lines: KeyLines | None = None  # None: messages name no line

    def label(self, key: str) -> str:
        return self.prefix + _toml_key(key)

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

    def nested(self, prefix: str, *keys: str | int) -> "_Section":
        return _Section(self.file, self.prefix + prefix, self.root, self.path + keys, self.lines)


def _kind(value: object) -> str:
    """A TOML value's type in TOML's words, with its article ("an integer")."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(type(value), "a date or time")


def _toml_key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _suggest(name: str, choices: Iterable[str]) -> str | None:
    """The closest known name, ignoring case and _ versus - ("fail_on" -> "fail-on")."""
    folded = {c.lower().replace("_", "-"): c for c in choices}
    close = difflib.get_close_matches(name.lower().replace("_", "-"), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    suggestion = _suggest(name, choices)
    return f" (did you mean {suggestion!r}?)" if suggestion else ""


def _string(section: _Section, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise section.error(key, f"must be a string, not {_kind(value)}")
    if not value.strip():
        raise section.error(key, "must not be empty")
    return value


def _strings(section: _Section, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise section.error(key, f"must be an array of strings, not {_kind(value)}")
    for number, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise section.error(key, f"must be an array of strings, but item {number} is {_kind(item)}")
        if not item.strip():
            raise section.error(key, f"item {number} is an empty string")
    return tuple(value)


def _choice(choices: Sequence[str]) -> Callable[[_Section, str, object], str]:
    def check(section: _Section, key: str, value: object) -> str:
        text = _string(section, key, value)
        if text not in choices:
            raise section.error(key, f"{text!r} is not one of {', '.join(choices)}")
        return text

    return check


def _boolean(section: _Section, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise section.error(key, f"must be true or false, not {_kind(value)}")
    return value


def _names(section: _Section, key: str, value: object) -> frozenset[str]:
    return frozenset(_strings(section, key, value))


def _severity_table(section: _Section, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise section.error(key, f"must be a table of rule ids or categories to severities "
                                 f'(e.g. {{ overclaim = "minor" }}), not {_kind(value)}')
    grade = _choice(SEVERITY_CHOICES)
    inner = section.nested(_toml_key(key) + ".", key)
    return {name: grade(inner, name, level) for name, level in value.items()}


def _globs(section: _Section, key: str, value: object) -> tuple[str, ...]:
    patterns = _strings(section, key, value)
    for pattern in patterns:
        try:
            _spec((pattern,))
        except ValueError:
            raise section.error(key, f"invalid glob {pattern!r}") from None
    return patterns


def _rule_paths(section: _Section, key: str, value: object) -> tuple[Path, ...]:
    """Rule pack paths, relative to the configuration file's directory, checked to exist now so
    that the message names the configuration key rather than a path out of nowhere."""
    paths = []
    for given in _strings(section, key, value):
        path = Path(os.path.abspath(section.root / given))
        if not path.exists():
            raise section.error(key, f"no such rule file or directory: {given}")
        paths.append(path)
    return tuple(paths)


def _encoding(section: _Section, key: str, value: object) -> str:
    name = _string(section, key, value)
    try:
        check_encoding(name)
    except ValueError as exc:
        raise section.error(key, str(exc)) from None
    return name


VALIDATORS: dict[str, Callable[[_Section, str, object], object]] = {
    "packs": _strings,
    "rules": _rule_paths,
    "select": _names,
    "ignore": _names,
    "severity": _severity_table,
    "fail-on": _choice(FAIL_ON_CHOICES),
    "min-severity": _choice(SEVERITY_NAMES),
    "exclude": _globs,
    "respect-gitignore": _boolean,
    "html-mode": _choice(HTML_MODES),
    "encoding": _encoding,
    "encoding-errors": _choice(ERROR_MODES),
    "text-field": _string,
    "id-field": _string,
}


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Compiled gitignore-style globs (cached: every file of a run asks the same ones)."""
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(patterns: Sequence[str], root: Path, path: Path) -> bool:
    """Does ``path`` match any gitignore-style glob of ``patterns``, relative to ``root``?
    A path outside ``root`` matches nothing. A directory matches "name/" patterns too."""
    relative = _relative(path, root)
    if relative is None or not patterns:
        return False
    if path.is_dir():
        relative += "/"
    return _spec(tuple(patterns)).match_file(relative)


def _relative(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` in posix form, trying symlinks resolved when the plain
    absolute path is not inside (a working directory reached through a link)."""
    for candidate, base in ((Path(os.path.abspath(path)), root), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


# --- one configuration file -------------------------------------------------------------


@dataclass(frozen=True)
class _Override:
    """One [[overrides]] table: the values it sets for the files its globs match."""

    index: int
    files: tuple[str, ...]
    values: dict[str, object]
    section: _Section


class Config:
    """One loaded and validated configuration file, or the defaults when there is none."""

    def __init__(self, path: Path | None, root: Path, values: Mapping[str, object] | None = None,
                 overrides: Sequence[_Override] = (), section: _Section | None = None):
        self.path = path
        self.root = root
        self.display = _display(path) if path is not None else None
        self.values: dict[str, object] = dict(values or {})
        self.overrides: tuple[_Override, ...] = tuple(overrides)
        self._section = section or _Section(self.display or "", "", root)

    @classmethod
    def load(cls, path: Path | None) -> "Config":
        """Read and validate a file (None: the defaults, rooted at the working directory).
        A file named pyproject.toml is read from its [tool.claimcheck] table, any other file
        from its top level. Raises ConfigError."""
        if path is None:
            return cls(None, Path.cwd())
        display = _display(path)
        data, text = _read_toml(path, display)
        lines = KeyLines(text)
        prefix, where = "", ()
        if path.name == PYPROJECT:
            data = _tool_table(data, display, lines)
            if data is None:
                raise ConfigError(display, None, "no [tool.claimcheck] table")
            prefix, where = "[tool.claimcheck] ", TOOL_PATH
        root = Path(os.path.abspath(path)).parent
        section = _Section(display, prefix, root, where, lines)
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
            relative = _relative(file, self.root)
            for override in self.overrides:
                if relative is not None and _spec(override.files).match_file(relative):
                    _apply(values, origin, override.values, f"{self.display} overrides[{override.index}]")
        _apply(values, origin, _from_command_line(cli or {}), COMMAND_LINE)
        return Settings(**{_attr(key): value for key, value in values.items()},
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


def _read_table(table: dict, section: _Section) -> tuple[dict[str, object], list[_Override]]:
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


def _read_overrides(section: _Section, value: object) -> list[_Override]:
    table_name = "[[tool.claimcheck.overrides]]" if section.prefix else "[[overrides]]"
    if not isinstance(value, list):
        raise section.error(OVERRIDES, f"must be an array of tables ({table_name}), not {_kind(value)}")
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise section.error(OVERRIDES, f"must be an array of tables ({table_name}), "
                                           f"but item {number} is {_kind(item)}")
    return [_read_override(section.nested(f"{OVERRIDES}[{index}].", OVERRIDES, index), index, item)
            for index, item in enumerate(value)]


def _read_override(section: _Section, index: int, table: dict) -> _Override:
    if "files" not in table:
        label = section.prefix.rstrip(".")
        raise ConfigError(section.file, label, "missing required key 'files' (globs of the files it applies to)",
                          line=section.line())
    files = _globs(section, "files", table["files"])
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
    suggestion = _did_you_mean(key, known)
    return f"unknown key{suggestion}" if suggestion else f"unknown key (known keys: {', '.join(known)})"


def _unknown_names(singular: str, plural: str, unknown: Sequence[str], known: Iterable[str]) -> str:
    known = list(known)
    listed = ", ".join(f"{name!r}{_did_you_mean(name, known)}" for name in unknown)
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
    section = _Section("argument", "", Path.cwd())
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


# --- a run's configurations -------------------------------------------------------------


class ConfigCache:
    """Finds and loads configurations once per directory across a run: the files of one
    directory (and of its subdirectories without their own file) share one Config."""

    def __init__(self) -> None:
        self._found: dict[Path, Path | None] = {}
        self._loaded: dict[Path | None, Config] = {}

    def for_path(self, file: Path | None) -> Config:
        """The configuration of a file (or directory); None for standard input: the working
        directory's."""
        return self._config(self._find(_directory_of(file if file is not None else Path.cwd())))

    def defaults(self) -> Config:
        """No file at all (--isolated): the defaults, rooted at the working directory."""
        return self._config(None)

    def explicit(self, path: Path) -> Config:
        """The file given with --config, used for every input instead of discovery."""
        return self._config(Path(os.path.abspath(path)))

    def _find(self, directory: Path) -> Path | None:
        visited: list[Path] = []
        found: Path | None = None
        while directory not in self._found:
            visited.append(directory)
            found = config_in(directory)
            if found is not None or directory.parent == directory:
                break
            directory = directory.parent
        else:
            found = self._found[directory]
        for seen in visited:
            self._found[seen] = found
        return found

    def _config(self, path: Path | None) -> Config:
        if path not in self._loaded:
            self._loaded[path] = Config.load(path)
        return self._loaded[path]


# --- showing the settings ---------------------------------------------------------------


def describe(settings: Settings) -> str:
    """What `claimcheck config [PATH]` prints: every key as TOML a user could paste into a
    configuration file, each with where its value came from."""
    if settings.config_file is None:
        header = "# no configuration file found; defaults"
        base = Path.cwd()
    else:
        header = f"# configuration file: {_display(settings.config_file)}"
        base = Path(os.path.abspath(settings.config_file)).parent
    lines = [header]
    for key in KEYS:
        value = settings.value(key)
        where = f"  # from {settings.origin.get(key, DEFAULT)}"
        if value is None:
            lines.append(f"# {key} = ({_UNSET_MEANING[key]}){where}")
        else:
            lines.append(f"{key} = {_toml_value(key, value, base)}{where}")
    return "\n".join(lines)


def _toml_value(key: str, value: object, base: Path) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dict):
        entries = ", ".join(f"{_toml_key(k)} = {_toml_string(v)}" for k, v in sorted(value.items()))
        return f"{{ {entries} }}" if entries else "{}"
    if key == "rules":
        value = [_relative(path, base) or str(path) for path in value]
    elif isinstance(value, frozenset):
        value = sorted(value)
    return "[" + ", ".join(_toml_string(str(item)) for item in value) + "]"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
