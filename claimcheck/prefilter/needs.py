"""What a pattern cannot match without: token patterns as groups of word forms that must occur
in order (Requirement), and regexes as formulas over literal strings (read from the parsed
pattern); cheap tests of both on a unit of text."""
from __future__ import annotations

import re
from functools import lru_cache


from ..nlp.lemmas import lemma_forms
from ..nlp.matching import literal_words
from ..nlp.regexes import needs_all, needs_any, plain_char

Requirement = tuple  # group ids, in pattern order: each must occur, in this order, in a unit
# the most optional tokens, and the most texts they may spell, that a Bridge stands for
BRIDGED_TOKENS = 3
BRIDGED_TEXTS = 4096


class Bridge(tuple):
    """Optional words between two groups' tokens ("studies (clearly)? show"): (the length of
    the longest text they spell, the lower-case texts they may spell: each present or not, in
    order, glued or with a space between; "" for none of them). In the text, the next token
    starts after such a text, with perhaps a space before and after it (``bridges``)."""

    __slots__ = ()

    def bridges(self, gap: str) -> bool:
        """Can ``gap`` (the lower-cased text between the two tokens) be these optional words?"""
        if gap == "" or gap == " ":
            return True  # none of them
        if gap[:1] == " ":
            gap = gap[1:]
        if gap[-1:] == " ":
            gap = gap[:-1]
        return gap != "" and gap in self[1]


# How the token of a requirement's next group follows its own (see link): True, right after
# it; False, anywhere after; a Bridge, after one of a few optional words.
Link = bool | Bridge


def link(between: list[dict]) -> Link:
    """How the token of a group follows the previous group's, given the pattern's tokens
    between them: True when there are none (consecutive tokens: nothing or one space between
    in the text); a Bridge when they are at most BRIDGED_TOKENS optional ("?") tokens of
    plain words; else False (anything may come between). spaCy makes a token of any white
    space but one space after a token, so tokens in a row have nothing or one space between."""
    if not between:
        return True
    if len(between) > BRIDGED_TOKENS:
        return False
    texts = {""}
    for token in between:
        forms = forms_of(token) if token.get("OP") == "?" else None
        if not forms:
            return False
        texts |= {t + sep + f if t else f for t in texts for f in forms for sep in ("", " ")}
        if len(texts) > BRIDGED_TEXTS:
            return False
    return Bridge((max(map(len, texts)), frozenset(texts)))


def forms_of(token: dict) -> frozenset[str] | None:
    """The lower-case surface forms a literal token spec can match (None: not literal)."""
    spelled = literal_words(token)
    if spelled is None:
        return None
    return _spelled_forms(spelled[0], tuple(spelled[1]))


@lru_cache(maxsize=None)
def _spelled_forms(attr: str, words: tuple[str, ...]) -> frozenset[str]:
    if attr == "LEMMA":
        return frozenset(f for w in words for f in lemma_forms(w.lower()))
    return frozenset(w.lower() for w in words)


# --- token patterns, and the formulas of what a regex needs (nlp/matching.py) ----------------

def lead_of(seq: list[dict]) -> int | None:
    """How many tokens a pattern may match before its first required word (None: any)."""
    lead = 0
    for token in seq:
        op = token.get("OP")
        if op in (None, "+") and literal_words(token) is not None:
            return lead
        if op in (None, "?"):
            lead += 1
        elif op.startswith("{") and op.endswith("}") and op[1:-1].split(",")[-1].isdigit():
            lead += int(op[1:-1].split(",")[-1])
        else:
            return None
    return lead


def prune(needs, drop):
    """The formula with the literals ``drop`` says are not worth looking for made True."""
    if needs is True:
        return True
    if needs[0] == "lit":
        return True if drop(needs[1]) else needs
    parts = [prune(p, drop) for p in needs[1]]
    return needs_all(parts) if needs[0] == "and" else needs_any(parts)


def rarest(needs):
    """The formula with each "and" cut to its part likeliest to be rare (the longest
    shortest literal), which it implies."""
    if needs is True or needs[0] == "lit":
        return needs
    parts = [rarest(p) for p in needs[1]]
    if needs[0] == "or":
        return needs_any(parts)
    return max((p for p in parts if p is not True), key=_shortest, default=True)


def _shortest(needs) -> int:
    return min(len(lit[1]) for lit in literals(needs))


def literals(needs):
    if needs is True:
        return
    if needs[0] == "lit":
        yield needs
        return
    for p in needs[1]:
        yield from literals(p)


def compact(needs):
    """The formula for holds: an "or" as ("any", case-insensitive literals as a set,
    case-sensitive ones, other parts), an "and" as ("all", parts)."""
    if needs is True or needs[0] == "lit":
        return needs
    parts = [compact(p) for p in needs[1]]
    if needs[0] == "and":
        return ("all", tuple(parts))
    lits = [p for p in parts if p is not True and p[0] == "lit"]
    return ("any", frozenset(s for _, s, ic in lits if ic), tuple(s for _, s, ic in lits if not ic),
            tuple(p for p in parts if p is True or p[0] != "lit"))


def holds(needs, found: set[str] | None, text: str, lowered: str | None = None) -> bool:
    """Does the text satisfy the (compacted) formula? ``found``: case-insensitive literals
    found in the lower-cased text (None: take them all as present); others are looked for
    in ``lowered`` if given, else taken as absent."""
    if needs is True:
        return True
    op = needs[0]
    if op == "lit":
        if not needs[2]:
            return needs[1] in text
        return found is None or needs[1] in found or (lowered is not None and needs[1] in lowered)
    if op == "all":
        return all(holds(p, found, text, lowered) for p in needs[1])
    _, ic, cs, rest = needs
    if ic and (found is None or not ic.isdisjoint(found) or (lowered is not None and any(s in lowered for s in ic))):
        return True
    return any(s in text for s in cs) or any(holds(p, found, text, lowered) for p in rest)


def regex_needs(rx: re.Pattern):
    """What a regex cannot match without, read from the parsed pattern. Whatever is not
    understood needs nothing, so a pattern that cannot be read is simply always run."""
    try:
        from re import _constants, _parser  # CPython's own parser

        parsed = _parser.parse(rx.pattern, rx.flags)
        return _needs_of(parsed, parsed.state.flags, _constants)
    except Exception:  # noqa: BLE001 - an unknown pattern structure: no requirement
        return True


def _needs_of(items, flags: int, c):
    ic = bool(flags & re.IGNORECASE)
    parts: list = []
    run: list = []  # the literal items just read

    def flush() -> None:
        if run:
            parts.append(("lit", "".join(chr(v).lower() if ic else chr(v) for _, v in run), ic))
            run.clear()

    for op, av in items:
        if op is c.LITERAL and plain_char(chr(av), ic):
            run.append((op, av))
            continue
        if op is c.BRANCH:
            # the parser factors a common prefix out ("mg|milligram" -> "m" (g|illigram)):
            # the literals before a branch go in front of each alternative
            parts.append(needs_any([_needs_of(run + list(alt), flags, c) for alt in av[1]]))
            run.clear()
            continue
        flush()
        if op is c.IN and all(o is c.LITERAL and plain_char(chr(v), ic) for o, v in av):
            parts.append(needs_any([("lit", chr(v).lower() if ic else chr(v), ic) for _, v in av]))
        elif op is c.SUBPATTERN:
            parts.append(_needs_of(av[3], (flags | av[1]) & ~av[2], c))
        elif op is c.ATOMIC_GROUP:
            parts.append(_needs_of(av, flags, c))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            parts.append(_needs_of(av[2], flags, c))
        # anything else (anchors, classes, look-arounds, back references) needs nothing
    flush()
    return needs_all(parts)
