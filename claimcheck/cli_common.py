"""What the command-line commands share: exit codes, one-line errors, the options lint, fix
and audit take alike, and starting a session from them. Imported by cli.py and by the audit's
commands (audit/audit_cli.py), so that neither imports the other."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import ConfigError
from .documents.encoding import check_encoding
from .documents.html import HTML_MODES
from .rulebook import RulebookError
from .session import LintSession

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def split_names(values: tuple[str, ...]) -> frozenset[str]:
    """--select a,b --select c -> {a, b, c}"""
    return frozenset(v.strip() for value in values for v in value.split(",") if v.strip())


def fail(message: str) -> None:
    click.echo(f"claimcheck: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def rulebook_failed(exc: RulebookError) -> None:
    for problem in exc.problems:
        click.echo(f"claimcheck: rulebook error: {problem}", err=True)
    sys.exit(EXIT_ERROR)


def load_linter(rules: tuple[Path, ...], no_default_rules: bool, check_examples: bool = True):
    from .api import build_linter

    try:
        return build_linter(rules, not no_default_rules, check_examples=check_examples)
    except RulebookError as exc:
        rulebook_failed(exc)


rules_option = click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
                            help="Extra rule pack file or directory (repeatable).")
no_default_option = click.option("--no-default-rules", is_flag=True,
                                 help="Do not load the bundled rulebook (use with --rules).")


def option_group(*options):
    """Several click options applied as one decorator (options lint and fix share)."""
    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command
    return apply


input_options = option_group(
    click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                 help="Use this configuration file for every path instead of looking for one."),
    click.option("--isolated", is_flag=True, help="Ignore configuration files."),
    click.option("--html-mode", type=click.Choice(HTML_MODES),
                 help="HTML: the main content only, or all visible text.  [default: main]"),
)
discovery_options = option_group(
    click.option("--exclude", multiple=True,
                 help="Leave out files matching this glob (repeatable; replaces the configuration's)."),
    click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                 help="Leave out files that .gitignore files ignore when walking directories.  [default: respect]"),
)


def start_session(paths: tuple[str, ...], stdin_filename: str | None, no_default_rules: bool,
             config_file: Path | None, isolated: bool, flags: dict) -> LintSession:
    """Check the PATHS and flags that lint and fix share, and start a session with the flags
    the user gave (keyed like configuration keys; empty and None values were not given)."""
    if not paths:
        fail("no paths given (use '-' to read standard input)")
    if stdin_filename and "-" not in paths:
        fail("--stdin-filename only applies when a path is '-'")
    if flags.get("encoding"):
        try:
            check_encoding(flags["encoding"])
        except ValueError as exc:
            fail(f"--encoding: {exc}")
    for key in ("select", "ignore"):
        flags[key] = split_names(flags[key]) if flags.get(key) else None
    flags["rules"] = tuple(p.absolute() for p in flags["rules"]) if flags.get("rules") else None
    flags["exclude"] = tuple(flags["exclude"]) if flags.get("exclude") else None
    session = LintSession({k: v for k, v in flags.items() if v is not None}, not no_default_rules,
                          config_file, isolated)
    if config_file is not None:
        config_or_fail(session, None)
    return session


def config_or_fail(session: LintSession, path: Path | None):
    try:
        return session.config_for(path)
    except ConfigError as exc:
        fail(f"configuration error: {exc}")
