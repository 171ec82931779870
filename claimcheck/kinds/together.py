"""together: every group of patterns matches somewhere in the same sentence (co-occurrence).

    together:
      - buy|order|purchase          # group 1: any of these
      - "@isotretinoin"             # group 2
      - ["online", "without a prescription"]   # group 3: any of these
    unless: ["never"]

The finding covers the tightest set of one match per group in that sentence. Context is
judged on each group's match: "mood changes are not rare" negates "rare".
"""
from __future__ import annotations

import itertools

from .base import Candidate, MatchView, key, sentences_with

NAME = "together"
KEYS = ("together", "unless")
REQUIRED = ("together",)
SCOPE = "sentence"
ANY_TRIGGER = False  # every group must match
_MAX_PER_GROUP = 6  # occurrences per group considered when looking for the tightest span


def part_names(rule) -> list[str]:
    return [f"together{i}" for i in range(len(rule.spec["together"]))]


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
    common -= sentences_with(view, rule.id, "unless")
    out = []
    for sent in sorted(common):
        choices = [g[sent][:_MAX_PER_GROUP] for g in by_group]
        spans = min(itertools.product(*choices), key=_extent)
        out.append(Candidate(min(s for s, _ in spans), max(e for _, e in spans), parts=tuple(spans)))
    return out


def _extent(spans: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    return (max(e for _, e in spans) - min(s for s, _ in spans), min(s for s, _ in spans))
