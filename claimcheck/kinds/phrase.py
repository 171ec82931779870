"""phrase: any of the patterns (or regexes) matches within one sentence.

    match: ["permanent (remission|cure)", "@isotretinoin ... forever"]
    regex: ['\\b\\d{2,3}\\s?% success rate\\b']      # escape hatch
    unless: ["Cutibacterium"]                         # no finding if this is in the sentence
    with: ["@benefit"]                                # ...and none unless this is in it
    with_in: clause                                   # ...in the clause of the match
    background: ["enzyme|receptor"]                   # on a page that reports: no finding if this is in the sentence

``with`` narrows a broad trigger to the sentences that also hold what makes it a problem:
"studies show" is an unsupported appeal when what the studies show is a benefit, not when a
news story's background says what research found about a disease. ``with_in: clause``
looks for it only in the clause the match makes its claim in (MatchView.clause), so that the
benefit of another clause does not count: in "While it is safer, studies have found that its
protection wanes quickly" the studies show a limitation.

``background`` is an ``unless`` that holds only on a page that reports as journalism does
(nlp/context.py ``reporting_page``: named speakers, no call to buy): there "Metformin has been
shown to switch on an enzyme that blocks mTOR" is a story's background on how a drug works,
while a supplement page saying the same of its product sells with it.
"""
from __future__ import annotations

from .base import Candidate, MatchView, Option, key, longest_first, sentences_with

NAME = "phrase"
KEYS = ("match", "regex", "unless", "with", "background")
REQUIRED = ()
OPTIONS = {"with_in": Option(choices=("sentence", "clause"))}
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
    if view.reporting and rule.spec.get("background"):
        blocked |= sentences_with(view, rule.id, "background")
    needed = sentences_with(view, rule.id, "with") if rule.spec.get("with") else None
    in_clause = needed is not None and rule.options.get("with_in") == "clause"
    return [
        Candidate(start, end)
        for start, end in longest_first(spans)
        if view.sentence_index(start) not in blocked
        and (needed is None or view.sentence_index(start) in needed)
        and (not in_clause or _with_in_clause(view, rule.id, start, end))
    ]


def _with_in_clause(view: MatchView, rule_id: str, start: int, end: int) -> bool:
    lo, hi = view.clause(start, end)
    return any(s < hi and e > lo for s, e in view.get(key(rule_id, "with")))
