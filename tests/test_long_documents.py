"""Long documents (a 50 MB page on one line) are linted part by part with bounded memory, and
give exactly the findings of the whole text: parts.py and Linter._findings_in_parts.

Parts are normally 250,000 characters; these tests make them a few hundred so that short
texts cross many part boundaries (and margins, sections, document rules and drug scopes
straddle them)."""
from __future__ import annotations

import re
import tracemalloc

import pytest

from claimcheck import text_document
from claimcheck.documents import read_document
from claimcheck.engine import Linter
from claimcheck.parts import is_long, parts

from conftest import ROOT, SEEDS

CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md", ".html"))


def linters(linter, part_chars: int) -> tuple[Linter, Linter]:
    """The same rulebook linting whole documents, and in parts of ``part_chars``."""
    whole = Linter(linter.compiled, linter.nlp, part_chars=10**12)
    return whole, Linter(linter.compiled, linter.nlp, part_chars=part_chars)


def seen(findings) -> list[tuple]:
    """All a user sees of each finding."""
    return [(f.rule, str(f.severity), f.position.line, f.position.column, f.position.end_line,
             f.position.end_column, f.text, f.sentence, tuple((c.type, c.cue) for c in f.context),
             f.suggestion.insert if f.suggestion else None) for f in findings]


def corpus_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in CORPUS if p.suffix == ".txt"]
    if SEEDS.exists():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return "\n\n".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("part_chars", [150, 250, 400])
def test_each_article_in_parts_gives_the_findings_of_the_whole(linter, part_chars):
    """Every article of corpus/ (text, Markdown with sections, HTML) in tiny parts."""
    whole, in_parts = linters(linter, part_chars)
    for path in CORPUS:
        doc = read_document(path)
        assert is_long(doc.text, part_chars), path
        assert seen(in_parts.lint(doc)) == seen(whole.lint(doc)), path


@pytest.mark.slow
@pytest.mark.parametrize("joined", ["lines", "one line"])
def test_a_long_text_in_parts_gives_the_findings_of_the_whole(linter, joined):
    """Articles (and the seeds, where ../shared is) one after another: drug packs in scope from
    a mention far from their claims, missing warnings decided over the whole text, on lines or
    all on one line."""
    text = corpus_text()
    if joined == "one line":
        text = text.replace("\n", " ")
    doc = text_document(text, "long.txt")
    whole, in_parts = linters(linter, 700)
    expected = seen(whole.lint(doc))
    assert len(expected) > 50
    assert seen(in_parts.lint(doc)) == expected


def test_a_document_rule_satisfied_in_another_part_does_not_fire(linter):
    """The pregnancy warning far from the drug's first mention, in another part."""
    filler = "Sunscreen protects the skin from the sun every day. " * 40
    text = (f"Isotretinoin 20 mg capsules are in stock. Take one a day with food.\n\n{filler}\n\n"
            f"Do not take isotretinoin if you are pregnant: it causes birth defects.\n")
    whole, in_parts = linters(linter, 300)
    doc = text_document(text, "far.txt")
    assert "isotretinoin-missing-pregnancy-warning" not in {f.rule for f in whole.lint(doc)}
    assert seen(in_parts.lint(doc)) == seen(whole.lint(doc))
    without = text_document(text.replace("if you are pregnant: it causes birth defects", "with vitamin A"),
                            "far.txt")
    found = [f for f in in_parts.lint(without) if f.rule == "isotretinoin-missing-pregnancy-warning"]
    assert [(f.position.line, f.position.column) for f in found] == [(1, 1)]  # the first mention


def test_parts_tile_the_text_at_unit_starts_with_margins(linter):
    text = corpus_text().replace("\n", " ")
    found = list(parts(text, linter.prefilter, 2000, margin=300))
    assert found[0].own_lo == 0 and found[-1].own_hi == len(text)
    assert all(a.own_hi == b.own_lo for a, b in zip(found, found[1:]))
    for p in found[1:]:
        assert p.lo <= p.own_lo - 300 and re.match(r"[A-Z0-9]", text[p.own_lo])  # a sentence starts
        assert text[p.own_lo - 1] == " " and text[:p.own_lo].rstrip()[-1] in ".!?\"'”’)"
    for p in found[:-1]:
        assert p.hi >= p.own_hi + 300


@pytest.mark.slow
def test_the_pipeline_never_sees_more_than_a_part(linter, monkeypatch):
    """What bounds memory: each spaCy Doc holds at most one part and its margins."""
    text = corpus_text().replace("\n", " ") * 3
    in_parts = Linter(linter.compiled, linter.nlp, part_chars=3000)
    sizes: list[int] = []
    nlp = in_parts.nlp

    class Recording:
        def __call__(self, t):
            sizes.append(len(t))
            return nlp(t)

        def __getattr__(self, name):
            return getattr(nlp, name)

    monkeypatch.setattr(in_parts, "nlp", Recording())
    assert in_parts.lint(text_document(text, "long.txt"))
    assert len(sizes) > 10 and max(sizes) < 3000 * 2 + 4 * 1000


def test_reading_a_long_one_line_text_does_not_copy_it(tmp_path):
    """Reading allocates about the text once (before: three more copies in heading detection)."""
    text = ("Isotretinoin is a strong medicine. Ask your dermatologist about it. " * 30_000).strip()
    path = tmp_path / "one-line.txt"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        doc = read_document(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc.text == text and len(text) > 2_000_000
    assert peak < 2.5 * len(text)  # the bytes read and the decoded text, nothing more


def test_a_paragraph_that_context_reads_as_a_whole_fits_in_a_part_margin():
    """One speaker per paragraph (context.yaml paragraph_speaker) reaches over a paragraph: a
    part (parts.py) sees MARGIN_CHARS beyond what it owns, so such a paragraph must be shorter."""
    from claimcheck.nlp.context import _context_data
    from claimcheck.parts import MARGIN_CHARS

    assert 0 < _context_data()["paragraph_speaker"]["max_chars"] <= MARGIN_CHARS


@pytest.mark.parametrize("paragraphs", [2, 6])
def test_a_quotation_over_paragraphs_is_judged_alike_in_parts(linter, paragraphs):
    """A quotation running over paragraphs is one quotation only within the bound a part sees
    beyond what it owns: longer, its last paragraph stands alone, in the whole text as in parts."""
    body = "We followed the patients for two years and saw them every month at the clinic. " * 3
    quote = "\n\n".join(f'"{body}' for _ in range(paragraphs - 1))
    filler = "Sunscreen protects the skin from the sun every day. " * 30
    text = (f"{filler}\n\nThe trial lead, Professor Kim of the institute, said:\n\n{quote}\n\n"
            f'"This drug is a game changer."\n\n{filler}\n')
    whole, in_parts = linters(linter, 700)
    doc = text_document(text, "long.txt")
    expected = seen(whole.lint(doc))
    assert [f[:2] for f in expected if f[0] == "sensational-hype"] == [
        ("sensational-hype", "info" if paragraphs == 2 else "minor")]
    assert seen(in_parts.lint(doc)) == expected
