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
    mentions = longest_first(view.get(key(rule.id, "when")))  # "Accutane 40 mg", not "Accutane"
    if not mentions:
        return []
    required = view.get(key(rule.id, "require"))
    if rule.within == "section":
        satisfied = {view.section_index(s) for s, _ in required}
        first_in_section: dict[int, tuple[int, int]] = {}
        for span in mentions:
            first_in_section.setdefault(view.section_index(span[0]), span)
        return [
            Candidate(s, e, insert=True)
            for sec, (s, e) in sorted(first_in_section.items())
            if sec not in satisfied
        ]
    if required:
        return []
    start, end = mentions[0]
    return [Candidate(start, end, insert=True)]
