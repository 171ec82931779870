"""phrase: any of the patterns (or regexes) matches within one sentence.

    match: ["permanent (remission|cure)", "@isotretinoin ... forever"]
    regex: ['\\b\\d{2,3}\\s?% success rate\\b']      # escape hatch
    unless: ["Cutibacterium"]                         # no finding if this is in the sentence
"""
from __future__ import annotations

from .base import Candidate, MatchView, key, longest_first, sentences_with

NAME = "phrase"
KEYS = ("match", "regex", "unless")
REQUIRED = ()
SCOPE = "sentence"
ANY_TRIGGER = True  # one of its triggers is enough


def triggers(rule) -> list[str]:
    return ["match", "regex"]


def find(rule, view: MatchView) -> list[Candidate]:
    spans = view.get(key(rule.id, "match")) + view.get(key(rule.id, "regex"))
    spans = [s for s in spans if view.in_one_sentence(*s)]
    blocked = sentences_with(view, rule.id, "unless")
    return [
        Candidate(start, end)
        for start, end in longest_first(spans)
        if view.sentence_index(start) not in blocked
    ]
