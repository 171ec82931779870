"""Suppression comments: every form, the reason kept, unused ones reported."""
from __future__ import annotations

import pytest

CLAIM = "It brings permanent remission."
REMISSION = "overclaim-permanent-remission"
HYPE = "This miracle cure works."


def lint(cli, tmp_path, name: str, content: str, *flags: str):
    f = tmp_path / name
    f.write_text(content)
    run = cli("lint", str(f), "--format", "json", *flags)
    [result] = run.json()["files"]
    return run, result


@pytest.mark.parametrize("name, content", [
    ("a.md", f"<!-- claimcheck-disable-next-line {REMISSION} -- quoting a patient -->\n{CLAIM}\n\n{CLAIM}\n"),
    ("a.md", f"<!-- claimcheck-disable overclaim -- quoting a patient -->\n{CLAIM}\n<!-- claimcheck-enable -->\n\n{CLAIM}\n"),
    ("a.html", f"<p>Intro words for the page.</p>\n<!-- claimcheck-disable-next-line -- quoting a patient -->\n"
               f"<p>{CLAIM}</p>\n<p>{CLAIM}</p>\n"),
    ("a.txt", f"# claimcheck-disable-next-line {REMISSION} -- quoting a patient\n{CLAIM}\n\n{CLAIM}\n"),
    ("a.txt", f"// claimcheck-disable {REMISSION}, sensational -- quoting a patient\n{CLAIM}\n"
              f"// claimcheck-enable {REMISSION}\n{CLAIM}\n"),
])
def test_each_form_silences_only_what_it_covers(cli, tmp_path, name, content):
    run, result = lint(cli, tmp_path, name, content, "--show-suppressed", "--html-mode", "all")
    lines = content.splitlines()
    [kept] = [f for f in result["findings"] if f["rule"] == REMISSION]
    [quiet] = [f for f in result["suppressed"] if f["rule"] == REMISSION]
    assert quiet["suppressed"]["reason"] == "quoting a patient"
    assert quiet["line"] < kept["line"]
    assert "claimcheck-disable" in lines[quiet["suppressed"]["line"] - 1]
    assert run.json()["summary"]["suppressed"] == 1


def test_suppressed_findings_do_not_fail_the_gate_or_cost_score(cli, tmp_path):
    content = f"<!-- claimcheck-disable -- a page that quotes spam on purpose -->\n{CLAIM}\n"
    run, result = lint(cli, tmp_path, "quote.md", content)
    assert run.code == 0 and result["findings"] == [] and result["score"] == 100
    assert "suppressed" not in result  # only with --show-suppressed
    text = cli("lint", str(tmp_path / "quote.md"), "--show-suppressed", "--color", "never").out
    assert f"quote.md:2:11: suppressed (major: a page that quotes spam on purpose, line 1) {REMISSION}" in text
    assert text.rstrip().endswith("No findings in 1 file; 1 suppressed.")


def test_unused_and_unknown_suppressions(cli, tmp_path):
    content = (f"<!-- claimcheck-disable-next-line sensational -- not hype -->\n{CLAIM}\n\n"
               f"<!-- claimcheck-disable-next-line no-such-rule -->\n{HYPE}\n")
    run, result = lint(cli, tmp_path, "u.md", content)
    # an unknown name is always reported; "suppresses nothing" only when asked
    assert [u["reason"] for u in result["unused_suppressions"]] == ["unknown rule or category: no-such-rule"]
    run, result = lint(cli, tmp_path, "u.md", content, "--warn-unused-suppressions")
    assert [(u["line"], u["reason"]) for u in result["unused_suppressions"]] == [
        (1, "suppresses nothing"), (4, "unknown rule or category: no-such-rule")]
    text = cli("lint", str(tmp_path / "u.md"), "--warn-unused-suppressions", "--color", "never").out
    assert ("u.md:1:1: warning unused-suppression <!-- claimcheck-disable-next-line sensational -- not hype -->: "
            "suppresses nothing") in text


def test_a_suppression_in_code_is_not_a_suppression(cli, tmp_path):
    content = f"```\n<!-- claimcheck-disable -->\n```\n\n{CLAIM}\n"
    _, result = lint(cli, tmp_path, "code.md", content)
    assert [f["rule"] for f in result["findings"]] == [REMISSION]


def test_jsonl_records_use_plain_text_comment_lines(cli, tmp_path):
    import json
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "q", "text": f"# claimcheck-disable-next-line -- quoted\n{CLAIM}"}) + "\n")
    [result] = cli("lint", str(dump), "--format", "json", "--show-suppressed").json()["files"]
    assert result["findings"] == [] and result["suppressed"][0]["suppressed"]["reason"] == "quoted"
