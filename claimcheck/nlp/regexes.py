"""Regular expressions on a text: their matches tried only where one may start, widened to
whole tokens (the rulebook's ``regex:`` escape hatch and the context cues' regexes), and the
formulas over literal strings that say what a match needs: ``True`` (nothing), ``("lit",
string, case-insensitive?)``, ``("and", [formulas])`` or ``("or", [formulas])``."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from spacy.tokens import Doc


def regex_spans(doc: Doc, text: str, rx: re.Pattern, lowered: str | None = None,
                odd: bool | None = None) -> Iterator[tuple[int, int]]:
    """Token spans of a regex's matches in ``text`` (the doc's text), widened to whole tokens
    (``lowered``, ``odd``: see regex_matches)."""
    return token_spans(doc, ((m.start(), m.end()) for m in regex_matches(rx, text, lowered, odd)))


def token_spans(doc: Doc, char_spans) -> Iterator[tuple[int, int]]:
    """Token spans of character spans of the doc's text, widened to whole tokens."""
    for start, end in char_spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            yield span.start, span.end



def regex_start_needs(rx: re.Pattern):
    """What a match of the regex starts with (after zero-width assertions), as a formula
    (True: not known)."""
    try:
        from re import _constants, _parser

        parsed = _parser.parse(rx.pattern, rx.flags)
        return _start_of(list(parsed), parsed.state.flags, _constants)
    except Exception:  # noqa: BLE001 - an unknown pattern structure: anything
        return True


def _start_of(items: list, flags: int, c):
    ic = bool(flags & re.IGNORECASE)
    i = 0
    while i < len(items) and items[i][0] in (c.AT, c.ASSERT, c.ASSERT_NOT):
        i += 1
    if i == len(items):
        return True
    op, av = items[i]
    if op is c.LITERAL:
        run = []
        while i < len(items) and items[i][0] is c.LITERAL and plain_char(chr(items[i][1]), ic):
            run.append(chr(items[i][1]).lower() if ic else chr(items[i][1]))
            i += 1
        return ("lit", "".join(run), ic) if run else True
    if op is c.IN and all(o is c.LITERAL and plain_char(chr(v), ic) for o, v in av):
        return needs_any([("lit", chr(v).lower() if ic else chr(v), ic) for _, v in av])
    if op is c.BRANCH:
        return needs_any([_start_of(list(alt) + items[i + 1:], flags, c) for alt in av[1]])
    if op is c.SUBPATTERN:
        return _start_of(list(av[3]) + items[i + 1:], (flags | av[1]) & ~av[2], c) if not av[1] and not av[2] \
            else _start_of(list(av[3]), (flags | av[1]) & ~av[2], c)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _start_of(list(av[2]), flags, c)
    return True


def plain_char(ch: str, ic: bool) -> bool:
    """A character a regex matches as itself (case-insensitively: as its lower case in the
    lower-cased text, see odd_letters): case-sensitive, ASCII, or without case."""
    return not ic or ch.isascii() or (not ch.isalpha() and ch.lower() == ch == ch.upper())


def needs_all(parts: list):
    parts = [p for p in parts if p is not True]
    return True if not parts else parts[0] if len(parts) == 1 else ("and", parts)


def needs_any(parts: list):
    return True if any(p is True for p in parts) else parts[0] if len(parts) == 1 else ("or", parts)


def odd_letters(text: str) -> bool:
    """Does the text hold a character that a case-insensitive regex matches to an ASCII
    letter but that does not lower-case to it ("ſ" matches "s")? Then a case-insensitive
    literal is not looked for in the lower-cased text."""
    return any(_odd(ch) for ch in set(_NON_ASCII.findall(text)))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=None)
def _odd(ch: str) -> bool:
    return any(x.isascii() for x in ch.lower() + ch.upper() + ch.casefold())


def regex_matches(rx: re.Pattern, text: str, lowered: str | None = None,
                  odd: bool | None = None) -> Iterator[re.Match]:
    """The matches of rx.finditer(text), tried only where one may start: when every match
    starts with one of some literal strings, at each occurrence of one (after the end of the
    last match), with rx.match. The same matches: finditer finds none where none starts,
    and at a position it tries what match tries; look-behinds see the text before. Case-
    insensitive strings are looked for in the lower-cased text (``lowered``, made if not
    given) unless characters lower-case otherwise than the regex folds them (odd_letters, or
    ``odd`` if known)."""
    starts = _match_starts(rx)
    if starts is None:
        return rx.finditer(text)
    if any(ic for _, ic in starts):
        if lowered is None:
            lowered = text.lower()
        if odd is None:
            odd = not text.isascii() and odd_letters(text)
        if len(lowered) != len(text) or odd:
            return rx.finditer(text)
    return _matches_at(rx, text, lowered, starts)


def _matches_at(rx: re.Pattern, text: str, lowered: str | None, starts) -> Iterator[re.Match]:
    at: set[int] = set()
    for s, ic in starts:
        haystack = lowered if ic else text
        i = haystack.find(s)
        while i != -1:
            at.add(i)
            i = haystack.find(s, i + 1)
    end = 0
    for i in sorted(at):
        if i < end:
            continue
        m = rx.match(text, i)
        if m is not None:
            yield m
            end = m.end()


@lru_cache(maxsize=None)
def _match_starts(rx: re.Pattern) -> tuple[tuple[str, bool], ...] | None:
    """The literal strings every match of the regex starts with one of (None: unknown)."""
    needs = regex_start_needs(rx)
    found = list(_flat_any(needs))
    return None if not found or any(n is None for n in found) else tuple(found)


def _flat_any(needs):
    if needs is True:
        yield None
    elif needs[0] == "lit":
        yield needs[1], needs[2]
    elif needs[0] == "or":
        for part in needs[1]:
            yield from _flat_any(part)
    else:
        yield None
