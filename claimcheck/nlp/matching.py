"""One matcher for compiled token patterns: word sequences looked up by hash where it can,
spaCy's Matcher elsewhere.

spaCy's Matcher tries every pattern at every token, so its cost grows with the rulebook. Most
of our patterns are plain word sequences once their sets and optional words are spelled out;
those go to a phrase table per attribute (hash look-ups, whatever the number of phrases). It
does what spaCy's PhraseMatcher does without a Doc per phrase: making 143,075 Docs was most of
what compiling the bundled rulebook cost.
Patterns with gaps, classes or mixed attributes stay with the Matcher. Same matches either way.

A sequence of single tokens without gaps or repeats ("@isotretinoin" with its strength: a drug
name, then perhaps a number, then perhaps a unit; "[" #num "]"; #url) is matched without the
Matcher: its first words by a phrase table (or its first token's test on an attribute array),
the rest read off token attribute arrays. The Matcher would try each of the hundred names at
every token, and makes a Token object per token and per set it tests.

A sequence with gaps ("@purchase ...20 @no-prescription") is matched piece by piece: the pieces
between its gaps under keys of their own, then joined where each piece starts at most the gap's
length after the one before ends. spaCy spells a gap of up to N words out as N optional
tokens, whose states it does not merge: its cost grows exponentially with N (a sentence took a
second with a gap of 20).
"""
from __future__ import annotations

import bisect
import itertools
import json
import re

import numpy
from spacy.attrs import IDS, LEMMA, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .disk_cache import Buckets, Deferred, read_buckets
from .patterns import Sequence

PHRASE_ATTRS = ("LEMMA", "LOWER", "ORTH")
MAX_PHRASES_PER_PATTERN = 64
MAX_HEAD_PHRASES = 1024  # word lists of the words a simple sequence starts with (see _simple)


class TokenMatcher:
    """Matches compiled sequences. General sequences go to one spaCy Matcher per key, each
    with the words one of which must occur in a document for the key to match at all
    (its anchors): spaCy tries every pattern at every token, so a key whose anchors are
    absent, the usual case, is skipped instead of costing its patterns times the tokens.

    ``shared``: all general sequences go to one Matcher instead (its anchors: those of every
    key), for a few patterns run over whole documents: a spaCy Matcher call makes a Token
    object per token, one pass costs less than several. Its keys cannot be ``judged``.
    ``max_phrases``: a sequence standing for more word lists than this stays general."""

    def __init__(self, vocab: Vocab, shared: bool = False, max_phrases: int = MAX_PHRASES_PER_PATTERN):
        self.vocab = vocab
        # (key, anchors, its Matcher): each Matcher a pickle of its own in a cache entry,
        # unpickled (its patterns added again, spaCy's way) when a document holds an anchor
        # and the key whose ranges it is judged in (its own, or a piece's key's)
        self.general: list[tuple[str | None, frozenset[int] | None, Deferred, str | None]] = []
        self.phrases = {attr: Phrases(vocab, attr) for attr in PHRASE_ATTRS}
        # the pieces of gapped sequences that are phrases: apart, so that joining them
        # (_joined) need not look through every other match for theirs
        self.piece_phrases = {attr: Phrases(vocab, attr) for attr in PHRASE_ATTRS}
        # what was added, for building a prefilter (see ``sequences``)
        self._sequences: dict[str, list[Sequence]] | Deferred = {}
        self.shared = shared
        self.max_phrases = max_phrases
        # simple sequences (see _simple): a phrase table per attribute for the words they
        # start with, or a test on their first token, under an id of their own -> (the key's
        # id, the key, the tests of the tokens after)
        self.headed = {attr: Phrases(vocab, attr) for attr in PHRASE_ATTRS}
        # first tokens' tests: attribute id -> value -> own ids
        self._tested: dict[int, dict[int, list[int]]] = {}
        self._tested_next = None  # the same, split by their next token (_by_next_token), made on first use
        # (and the key whose ranges it is judged in)
        self._simple_seqs: dict[int, tuple[int, str, list, str]] = Buckets()
        self._attrs: list[int] = []  # the attributes tested
        # sequences with gaps: (the key's id, the key, its pieces' keys, the gaps between them)
        self._joins: list[tuple[int, str, list[str], list[int]]] = []
        self._parent: dict[str, str] = {}  # a piece's key -> its key (whose ranges it is judged in)
        self._piece_ids: dict[int, str] = Buckets()  # a piece key's id -> the piece's key
        self._joins_from: dict[str, list[int]] = Buckets()  # a first piece's key -> its joins (indices)
        self._piece_names: dict[tuple[str, str], str] = {}  # (key, piece as JSON) -> the piece's key
        self._names: set[str] = set()  # the keys added, whose ids the caller reads back (see _id)
        # a key -> the ids of its pieces and heads (see _live), made on first use or for the cache
        self._ids_by_key: dict[str, frozenset[int]] | None = None
        self._keys_of_ids: frozenset[str] = frozenset()
        # the keys of _keys_of_ids a prefilter did not judge, by its set of judged keys (one
        # set per prefilter: _live asks the same of every document)
        self._unjudged: dict[frozenset[str], frozenset[str]] = {}

    def _id(self, name: str) -> int:
        """The id of a key, or of a part's name (a piece of a gapped sequence, a simple
        sequence's own id). Only the keys given to ``add`` come out of a call, to be read
        back as strings: a pickled matcher (nlp/disk_cache.py) adds those again to the
        vocabulary it is loaded with. The other names, most of them, are used by their hash
        alone, and the words of its phrases are looked up by hash only: adding some 200,000
        strings back cost a large rulebook half a second of start-up."""
        return self.vocab.strings.add(name)

    @property
    def sequences(self) -> dict[str, list[Sequence]]:
        """Every key's sequences as added. Only building a prefilter reads them: a cache entry
        holds them as a pickle of their own (nlp/disk_cache.py Deferred), read on first use."""
        if isinstance(self._sequences, Deferred):
            self._sequences = self._sequences.get()
        return self._sequences

    def read_all(self) -> None:
        """Read now what a matcher loaded from the disk cache reads when a document needs it
        (its tables' buckets, its spaCy Matchers): a process about to lint many documents,
        or to fork workers that will, pays for it once."""
        for _, _, matcher, _ in self.general:
            matcher.get()
        tables = (*self.phrases.values(), *self.piece_phrases.values(), *self.headed.values())
        read_buckets(*(t._root for t in tables), self._simple_seqs, self._piece_ids, self._joins,
                     self._joins_from, self._ids_by_key)

    def __getstate__(self) -> dict:
        if self._tested_next is None:  # made now: making it reads every simple sequence
            self._tested_next = self._by_next_token()
        if self._ids_by_key is None:  # and this reads every simple sequence and piece
            self._ids_by_key = self._make_ids_by_key()
        state = dict(self.__dict__)
        # a loaded matcher adds nothing (a key's pieces are named as it is added)
        state["_piece_names"] = {}
        # a key's ids are read with the key's bucket, when a document may match the key
        state["_ids_by_key"] = Buckets(self._ids_by_key)
        if not isinstance(self._sequences, Deferred):
            state["_sequences"] = Deferred(self._sequences)
        # read by buckets, for the ids a document's matches need (the tables grow with the
        # rulebook); what a piece is judged in went into the tables, a loaded one needs no _parent
        state["_joins"] = Buckets(enumerate(self._joins)) if isinstance(self._joins, list) else self._joins
        state["_joins_from"] = Buckets(self._joins_from)
        state["_parent"] = {}
        state["_unjudged"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in self._names:
            self.vocab.strings.add(name)

    def add(self, key: str, seqs: list[Sequence]) -> None:
        self._names.add(key)
        self._ids_by_key = None
        self._unjudged = {}
        self.sequences.setdefault(key, []).extend(seqs)
        whole: list[Sequence] = []
        for seq in seqs:
            split = _split_at_gaps(seq)
            if split is None:
                whole.append(seq)
                continue
            pieces, gaps = split
            names = []
            for n, piece in enumerate(pieces):
                # a key's sequences spelled out from one pattern repeat their pieces ("(a|b|c)
                # ...8 (x|y)": 8,940 pieces, 1,003 distinct per key): each distinct piece is
                # matched once, under one name, for all the joins it is in
                same = (key, json.dumps(piece, sort_keys=True))
                name = self._piece_names.get(same)
                if name is None:
                    name = self._piece_names[same] = f"{key}\x1e{len(self._joins)}.{n}"
                    self._parent[name] = key
                    self._add(name, [piece], piece=True)
                    self._piece_ids[self._id(name)] = name
                names.append(name)
            self._joins_from.setdefault(names[0], []).append(len(self._joins))
            self._joins.append((self._id(key), key, names, gaps))
        if whole:
            self._add(key, whole)

    def _add(self, key: str, seqs: list[Sequence], piece: bool = False) -> None:
        """Add a key's sequences (``piece``: one piece of a gapped sequence, its key the
        piece's name) to the matcher that fits them."""
        general: list[Sequence] = []
        phrases: dict[str, list[list[str]]] = {attr: [] for attr in PHRASE_ATTRS}
        for seq in seqs:
            spelled = _as_phrases(seq, self.max_phrases)
            if spelled is None:
                general.append(seq)
                continue
            attr, word_lists = spelled
            phrases[attr].extend(word_lists)
        # a sequence opening with optional words is the sequences without and with them (the
        # spans spaCy's Matcher gives it): "(a|the|real)? cure for @chronic-disease" kept all
        # 380 of overclaim-cure's sequences in a Matcher (a millisecond a sentence)
        simple = [self._simple(seq) for seq in general for seq in _opened(seq)]
        if general and all(simple):
            # all of the key's general sequences, so that each span is given once, as the
            # key's Matcher gave it
            key_id = self._id(key)
            for n, (head, rest) in enumerate(simple):
                name = f"{key}\x1f{n}"
                own = self._id(name)
                if isinstance(head[0], str):
                    attr, word_lists = head
                    self.headed[attr].add(name, word_lists)
                else:
                    attr, test = head
                    by_value = self._tested.setdefault(attr, {})
                    self._tested_next = None
                    for value in test if isinstance(test, frozenset) else (test,):
                        by_value.setdefault(value, []).append(own)
                self._simple_seqs[own] = (key_id, key, rest, self._parent.get(key, key))
        elif general and self.shared:
            if not self.general:
                self.general.append((None, frozenset(), Deferred(Matcher(self.vocab, validate=False)), None))
            _, anchors, matcher, _ = self.general[0]
            matcher.get().add(key, _spell_out_first_set(general))
            mine = self._anchors(general)
            self.general[0] = (None, None if anchors is None or mine is None else anchors | mine, matcher, None)
        elif general:
            matcher = Matcher(self.vocab, validate=False)
            matcher.add(key, _spell_out_first_set(general))
            self.general.append((key, self._anchors(general), Deferred(matcher), self._parent.get(key, key)))
        for attr, word_lists in phrases.items():
            if word_lists:
                (self.piece_phrases if piece else self.phrases)[attr].add(key, word_lists)

    def _anchors(self, seqs: list[Sequence]) -> frozenset[int] | None:
        """Hashes of words of which a document must contain one for any sequence to match:
        per sequence, the values of one required literal token, the one whose shortest word
        is longest (long words are rare: "antibiotic" rather than "take"); None when a
        sequence has no required literal token."""
        words: set[int] = set()
        for seq in seqs:
            choices = [w[1] for t in seq if "OP" not in t and (w := literal_words(t)) and w[1]]
            if not choices:
                return None
            rarest = max(choices, key=lambda values: min(len(v) for v in values))
            words.update(self.vocab.strings.add(v) for v in rarest)
        return frozenset(words)

    def __call__(self, doc: Doc, where: dict[str, list[tuple[int, int]]] | None = None,
                 judged: frozenset[str] = frozenset()) -> list[tuple[int, int, int]]:
        """(match_id, start, end) triples from every matcher. A general matcher whose key is
        in ``judged`` runs only over the token ranges ``where`` gives it (the prefilter's
        units where it may match), if any."""
        found: list[tuple[int, int, int]] = []
        if self.general:
            present = _word_hashes(doc)
            for key, anchors, matcher, judged_as in self.general:  # a piece: in its key's ranges
                if anchors is not None and anchors.isdisjoint(present):
                    continue
                if judged_as not in judged:
                    found.extend(matcher.get()(doc))
                    continue
                ranges = (where or {}).get(judged_as, ())
                if ranges:
                    matcher = matcher.get()
                for a, b in ranges:
                    found.extend((m, a + s, a + e) for m, s, e in matcher(doc[a:b]))
        rows: dict = {}  # attribute -> the doc's array of it, made once (_row, _array)
        live = self._live(where or {}, judged) if judged else None
        whole: list[tuple[int, int, int]] = []
        for table in self.phrases.values():
            if len(table):
                whole.extend(table(doc, _row(doc, table.attr, rows), None, _array(doc, table.attr, rows)))
        simple = self._simple_matches(doc, where or {}, judged, rows, live) if self._simple_seqs else []
        if not self._joins:
            return found + whole + simple
        pieces = [m for table in self.piece_phrases.values() if len(table)
                  for m in table(doc, _row(doc, table.attr, rows), live, _array(doc, table.attr, rows))]
        return self._joined([(found, True), (whole, False), (simple, True)], pieces, where or {}, judged)

    def _live(self, where: dict[str, list[tuple[int, int]]], judged: frozenset[str]) -> frozenset[int]:
        """The ids of pieces (of gapped sequences) and of simple sequences' heads that may
        still lead to a match: those whose key the prefilter did not judge, or judged to
        match somewhere (it has ranges). Most keys match nowhere in a document; their
        pieces and heads (common words: "the", "with") would each be found at many tokens,
        and dropped only after, in ``_joined`` and ``_simple_matches``: the filter only
        skips what would have been dropped. (Whole keys' phrase tables are not filtered.)"""
        by_key = self._ids_by_key
        if by_key is None:
            by_key = self._ids_by_key = self._make_ids_by_key()
        unjudged = self._unjudged.get(judged)
        if unjudged is None:
            unjudged = self._unjudged[judged] = self._keys_of_ids - judged
        keys = set(unjudged)
        keys.update(k for k, ranges in where.items() if ranges and k in self._keys_of_ids)
        return frozenset().union(*(by_key[k] for k in keys))

    def _make_ids_by_key(self) -> dict[str, frozenset[int]]:
        """A key -> the ids of its simple sequences' heads and of its pieces (see _live), from
        the whole tables: where the matcher was built (a loaded one has it from its state)."""
        by_key: dict[str, set[int]] = {}
        for own, (_, _, _, judged_as) in self._simple_seqs.items():
            by_key.setdefault(judged_as, set()).add(own)
        for piece_id, piece in self._piece_ids.items():
            by_key.setdefault(self._parent[piece], set()).add(piece_id)
        self._keys_of_ids = frozenset(by_key)
        return {k: frozenset(v) for k, v in by_key.items()}

    def _joined(self, found: list[tuple[list[tuple[int, int, int]], bool]], pieces: list[tuple[int, int, int]],
                where: dict[str, list[tuple[int, int]]], judged: frozenset[str]) -> list[tuple[int, int, int]]:
        """The matches ``found`` (lists, each told whether it may hold pieces' matches) without
        the pieces', with the gapped sequences they and ``pieces`` make: every (start, end)
        spaCy's Matcher would give for the whole sequence, once per key."""
        piece_ids = self._piece_ids
        piece_ids.need(m for matches, mixed in found if mixed for m, _, _ in matches)  # (for ``in`` below)
        by_piece: dict[str, dict[int, list[int]]] = {}
        kept: list[tuple[int, int, int]] = []
        for matches, mixed in found:
            if not mixed:
                kept.extend(matches)
                continue
            for match_id, start, end in matches:
                if match_id in piece_ids:
                    pieces.append((match_id, start, end))
                else:
                    kept.append((match_id, start, end))
        for match_id, start, end in pieces:
            by_piece.setdefault(piece_ids[match_id], {}).setdefault(start, []).append(end)
        have = set(kept)
        self._joins_from.need(by_piece)  # (looked up with get below)
        # only the sequences whose first piece matched, in the order they were added
        for i in sorted(i for piece in by_piece for i in self._joins_from.get(piece, ())):
            key_id, key, names, gaps = self._joins[i]
            first = by_piece[names[0]]
            spans = {(s, e) for s, ends in first.items() for e in ends}
            for name, gap in zip(names[1:], gaps):
                starts = by_piece.get(name, {})
                spans = {(s, e2) for s, e in spans for g in range(gap + 1) for e2 in starts.get(e + g, ())}
                if not spans:
                    break
            ranges = where.get(key, ()) if key in judged else None
            for s, e in sorted(spans):
                if ranges is not None and not any(a <= s and e <= b for a, b in ranges):
                    continue
                if (key_id, s, e) not in have:
                    have.add((key_id, s, e))
                    kept.append((key_id, s, e))
        return kept

    def _simple(self, seq: Sequence):
        """A sequence of single tokens, each with at most one attribute test, all required
        but for some "?" ones, the first required: (head, rest). The head is the words
        before the first token with an OP, as (attribute, word lists) for a phrase table,
        or else the first token's test; the rest are (attribute id, test, optional?)."""
        h = 0
        while h < len(seq) and "OP" not in seq[h]:
            h += 1
        spelled = _as_phrases(seq[:h], max(self.max_phrases, MAX_HEAD_PHRASES)) if h else None
        rest = seq[h:] if spelled else seq
        tests = []
        for token in rest:
            test = self._test(token)
            if test is None or token.get("OP") not in (None, "?"):
                return None
            tests.append((*test, token.get("OP") == "?"))
        if spelled:
            return spelled, tests
        if not tests or tests[0][2] or tests[0][0] == 0:
            return None  # no word and no required test to start from
        return tests[0][:2], tests[1:]

    def _by_next_token(self) -> dict[int, "_ByValue"]:
        """The simple sequences that start with a token test (a number, "#num out of ..."),
        by that test's attribute and value: (those to follow up at every such token, and those
        whose next token must have one value, by its attribute and value). Many sequences
        share a first test; a token that is followed by none of their second words then costs
        a look-up, not a try of each. A second test of a set of values ("IS_ALPHA" then one of
        200 words) is filed under each of its values: a token has one value, so a sequence is
        found once."""
        out: dict[int, _ByValue] = {}
        for attr, by_value in self._tested.items():
            for value, owns in by_value.items():
                anyway: list[int] = []
                by_next: dict[int, dict[int, list[int]]] = {}
                for own in owns:
                    rest = self._simple_seqs[own][2]
                    if rest and rest[0][0] and not rest[0][2]:
                        next_attr, test, _ = rest[0]
                        owns_of = by_next.setdefault(next_attr, {})
                        for v in (test if isinstance(test, frozenset) else (test,)):
                            owns_of.setdefault(v, []).append(own)
                    else:
                        anyway.append(own)
                out.setdefault(attr, _ByValue())[value] = (anyway, by_next)
        for by_value in out.values():
            by_value.sorted_values = numpy.array(sorted(by_value), dtype=numpy.uint64)
        return out

    def _test(self, token: dict) -> tuple[int, object] | None:
        """(attribute id, value or set of values) of a token with one attribute test, (0,
        None) for any token, None for anything else."""
        attrs = {k: v for k, v in token.items() if k != "OP"}
        if not attrs:
            return 0, None
        if len(attrs) > 1:
            return None
        (name, value), = attrs.items()
        if name not in IDS:
            return None
        if isinstance(value, bool):
            test: object = int(value)
        elif isinstance(value, str):
            test = self.vocab.strings.add(value)
        elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
            test = frozenset(self.vocab.strings.add(v) for v in value["IN"])
        else:
            return None
        if IDS[name] not in self._attrs:
            self._attrs.append(IDS[name])
        return IDS[name], test

    def _simple_matches(self, doc: Doc, where: dict[str, list[tuple[int, int]]],
                        judged: frozenset[str], rows: dict[int, list[int]],
                        live: frozenset[int] | None = None) -> list[tuple[int, int, int]]:
        """The matches of the simple sequences (see ``_simple``): where the head matches,
        then token by token (an optional one taken or left), every end spaCy's Matcher
        would give, once per key and span; a judged key only within its ranges."""
        attrs = self._attrs
        columns = {attr: _row(doc, attr, rows) for attr in attrs} if len(doc) else {}
        heads: list[tuple[int, int, int]] = [m for table in self.headed.values() if len(table)
                                             for m in table(doc, _row(doc, table.attr, rows), live,
                                                            _array(doc, table.attr, rows))]
        if self._tested_next is None:
            self._tested_next = self._by_next_token()
        n = len(doc)
        for attr, by_value in self._tested_next.items():
            values = columns.get(attr)
            if values:
                for p in _positions(_array(doc, attr, rows), by_value.sorted_values):
                    anyway, by_next = by_value[values[p]]
                    heads.extend((own, p, p + 1) for own in anyway)
                    if p + 1 < n:
                        for next_attr, owns_of in by_next.items():
                            owns = owns_of.get(columns[next_attr][p + 1])
                            if owns:
                                heads.extend((own, p, p + 1) for own in owns)
        found: set[tuple[int, int, int]] = set()
        simple_seqs = self._simple_seqs
        range_starts: dict[str, list[int]] = {}  # a judged key -> where its ranges start
        for own, start, end in heads:
            key_id, key, rest, judged_as = simple_seqs[own]
            limit = n
            if judged_as in judged:
                ranges = where.get(judged_as)
                if not ranges:
                    continue  # the prefilter found no unit where it may match
                # the range holding the head: the ranges are the units', disjoint and in order
                starts = range_starts.get(judged_as)
                if starts is None:
                    starts = range_starts[judged_as] = [a for a, _ in ranges]
                i = bisect.bisect_right(starts, start) - 1
                limit = ranges[i][1] if i >= 0 else -1
                if end > limit:
                    continue
            if not rest:
                found.add((key_id, start, end))
                continue
            ends = {end}
            for attr, test, optional in rest:
                column = columns[attr] if attr else None
                if isinstance(test, frozenset):
                    taken = {p + 1 for p in ends if p < limit and (column is None or column[p] in test)}
                else:
                    taken = {p + 1 for p in ends if p < limit and (column is None or column[p] == test)}
                ends = ends | taken if optional else taken
                if not ends:
                    break
            for e in ends:
                found.add((key_id, start, e))
        return list(found)


class Phrases:
    """Word sequences on one token attribute (LOWER, ORTH or LEMMA), each under a key, found in
    a Doc by the hashes of its attribute array: the matches spaCy's PhraseMatcher gives, every
    (key, start, end) once, with no Doc made per phrase. The phrases are a trie of hashes (a
    node: word hash -> node, and None -> the ids of the keys whose phrase ends there)."""

    def __init__(self, vocab: Vocab, attr: str):
        self.vocab = vocab
        self.attr = IDS[attr]
        self._lower = attr == "LOWER"
        # read from a cache entry by buckets of first words (see __call__)
        self._root: dict = Buckets()
        self._count = 0
        self._starts: numpy.ndarray | None = None  # the words phrases start with (_first_words)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        # made while the trie is whole: a loaded one reads its buckets only for the words found
        state["_starts"] = self._first_words()
        return state

    def __len__(self) -> int:
        return self._count

    def add(self, key: str, word_lists: list[list[str]]) -> None:
        self._starts = None
        key_id = self.vocab.strings.add(key)  # read back through TokenMatcher._names
        strings = self.vocab.strings
        for words in word_lists:
            node = self._root
            for w in words:
                node = node.setdefault(strings.add(w.lower() if self._lower else w), {})
            keys = node.setdefault(None, set())
            if key_id not in keys:
                keys.add(key_id)
                self._count += 1

    def __call__(self, doc: Doc, row: list[int] | None = None, live: frozenset[int] | None = None,
                 array: numpy.ndarray | None = None) -> list[tuple[int, int, int]]:
        """The matches in ``doc`` (``row``, ``array``: its attribute array as a list and as
        an array, if already made); with ``live``, only those of the keys it holds."""
        if not self._count or not len(doc):
            return []
        if array is None:
            array = doc.to_array(self.attr)
        if row is None:
            row = array.tolist()
        root = self._root
        positions = _positions(array, self._first_words())
        root.need(row[i] for i in positions)
        n = len(row)
        found: list[tuple[int, int, int]] = []
        for i in positions:
            node = root[row[i]]
            j = i + 1
            while node is not None:
                ends = node.get(None)
                if ends and (live is None or not live.isdisjoint(ends)):
                    found.extend((k, i, j) for k in ends if live is None or k in live)
                if j >= n:
                    break
                node = node.get(row[j])
                j += 1
        return found


    def _first_words(self) -> numpy.ndarray:
        """The words phrases start with, sorted (see _positions); made where the trie is
        whole (a table loaded from the cache has them from its state)."""
        if self._starts is None:
            self._starts = numpy.array(sorted(self._root), dtype=numpy.uint64)
        return self._starts


class _ByValue(dict):
    """A value of a token test -> what follows it up (TokenMatcher._by_next_token), with
    the values sorted for _positions."""

    sorted_values: numpy.ndarray


def _positions(array: numpy.ndarray, values: numpy.ndarray) -> list[int]:
    """The positions in ``array`` that hold one of the (sorted) ``values``. Finding them in
    numpy, not by a Python look-up at every token, leaves Python only the tokens a phrase
    or a test may start at (a fifth of them on FakeHealth)."""
    if not len(values):
        return []
    at = numpy.searchsorted(values, array)
    at[at == len(values)] = 0
    return numpy.flatnonzero(values[at] == array).tolist()


def _row(doc: Doc, attr: int, rows: dict) -> list[int]:
    """The doc's array of an attribute as a list, made once per call of a matcher."""
    row = rows.get(attr)
    if row is None:
        row = rows[attr] = _array(doc, attr, rows).tolist()
    return row


def _array(doc: Doc, attr: int, rows: dict) -> numpy.ndarray:
    array = rows.get((attr,))
    if array is None:
        array = rows[(attr,)] = doc.to_array(attr)
    return array


def literal_words(token: dict) -> tuple[str, list[str]] | None:
    """(attribute, words) of a token spec that accepts plain words on one LEMMA / LOWER /
    ORTH attribute (a value or a set of values), whatever its OP; None for anything else."""
    rest = {k: v for k, v in token.items() if k != "OP"}
    if len(rest) != 1:
        return None
    (name, value), = rest.items()
    if name not in PHRASE_ATTRS:
        return None
    if isinstance(value, dict):
        return (name, [str(v) for v in value["IN"]]) if set(value) == {"IN"} else None
    return name, [str(value)]


def _word_hashes(doc: Doc) -> set[int]:
    """Every LOWER, LEMMA and ORTH of the document, as string hashes."""
    return set(doc.to_array([LOWER, LEMMA, ORTH]).ravel().tolist())


def _as_phrases(seq: Sequence, max_phrases: int = MAX_PHRASES_PER_PATTERN) -> tuple[str, list[list[str]]] | None:
    """The word lists a sequence stands for, if it is plain words on one attribute."""
    attr = None
    choices: list[list[str | None]] = []
    for token in seq:
        op = token.get("OP")
        words = literal_words(token)
        if op not in (None, "?") or words is None or (attr and words[0] != attr):
            return None
        attr = words[0]
        values: list[str | None] = list(words[1])
        choices.append(values + [None] if op == "?" else values)
    total = 1
    for c in choices:
        total *= len(c)
    if attr is None or total > max_phrases:
        return None
    word_lists = [[w for w in combo if w is not None] for combo in itertools.product(*choices)]
    return attr, [w for w in word_lists if w]


def _opened(seq: Sequence, depth: int = 3) -> list[Sequence]:
    """A sequence whose first tokens are optional ("?") as the sequences that start at each
    of them (up to ``depth`` of them): [A?, B?, C] -> [C], [B, C], [A, B?, C]. Together they
    match the spans the sequence matches, and each starts with a required token, as a
    simple sequence must (TokenMatcher._simple)."""
    if depth and len(seq) > 1 and seq[0].get("OP") == "?":
        first = {k: v for k, v in seq[0].items() if k != "OP"}
        return _opened(seq[1:], depth - 1) + [[first, *seq[1:]]]
    return [seq]


def _split_at_gaps(seq: Sequence) -> tuple[list[Sequence], list[int]] | None:
    """The pieces of a sequence between its gaps ({"OP": "{0,N}"}) and the gaps' lengths;
    None without a gap, or where a piece could match nothing (a gap at an end, two in a row,
    a piece of optional words only): the Matcher keeps those."""
    pieces: list[Sequence] = [[]]
    gaps: list[int] = []
    for token in seq:
        m = re.fullmatch(r"\{0,(\d+)\}", token.get("OP", "")) if set(token) == {"OP"} else None
        if m:
            gaps.append(int(m.group(1)))
            pieces.append([])
        else:
            pieces[-1].append(token)
    if not gaps or not all(any(t.get("OP") not in ("?", "*") for t in piece) for piece in pieces):
        return None
    return pieces, gaps


def _spell_out_first_set(seqs: list[Sequence]) -> list[Sequence]:
    """Spell out a set ({"IN": [...]}) on a pattern's first token as separate patterns.

    spaCy checks every pattern's first token at every position; a plain value is compared in
    C, a set goes through a Python predicate, which made matching several times slower.
    """
    out: list[Sequence] = []
    for seq in seqs:
        first = seq[0] if seq else {}
        sets = [(k, v["IN"]) for k, v in first.items() if isinstance(v, dict) and set(v) == {"IN"}]
        if len(sets) != 1 or len(first) != 1 + ("OP" in first):
            out.append(seq)
            continue
        attr, values = sets[0]
        for value in values:
            out.append([{**first, attr: value}] + seq[1:])
    return out
