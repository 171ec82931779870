"""What a kind sees of a document (MatchView) and what it returns (Candidate)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Protocol

from spacy.attrs import IS_SPACE
from spacy.tokens import Doc

from ..nlp.sentences import sentence_bounds


@dataclass(frozen=True)
class Option:
    """A kind's non-pattern option: a whole number of at least ``least``, or one of ``choices``
    (the first is the default)."""

    least: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def default(self) -> object:
        """The value a rule without the option has (None: the kind requires it)."""
        return self.choices[0] if self.choices else None

    def check(self, value: object) -> str | None:
        """None when the value is good, else what is wrong with it."""
        if self.choices:
            return None if value in self.choices else f"must be one of: {', '.join(self.choices)}"
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        if self.least is not None and value < self.least:
            return f"must be at least {self.least}"
        return None


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
                 section_ids: list[int] | None = None, marks=None):
        self.doc = doc
        self.spans = spans
        self.sents = sentence_bounds(doc)
        self._sent_starts = [s for s, _ in self.sents]
        self.section_starts = section_starts  # token indices, ascending, first is 0
        self._section_ids = section_ids
        self.marks = marks  # the context marks (nlp/context.py MarkIndex), None: not known
        # sentence index -> the sentence rules' findings there (token span, category, and the
        # types of context that lowered them), filled by the engine before it asks the document
        # rules (what a document claims, for ``about``)
        self.found: dict[int, list[tuple[int, int, str, frozenset[str]]]] = {}
        self._breaks: list[int] | None = None
        # list items (lists.py): the first token of an item line -> its lead-in line's tokens
        self.leads: dict[int, tuple[int, int]] = {}
        # the words by which the document says it is a drug's reference information (a
        # leaflet, a medication guide: nlp/context.py reference_document), else None
        self.reference: str | None = None
        # the cue by which the whole document reports as journalism does (nlp/context.py
        # reporting_page), else None
        self.reporting: str | None = None
        self._item_leads: dict[int, list[int]] | None = None

    def paragraph_index(self, token: int) -> int:
        """Which paragraph a token is in: the line breaks before it (a line of the document is
        a paragraph: hard-wrapped lines were joined by the reader)."""
        if self._breaks is None:
            spaces = self.doc.to_array(IS_SPACE).tolist()
            self._breaks = [i for i, space in enumerate(spaces) if space and "\n" in self.doc[i].text]
        return bisect.bisect_right(self._breaks, token)

    def context_of(self, start: int, end: int) -> set[str]:
        """The types of the context marks that bear on tokens [start, end)."""
        if self.marks is None:
            return set()
        return {m.type for m in self.marks.near(start, end) if m.applies_to(start, end)}

    def get(self, key: str) -> list[tuple[int, int]]:
        return self.spans.get(key, [])

    def item_leads(self) -> dict[int, list[int]]:
        """The sentences of list items -> the sentences of their lead-in line."""
        if self._item_leads is None:
            self._item_leads = {}
            n = len(self.doc)
            for first, (lo, hi) in self.leads.items():
                if first < n and lo < n:
                    self._item_leads[self.sentence_index(first)] = list(range(
                        self.sentence_index(lo), self.sentence_index(max(lo, min(hi, n) - 1)) + 1))
        return self._item_leads

    def sentence_index(self, token: int) -> int:
        return bisect.bisect_right(self._sent_starts, token) - 1

    def in_one_sentence(self, start: int, end: int) -> bool:
        return self.sentence_index(start) == self.sentence_index(end - 1)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The tokens of the clause that a match [start, end) makes its claim in, within its
        sentence: from the comma, colon or dash before it up to the next dash or semicolon
        ("While it is safer, studies have found that its protection wanes - ..."); a match
        that ends its clause ("..., studies have found.", "Every drop, research shows,
        reduces ...") claims what the rest of the sentence between dashes says."""
        s_start, s_end = self.sents[self.sentence_index(start)]
        doc = self.doc
        after = end
        while after < s_end and doc[after].is_space:
            after += 1
        trailing = after >= s_end or doc[after].text in _CLAUSE_END
        lo = start
        while lo > s_start and not _breaks_clause(doc, lo - 1, comma=not trailing, colon=True):
            lo -= 1
        hi = end  # a colon after the match opens what it claims: "Studies show: ..."
        while hi < s_end and not _breaks_clause(doc, hi, comma=False, colon=False):
            hi += 1
        return lo, hi

    def section_index(self, token: int) -> int:
        i = bisect.bisect_right(self.section_starts, token) - 1
        return i if self._section_ids is None else self._section_ids[i]


_CLAUSE_END = frozenset({",", ";", ".", "!", "?", ")", ":"})
_DASHES = frozenset({"—", "–", "--", ";"})


def _breaks_clause(doc: Doc, i: int, comma: bool, colon: bool) -> bool:
    """Whether token i ends one clause and starts another: a dash or semicolon, a hyphen
    standing alone between spaces, and (if asked) a comma or a colon."""
    text = doc[i].text
    if text in _DASHES or (comma and text == ",") or (colon and text == ":"):
        return True
    return text == "-" and i > 0 and bool(doc[i - 1].whitespace_) and bool(doc[i].whitespace_)


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


def chosen_mentions(rule, facts, chosen) -> list[Candidate]:
    """A document kind's findings over a whole document: in each group of ``facts.mentions``,
    the mention its ``chosen(rule, facts, group)`` picks (the engine does the same over parts)."""
    return [mentions[i] for group, mentions in facts.mentions.items()
            if (i := chosen(rule, facts, group)) is not None and i < len(mentions)]


def sentences_with(view: MatchView, rule_id: str, part: str) -> set[int]:
    return {view.sentence_index(s) for s, _ in view.get(key(rule_id, part))}


class Kind(Protocol):
    """A rule kind (a module satisfies this protocol; kinds/__init__.py says what each part does)."""

    NAME: str
    KEYS: tuple[str, ...]
    REQUIRED: tuple[str, ...]
    OPTIONS: dict[str, Option]
    SCOPE: str
    ANY_TRIGGER: bool

    def triggers(self, rule) -> list[str]: ...

    def keeps(self, rule) -> tuple[tuple[str, ...], bool]: ...

    def find(self, rule, view: MatchView) -> list[Candidate]: ...
