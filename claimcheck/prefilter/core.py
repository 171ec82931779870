"""Prefilter: what each active rule needs, as its kind declares it (kinds/__init__.py), and the
units of a text to keep (see the package's docstring)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from operator import and_
from typing import Iterator

from spacy.attrs import ORTH

from ..kinds import KINDS, trigger_keys
from ..kinds.base import key as part_key
from ..lists import list_leads
from ..nlp.disk_cache import Buckets, read_buckets
from ..nlp.regexes import match_starts, regex_partial_end, regex_start_prefix, regex_takes
from ..rulebook import CONCEPT_PREFIX, CompiledRulebook, Rule
from .excerpt import Excerpt
from .needs import Link, Requirement, compact, forms_of, lead_of, link, literals, prune, rarest, regex_needs
from .scan import (AZ, BREAK_OR_CUT, WHITE_SPACE, Bits, Scan, automaton, common, cut_after_sentence, ends_sentence, with_runs,
                   with_sentence_state)

@dataclass(frozen=True)
class Plan:
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
class CueCheck:
    """What may show a context cue of one purpose in a unit (Prefilter._context_cues)."""

    entries: list  # (groups, requirement, key, adjacency, within), as for matcher keys
    url: bool  # a pattern is a #url alone: look for what a URL-like token needs
    always: bool  # a pattern without a word to look for
    regexes: list  # where each regex may start (regex_start_prefix; None: anywhere)


class Prefilter:
    """Built once per rulebook and rule selection (see ``for_rules``)."""

    def __init__(self, compiled: CompiledRulebook, rules: list[Rule], exceptions: dict[str, list[str]],
                 common: frozenset[str] = frozenset(), context=None, tokenizer=None):
        self._common = common
        # does a chunk of text between white space end a sentence? (None: no cuts in lines)
        self.ends_sentence = None if tokenizer is None else ChunkEnds(tokenizer)
        self._plans = [self._plan(compiled, r) for r in rules]
        self._plans_of: dict[str, list[int]] = {}  # key -> the plans it may fire
        for i, plan in enumerate(self._plans):
            for k in plan.keys:
                self._plans_of.setdefault(k, []).append(i)
        self._groups: dict[frozenset[str], int] = {}
        self._links: dict[Link, Link] = {}  # one object for equal links (many patterns are spelled out alike)
        # matcher key -> (requirement, adjacency), any of: see _requirement
        self._alts: dict[str, list[tuple[Requirement, tuple[Link, ...]]]] = {}
        for key, seqs in compiled.sequences().items():
            self._alts[key] = [self._requirement(seq) for seq in seqs]
        self.judged = frozenset(self._alts)  # keys whose matching the excerpt's ranges bound
        cue_seqs = self._context_cues(context)
        # what context joins over units (Scan.context_runs): quotations, a paragraph's speaker
        self._openers, self._quote_marks = _quote_marks(context)
        self._paragraph_chars = getattr(context, "paragraph_chars", 0) if getattr(context, "paragraph_type", None) else 0
        # the context cues' regexes whose matches may run over the end of a line: the pipeline
        # runs them over the excerpt (Scan.cue_runs, _with_runs_on)
        self._cue_regexes = _cue_regexes(context)
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
        # groups as sets of group ids: a form's groups, a requirement's groups (ints as bit
        # sets would grow with the number of groups, and their tables with its square)
        self._mask_of = {f: frozenset(gids) for f, gids in groups_of.items()}
        self._cues = None if cue_seqs is None else {
            purpose: CueCheck([(frozenset(req), req, key, adj, within)
                                for (req, adj), key, within, _ in found if req],
                               any(not req and url for (req, _), _, _, url in found),
                               any(not req and not url for (req, _), _, _, url in found), regexes)
            for purpose, (found, regexes) in cue_seqs.items()}
        # forms found as letter runs (or glued pieces), and the others, found as substrings
        self._letter_forms = frozenset(f for f in groups_of if AZ.fullmatch(f))
        self._others = tuple(sorted(f for f in groups_of if not AZ.fullmatch(f)))
        # Each requirement is looked for only where its anchor occurs, the group of it
        # likeliest to be rare. Anchor -> (its groups, requirement, key, adjacency), for the
        # driving keys and for the others.
        self.wildcards: set[str] = set()  # keys with a pattern no word can rule out
        anchored: dict[bool, dict[int, list]] = {True: {}, False: {}}
        for key, alts in self._alts.items():
            driving = key in self._driving
            for req, adj in dict.fromkeys(alts):
                if not req:
                    self.wildcards.add(key)
                    continue
                entry = (frozenset(req), req, key, adj)
                anchored[driving].setdefault(min(req, key=self._cost), []).append(entry)
        self._anchored = anchored
        # the driving entries of an anchor by key, each key with the groups all its entries
        # there need: one test rules out all of a key's spelled-out alternatives at once;
        # and those alternatives in buckets by one more group they need (_buckets)
        self._anchor_keys: dict[int, list[tuple[frozenset[int], list]]] = {}
        for anchor, entries in anchored[True].items():
            by_key: dict[str, list] = {}
            for e in entries:
                by_key.setdefault(e[2], []).append(e)
            self._anchor_keys[anchor] = [(common, _buckets(es, common)) for es in by_key.values()
                                         for common in [reduce(and_, (e[0] for e in es))]]
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
        # one scan of the lower-cased text for the forms found as substrings and every
        # case-insensitive literal of the regexes' formulas, so that a formula is checked
        # against the set of those found (Scan.regexes) rather than by looking for each of its
        # literals again; single characters (frequent: each hit costs) are looked for one by one
        wanted = set(chain(self._others, (s for _, _, gate, needs in self._regexes for formula in (gate, needs)
                                          for _, s, ic in literals(formula) if ic)))
        self._other_chars = tuple(sorted(s for s in wanted if len(s) == 1))
        self._substring_scan = automaton({s: s for s in sorted(wanted) if len(s) > 1})
        self._regexes = [(rx, k, compact(gate), compact(needs)) for rx, k, gate, needs in self._regexes]
        self._others_set = frozenset(self._others)

    # what only building needs (requirements, costs, group numbering): a cache entry
    # (nlp/disk_cache.py) leaves it out, reading it back cost every start-up
    BUILDING = ("_alts", "_groups", "_links", "_costs", "_common", "_others", "_regex_keys")
    MEMO = ("_bits",)  # filled while linting: not cached

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in self.BUILDING and k not in self.MEMO}
        # the driving ones are in _anchor_keys; both read by buckets, for the anchors a
        # document holds (the tables grow with the rulebook, a document's words do not)
        state["_anchored"] = {False: Buckets(self._anchored[False])}
        state["_anchor_keys"] = Buckets(self._anchor_keys)
        # looked up with [] only, by the forms and groups a document holds
        state["_forms"] = Buckets(enumerate(self._forms))
        for name in ("_mask_of", "_anchor_words", "_passenger_anchors"):
            state[name] = Buckets(state[name])
        return state

    def read_all(self) -> None:
        """Read every bucket of the tables a cache entry holds by buckets (see __getstate__)."""
        read_buckets(self._anchored[False], self._anchor_keys, self._forms, self._mask_of, self._anchor_words,
                     self._passenger_anchors)

    def bits(self) -> "Bits":
        """The driving test's bit sets of groups (scan.Bits), made on first use."""
        found = self.__dict__.get("_bits")
        if found is None:
            found = self._bits = Bits(self)
        return found

    def groups_of(self, forms) -> frozenset[int]:
        """The groups of these forms."""
        return frozenset().union(*map(self._mask_of.__getitem__, forms))

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
        of Scan.cuts, whatever the length of the line)."""
        for m in BREAK_OR_CUT.finditer(text, lo, hi):
            at = m.end()
            if at <= lo or at >= len(text):
                continue
            if m.group()[0] == "\n":
                yield at
            elif self.ends_sentence is not None and cut_after_sentence(text, m, self.ends_sentence):
                yield at

    # --- building ----------------------------------------------------------------------------

    def _context_cues(self, context) -> dict | None:
        """The context cues that reach across sentences: purpose -> ((requirement, key,
        within, #url alone?) of each pattern, where each regex may start (regex_start_prefix,
        None: anywhere)). Purposes:
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
                    lead = lead_of(seq)
                    found.append((req, key, None if within is None or lead is None else within + lead,
                                  any(t.get("LIKE_URL") is True and "OP" not in t for t in seq)))
        for rx, key in regexes:
            for purpose, _ in purposes(key):
                out.setdefault(purpose, ([], []))[1].append(regex_start_prefix(rx))
        return out

    def _requirement(self, seq: list[dict]) -> tuple[Requirement, tuple[Link, ...]]:
        """The groups a token pattern needs, in order, and for each but the last how the next
        one's token follows its own (``link``)."""
        groups: list[frozenset[str]] = []
        at: list[int] = []
        for i, token in enumerate(seq):
            if token.get("OP") not in (None, "+"):
                continue
            forms = forms_of(token)
            if forms:
                groups.append(forms)
                at.append(i)
        return (tuple(self._groups.setdefault(g, len(self._groups)) for g in groups),
                tuple(self._links.setdefault(ln, ln) for a, b in zip(at, at[1:]) for ln in [link(seq[a + 1:b])]))

    def _cost(self, gid: int) -> float:
        """How often a group's words are likely to occur (lower: rarer). No frequency table
        ships with the pipeline; stop words, punctuation and short words count as frequent."""
        known = self._costs.get(gid)
        if known is not None:
            return known
        cost = 0.0
        for form in self._forms[gid]:
            if common(form, self._common):
                cost += 100
            elif not AZ.fullmatch(form):
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
        return rarest(prune(needs, lambda s: not s.strip() or s.strip() in self._common))

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
            runs = [(m.start(), m.end()) for m in AZ.finditer(whole)]
            at = 0
            for piece in pieces:
                lo, hi = at, at + len(piece)
                at = hi
                if piece not in wanted or not AZ.fullmatch(piece) or (lo, hi) in runs:
                    continue  # found as a letter run or as a substring (see Unit)
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
                (words if AZ.fullmatch(form) else others).setdefault(form, set()).add(anchor)
        self._anchor_words = {f: tuple(a) for f, a in words.items()}
        self._anchor_word_set = frozenset(words)
        self._anchor_others = {f: tuple(a) for f, a in others.items()}

    @staticmethod
    def _plan(compiled: CompiledRulebook, rule: Rule) -> Plan:
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
        return Plan(not kind.ANY_TRIGGER and len(keys) > 1, document, scope, keys, keep, heeds, paragraphs)

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
        scan = Scan(self, text, lowered)
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

    def _with_frames(self, scan: "Scan", kept: set[int], matching: dict[int, set[str]],
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

    def _with_context(self, scan: "Scan", kept: set[int], matching: dict[int, set[str]]) -> None:
        """Add to ``kept`` the units the context of the matching ones needs, so that each
        kept line splits into the same sentences and gets the same context marks as in the
        document (see the module docstring): the line before a line opening with a quote
        (with_sentence_state); the line after a matching line u when that line, or else the
        kept line after it, may reach back into u's last sentence with a mark u's rules heed
        (a "previous" cue; a refuting cue after a reported claim); the line before the first
        kept line when that line may hold a "previous" cue its rules heed (it makes no mark
        in a text's first sentence, but does in the document, where the cue may lie inside a
        match and count); every unit of a run that context joins (Scan.context_runs): a quotation, a short paragraph."""
        n = len(scan.starts)
        if self._cues is None:  # a context component this prefilter does not know: all of it
            kept.update(u + 1 for u in matching if u + 1 < n)
            kept.update(u - 1 for u in matching if u > 0)
        changed = True
        while changed:
            changed = False
            with_sentence_state(kept, scan.text, scan.bounds, scan.line_start)
            if (self._quote_marks or self._paragraph_chars) and with_runs(
                    kept, scan.context_runs(self._openers, self._quote_marks, self._paragraph_chars)):
                changed = True
            if self._cue_regexes and (with_runs(kept, scan.cue_runs()) | _with_runs_on(scan, kept)):
                changed = True
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


def _with_runs_on(scan: "Scan", kept: set[int]) -> bool:
    """Keep the unit after each run of consecutive kept units where a cue regex's match may
    run on past the run's end (Scan.runs_on); True when a unit was added."""
    added = False
    order = sorted(kept)
    first = order[0]
    for i, u in enumerate(order):
        if i + 1 < len(order) and order[i + 1] == u + 1:
            continue
        if u + 1 < len(scan.starts) and scan.runs_on(first, u):
            kept.add(u + 1)
            added = True
        if i + 1 < len(order):
            first = order[i + 1]
    return added


def _cue_regexes(context) -> list:
    """(regex, regex_partial_end of it, the literals each match starts with: match_starts,
    the white space characters a match may take: regex_takes) of each distinct regex of the
    context component's cues whose match may run past a line's end."""
    distinct = {(rx.pattern, rx.flags): rx for rx, _ in getattr(context, "regexes", ())}
    return [(rx, partial, match_starts(rx), regex_takes(rx, WHITE_SPACE)) for rx in distinct.values()
            for partial in [regex_partial_end(rx)] if partial is not False]


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


class ChunkEnds:
    """Does a chunk of text between white space end a sentence, as the tokenizer splits it?
    Remembered per chunk (up to LIMIT chunks); picklable with the tokenizer referred to
    (nlp/disk_cache.py), without what it remembered."""

    LIMIT = 65536

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self._known: dict[str, bool] = {}

    def __call__(self, chunk: str) -> bool:
        known = self._known.get(chunk)
        if known is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            known = self._known[chunk] = ends_sentence([t.text for t in self.tokenizer(chunk)])
        return known

    def __getstate__(self) -> dict:
        return {"tokenizer": self.tokenizer, "_known": {}}


def _quote_marks(context) -> tuple[frozenset[str], frozenset[str]]:
    """The opening marks, and all the marks, of the context component's quotation pairs (none
    when it has none, or is not ours)."""
    pairs = getattr(context, "quote_texts", ())
    openers = frozenset(o for o, _ in pairs)
    return openers, openers | frozenset(c for _, c in pairs)


def _tokenizer_exceptions(nlp) -> dict[str, list[str]]:
    """spaCy's special cases that split a string into several tokens, lower-cased."""
    return {whole.lower(): [t[ORTH].lower() for t in pieces]
            for whole, pieces in nlp.tokenizer.rules.items() if len(pieces) > 1}


def _buckets(entries: list, common: frozenset[int]) -> list[tuple[int | None, list]]:
    """A key's entries at one anchor, in buckets by a group each entry of the bucket needs
    besides ``common`` (None: nothing more), the bucket of the group most of the entries
    left need first. A key spelled out into hundreds of alternatives ("risk-studies-show-
    safe": 216 at one anchor) is a product of a few word choices: a unit is then tested for
    a few dozen groups instead of each alternative's set of groups. Each entry is still
    tested whole (Scan.driving)."""
    out: list[tuple[int | None, list]] = []
    left = list(entries)
    while left:
        counts: dict[int, int] = {}
        for e in left:
            for g in e[0] - common:
                counts[g] = counts.get(g, 0) + 1
        if not counts:
            out.append((None, left))
            break
        pivot = max(counts, key=lambda g: (counts[g], -g))
        out.append((pivot, [e for e in left if pivot in e[0]]))
        left = [e for e in left if pivot not in e[0]]
    return out

