"""requires: when the document (or a section) mentions X, it must also mention Y.

    when: ["@isotretinoin"]
    require: ["pregnancy|pregnant", "birth defect", "contraception", "iPLEDGE"]
    within: document          # or: section (text between two headings)

The finding points at the first mention of X (in the document, or in each section lacking Y);
the rule's suggestion `insert` is the text to add.
"""
from __future__ import annotations

from .base import Candidate, MatchView, key, longest_first

NAME = "requires"
KEYS = ("when", "require", "within")
REQUIRED = ("when", "require")
SCOPE = "document"
ANY_TRIGGER = False


def triggers(rule) -> list[str]:
    return ["when"]


def find(rule, view: MatchView) -> list[Candidate]:
    firsts, satisfied = find_part(rule, view)
    return [mentions[0] for group, mentions in firsts.items() if group not in satisfied]


def find_part(rule, view: MatchView) -> tuple[dict[int | None, list[Candidate]], set[int | None]]:
    """What a document rule needs from one part of a long document (or from a whole one): the
    mentions of X in each group (None: the document; else a section), in order, and the groups
    where Y is mentioned. The document's findings are the first mention of each group that no
    part satisfies."""
    group = view.section_index if rule.within == "section" else (lambda token: None)
    satisfied = {group(s) for s, _ in view.get(key(rule.id, "require"))}
    mentions: dict[int | None, list[Candidate]] = {}
    for start, end in longest_first(view.get(key(rule.id, "when"))):  # "Accutane 40 mg", not "Accutane"
        mentions.setdefault(group(start), []).append(Candidate(start, end, insert=True))
    return mentions, satisfied
