"""The one Finding type every part of claimcheck produces and consumes, plus scoring."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

CATEGORIES: tuple[str, ...] = (
    "overclaim",
    "unsupported-evidence",
    "risk-minimization",
    "missing-warning",
    "unsafe-sourcing",
    "dosing",
    "misinformation",
    "sensational",
    "testimonial",
    "outdated",
)


class Severity(enum.IntEnum):
    """Finding grades, ordered so that a larger value is more serious."""

    INFO = 1
    MINOR = 2
    MAJOR = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> "Severity":
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {name!r} (expected one of: {', '.join(SEVERITY_NAMES)})"
            ) from None

    def lowered(self, steps: int = 1) -> "Severity":
        return Severity(max(Severity.INFO, self - steps))

    def __str__(self) -> str:
        return self.name.lower()


SEVERITY_NAMES: tuple[str, ...] = ("critical", "major", "minor", "info")


@dataclass(frozen=True)
class Suggestion:
    """A mechanical replacement for the matched span, advice text, or both."""

    replacement: str | None = None
    advice: str | None = None
    insert: str | None = None  # document rules: text to add, not to replace

    def to_dict(self) -> dict:
        data = {"replacement": self.replacement, "advice": self.advice}
        if self.insert is not None:
            data["insert"] = self.insert
        return data


@dataclass(frozen=True)
class ContextEffect:
    """One piece of context (negation, hedge, citation...) that changed a finding's grade."""

    type: str
    cue: str
    effect: str  # "lowered"
    from_severity: Severity

    def to_dict(self) -> dict:
        return {
            "type": self.type,
            "cue": self.cue,
            "effect": self.effect,
            "from": str(self.from_severity),
        }


@dataclass(frozen=True)
class Position:
    """1-based line and column (Unicode code points) in the source, end exclusive, plus 0-based
    source offsets. When the matched text has no known place in the source (an HTML
    extractor's text that differs from the page) every field is None and ``unlocated`` says why.
    """

    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None
    start: int | None
    end: int | None
    unlocated: str | None = None

    @classmethod
    def nowhere(cls, reason: str) -> "Position":
        return cls(None, None, None, None, None, None, reason)


@dataclass(frozen=True)
class Suppression:
    """Why a finding is not reported: the suppression comment that silenced it."""

    reason: str | None
    line: int  # where the comment is
    comment: str

    def to_dict(self) -> dict:
        return {"reason": self.reason, "line": self.line, "comment": self.comment}


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: Severity
    message: str
    position: Position
    text: str
    sentence: str
    suggestion: Suggestion | None = None
    references: tuple[str, ...] = ()
    context: tuple[ContextEffect, ...] = ()
    scope: str = "sentence"  # or "document" for document rules
    pack: str = ""
    sentence_span: tuple[int, int] = (0, 0)  # where ``text`` sits inside ``sentence``

    prose_start: int = 0  # where ``text`` starts in the Document's prose (orders findings)
    suppression: Suppression | None = None

    def sort_key(self) -> tuple:
        return (self.prose_start, self.rule)

    def to_dict(self) -> dict:
        p = self.position
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": str(self.severity),
            "message": self.message,
            "line": p.line,
            "column": p.column,
            "end_line": p.end_line,
            "end_column": p.end_column,
            "start": p.start,
            "end": p.end,
            **({"unlocated": p.unlocated} if p.unlocated else {}),
            "text": self.text,
            "sentence": self.sentence,
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
            "references": list(self.references),
            "context": [c.to_dict() for c in self.context],
            "sentence_span": list(self.sentence_span),
            "scope": self.scope,
            "pack": self.pack,
            **({"suppressed": self.suppression.to_dict()} if self.suppression else {}),
        }


# Scoring: documented in README.md ("Score and grade"). Keep the two in step.
SEVERITY_PENALTY: dict[Severity, int] = {
    Severity.CRITICAL: 30,
    Severity.MAJOR: 10,
    Severity.MINOR: 4,
    Severity.INFO: 1,
}
MAX_COUNTED_PER_RULE = 3
GRADE_FLOORS: tuple[tuple[int, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))


@dataclass
class FileResult:
    """What checking one document gave: its findings, or the one-line error that stopped it.

    ``path`` names the document as reports show it (``file`` or ``file[record]`` for a record
    of a JSONL or WARC file). ``findings`` are those to show; the score and grade count every
    reported finding, shown or not. ``suppressed`` holds findings silenced by comments (shown
    only when asked), ``unused`` the suppression comments that silenced nothing, ``skipped`` why
    an input is not a document at all (an image in a web archive): not an error.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    score: int | None = None
    grade: str | None = None
    suppressed: list[Finding] = field(default_factory=list)
    unused: list = field(default_factory=list)  # UnusedSuppression
    skipped: str | None = None
    record: str | None = None
    url: str | None = None
    fail_on: Severity | None = None  # this document's fail-on (configuration may vary it)
    worst: Severity | None = None  # the most serious reported finding, shown or not
    hidden: int = 0  # reported findings below the severity shown
    baselined: int = 0  # findings the baseline hides (not counted anywhere else)
    language: str | None = None  # the language detected (ISO 639-1); None: too short to tell

    @property
    def failing(self) -> bool:
        """Does this document fail the gate: a reported finding at or above its fail-on?"""
        return self.fail_on is not None and self.worst is not None and self.worst >= self.fail_on

    @classmethod
    def of(cls, path: str, findings: list[Finding], shown: Severity = Severity.INFO, **extra) -> "FileResult":
        value = score(findings)
        visible = [f for f in findings if f.severity >= shown]
        return cls(path, visible, None, value, grade(value),
                   worst=max((f.severity for f in findings), default=None),
                   hidden=len(findings) - len(visible), **extra)


def score(findings: list[Finding]) -> int:
    """100 minus a penalty per finding; a rule counts at most three times per document."""
    counted: dict[str, int] = {}
    penalty = 0
    for f in sorted(findings, key=lambda f: (-f.severity, f.sort_key())):
        n = counted.get(f.rule, 0)
        if n >= MAX_COUNTED_PER_RULE:
            continue
        counted[f.rule] = n + 1
        penalty += SEVERITY_PENALTY[f.severity]
    return max(0, 100 - penalty)


def grade(score_value: int) -> str:
    for floor, letter in GRADE_FLOORS:
        if score_value >= floor:
            return letter
    return "F"
