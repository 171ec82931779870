"""Shared helpers: the CLI runner, a linter built once, and ../shared (skipped where absent)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimcheck import build_linter, text_document
from claimcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def linter():
    return build_linter()


@pytest.fixture
def lint_text(linter):
    """Findings for a snippet of plain text."""

    def run(text: str, path: str = "snippet.txt"):
        return linter.lint(text_document(text, path))

    return run


class Run:
    def __init__(self, result):
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr
        self.exception = result.exception

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli():
    """Run the claimcheck command in-process; returns exit code, stdout and stderr."""

    def run(*args: str, input: bytes | str | None = None, env: dict | None = None) -> Run:
        result = CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
        return Run(result)

    return run


def needs_shared(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not part of a fresh clone)")
