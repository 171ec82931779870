"""The pattern language: what a rule author writes and what it matches."""
import pytest

from claimcheck.nlp import get_nlp
from claimcheck.nlp.patterns import Concept, PatternCompiler, PatternError
from spacy.matcher import Matcher

CONCEPTS = {
    "drug": Concept("drug", ("isotretinoin", "accutane", "absorica ld"), strength=True),
    "loop": Concept("loop", ("@loop",)),
}


def matches(pattern: str, text: str) -> list[str]:
    nlp = get_nlp()
    compiler = PatternCompiler.for_nlp(nlp, CONCEPTS)
    matcher = Matcher(nlp.vocab)
    matcher.add("p", compiler.compile(pattern))
    doc = nlp(text)
    spans = sorted(((s, e) for _, s, e in matcher(doc)), key=lambda x: (x[0], -x[1]))
    out, last = [], -1
    for s, e in spans:  # longest match per start, as the engine does
        if s >= last:
            out.append(doc[s:e].text)
            last = e
    return out


def test_plain_words_match_any_form():
    assert matches("cure acne", "It Cures acne. It cured acne. Curing acne.") == ["Cures acne", "cured acne", "Curing acne"]


def test_quoted_words_match_only_that_form():
    assert matches('"cures"', "It cures. It cured. It CURES.") == ["cures", "CURES"]


def test_exact_spelling_is_case_sensitive():
    assert matches("=P. acnes", "P. acnes and p. acnes") == ["P. acnes"]


def test_alternatives_and_groups():
    assert matches("(buy|order) it online", "buy it online; order it online; get it online") == [
        "buy it online", "order it online",
    ]
    assert matches("no side effects|completely safe", "no side effects, completely safe") == [
        "no side effects", "completely safe",
    ]


def test_optional_word_and_group():
    assert matches("permanent (acne)? remission", "permanent remission, permanent acne remission") == [
        "permanent remission", "permanent acne remission",
    ]
    assert matches("very? well", "well and very well") == ["well", "very well"]


def test_bounded_gap():
    assert matches("kill ... bacteria", "kills acne-causing bacteria") == ["kills acne-causing bacteria"]
    assert matches("kill ...1 bacteria", "kills acne-causing bacteria") == []


def test_concepts_with_strength():
    assert matches("buy @drug", "buy Isotretinoin 20mg, buy accutane 40 mg, buy Absorica LD") == [
        "buy Isotretinoin 20mg", "buy accutane 40 mg", "buy Absorica LD",
    ]


def test_token_classes():
    assert matches("up to #num %", "up to 90% and up to 0.5%") == ["up to 90%", "up to 0.5%"]


@pytest.mark.parametrize("pattern, error", [
    ("(buy|order", "unclosed '('"),
    ("@nothing", "unknown concept @nothing"),
    ("@loop", "refers to itself"),
    ("#weird", "unknown class"),
    ("buy?", "can match an empty text"),
    ("? buy", "has nothing before it"),
    ("(buy it)+", "single words only"),
    ('""', "empty quotes"),
])
def test_patterns_that_do_not_compile(pattern, error):
    nlp = get_nlp()
    compiler = PatternCompiler.for_nlp(nlp, CONCEPTS)
    with pytest.raises(PatternError, match=error.replace("(", r"\(")):
        compiler.compile(pattern)


@pytest.mark.parametrize("pattern, yes, no", [  # the worked examples of docs/rulebook.md
    ("permanent (acne)? remission", ["permanent remission", "Permanent acne remission"], ["permanently in remission"]),
    ("kill ...3 bacteria", ["Kills Acne-Causing Bacteria", "killed the bacteria"],
     ["kills most of the acne-causing bacteria"]),
    ("up to #num (%|percent)", ["Up to 90%", "up to 50 percent"], ["up to ninety"]),
    ("(studies|research) (show|prove)", ["Studies show", "research proves", "a study showed"], ["studies are showing"]),
])
def test_documented_examples(pattern, yes, no):
    for text in yes:
        assert matches(pattern, text), text
    for text in no:
        assert not matches(pattern, text), text


def test_a_regex_style_plural_marker_is_refused():
    """'birth defects?' would make "defects" optional and match "date of birth"."""
    from claimcheck.nlp.patterns import PatternError, PatternCompiler
    from claimcheck.nlp import get_nlp

    compiler = PatternCompiler.for_nlp(get_nlp())
    with pytest.raises(PatternError, match=r"'defects\?' makes the whole word optional.*write 'defect'"):
        compiler.compile("birth defects?")
    assert compiler.compile("birth (defects)?")  # an explicit optional word is fine
    assert compiler.compile("is? safe")  # not a plural
