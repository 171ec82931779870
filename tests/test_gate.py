"""The CI gate: baselines, --diff against a git revision, several reports per run, pre-commit."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CLAIM = "It brings permanent remission."
REMISSION = "overclaim-permanent-remission"
HYPE = "This miracle cure works."


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def rules_and_lines(run) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for file in run.json()["files"] for f in file["findings"]]


# -- baseline ------------------------------------------------------------------------------

def test_a_baseline_hides_known_findings_even_after_lines_are_inserted(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text(f"Intro.\n\n{CLAIM}\n\n{HYPE}\n")
    wrote = cli("lint", "page.md", "--write-baseline", ".claimcheck-baseline.json")
    assert wrote.code == 0 and "wrote 2 findings to the baseline .claimcheck-baseline.json" in wrote.err
    data = json.loads((tmp_path / ".claimcheck-baseline.json").read_text())
    assert {(e["rule"], e["path"], e["line"]) for e in data["findings"]} == {
        (REMISSION, "page.md", 3), ("sensational-hype", "page.md", 5)}

    page.write_text(f"A new first paragraph.\n\nAnd a second.\n\nIntro.\n\n{CLAIM}\n\n{HYPE}\n\nNew: {CLAIM}\n")
    run = cli("lint", "page.md", "--baseline", ".claimcheck-baseline.json", "--format", "json")
    assert rules_and_lines(run) == [(REMISSION, 11)]  # the second copy is new
    assert run.json()["summary"]["baselined"] == 2 and run.code == 1


def test_baseline_stats_list_what_was_fixed(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text(f"Intro.\n\n{CLAIM}\n\n{HYPE}\n")
    cli("lint", "page.md", "--write-baseline", "base.json")
    page.write_text(f"Intro.\n\n{HYPE}\n")
    run = cli("lint", "page.md", "--baseline", "base.json", "--show-baseline-stats", "--color", "never")
    assert run.code == 0
    assert "Baseline: 1 finding hidden, 1 fixed since it was written." in run.out
    assert f'fixed: page.md:3: {REMISSION} "permanent remission"' in run.out
    data = cli("lint", "page.md", "--baseline", "base.json", "--show-baseline-stats", "--format", "json").json()
    assert data["summary"]["baseline"]["fixed"][0]["rule"] == REMISSION


@pytest.mark.parametrize("content, message", [
    (None, "no such baseline file"),
    ("{not json", "not a baseline (invalid JSON"),
    ('{"format": "other"}', "not a claimcheck baseline"),
])
def test_a_bad_baseline_is_a_usage_error(cli, tmp_path, content, message):
    page = tmp_path / "page.md"
    page.write_text(CLAIM + "\n")
    base = tmp_path / "base.json"
    if content is not None:
        base.write_text(content)
    run = cli("lint", str(page), "--baseline", str(base))
    assert run.code == 2 and message in run.err


# -- --diff REV ------------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "old.md").write_text(f"Intro.\n\n{CLAIM}\n\nPlain words.\n")
    (tmp_path / "same.md").write_text(f"{HYPE}\n")
    (tmp_path / "drug.md").write_text("Isotretinoin 20 mg treats severe acne. Take one capsule a day.\n\nIt has side effects.\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "old content")
    return tmp_path


def test_diff_reports_only_changed_lines_and_new_files(cli, repo):
    (repo / "old.md").write_text(f"Intro.\n\n{CLAIM}\n\nPlain words. {HYPE}\n")  # line 5 changed
    (repo / "new.md").write_text(f"{CLAIM}\n")  # untracked
    run = cli("lint", ".", "--diff", "HEAD", "--format", "json")
    got = {(Path(f["path"]).name, x["rule"], x["line"]) for f in run.json()["files"] for x in f["findings"]}
    assert got == {("old.md", "sensational-hype", 5), ("new.md", REMISSION, 1)}
    assert {Path(f["path"]).name for f in run.json()["files"]} == {"old.md", "new.md"}  # unchanged files not linted


def test_diff_counts_document_findings_when_the_document_changed(cli, repo):
    git(repo, "commit", "-qm", "nothing", "--allow-empty")
    run = cli("lint", "drug.md", "--diff", "HEAD", "--format", "json")
    assert run.json()["files"] == []
    with (repo / "drug.md").open("a") as f:
        f.write("\nTalk to your doctor.\n")
    run = cli("lint", "drug.md", "--diff", "HEAD~1", "--format", "json")
    rules = {x["rule"] for f in run.json()["files"] for x in f["findings"]}
    assert "isotretinoin-missing-pregnancy-warning" in rules


def test_diff_errors(cli, repo, tmp_path_factory):
    bad = cli("lint", ".", "--diff", "no-such-rev")
    assert bad.code == 2 and "--diff no-such-rev: unknown revision 'no-such-rev'" in bad.err
    elsewhere = tmp_path_factory.mktemp("not-a-repo")
    os.chdir(elsewhere)
    (elsewhere / "a.md").write_text(CLAIM)
    run = cli("lint", "a.md", "--diff", "HEAD")
    assert run.code == 2 and "not inside a git repository" in run.err


# -- several reports -------------------------------------------------------------------------

def test_text_on_the_terminal_and_json_to_a_file(cli, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(CLAIM + "\n")
    out = tmp_path / "report.json"
    run = cli("lint", str(page), "--format", "text", "--format", "json", "--output", str(out), "--color", "never")
    assert run.code == 1
    assert f"{page}:1:11: major {REMISSION}" in run.out
    assert json.loads(out.read_text())["files"][0]["findings"][0]["rule"] == REMISSION
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # written atomically, nothing left over
    two = cli("lint", str(page), "--format", "text", "--format", "json")
    assert two.code == 2 and "only one report can go to standard output" in two.err


# -- pre-commit ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo(tmp_path):
    """The hook in .pre-commit-hooks.yaml, installed by pre-commit itself from this checkout."""
    work = tmp_path / "content"
    work.mkdir()
    git(work, "init", "-q")
    (work / "ok.md").write_text("Plain words about acne care.\n")
    git(work, "add", ".")
    git(work, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(ROOT / ".venv" / "pre-commit-home")}
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "claimcheck"]
    ok = subprocess.run([*pre_commit, "--all-files"], cwd=work, capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "claimcheck" in ok.stdout and "Passed" in ok.stdout
    (work / "bad.md").write_text(f"Intro.\n\n{CLAIM}\n")
    git(work, "add", "bad.md")
    bad = subprocess.run([*pre_commit, "--files", "bad.md", "ok.md"], cwd=work, capture_output=True,
                         text=True, env=env)
    assert bad.returncode == 1
    assert f"bad.md:3:11: major {REMISSION}" in bad.stdout


# -- the GitHub Action -----------------------------------------------------------------------

def test_the_action_lint_step_runs_and_writes_sarif(tmp_path, monkeypatch):
    """Run action.yml's own lint script with bash, as the runner would after installing."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "baseline", "diff", "sarif-file"} <= set(action["inputs"])
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Lint")
    assert all("${{" not in line for line in step["run"].splitlines())  # inputs only via env
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(f"Intro.\n\n{CLAIM}\n")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    summary = tmp_path / "step-summary.md"
    summary.write_text("## Earlier step\n")  # the summary file may already hold other steps' text
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "CLAIMCHECK_PATHS": "docs", "CLAIMCHECK_FAIL_ON": "major", "CLAIMCHECK_BASELINE": "",
           "CLAIMCHECK_DIFF": "", "CLAIMCHECK_SARIF": "out.sarif", "RUNNER_TEMP": str(runner_temp),
           "GITHUB_STEP_SUMMARY": str(summary)}
    run = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr  # the gate's exit code survives the reporting after it
    assert "::error file=docs/a.md,line=3,col=11," in run.stdout
    # the log shows the text report, folded in a group
    log = run.stdout.split("::group::claimcheck report\n", 1)[1].split("::endgroup::", 1)[0]
    assert f"docs/a.md:3:11: major {REMISSION}" in log
    # the job summary gets the Markdown report after what was there
    written = summary.read_text()
    assert written.startswith("## Earlier step\n## claimcheck: 1 finding in 1 of 1 document (1 major)")
    assert f"| major | 3:11 | `{REMISSION}` |" in written
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == REMISSION


def test_the_action_caches_pip():
    import yaml

    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == "${{ steps.pip-cache.outputs.dir }}"
    install = next(i for i, s in enumerate(steps) if s.get("name") == "Install claimcheck")
    assert steps.index(cache) < install
