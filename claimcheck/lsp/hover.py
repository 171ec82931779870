"""Hover over a finding: the rule (its message and what the rulebook says about it), the
suggestion, the context that lowered its grade, and the references, in Markdown when the
client shows Markdown and plain text otherwise."""
from __future__ import annotations

import re

from lsprotocol import types

from ..findings import Finding
from ..report.common import original_severity
from .checking import Report
from .diagnostics import finding_range

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def hover(report: Report, position: types.Position, markdown: bool = True) -> types.Hover | None:
    """What to show for the findings whose span holds ``position``; None when there is none."""
    at = report.positions.offset(position)
    found = [f for f in report.findings
             if f.position.start is not None and f.position.start <= at < max(f.position.end, f.position.start + 1)]
    if not found:
        return None
    separator = "\n\n---\n\n" if markdown else "\n\n"
    text = separator.join(_describe(report, f, markdown) for f in found)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(types.MarkupContent(kind, text), range=finding_range(report, found[0]))


def _describe(report: Report, f: Finding, markdown: bool) -> str:
    def shown(text: str) -> str:
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if markdown else text

    def label(text: str) -> str:
        return f"**{text}**" if markdown else text

    grade = str(f.severity)
    before = original_severity(f)
    if before != f.severity:
        grade += f", lowered from {before}"
    parts = [f"{label(shown(f.rule))} ({grade}) · {shown(f.category)}", shown(f.message)]
    rule = report.rules.get(f.rule)
    if rule is not None and rule.description:
        parts.append(shown(" ".join(rule.description.split())))
    s = f.suggestion
    if s is not None and s.replacement:
        parts.append(f'{label("Suggestion:")} replace "{shown(f.text)}" with "{shown(s.replacement)}".')
    if s is not None and s.insert:
        parts.append(f'{label("Suggestion:")} add "{shown(s.insert)}"')
    if s is not None and s.advice:
        parts.append(shown(s.advice))
    for c in f.context:
        parts.append(f'{label("Context:")} {shown(c.type)} ("{shown(c.cue)}") {c.effect} it from {c.from_severity}.')
    if f.references:
        bullet = "- " if markdown else "  "
        refs = "\n".join(f"{bullet}<{r}>" if markdown else f"{bullet}{r}" for r in f.references)
        parts.append(f"{label('References:')}\n{refs}")
    return "\n\n".join(parts)
