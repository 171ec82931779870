"""Lower-case lookup lemmas from spacy-lookups-data (installed from the package index)."""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table


@lru_cache(maxsize=1)
def _forms_by_lemma() -> dict[str, frozenset[str]]:
    """Lemma -> the lower-case words ``lemma_of`` maps to it (the lookup table inverted)."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    forms: dict[str, set[str]] = {}
    for word, lemma in load_language_data(spacy_lookups_data.en["lemma_lookup"]).items():
        if word == word.lower():
            forms.setdefault(str(lemma).lower(), set()).add(word)
    return {lemma: frozenset(words) for lemma, words in forms.items()}


def lemma_forms(lemma: str) -> frozenset[str]:
    """Every lower-case word whose lemma is ``lemma`` (the lemma itself included)."""
    return _forms_by_lemma().get(lemma, frozenset()) | {lemma}


@lru_cache(maxsize=65536)
def lemma_of(word: str) -> str:
    """The lemma of one word, case-folded: 'Cures', 'cured', 'curing' -> 'cure'."""
    low = word.lower()
    return str(_table().get(low, low)).lower()


@Language.component("claimcheck_lemmas")
def set_lemmas(doc: Doc) -> Doc:
    for token in doc:
        if not token.is_space:
            token.lemma_ = lemma_of(token.text)
    return doc
