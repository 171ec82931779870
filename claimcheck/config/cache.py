"""A run's configurations, one per file found, and showing the settings in effect."""
from __future__ import annotations

import json
import os
from pathlib import Path


from .files import config_in, directory_of, display_name
from .layers import Config
from .settings import DEFAULT, KEYS, Settings, UNSET_MEANING
from .values import relative_path, toml_key

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
        return self._config(self._find(directory_of(file if file is not None else Path.cwd())))

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
        header = f"# configuration file: {display_name(settings.config_file)}"
        base = Path(os.path.abspath(settings.config_file)).parent
    lines = [header]
    for key in KEYS:
        value = settings.value(key)
        where = f"  # from {settings.origin.get(key, DEFAULT)}"
        if value is None:
            lines.append(f"# {key} = ({UNSET_MEANING[key]}){where}")
        else:
            lines.append(f"{key} = {_toml_value(key, value, base)}{where}")
    return "\n".join(lines)


def _toml_value(key: str, value: object, base: Path) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dict):
        entries = ", ".join(f"{toml_key(k)} = {_toml_string(v)}" for k, v in sorted(value.items()))
        return f"{{ {entries} }}" if entries else "{}"
    if key == "rules":
        value = [relative_path(path, base) or str(path) for path in value]
    elif isinstance(value, frozenset):
        value = sorted(value)
    return "[" + ", ".join(_toml_string(str(item)) for item in value) + "]"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
