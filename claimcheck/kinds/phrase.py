"""phrase: any of the patterns (or regexes) matches within one sentence.

    match: ["permanent (remission|cure)", "@isotretinoin ... forever"]
    regex: ['\\b\\d{2,3}\\s?% success rate\\b']      # escape hatch
    unless: ["Cutibacterium"]                         # no finding if this is in the sentence
    with: ["@benefit"]                                # ...and none unless this is in it

``with`` narrows a broad trigger to the sentences that also hold what makes it a problem:
"studies show" is an unsupported appeal when what the studies show is a benefit, not when a
news story's background says what research found about a disease.
"""
from __future__ import annotations

from .base import Candidate, MatchView, key, longest_first, sentences_with

NAME = "phrase"
KEYS = ("match", "regex", "unless", "with")
REQUIRED = ()
OPTIONS: dict = {}
SCOPE = "sentence"
ANY_TRIGGER = True  # one of its triggers is enough


def keeps(rule) -> tuple[tuple[str, ...], bool]:
    """What the prefilter must keep besides the units holding the triggers: nothing."""
    return (), False


def triggers(rule) -> list[str]:
    return ["match", "regex"]


def find(rule, view: MatchView) -> list[Candidate]:
    spans = view.get(key(rule.id, "match")) + view.get(key(rule.id, "regex"))
    spans = [s for s in spans if view.in_one_sentence(*s)]
    blocked = sentences_with(view, rule.id, "unless")
    needed = sentences_with(view, rule.id, "with") if rule.spec.get("with") else None
    return [
        Candidate(start, end)
        for start, end in longest_first(spans)
        if view.sentence_index(start) not in blocked
        and (needed is None or view.sentence_index(start) in needed)
    ]
