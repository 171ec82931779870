"""What a reporter is: a module with a NAME and a ``render`` that writes FileResults to a text
stream (one module per output format; report/__init__.py lists them). Reporters import the
findings model and nothing that loads the engine or spaCy (tests/test_architecture.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, TextIO

from ..findings import FileResult


@dataclass(frozen=True)
class ReportOptions:
    """How to render: what the command line asked for. A reporter uses what applies to it."""

    color: bool = False                # ANSI colours (text, on a terminal)
    width: int | None = None           # the terminal's columns (text); None: a fixed default
    show_suppressed: bool = False      # also findings silenced by suppression comments
    warn_unused: bool = False          # report suppression comments that silence nothing
    baseline: dict | None = None       # --show-baseline-stats: what the baseline hid and what is fixed


class Reporter(Protocol):
    """An output format (a module satisfies this protocol)."""

    NAME: str

    def render(self, results: Sequence[FileResult], out: TextIO, options: ReportOptions = ...) -> None: ...
