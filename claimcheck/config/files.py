"""Finding the configuration file of a path and reading its TOML (with the line of each key)."""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path


from ..toml_lines import TOOL_PATH, KeyLines
from .settings import CONFIG_FILE, ConfigError, PYPROJECT
from .values import kind

# --- finding the file -------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The closest claimcheck.toml, or pyproject.toml with a [tool.claimcheck] table, from the
    directory ``start`` upward to the filesystem root. Raises ConfigError for a pyproject.toml
    that is not valid TOML (as ruff does): skipping it could silently drop its configuration."""
    directory = directory_of(start)
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
        data, text = read_toml(pyproject)
        if tool_table(data, display_name(pyproject), KeyLines(text)) is not None:
            return pyproject
    return None


def directory_of(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    return absolute if absolute.is_dir() else absolute.parent


def display_name(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def read_toml(path: Path, display: str | None = None) -> tuple[dict, str]:
    """The parsed file and its text (kept so that messages can find a key's line without
    reading the file again)."""
    display = display or display_name(path)
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


def tool_table(data: dict, display: str, lines: KeyLines | None = None) -> dict | None:
    """pyproject.toml's [tool.claimcheck], None when there is none (the file is not ours)."""
    tool = data.get("tool")
    if not isinstance(tool, dict) or "claimcheck" not in tool:
        return None
    table = tool["claimcheck"]
    if not isinstance(table, dict):
        line = lines.line(TOOL_PATH) if lines is not None else None
        raise ConfigError(display, "tool.claimcheck", f"must be a table, not {kind(table)}", line=line)
    return table


