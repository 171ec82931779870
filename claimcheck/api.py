"""Building a Linter from rule paths: the one entry point the CLI and library users share."""
from __future__ import annotations

from pathlib import Path

from .engine import Linter, Selection
from .nlp import get_nlp
from .rulebook import (Problem, RulebookError, compile_rulebook, default_rules_dir, pack_files,
                       read_rulebook)
from .rulebook.loader import display_path
from .ruletest import run_examples


def rule_paths(extra: list[Path] | tuple[Path, ...] = (), default_rules: bool = True) -> list[Path]:
    paths = ([default_rules_dir()] if default_rules else []) + [Path(p) for p in extra]
    if not paths:
        raise RulebookError([Problem("--no-default-rules", 0, "no rules to run: give --rules PATH")])
    return paths


def build_linter(
    extra_rules: list[Path] | tuple[Path, ...] = (),
    default_rules: bool = True,
    selection: Selection | None = None,
    check_examples: bool = True,
) -> Linter:
    """Load, validate and compile the rulebook; with check_examples, a rule of an extra pack
    whose own examples misbehave makes loading fail (RulebookError naming file:line).

    The bundled packs' examples are not re-run on every load: the test suite and
    ``claimcheck rules test`` check them, and they cost seconds of start-up."""
    nlp = get_nlp()
    rulebook = read_rulebook(rule_paths(extra_rules, default_rules))
    compiled = compile_rulebook(rulebook, nlp)
    if check_examples:
        bundled = {display_path(p) for p in pack_files([default_rules_dir()])} if default_rules else set()
        extra = [r for r in compiled.rules if r.file not in bundled]
        failures = [r.problem() for r in run_examples(Linter(compiled, nlp), extra) if not r.ok]
        if failures:
            raise RulebookError(failures)
    return Linter(compiled, nlp, selection)
