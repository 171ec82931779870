"""together: every group of patterns matches somewhere in the same sentence (co-occurrence).

    together:
      - buy|order|purchase          # group 1: any of these
      - "@isotretinoin"             # group 2
      - ["online", "without a prescription"]   # group 3: any of these
    unless: ["never"]

The finding covers the tightest set of one match per group in that sentence. Context is
judged on each group's match: "mood changes are not rare" negates "rare".

A list item takes the groups it lacks from its lead-in line (lists.py): under "Order Accutane
today:", the item "- no prescription needed" is an offer without a prescription. The finding
covers the item's own matches; context is judged on the lead-in's too ("Never order Accutane
from these sites:" warns).
"""
from __future__ import annotations

import itertools

from .base import Candidate, MatchView, key, sentences_with

NAME = "together"
KEYS = ("together", "unless")
REQUIRED = ("together",)
OPTIONS: dict = {}
SCOPE = "sentence"
ANY_TRIGGER = False  # every group must match
_MAX_PER_GROUP = 6  # occurrences per group considered when looking for the tightest span


def part_names(rule) -> list[str]:
    return [f"together{i}" for i in range(len(rule.spec["together"]))]


def keeps(rule) -> tuple[tuple[str, ...], bool]:
    """What the prefilter must keep besides the units holding all the groups: nothing."""
    return (), False


triggers = part_names


def find(rule, view: MatchView) -> list[Candidate]:
    by_group: list[dict[int, list[tuple[int, int]]]] = []
    for part in part_names(rule):
        per_sentence: dict[int, list[tuple[int, int]]] = {}
        for start, end in sorted(view.get(key(rule.id, part))):
            if view.in_one_sentence(start, end):
                per_sentence.setdefault(view.sentence_index(start), []).append((start, end))
        by_group.append(per_sentence)
    common = set.intersection(*(set(g) for g in by_group))
    unless = sentences_with(view, rule.id, "unless")
    common -= unless
    out = []
    for sent in sorted(common):
        choices = [g[sent][:_MAX_PER_GROUP] for g in by_group]
        spans = min(itertools.product(*choices), key=_extent)
        out.append(Candidate(min(s for s, _ in spans), max(e for _, e in spans), parts=tuple(spans)))
    out.extend(_in_list_items(view, by_group, common | unless))
    return sorted(out, key=lambda c: c.start)


def _in_list_items(view: MatchView, by_group: list[dict[int, list[tuple[int, int]]]],
                   done: set[int]) -> list[Candidate]:
    """Candidates of list items that hold some groups and whose lead-in holds the rest."""
    items = view.item_leads()
    if not items:
        return []
    out = []
    for sent in sorted(set().union(*by_group).intersection(items) - done):
        mine = [g.get(sent, [])[:_MAX_PER_GROUP] for g in by_group]
        choices = [own or [sp for s in items[sent] for sp in g.get(s, [])][:_MAX_PER_GROUP]
                   for own, g in zip(mine, by_group)]
        if not all(choices):
            continue
        spans = min(itertools.product(*choices), key=_extent)
        own_spans = [sp for sp, own in zip(spans, mine) if own]
        out.append(Candidate(min(s for s, _ in own_spans), max(e for _, e in own_spans), parts=tuple(spans)))
    return out


def _extent(spans: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    return (max(e for _, e in spans) - min(s for s, _ in spans), min(s for s, _ in spans))
