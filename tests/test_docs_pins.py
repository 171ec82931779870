"""The version pins the docs show (`uses: OWNER/claimcheck@vX`, `rev: vX`, `...git@vX`) name
the version in pyproject.toml, and that version is a tag of the repository (docs/ci.md,
"Releases and version pins")."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"(?:claimcheck@|rev: |claimcheck\.git@)(v[0-9][^\s\"'`]*)")


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_every_pin_in_the_docs_names_the_projects_version():
    pins = {(path.name, pin) for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
            for pin in PIN.findall(path.read_text(encoding="utf-8"))}
    assert pins, "the docs show no version pin"
    assert {pin for _, pin in pins} == {f"v{_version()}"}, sorted(pins)


def test_the_pinned_version_is_a_tag():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True)
    if tags.returncode != 0:
        pytest.skip(f"git cannot list tags here: {tags.stderr.strip()}")
    if not tags.stdout.strip():
        pytest.skip("this clone has no release tags (fetched with --no-tags, or shallow)")
    assert f"v{_version()}" in tags.stdout.split()
