"""Code actions for the findings in a range: the rule's replacement, the missing warning
inserted, a suppression comment.

Edits are planned as `claimcheck fix` plans them (fix/edits.py): a replacement only where the
source span reads as the finding's text (never across markup), written as the format needs
it to show as written (the reader's ``literal``); a warning as a paragraph of its own where
the reader says one goes (``paragraph_after``). A replacement is the preferred action when
``fix`` would apply it without --unsafe (the rulebook marks it safe). Unlike ``fix``, an
action is not re-linted before it is offered: the buffer is checked again once it is applied.
"""
from __future__ import annotations

from lsprotocol import types

from ..documents import reader
from ..findings import Finding
from ..fix.edits import Edit, shorten, wanted
from .checking import Report
from .diagnostics import diagnostic
from .suppress import Change, suppression


def replacement(report: Report, f: Finding) -> Change | None:
    s = f.suggestion
    if s is None or not s.replacement or f.scope == "document" or f.position.start is None:
        return None
    start, end = f.position.start, f.position.end
    if report.text[start:end].split() != f.text.split():
        return None  # the span crosses markup (*permanent* remission): fix leaves it too
    return Change(start, end, reader(report.fmt).literal(s.replacement))


def insertion(report: Report, f: Finding) -> Change | None:
    s = f.suggestion
    if s is None or not s.insert or f.scope != "document" or f.position.start is None:
        return None
    found = reader(report.fmt).paragraph_after(report.text, f.position.start, s.insert)
    if found is None:
        return None
    at, new, paragraph = found
    after = Edit(f, at, at, new, s.insert, paragraph=paragraph).apply(report.text)
    return Change(at, at, after[at:at + len(after) - len(report.text)])


def code_actions(report: Report, requested: types.Range, only: list[str] | None = None,
                 versioned: bool = True) -> list[types.CodeAction]:
    """Quick fixes for every located finding touching the requested range."""
    if only is not None and not any(_includes(k, types.CodeActionKind.QuickFix) for k in only):
        return []
    lo, hi = report.positions.offset(requested.start), report.positions.offset(requested.end)
    actions = []
    for i, f in enumerate(report.findings):
        if f.position.start is None or f.position.start > hi or f.position.end < lo:
            continue
        fixes = []
        change = replacement(report, f)
        if change is not None:
            fixes.append((f'Replace with "{shorten(f.suggestion.replacement)}"', change,
                          wanted(f, report.safe, unsafe=False)))
        change = insertion(report, f)
        if change is not None:
            fixes.append((f'Add the warning: "{shorten(f.suggestion.insert)}"', change, False))
        for title, change, preferred in fixes:
            actions.append(_action(report, f, title, [change], versioned, preferred))
        if ("suppress", i) not in report.cache:
            report.cache["suppress", i] = suppression(report, f)
        changes = report.cache["suppress", i]
        if changes is not None:
            actions.append(_action(report, f, f"Suppress {f.rule} here with a comment", changes, versioned))
    return actions


def _includes(wanted_kind: str, kind: str) -> bool:
    """Kinds are hierarchical: "quickfix" asks for "quickfix" and "quickfix.anything"."""
    return not wanted_kind or kind == wanted_kind or kind.startswith(wanted_kind + ".")


def _action(report: Report, f: Finding, title: str, changes: list[Change], versioned: bool,
            preferred: bool = False) -> types.CodeAction:
    edits = [types.TextEdit(report.positions.range(c.start, c.end), c.new) for c in changes]
    snapshot = report.snapshot
    if versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version)
        edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, edits)])
    else:
        edit = types.WorkspaceEdit(changes={snapshot.uri: edits})
    return types.CodeAction(title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic(report, f)],
                            is_preferred=preferred or None, edit=edit)
