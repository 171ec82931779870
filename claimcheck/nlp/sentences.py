"""Sentence boundaries that follow the document's structure as well as its punctuation.

A line break ends a sentence unless the text is visibly hard-wrapped: the next line starts in
lower case (or the line ends with a comma) and is not a list item. So headings, list items,
"Q:"/"A:" lines and paragraphs are sentences of their own, while wrapped prose is not cut.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

TERMINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING = frozenset({'"', "'", "”", "’", ")", "]", "»"})
_LIST_MARKER = re.compile(r"\s*(?:[-*+•–—]|\d{1,3}[.)])\s")


def _line_starts_list_item(text: str, offset: int) -> bool:
    end = text.find("\n", offset)
    return bool(_LIST_MARKER.match(text, offset, end if end != -1 else len(text)))


@Language.component("claimcheck_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    text = doc.text
    starts = [False] * len(doc)
    pending = True  # a line or paragraph break: the next non-space token starts a sentence
    after_terminal = False  # seen . ! ? (and perhaps closing quotes) since the last word
    prev = None  # previous non-space token
    for i, token in enumerate(doc):
        word = token.text
        if token.is_space:
            if "\n" in word and prev is not None and not pending:
                pending = _breaks_at_newline(text, token, prev)
            continue
        if word in TERMINAL or (after_terminal and word in CLOSING) or _initial_ends_sentence(token):
            after_terminal = True
        else:
            # After . ! ? a new sentence starts, unless the text runs on in lower case.
            if pending or (after_terminal and not word[:1].islower()):
                starts[i] = True
            after_terminal = False
        pending = False
        prev = token
    for i, token in enumerate(doc):
        token.is_sent_start = starts[i] if i else True
    return doc


def _initial_ends_sentence(token) -> bool:
    """'vitamin A. It works' ends a sentence; 'P. acnes' and 'John J. Smith' do not."""
    word = token.text
    if len(word) != 2 or word[1] != "." or not word[0].isupper() or token.i == 0:
        return False
    before = token.nbor(-1)
    return before.is_lower and token.i + 1 < len(token.doc) and token.nbor(1).is_title


def _breaks_at_newline(text: str, space_token, prev) -> bool:
    if space_token.text.count("\n") >= 2:
        return True  # blank line: paragraph break
    nxt = space_token.idx + len(space_token.text)
    if nxt >= len(text):
        return True
    if _line_starts_list_item(text, text.rfind("\n", 0, nxt) + 1):
        return True
    first = text[nxt]
    if first.islower() or prev.text == ",":
        return False  # hard-wrapped prose continues on the next line
    return True
