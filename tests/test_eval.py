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
""", "Accutane 20 mg clears skin. Take it with food.\n")
    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"]["tp"] == 2 and data["overall"]["fp"] == 0


def test_a_document_finding_is_not_judged_by_the_clean_words_it_points_at(cli, tmp_path):
    """The page's clean sentence holds the first mention the document rule points at; the
    finding is about the whole page (a missing warning), matched against document labels."""
    path = write(tmp_path, """document: glow.txt
expect_categories: [missing-warning]
expect:
  - {category: missing-warning, severity: critical}
clean:
  - {text: Accutane 20 mg clears skin., why: a plain statement of use}
""", "Accutane 20 mg clears skin. Take it with food. Order a month's pack at a discount.\n")
    data = cli("eval", str(path), "--format", "json").json()
    assert data["overall"]["tp"] == 1
    assert [f["rule"] for f in data["false_alarms"]] == []


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
     "glow.expected.yaml:3: 'text' or 'span' is required"),
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


# --- pages judged as a whole, records of a JSONL file, offsets instead of text -----------------

PAGES = [
    {"id": "p1", "kind": "pharmacy", "lang": "en",
     "text": "Cheap pills\n\nBuy isotretinoin online without a prescription. It is a miracle pill.\n"},
    {"id": "p2", "kind": "news", "lang": "en",
     "text": "A new study of acne was published on Monday. Researchers followed 300 patients.\n"},
    {"id": "p3", "kind": "news", "lang": "es",
     "text": "Es un milagro: compre isotretinoin online without a prescription.\n"},
]


def pages(tmp_path: Path, labels: dict[str, str]) -> Path:
    """A JSONL file of the pages above (gzipped, as real dumps are) and one sidecar per label."""
    import gzip
    import json

    (tmp_path / "data").mkdir()
    with gzip.open(tmp_path / "data" / "pages.jsonl.gz", "wt", encoding="utf-8") as out:
        for page in PAGES:
            out.write(json.dumps(page) + "\n")
    gold = tmp_path / "gold"
    gold.mkdir()
    for record, body in labels.items():
        (gold / f"{record}.expected.yaml").write_text(
            f"document: ../data/pages.jsonl.gz\nrecord: {record}\n{body}", encoding="utf-8")
    return gold


def offsets(record: str, words: str) -> list[int]:
    text = next(p["text"] for p in PAGES if p["id"] == record)
    return [text.index(words), text.index(words) + len(words)]


def test_pages_judged_as_a_whole_per_kind(cli, tmp_path):
    buy = offsets("p1", "Buy isotretinoin online without a prescription")
    gold = pages(tmp_path, {
        # right: both expected categories found, the forbidden one not
        "p1": f"kind: pharmacy\nlang: en\nexpect_categories: [unsafe-sourcing, sensational]\n"
              f"forbid_categories: [testimonial]\nexpect:\n  - category: unsafe-sourcing\n    span: {buy}\n"
              f"    severity: critical\n",
        # right: nothing to flag, nothing forbidden found
        "p2": "kind: news\nlang: en\nexpect_categories: []\nforbid_categories: [unsupported-evidence]\nexpect: []\n",
        # wrong: not English, so any finding at all is wrong
        "p3": "kind: news\nlang: es\nexpect_categories: []\nforbid_categories: all\nexpect: []\n",
    })
    run = cli("eval", str(gold))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert any(line.split() == ["overall", "2", "3", "0.67"] for line in lines)
    assert any(line.split() == ["kind", "pharmacy", "1", "1", "1.00"] for line in lines)
    assert any(line.split() == ["kind", "news", "1", "2", "0.50"] for line in lines)
    assert any(line.split() == ["not", "English", "0", "1", "0.00"] for line in lines)
    pages_jsonl = tmp_path / "data" / "pages.jsonl.gz"
    assert f"  {pages_jsonl}[p3] (news, es): forbidden " in run.out
    data = cli("eval", str(gold), "--format", "json").json()
    assert data["pages"]["overall"] == {"right": 2, "pages": 3, "accuracy": 0.6667}
    assert [p["document"] for p in data["pages_wrong"]] == [f"{pages_jsonl}[p3]"]
    # the span label matched at its offsets; the second sourcing finding and the hype are of
    # categories expected on the page but match no span label: unlabelled, neither right nor
    # wrong; the missing warnings are of a category the page does not expect: false alarms, as
    # is every finding on the page in Spanish
    assert (data["overall"]["tp"], data["overall"]["fp"], data["unlabelled"]) == (1, 2 + 3, 2)  # p3: 3
    assert data["major_plus"]["tp"] == 1
    failed = cli("eval", str(gold), "--min-page-accuracy", "0.8")
    assert failed.code == 1 and "page accuracy (overall) 0.67 < 0.80" in failed.err


def test_bad_page_labels_name_their_line(cli, tmp_path):
    gold = pages(tmp_path, {
        "p1": "expect_categories: [overclaims]\nexpect:\n  - category: overclaim\n    span: [5, 999]\n",
        "p9": "expect: []\n",
    })
    run = cli("eval", str(gold))
    assert run.code == 2
    sidecar = gold / "p1.expected.yaml"
    assert f"{sidecar}:3: unknown category 'overclaims'" in run.err
    assert f"{sidecar}:6: 'span' must be [start, end]" in run.err
    assert f"{gold / 'p9.expected.yaml'}:2: no record 'p9' in" in run.err
