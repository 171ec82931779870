"""Sentence boundaries that follow the document's structure as well as its punctuation.

Readers leave a line break in a Document's text only where the structure breaks (paragraph,
heading, list item, "Q:"/"A:" line, a line without final punctuation); soft wraps are already
joined. So: every line break ends a sentence, and so do . ! ? unless the text runs on in
lower case ("e.g. the", "vs. a"); "vitamin A. It" ends one, "P. acnes" does not. What a
line carries over to the next: whether it ended a sentence, for a quote or bracket opening
the next line (taken as closing that sentence: the prefilter keeps the line before such a line).
"""
from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

TERMINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING = frozenset({'"', "'", "”", "’", ")", "]", "»"})


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token indices of each sentence; cheaper than building doc.sents."""
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    return list(zip(starts, starts[1:] + [len(doc)]))


@Language.component("claimcheck_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    orths, spaces = doc.to_array([ORTH, IS_SPACE]).T.tolist()
    terminal = {strings.add(t) for t in TERMINAL}
    closing = {strings.add(t) for t in CLOSING}
    starts = [-1] * len(orths)
    starts[0] = 1
    pending = False  # a line break: the next word starts a sentence
    after_terminal = False  # seen . ! ? (and perhaps closing quotes) since the last word
    prev_word = -1
    words: dict[int, tuple[bool, bool]] = {}  # orth -> (may be an initial "A.", starts lower case)
    for i, (orth, space) in enumerate(zip(orths, spaces)):
        if space:
            if not pending and prev_word >= 0 and "\n" in strings[orth]:
                pending = True
            continue
        kind = words.get(orth)
        if kind is None:
            word = strings[orth]
            kind = words[orth] = (len(word) == 2 and word[1] == "." and word[0].isupper(), word[:1].islower())
        if (orth in terminal or (after_terminal and orth in closing)
                or (kind[0] and _initial_ends_sentence(doc, i, orth, strings))):
            if pending:
                starts[i] = 1
            after_terminal = True
        else:
            if pending or (after_terminal and not kind[1]):
                starts[i] = 1
            after_terminal = False
        pending = False
        prev_word = i
    doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
    return doc


def _initial_ends_sentence(doc: Doc, i: int, orth: int, strings) -> bool:
    """'vitamin A. It works' ends a sentence; 'P. acnes' and 'John J. Smith' do not."""
    word = strings[orth]
    if len(word) != 2 or word[1] != "." or not word[0].isupper() or i == 0 or i + 1 >= len(doc):
        return False
    return doc[i - 1].is_lower and doc[i + 1].is_title
