"""Comparing findings with expected ones: matching, then precision, recall and F1.

Rules for matching are in docs/eval.md; in short, a finding matches an expectation of the
same rule (or category) when it highlights the expected words or sits in their sentence,
one finding per expectation, closest pairs first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding, Severity
from .gold import ALL, CleanText, Expectation, Gold, Span

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


@dataclass(frozen=True)
class PageVerdict:
    """A page judged as a whole: right when every expected category was found on it and no
    forbidden one was."""

    missing: frozenset[str]  # expected categories with no finding
    forbidden: frozenset[str]  # forbidden categories with findings

    @property
    def right(self) -> bool:
        return not self.missing and not self.forbidden


@dataclass
class Outcome:
    """One article: which findings met which expectations, what was missed, what was extra.

    On a page judged as a whole, span labels are its clear instances, not all of them: a
    finding of a category expected there that matches no label and no clean text is
    ``unlabelled`` (neither right nor wrong), not a false alarm."""

    gold: Gold
    matched: list[tuple[Expectation, Finding]] = field(default_factory=list)
    misses: list[Expectation] = field(default_factory=list)
    false_alarms: list[tuple[Finding, CleanText | None]] = field(default_factory=list)
    unlabelled: list[Finding] = field(default_factory=list)
    page: PageVerdict | None = None


@dataclass
class Evaluation:
    outcomes: list[Outcome]
    skipped: list[Gold]
    overall: Counts = field(default_factory=Counts)
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_rule: dict[str, Counts] = field(default_factory=dict)
    major_plus: Counts = field(default_factory=Counts)  # findings graded major or critical

    @property
    def pages(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.page is not None]

    def page_accuracy(self) -> dict[str, tuple[int, int]]:
        """(right, pages) overall and per kind of page; pages not in English also apart."""
        groups: dict[str, list[bool]] = {"overall": []}
        for o in self.pages:
            right = o.page.right
            groups["overall"].append(right)
            groups.setdefault(f"kind {o.gold.kind or '-'}", []).append(right)
            if o.gold.lang and o.gold.lang != "en":
                groups.setdefault("not English", []).append(right)
        return {name: (sum(v), len(v)) for name, v in groups.items() if v}

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
    expected = gold.expect_categories or frozenset()
    for j, f in enumerate(findings):
        if j not in used_f:
            here = (f.position.start, f.position.end)
            # a document finding only points at a mention: the words there are no claim of it
            clean = None if f.position.start is None or f.scope == "document" else next(
                (c for c in gold.clean if any(_overlaps(here, s) for s in c.spans)), None)
            if clean is None and f.category in expected:
                outcome.unlabelled.append(f)
            else:
                outcome.false_alarms.append((f, clean))
    outcome.page = page_verdict(gold, findings)
    return outcome


def page_verdict(gold: Gold, findings: list[Finding]) -> PageVerdict | None:
    if not gold.judged_as_page:
        return None
    found = {f.category for f in findings}
    forbid = found if gold.forbid_categories == ALL else (gold.forbid_categories or frozenset())
    return PageVerdict(frozenset((gold.expect_categories or frozenset()) - found), frozenset(found & forbid))


def tally(outcomes: list[Outcome], skipped: list[Gold]) -> Evaluation:
    ev = Evaluation(outcomes, skipped)

    def add(category: str, rule: str, kind: str) -> None:
        for counts in (ev.overall, ev.by_category.setdefault(category, Counts()),
                       ev.by_rule.setdefault(rule, Counts())):
            setattr(counts, kind, getattr(counts, kind) + 1)

    for o in outcomes:
        for e, f in o.matched:
            add(f.category, f.rule, "tp")
            ev.major_plus.tp += f.severity >= Severity.MAJOR
        for f, _ in o.false_alarms:
            add(f.category, f.rule, "fp")
            ev.major_plus.fp += f.severity >= Severity.MAJOR
        for e in o.misses:
            add(e.category, e.key, "fn")
    return ev
