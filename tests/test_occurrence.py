"""The occurrence kind: a pattern at most N times per document or section (kinds/occurrence.py),
added as one module: its options validated by the schema, the prefilter keeping what it counts,
long documents read in parts counting across them."""
import textwrap

import pytest

from claimcheck import Linter, build_linter, text_document
from claimcheck.documents.markdown import markdown_document

PACK = """\
pack: repeats
concepts:
  price-word: ["price|prices|cheap|cheapest|discount|\\"$\\" #num"]
rules:
  - id: price-repeated
    category: unsafe-sourcing
    severity: minor
    message: Names the price again and again, as a shop does.
    occurrence: ["@price-word"]
    max: 2{within}
    suggestion:
      advice: Say it once, where the reader decides.
    references: [https://www.fda.gov/drugs/besaferx-your-source-online-pharmacy-information]
    examples:
      fire: ["Low price. Our price beats any price."]
      no_fire: ["Low price. Our price is fair."]
"""


def pack_linter(tmp_path, within: str = "") -> Linter:
    path = tmp_path / "repeats.yaml"
    path.write_text(PACK.format(within=f"\n    within: {within}" if within else ""), encoding="utf-8")
    return build_linter([path], default_rules=False)


def test_the_occurrence_over_the_limit_is_the_finding(tmp_path):
    linter = pack_linter(tmp_path)
    text = "Tadalafil at a low price.\nBest price online.\nThe cheapest price, today: $20.\n"
    (f,) = linter.lint(text_document(text, "shop.txt"))
    assert (f.rule, f.text, f.position.line, f.position.column, str(f.severity)) == (
        "price-repeated", "cheapest", 3, 5, "minor")
    assert linter.lint(text_document("Tadalafil at a low price.\nBest price online.\n", "shop.txt")) == []


def test_within_section_counts_each_section_apart(tmp_path):
    text = "# Tablets\n\nA low price. A fair price.\n\n# Capsules\n\nA low price. A fair price. A cheap one.\n"
    per_section = pack_linter(tmp_path, "section").lint(markdown_document(text, "shop.md"))
    assert [(f.text, f.position.line) for f in per_section] == [("cheap", 7)]
    whole = pack_linter(tmp_path).lint(markdown_document(text, "shop.md"))
    assert [(f.text, f.position.line) for f in whole] == [("price", 7)]


def test_negation_does_not_change_the_count(tmp_path):
    """A price is a price: the kind counts mentions, it does not judge them."""
    text = "No hidden price. Not a high price. Never a cheap deal.\n"
    assert [f.text for f in pack_linter(tmp_path).lint(text_document(text, "shop.txt"))] == ["cheap"]


def test_prefilter_and_parts_count_as_the_whole_text_does(tmp_path):
    linter = pack_linter(tmp_path)
    filler = "Tadalafil relaxes the blood vessels of the penis during arousal.\n" * 12
    text = f"A low price.\n{filler}A fair price.\n{filler}Our price, the best.\n{filler}"
    whole = Linter(linter.compiled, linter.nlp, prefilter=False)
    in_parts = Linter(linter.compiled, linter.nlp, part_chars=300)
    expected = [(f.rule, f.position.line, f.position.column) for f in whole.lint(text_document(text, "t.txt"))]
    assert expected == [("price-repeated", 27, 5)]
    assert [(f.rule, f.position.line, f.position.column) for f in linter.lint(text_document(text, "t.txt"))] == expected
    assert [(f.rule, f.position.line, f.position.column)
            for f in in_parts.lint(text_document(text, "t.txt"))] == expected


@pytest.mark.parametrize("old, new, message", [
    ("    max: 2", "    max: -1", "'max' must be at least 0"),
    ("    max: 2", "    max: two", "'max' must be a whole number"),
    ("    max: 2\n", "", "occurrence rule needs max"),
    ("    max: 2", "    max: 2\n    within: chapter", "'within' must be one of: document, section"),
    ('    occurrence: ["@price-word"]\n    max: 2', '    match: ["@price-word"]\n    max: 2', "max cannot be used in a phrase rule"),
])
def test_its_options_are_checked_by_the_schema(cli, tmp_path, old, new, message):
    path = tmp_path / "repeats.yaml"
    text = PACK.format(within="")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = cli("rules", "list", "--no-default-rules", "--rules", str(path))
    assert run.code == 2
    assert any(message in line and str(path) in line for line in run.err.splitlines()), run.err


def test_rules_test_runs_its_examples(cli, tmp_path):
    path = tmp_path / "repeats.yaml"
    path.write_text(textwrap.dedent(PACK.format(within="")), encoding="utf-8")
    run = cli("rules", "test", str(path))
    assert run.code == 0 and "2 passed" in run.out


def test_rules_show_gives_its_options(cli, tmp_path):
    path = tmp_path / "repeats.yaml"
    path.write_text(PACK.format(within="\n    within: section"), encoding="utf-8")
    run = cli("rules", "show", "price-repeated", "--no-default-rules", "--rules", str(path))
    assert run.code == 0
    assert "  kind:      occurrence (max 2, within section)" in run.out.splitlines()
