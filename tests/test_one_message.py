"""One problem, one message: a configuration typo is reported once per run at its line, not
once per file; fix's errors suggest only fix's options; report prints what it wrote."""
from __future__ import annotations

import json

from test_audit_report import known  # noqa: F401  (fixture: a store with known contents)

TYPO = '[project]\nname = "site"\n\n[tool.claimcheck]\nfial-on = "major"\n'
MESSAGE = ("[tool.claimcheck] fial-on: unknown key (did you mean 'fail-on'?); "
           "the files this configuration governs were not checked")


def drafts(tmp_path, config: str = TYPO):
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    for name in ("a.md", "b.md", "c.txt"):
        (tmp_path / name).write_text("Accutane gives permanent remission.\n", encoding="utf-8")


def test_a_configuration_typo_is_reported_once_at_its_line(cli, tmp_path, monkeypatch):
    drafts(tmp_path)
    monkeypatch.chdir(tmp_path)
    run = cli("lint", "a.md", "b.md", "c.txt")
    assert run.code == 2
    assert run.out.splitlines() == [f"pyproject.toml:5: error: {MESSAGE}",
                                    "No findings in 0 files; 1 file could not be checked."]
    github = cli("lint", ".", "--format", "github")
    assert github.code == 2
    assert github.out.splitlines() == [f"::error file=pyproject.toml,line=5,title=claimcheck::{MESSAGE}"]
    data = cli("lint", ".", "--format", "json").json()
    assert [(f["path"], f["error"]) for f in data["files"]] == [("pyproject.toml:5", MESSAGE)]


def test_files_under_a_sound_configuration_are_still_checked(cli, tmp_path, monkeypatch):
    drafts(tmp_path)
    good = tmp_path / "good"
    good.mkdir()
    (good / "claimcheck.toml").write_text('fail-on = "critical"\n', encoding="utf-8")
    (good / "d.txt").write_text("Accutane gives permanent remission.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli("lint", "a.md", "good/d.txt", "b.md")
    assert run.code == 2
    assert run.out.count("fial-on") == 1
    assert "good/d.txt:1:16: major overclaim-permanent-remission" in run.out


def test_fix_reports_a_configuration_typo_once(cli, tmp_path, monkeypatch):
    drafts(tmp_path)
    monkeypatch.chdir(tmp_path)
    run = cli("fix", "a.md", "b.md", "c.txt")
    assert run.code == 2
    assert run.out.count("fial-on") == 1
    assert f"pyproject.toml:5: error: {MESSAGE}" in run.out.splitlines()
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "Accutane gives permanent remission.\n"


def test_fix_encoding_error_suggests_only_fix_options(cli, tmp_path):
    latin = tmp_path / "latin.md"
    latin.write_bytes("Caf\xe9 au lait gives permanent remission.\n".encode("latin-1"))
    run = cli("fix", str(latin))
    assert run.code == 2
    (line,) = [x for x in run.out.splitlines() if "error" in x]
    assert line == (f"{latin}: error: not valid UTF-8 (byte 0xe9 on line 1, offset 3); "
                    "not fixed (--encoding names the file's encoding)")
    assert "--encoding-errors" not in run.out + run.err
    lint = cli("lint", str(latin))  # lint has both options, and says so
    assert "--encoding-errors replace reads it anyway" in lint.out


def test_report_to_files_prints_what_it_wrote(cli, known, tmp_path):  # noqa: F811
    html, csv_dir = tmp_path / "report.html", tmp_path / "csv"
    run = cli("report", "--db", str(known), "--html", str(html), "--csv", str(csv_dir))
    assert run.code == 0
    assert run.out == ""
    assert run.err.splitlines() == [f"wrote {html}", *(f"wrote {csv_dir / t}.csv" for t in ("documents", "findings", "runs"))]
    # asked for explicitly, the summary comes as well
    run = cli("report", "--db", str(known), "--html", str(html), "--format", "json")
    assert json.loads(run.out)["documents"]["total"] == 6 and run.err.splitlines() == [f"wrote {html}"]
    assert "Audit store" in cli("report", "--db", str(known)).out  # nothing to write: the summary
