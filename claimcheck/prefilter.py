"""The prefilter: which lines of a document could any active rule match at all?

Most lines of real articles match no rule, and the pipeline (tokenizer, lemmas, sentences,
context, matchers) is many times slower than scanning characters. So, before the pipeline
runs, one Aho-Corasick scan of the lower-cased text finds the words the compiled rulebook
cannot do without, and only the lines where some rule could match (plus the lines it needs
for context) go through the pipeline, as one shorter text: an ``Excerpt``. Findings are
mapped back to the document, and are exactly those the whole text would give:

* Units. The text is cut after each whitespace run holding a line break. Sentences never
  cross a line break (nlp/sentences.py), spaCy never puts a token across whitespace, and each
  unit keeps its own trailing whitespace, so a unit tokenizes and splits into sentences the
  same way alone as in the document.
* Words. Each token pattern (one expansion of a rule's pattern) needs its literal tokens,
  in order: its requirement. A literal token stands for a set of lower-case forms: the word
  itself for LOWER/ORTH, every form the lookup table maps to the lemma for LEMMA. A form is
  found where the scan sees it and it is not glued to a letter on either side: spaCy splits
  two letters apart only in its tokenizer exceptions ("cannot" -> "can" "not"), whose whole
  strings are scanned too (one such hit may stand for several tokens). So the scan finds a
  superset of the tokens the matchers can match, and a pattern whose literal tokens do not
  all occur, in order, in a unit cannot match there.
* Matching. The engine runs each general token matcher only over the units where its key
  may match, and drops matches that cross a line break (in the whole text too): a match
  then never depends on which unit follows its own.
* Rules. A phrase rule needs its match (or regex) in a unit; a together rule needs every
  group in one unit; a requires rule needs its trigger ("when") somewhere, and then every
  unit that might satisfy it. A rule scoped to concepts (a drug pack) counts only if the
  document may mention them, and then every unit that may mention them is kept, so the
  engine's view of what the document mentions is exact.
* Context. A sentence's context comes from itself and the next sentence (a "previous"
  cue, "refuted in the next sentence"), so the unit after each matching unit is kept too.
* Regexes run over the whole document here, once; the engine uses these matches, mapped
  into the excerpt, so look-arounds see the real neighbours.
* Sections (requires ... within: section): each section start maps to the first kept
  character at or after it, so two kept words share a section in the excerpt exactly when
  they share one in the document.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import ahocorasick
from spacy.attrs import ORTH

from .kinds.base import key as part_key
from .nlp.lemmas import lemma_forms
from .nlp.matching import literal_words
from .rulebook import CONCEPT_PREFIX, CompiledRulebook, Rule
from .rulebook.compiled import in_scope

FULL_TEXT_SHARE = 0.8  # keep more than this share of a text: lint the text itself
_UNIT_BREAK = re.compile(r"\n\s*")

Requirement = tuple  # group ids, in pattern order: each must occur, in this order, in a unit


@dataclass(frozen=True)
class _Plan:
    """What one active rule needs to be able to fire (keys after resolving aliases)."""

    kind: str
    scope: tuple[tuple[str, ...], ...]
    keys: tuple[str, ...]  # phrase: match keys; together: one per group; requires: (when,)
    require: str | None = None  # requires: the key that satisfies it


@dataclass
class Excerpt:
    """The units of a document that go through the pipeline, as one text, and the way back.

    ``pieces`` are (excerpt offset, document offset, length) of each run of consecutive kept
    units; ``regex_spans`` the rule regexes' matches in excerpt offsets, by matcher key."""

    text: str
    pieces: list[tuple[int, int, int]]
    section_starts: list[int] = field(default_factory=list)
    regex_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # matcher key -> the excerpt's (start, end) character ranges where it may match; a key
    # the prefilter judged and that is absent here matches nowhere
    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def to_document(self, offset: int) -> int:
        """The document offset of an excerpt offset (the end of a piece maps to its end)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        ex, doc, length = self.pieces[i]
        if offset - ex > length:
            raise ValueError(f"offset {offset} is past the excerpt")
        return doc + offset - ex

    def from_document(self, offset: int) -> int | None:
        """The excerpt offset of a document offset inside a kept piece (its end included)."""
        i = bisect.bisect_right(self._doc_starts, offset) - 1
        if i < 0:
            return None
        ex, doc, length = self.pieces[i]
        return ex + offset - doc if offset - doc <= length else None

    judged: frozenset[str] = frozenset()  # the keys ``ranges`` speaks for

    def __post_init__(self) -> None:
        self._starts = [p[0] for p in self.pieces]
        self._doc_starts = [p[1] for p in self.pieces]


class Prefilter:
    """Built once per rulebook and rule selection (see ``for_rules``)."""

    def __init__(self, compiled: CompiledRulebook, rules: list[Rule], exceptions: dict[str, list[str]],
                 common: frozenset[str] = frozenset()):
        self._common = common
        self._plans = [self._plan(compiled, r) for r in rules]
        self._groups: dict[frozenset[str], int] = {}
        self._alts: dict[str, list[Requirement]] = {}  # matcher key -> requirements, any of
        for key, seqs in compiled.sequences().items():
            self._alts[key] = [self._requirement(seq) for seq in seqs]
        self.judged = frozenset(self._alts)  # keys whose matching the excerpt's ranges bound
        self._regex_keys = {k for p in self._plans if p.kind == "phrase" for k in p.keys}
        self._regexes = [(rx, k) for rx, k in compiled.regexes if k in self._regex_keys]
        # Requirements by the first of their rare groups: a unit checks only those whose
        # first rare group it has.
        self._by_group: dict[int, dict[Requirement, list[tuple[Requirement, str]]]] = {}
        self.wildcards: set[str] = set()  # keys with a pattern no word can rule out
        self._common_groups = {g for forms, g in self._groups.items()
                               if any(_common(f, self._common) for f in forms)}
        for key, alts in self._alts.items():
            for req in set(alts):
                rare = self._rare(req)
                if not req:
                    self.wildcards.add(key)
                else:
                    self._by_group.setdefault(rare[0], {}).setdefault(rare, []).append((req, key))
        self._scan_rare = self._build_automaton({g for by_rare in self._by_group.values()
                                                 for rare in by_rare for g in rare}, exceptions)
        self._scan_common = self._build_automaton(self._common_groups, exceptions)

    @classmethod
    def for_rules(cls, compiled: CompiledRulebook, rules: list[Rule], nlp) -> "Prefilter":
        ids = tuple(r.id for r in rules)
        cache = compiled.prefilters
        if ids not in cache:
            common = frozenset(w for w in nlp.Defaults.stop_words if w == w.lower())
            cache[ids] = cls(compiled, rules, _tokenizer_exceptions(nlp), common)
        return cache[ids]

    # --- building ----------------------------------------------------------------------------

    def _requirement(self, seq: list[dict]) -> Requirement:
        groups = []
        for token in seq:
            if token.get("OP") not in (None, "+"):
                continue
            forms = _forms(token)
            if forms:
                groups.append(forms)
        return tuple(self._groups.setdefault(g, len(self._groups)) for g in groups)

    def _rare(self, req: Requirement) -> Requirement:
        """The groups of a requirement the whole text is scanned for. Words in every other
        sentence ("the", "to", "of") would cost more to scan for than they rule out; they are
        checked afterwards, in the few lines that have the rest (all of them, if a pattern
        has nothing else)."""
        return tuple(g for g in req if g not in self._common_groups) or req

    @staticmethod
    def _plan(compiled: CompiledRulebook, rule: Rule) -> _Plan:
        def resolve(part: str) -> str:
            k = part_key(rule.id, part)
            return compiled.aliases.get(k, k)

        scope = compiled.scopes[rule.id]
        if rule.kind == "together":
            n = len(rule.spec["together"])
            return _Plan("together", scope, tuple(resolve(f"together{i}") for i in range(n)))
        if rule.kind == "requires":
            return _Plan("requires", scope, (resolve("when"),), resolve("require"))
        return _Plan("phrase", scope, (resolve("match"), part_key(rule.id, "regex")))

    def _build_automaton(self, groups: set[int], exceptions: dict[str, list[str]]):
        by_form: dict[str, set[int]] = {}
        for forms, gid in self._groups.items():
            if gid not in groups:
                continue
            for form in forms:
                by_form.setdefault(form, set()).add(gid)
        # "cannot" is the tokens "can" and "not": scan the whole exception string for them
        several: set[str] = set()
        for whole, pieces in exceptions.items():
            gids = set().union(*(by_form.get(p, set()) for p in pieces))
            if gids:
                by_form.setdefault(whole, set()).update(gids)
                several.add(whole)
        automaton = ahocorasick.Automaton()
        for form, gids in by_form.items():
            automaton.add_word(form, (len(form), form[0].isalpha(), form[-1].isalpha(), frozenset(gids),
                                      form in several))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    # --- per document ------------------------------------------------------------------------

    def excerpt(self, text: str, section_starts: list[int] = ()) -> Excerpt | None:
        """The excerpt of ``text`` the pipeline needs to see, or None to lint the whole text
        (when most of it is needed, or lower-casing changes its length)."""
        lowered = text.lower()
        if len(lowered) != len(text):
            return None
        starts = [0] + [m.end() for m in _UNIT_BREAK.finditer(text) if m.end() < len(text)]
        units_of = self._possible(text, lowered, starts)
        regex_spans = units_of.pop("#regex-spans")
        kept = self._needed(units_of, len(starts))
        if not kept:
            return Excerpt("", [])
        bounds = starts + [len(text)]
        pieces: list[tuple[int, int, int]] = []
        ex = 0
        for u in sorted(kept):
            lo, hi = bounds[u], bounds[u + 1]
            if pieces and pieces[-1][1] + pieces[-1][2] == lo:
                e0, d0, n0 = pieces[-1]
                pieces[-1] = (e0, d0, n0 + hi - lo)
            else:
                pieces.append((ex, lo, hi - lo))
            ex += hi - lo
        if ex > FULL_TEXT_SHARE * len(text):
            return None
        excerpt = Excerpt("".join(text[d:d + n] for _, d, n in pieces), pieces, judged=self.judged)
        excerpt.section_starts = _sections_in(excerpt, section_starts)
        for k, units in units_of.items():
            ranges = []
            for u in sorted(units & kept):
                a = excerpt.from_document(bounds[u])
                ranges.append((a, a + bounds[u + 1] - bounds[u]))
            excerpt.ranges[k] = ranges
        for k, spans in regex_spans.items():
            mapped = []
            for s, e in spans:
                a, b = excerpt.from_document(s), excerpt.from_document(e)
                if a is not None and b is not None and b - a == e - s:
                    mapped.append((a, b))
            excerpt.regex_spans[k] = mapped
        return excerpt

    def _possible(self, text: str, lowered: str, starts: list[int]) -> dict:
        """Matcher key -> the units where it may match (and, under "#regex-spans", the rule
        regexes' matches in document offsets)."""
        hits: dict[int, list[Hit]] = {}
        for hit in _scan(self._scan_rare, lowered, 0, len(lowered)):
            hits.setdefault(bisect.bisect_right(starts, hit[0]) - 1, []).append(hit)
        bounds = starts + [len(lowered)]
        units_of: dict = {}
        for unit, found in hits.items():
            index = _index(found)
            common_added = False  # the common words' hits of this unit, scanned when first needed
            seen: set[str] = set()
            for g in list(index):
                for rare, reqs in self._by_group.get(g, {}).items():
                    if all(k in seen for _, k in reqs) or not _in_order(rare, index):
                        continue
                    for req, k in reqs:
                        if k in seen:
                            continue
                        if rare != req:
                            if not common_added:
                                _index(_scan(self._scan_common, lowered, bounds[unit], bounds[unit + 1]), index)
                                common_added = True
                            if not _in_order(req, index):
                                continue
                        seen.add(k)
            for k in seen:
                units_of.setdefault(k, set()).add(unit)
        everywhere = set(range(len(starts)))
        for k in self.wildcards:
            units_of[k] = everywhere
        spans: dict[str, list[tuple[int, int]]] = {}
        for rx, k in self._regexes:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    spans.setdefault(k, []).append((m.start(), m.end()))
                    first = bisect.bisect_right(starts, m.start()) - 1
                    last = bisect.bisect_right(starts, m.end() - 1) - 1
                    units_of.setdefault(k, set()).update(range(first, last + 1))
        units_of["#regex-spans"] = spans
        return units_of

    def _needed(self, units_of: dict[str, set[int]], n_units: int) -> set[int]:
        mentioned = {k[len(CONCEPT_PREFIX):] for k in units_of if k.startswith(CONCEPT_PREFIX)}
        matching: set[int] = set()  # units where a rule may fire: they and the next are kept
        support: set[int] = set()  # units the engine must see to judge the document as a whole
        for plan in self._plans:
            if not in_scope(plan.scope, mentioned):
                continue
            if plan.kind == "together":
                hits = set.intersection(*(units_of.get(k, set()) for k in plan.keys))
            else:
                hits = set().union(*(units_of.get(k, set()) for k in plan.keys))
            if not hits:
                continue
            if plan.kind == "requires":
                support |= hits | units_of.get(plan.require, set())
            else:
                matching |= hits
            for group in plan.scope:
                for concept in group:
                    support |= units_of.get(CONCEPT_PREFIX + concept, set())
        following = {u + 1 for u in matching if u + 1 < n_units}
        return matching | following | support


Hit = tuple  # (start, group ids, stands for several tokens), from _scan


def _scan(automaton, lowered: str, lo: int, hi: int):
    """Hits of an automaton's forms in lowered[lo:hi], in order of start, that are not glued
    to a letter on either side."""
    if not len(automaton):
        return []
    n = len(lowered)
    out = []
    for end, (length, alpha_first, alpha_last, gids, several) in automaton.iter(lowered, lo, hi):
        start = end - length + 1
        if alpha_first and start > 0 and lowered[start - 1].isalpha():
            continue
        if alpha_last and end + 1 < n and lowered[end + 1].isalpha():
            continue
        out.append((start, gids, several))
    out.sort(key=lambda h: h[0])
    return out


def _common(form: str, stop_words: frozenset[str]) -> bool:
    """A stop word, a single character or punctuation: too frequent to be worth scanning for."""
    return form in stop_words or len(form) < 2 or not any(c.isalnum() for c in form)


def _index(found: list[Hit], index: dict | None = None) -> dict[int, list[tuple[int, bool]]]:
    """Group id -> (start, several) of its hits, sorted (``found`` is sorted by start; hits
    added to an existing index are sorted in)."""
    merging = index is not None
    index = {} if index is None else index
    touched = set()
    for start, gids, several in found:
        for g in gids:
            index.setdefault(g, []).append((start, several))
            touched.add(g)
    if merging:
        for g in touched:
            index[g].sort()
    return index


def _in_order(req: Requirement, index: dict[int, list[tuple[int, bool]]]) -> bool:
    """Do the hits hold the requirement's groups at increasing starts? Greedy, earliest
    first. One hit of a tokenizer exception ("cannot") may stand for several consecutive
    tokens, so it may serve the next group at the same start."""
    last = -1
    for g in req:
        starts = index.get(g)
        if not starts:
            return False
        i = bisect.bisect_left(starts, (last, False))
        while i < len(starts) and starts[i][0] == last and not starts[i][1]:
            i += 1
        if i == len(starts):
            return False
        last = starts[i][0]
    return True


def _forms(token: dict) -> frozenset[str] | None:
    """The lower-case surface forms a literal token spec can match (None: not literal)."""
    spelled = literal_words(token)
    if spelled is None:
        return None
    attr, words = spelled
    if attr == "LEMMA":
        return frozenset(f for w in words for f in lemma_forms(w.lower()))
    return frozenset(w.lower() for w in words)


def _sections_in(excerpt: Excerpt, section_starts) -> list[int]:
    out = []
    for c in section_starts:
        i = bisect.bisect_left([d + n for _, d, n in excerpt.pieces], c + 1)
        if i == len(excerpt.pieces):
            out.append(len(excerpt.text))
            continue
        ex, doc, _ = excerpt.pieces[i]
        out.append(ex + max(0, c - doc))
    return out


def _tokenizer_exceptions(nlp) -> dict[str, list[str]]:
    """spaCy's special cases that split a string into several tokens, lower-cased."""
    return {whole.lower(): [t[ORTH].lower() for t in pieces]
            for whole, pieces in nlp.tokenizer.rules.items() if len(pieces) > 1}
