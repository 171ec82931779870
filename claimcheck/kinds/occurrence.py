"""occurrence: a pattern may appear at most ``max`` times in a document (or in each section).

    occurrence: ["@price-word"]
    max: 3
    within: document          # or: section (text between two headings)

Vale has the same check. For a health page it catches what no single sentence shows: a page
that names the price five times, repeats "miracle" down the page, or asks the reader to order
in every paragraph. The finding points at the first occurrence over the limit; context does
not change the count (a price is a price, negated or not).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Candidate, MatchView, Option, chosen_mentions, key, longest_first

NAME = "occurrence"
KEYS = ("occurrence",)
REQUIRED = ("occurrence", "max")
OPTIONS = {"max": Option(least=0), "within": Option(choices=("document", "section"))}
SCOPE = "document"
ANY_TRIGGER = True


@dataclass
class Facts:
    """What a part of a document (or a whole one) tells: the occurrences in it, by group
    (None: the document; else a section), in order, and how many of each it owns."""

    mentions: dict[int | None, list[Candidate]] = field(default_factory=dict)
    counts: dict[int | None, int] = field(default_factory=dict)


def keeps(rule) -> tuple[tuple[str, ...], bool]:
    """Nothing besides the occurrences themselves (kept whole: they are counted)."""
    return (), False


def triggers(rule) -> list[str]:
    return ["occurrence"]


def find(rule, view: MatchView) -> list[Candidate]:
    return chosen_mentions(rule, find_part(rule, view), chosen)


def candidates_per_group(rule) -> int:
    """The occurrences of each group the engine keeps from the parts: up to the first over."""
    return int(rule.options["max"]) + 1


def merge(rule, a: Facts, b: Facts) -> Facts:
    counts = dict(a.counts)
    for group, n in b.counts.items():
        counts[group] = counts.get(group, 0) + n
    return Facts(counts=counts)


def chosen(rule, facts: Facts, group) -> int | None:
    """The occurrence over the limit (its index in document order), or None."""
    limit = int(rule.options["max"])
    return limit if facts.counts.get(group, 0) > limit else None


def find_part(rule, view: MatchView, owned=None) -> Facts:
    group = view.section_index if rule.options.get("within") == "section" else (lambda token: None)
    facts = Facts()
    for start, end in longest_first(view.get(key(rule.id, "occurrence"))):
        g = group(start)
        facts.mentions.setdefault(g, []).append(Candidate(start, end))
        if owned is None or owned(start):
            facts.counts[g] = facts.counts.get(g, 0) + 1
    return facts
