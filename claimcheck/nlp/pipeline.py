"""Building the pipeline: once per process, from spacy.blank("en") and our own components."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from . import context as _context  # noqa: F401  (registers claimcheck_context)
from . import sentences as _sentences  # noqa: F401  (registers claimcheck_sentences)
from .lemmas import lemma_of

__all__ = ["get_nlp", "lemma_of"]

MAX_TEXT_LENGTH = 2**31 - 1


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline: tokenizer, lookup lemmas, sentences, context cues."""
    nlp = spacy.blank("en")
    # spaCy's 1M-character guard protects its parser and NER, which we do not use; the
    # tokenizer and our components are linear in the text's length.
    nlp.max_length = MAX_TEXT_LENGTH
    nlp.add_pipe("claimcheck_lemmas")
    nlp.add_pipe("claimcheck_sentences")
    nlp.add_pipe("claimcheck_context")
    return nlp
