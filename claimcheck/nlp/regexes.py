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
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        if av[0] >= 1:
            return _start_of(list(av[2]), flags, c)
        # optional: what it starts with, or else what follows it does ("[.,;]?\\[")
        return needs_any([_start_of(list(av[2]), flags, c), _start_of(items[i + 1:], flags, c)])
    return True


def regex_start_prefix(rx: re.Pattern) -> re.Pattern | None:
    """A regex for where a match of ``rx`` may start in a piece of text that ends in white
    space (or ends the text), whatever text follows the piece: ``prefix.search(text, a, b)``
    finds something whenever rx, run over the piece [a, b) followed by anything, has a match
    starting in it. None: it may start anywhere.

    The prefix is rx's first items up to the first one that may match white space, with the
    zero-width assertions left out (without them a regex matches more). Those items cannot
    run over the white space that ends the piece, so a match's start lies within it. An item
    that may match white space (``\\s*`` in ``\\(\\s*[A-Z]``) is kept when the items after it
    make a prefix, in an alternative that ends the piece instead: ``\\((?:\\s*[A-Z]|\\s*\\Z)``.
    The prefilter asks this of the context cues' regexes: a literal start alone (a footnote's
    "." after a word) is in every line (prefilter/scan.py, Scan.cue)."""
    try:
        from re import _constants as c
        from re import _parser

        parsed = _parser.parse(rx.pattern, rx.flags)
        text = _prefix_of(list(parsed), c)
    except Exception:  # noqa: BLE001 - an unknown pattern structure: anything
        return None
    return re.compile(text, rx.flags & ~re.VERBOSE) if text else None


def _prefix_of(items: list, c) -> str:
    """The regex text of a prefix (see regex_start_prefix) of these parsed items ("": none)."""
    out = []
    for i, (op, av) in enumerate(items):
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.SUBPATTERN and not av[1] and not av[2]:
            inner = list(av[3])
            whole = _text_of(inner, c)
            if whole is not None:
                out.append(f"(?:{whole})")
                continue
            out.append(_prefix_of(inner, c))  # its first items, up to one that may match white space
            break
        whole = _text_of([(op, av)], c)
        if whole is not None:
            out.append(whole)
            continue
        rest = _prefix_of(items[i + 1:], c)
        lenient = _lenient(op, av, c)
        if rest and lenient is not None:  # white space, then the rest: or white space to the end
            out.append(f"(?:{lenient[0]}{rest}|{lenient[1]}\\Z)")
        break
    return "".join(out)


def _text_of(items: list, c, spaces: bool = False) -> str | None:
    """The regex text of parsed items, the zero-width assertions left out; None when one is
    not understood or, unless ``spaces``, may match white space."""
    out = []
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            if chr(av).isspace() and not spaces:
                return None
            out.append(re.escape(chr(av)))
        elif op is c.NOT_LITERAL and spaces:
            out.append(f"[^{re.escape(chr(av))}]")
        elif op is c.ANY and spaces:
            out.append(".")
        elif op is c.IN:
            body = _class_of(av, c)
            if body is None or (not spaces and _may_be_space(av, c)):
                return None
            out.append(f"[{body}]")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            inner = _text_of(list(sub), c, spaces)
            if not inner:
                return None
            out.append(f"(?:{inner}){{{lo},{'' if hi is c.MAXREPEAT else hi}}}")
        elif op is c.SUBPATTERN and not av[1] and not av[2]:
            inner = _text_of(list(av[3]), c, spaces)
            if inner is None:
                return None
            out.append(f"(?:{inner})")
        elif op is c.BRANCH:
            alternatives = [_text_of(list(alt), c, spaces) for alt in av[1]]
            if any(a is None for a in alternatives):
                return None
            out.append("(?:" + "|".join(alternatives) + ")")
        else:
            return None
    return "".join(out)


def regex_partial_end(rx: re.Pattern) -> re.Pattern | bool:
    """A regex for a match of ``rx`` that may start in a piece of text and run past its end:
    ``partial.search(text, a, b)`` finds something (its \\Z is at b) whenever a match of rx
    over the piece [a, b) followed by some text starts in the piece and reaches b or beyond.
    It is the classic closure under prefixes: the first items of rx whole, then a part of
    the next one up to the end, for each item in turn (the zero-width assertions left out:
    a superset). True: not known (any piece may); False: no match reaches past a piece that
    ends in white space, as none of rx's items may match white space.

    The prefilter asks it of the context cues' regexes at the end of each run of lines it
    keeps (prefilter/scan.py, Scan.runs_on): the pipeline runs them over the excerpt, where
    another line may follow than in the document."""
    try:
        from re import _constants as c
        from re import _parser

        items = list(_parser.parse(rx.pattern, rx.flags))
        if _text_of(items, c) is not None:
            return False
        text = _partial_of(items, c)
    except Exception:  # noqa: BLE001 - an unknown pattern structure: anything
        return True
    if text is None:
        return True
    # a match that starts before b: at least one character
    return re.compile(f"(?=[\\s\\S])(?:{text})", rx.flags & ~re.VERBOSE)


def regex_takes(rx: re.Pattern, chars) -> frozenset[str]:
    """Which of these characters a match of the regex may take (consume); all of them when
    its structure is not understood. A match runs over the end of a piece of text only by
    taking the white space that ends it: the prefilter looks at a regex where the character
    before a line's start is one it takes (prefilter/scan.py, Scan.cue_runs)."""
    try:
        from re import _constants as c
        from re import _parser

        items = list(_parser.parse(rx.pattern, rx.flags))
        return frozenset(ch for ch in chars if _may_take(items, c, ch, rx.flags))
    except Exception:  # noqa: BLE001 - an unknown pattern structure: anything
        return frozenset(chars)


def _may_take(items: list, c, ch: str, flags: int) -> bool:
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op in (c.LITERAL, c.NOT_LITERAL):
            same = chr(av) == ch or (flags & re.IGNORECASE and chr(av).lower() == ch.lower())
            if same == (op is c.LITERAL):
                return True
        elif op is c.ANY:
            if ch != "\n" or flags & re.DOTALL:
                return True
        elif op is c.IN:
            body = _class_of(av, c)
            if body is None or re.fullmatch(f"[{body}]", ch, flags & ~re.VERBOSE):
                return True
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if _may_take(list(av[2]), c, ch, flags):
                return True
        elif op is c.SUBPATTERN:
            if _may_take(list(av[3]), c, ch, (flags | av[1]) & ~av[2]):
                return True
        elif op is c.BRANCH:
            if any(_may_take(list(alt), c, ch, flags) for alt in av[1]):
                return True
        else:
            return True  # not understood: it may
    return False


def _partial_of(items: list, c) -> str | None:
    """Regex text for a prefix of a match of the items ending at \\Z (the whole match
    included), nested item by item (a part of the first item, or it whole and then a prefix
    of the rest), so that where the first item does not match the regex engine stops there;
    None if an item is not understood."""
    items = [(op, av) for op, av in items if op not in (c.AT, c.ASSERT, c.ASSERT_NOT)]
    if not items:
        return r"\Z"
    (op, av), rest = items[0], items[1:]
    part = _partial_item(op, av, c)
    whole = _text_of([(op, av)], c, spaces=True)
    after = _partial_of(rest, c)
    if part is None or whole is None or after is None:
        return None
    return f"(?:{part}|{whole}{after})"


def _partial_item(op, av, c) -> str | None:
    """Regex text for a part of one item's match (none of it too) ending at \\Z."""
    if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
        one = _text_of([(op, av)], c, spaces=True)
        return None if one is None else f"(?:{one})?\\Z"
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        _, hi, sub = av
        whole, part = _text_of(list(sub), c, spaces=True), _partial_of(list(sub), c)
        if not whole or part is None:
            return None
        fewer = "" if hi is c.MAXREPEAT else max(hi - 1, 0)
        return f"(?:{whole}){{0,{fewer}}}(?:{part})"
    if op is c.SUBPATTERN and not av[1] and not av[2]:
        return _partial_of(list(av[3]), c)
    if op is c.BRANCH:
        parts = [_partial_of(list(alt), c) for alt in av[1]]
        return None if any(p is None for p in parts) else "|".join(f"(?:{p})" for p in parts)
    return None


def _lenient(op, av, c) -> tuple[str, str] | None:
    """A repeated (or single) character class that may match white space: its regex text, and
    the same repeated from zero times (what is left of it where the piece ends); None for
    anything else."""
    lo, hi, sub = av if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) else (1, 1, [(op, av)])
    if len(sub) != 1:
        return None
    (sop, sav), = list(sub)
    if sop is c.LITERAL:
        one = re.escape(chr(sav))
    elif sop is c.IN and _class_of(sav, c) is not None:
        one = f"[{_class_of(sav, c)}]"
    else:
        return None
    top = "" if hi is c.MAXREPEAT else hi
    return f"{one}{{{lo},{top}}}", f"{one}{{0,{top}}}"


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_SPACE": r"\S",
               "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_NOT_WORD": r"\W"}


def _class_of(members: list, c) -> str | None:
    """The text inside [...] of a parsed character class; None if not understood."""
    out = []
    for op, av in members:
        if op is c.NEGATE:
            out.insert(0, "^")
        elif op is c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is c.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is c.CATEGORY and str(av) in _CATEGORIES:
            out.append(_CATEGORIES[str(av)])
        else:
            return None
    return "".join(out)


def _may_be_space(members: list, c) -> bool:
    """May a parsed character class match a white space character?"""
    if any(op is c.NEGATE for op, _ in members):
        return True
    for op, av in members:
        if op is c.LITERAL and chr(av).isspace():
            return True
        if op is c.RANGE and any(chr(x).isspace() for x in range(av[0], av[1] + 1)):
            return True
        if op is c.CATEGORY and str(av) not in ("CATEGORY_DIGIT", "CATEGORY_WORD", "CATEGORY_NOT_SPACE"):
            return True
    return False


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
    starts = match_starts(rx)
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
def match_starts(rx: re.Pattern) -> tuple[tuple[str, bool], ...] | None:
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
