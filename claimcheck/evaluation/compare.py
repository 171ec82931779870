"""Comparing findings with expected ones: matching, then precision, recall and F1.

Rules for matching are in docs/eval.md; in short, a finding matches an expectation of the
same rule (or category) when it highlights the expected words or sits in their sentence,
one finding per expectation, closest pairs first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding
from .gold import CleanText, Expectation, Gold, Span

# How close a finding is to an expectation; lower is closer, None is no match.
SPAN_OVERLAPS, IN_SENTENCE, ANYWHERE = 0, 1, 2


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Outcome:
    """One article: which findings met which expectations, what was missed, what was extra."""

    gold: Gold
    matched: list[tuple[Expectation, Finding]] = field(default_factory=list)
    misses: list[Expectation] = field(default_factory=list)
    false_alarms: list[tuple[Finding, CleanText | None]] = field(default_factory=list)


@dataclass
class Evaluation:
    outcomes: list[Outcome]
    skipped: list[Gold]
    overall: Counts = field(default_factory=Counts)
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_rule: dict[str, Counts] = field(default_factory=dict)

    @property
    def severity_checked(self) -> list[tuple[Expectation, Finding]]:
        return [(e, f) for o in self.outcomes for e, f in o.matched if e.severity is not None]

    @property
    def severity_differs(self) -> list[tuple[Gold, Expectation, Finding]]:
        return [(o.gold, e, f) for o in self.outcomes for e, f in o.matched
                if e.severity is not None and e.severity != f.severity]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sentence_span(f: Finding) -> Span:
    """The finding's sentence in source offsets (approximate across joined line wraps)."""
    before, after = f.sentence_span[0], len(f.sentence) - f.sentence_span[1]
    return (f.position.start - before, f.position.end + max(0, after))


def closeness(e: Expectation, f: Finding) -> int | None:
    if (f.rule != e.rule) if e.rule else (f.category != e.category):
        return None
    if not e.spans:
        return ANYWHERE
    if f.position.start is None:
        return None  # a finding without a place in the source cannot be matched to words there
    here = (f.position.start, f.position.end)
    if any(_overlaps(here, s) for s in e.spans):
        return SPAN_OVERLAPS
    sentence = _sentence_span(f)
    if any(sentence[0] <= s[0] and s[1] <= sentence[1] for s in e.spans):
        return IN_SENTENCE
    return None


def compare(gold: Gold, findings: list[Finding]) -> Outcome:
    """Pair findings with expectations one to one, closest pairs first."""
    outcome = Outcome(gold)
    candidates = sorted(
        ((c, i, j) for i, e in enumerate(gold.expectations) for j, f in enumerate(findings)
         if (c := closeness(e, f)) is not None),
    )
    used_e: set[int] = set()
    used_f: set[int] = set()
    for _, i, j in candidates:
        if i in used_e or j in used_f:
            continue
        used_e.add(i)
        used_f.add(j)
        outcome.matched.append((gold.expectations[i], findings[j]))
    outcome.misses = [e for i, e in enumerate(gold.expectations) if i not in used_e]
    for j, f in enumerate(findings):
        if j not in used_f:
            here = (f.position.start, f.position.end)
            clean = None if f.position.start is None else next(
                (c for c in gold.clean if any(_overlaps(here, s) for s in c.spans)), None)
            outcome.false_alarms.append((f, clean))
    return outcome


def tally(outcomes: list[Outcome], skipped: list[Gold]) -> Evaluation:
    ev = Evaluation(outcomes, skipped)

    def add(category: str, rule: str, kind: str) -> None:
        for counts in (ev.overall, ev.by_category.setdefault(category, Counts()),
                       ev.by_rule.setdefault(rule, Counts())):
            setattr(counts, kind, getattr(counts, kind) + 1)

    for o in outcomes:
        for e, f in o.matched:
            add(f.category, f.rule, "tp")
        for f, _ in o.false_alarms:
            add(f.category, f.rule, "fp")
        for e in o.misses:
            add(e.category, e.key, "fn")
    return ev
