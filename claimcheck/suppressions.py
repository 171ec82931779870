"""Applying suppression comments (found by the readers) to a document's findings.

``disable`` silences the named rules or categories (all, when none is named) from its line
until an ``enable`` that names them (or names nothing); ``disable-next-line`` silences the
line after the comment. A finding is silenced by the line where it starts. Suppressed findings
keep the comment's reason; a comment that silences nothing is reported as unused.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .documents.directives import Directive
from .findings import Finding, Suppression

ALL = "*"


@dataclass(frozen=True)
class UnusedSuppression:
    """A suppression comment that silenced nothing (or names a rule that does not exist)."""

    directive: Directive
    reason: str

    def to_dict(self) -> dict:
        d = self.directive
        return {"line": d.line, "column": d.column, "comment": d.text, "reason": self.reason}


@dataclass
class Checked:
    """One document's findings after its suppression comments have been applied; the language
    it was found to be written in (None: too short to tell), and, when no rule applies to that
    language, why it was not checked."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    unused: list[UnusedSuppression] = field(default_factory=list)
    language: str | None = None
    not_checked: str | None = None


@dataclass
class _Range:
    directive: Directive
    name: str  # a rule id, a category, or ALL
    first: int  # first silenced line
    last: float  # last silenced line (inf: to the end of the file)


def apply_suppressions(findings: list[Finding], directives: list[Directive],
                       known: frozenset[str] = frozenset()) -> Checked:
    """Split findings into reported and suppressed; list the comments that silenced nothing.
    ``known`` (rule ids and categories) lets a comment naming an unknown rule be reported."""
    if not directives:
        return Checked(list(findings))
    ranges = _ranges(directives)
    used: set[int] = set()
    out = Checked()
    for f in findings:
        hit = _silencer(f, ranges)
        if hit is None:
            out.findings.append(f)
            continue
        used.add(id(hit))
        out.suppressed.append(replace(f, suppression=Suppression(hit.reason, hit.line, hit.text)))
    for d in directives:
        unknown = sorted(d.names - known) if known else []
        if unknown:
            out.unused.append(UnusedSuppression(d, f"unknown rule or category: {', '.join(unknown)}"))
        elif d.action != "enable" and id(d) not in used:
            out.unused.append(UnusedSuppression(d, "suppresses nothing"))
    return out


def _ranges(directives: list[Directive]) -> list[_Range]:
    """Line ranges per name: a disable runs until an enable naming it (or naming nothing)."""
    ranges: list[_Range] = []
    open_: dict[str, _Range] = {}
    for d in sorted(directives, key=lambda d: d.line):
        names = d.names or {ALL}
        if d.action == "disable-next-line":
            ranges.extend(_Range(d, n, d.end_line + 1, d.end_line + 1) for n in names)
        elif d.action == "disable":
            for n in names:
                if n not in open_:
                    open_[n] = _Range(d, n, d.line, float("inf"))
                    ranges.append(open_[n])
        else:
            for n in list(open_) if not d.names else [n for n in d.names if n in open_]:
                open_.pop(n).last = d.line
    return ranges


def _silencer(f: Finding, ranges: list[_Range]) -> Directive | None:
    line = f.position.line
    if line is None:
        return None
    for r in ranges:
        if r.first <= line <= r.last and (r.name == ALL or r.name in (f.rule, f.category)):
            return r.directive
    return None
