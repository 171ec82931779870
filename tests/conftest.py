"""Shared helpers: the CLI runner, a linter built once, and ../shared (skipped where absent)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

# The cache of compiled objects (nlp/disk_cache.py) of a test run is a directory of its own,
# set before claimcheck is imported and inherited by the processes tests start: never the
# user's cache, and removed at the end.
CACHE_DIR = tempfile.mkdtemp(prefix="claimcheck-test-cache-")
os.environ["CLAIMCHECK_CACHE_DIR"] = CACHE_DIR

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from claimcheck import build_linter, text_document  # noqa: E402
from claimcheck.cli import main  # noqa: E402

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


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
