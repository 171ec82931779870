"""The engine as a library: the same findings one by one or streamed, selection, scope."""
from claimcheck import Linter, Selection, text_document

TEXTS = [
    "Isotretinoin gives permanent remission. Buy isotretinoin online!",
    "Sunscreen is a miracle. Studies show it works.",
    "Finasteride is completely safe.",
]


def test_lint_many_gives_the_same_findings_as_lint(linter):
    docs = [text_document(t, f"doc{i}") for i, t in enumerate(TEXTS)]
    streamed = list(linter.lint_many(docs, batch_size=2))
    assert [d.path for d, _ in streamed] == ["doc0", "doc1", "doc2"]
    for document, checked in streamed:
        assert checked.findings == linter.lint(document)


def test_selection_by_category_and_id(linter):
    doc = text_document(TEXTS[0], "d")
    only = Linter(linter.compiled, linter.nlp, Selection(frozenset({"unsafe-sourcing"})))
    assert {f.category for f in only.lint(doc)} == {"unsafe-sourcing"}
    without = Linter(linter.compiled, linter.nlp, Selection(ignore=frozenset({"isotretinoin-buy-online"})))
    assert "isotretinoin-buy-online" not in {f.rule for f in without.lint(doc)}


def test_pack_scope_keeps_drug_rules_to_documents_about_the_drug(lint_text):
    assert lint_text("Acne bacteria? Benzoyl peroxide kills bacteria.") == []
    found = lint_text("Isotretinoin kills bacteria. It causes birth defects and depression.")
    assert [f.rule for f in found] == ["isotretinoin-antibacterial"]


def test_document_rule_anchors_at_first_mention_with_text_to_insert(lint_text):
    found = lint_text("Acne is common.\nAccutane 40 mg is strong. Take one capsule a day. Watch for depression.")
    (f,) = found
    assert (f.rule, f.text, f.position.line, f.position.column) == (
        "isotretinoin-missing-pregnancy-warning", "Accutane 40 mg", 2, 1)
    assert f.scope == "document" and "birth defects" in f.suggestion.insert


def test_requires_within_section(cli, tmp_path):
    pack = tmp_path / "sections.yaml"
    pack.write_text("""\
pack: sections
rules:
  - id: dose-needs-food
    category: dosing
    severity: minor
    message: A section about the dose should say to take it with food.
    when: ["daily dose"]
    require: ["with food"]
    within: section
    examples:
      fire: ["# Dose\\nThe daily dose is 20 mg."]
      no_fire: ["# Dose\\nThe daily dose is 20 mg, taken with food."]
""", encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text("# Dosing\nThe daily dose is low.\nTake it with food.\n\n"
                     "# Missed doses\nSkip it; keep the daily dose the same.\n", encoding="utf-8")
    run = cli("lint", "--no-default-rules", "--rules", str(pack), "--format", "json", str(draft))
    (f,) = run.json()["files"][0]["findings"]
    assert (f["rule"], f["line"], f["column"], f["text"]) == ("dose-needs-food", 6, 19, "daily dose")


def test_a_huge_sentence_is_cut_to_a_window_around_the_match(lint_text):
    filler = "word " * 2000
    text = "Isotretinoin causes birth defects and depression. " + filler + "a permanent remission " + filler
    (f,) = lint_text(text)
    assert f.text == "permanent remission" and len(f.sentence) <= 600
    s, e = f.sentence_span
    assert f.sentence[s:e] == "permanent remission"
    assert text[f.position.start:f.position.end] == "permanent remission"
