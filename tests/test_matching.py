"""The matcher's shortcuts must give what spaCy's Matcher and re.finditer give: simple token
sequences read off attribute arrays, and regexes tried only where a match can start."""
from __future__ import annotations

import re

import pytest
import spacy
from spacy.matcher import Matcher

from claimcheck.nlp.matching import TokenMatcher
from claimcheck.nlp.regexes import regex_matches
from claimcheck.prefilter.needs import regex_needs

TEXTS = [
    "Take isotretinoin 40 mg daily, or isotretinoin 20 with food; isotretinoin mg is a typo.",
    "ISOTRETINOIN 10 MG. Isotretinoin, 5 g. isotretinoin isotretinoin 1",
    "See [12] and [ 3 ] or [a] and https://example.org/x and www.example.com.",
    "Nothing to see here at all.",
    "",
]

SEQUENCES = {
    "strength": [[{"LOWER": "isotretinoin"}, {"LIKE_NUM": True, "OP": "?"},
                  {"LOWER": {"IN": ["mg", "g"]}, "OP": "?"}]],
    "cite": [[{"ORTH": "["}, {"LIKE_NUM": True}, {"ORTH": "]"}]],
    "url": [[{"LIKE_URL": True}]],
    "any_after": [[{"LOWER": "see"}, {}, {"LOWER": "and"}]],
    # a test first, then one of a set of words: filed under each of the words (_by_next_token)
    "num_unit": [[{"LIKE_NUM": True}, {"LOWER": {"IN": ["mg", "g"]}}, {"IS_PUNCT": True, "OP": "?"}]],
    "word_and": [[{"IS_ALPHA": True}, {"LOWER": {"IN": ["and", "or", "with"]}}, {"IS_ALPHA": True}]],
}


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def spacy_matches(nlp, doc) -> set[tuple[str, int, int]]:
    matcher = Matcher(nlp.vocab)
    for key, seqs in SEQUENCES.items():
        matcher.add(key, seqs)
    return {(nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc)}


@pytest.mark.parametrize("text", TEXTS)
def test_simple_sequences_match_as_spacy_does(nlp, text):
    ours = TokenMatcher(nlp.vocab)
    for key, seqs in SEQUENCES.items():
        ours.add(key, seqs)
    assert ours._simple_seqs, "the sequences above are meant to take the array path"
    doc = nlp(text)
    got = [(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)]
    assert len(got) == len(set(got)), "each span once per key"
    assert set(got) == spacy_matches(nlp, doc)


def test_a_second_test_of_a_set_of_words_is_looked_up_not_tried_at_every_token(nlp):
    ours = TokenMatcher(nlp.vocab)
    for key, seqs in SEQUENCES.items():
        ours.add(key, seqs)
    doc = nlp("Cats and dogs, 40 mg. or 5 g with food")
    got = {(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)}
    assert {("word_and", 0, 3), ("num_unit", 4, 6), ("num_unit", 4, 7), ("num_unit", 8, 10)} <= got
    assert got == spacy_matches(nlp, doc)
    # a sequence opening with a test is tried at every such token only when nothing follows
    # ("url") or any token does ("any_after"): the others are filed under their second word
    tried_anyway = {nlp.vocab.strings[ours._simple_seqs[own][0]] for by_value in ours._tested_next.values()
                    for anyway, _ in by_value.values() for own in anyway}
    assert tried_anyway == {"url", "any_after"}


def test_a_judged_key_matches_only_inside_its_ranges(nlp):
    ours = TokenMatcher(nlp.vocab)
    ours.add("strength", SEQUENCES["strength"])
    doc = nlp("isotretinoin 40 mg. isotretinoin 20 mg.")
    got = {(s, e) for _, s, e in ours(doc, {"strength": [(4, 8)]}, frozenset({"strength"}))}
    assert got == {(4, 5), (4, 6), (4, 7)}  # not the first "isotretinoin 40 mg"
    assert ours(doc, {}, frozenset({"strength"})) == []


GAPPED = {
    # a word, up to 3 words, another: with sets, optional words and lemmas in the pieces
    "buy_gap_rx": [[{"LOWER": {"IN": ["buy", "order"]}}, {"OP": "{0,3}"},
                    {"LOWER": "without", "OP": "?"}, {"LOWER": "prescription"}]],
    # three pieces, and the same key also holding a sequence without a gap
    "three": [[{"LOWER": "no"}, {"OP": "{0,2}"}, {"LOWER": "needed"}, {"OP": "{0,4}"}, {"LOWER": "today"}],
              [{"LOWER": "rx"}, {"LOWER": "free"}]],
    # a piece of optional words only cannot be matched alone: it stays with the Matcher
    "optional_piece": [[{"LOWER": "order"}, {"OP": "{0,2}"}, {"LOWER": "now", "OP": "?"}]],
}

GAPPED_TEXTS = [
    "Buy it now without prescription. Order prescription. buy a b c d prescription.",
    "No doctor needed, order today today. No need needed x y z w today. rx free, Rx free.",
    "order order now now prescription prescription without prescription",
    "buy prescription buy x prescription buy x y prescription buy x y z prescription",
    "",
]


@pytest.mark.parametrize("text", GAPPED_TEXTS)
def test_sequences_with_gaps_match_as_spacy_does(nlp, text):
    """A gap's pieces are matched apart and joined: the same spans, once each, as spaCy's
    Matcher gives for the whole sequence (which is exponential in the gap's length)."""
    ours = TokenMatcher(nlp.vocab)
    matcher = Matcher(nlp.vocab)
    for key, seqs in GAPPED.items():
        ours.add(key, seqs)
        matcher.add(key, seqs)
    assert len(ours._joins) == 2, "buy_gap_rx and three are split at their gaps"
    doc = nlp(text)
    got = [(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)]
    assert len(got) == len(set(got)), "each span once per key"
    assert set(got) == {(nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc)}


def test_a_judged_gapped_key_matches_only_inside_one_of_its_ranges(nlp):
    ours = TokenMatcher(nlp.vocab)
    ours.add("buy_gap_rx", GAPPED["buy_gap_rx"])
    doc = nlp("buy a . buy prescription")
    assert {(s, e) for _, s, e in ours(doc)} == {(0, 5), (3, 5)}
    assert {(s, e) for _, s, e in ours(doc, {"buy_gap_rx": [(3, 5)]}, frozenset({"buy_gap_rx"}))} == {(3, 5)}
    # each piece inside a range, but the whole across two: not a match
    assert ours(doc, {"buy_gap_rx": [(0, 2), (4, 5)]}, frozenset({"buy_gap_rx"})) == []


PATTERNS = [
    r"\bbuy\s+\w+\s+online\b",
    r"(?i)\b(?:mg|milligrams?)\b",
    r"(?i)(?<!not )permanent(?:ly)? (?:cure|remission)",
    r"(?i)miracle|wonder",
    r"(?i)\bs\w+",  # "ſ" matches "s" case-insensitively but lower-cases to itself
    r"[Vv]itamin [A-E]\b",
    r"(?m)^Q:",
    r"\d+ ?%",
    # an optional first item: a match starts with it or with what follows
    r"(?<=[a-z]{3})[.,;]?\[\d{1,3}\]",
    r"(?i)a?b?c+",
    r"x?(?:y|zz)w",
]

REGEX_TEXTS = [
    "Buy isotretinoin online today! buy pills online. BUY x ONLINE",
    "Take 40 MG or 2 milligrams, not 3 mgs; Milligram.",
    "It is not permanent cure. A Permanently remission. not permanently cure",
    "A miracle, a Wonder, MIRACLES.",
    "ſome ſtrange long s, and Some other words; straße Straße",
    "vitamin A and Vitamin E, vitamin F; vitamin Bee",
    "Q: what?\nA: that.\nQ: and?",
    "95% of 100 % and 5 %",
    "with training.[12] improved[3], so;[4] ab[5] abc ABC bc Cc c; xyw yw zzw xzzw xw",
    "",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_regex_matches_are_those_of_finditer(pattern):
    rx = re.compile(pattern)
    for text in REGEX_TEXTS:
        want = [(m.start(), m.end()) for m in rx.finditer(text)]
        assert [(m.start(), m.end()) for m in regex_matches(rx, text)] == want, text


def _literals(needs):
    if needs is True:
        return []
    if needs[0] == "lit":
        return [needs[1]]
    return [lit for part in needs[1] for lit in _literals(part)]


def test_what_a_regex_needs_is_read_from_its_pattern():
    needs = regex_needs(re.compile(r"\bbuy\s+\w+\s+online\b"))
    assert needs == ("and", [("lit", "buy", False), ("lit", "online", False)])
    either = regex_needs(re.compile(r"(?i)\b(?:mg|milligrams?)\b"))
    assert either[0] == "or" and sorted(_literals(either)) == ["mg", "milligram"]
    assert regex_needs(re.compile(r"\d+ ?%")) == ("lit", "%", False)
    assert regex_needs(re.compile(r"(?=x)\w*")) is True  # nothing it cannot do without


PHRASES = {
    "buy": [["buy"], ["buy", "online"], ["buy", "it", "online"]],
    "online": [["online"], ["it", "online"]],
    "mg": [["20", "mg"], ["20", "mg", "daily"]],
}
PHRASE_TEXTS = [
    "Buy it ONLINE. buy online, buy it online today; Buy Buy online.",
    "Take 20 mg daily, or 20 mg; 20 MG daily. it online it",
    "",
]


@pytest.mark.parametrize("attr", ["LOWER", "ORTH"])
@pytest.mark.parametrize("text", PHRASE_TEXTS)
def test_phrase_tables_give_what_spacys_phrase_matcher_gives(nlp, attr, text):
    """Overlapping phrases, one phrase the prefix of another, case, repeats: the same
    (key, start, end) set, each once."""
    from spacy.matcher import PhraseMatcher

    from claimcheck.nlp.matching import Phrases

    doc = nlp(text)
    reference = PhraseMatcher(nlp.vocab, attr=attr)
    ours = Phrases(nlp.vocab, attr)
    for key, word_lists in PHRASES.items():
        reference.add(key, [spacy.tokens.Doc(nlp.vocab, words=[w.lower() if attr == "LOWER" else w for w in words])
                            for words in word_lists])
        ours.add(key, word_lists)
    expected = {(nlp.vocab.strings[k], s, e) for k, s, e in reference(doc)}
    got = [(nlp.vocab.strings[k], s, e) for k, s, e in ours(doc)]
    assert len(got) == len(set(got))
    assert set(got) == expected


WHERE_TEXTS = TEXTS[:2] + GAPPED_TEXTS[:4] + ["buy online and isotretinoin 40 mg. No need needed today; buy x prescription"]


@pytest.mark.parametrize("text", WHERE_TEXTS)
def test_pieces_and_heads_of_keys_that_match_nowhere_are_skipped_with_the_same_matches(nlp, text, monkeypatch):
    """With the prefilter's ranges, the matcher looks only for the pieces (gapped sequences)
    and heads (simple sequences) of keys that may match somewhere (TokenMatcher._live): the
    matches are those it gives when it looks for all of them and drops what lies outside."""
    ours = TokenMatcher(nlp.vocab)
    for key, seqs in {**SEQUENCES, **GAPPED, "online": [[{"LOWER": "buy"}, {"LOWER": "online"}]]}.items():
        ours.add(key, seqs)
    doc = nlp(text)
    n = len(doc)
    keys = sorted(ours.sequences)
    cases = [({}, frozenset(keys)), ({k: [(0, n)] for k in keys}, frozenset(keys)),
             ({k: [(0, n // 2), (n // 2, n)] for k in keys[::2]}, frozenset(keys)),
             ({k: [(1, n)] for k in keys[1::2]}, frozenset(keys[1:]))]
    for where, judged in cases:
        got = sorted(ours(doc, where, judged))
        with monkeypatch.context() as m:
            m.setattr(TokenMatcher, "_live", lambda self, where, judged: None)
            want = sorted(ours(doc, where, judged))
        assert got == want, (where, judged)
    # a key added after the matcher ran (the keys a prefilter left unjudged are remembered per
    # set of judged keys): its heads are live, and it matches where spaCy's Matcher does
    late_seqs = [[{"LOWER": "need"}, {"IS_ALPHA": True, "OP": "?"}]]
    ours.add("late", late_seqs)
    got = sorted(ours(doc, {}, frozenset(keys)))
    with monkeypatch.context() as m:
        m.setattr(TokenMatcher, "_live", lambda self, where, judged: None)
        assert got == sorted(ours(doc, {}, frozenset(keys)))
    late = Matcher(nlp.vocab)
    late.add("late", late_seqs)
    assert {(s, e) for k, s, e in got if nlp.vocab.strings[k] == "late"} == {(s, e) for _, s, e in late(doc)}


@pytest.mark.parametrize("text", PHRASE_TEXTS)
def test_a_phrase_table_gives_only_the_live_keys_matches(nlp, text):
    from claimcheck.nlp.matching import Phrases

    ours = Phrases(nlp.vocab, "LOWER")
    for key, word_lists in PHRASES.items():
        ours.add(key, word_lists)
    doc = nlp(text)
    every = ours(doc)
    for key in PHRASES:
        live = frozenset({nlp.vocab.strings[key]})
        assert ours(doc, live=live) == [m for m in every if m[0] in live]


def test_positions_are_those_holding_one_of_the_values():
    import numpy

    from claimcheck.nlp.matching import _positions

    rng = numpy.random.default_rng(7)
    for size in (0, 1, 5, 200):
        array = rng.integers(0, 2**64 - 1, size=size, dtype=numpy.uint64, endpoint=True)
        array[::3] = 2**64 - 1  # the largest value, past every other one
        array[1::4] = 0
        for values in ([], [0], [2**64 - 1], sorted({*array[:3].tolist(), 5, 2**63})):
            want = [i for i, v in enumerate(array.tolist()) if v in values]
            assert _positions(array, numpy.array(values, dtype=numpy.uint64)) == want


OPENING = {
    # optional words first: spelled out as the sequences starting at each (matching._opened)
    "cure": [[{"LOWER": {"IN": ["a", "the", "real"]}, "OP": "?"}, {"LOWER": "cure"}, {"LOWER": "for"},
              {"LOWER": {"IN": ["acne", "gout"]}}],
             [{"LOWER": "total", "OP": "?"}, {"LOWER": "cure", "OP": "?"}, {"LIKE_NUM": True}, {"LOWER": "days"}]],
}

OPENING_TEXTS = ["A cure for acne, the cure for gout; cure for acne. real cure for gout",
                 "total cure 3 days, cure 4 days, total 5 days and 6 days. total total cure cure 7 days", ""]


@pytest.mark.parametrize("text", OPENING_TEXTS)
def test_sequences_opening_with_optional_words_take_the_array_path_with_spacys_matches(nlp, text):
    ours = TokenMatcher(nlp.vocab, max_phrases=1)  # not phrases: the simple-sequence path
    matcher = Matcher(nlp.vocab)
    for key, seqs in OPENING.items():
        ours.add(key, seqs)
        matcher.add(key, seqs)
    assert ours._simple_seqs and not ours.general
    doc = nlp(text)
    got = [(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)]
    assert len(got) == len(set(got)), "each span once per key"
    assert set(got) == {(nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc)}
    n = len(doc)
    judged = {(s, e) for _, s, e in ours(doc, {"cure": [(0, n // 2)]}, frozenset({"cure"}))}
    assert judged == {(s, e) for _, s, e in matcher(doc[0:n // 2])}


SHARED_PIECES = {
    "shared": [[{"LOWER": "no"}, {"OP": "{0,2}"}, {"LOWER": "needed"}],
               [{"LOWER": "no"}, {"OP": "{0,3}"}, {"LOWER": "today"}],
               [{"LOWER": "rx"}, {"OP": "{0,1}"}, {"LOWER": "needed"}, {"OP": "{0,1}"}, {"LOWER": "no"}]],
    "other": [[{"LOWER": "no"}, {"OP": "{0,1}"}, {"LOWER": "today"}]],
}


@pytest.mark.parametrize("text", GAPPED_TEXTS + ["no x needed today rx needed no no today", "rx y needed z no"])
def test_pieces_a_key_repeats_are_matched_once_and_joined_as_spacy_does(nlp, text):
    ours = TokenMatcher(nlp.vocab)
    matcher = Matcher(nlp.vocab)
    for key, seqs in SHARED_PIECES.items():
        ours.add(key, seqs)
        matcher.add(key, seqs)
    # shared's 7 pieces are 4 distinct ones ("no" and "needed" repeat), other has its own 2
    assert len(set(ours._piece_ids.values())) == 6 and len(ours._joins) == 4
    doc = nlp(text)
    got = [(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)]
    assert len(got) == len(set(got))
    assert set(got) == {(nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc)}
