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

import itertools
import re

from spacy.attrs import IDS, LEMMA, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .disk_cache import Buckets, Deferred
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
        self._names: set[str] = set()  # the keys added, whose ids the caller reads back (see _id)

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
        for table in (*self.phrases.values(), *self.headed.values()):
            _read_all(table._root)
        for table in (self._simple_seqs, self._piece_ids, self._joins, self._joins_from):
            _read_all(table)

    def __getstate__(self) -> dict:
        if self._tested_next is None:  # made now: making it reads every simple sequence
            self._tested_next = self._by_next_token()
        state = dict(self.__dict__)
        if not isinstance(self._sequences, Deferred):
            state["_sequences"] = Deferred(self._sequences)
        # read by buckets, for the ids a document's matches need (the tables grow with the
        # rulebook); what a piece is judged in went into the tables, a loaded one needs no _parent
        state["_joins"] = Buckets(enumerate(self._joins)) if isinstance(self._joins, list) else self._joins
        state["_joins_from"] = Buckets(self._joins_from)
        state["_parent"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in self._names:
            self.vocab.strings.add(name)

    def add(self, key: str, seqs: list[Sequence]) -> None:
        self._names.add(key)
        self.sequences.setdefault(key, []).extend(seqs)
        whole: list[Sequence] = []
        for seq in seqs:
            split = _split_at_gaps(seq)
            if split is None:
                whole.append(seq)
                continue
            pieces, gaps = split
            names = [f"{key}\x1e{len(self._joins)}.{n}" for n in range(len(pieces))]
            for name, piece in zip(names, pieces):
                self._parent[name] = key
                self._add(name, [piece])
                self._piece_ids[self._id(name)] = name
            self._joins_from.setdefault(names[0], []).append(len(self._joins))
            self._joins.append((self._id(key), key, names, gaps))
        if whole:
            self._add(key, whole)

    def _add(self, key: str, seqs: list[Sequence]) -> None:
        general: list[Sequence] = []
        phrases: dict[str, list[list[str]]] = {attr: [] for attr in PHRASE_ATTRS}
        for seq in seqs:
            spelled = _as_phrases(seq, self.max_phrases)
            if spelled is None:
                general.append(seq)
                continue
            attr, word_lists = spelled
            phrases[attr].extend(word_lists)
        simple = [self._simple(seq) for seq in general]
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
                self.phrases[attr].add(key, word_lists)

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
        rows: dict[int, list[int]] = {}  # attribute -> the doc's array of it, made once
        for table in self.phrases.values():
            if len(table):
                found.extend(table(doc, _row(doc, table.attr, rows)))
        if self._simple_seqs:
            found.extend(self._simple_matches(doc, where or {}, judged, rows))
        if self._joins:
            found = self._joined(found, where or {}, judged)
        return found

    def _joined(self, found: list[tuple[int, int, int]], where: dict[str, list[tuple[int, int]]],
                judged: frozenset[str]) -> list[tuple[int, int, int]]:
        """``found`` without the pieces' matches, with the gapped sequences they make: every
        (start, end) spaCy's Matcher would give for the whole sequence, once per key."""
        piece_ids = self._piece_ids
        piece_ids.need(m for m, _, _ in found)  # (looked up with get below)
        by_piece: dict[str, dict[int, list[int]]] = {}
        kept: list[tuple[int, int, int]] = []
        for match_id, start, end in found:
            piece = piece_ids.get(match_id)
            if piece is None:
                kept.append((match_id, start, end))
            else:
                by_piece.setdefault(piece, {}).setdefault(start, []).append(end)
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

    def _by_next_token(self) -> dict[int, dict[int, tuple[list[int], dict[int, dict[int, list[int]]]]]]:
        """The simple sequences that start with a token test (a number, "#num out of ..."),
        by that test's attribute and value: (those to follow up at every such token, and those
        whose next token must have one value, by its attribute and value). Many sequences
        share a first test; a token that is followed by none of their second words then costs
        a look-up, not a try of each."""
        out: dict[int, dict[int, tuple[list[int], dict[int, dict[int, list[int]]]]]] = {}
        for attr, by_value in self._tested.items():
            for value, owns in by_value.items():
                anyway: list[int] = []
                by_next: dict[int, dict[int, list[int]]] = {}
                for own in owns:
                    rest = self._simple_seqs[own][2]
                    if rest and rest[0][0] and not rest[0][2] and not isinstance(rest[0][1], frozenset):
                        by_next.setdefault(rest[0][0], {}).setdefault(rest[0][1], []).append(own)
                    else:
                        anyway.append(own)
                out.setdefault(attr, {})[value] = (anyway, by_next)
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
                        judged: frozenset[str], rows: dict[int, list[int]]) -> list[tuple[int, int, int]]:
        """The matches of the simple sequences (see ``_simple``): where the head matches,
        then token by token (an optional one taken or left), every end spaCy's Matcher
        would give, once per key and span; a judged key only within its ranges."""
        attrs = self._attrs
        columns = {attr: _row(doc, attr, rows) for attr in attrs} if len(doc) else {}
        heads: list[tuple[int, int, int]] = [m for table in self.headed.values() if len(table)
                                             for m in table(doc, _row(doc, table.attr, rows))]
        if self._tested_next is None:
            self._tested_next = self._by_next_token()
        n = len(doc)
        for attr, by_value in self._tested_next.items():
            values = columns.get(attr)
            if values and not by_value.keys().isdisjoint(values):
                for p, value in enumerate(values):
                    entry = by_value.get(value)
                    if entry is None:
                        continue
                    anyway, by_next = entry
                    heads.extend((own, p, p + 1) for own in anyway)
                    if p + 1 < n:
                        for next_attr, owns_of in by_next.items():
                            owns = owns_of.get(columns[next_attr][p + 1])
                            if owns:
                                heads.extend((own, p, p + 1) for own in owns)
        found: set[tuple[int, int, int]] = set()
        simple_seqs = self._simple_seqs
        for own, start, end in heads:
            key_id, key, rest, judged_as = simple_seqs[own]
            limit = n
            if judged_as in judged:
                ranges = where.get(judged_as)
                if not ranges:
                    continue  # the prefilter found no unit where it may match
                limit = next((b for a, b in ranges if a <= start and end <= b), -1)
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

    def __len__(self) -> int:
        return self._count

    def add(self, key: str, word_lists: list[list[str]]) -> None:
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

    def __call__(self, doc: Doc, row: list[int] | None = None) -> list[tuple[int, int, int]]:
        """The matches in ``doc`` (``row``: its attribute array as a list, if already made)."""
        if not self._count or not len(doc):
            return []
        if row is None:
            row = doc.to_array(self.attr).tolist()
        root = self._root
        root.need(row)
        n = len(row)
        found: list[tuple[int, int, int]] = []
        for i, h in enumerate(row):
            node = root.get(h)
            j = i + 1
            while node is not None:
                ends = node.get(None)
                if ends:
                    found.extend((k, i, j) for k in ends)
                if j >= n:
                    break
                node = node.get(row[j])
                j += 1
        return found


def _read_all(table) -> None:
    if isinstance(table, Buckets):
        table.read_all()


def _row(doc: Doc, attr: int, rows: dict[int, list[int]]) -> list[int]:
    row = rows.get(attr)
    if row is None:
        row = rows[attr] = doc.to_array(attr).tolist()
    return row


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
