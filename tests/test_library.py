"""The one-call library API: claimcheck.lint_text and claimcheck.lint_path give what
`claimcheck lint` gives, configuration files included."""
from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys

import pytest

import claimcheck

DRAFT = "# Clear skin\n\nAccutane gives permanent remission.\n\n```\nBuy isotretinoin online\n```\n"


def as_cli(data: dict) -> list[tuple]:
    return [(f["rule"], f["severity"], f["line"], f["column"], f["end_line"], f["end_column"])
            for f in data["findings"]]


def as_api(result) -> list[tuple]:
    return [(f.rule, str(f.severity), f.position.line, f.position.column, f.position.end_line,
             f.position.end_column) for f in result.findings]


def test_lint_text_gives_what_lint_gives_for_the_same_text(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    (cli_file,) = cli("lint", "draft.md", "--format", "json").json()["files"]
    result = claimcheck.lint_text(DRAFT, filename="draft.md")
    assert as_api(result) == as_cli(cli_file) and as_api(result)
    assert (result.path, result.score, result.grade) == ("draft.md", cli_file["score"], cli_file["grade"])
    assert "isotretinoin-buy-online" not in {f.rule for f in result.findings}  # a code block in Markdown
    as_text = claimcheck.lint_text(DRAFT, filename="draft.txt")  # the suffix picks the reader
    assert "isotretinoin-buy-online" in {f.rule for f in as_text.findings}


def test_lint_text_applies_the_configuration_of_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claimcheck.toml").write_text('ignore = ["overclaim"]\n', encoding="utf-8")
    assert "overclaim" not in {f.category for f in claimcheck.lint_text(DRAFT, "draft.md").findings}
    isolated = claimcheck.lint_text(DRAFT, "draft.md", isolated=True)
    assert "overclaim" in {f.category for f in isolated.findings}
    chosen = claimcheck.lint_text(DRAFT, "draft.md", isolated=True, select=["overclaim"], min_severity="major")
    assert {f.category for f in chosen.findings} == {"overclaim"}


def test_lint_path_applies_each_files_configuration(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    strict, lax = tmp_path / "strict", tmp_path / "lax"
    for folder in (strict, lax):
        folder.mkdir()
        (folder / "draft.md").write_text(DRAFT, encoding="utf-8")
    (lax / "claimcheck.toml").write_text('[severity]\noverclaim = "info"\n', encoding="utf-8")
    results = {r.path: r for r in claimcheck.lint_path(tmp_path)}
    assert set(results) == {str(strict / "draft.md"), str(lax / "draft.md")}
    assert [str(f.severity) for f in results[str(lax / "draft.md")].findings if f.category == "overclaim"] == ["info"]
    assert [str(f.severity) for f in results[str(strict / "draft.md")].findings if f.category == "overclaim"] == ["major"]
    cli_files = {f["path"]: f for f in cli("lint", str(tmp_path), "--format", "json").json()["files"]}
    assert {p: as_api(r) for p, r in results.items()} == {p: as_cli(f) for p, f in cli_files.items()}


def test_lint_path_on_a_jsonl_file_gives_one_result_per_record(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                              [("a", "Accutane gives permanent remission."), ("b", "Drink water.")]) + "\n",
                    encoding="utf-8")
    results = claimcheck.lint_path(dump)
    assert [(r.record, len(r.findings) > 0) for r in results] == [("a", True), ("b", False)]


def test_empty_text_gives_an_empty_result_and_bad_input_an_error_result(tmp_path):
    for blank in ("", "  \n\t\n"):
        result = claimcheck.lint_text(blank, filename="draft.md")
        assert (result.findings, result.error, result.score, result.grade) == ([], None, 100, "A")
    odd = claimcheck.lint_text("caf\udce9 gives permanent remission.", filename="draft.txt")  # a lone surrogate
    assert odd.error is None and [(f.rule, f.position.column) for f in odd.findings] == [
        ("overclaim-permanent-remission", 12)]
    binary = claimcheck.lint_text("a\x00b", filename="draft.txt")  # what lint reads as binary: an error result
    assert binary.error == "binary file (contains NUL bytes), not checked" and not binary.findings
    missing = claimcheck.lint_path(tmp_path / "nope.md")
    assert [r.error for r in missing] == ["no such file or directory"]


def test_bad_arguments_are_errors_naming_them():
    with pytest.raises(ValueError, match="fail_on: 'sometimes' is not one of"):
        claimcheck.lint_text("x", fail_on="sometimes")
    with pytest.raises(TypeError, match="unknown setting 'colour'"):
        claimcheck.lint_text("x", colour="red")
    with pytest.raises(ValueError, match="unknown rule id or category: no-such-rule"):
        claimcheck.lint_text("Accutane cures acne.", select="no-such-rule")
    with pytest.raises(ValueError, match="use lint_path"):
        claimcheck.lint_text('{"text": "x"}', filename="dump.jsonl")


def test_the_package_says_it_is_typed():
    assert importlib.resources.files("claimcheck").joinpath("py.typed").is_file()
    assert {"lint_text", "lint_path", "FileResult"} <= set(claimcheck.__all__)
    # the import alone loads no reader or reporter it does not need, and no network
    code = "import claimcheck, sys; print(claimcheck.lint_text('It cures acne.', 'a.txt').grade)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and run.stdout.strip() in "ABCDF"
