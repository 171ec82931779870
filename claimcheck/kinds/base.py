"""What a kind sees of a document (MatchView) and what it returns (Candidate)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc

from ..nlp.sentences import sentence_bounds


@dataclass(frozen=True)
class Candidate:
    """A span (token indices, end exclusive) a rule matched; context is judged afterwards."""

    start: int
    end: int
    insert: bool = False  # document rule: the suggestion is text to add near here
    parts: tuple[tuple[int, int], ...] = ()  # co-occurrence: the spans context is judged on

    @property
    def targets(self) -> tuple[tuple[int, int], ...]:
        return self.parts or ((self.start, self.end),)


class MatchView:
    """One document's matches, by matcher key, with its sentence and section boundaries.

    ``section_ids`` name the sections (default: 0, 1, ...): a part of a long document
    (parts.py) names them by their number in the whole document, so that what several parts
    find in one section can be put together."""

    def __init__(self, doc: Doc, spans: dict[str, list[tuple[int, int]]], section_starts: list[int],
                 section_ids: list[int] | None = None):
        self.doc = doc
        self.spans = spans
        self.sents = sentence_bounds(doc)
        self._sent_starts = [s for s, _ in self.sents]
        self.section_starts = section_starts  # token indices, ascending, first is 0
        self._section_ids = section_ids

    def get(self, key: str) -> list[tuple[int, int]]:
        return self.spans.get(key, [])

    def sentence_index(self, token: int) -> int:
        return bisect.bisect_right(self._sent_starts, token) - 1

    def in_one_sentence(self, start: int, end: int) -> bool:
        return self.sentence_index(start) == self.sentence_index(end - 1)

    def section_index(self, token: int) -> int:
        i = bisect.bisect_right(self.section_starts, token) - 1
        return i if self._section_ids is None else self._section_ids[i]


def key(rule_id: str, part: str) -> str:
    """The matcher key of one pattern list of a rule."""
    return f"{rule_id}#{part}"


def longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans, preferring the earliest start, then the longest."""
    chosen: list[tuple[int, int]] = []
    last_end = -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= last_end:
            chosen.append((start, end))
            last_end = end
    return chosen


def sentences_with(view: MatchView, rule_id: str, part: str) -> set[int]:
    return {view.sentence_index(s) for s, _ in view.get(key(rule_id, part))}
