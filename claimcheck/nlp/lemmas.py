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
