"""The language a document is written in, detected offline.

The rulebook is English: a page in Spanish would otherwise get English findings by accident
(a brand name, "online") and a grade that means nothing. Detection uses py3langid (a maintained
fork of langid.py: a naive Bayes model over byte n-grams, shipped inside the package, no
download), with probabilities normalised so that a threshold means the same for every text.

A text too short to tell (an editor's one-line draft) or one the model is unsure of is not
given a language: every rule applies to it, as before. Most texts linted are English, and
loading the model costs a second of start-up: a text whose words are in good part words only
English uses this often ("the", "and", "with", …) is taken as English without it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MIN_LETTERS = 200  # fewer letters than this: too short to tell
MIN_CONFIDENCE = 0.95  # a normalised probability; below it, "unsure"
SAMPLE_CHARS = 20_000  # of a long text, its start is enough (and bounds the cost)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z]+")
# a letter out of ASCII: where there is none, _WORD and _ASCII_WORD find the same words (any
# other character, ASCII or not, ends a word for both)
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]", re.UNICODE)
_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
# Frequent English words that are not words of the other languages pages come in (so not
# "in", "a", "was", "die"): about a third of running English text, a few per cent of a page
# in Spanish or German that quotes an English brand name or two.
_ENGLISH = frozenset("the and of to that is for with this are you your from by be have has which "
                     "it not can will or as at an but they their what about more been were".split())
ENGLISH_SHARE = 0.2

NAMES = {  # the languages a report names in words; others by their code
    "en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch", "pl": "Polish", "ru": "Russian", "tr": "Turkish",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech",
    "ro": "Romanian", "hu": "Hungarian", "el": "Greek", "ar": "Arabic", "zh": "Chinese",
    "ja": "Japanese", "ko": "Korean", "hi": "Hindi", "id": "Indonesian", "vi": "Vietnamese",
}


@dataclass(frozen=True)
class Detected:
    code: str  # ISO 639-1
    confidence: float | None  # the model's probability; None: told by common English words

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)


def _letters(text: str) -> int:
    """How many letters (``[^\W\d_]``) the text holds: in ASCII a-z, A-Z, counted in C; else
    the lengths of its runs of letters (``_WORD``), a list of words rather than one of letters."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_LETTERS))
    return sum(map(len, _WORD.findall(text)))


def detect(text: str) -> Detected | None:
    """The text's language, or None when it is too short or the model is unsure."""
    sample = text[:SAMPLE_CHARS]
    if _letters(sample[:4 * MIN_LETTERS]) < MIN_LETTERS and _letters(sample) < MIN_LETTERS:
        return None
    start = sample[:4000].lower()
    # without letters out of ASCII (curly quotes and dashes are no letters), [^\W\d_]+ finds
    # the words [a-z]+ finds (after lower-casing), which the regex engine finds faster
    plain = start.isascii() or _NON_ASCII_LETTER.search(start) is None
    words = (_ASCII_WORD if plain else _WORD).findall(start)
    if words and sum(map(_ENGLISH.__contains__, words)) / len(words) >= ENGLISH_SHARE:
        return Detected("en", None)  # by its common words, without loading the model
    code, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE:
        return None
    return Detected(code, round(float(confidence), 3))


def load_model() -> None:
    """Load the model now rather than when a text first needs it (Linter.read_all: before
    linting many documents, or forking workers that then share it)."""
    _identifier()


@lru_cache(maxsize=1)
def _identifier():
    """The model, loaded on first use (about 0.3 s), then kept for the process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
