"""The prefilter: which lines of a document could any active rule match at all?

Most lines of real articles match no rule, and the pipeline (tokenizer, lemmas, sentences,
context, matchers) is many times slower than looking at words. So, before the pipeline runs,
each line's words are checked against the words the compiled rulebook cannot do without, and
only the lines where some rule could match (plus the lines their context needs) go through
the pipeline, as one shorter text: an ``Excerpt``. Findings are mapped back to the document,
and are exactly those the whole text would give:

* Units. The text is cut after each whitespace run holding a line break. Sentences never
  cross a line break (nlp/sentences.py), spaCy never puts a token across whitespace, and each
  unit keeps its own trailing whitespace, so a unit tokenizes the same way alone as in the
  document, and splits into the same sentences but for one thing the line before carries
  over: whether it ended a sentence, when the unit opens with a quote or bracket (taken as
  closing that sentence). So the line before such a kept line is kept too, or the lines
  before it down to one with another token (_with_sentence_state). A long line (an article
  without line breaks) is also cut between sentences, where the pipeline starts a sentence
  whatever comes before (_Scan.cuts); matches never cross a sentence start (engine.py).
  Where lines were cut, a kept line that does not open with a capital or a digit keeps the
  unit before it too: after a piece ending in a full stop, its first word would not start
  a sentence.
* Words. Each token pattern (one expansion of a rule's pattern) needs its literal tokens,
  in order: its requirement. A literal token stands for a group of lower-case forms: the
  word itself for LOWER/ORTH, every form the lookup table maps to the lemma for LEMMA. A
  unit's evidence (_Unit) is a superset of its tokens' forms, with their exact spans: a
  form of letters a-z is a whole run of such letters (spaCy splits two letters apart only
  in a tokenizer exception: "can" of "cannot" is found through the exception's run), any
  other form a substring. A pattern matches in a unit only if each of its groups has a form
  there (checked as bits of an int), at spans one after the other, consecutive pattern
  tokens with nothing or one space between (any other white space is a token of its own).
* Anchors. A requirement is looked at only in the units holding a form of its anchor, the
  group of it likeliest to be rare (stop words, punctuation and short words are not). That
  only saves time.
* Matching. The engine runs each general token matcher only over the units where its key
  may match (a superset: the order of a requirement's groups is checked only where it
  decides which units are kept), and drops matches that cross a line break (in the whole
  text too): a match then never depends on which unit follows its own.
* Rules. A phrase rule needs its match (or regex) in a unit; a together rule needs every
  group in one unit, or in a list item's unit and its lead-in's (lists.py: both are kept); a requires rule needs its trigger ("when") somewhere, and then every
  unit that might satisfy it. A rule scoped to concepts (a drug pack) counts only if the
  document may mention them, and then every unit that may mention them is kept, so the
  engine's view of what the document mentions is exact.
* Context. A sentence's context comes from itself, and from the next sentence only through
  a "previous" cue or a refuting cue after a reported claim ("refuted in the next
  sentence"). The line after a matching line is kept only when it, or else the kept line
  after it (which would then come next in the excerpt), may make such a mark of a type the
  line's rules heed: a "previous" cue, at the line's start if the cue must be at a sentence
  start; a refuting cue in the first tokens, after a reported cue in the matching line;
  a #url or citation (what a URL-like token needs, what the citation regexes start with).
  And a "previous" cue makes no mark in a text's first sentence: if the first kept line may
  hold one, the line before it is kept too.
* Regexes run over the whole document here, once, and only if the document holds the
  literal strings they cannot match without (read from the parsed pattern; nlp/matching.py),
  tried only where one of the strings they start with occurs (regex_matches): the same
  matches. The engine uses them, mapped into the excerpt, so look-arounds see the real
  neighbours.
* Sections (requires ... within: section): each section start maps to the first kept
  character at or after it, so two kept words share a section in the excerpt exactly when
  they share one in the document.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from itertools import chain
from operator import and_, or_
from typing import Iterator

import ahocorasick
from spacy.attrs import ORTH

from .kinds import KINDS, trigger_keys
from .lists import list_leads
from .kinds.base import key as part_key
from .nlp.lemmas import lemma_forms
from .nlp.matching import (literal_words, needs_all, needs_any, odd_letters, regex_matches, regex_needs,
                           regex_start_needs)
from .nlp.sentences import CLOSING, TERMINAL
from .rulebook import CONCEPT_PREFIX, CompiledRulebook, Rule

_UNIT_BREAK = re.compile(r"\n\s*")
# A long line (a whole article without line breaks) is cut between sentences as well, into
# pieces of at least CUT_EVERY characters: after . ! ? (and closing quotes or brackets) and
# spaces, before a capital letter or a digit, where the pipeline starts a sentence whatever
# precedes it in the excerpt (see _Scan.cuts).
LONG_LINE = 1200
CUT_EVERY = 400
_CUT = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]\u00bb]* +(?=[A-Z0-9])")
_LAST_CHUNK = re.compile(r"\S+\Z")
_BREAK_OR_CUT = re.compile(f"{_UNIT_BREAK.pattern}|{_CUT.pattern}")

Requirement = tuple  # group ids, in pattern order: each must occur, in this order, in a unit


@dataclass(frozen=True)
class _Plan:
    """What one active rule needs to be able to fire (keys after resolving aliases), as its
    kind declares it (kinds/__init__.py): the prefilter knows no kind by name."""

    every: bool  # all its trigger keys in one unit (together's groups), or any one of them
    document: bool  # it judges the document: the units it matches in support that judgement
    scope: tuple[tuple[str, ...], ...]
    keys: tuple[str, ...]  # its trigger keys
    keep: tuple[str, ...] = ()  # further keys whose units it needs (requires: what satisfies it)
    heeds: frozenset[str] = frozenset()  # the context types the rule does not ignore
    paragraphs: bool = False  # the whole line (paragraph) of each trigger match (requires ... about)


@dataclass(frozen=True)
class _CueCheck:
    """What may show a context cue of one purpose in a unit (Prefilter._context_cues)."""

    entries: list  # (groups as bits, requirement, key, adjacency, within), as for matcher keys
    url: bool  # a pattern is a #url alone: look for what a URL-like token needs
    always: bool  # a pattern without a word to look for
    regexes: list  # the start needs of the regexes


@dataclass
class Excerpt:
    """The units of a document that go through the pipeline, as one text, and the way back.

    ``pieces`` are (excerpt offset, document offset, length) of each run of consecutive kept
    units; ``regex_spans`` the rule regexes' matches in excerpt offsets, by matcher key."""

    text: str
    pieces: list[tuple[int, int, int]]
    section_starts: list[int] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # the section starts whose heading was kept
    regex_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # matcher key -> the excerpt's (start, end) character ranges where it may match; a key
    # the prefilter judged and that is absent here matches nowhere
    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    judged: frozenset[str] = frozenset()  # the keys ``ranges`` speaks for

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

    def __post_init__(self) -> None:
        self._starts = [p[0] for p in self.pieces]
        self._doc_starts = [p[1] for p in self.pieces]

    def moved(self, by: int) -> "Excerpt":
        """The excerpt of a slice of a text that starts ``by`` characters into it, mapping to
        offsets of the whole text."""
        return Excerpt(self.text, [(e, d + by, n) for e, d, n in self.pieces], self.section_starts,
                       self.headings, self.regex_spans, self.ranges, self.judged)


class Prefilter:
    """Built once per rulebook and rule selection (see ``for_rules``)."""

    def __init__(self, compiled: CompiledRulebook, rules: list[Rule], exceptions: dict[str, list[str]],
                 common: frozenset[str] = frozenset(), context=None, tokenizer=None):
        self._common = common
        # does a chunk of text between white space end a sentence? (None: no cuts in lines)
        self.ends_sentence = None if tokenizer is None else lru_cache(maxsize=65536)(
            lambda chunk: _ends_sentence([t.text for t in tokenizer(chunk)]))
        self._plans = [self._plan(compiled, r) for r in rules]
        self._plans_of: dict[str, list[int]] = {}  # key -> the plans it may fire
        for i, plan in enumerate(self._plans):
            for k in plan.keys:
                self._plans_of.setdefault(k, []).append(i)
        self._groups: dict[frozenset[str], int] = {}
        # matcher key -> (requirement, adjacency), any of: see _requirement
        self._alts: dict[str, list[tuple[Requirement, tuple[bool, ...]]]] = {}
        for key, seqs in compiled.sequences().items():
            self._alts[key] = [self._requirement(seq) for seq in seqs]
        self.judged = frozenset(self._alts)  # keys whose matching the excerpt's ranges bound
        cue_seqs = self._context_cues(context)
        self._forms = [forms for forms, _ in sorted(self._groups.items(), key=lambda item: item[1])]
        # Keys that decide which units are kept; the others ("unless", concepts only used
        # there, rules not selected) are looked for in the kept units only.
        self._driving = {k for p in self._plans for k in p.keys + p.keep}
        self._driving |= {CONCEPT_PREFIX + c for p in self._plans for group in p.scope for c in group}
        self._words_glued(exceptions)
        self._costs: dict[int, float] = {}
        groups_of: dict[str, set[int]] = {}
        for gid, forms in enumerate(self._forms):
            for form in forms:
                groups_of.setdefault(form, set()).add(gid)
        # groups as bits of an int: a form's groups, a requirement's groups
        self._mask_of = {f: sum(1 << g for g in gids) for f, gids in groups_of.items()}
        self._cues = None if cue_seqs is None else {
            purpose: _CueCheck([(sum(1 << g for g in set(req)), req, key, adj, within)
                                for (req, adj), key, within, _ in found if req],
                               any(not req and url for (req, _), _, _, url in found),
                               any(not req and not url for (req, _), _, _, url in found), regexes)
            for purpose, (found, regexes) in cue_seqs.items()}
        # forms found as letter runs (or glued pieces), and the others, found as substrings
        self._letter_forms = frozenset(f for f in groups_of if _AZ.fullmatch(f))
        self._others = tuple(sorted(f for f in groups_of if not _AZ.fullmatch(f)))
        # Each requirement is looked for only where its anchor occurs, the group of it
        # likeliest to be rare. Anchor -> (its groups as bits, requirement, key, adjacency), for the
        # driving keys and for the others.
        self.wildcards: set[str] = set()  # keys with a pattern no word can rule out
        anchored: dict[bool, dict[int, list]] = {True: {}, False: {}}
        for key, alts in self._alts.items():
            driving = key in self._driving
            for req, adj in dict.fromkeys(alts):
                if not req:
                    self.wildcards.add(key)
                    continue
                entry = (sum(1 << g for g in set(req)), req, key, adj)
                anchored[driving].setdefault(min(req, key=self._cost), []).append(entry)
        self._anchored = anchored
        # the driving entries of an anchor by key, each key with the groups all its entries
        # there need: one test rules out all of a key's spelled-out alternatives at once
        self._anchor_keys: dict[int, list[tuple[int, list]]] = {}
        for anchor, entries in anchored[True].items():
            by_key: dict[str, list] = {}
            for e in entries:
                by_key.setdefault(e[2], []).append(e)
            self._anchor_keys[anchor] = [(reduce(and_, (e[0] for e in es)), es) for es in by_key.values()]
        self._build_anchors(anchored[True])
        passenger_forms: dict[str, set[int]] = {}
        for gid in anchored[False]:
            for form in self._forms[gid]:
                passenger_forms.setdefault(form, set()).add(gid)
        self._passenger_anchors = {f: tuple(g) for f, g in passenger_forms.items()}
        self._passenger_anchor_forms = frozenset(passenger_forms)
        self._regex_keys = {k for p in self._plans for k in p.keys}
        # (regex, key, what it needs without stop words, all it needs)
        self._regexes = [(rx, k, self._regex_gate(needs), needs)
                         for rx, k in compiled.regexes if k in self._regex_keys
                         for needs in [regex_needs(rx)]]
        # one scan of the lower-cased text for the forms found as substrings and the
        # case-insensitive literals of the regexes' gates; single characters (frequent:
        # each hit costs) are looked for one by one
        self._other_chars = tuple(f for f in self._others if len(f) == 1)
        self._substring_scan = _automaton({s: s for s in chain(
            (f for f in self._others if len(f) > 1),
            (s for _, _, gate, _ in self._regexes for _, s, ic in _literals(gate) if ic))})
        self._regexes = [(rx, k, _compact(gate), _compact(needs)) for rx, k, gate, needs in self._regexes]
        self._others_set = frozenset(self._others)

    def groups_of(self, forms) -> int:
        """The groups of these forms, as bits."""
        return reduce(or_, map(self._mask_of.__getitem__, forms), 0)

    @classmethod
    def for_rules(cls, compiled: CompiledRulebook, rules: list[Rule], nlp) -> "Prefilter":
        ids = tuple(r.id for r in rules)
        cache = compiled.prefilters
        if ids not in cache:
            common = frozenset(w for w in nlp.Defaults.stop_words if w == w.lower())
            context = nlp.get_pipe("claimcheck_context") if "claimcheck_context" in nlp.pipe_names else None
            cache[ids] = cls(compiled, rules, _tokenizer_exceptions(nlp), common, context, nlp.tokenizer)
        return cache[ids]

    def unit_starts(self, text: str, lo: int, hi: int) -> Iterator[int]:
        """Offsets p, lo < p < min(hi, len(text)) + 1, where a unit starts in any excerpt of
        ``text``: after a line break, or where a line may be cut between sentences (the rule
        of _Scan.cuts, whatever the length of the line)."""
        for m in _BREAK_OR_CUT.finditer(text, lo, hi):
            at = m.end()
            if at <= lo or at >= len(text):
                continue
            if m.group()[0] == "\n":
                yield at
            elif self.ends_sentence is not None and _cut_after_sentence(text, m, self.ends_sentence):
                yield at

    # --- building ----------------------------------------------------------------------------

    def _context_cues(self, context) -> dict | None:
        """The context cues that reach across sentences: purpose -> ((requirement, key,
        within, #url alone?) of each pattern, the start needs of the regexes). Purposes:
        ("previous", type) for "previous" cues, "reported" for the cues whose marks a next
        sentence can refute, "refuting" for the cues that refute. ``within``: the cue must
        start in the first this many tokens of the unit's first sentence (a cue "at: start";
        a refuting cue), so its first word is in as many chunks between spaces, plus the
        tokens its pattern may have before that word; None: anywhere. None (no cues): a
        context component this prefilter cannot read."""
        if context is None:
            return {}
        try:
            cues, sequences, regexes = context.cues, context.matcher.sequences, context.regexes
            refutable, refuting, refuting_within = context.refutable, context.refuting, context.refuting_within
        except AttributeError:
            return None
        out: dict = {}

        def purposes(key: str) -> list:
            cue = cues.get(key)
            if cue is None:
                return []  # "pseudo": cues inside them are dropped, a superset keeps them
            at_start = 1 if cue.at == "start" else None
            found = [(("previous", cue.type), at_start)] if cue.direction == "previous" else []
            if cue.direction == "section":
                found.append((("section", cue.type), None))
            if cue.type in refutable:
                found.append(("reported", None))
            if cue.type in refuting:
                found.append(("refuting", min(refuting_within, at_start or refuting_within)))
            return found

        for key, seqs in sequences.items():
            for purpose, within in purposes(key):
                found, _ = out.setdefault(purpose, ([], []))
                for seq in seqs:
                    req = self._requirement(seq)
                    lead = _lead(seq)
                    found.append((req, key, None if within is None or lead is None else within + lead,
                                  any(t.get("LIKE_URL") is True and "OP" not in t for t in seq)))
        for rx, key in regexes:
            for purpose, _ in purposes(key):
                out.setdefault(purpose, ([], []))[1].append(regex_start_needs(rx))
        return out

    def _requirement(self, seq: list[dict]) -> tuple[Requirement, tuple[bool, ...]]:
        """The groups a token pattern needs, in order, and for each but the last whether the
        next one's token must come right after its own (consecutive tokens in the pattern)."""
        groups: list[frozenset[str]] = []
        at: list[int] = []
        for i, token in enumerate(seq):
            if token.get("OP") not in (None, "+"):
                continue
            forms = _forms(token)
            if forms:
                groups.append(forms)
                at.append(i)
        return (tuple(self._groups.setdefault(g, len(self._groups)) for g in groups),
                tuple(b == a + 1 for a, b in zip(at, at[1:])))

    def _cost(self, gid: int) -> float:
        """How often a group's words are likely to occur (lower: rarer). No frequency table
        ships with the pipeline; stop words, punctuation and short words count as frequent."""
        known = self._costs.get(gid)
        if known is not None:
            return known
        cost = 0.0
        for form in self._forms[gid]:
            if _common(form, self._common):
                cost += 100
            elif not _AZ.fullmatch(form):
                cost += 10
            else:
                cost += 1 + 16 / len(form) ** 2
            cost += 2 * len(self._glued_by_piece.get(form, ()))
        self._costs[gid] = cost
        return cost

    def _regex_gate(self, needs):
        """What a regex needs, checked first (with one scan for all regexes): of what all
        its parts need, the part likeliest to be rare; without the literals too frequent to
        be worth looking for, stop words ("for", "only") and white space."""
        return _rarest(_prune(needs, lambda s: not s.strip() or s.strip() in self._common))

    def _words_glued(self, exceptions: dict[str, list[str]]) -> None:
        """Tokenizer exceptions that split letters apart ("cannot" -> "can" "not", "don't" ->
        "do" "n't"): a piece glued to a letter inside its exception is no letter run of the
        text, so it is found through the letter run of the exception around it. ``_glued``:
        run -> (piece's offset from the run, piece); ``_glued_by_piece``: the reverse."""
        wanted = {f for forms in self._forms for f in forms}
        self._glued: dict[str, list[tuple[int, str]]] = {}
        self._glued_by_piece: dict[str, list[tuple[str, int]]] = {}
        self._exact = True
        for whole, pieces in exceptions.items():
            if "".join(pieces) != whole:  # spaCy refuses such special cases; be safe anyway
                self._exact = False
                continue
            runs = [(m.start(), m.end()) for m in _AZ.finditer(whole)]
            at = 0
            for piece in pieces:
                lo, hi = at, at + len(piece)
                at = hi
                if piece not in wanted or not _AZ.fullmatch(piece) or (lo, hi) in runs:
                    continue  # found as a letter run or as a substring (see _Unit)
                r0, r1 = next(r for r in runs if r[0] <= lo and hi <= r[1])
                self._glued.setdefault(whole[r0:r1], []).append((lo - r0, piece))
                self._glued_by_piece.setdefault(piece, []).append((whole[r0:r1], lo - r0))
        self._glued_runs = frozenset(self._glued)

    def _build_anchors(self, anchored: dict[int, list]) -> None:
        """Where the driving anchors are looked for: their words (letter runs, with glued
        pieces) and their other forms (substrings)."""
        words: dict[str, set] = {}
        others: dict[str, set] = {}
        for anchor in anchored:
            for form in self._forms[anchor]:
                (words if _AZ.fullmatch(form) else others).setdefault(form, set()).add(anchor)
        self._anchor_words = {f: tuple(a) for f, a in words.items()}
        self._anchor_word_set = frozenset(words)
        self._anchor_others = {f: tuple(a) for f, a in others.items()}

    @staticmethod
    def _plan(compiled: CompiledRulebook, rule: Rule) -> _Plan:
        def resolve(k: str) -> str:
            return compiled.aliases.get(k, k)

        kind = KINDS[rule.kind]
        scope = compiled.scopes[rule.id]
        keys = tuple(map(resolve, trigger_keys(rule)))
        parts, paragraphs = kind.keeps(rule)
        keep = tuple(resolve(part_key(rule.id, part)) for part in parts)
        document = kind.SCOPE == "document"
        heeds = frozenset() if document else frozenset(
            t for t, effect in compiled.policy.get(rule.id, {}).items() if effect != "ignore")
        return _Plan(not kind.ANY_TRIGGER and len(keys) > 1, document, scope, keys, keep, heeds, paragraphs)

    # --- per document ------------------------------------------------------------------------

    def excerpt(self, text: str, section_starts: list[int] = (), part: bool = False) -> Excerpt | None:
        """The excerpt of ``text`` the pipeline needs to see, or None to lint the whole text
        (when lower-casing changes its length). Even when every line is kept, the excerpt is the
        cheaper way: it tells the engine where each matcher key may match, and which regexes
        matched.

        ``part``: the text is a part of a long document (see ``parts``), whose other parts
        are not seen here. Every rule is then taken to be in scope, and the units that may
        mention a scope's concepts or satisfy a document rule are kept whatever this part
        holds, so that the engine learns what the document as a whole mentions."""
        lowered = text.lower()
        if len(lowered) != len(text) or not self._exact:
            return None
        scan = _Scan(self, text, lowered)
        units_of = scan.driving()
        regex_spans = scan.regexes(units_of)
        leads = {}
        for item, (lo, _) in list_leads(text, section_starts).items():
            u, lead = bisect.bisect_right(scan.starts, item) - 1, bisect.bisect_right(scan.starts, lo) - 1
            if u != lead:
                leads[u] = lead
        kept, matching, paragraphs = self._needed(units_of, scan.holds, part, leads)
        if not kept:
            return Excerpt("", [])
        if paragraphs and scan.line_start is not None:  # long lines were cut: keep the whole line
            kept |= scan.whole_lines(paragraphs)
        bounds = scan.bounds
        self._with_frames(scan, kept, matching, section_starts)
        self._with_context(scan, kept, matching)
        pieces: list[tuple[int, int, int]] = []
        at: dict[int, tuple[int, int]] = {}  # kept unit -> its range in the excerpt
        ex = 0
        for u in sorted(kept):
            lo, hi = bounds[u], bounds[u + 1]
            if pieces and pieces[-1][1] + pieces[-1][2] == lo:
                e0, d0, n0 = pieces[-1]
                pieces[-1] = (e0, d0, n0 + hi - lo)
            else:
                pieces.append((ex, lo, hi - lo))
            at[u] = (ex, ex + hi - lo)
            ex += hi - lo
        excerpt = Excerpt("".join(text[d:d + n] for _, d, n in pieces), pieces, judged=self.judged)
        excerpt.section_starts, excerpt.headings = _sections_in(excerpt, section_starts)
        units_of.update(scan.passengers(kept))
        for k, units in units_of.items():
            excerpt.ranges[k] = [at[u] for u in sorted(units.intersection(at))]
        for k, spans in regex_spans.items():
            mapped = []
            for s, e in spans:
                a, b = excerpt.from_document(s), excerpt.from_document(e)
                if a is not None and b is not None and b - a == e - s:
                    mapped.append((a, b))
            excerpt.regex_spans[k] = mapped
        return excerpt

    def _needed(self, units_of: dict[str, set[int]], holds, part: bool = False, leads: dict[int, int] | None = None
                ) -> tuple[set[int], dict[int, set[str]], set[int]]:
        """The units to keep, and of them those where a sentence rule may fire, with the
        context types its rules heed (_with_context keeps what their context needs), and those
        whose whole line (paragraph) is needed: a document rule with ``about`` judges the
        sentences of the paragraphs that mention its X.
        ``units_of`` has the units where each key's requirements are met as a bag;
        ``holds(unit, key)`` checks their order, asked only where it decides something.
        ``part``: see ``excerpt``."""
        exact: dict[str, set[int]] = {}

        def units(k: str) -> set[int]:
            found = exact.get(k)
            if found is None:
                found = exact[k] = {u for u in units_of.get(k, ()) if holds(u, k)}
            return found

        mentioned: dict[str, bool] = {}

        def mentions(concept: str) -> bool:
            if part:
                return True  # the other parts may mention it
            if concept not in mentioned:
                k = CONCEPT_PREFIX + concept
                mentioned[concept] = bool(exact[k]) if k in exact else any(holds(u, k) for u in units_of.get(k, ()))
            return mentioned[concept]

        matching: dict[int, set[str]] = {}  # units where a sentence rule may fire
        support: set[int] = set()  # units the engine must see to judge the document as a whole
        paragraphs: set[int] = set()
        none: set[int] = set()
        # only the plans with a key that may match somewhere, in their order
        for i in sorted({i for k in units_of for i in self._plans_of.get(k, ())}):
            plan = self._plans[i]
            if plan.every:
                hits = set.intersection(*(units_of.get(k, none) for k in plan.keys))
                hits = {u for u in hits if all(holds(u, k) for k in plan.keys)}
                # a list item with some groups, its lead-in with the rest (lists.py)
                some = set().union(*(units_of.get(k, none) for k in plan.keys)) if leads else none
                for u in some.intersection(leads or ()) - hits:
                    lead = leads[u]
                    if all(
                            (u in units_of.get(k, none) and holds(u, k))
                            or (lead in units_of.get(k, none) and holds(lead, k)) for k in plan.keys):
                        hits |= {u, lead}
            else:
                hits = set().union(*(units(k) for k in plan.keys))
            if not hits or not all(any(mentions(c) for c in group) for group in plan.scope):
                continue
            if plan.document:
                support |= hits.union(*(units(k) for k in plan.keep))
                if plan.paragraphs:
                    paragraphs |= hits
            else:
                for u in hits:
                    matching.setdefault(u, set()).update(plan.heeds)
            for group in plan.scope:
                for concept in group:
                    support |= units(CONCEPT_PREFIX + concept)
        if part:
            for plan in self._plans:
                support.update(*(units(k) for k in plan.keep))
                support.update(*(units(CONCEPT_PREFIX + c) for group in plan.scope for c in group))
        return support.union(matching), matching, paragraphs

    def _with_frames(self, scan: "_Scan", kept: set[int], matching: dict[int, set[str]],
                     section_starts: list[int]) -> None:
        """Keep the heading of a matching unit's section when it may hold a frame cue its rules
        heed ("Risks of buying online" governs its section: nlp/context.py, engine._framed),
        and the title's, which governs the whole text."""
        if not section_starts or not self._cues or not any(p[0] == "section" for p in self._cues):
            return
        heads = sorted({bisect.bisect_right(scan.starts, c) - 1 for c in section_starts})
        for u, heeds in list(matching.items()):
            i = bisect.bisect_right(heads, u) - 1
            if i < 0 or heads[i] in kept:
                continue
            if any(scan.cue(heads[i], ("section", t)) for t in heeds):
                kept.add(heads[i])
        # the title (a heading opening the text) frames the whole text (engine._title)
        title = heads[0] if heads and not scan.text[:min(section_starts)].strip() else None
        if title is not None and title not in kept and matching:
            heeds = set().union(*matching.values())
            if any(scan.cue(title, ("section", t)) for t in heeds):
                kept.add(title)

    def _with_context(self, scan: "_Scan", kept: set[int], matching: dict[int, set[str]]) -> None:
        """Add to ``kept`` the units the context of the matching ones needs, so that each
        kept line splits into the same sentences and gets the same context marks as in the
        document (see the module docstring): the line before a line opening with a quote
        (_with_sentence_state); the line after a matching line u when that line, or else the
        kept line after it, may reach back into u's last sentence with a mark u's rules heed
        (a "previous" cue; a refuting cue after a reported claim); the line before the first
        kept line when that line may hold a "previous" cue its rules heed (it makes no mark
        in a text's first sentence, but does in the document, where the cue may lie inside a
        match and count)."""
        n = len(scan.starts)
        if self._cues is None:  # a context component this prefilter does not know: all of it
            kept.update(u + 1 for u in matching if u + 1 < n)
            kept.update(u - 1 for u in matching if u > 0)
        changed = True
        while changed:
            changed = False
            _with_sentence_state(kept, scan.text, scan.bounds, scan.line_start)
            order = sorted(kept)
            first = order[0]
            if first > 0 and first in matching and scan.previous_cue(first, matching[first]):
                kept.add(first - 1)
                changed = True
                continue
            for i, u in enumerate(order):
                heeds = matching.get(u)
                if not heeds or u + 1 >= n or u + 1 in kept:
                    continue
                after = order[i + 1] if i + 1 < len(order) else None
                if scan.reaches_back(u + 1, u, heeds) or (after is not None and scan.reaches_back(after, u, heeds)):
                    kept.add(u + 1)
                    changed = True


class _Scan:
    """One document's text as the prefilter reads it: its units, its letter runs, and the
    evidence (``_Unit``) of the units looked at so far."""

    def __init__(self, pf: Prefilter, text: str, lowered: str):
        self.pf = pf
        self.text = text
        self.lowered = lowered
        self.starts = [0] + [m.end() for m in _UNIT_BREAK.finditer(text) if m.end() < len(text)]
        self.line_start: list[bool] | None = None  # per unit, when long lines were cut
        if pf.ends_sentence is not None and len(text) > LONG_LINE:
            self.cuts()
        self.bounds = self.starts + [len(text)]
        self.letters = _letters(lowered)
        self.units: dict[int, _Unit] = {}
        self._cue_found: dict = {}
        self._odd: bool | None = None
        scan = pf._substring_scan
        self.substrings = {s for _, s in scan.iter(lowered)} if len(scan) else set()
        self.substrings.update(c for c in pf._other_chars if c in lowered)
        # the forms found as substrings (not as letter runs) in the document, their groups as bits
        self.others = pf._others_set.intersection(self.substrings)
        self.others_mask = reduce(or_, map(pf._mask_of.__getitem__, self.others), 0)

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
                if _cut_after_sentence(text, m, ends_sentence):
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

    def unit(self, u: int) -> "_Unit":
        found = self.units.get(u)
        if found is None:
            words = self.words(u)
            found = self.units[u] = _Unit(self, u, words, self.pf.groups_of(words))
        return found

    def words(self, u: int) -> frozenset[str]:
        """The forms the rulebook spells that are letter runs of unit u, or glued pieces
        in them (see _Unit)."""
        pf = self.pf
        runs = self.letters[self.bounds[u] + 1:self.bounds[u + 1] + 1].split()
        words = pf._letter_forms.intersection(runs)
        if not pf._glued_runs.isdisjoint(runs):
            words = words.union(piece for run in pf._glued_runs.intersection(runs) for _, piece in pf._glued[run])
        return words

    def holds(self, u: int, key: str) -> bool:
        """May unit u match the key (its requirements' order checked)?"""
        unit = self.units.get(u)
        return True if unit is None else unit.holds(key)

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
        if check.regexes and any(self._starts_in(needs, a, b) for needs in check.regexes):
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

    def _starts_in(self, needs, a: int, b: int) -> bool:
        """Can text starting in [a, b) satisfy the start needs of a regex?"""
        if needs is True:
            return True
        if needs[0] == "lit":
            _, s, ic = needs
            if ic and self.odd():
                return True
            return (self.lowered if ic else self.text).find(s, a, b + len(s) - 1) != -1
        parts = (self._starts_in(p, a, b) for p in needs[1])
        return all(parts) if needs[0] == "and" else any(parts)

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
        """Driving key -> the units where it may match (wildcards: every unit)."""
        pf = self.pf
        bounds = self.bounds
        others: dict[int, set] = {}  # unit -> anchors found as substrings
        for form in self.others.intersection(pf._anchor_others):
            i = self.lowered.find(form)
            while i != -1:
                others.setdefault(bisect.bisect_right(bounds, i) - 1, set()).update(pf._anchor_others[form])
                i = self.lowered.find(form, i + 1)
        table = pf._anchor_keys
        units_of: dict[str, set[int]] = {}
        anchor_words, anchor_word_set = pf._anchor_words, pf._anchor_word_set
        for u in range(len(self.starts)):
            words = self.words(u)
            hit = words & anchor_word_set
            if not hit and u not in others:
                continue
            found = {a for w in hit for a in anchor_words[w]}
            found.update(others.get(u, ()))
            groups = pf.groups_of(words)
            loose = groups | self.others_mask
            entries = [e for anchor in found for common, es in table[anchor] if common & loose == common
                       for e in es]
            if not entries:
                continue  # no _Unit: made on demand if a context check needs one
            unit = self.units[u] = _Unit(self, u, words, groups)
            for k in unit.keys(entries):
                units_of.setdefault(k, set()).add(u)  # as a bag: see Prefilter._needed
        everywhere = set(range(len(self.starts)))
        for k in pf.wildcards:
            if k in pf._driving:
                units_of[k] = everywhere
        return units_of

    def passengers(self, kept: set[int]) -> dict[str, set[int]]:
        """The other judged keys -> the kept units where they may match."""
        pf = self.pf
        table = pf._anchored[False]
        units_of: dict[str, set[int]] = {}
        others = self.others & pf._passenger_anchor_forms
        for u in kept:
            unit = self.unit(u)
            forms = set(unit.words & pf._passenger_anchor_forms)
            forms.update(f for f in others if unit.has(f))
            anchors = {g for form in forms for g in pf._passenger_anchors[form]}
            # as a bag (no order checked): where a key may match, for the engine, a superset
            for k, reqs in unit.keys([e for g in anchors for e in table[g]]).items():
                if reqs is None or reqs:
                    units_of.setdefault(k, set()).add(u)
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
        # case-insensitive literals present (None: count all as present)
        odd = self.odd()
        found = None if odd else self.substrings
        for rx, k, gate, needs in self.pf._regexes:
            if not _holds(gate, found, text) or (needs != gate and not _holds(needs, found, text, lowered)):
                continue
            for m in regex_matches(rx, text, lowered, odd):
                if m.end() > m.start():
                    spans.setdefault(k, []).append((m.start(), m.end()))
                    first = bisect.bisect_right(starts, m.start()) - 1
                    last = bisect.bisect_right(starts, m.end() - 1) - 1
                    units_of.setdefault(k, set()).update(range(first, last + 1))
        return spans


class _Unit:
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

    __slots__ = ("scan", "u", "a", "b", "words", "groups", "pending", "_at")

    def __init__(self, scan: _Scan, u: int, words: frozenset[str], groups: int):
        """``words``: _Scan.words(u); ``groups``: their groups as bits."""
        self.scan, self.u, self.a, self.b = scan, u, scan.bounds[u], scan.bounds[u + 1]
        self.words = words
        self.groups = groups
        self.pending: dict[str, list | None] = {}  # see keys()
        self._at: dict[int, tuple[list[int], list[int]]] = {}  # group -> _spans

    def has(self, form: str) -> bool:
        """Does a form found as a substring occur in the unit?"""
        return self.scan.lowered.find(form, self.a, self.b) != -1

    def keys(self, entries: list) -> dict[str, list | None]:
        """Of the (groups as bits, requirement, key, adjacency) entries, those whose
        requirement has all its groups in the unit, by key, into ``pending`` (and returned):
        None when that is enough (one group, found as a letter run), else the requirements to
        check for order (``holds``). That costs; most keys decide nothing, so it waits."""
        groups = self.groups
        loose = groups | self.scan.others_mask
        pending = self.pending
        found = {}
        for bits, req, key, adj in [e for e in entries if e[0] & loose == e[0]]:
            if key in pending and pending[key] is None:
                pass
            elif len(req) == 1 and bits & groups == bits:
                pending[key] = None
            else:
                pending.setdefault(key, []).append((req, adj))
            found[key] = pending[key]
        return found

    def holds(self, key: str) -> bool:
        """May the unit match the key? (A key the unit never judged: yes, as for regexes.)"""
        reqs = self.pending.get(key)
        if reqs is None:
            return True
        if reqs and any(self._in_order(req, adj) for req, adj in reqs):
            self.pending[key] = None
            return True
        reqs.clear()
        return False

    def passing(self, entries: list):
        """The entries (groups as bits, requirement, key, adjacency, ...) whose requirement
        the unit may satisfy."""
        loose = self.groups | self.scan.others_mask
        return (e for e in entries if e[0] & loose == e[0] and self._in_order(e[1], e[3]))

    def first(self, g: int) -> int:
        """Where the group's first form in the unit starts (the unit's end if none)."""
        starts = self._spans(g)[0]
        return starts[0] if starts else self.b

    def _in_order(self, req: Requirement, adj: tuple[bool, ...]) -> bool:
        """Can the groups' forms be found one after the other, those of consecutive tokens
        of the pattern right after one another (nothing or one space between)? Each form
        found ends where the next may start; taking the earliest one is enough unless the
        next must come right after it."""
        text = self.scan.text

        def fits(i: int, end: int, adjacent: bool) -> bool:
            starts, ends = self._spans(req[i])
            if adjacent:
                k = bisect.bisect_left(starts, end)
                options = [j for j in range(k, min(k + 2, len(starts)))
                           if starts[j] == end or (starts[j] == end + 1 and text[end] == " ")]
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


def _automaton(values: dict[str, object]):
    automaton = ahocorasick.Automaton()
    for k, v in values.items():
        automaton.add_word(k, v)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _with_sentence_state(kept: set[int], text: str, bounds: list[int], line_start: list[bool] | None = None
                         ) -> None:
    """Keep the unit before a kept unit whose sentence split depends on it:
    * a line opening with a quote or bracket: that may close the sentence the line before
      ended (nlp/sentences.py). Only the end of that line matters, so one line with a word
      other than quotes and brackets is enough;
    * where long lines were cut (_Scan.cuts), a line opening with anything but a capital
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


def _cut_after_sentence(text: str, m: re.Match, ends_sentence) -> bool:
    """Does the chunk (text between white space) before a _CUT match end a sentence there,
    as spaCy tokenizes it? A chunk longer than we look back is taken as not."""
    end = m.start() + len(m.group().rstrip(" "))  # after the punctuation
    chunk = _LAST_CHUNK.search(text, max(0, end - 64), end)
    if chunk is None or (chunk.start() > 0 and not text[chunk.start() - 1].isspace()):
        return False
    return ends_sentence(chunk.group())


def _ends_sentence(tokens: list[str]) -> bool:
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


_AZ = re.compile(r"[a-z]+")
_AZ_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def _letters(lowered: str) -> str:
    """The lower-cased text with every character but a-z made a space, and a space before
    and after: offset i of the text is offset i + 1 here, and " word " is a whole run."""
    # a character out of ASCII becomes one "?", then a space
    core = lowered.encode("ascii", "replace").translate(_AZ_ONLY).decode("ascii")
    return f" {core} "


def _common(form: str, stop_words: frozenset[str]) -> bool:
    """A stop word, a single character or punctuation: too frequent to be an anchor."""
    return form in stop_words or len(form) < 2 or not any(c.isalnum() for c in form)


def _forms(token: dict) -> frozenset[str] | None:
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


def _sections_in(excerpt: Excerpt, section_starts) -> tuple[list[int], list[int]]:
    """Each section start at the first kept character at or after it; and of them, those whose
    heading itself was kept (a section frame counts only in a real heading)."""
    out, headings = [], []
    ends = [d + n for _, d, n in excerpt.pieces]
    for c in section_starts:
        i = bisect.bisect_left(ends, c + 1)
        if i == len(excerpt.pieces):
            out.append(len(excerpt.text))
            continue
        ex, doc, _ = excerpt.pieces[i]
        out.append(ex + max(0, c - doc))
        if c >= doc:
            headings.append(out[-1])
    return out, headings


def _tokenizer_exceptions(nlp) -> dict[str, list[str]]:
    """spaCy's special cases that split a string into several tokens, lower-cased."""
    return {whole.lower(): [t[ORTH].lower() for t in pieces]
            for whole, pieces in nlp.tokenizer.rules.items() if len(pieces) > 1}


# --- token patterns, and the formulas of what a regex needs (nlp/matching.py) ----------------

def _lead(seq: list[dict]) -> int | None:
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


def _prune(needs, drop):
    """The formula with the literals ``drop`` says are not worth looking for made True."""
    if needs is True:
        return True
    if needs[0] == "lit":
        return True if drop(needs[1]) else needs
    parts = [_prune(p, drop) for p in needs[1]]
    return needs_all(parts) if needs[0] == "and" else needs_any(parts)


def _rarest(needs):
    """The formula with each "and" cut to its part likeliest to be rare (the longest
    shortest literal), which it implies."""
    if needs is True or needs[0] == "lit":
        return needs
    parts = [_rarest(p) for p in needs[1]]
    if needs[0] == "or":
        return needs_any(parts)
    return max((p for p in parts if p is not True), key=_shortest, default=True)


def _shortest(needs) -> int:
    return min(len(lit[1]) for lit in _literals(needs))


def _literals(needs):
    if needs is True:
        return
    if needs[0] == "lit":
        yield needs
        return
    for p in needs[1]:
        yield from _literals(p)


def _compact(needs):
    """The formula for _holds: an "or" as ("any", case-insensitive literals as a set,
    case-sensitive ones, other parts), an "and" as ("all", parts)."""
    if needs is True or needs[0] == "lit":
        return needs
    parts = [_compact(p) for p in needs[1]]
    if needs[0] == "and":
        return ("all", tuple(parts))
    lits = [p for p in parts if p is not True and p[0] == "lit"]
    return ("any", frozenset(s for _, s, ic in lits if ic), tuple(s for _, s, ic in lits if not ic),
            tuple(p for p in parts if p is True or p[0] != "lit"))


def _holds(needs, found: set[str] | None, text: str, lowered: str | None = None) -> bool:
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
        return all(_holds(p, found, text, lowered) for p in needs[1])
    _, ic, cs, rest = needs
    if ic and (found is None or not ic.isdisjoint(found) or (lowered is not None and any(s in lowered for s in ic))):
        return True
    return any(s in text for s in cs) or any(_holds(p, found, text, lowered) for p in rest)


# What a token spaCy finds LIKE_URL (spacy.lang.lex_attrs.like_url) has: "http(s)://",
# "www." and more, or a "." neither first nor last whose top-level domain, after the last
# ".", ends in "/", is a known one (letters) or makes its URL_MATCH (a domain of two letters
# or more, or four numbers); "3.5", "U.S." and "e.g." have none of these.
_URL_LIKE = re.compile(r"://|www\.|\S\.[^\s\d.]{2}|\S\.\S*/|\d\.\d+\.\d")
_CHUNK = re.compile(r"\S+")
