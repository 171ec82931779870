"""Configuration files: ``claimcheck.toml``, or ``[tool.claimcheck]`` in ``pyproject.toml``.

Like ruff, the configuration of a file is the one closest to it (searching from its directory
upward), never a merge of several files up the tree: what applies to a file can then be read
in one place. Command-line flags override the file. Every value is validated when the file is
loaded, so a typo stops the run with one line naming the file and the key, instead of being
silently ignored. The line is named too (``pyproject.toml:12: …``): tomllib gives no
positions, so `KeyLines` finds where each key is written in the text tomllib parsed.
"""
from ..toml_lines import KeyLines
from .cache import ConfigCache, describe
from .files import config_in, find_config
from .layers import Config, settings_from_arguments
from .settings import COMMAND_LINE, CONFIG_FILE, DEFAULT, PYPROJECT, ConfigError, Settings
from .values import matches

__all__ = ["COMMAND_LINE", "CONFIG_FILE", "DEFAULT", "PYPROJECT", "Config", "ConfigCache", "ConfigError", "KeyLines",
           "Settings", "config_in", "describe", "find_config", "matches", "settings_from_arguments"]
