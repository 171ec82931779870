"""spaCy pipeline: blank English, lookup lemmas, structural sentences, context cues."""
from .pipeline import get_nlp, lemma_of

__all__ = ["get_nlp", "lemma_of"]
