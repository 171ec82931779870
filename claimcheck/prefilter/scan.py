"""One pass over a text: its units (lines, and long lines cut between sentences), the words in
each, and where each matcher key's requirements are met."""
from __future__ import annotations

import bisect
import re
from functools import reduce
from operator import itemgetter, or_

import ahocorasick

from ..nlp.regexes import odd_letters, regex_matches
from ..nlp.sentences import CLOSING, TERMINAL
from .needs import Link, Requirement, holds

_UNIT_BREAK = re.compile(r"\n\s*")
# A long line (a whole article without line breaks) is cut between sentences as well, into
# pieces of at least CUT_EVERY characters: after . ! ? (and closing quotes or brackets) and
# spaces, before a capital letter or a digit, where the pipeline starts a sentence whatever
# precedes it in the excerpt (see Scan.cuts).
LONG_LINE = 1200
CUT_EVERY = 400
_CUT = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]\u00bb]* +(?=[A-Z0-9])")
_LAST_CHUNK = re.compile(r"\S+\Z")
BREAK_OR_CUT = re.compile(f"{_UNIT_BREAK.pattern}|{_CUT.pattern}")


class Scan:
    """One document's text as the prefilter reads it: its units, its letter runs, and the
    evidence (``Unit``) of the units looked at so far."""

    def __init__(self, pf, text: str, lowered: str):
        self.pf = pf
        self.text = text
        self.lowered = lowered
        self.starts = [0] + [m.end() for m in _UNIT_BREAK.finditer(text) if m.end() < len(text)]
        self.line_start: list[bool] | None = None  # per unit, when long lines were cut
        if pf.ends_sentence is not None and len(text) > LONG_LINE:
            self.cuts()
        self.bounds = self.starts + [len(text)]
        self.letters = _letters(lowered)
        self.units: dict[int, Unit] = {}  # made when a check needs a unit's spans
        self._words: list[frozenset[str]] | None = None  # see unit_words
        # unit -> the driving keys it judged: None when one group found as a word is
        # enough, else the (requirement, adjacency) whose order decides (see holds)
        self.pending: dict[int, dict[str, list | None]] = {}
        self.word_groups: dict[int, int] = {}  # unit -> its words' groups (Bits), as driving made them
        self._cue_found: dict = {}
        self._odd: bool | None = None
        self._context_runs: list[range] | None = None
        self._cue_runs: list[range] | None = None
        self._runs_on: dict[tuple[int, int], bool] = {}
        scan = pf._substring_scan
        self.substrings = set(map(itemgetter(1), scan.iter(lowered))) if len(scan) else set()
        self.substrings.update(c for c in pf._other_chars if c in lowered)
        # the forms found as substrings (not as letter runs) in the document, their groups
        self.others = pf._others_set.intersection(self.substrings)
        self.others_mask = frozenset().union(*map(pf._mask_of.__getitem__, self.others))

    def cuts(self) -> None:
        """Cut lines longer than LONG_LINE between sentences too. A cut follows a chunk
        (text between white space) that spaCy makes end in . ! ? with perhaps closing quotes
        or brackets after (so it ends a sentence there, whatever comes next), and spaces; it
        comes before a capital letter or a digit (a word that starts a sentence after any
        sentence end, a line break, or at the start of a text). Matches never cross a
        sentence start (engine.py), so a piece matches alone what it matches in its line."""
        text, starts = self.text, self.starts
        ends_sentence = self.pf.ends_sentence
        bounds = starts + [len(text)]
        out: list[int] = []
        line_start: list[bool] = []
        for a, b in zip(bounds, bounds[1:]):
            out.append(a)
            line_start.append(True)
            if b - a <= LONG_LINE:
                continue
            last = a
            for m in _CUT.finditer(text, a, b):
                cut = m.end()
                if cut - last < CUT_EVERY or b - cut < CUT_EVERY:
                    continue
                if cut_after_sentence(text, m, ends_sentence):
                    out.append(cut)
                    line_start.append(False)
                    last = cut
        if len(out) > len(starts):
            self.starts, self.line_start = out, line_start

    def whole_lines(self, units: set[int]) -> set[int]:
        """The units of the lines these units lie in (lines cut by ``cuts``)."""
        starts = self.line_start
        out: set[int] = set()
        for u in units:
            lo = u
            while lo > 0 and not starts[lo]:
                lo -= 1
            hi = u + 1
            while hi < len(starts) and not starts[hi]:
                hi += 1
            out.update(range(lo, hi))
        return out

    def context_runs(self, openers: frozenset[str], marks: frozenset[str], paragraph_chars: int) -> list[range]:
        """Runs of units that context joins (nlp/context.py), to be kept whole: quotation
        marks pair up within a line, and the lines of a quotation that runs over paragraphs
        each open with its mark again; a paragraph of at most ``paragraph_chars`` characters
        with a speaker's name is reported speech as a whole. So the pieces of a cut line are
        linked when the line holds a quotation mark or is that short (with its trailing white
        space it may still be cut), and a line is linked to the line before when it opens
        with an opening mark. A run is two or more linked units; keeping it whole gives its
        sentences the same marks as in the document."""
        if self._context_runs is None:
            text, bounds, starts = self.text, self.bounds, self.line_start
            runs: list[range] = []
            first = 0
            joined: dict[int, bool] = {}  # line start -> are the line's pieces linked?
            line = 0
            for u in range(1, len(bounds) - 1):
                if starts is None or starts[u]:
                    line = u
                    linked = text[bounds[u]] in openers
                else:
                    if line not in joined:
                        end = u
                        while end < len(starts) and not starts[end]:
                            end += 1
                        segment = text[bounds[line]:bounds[end]]
                        joined[line] = len(segment.rstrip()) <= paragraph_chars or any(m in segment for m in marks)
                    linked = joined[line]
                if not linked:
                    if u - first > 1:
                        runs.append(range(first, u))
                    first = u
            if len(bounds) - 1 - first > 1:
                runs.append(range(first, len(bounds) - 1))
            self._context_runs = runs
        return self._context_runs

    def cue_runs(self) -> list[range]:
        """Runs of units a match of a context cue regex runs over in the document (from the
        unit it starts in to the one it ends in), to be kept whole: so that the excerpt holds
        it as the document does, and a match it hides (matches do not overlap) stays hidden."""
        if self._cue_runs is None:
            starts, text = self.starts, self.text
            # a match runs into a unit by taking the character before its start
            before = {text[q - 1] for q in starts[1:]}
            runs: list[range] = []
            for rx, _, _, takes in self.pf._cue_regexes:
                if takes.isdisjoint(before):
                    continue
                for m in regex_matches(rx, text, self.lowered, self.odd()):
                    first = bisect.bisect_right(starts, m.start()) - 1
                    last = bisect.bisect_right(starts, max(m.start(), m.end() - 1)) - 1
                    if last > first:
                        runs.append(range(first, last + 1))
            self._cue_runs = runs
        return self._cue_runs

    def runs_on(self, first: int, last: int) -> bool:
        """May a match of a context cue regex that starts in units first..last run on past
        the end of unit last (regex_partial_end)? In an excerpt without the unit after, the
        text that follows differs from the document's."""
        key = (first, last)
        if key not in self._runs_on:
            self._runs_on[key] = self._partial(self.bounds[first], self.bounds[last + 1])
        return self._runs_on[key]

    def _partial(self, a: int, b: int) -> bool:
        ends = self.text[b - 1]  # white space: a match runs past b only by taking it
        return any(self._partial_in(partial, starts, a, b) for _, partial, starts, takes in self.pf._cue_regexes
                   if ends in takes)

    def _partial_in(self, partial, starts, a: int, b: int) -> bool:
        """Is ``partial`` (regex_partial_end) found in [a, b)? Tried only where the regex may
        start, when every match starts with one of some literals (``starts``): a match running
        past b took the white space that ends the text there, so all of its literal before
        the first white space in it."""
        if partial is True:
            return True
        if starts is None or any(not s[:1].strip() for s, _ in starts) or (
                self.odd() and any(ic for _, ic in starts)):
            return partial.search(self.text, a, b) is not None
        for s, ic in starts:
            s = s.split(None, 1)[0]
            haystack = self.lowered if ic else self.text
            i = haystack.find(s, a, b)
            while i != -1:
                if partial.match(self.text, i, b):
                    return True
                i = haystack.find(s, i + 1, b)
        return False

    def unit(self, u: int) -> "Unit":
        found = self.units.get(u)
        if found is None:
            found = self.units[u] = Unit(self, u, self.unit_words()[u])
        return found

    def words(self, u: int) -> frozenset[str]:
        """The forms the rulebook spells that are letter runs of unit u, or glued pieces
        in them (see Unit)."""
        pf = self.pf
        runs = self.letters[self.bounds[u] + 1:self.bounds[u + 1] + 1].split()
        words = pf._letter_forms.intersection(runs)
        if not pf._glued_runs.isdisjoint(runs):
            words = words.union(piece for run in pf._glued_runs.intersection(runs) for _, piece in pf._glued[run])
        return words

    def unit_words(self) -> list[frozenset[str]]:
        """``words`` of every unit (a split and a set intersection each, in C)."""
        if self._words is None:
            self._words = [self.words(u) for u in range(len(self.starts))]
        return self._words

    def holds(self, u: int, key: str) -> bool:
        """May unit u match the key, its requirements' order checked? (A key the unit never
        judged: yes, as for regexes.)"""
        pending = self.pending.get(u)
        reqs = None if pending is None else pending.get(key)
        if reqs is None:
            return True
        if reqs and any(self.unit(u).in_order(req, adj) for req, adj in reqs):
            pending[key] = None
            return True
        reqs.clear()
        return False

    def cue(self, u: int, purpose) -> bool:
        """May unit u hold a context cue of this purpose (see Prefilter._context_cues)?"""
        found = self._cue_found.get((u, purpose))
        if found is None:
            found = self._cue_found[(u, purpose)] = self._cue(u, purpose)
        return found

    def _cue(self, u: int, purpose) -> bool:
        check = self.pf._cues.get(purpose) if self.pf._cues else None
        if check is None:
            return False
        if check.always:
            return True
        a, b = self.bounds[u], self.bounds[u + 1]
        if check.url and _URL_LIKE.search(self.text, a, b):
            return True
        if any(p is None or p.search(self.text, a, b) for p in check.regexes):
            return True
        if not check.entries:
            return False
        unit = self.unit(u)
        ends: dict[int, int] = {}  # n -> where the unit's first n chunks end
        for _, req, _, _, within in unit.passing(check.entries):
            if within is None:
                return True
            if within not in ends:
                chunks = _CHUNK.finditer(self.text, a, b)
                ends[within] = next((m.end() for i, m in enumerate(chunks) if i == within - 1), b)
            if unit.first(req[0]) < ends[within]:
                return True
        return False

    def odd(self) -> bool:
        if self._odd is None:
            self._odd = not self.text.isascii() and odd_letters(self.text)
        return self._odd

    def previous_cue(self, u: int, heeds: set[str]) -> bool:
        """May unit u hold a "previous" cue of a type its rules heed?"""
        return any(self.cue(u, ("previous", t)) for t in heeds)

    def reaches_back(self, x: int, u: int, heeds: set[str]) -> bool:
        """May unit x, coming right after unit u, make a mark on u's last sentence that
        u's rules heed: a "previous" cue, or a refuting cue after a reported claim?"""
        if self.previous_cue(x, heeds):
            return True
        return "refuted" in heeds and self.cue(u, "reported") and self.cue(x, "refuting")

    def driving(self) -> dict[str, set[int]]:
        """Driving key -> the units where it may match (wildcards: every unit). A unit's
        groups are tested as bit sets (``Bits``), for the entries of the anchors of its words
        (``Bits.rows``: no set of anchors made per unit) and of those found in it as
        substrings; where some pass, their keys are ``pending`` for ``holds``: a Unit, with
        the spans of its words, is made only when an order is checked."""
        pf = self.pf
        bits = pf.bits()
        of_words, rows_of, tables, index = bits.of_words, bits.rows, bits.tables, bits.index
        anchor_word_set = pf._anchor_word_set
        others = self._substring_anchors()
        others_bits = bits.of(self.others_mask)
        units_of: dict[str, set[int]] = {}
        for u, words in enumerate(self.unit_words()):
            hit = anchor_word_set.intersection(words)
            if not hit and u not in others:
                continue
            groups = self.word_groups[u] = of_words(words)
            loose = groups | others_bits
            # two words of one anchor give its entries twice: the same pending keys
            entries = _passing(rows_of, hit, loose)
            if u in others:
                entries += _passing(tables, others[u], loose)
            if not entries:
                continue
            pending = self.pending[u] = {}
            for _, req, key, adj in entries:
                reqs = pending.get(key, False)
                if reqs is None:
                    continue
                if len(req) == 1 and groups >> index[req[0]] & 1:
                    pending[key] = None
                elif reqs is False:
                    pending[key] = [(req, adj)]
                elif (req, adj) not in reqs:
                    reqs.append((req, adj))
            for k in pending:
                units_of.setdefault(k, set()).add(u)  # as a bag: see Prefilter._needed
        everywhere = set(range(len(self.starts)))
        for k in pf.wildcards:
            if k in pf._driving:
                units_of[k] = everywhere
        return units_of

    def _substring_anchors(self) -> dict[int, set[int]]:
        """Unit -> the driving anchors found in it as substrings."""
        pf = self.pf
        others: dict[int, set] = {}
        for form in self.others.intersection(pf._anchor_others):
            i = self.lowered.find(form)
            while i != -1:
                others.setdefault(bisect.bisect_right(self.bounds, i) - 1, set()).update(pf._anchor_others[form])
                i = self.lowered.find(form, i + 1)
        return others

    def passengers(self, kept: set[int]) -> dict[str, set[int]]:
        """The other judged keys -> the kept units where they may match (as a bag, no order
        checked: for the engine, a superset). Tested as bit sets, as in ``driving``."""
        pf = self.pf
        bits = pf.bits()
        of_words, tables = bits.of_words, bits.passengers
        anchor_forms, anchors_of = pf._passenger_anchor_forms, pf._passenger_anchors
        others = self.others & anchor_forms
        others_bits = bits.of(self.others_mask)
        words = self.unit_words()
        units_of: dict[str, set[int]] = {}
        for u in kept:
            forms = anchor_forms.intersection(words[u])
            if others:
                a, b = self.bounds[u], self.bounds[u + 1]
                forms = forms.union(f for f in others if self.lowered.find(f, a, b) != -1)
            if not forms:
                continue
            groups = self.word_groups.get(u)
            loose = (of_words(words[u]) if groups is None else groups) | others_bits
            for key in {key for anchor in set().union(*map(anchors_of.__getitem__, forms))
                        for need, keys in tables[anchor] if need & loose == need for key in keys}:
                units_of.setdefault(key, set()).add(u)
        for k in pf.wildcards:
            if k not in pf._driving:
                units_of[k] = set(kept)
        return units_of

    def regexes(self, units_of: dict[str, set[int]]) -> dict[str, list[tuple[int, int]]]:
        """Rule regexes' matches (document offsets) by key; their units go into ``units_of``.
        A regex runs only when the text has the literal strings it needs (regex_needs)."""
        text, lowered, starts = self.text, self.lowered, self.starts
        spans: dict[str, list[tuple[int, int]]] = {}
        if not self.pf._regexes:
            return spans
        # the case-insensitive literals present: all the formulas' are looked for when the
        # scan starts (Prefilter._substring_scan); None: count all as present
        odd = self.odd()
        found = None if odd else self.substrings
        for rx, k, gate, needs in self.pf._regexes:
            if not holds(gate, found, text) or (needs != gate and not holds(needs, found, text)):
                continue
            for m in regex_matches(rx, text, lowered, odd):
                if m.end() > m.start():
                    spans.setdefault(k, []).append((m.start(), m.end()))
                    first = bisect.bisect_right(starts, m.start()) - 1
                    last = bisect.bisect_right(starts, m.end() - 1) - 1
                    units_of.setdefault(k, set()).update(range(first, last + 1))
        return spans


class Bits:
    """Sets of groups as int bit sets, for the driving test (Scan.driving): a unit's groups
    are the OR of its words', and an entry may be satisfied when ``need & have == need``, a
    few times cheaper than making and comparing frozensets of some 200 groups per unit. Made
    for a Prefilter once (Prefilter.bits), filled as words and anchors are met, so a process
    pays for what its documents hold. A group's bit is numbered as the group is first met
    (``index``), not by its id: the first words met are the common ones, so most bit sets
    stay short with a rulebook of 50,000 groups too (an int costs by its highest bit)."""

    def __init__(self, pf):
        # group -> its bit
        self.index = _Memo(lambda g: len(self.index))
        # form -> its groups (Prefilter._mask_of)
        self.words = _Memo(lambda form: self.of(pf._mask_of[form]))
        # anchor -> Prefilter._anchor_keys[anchor] with bit sets: (a key's common groups,
        # [(a bucket's pivot, 0 for none, [(an entry's groups, the entry)])])
        self.tables = _Memo(lambda anchor: [
            (self.of(common), [(0 if pivot is None else 1 << self.index[pivot], [(self.of(e[0]), e) for e in es])
                               for pivot, es in buckets])
            for common, buckets in pf._anchor_keys[anchor]])
        # anchor word -> the tables of its anchors, one after the other
        self.rows = _Memo(lambda form: [row for anchor in pf._anchor_words[form] for row in self.tables[anchor]])
        # anchor -> its passenger entries (Prefilter._anchored[False]) as [(their groups,
        # the keys)]: keys of several packs often need the same groups ("#unless" parts)
        self.passengers = _Memo(lambda anchor: [(self.of(groups), tuple(keys)) for groups, keys in _keys_by_groups(
            pf._anchored[False][anchor]).items()])

    def of(self, groups) -> int:
        """The bit set of these groups."""
        index = self.index
        out = 0
        for g in groups:
            out |= 1 << index[g]
        return out

    def of_words(self, words) -> int:
        """The groups of these forms (Prefilter.groups_of), as a bit set."""
        return reduce(or_, map(self.words.__getitem__, words), 0)


def _passing(tables, found, have: int) -> list:
    """The entries of the tables (Bits.tables, Bits.rows) of what was ``found`` whose groups
    are all in ``have``: a key's common groups, then a bucket's pivot, then the entry's own."""
    return [e for f in found for common, buckets in tables[f] if common & have == common
            for pivot, es in buckets if pivot & have == pivot
            for need, e in es if need & have == need]


def _keys_by_groups(entries: list) -> dict[frozenset[int], dict[str, None]]:
    """Entries (groups, requirement, key, adjacency) -> the keys of each set of groups."""
    out: dict[frozenset[int], dict[str, None]] = {}
    for groups, _, key, _ in entries:
        out.setdefault(groups, {})[key] = None
    return out


class _Memo(dict):
    """A dict that makes a missing value with ``make(key)`` and keeps it."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


class Unit:
    """What may be a token in one unit: ``words``, a superset of the lower-case forms of its
    tokens (among the forms the rulebook spells), the ``groups`` they are in, and, asked for,
    where each form may start.

    * A token whose form is letters a-z only is a whole run of a-z letters of the unit (spaCy
      splits two letters apart only in a tokenizer exception, and the characters around a
      token that is not glued to a letter are no letters a-z), or a piece of an exception
      glued to a letter inside it ("can" of "cannot"): then the exception's letter run
      around the piece is a whole run, and the piece starts at a known offset from it.
    * Any other form (punctuation, digits, "n't", non-ASCII letters) is found as a substring.
      Those are not in ``words``: a requirement with a group that may only be present
      through them (they occur in the document) is judged by its forms' positions.
    The spans found are those of the tokens, exactly: a requirement's tokens follow one
    another, and two tokens of consecutive pattern tokens have nothing or one space between
    them (spaCy makes a token of any other white space)."""

    __slots__ = ("scan", "u", "a", "b", "words", "_groups", "_loose", "_at")

    def __init__(self, scan: Scan, u: int, words: frozenset[str]):
        """``words``: Scan.words(u)."""
        self.scan, self.u, self.a, self.b = scan, u, scan.bounds[u], scan.bounds[u + 1]
        self.words = words
        self._groups: frozenset[int] | None = None
        self._loose: frozenset[int] | None = None
        self._at: dict[int, tuple[list[int], list[int]]] = {}  # group -> _spans

    @property
    def groups(self) -> frozenset[int]:
        """The groups of the unit's words (made when first asked: the driving test uses bit
        sets, see Bits)."""
        if self._groups is None:
            self._groups = self.scan.pf.groups_of(self.words)
        return self._groups

    @property
    def loose(self) -> frozenset[int]:
        """``groups`` and the groups of the forms found as substrings anywhere in the document."""
        if self._loose is None:
            others = self.scan.others_mask
            self._loose = self.groups | others if others else self.groups
        return self._loose

    def has(self, form: str) -> bool:
        """Does a form found as a substring occur in the unit?"""
        return self.scan.lowered.find(form, self.a, self.b) != -1

    def passing(self, entries: list):
        """The entries (groups, requirement, key, adjacency, ...) whose requirement
        the unit may satisfy."""
        loose = self.loose
        return (e for e in entries if e[0] <= loose and self.in_order(e[1], e[3]))

    def first(self, g: int) -> int:
        """Where the group's first form in the unit starts (the unit's end if none)."""
        starts = self._spans(g)[0]
        return starts[0] if starts else self.b

    def in_order(self, req: Requirement, adj: tuple[Link, ...]) -> bool:
        """Can the groups' forms be found one after the other, those of consecutive tokens
        of the pattern right after one another (nothing or one space between), those with
        optional words between after a text they may spell (needs.link)? Each form found
        ends where the next may start; taking the earliest one is enough unless the next
        must come right after it or after such words."""
        text = self.scan.text

        def fits(i: int, end: int, adjacent: Link) -> bool:
            starts, ends = self._spans(req[i])
            if adjacent is True:
                k = bisect.bisect_left(starts, end)
                options = [j for j in range(k, min(k + 2, len(starts)))
                           if starts[j] == end or (starts[j] == end + 1 and text[end] == " ")]
            elif adjacent:  # a Bridge: optional words between
                lowered = self.scan.lowered
                k = bisect.bisect_left(starts, end)
                options = [j for j in range(k, bisect.bisect_right(starts, end + adjacent[0] + 2, k))
                           if adjacent.bridges(lowered[end:starts[j]])]
            else:
                options = range(bisect.bisect_left(starts, end), len(starts))
            for j in options:
                if i + 1 == len(req) or fits(i + 1, ends[j], adj[i]):
                    return True
                if not adj[i]:
                    return False  # a later form leaves the next groups less room
            return False

        return fits(0, 0, False)

    def _spans(self, g: int) -> tuple[list[int], list[int]]:
        """Starts (sorted) and ends of the evidence of a group's forms in the unit."""
        found = self._at.get(g)
        if found is not None:
            return found
        scan, a, b = self.scan, self.a, self.b
        forms = scan.pf._forms[g]
        spans: list[tuple[int, int]] = []
        glued = scan.pf._glued_by_piece
        for form in forms & self.words:
            _find_all(scan.letters, f" {form} ", a, b + 2, spans, 0, len(form))
            for run, offset in glued.get(form, ()):
                _find_all(scan.letters, f" {run} ", a, b + 2, spans, offset, len(form))
        for form in forms & scan.others:
            _find_all(scan.lowered, form, a, b, spans, 0, len(form))
        spans.sort()
        found = self._at[g] = ([s for s, _ in spans], [e for _, e in spans])
        return found


def automaton(values: dict[str, object]):
    automaton = ahocorasick.Automaton()
    for k, v in values.items():
        automaton.add_word(k, v)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def with_sentence_state(kept: set[int], text: str, bounds: list[int], line_start: list[bool] | None = None
                         ) -> None:
    """Keep the unit before a kept unit whose sentence split depends on it:
    * a line opening with a quote or bracket: that may close the sentence the line before
      ended (nlp/sentences.py). Only the end of that line matters, so one line with a word
      other than quotes and brackets is enough;
    * where long lines were cut (Scan.cuts), a line opening with anything but a capital
      letter or a digit: its first word starts a sentence after a line break, but not after
      a piece that ends in a full stop, which may come before it in the excerpt."""
    changed = True
    while changed:
        changed = False
        for u in sorted(kept):
            v = u
            while v > 0 and v - 1 not in kept:
                first = text[bounds[v]]
                if first in CLOSING:
                    kept.add(v - 1)
                    changed = True
                    if any(c not in CLOSING and not c.isspace() for c in text[bounds[v - 1]:bounds[v]]):
                        break  # a token that is no quote or bracket: its end does not depend on before
                    v -= 1
                elif line_start is not None and line_start[v] and not (first.isalnum() and not first.islower()):
                    kept.add(v - 1)
                    changed = True
                    break
                else:
                    break


def cut_after_sentence(text: str, m: re.Match, ends_sentence) -> bool:
    """Does the chunk (text between white space) before a _CUT match end a sentence there,
    as spaCy tokenizes it? A chunk longer than we look back is taken as not."""
    end = m.start() + len(m.group().rstrip(" "))  # after the punctuation
    chunk = _LAST_CHUNK.search(text, max(0, end - 64), end)
    if chunk is None or (chunk.start() > 0 and not text[chunk.start() - 1].isspace()):
        return False
    return ends_sentence(chunk.group())


def ends_sentence(tokens: list[str]) -> bool:
    """Do these tokens of a chunk end in . ! ? with perhaps closing quotes or brackets?"""
    i = len(tokens) - 1
    while i >= 0 and tokens[i] in CLOSING:
        i -= 1
    return i >= 0 and tokens[i] in TERMINAL


def _find_all(haystack: str, needle: str, lo: int, hi: int, out: list, shift: int, length: int) -> None:
    """Append (start + shift, start + shift + length) for every occurrence of needle in
    haystack[lo:hi]. In the padded letters, " word " starts where the word starts in the
    text."""
    i = haystack.find(needle, lo, hi)
    while i != -1:
        out.append((i + shift, i + shift + length))
        i = haystack.find(needle, i + 1, hi)


# every character str.isspace() (and so the regex \s) holds: what a unit ends in
WHITE_SPACE = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())
AZ = re.compile(r"[a-z]+")
AZ_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def _letters(lowered: str) -> str:
    """The lower-cased text with every character but a-z made a space, and a space before
    and after: offset i of the text is offset i + 1 here, and " word " is a whole run."""
    # a character out of ASCII becomes one "?", then a space
    core = lowered.encode("ascii", "replace").translate(AZ_ONLY).decode("ascii")
    return f" {core} "


def common(form: str, stop_words: frozenset[str]) -> bool:
    """A stop word, a single character or punctuation: too frequent to be an anchor."""
    return form in stop_words or len(form) < 2 or not any(c.isalnum() for c in form)


# What a token spaCy finds LIKE_URL (spacy.lang.lex_attrs.like_url) has: "http(s)://",
# "www." and more, or a "." neither first nor last whose top-level domain, after the last
# ".", ends in "/", is a known one (letters) or makes its URL_MATCH (a domain of two letters
# or more, or four numbers); "3.5", "U.S." and "e.g." have none of these.
_URL_LIKE = re.compile(r"://|www\.|\S\.[^\s\d.]{2}|\S\.\S*/|\d\.\d+\.\d")
_CHUNK = re.compile(r"\S+")


def with_runs(kept: set[int], runs: list[range]) -> bool:
    """Keep every unit of a run (Scan.context_runs) of which one unit is kept; True when
    a unit was added."""
    added = False
    for run in runs:
        if not kept.issuperset(run) and any(u in kept for u in run):
            kept.update(run)
            added = True
    return added
