"""Lower-case lookup lemmas from spacy-lookups-data (installed from the package index)."""
from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.attrs import IS_SPACE, LEMMA, ORTH
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """The English lemma lookup table (word -> lemma) as a plain dict, read straight from
    spacy-lookups-data's file: 10 ms, where building spaCy's ``Lookups`` Table from it (a
    hashed, Bloom-filtered copy of the same 41,582 entries) costs 90 ms of every start-up."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    return load_language_data(spacy_lookups_data.en["lemma_lookup"])


@lru_cache(maxsize=1)
def _forms_by_lemma() -> dict[str, tuple[str, ...]]:
    """Lemma -> the lower-case words ``lemma_of`` maps to it (the lookup table inverted).
    Tuples of strings: the garbage collector stops tracking them, where tens of thousands
    of sets would be walked at every full collection."""
    forms: dict[str, set[str]] = {}
    for word, lemma in _table().items():
        if word == word.lower():
            forms.setdefault(str(lemma).lower(), set()).add(word)
    return {lemma: tuple(words) for lemma, words in forms.items()}


@lru_cache(maxsize=None)
def lemma_forms(lemma: str) -> frozenset[str]:
    """Every lower-case word whose lemma is ``lemma`` (the lemma itself included)."""
    return frozenset(_forms_by_lemma().get(lemma, ())) | {lemma}


@lru_cache(maxsize=65536)
def lemma_of(word: str) -> str:
    """The lemma of one word, case-folded: 'Cures', 'cured', 'curing' -> 'cure'."""
    low = word.lower()
    return str(_table().get(low, low)).lower()


class Lemmatizer:
    """The pipeline component: every token but white space gets the lemma of its text
    (through arrays: no Token objects, each distinct word of a document looked up once).
    It remembers each word's lemma hash for its pipeline's string store, so that a word is
    looked up and its lemma added to the store once per process, not once per document.
    (spaCy's memory zones, which remove the strings added inside them, are not used here; a
    pipeline that used them would have to drop this memory with them.)"""

    MAX_REMEMBERED = 200_000  # words; then it starts again (a long audit of many languages)

    def __init__(self) -> None:
        self._lemma_hashes: dict[int, int] = {}  # a word's hash -> its lemma's hash

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        known = self._lemma_hashes
        if len(known) > self.MAX_REMEMBERED:
            known.clear()
        table = doc.to_array([ORTH, IS_SPACE])
        words, where = numpy.unique(table[:, 0], return_inverse=True)
        hashes = []
        for orth in words.tolist():
            lemma = known.get(orth)
            if lemma is None:
                lemma = known[orth] = strings.add(lemma_of(strings[orth]))
            hashes.append(lemma)
        column = numpy.array(hashes, dtype="uint64")[where.reshape(-1)]
        column[table[:, 1] != 0] = 0  # white space: as if never set
        doc.from_array([LEMMA], column.reshape(-1, 1))
        return doc


@Language.factory("claimcheck_lemmas")
def make_lemmatizer(nlp: Language, name: str) -> Lemmatizer:
    return Lemmatizer()
