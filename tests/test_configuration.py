"""Configuration as a user meets it through the command line: discovery from each file's
directory, per-glob overrides, flags over the file, exclusions, .gitignore, `claimcheck config`."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

CLAIM = "It brings permanent remission."
REMISSION = "overclaim-permanent-remission"
HYPE = "This miracle cure works."


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A content repository: pyproject with [tool.claimcheck], a stricter drugs folder, drafts
    excluded, a git-ignored build folder."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", """
        [project]
        name = "site"

        [tool.claimcheck]
        fail-on = "critical"
        exclude = ["drafts/**"]
        severity = { sensational = "info" }

        [[tool.claimcheck.overrides]]
        files = ["content/drugs/**"]
        fail-on = "minor"
        severity = { overclaim = "critical" }
    """)
    write(tmp_path / ".gitignore", "build/\n")
    (tmp_path / ".git").mkdir()
    for rel in ("content/news/a.md", "content/drugs/b.md", "drafts/c.md", "build/d.md"):
        write(tmp_path / rel, f"{CLAIM}\n\n{HYPE}\n")
    return tmp_path


def findings(run) -> dict[str, list[tuple[str, str]]]:
    return {Path(f["path"]).as_posix(): [(x["rule"], x["severity"]) for x in f["findings"]]
            for f in run.json()["files"]}


def test_configuration_is_found_and_overrides_apply_per_glob(cli, site):
    run = cli("lint", ".", "--format", "json")
    got = findings(run)
    assert set(got) == {"content/drugs/b.md", "content/news/a.md"}  # drafts excluded, build git-ignored
    assert got["content/news/a.md"] == [(REMISSION, "major"), ("sensational-hype", "info")]
    assert got["content/drugs/b.md"] == [(REMISSION, "critical"), ("sensational-hype", "info")]
    assert run.code == 1  # the drugs file fails at minor; the news file alone would pass at critical
    assert cli("lint", "content/news", "--format", "json").code == 0


def test_flags_override_the_file(cli, site):
    run = cli("lint", "content/news/a.md", "--fail-on", "major", "--select", "sensational", "--format", "json")
    assert run.code == 0 and findings(run)["content/news/a.md"] == [("sensational-hype", "info")]
    run = cli("lint", ".", "--no-respect-gitignore", "--exclude", "content/**", "--format", "json")
    assert set(findings(run)) == {"build/d.md", "drafts/c.md"}
    run = cli("lint", "content/news/a.md", "--isolated", "--format", "json")
    assert findings(run)["content/news/a.md"] == [(REMISSION, "major"), ("sensational-hype", "minor")]


def test_a_named_file_that_is_excluded_is_left_out(cli, site):
    """pre-commit passes file names: the exclude globs apply to them too."""
    run = cli("lint", "drafts/c.md", "content/news/a.md", "--format", "json")
    assert set(findings(run)) == {"content/news/a.md"}


def test_the_closest_configuration_wins(cli, site):
    write(site / "content" / "news" / "claimcheck.toml", 'ignore = ["overclaim"]\n')
    got = findings(cli("lint", "content", "--format", "json"))
    assert got["content/news/a.md"] == [("sensational-hype", "minor")]  # the root file's severity no longer applies
    assert got["content/drugs/b.md"][0] == (REMISSION, "critical")


def test_config_command_says_where_each_value_came_from(cli, site):
    run = cli("config", "content/drugs/b.md")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "# configuration file: pyproject.toml"
    assert 'fail-on = "minor"  # from pyproject.toml overrides[0]' in lines
    assert any(line.startswith('min-severity = "info"  # from default') for line in lines)
    assert any(line.startswith("severity = ") and "pyproject.toml, pyproject.toml overrides[0]" in line for line in lines)


@pytest.mark.parametrize("content, message", [
    ('fail-on = "mayor"\n', "claimcheck.toml:1: fail-on: 'mayor' is not one of critical, major, minor, info, never"),
    ('selct = ["overclaim"]\n', "claimcheck.toml:1: selct: unknown key (did you mean 'select'?)"),
    ('select = ["overclaimm"]\n', "claimcheck.toml:1: select: unknown rule id or category: 'overclaimm' (did you mean 'overclaim'?)"),
    ('fail-on = \n', "claimcheck.toml:1: invalid TOML: Invalid value (at column 11)"),
])
def test_configuration_errors_name_file_and_key_and_exit_2(cli, tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claimcheck.toml", content)
    write(tmp_path / "a.md", CLAIM + "\n")
    run = cli("lint", "a.md", "--color", "never")
    assert run.code == 2
    where, detail = message.split(": ", 1)
    assert f"{where}: error: {detail}" in run.out  # the configuration file's line, once
    assert cli("config").code == 2
