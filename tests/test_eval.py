"""claimcheck eval: sidecars of expected findings, matching, figures, thresholds."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, needs_shared

CORPUS = ROOT / "corpus"
ARTICLE = (
    "Glowmax cream\n"
    "\n"
    "Glowmax is a miracle cream.\n"
    "It is completely safe for everyone.\n"
    "Studies show that it works.\n"
)


def write(tmp_path: Path, sidecar: str, article: str = ARTICLE) -> Path:
    (tmp_path / "glow.txt").write_text(article, encoding="utf-8")
    path = tmp_path / "glow.expected.yaml"
    path.write_text(sidecar, encoding="utf-8")
    return path


def test_matches_misses_and_false_alarms_with_positions(cli, tmp_path):
    path = write(tmp_path, """document: glow.txt
expect:
  - rule: sensational-hype
    text: miracle
    severity: minor
  - rule: risk-no-side-effects
    text: safe for everyone
    severity: critical
  - category: dosing
    text: it works
    severity: major
clean:
  - text: Studies show that it works.
    why: pretend it is cited
""")
    run = cli("eval", str(path))
    assert run.code == 0, run.err
    assert "3 expected findings, 3 reported" in run.out
    assert f"{tmp_path / 'glow.txt'}:5:19: (any dosing) [major] \"it works\"" in run.out
    assert (f"{tmp_path / 'glow.txt'}:5:1: unsupported-studies-show [minor] \"Studies show\" "
            "(marked clean: pretend it is cited)") in run.out
    assert f"{tmp_path / 'glow.txt'}:4:7: risk-no-side-effects expected critical, reported major" in run.out
    assert "severity: 1 of 2 matched findings carry the expected grade" in run.out

    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"] == {"tp": 2, "fp": 1, "fn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert data["categories"]["sensational"]["f1"] == 1.0
    assert data["categories"]["dosing"]["recall"] == 0.0
    assert data["rules"]["(any dosing)"]["fn"] == 1
    assert data["misses"] == [{"document": str(tmp_path / "glow.txt"), "rule": None, "category": "dosing",
                               "severity": "major", "text": "it works", "line": 5, "column": 19}]
    assert [(f["rule"], f["line"], f["column"], f["clean"]) for f in data["false_alarms"]] == [
        ("unsupported-studies-show", 5, 1, "pretend it is cited")]


def test_a_finding_elsewhere_in_the_sentence_still_matches(cli, tmp_path):
    # The editor marked other words of the same claim than the rule highlights.
    path = write(tmp_path, """document: glow.txt
expect:
  - {rule: risk-no-side-effects, text: It is completely, severity: major}
  - {rule: sensational-hype, text: Glowmax is a miracle cream., severity: minor}
  - {rule: unsupported-studies-show, text: Studies, severity: minor}
""")
    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"]["f1"] == 1.0 and data["severity"] == {"checked": 3, "differs": 0}


def test_matching_is_one_to_one_and_line_picks_the_occurrence(cli, tmp_path):
    article = "A miracle.\nAnother miracle here.\n"
    path = write(tmp_path, """document: glow.txt
expect:
  - {rule: sensational-hype, text: miracle, line: 2}
""", article)
    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"]["tp"] == 1 and data["overall"]["fp"] == 1
    assert [(f["line"], f["column"]) for f in data["false_alarms"]] == [(1, 3)]


def test_text_across_a_hard_wrapped_line_is_found(cli, tmp_path):
    path = write(tmp_path, """document: glow.txt
expect:
  - {rule: risk-no-side-effects, text: completely safe for everyone}
""", "It is completely\nsafe for everyone, trust us.\n")
    assert cli("eval", str(path), "--format", "json").json()["overall"]["f1"] == 1.0


def test_document_rule_expectation_needs_no_text(cli, tmp_path):
    path = write(tmp_path, """document: glow.txt
expect:
  - {rule: isotretinoin-missing-pregnancy-warning, severity: critical}
  - {rule: isotretinoin-missing-psychiatric-warning, severity: major}
""", "Accutane clears skin. Take it with food.\n")
    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"]["tp"] == 2 and data["overall"]["fp"] == 0


@pytest.mark.parametrize("sidecar, message", [
    ("document: glow.txt\nexpect:\n  - {rule: no-such-rule, text: miracle}\n",
     "glow.expected.yaml:3: unknown rule 'no-such-rule'"),
    ("document: glow.txt\nexpect:\n  - {category: hype, text: miracle}\n",
     "glow.expected.yaml:3: unknown category 'hype'"),
    ("document: glow.txt\nexpect:\n  - {rule: sensational-hype, text: wonder}\n",
     "glow.expected.yaml:3: text 'wonder' does not occur in"),
    ("document: glow.txt\nexpect:\n  - {rule: sensational-hype, text: miracle, line: 2}\n",
     "glow.expected.yaml:3: text 'miracle' does not occur on line 2"),
    ("document: glow.txt\nexpect:\n  - {rule: sensational-hype}\n",
     "glow.expected.yaml:3: 'text' is required"),
    ("document: glow.txt\nexpect:\n  - {rule: sensational-hype, category: sensational, text: miracle}\n",
     "glow.expected.yaml:3: give exactly one of 'rule' and 'category'"),
    ("document: glow.txt\nexpect:\n  - {rule: sensational-hype, text: miracle, severity: huge}\n",
     "glow.expected.yaml:3: unknown severity 'huge'"),
    ("document: glow.txt\nexpect: []\nclean:\n  - {text: miracle, why: a, b}\n",
     "glow.expected.yaml:4: unknown key 'b' in a clean text"),
    ("document: glow.txt\nexpect: [\n", "glow.expected.yaml:3: YAML syntax error"),
    ("expect: []\n", "glow.expected.yaml:1: 'document' (the article, relative to this file) is required"),
    ("document: glow.txt\n", "glow.expected.yaml:1: 'expect' is required"),
])
def test_bad_sidecars_are_file_line_errors_exit_2(cli, tmp_path, sidecar, message):
    run = cli("eval", str(write(tmp_path, sidecar)))
    assert run.code == 2
    assert message in run.err
    assert run.err.startswith("claimcheck: sidecar error: ")


def test_absent_document_is_skipped_with_a_note(cli, tmp_path):
    path = tmp_path / "gone.expected.yaml"
    path.write_text("document: ../nowhere/gone.txt\nexpect: []\n", encoding="utf-8")
    run = cli("eval", str(path))
    assert run.code == 0
    assert f"skipped {path}: its document" in run.out


def test_thresholds_set_the_exit_code(cli, tmp_path):
    path = write(tmp_path, "document: glow.txt\nexpect:\n  - {rule: sensational-hype, text: miracle}\n")
    run = cli("eval", str(path), "--min-f1", "0.9")
    assert run.code == 1
    assert "claimcheck: below threshold: overall F1 0.50 < 0.90" in run.err
    run = cli("eval", str(path), "--min-category-f1", "0.8")
    assert run.code == 1 and "risk-minimization F1 0.00 < 0.80" in run.err
    assert cli("eval", str(path), "--min-f1", "0.5").code == 0


def test_every_corpus_article_has_a_sidecar():
    articles = sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})
    sidecars = {p.name.removesuffix(".expected.yaml") for p in CORPUS.glob("*.expected.yaml")}
    assert len(articles) >= 20
    assert [a for a in articles if a.rsplit(".", 1)[0] not in sidecars] == []


def test_corpus_accuracy_meets_the_thresholds(cli):
    """The tracked figure: overall F1 >= 0.90 and every category >= 0.80 on corpus/."""
    run = cli("eval", str(CORPUS), "--format", "json", "--min-f1", "0.90", "--min-category-f1", "0.80")
    data = run.json()
    low = {c: v["f1"] for c, v in data["categories"].items() if v["f1"] < 0.80}
    assert data["overall"]["f1"] >= 0.90, data["misses"] + data["false_alarms"]
    assert low == {}, data["misses"] + data["false_alarms"]
    assert run.code == 0


def test_seed_labels_are_reported(cli):
    needs_shared(SEEDS)
    data = cli("eval", str(ROOT / "tests" / "gold" / "seeds"), "--format", "json").json()
    assert data["documents"] == 5 and data["skipped"] == []
    assert data["overall"]["precision"] >= 0.90
    assert data["overall"]["recall"] >= 0.80
