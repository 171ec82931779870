"""Measured accuracy: lint the articles that have sidecars of expected findings and compare.

gold.py reads sidecars, compare.py pairs findings with expectations and counts, render.py
prints the figures. ``evaluate`` is the one entry point the CLI and the tests share.
"""
from __future__ import annotations

from pathlib import Path

from ..engine import Linter
from ..rulebook import RulebookError
from .compare import Counts, Evaluation, Outcome, compare, tally
from .gold import SIDECAR_SUFFIX, Expectation, Gold, find_sidecars, read_gold

__all__ = ["Counts", "Evaluation", "Expectation", "Gold", "Outcome", "SIDECAR_SUFFIX", "evaluate"]


def evaluate(paths: list[Path], linter: Linter) -> Evaluation:
    """Evaluate every sidecar under ``paths``; raises RulebookError listing every bad sidecar."""
    sidecars, problems = find_sidecars(paths)
    rules = {r.id: r.category for r in linter.rules}
    golds: list[Gold] = []
    for path in sidecars:
        try:
            golds.append(read_gold(path, rules))
        except RulebookError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RulebookError(problems)
    outcomes = [compare(g, linter.lint(g.document)) for g in golds if g.document is not None]
    return tally(outcomes, [g for g in golds if g.skipped])
