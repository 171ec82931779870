"""The rulebook's pattern language, compiled to spaCy Matcher token patterns.

    cure              any form of the word (lemma, case-insensitive): cures, cured, Curing
    "online"          this word in any case, no other form ("without a prescription" works too)
    =P.               exactly this spelling, case-sensitive
    a b|c d           alternatives: "a b" or "c d" ('|' separates whole sequences, as in regex)
    (buy|order) it    a group: "buy it" or "order it"; groups nest: (no doctor|online)
    x?  x+  x*        optional, one or more, any number (on a word or a group; groups take ? only)
    ...   ...5        a gap of up to 3 (or 5) words inside the sentence
    @isotretinoin     any term of a concept from the rulebook's lexicons
    #num #url #punct #any   a number ("20", "0.5"), a link, punctuation, any single token

A pattern compiles to a handful of alternative token sequences (its expansions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

Token = dict
Sequence = list  # list[Token]

MAX_EXPANSIONS = 512
DEFAULT_GAP = 3
_CLASSES: dict[str, Token] = {
    "num": {"LIKE_NUM": True},
    "url": {"LIKE_URL": True},
    "punct": {"IS_PUNCT": True},
    "any": {},
}
_LEXEME = re.compile(
    r"""\s*(?:
        (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<gap>\.\.\.(?P<gapn>\d+)?)
      | (?P<sym>[()|])
      | (?P<quant>[?+*](?=[\s()|]|$))
      | (?P<word>[^\s()|"]+?)(?=[?+*]?(?:[\s()|]|$)|[?+*]$)
    )""",
    re.VERBOSE,
)


class PatternError(ValueError):
    """A pattern that does not compile; the message says why."""


@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[str, ...]
    strength: bool = False


class PatternCompiler:
    """Compiles pattern strings, given a tokenizer, a lemma function and the concepts."""

    def __init__(
        self,
        tokenize: Callable[[str], list[str]],
        lemma: Callable[[str], str],
        concepts: dict[str, Concept] | None = None,
    ):
        self._tokenize = tokenize
        self._lemma = lemma
        self.concepts = concepts or {}
        self._concept_cache: dict[str, list[Sequence]] = {}
        self._resolving: list[str] = []

    @classmethod
    def for_nlp(cls, nlp, concepts: dict[str, Concept] | None = None) -> "PatternCompiler":
        """A compiler that splits and lemmatizes pattern words exactly as the pipeline does."""
        from .lemmas import lemma_of

        return cls(lambda s: [t.text for t in nlp.tokenizer(s) if not t.is_space], lemma_of, concepts)

    def compile(self, pattern: str) -> list[Sequence]:
        """All token sequences the pattern stands for; raises PatternError."""
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError("empty pattern")
        lexemes = list(_lex(pattern))
        seqs, pos = self._sequence_alternatives(lexemes, 0)
        if pos != len(lexemes):
            raise PatternError(f"unexpected {lexemes[pos][1]!r} in {pattern!r}")
        seqs = [s for s in seqs if s]
        if not seqs:
            raise PatternError(f"pattern {pattern!r} matches nothing")
        for s in seqs:
            if all(t.get("OP") in ("?", "*") or _is_gap(t) for t in s):
                raise PatternError(f"pattern {pattern!r} can match an empty text")
        return seqs

    def concept(self, name: str) -> list[Sequence]:
        if name in self._concept_cache:
            return self._concept_cache[name]
        if name not in self.concepts:
            raise PatternError(f"unknown concept @{name}")
        if name in self._resolving:
            raise PatternError(f"concept @{name} refers to itself")
        self._resolving.append(name)
        try:
            concept = self.concepts[name]
            seqs: list[Sequence] = []
            for term in concept.terms:
                try:
                    seqs.extend(self.compile(term))
                except PatternError as exc:
                    raise PatternError(f"in concept @{name}: {exc}") from None
            seqs = _merge_single_tokens(seqs)
            if concept.strength:
                # "isotretinoin 20mg", "Isotretinoin 40 mg", "isotretinoin 20"
                strength = [{"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": list(UNITS)}, "OP": "?"}]
                seqs = [s + strength for s in seqs]
        finally:
            self._resolving.pop()
        self._concept_cache[name] = seqs
        return seqs

    # -- grammar ---------------------------------------------------------------------------

    def _sequence_alternatives(self, lx: list, pos: int) -> tuple[list[Sequence], int]:
        """alternatives := sequence ('|' sequence)*"""
        alts, pos = self._sequence(lx, pos)
        while pos < len(lx) and lx[pos] == ("sym", "|"):
            more, pos = self._sequence(lx, pos + 1)
            alts = alts + more
        return alts, pos

    def _sequence(self, lx: list, pos: int) -> tuple[list[Sequence], int]:
        result: list[Sequence] = [[]]
        while pos < len(lx) and lx[pos] not in (("sym", "|"), ("sym", ")")):
            element, pos = self._element(lx, pos)
            result = [a + b for a in result for b in element]
            if len(result) > MAX_EXPANSIONS:
                raise PatternError(f"pattern expands to more than {MAX_EXPANSIONS} variants")
        return result, pos

    def _element(self, lx: list, pos: int) -> tuple[list[Sequence], int]:
        kind, value = lx[pos]
        if kind == "gap":
            return [[{"OP": "{0,%d}" % value}]], pos + 1
        if kind == "quant":
            raise PatternError(f"quantifier {value!r} has nothing before it")
        if value == "(" and kind == "sym":
            alts, pos = self._sequence_alternatives(lx, pos + 1)
            if pos >= len(lx) or lx[pos] != ("sym", ")"):
                raise PatternError("unclosed '('")
            pos += 1
        else:
            alts = self._atom(kind, value)
            pos += 1
            if kind == "word" and pos < len(lx) and lx[pos] == ("quant", "?"):
                self._refuse_plural_marker(value)
        alts = _merge_single_tokens(alts)
        if pos < len(lx) and lx[pos][0] == "quant":
            alts = _quantify(alts, lx[pos][1])
            pos += 1
        return alts, pos

    def _refuse_plural_marker(self, word: str) -> None:
        """'defects?' reads like a regex plural but makes the whole word optional, so
        "birth defects?" would match "date of birth". Words already match all their forms."""
        lemma = self._lemma(word) if word.isalpha() else word
        if len(word) >= 4 and word.endswith("s") and lemma in (word[:-1], word[:-2]):
            raise PatternError(f"'{word}?' makes the whole word optional; words match all their "
                               f"forms already, so write '{lemma}' (or '({word})?' if the word "
                               f"may be left out)")

    def _atom(self, kind: str, value: str) -> list[Sequence]:
        if kind == "quoted":
            words = self._tokenize(value)
            return [[{"LOWER": w.lower()} for w in words]]
        if kind != "word":
            raise PatternError(f"unexpected {value!r}")
        if value.startswith("@"):
            return self.concept(value[1:])
        if value.startswith("#"):
            cls = value[1:].lower()
            if cls not in _CLASSES:
                raise PatternError(f"unknown class {value!r} (known: {', '.join('#' + c for c in _CLASSES)})")
            return [[dict(_CLASSES[cls])]]
        if value.startswith("=") and len(value) > 1:
            return [[{"ORTH": w} for w in self._tokenize(value[1:])]]
        return [[{"LEMMA": self._lemma(w)} for w in self._tokenize(value)]]


UNITS = ("mg", "mcg", "µg", "g", "ml", "mg/kg", "milligram", "milligrams", "%", "iu")


def _lex(pattern: str) -> Iterator[tuple[str, object]]:
    pos = 0
    text = pattern.strip()
    while pos < len(text):
        m = _LEXEME.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(f"cannot read {text[pos:]!r} in pattern {pattern!r}")
        pos = m.end()
        if m.group("quoted"):
            inner = m.group("quoted")[1:-1].replace('\\"', '"')
            if not inner.strip():
                raise PatternError('empty quotes ""')
            yield ("quoted", inner)
        elif m.group("gap"):
            yield ("gap", int(m.group("gapn") or DEFAULT_GAP))
        elif m.group("sym"):
            yield ("sym", m.group("sym"))
        elif m.group("quant"):
            yield ("quant", m.group("quant"))
        else:
            yield ("word", m.group("word"))
        while pos < len(text) and text[pos].isspace():
            pos += 1


def _is_gap(token: Token) -> bool:
    return set(token) == {"OP"}


def _quantify(alts: list[Sequence], quant: str) -> list[Sequence]:
    if all(len(s) == 1 and "OP" not in s[0] for s in alts):
        return [[{**s[0], "OP": quant}] for s in alts]
    if quant != "?":
        raise PatternError(f"'{quant}' works on single words only; use '?' on a group")
    return alts + [[]]


def _merge_single_tokens(alts: list[Sequence]) -> list[Sequence]:
    """Fold one-token alternatives on the same attribute into one {"IN": [...]} token."""
    merged: dict[str, list[str]] = {}
    rest: list[Sequence] = []
    for seq in alts:
        if len(seq) == 1 and len(seq[0]) == 1:
            (attr, value), = seq[0].items()
            if attr in ("LEMMA", "LOWER", "ORTH"):
                values = value["IN"] if isinstance(value, dict) else [value]
                bucket = merged.setdefault(attr, [])
                bucket.extend(v for v in values if v not in bucket)
                continue
        if seq not in rest:
            rest.append(seq)
    out: list[Sequence] = []
    for attr, values in merged.items():
        out.append([{attr: values[0] if len(values) == 1 else {"IN": values}}])
    return out + rest
