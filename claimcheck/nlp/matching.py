"""One matcher for compiled token patterns: spaCy's PhraseMatcher where it can, Matcher elsewhere.

spaCy's Matcher tries every pattern at every token, so its cost grows with the rulebook. Most
of our patterns are plain word sequences once their sets and optional words are spelled out;
those go to a PhraseMatcher per attribute (hash look-ups, whatever the number of phrases).
Patterns with gaps, classes or mixed attributes stay with the Matcher. Same matches either way.
"""
from __future__ import annotations

import itertools
import re
from typing import Iterator

from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .patterns import Sequence

PHRASE_ATTRS = ("LEMMA", "LOWER", "ORTH")
MAX_PHRASES_PER_PATTERN = 64


class TokenMatcher:
    """Matches compiled sequences. General sequences go to one spaCy Matcher per key, each
    with the words one of which must occur in a document for the key to match at all
    (its anchors): spaCy tries every pattern at every token, so a key whose anchors are
    absent, the usual case, is skipped instead of costing its patterns times the tokens."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.general: list[tuple[str, frozenset[int] | None, Matcher]] = []
        self.phrases = {attr: PhraseMatcher(vocab, attr=attr) for attr in PHRASE_ATTRS}
        self.sequences: dict[str, list[Sequence]] = {}  # what was added, for the prefilter

    def add(self, key: str, seqs: list[Sequence]) -> None:
        self.sequences.setdefault(key, []).extend(seqs)
        general: list[Sequence] = []
        phrases: dict[str, list[Doc]] = {attr: [] for attr in PHRASE_ATTRS}
        for seq in seqs:
            spelled = _as_phrases(seq)
            if spelled is None:
                general.append(seq)
                continue
            attr, word_lists = spelled
            phrases[attr].extend(self._phrase_doc(attr, words) for words in word_lists)
        if general:
            matcher = Matcher(self.vocab)
            matcher.add(key, _spell_out_first_set(general))
            self.general.append((key, self._anchors(general), matcher))
        for attr, docs in phrases.items():
            if docs:
                self.phrases[attr].add(key, docs)

    def _anchors(self, seqs: list[Sequence]) -> frozenset[int] | None:
        """Hashes of words of which a document must contain one for any sequence to match:
        per sequence, the values of one required literal token, the one whose shortest word
        is longest (long words are rare: "antibiotic" rather than "take"); None when a
        sequence has no required literal token."""
        words: set[int] = set()
        for seq in seqs:
            choices = [w[1] for t in seq if "OP" not in t and (w := literal_words(t)) and w[1]]
            if not choices:
                return None
            rarest = max(choices, key=lambda values: min(len(v) for v in values))
            words.update(self.vocab.strings.add(v) for v in rarest)
        return frozenset(words)

    def __call__(self, doc: Doc, where: dict[str, list[tuple[int, int]]] | None = None,
                 judged: frozenset[str] = frozenset()) -> list[tuple[int, int, int]]:
        """(match_id, start, end) triples from every matcher. A general matcher whose key is
        in ``judged`` runs only over the token ranges ``where`` gives it (the prefilter's
        units where it may match), if any."""
        found: list[tuple[int, int, int]] = []
        if self.general:
            present = _word_hashes(doc)
            for key, anchors, matcher in self.general:
                if anchors is not None and anchors.isdisjoint(present):
                    continue
                if key not in judged:
                    found.extend(matcher(doc))
                    continue
                for a, b in (where or {}).get(key, ()):
                    found.extend((m, a + s, a + e) for m, s, e in matcher(doc[a:b]))
        for phrase_matcher in self.phrases.values():
            if len(phrase_matcher):
                found.extend(phrase_matcher(doc))
        return found

    def _phrase_doc(self, attr: str, words: list[str]) -> Doc:
        if attr == "LEMMA":
            return Doc(self.vocab, words=words, lemmas=words)
        return Doc(self.vocab, words=words)


def literal_words(token: dict) -> tuple[str, list[str]] | None:
    """(attribute, words) of a token spec that accepts plain words on one LEMMA / LOWER /
    ORTH attribute (a value or a set of values), whatever its OP; None for anything else."""
    rest = {k: v for k, v in token.items() if k != "OP"}
    if len(rest) != 1:
        return None
    (name, value), = rest.items()
    if name not in PHRASE_ATTRS:
        return None
    if isinstance(value, dict):
        return (name, [str(v) for v in value["IN"]]) if set(value) == {"IN"} else None
    return name, [str(value)]


def _word_hashes(doc: Doc) -> set[int]:
    """Every LOWER, LEMMA and ORTH of the document, as string hashes."""
    return set(doc.to_array([LOWER, LEMMA, ORTH]).ravel().tolist())


def _as_phrases(seq: Sequence) -> tuple[str, list[list[str]]] | None:
    """The word lists a sequence stands for, if it is plain words on one attribute."""
    attr = None
    choices: list[list[str | None]] = []
    for token in seq:
        op = token.get("OP")
        words = literal_words(token)
        if op not in (None, "?") or words is None or (attr and words[0] != attr):
            return None
        attr = words[0]
        values: list[str | None] = list(words[1])
        choices.append(values + [None] if op == "?" else values)
    total = 1
    for c in choices:
        total *= len(c)
    if attr is None or total > MAX_PHRASES_PER_PATTERN:
        return None
    word_lists = [[w for w in combo if w is not None] for combo in itertools.product(*choices)]
    return attr, [w for w in word_lists if w]


def _spell_out_first_set(seqs: list[Sequence]) -> list[Sequence]:
    """Spell out a set ({"IN": [...]}) on a pattern's first token as separate patterns.

    spaCy checks every pattern's first token at every position; a plain value is compared in
    C, a set goes through a Python predicate, which made matching several times slower.
    """
    out: list[Sequence] = []
    for seq in seqs:
        first = seq[0] if seq else {}
        sets = [(k, v["IN"]) for k, v in first.items() if isinstance(v, dict) and set(v) == {"IN"}]
        if len(sets) != 1 or len(first) != 1 + ("OP" in first):
            out.append(seq)
            continue
        attr, values = sets[0]
        for value in values:
            out.append([{**first, attr: value}] + seq[1:])
    return out


def regex_spans(doc: Doc, text: str, rx: re.Pattern) -> Iterator[tuple[int, int]]:
    """Token spans of a regex's matches in ``text`` (the doc's text), widened to whole tokens."""
    return token_spans(doc, ((m.start(), m.end()) for m in rx.finditer(text)))


def token_spans(doc: Doc, char_spans) -> Iterator[tuple[int, int]]:
    """Token spans of character spans of the doc's text, widened to whole tokens."""
    for start, end in char_spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            yield span.start, span.end
