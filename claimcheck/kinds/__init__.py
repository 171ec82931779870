"""Rule kinds: one small module each, alike in shape (compare yamllint's rules, Vale's checks).

Each kind module defines:
    NAME        its name, shown by `claimcheck rules show`
    KEYS        the YAML keys that hold its patterns (a rule's keys decide its kind)
    REQUIRED    the keys it cannot do without
    SCOPE       "sentence" or "document"
    ANY_TRIGGER whether one of its triggers is enough, or it needs them all
    triggers(rule) -> parts   the parts without whose matches it finds nothing
    find(rule, view) -> list[Candidate]   the spans the rule matched in one document
and a kind whose SCOPE is "document" also
    find_part(rule, view) -> Facts   what one part of a long document tells (parts.py):
                mentions by group, groups satisfied, sentences about X; the engine reports,
                for each group no part satisfies, its first mention
    about_needed(rule) -> int   how much the sentences about X (Facts.about, weighted) of the
                whole document must add up to for the rule to apply
"""
from __future__ import annotations

from types import ModuleType

from . import phrase, requires, together
from .base import Candidate, MatchView, key

KINDS: dict[str, ModuleType] = {k.NAME: k for k in (phrase, together, requires)}
PATTERN_KEYS: frozenset[str] = frozenset(key for k in KINDS.values() for key in k.KEYS)
# keys that narrow what a kind matched, and so choose no kind themselves
SHARED_KEYS: frozenset[str] = frozenset({"unless", "with"})

__all__ = ["KINDS", "PATTERN_KEYS", "SHARED_KEYS", "Candidate", "MatchView", "kind_for_keys", "trigger_keys"]


def trigger_keys(rule) -> tuple[str, ...]:
    """The matcher keys of a rule's triggers (see the kind modules' ``triggers``)."""
    return tuple(key(rule.id, part) for part in KINDS[rule.kind].triggers(rule))


def kind_for_keys(keys: set[str]) -> tuple[str | None, str | None]:
    """The kind a rule's keys select, or (None, reason)."""
    chosen = [k.NAME for k in KINDS.values() if keys & (set(k.KEYS) - SHARED_KEYS)]
    if not chosen:
        names = ", ".join(sorted(PATTERN_KEYS - SHARED_KEYS))
        return None, f"rule needs one of: {names}"
    if len(chosen) > 1:
        return None, f"rule mixes keys of the kinds {' and '.join(chosen)}"
    kind = KINDS[chosen[0]]
    missing = [k for k in kind.REQUIRED if k not in keys]
    if missing:
        return None, f"{kind.NAME} rule needs {', '.join(missing)}"
    stray = keys & (PATTERN_KEYS - set(kind.KEYS))
    if stray:
        return None, f"{', '.join(sorted(stray))} cannot be used in a {kind.NAME} rule"
    return kind.NAME, None
