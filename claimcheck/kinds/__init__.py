"""Rule kinds: one small module each, alike in shape (compare yamllint's rules, Vale's checks).

Each kind module defines:
    NAME        its name, shown by `claimcheck rules show`
    KEYS        the YAML keys that hold its patterns (a rule's keys decide its kind)
    OPTIONS     its other keys, each an ``Option`` (a whole number with a least value, or one
                of some choices): the rulebook schema validates them, the rule keeps them in
                ``rule.options``
    REQUIRED    the keys it cannot do without
    SCOPE       "sentence" or "document"
    ANY_TRIGGER whether one of its triggers is enough, or it needs them all
    triggers(rule) -> parts   the parts without whose matches it finds nothing
    keeps(rule) -> (parts, paragraphs)   what the prefilter must keep besides the units with
                its triggers (a SCOPE "document" kind's triggers are kept whole: it judges the
                document), and whether the whole paragraph of each trigger match
    find(rule, view) -> list[Candidate]   the spans the rule matched in one document
and a kind whose SCOPE is "document" also, for a long document read in parts (parts.py)
    find_part(rule, view, owned) -> facts   what one part tells: ``facts.mentions`` (group ->
                the candidates in it, in order; None is the document, else a section) and what
                else the kind needs; ``owned(token)`` says whether the part owns a token
    merge(rule, a, b) -> facts   what two parts tell together
    candidates_per_group(rule) -> int   how many candidates of each group, owned by some part,
                the engine keeps (in document order)
    chosen(rule, facts, group) -> int | None   which of them is the finding, given the whole
                document's facts (None: no finding)
"""
from __future__ import annotations

from . import occurrence, phrase, requires, together
from .base import Candidate, Kind, MatchView, Option, key

KINDS: dict[str, Kind] = {k.NAME: k for k in (phrase, together, requires, occurrence)}  # type: ignore[misc]
PATTERN_KEYS: frozenset[str] = frozenset(key for k in KINDS.values() for key in k.KEYS)
OPTION_KEYS: frozenset[str] = frozenset(name for k in KINDS.values() for name in k.OPTIONS)
# keys that narrow what a kind matched, and so choose no kind themselves
SHARED_KEYS: frozenset[str] = frozenset({"unless", "with", "background"})

__all__ = ["KINDS", "OPTION_KEYS", "PATTERN_KEYS", "SHARED_KEYS", "Candidate", "Kind", "MatchView", "Option", "kind_for_keys",
           "trigger_keys"]


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
    stray = keys & ((PATTERN_KEYS - set(kind.KEYS)) | (OPTION_KEYS - set(kind.OPTIONS)))
    if stray:
        return None, f"{', '.join(sorted(stray))} cannot be used in a {kind.NAME} rule"
    return kind.NAME, None
