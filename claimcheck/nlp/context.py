"""Context marks: negation, hedges, questions, reported or refuted speech, warnings, citations.

The cues are data (context.yaml beside this file). The component finds every cue in a Doc
and records, for each, the token range it reaches: a ``ContextMark``. Whether a mark changes
a finding is the rule's business (engine), not this module's.
"""
from __future__ import annotations

import bisect
import copy
import functools

import re
from dataclasses import dataclass
from importlib import resources

from spacy.attrs import IS_SPACE, LOWER, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from . import disk_cache
from .matching import TokenMatcher
from .regexes import regex_spans
from .sentences import sentence_bounds
from .patterns import PatternCompiler

EFFECTS: tuple[str, ...] = ("suppress", "lower", "ignore")
DIRECTIONS = ("forward", "backward", "both", "sentence", "previous", "section")

if not Doc.has_extension("claimcheck_context"):
    Doc.set_extension("claimcheck_context", default=None)


@dataclass(frozen=True)
class ContextMark:
    """A cue at tokens [cue_start, cue_end) reaching tokens [scope_start, scope_end).

    ``section``: a frame cue ("Risks of buying online", "Myths about acne"), which reaches to
    the end of the text here; the engine keeps it only when its sentence is a heading, and then
    up to the next heading (this component does not know the document's sections)."""

    type: str
    cue: str
    cue_start: int
    cue_end: int
    scope_start: int
    scope_end: int
    section: bool = False

    def applies_to(self, start: int, end: int) -> bool:
        """True when the cue reaches the span and is not itself part of it."""
        if self.cue_start < end and start < self.cue_end:
            return False
        return self.scope_start < end and start < self.scope_end


class MarkIndex:
    """ContextMarks by the token buckets their reach covers, so a lookup reads a few marks,
    not all marks of the document (which made long documents quadratic)."""

    BUCKET = 64

    def __init__(self, marks: list[ContextMark]):
        self._buckets: dict[int, list[ContextMark]] = {}
        for mark in marks:
            lo, hi = min(mark.scope_start, mark.cue_start), max(mark.scope_end, mark.cue_end)
            for b in range(lo // self.BUCKET, (hi - 1) // self.BUCKET + 1):
                self._buckets.setdefault(b, []).append(mark)

    def near(self, start: int, end: int) -> list[ContextMark]:
        """Every mark whose cue or reach touches tokens [start, end), perhaps a few more."""
        found: dict[int, ContextMark] = {}
        for b in range(start // self.BUCKET, (end - 1) // self.BUCKET + 1):
            for mark in self._buckets.get(b, ()):
                found[id(mark)] = mark
        return list(found.values())


@dataclass(frozen=True)
class _Cue:
    type: str
    direction: str
    at: str | None
    speaker: str | None = None  # "named": counts only with a person next to it (see _named)


def load_context_data() -> dict:
    """context.yaml, read once per process (a copy: the caller may change it)."""
    return copy.deepcopy(_context_data())


@functools.lru_cache(maxsize=1)
def _context_data() -> dict:
    """context.yaml as parsed, from the disk cache when there (nlp/disk_cache.py: its key
    follows the file): every start needs its types, and importing and running the YAML
    parser cost some 35 ms of it."""
    key = disk_cache.entry_key("yaml-context")
    found = disk_cache.load(key, None)
    if isinstance(found, dict):
        return found
    import yaml

    text = resources.files("claimcheck.nlp").joinpath("context.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's parser when there
    disk_cache.save(key, data)
    return data


# the kinds of context, as context.yaml names them (a rule's `context:` may set their effect)
CONTEXT_TYPES: tuple[str, ...] = tuple(_context_data()["types"])


def default_policy() -> dict[str, dict[str, str]]:
    """Effect of each context type per category ('default' for all categories)."""
    return copy.deepcopy(_context_data()["policy"])


@functools.lru_cache(maxsize=1)
def _lede_data() -> tuple[str, str, int, int, int, int, re.Pattern, int]:
    d = _context_data()["lede"]
    return (d["type"], d["cue"], int(d["lines"]), int(d["headline_chars"]), int(d["max_chars"]),
            int(d["search_chars"]), re.compile(d["names"]), int(d.get("kicker_words", 0)))


def lede(text: str) -> tuple[str, str, int] | None:
    """(context type, cue, end character) of a text's title and lede when the text names a
    published study near its start and opens with a headline (context.yaml ``lede``), else None."""
    type_, cue, lines, headline_chars, max_chars, search_chars, names, kicker_words = _lede_data()
    headline = text.lstrip()[:headline_chars + 1].split("\n", 1)[0].strip()
    if not headline or len(headline) > headline_chars or headline.endswith("."):
        return None
    if not names.search(text, 0, search_chars):
        return None
    end, seen = 0, 0
    for m in re.finditer(r"[^\n]*\n?", text[:max_chars]):
        line = m.group().strip()
        if line:
            end = m.start() + len(m.group().rstrip())
            # a byline, a kicker or a language link under the headline ("By Ed Edelson",
            # "HealthDay Reporter", "En Español") is part of the header, not the lede
            if seen and len(line.split()) <= kicker_words and not line.endswith((".", "!", "?", ":")):
                continue
            seen += 1
            if seen == lines:
                break
    return (type_, cue, end) if end else None


def not_its_own() -> frozenset[str]:
    """The context types that make an offer or a dose not the document's own (context.yaml)."""
    return frozenset(_context_data()["not_its_own"])


def pull_quote() -> tuple[str, str, str, int, int]:
    """(the type a pull-quote heading gets, the type of quotations, the type of attributed
    ones, the most words of such a heading, how far below it the quotation may start, in
    characters): context.yaml ``pull_quote`` and ``quotes``."""
    data = _context_data()
    d, quotes = data["pull_quote"], data["quotes"]
    return (d["type"], quotes["type"], quotes["attribution"]["type"], int(d["max_words"]), int(d["max_chars"]))


@functools.lru_cache(maxsize=1)
def _reporting_data() -> tuple[str, str, int, tuple[str, ...], re.Pattern, re.Pattern, tuple[str, ...], re.Pattern]:
    d = _context_data()["reporting_page"]
    offers = tuple(o.lower() for o in d["offers"])
    offer_words = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, offers)))
    return (d["type"], d["cue"], int(d["min_speakers"]), tuple(d["verbs"]), re.compile(d["before"]),
            re.compile(d["after"]), offers, offer_words)


@functools.lru_cache(maxsize=1)
def reporting_page(text: str) -> tuple[str, str] | None:
    """(context type, cue) when a text reports as journalism does: at least min_speakers named
    speakers and no call to buy (context.yaml ``reporting_page``), else None. Plain substring
    searches find the candidates (a regex over every position of the text cost a tenth of a
    linted news story's time); the regexes look only around them. Remembered for the last
    text: each part of a long document asks about the whole of it (engine.py), and a string
    keeps its hash, so asking again costs nothing."""
    type_, cue, least, verbs, before, after, offers, offer_words = _reporting_data()
    count = 0
    for verb in verbs:
        at = text.find(verb)
        while at != -1 and count < least:
            end = at + len(verb)
            whole = (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
            if whole and (before.search(text, max(0, at - 40), at) or after.match(text, end, end + 40)):
                count += 1
            at = text.find(verb, end)
        if count >= least:
            break
    else:
        return None
    lowered = text.lower()
    if any(o in lowered for o in offers) and offer_words.search(lowered):
        return None
    return type_, cue


@functools.lru_cache(maxsize=1)
def _reference_data() -> tuple[int, re.Pattern]:
    d = _context_data()["reference_document"]
    return int(d["lead_chars"]), re.compile("|".join(f"(?:{c})" for c in d["cues"]), re.I | re.M)


def reference_document(text: str) -> str | None:
    """The words by which a text's start says it is a drug's reference information (a leaflet,
    a medication guide, a monograph's precautions page: context.yaml ``reference_document``),
    else None."""
    lead_chars, cues = _reference_data()
    m = cues.search(text[:lead_chars])
    return m.group().strip() if m else None


class ContextMarker:
    """Finds context cues in a Doc and stores ContextMarks in ``doc._.claimcheck_context``."""

    def __init__(self, nlp: Language, data: dict | None = None):
        """Compile the cues of ``data`` (default: context.yaml, whose compiled cues are read
        from the disk cache when there, nlp/disk_cache.py)."""
        key = None
        if data is None:
            key = disk_cache.entry_key("context")
            state = disk_cache.load(key, nlp)
            if isinstance(state, dict):
                self.__dict__.update(state)
                return
        self._compile(nlp, data or _context_data())
        if key is not None:
            disk_cache.save(key, self.__dict__)

    def _compile(self, nlp: Language, data: dict) -> None:
        self.types = data["types"]
        # each type's terminators, as LOWER hashes
        self.stops = {t: frozenset(nlp.vocab.strings.add(w) for w in spec.get("terminators", ()))
                      for t, spec in self.types.items()}
        compiler = PatternCompiler.for_nlp(nlp)
        # every cue runs over every document: the word sequences with sets ("(some|many)
        # (sites|people) (claim|say)") spelled out for the phrase tables, the other patterns
        # matched off token arrays or, if need be, in one Matcher pass
        self.matcher = TokenMatcher(nlp.vocab, shared=True, max_phrases=1024)
        self.cues: dict[str, _Cue] = {}
        self.regexes: list[tuple[re.Pattern, str]] = []
        for i, cue in enumerate(data["cues"]):
            key = f"cue{i}"
            self.cues[key] = _Cue(cue["type"], cue["direction"], cue.get("at"), cue.get("speaker"))
            if cue.get("patterns"):
                seqs = [s for p in cue["patterns"] for s in compiler.compile(p)]
                self.matcher.add(key, seqs)
            for rx in cue.get("regex", []):
                self.regexes.append((re.compile(rx), key))
        follow = data.get("refuted_by_next_sentence") or {}
        self.refutable = frozenset(follow.get("claims", ()))
        self.refuting = frozenset(follow.get("next", ()))
        self.refuting_within = int(follow.get("within", 6))
        quotes = data.get("quotes") or {}
        self.quote_type = quotes.get("type")
        self.phrase_type = quotes.get("phrase_type", self.quote_type)
        self.phrase_reach = int(quotes.get("phrase_tokens", 0))
        self.quote_texts: tuple[tuple[str, str], ...] = tuple((o, c) for o, c in quotes.get("pairs", ()))
        self.quote_pairs = {nlp.vocab.strings.add(o): nlp.vocab.strings.add(c) for o, c in self.quote_texts}
        self.quote_reach = int(quotes.get("max_tokens", 60))
        self.quote_marks = frozenset(self.quote_pairs) | frozenset(self.quote_pairs.values())
        attribution = quotes.get("attribution") or {}
        self.attributed_type = attribution.get("type")
        self.speech = frozenset(nlp.vocab.strings.add(w) for w in attribution.get("words", ()))
        self.titles = frozenset(nlp.vocab.strings.add(w) for w in attribution.get("titles", ()))
        self.attribution_before = int(attribution.get("before", 0))
        self.attribution_after = int(attribution.get("after", 0))
        paragraph = data.get("paragraph_speaker") or {}
        self.paragraph_type = paragraph.get("type")
        self.paragraph_cues = frozenset(paragraph.get("cues", ()))
        self.paragraph_pronouns = frozenset(paragraph.get("pronouns", ()))
        self.paragraph_chars = int(paragraph.get("max_chars", 0))
        pseudo = [s for p in data.get("pseudo", []) for s in compiler.compile(p)]
        if pseudo:
            self.matcher.add("pseudo", pseudo)

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        found: list[tuple[str, int, int]] = []
        pseudo: list[tuple[int, int]] = []
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if key == "pseudo":
                pseudo.append((start, end))
            else:
                found.append((key, start, end))
        text = _text_of(doc) if self.regexes else ""
        for rx, key in self.regexes:
            found.extend((key, start, end) for start, end in regex_spans(doc, text, rx))
        marks: list[ContextMark] = []
        if found:
            sents = sentence_bounds(doc)
            lowers, spaces = doc.to_array([LOWER, IS_SPACE]).T.tolist()
            for key, start, end in found:
                if any(ps <= start and end <= pe for ps, pe in pseudo):
                    continue
                mark = self._mark(doc, sents, lowers, spaces, self.cues[key], start, end)
                if mark is not None:
                    marks.append(mark)
            marks.extend(self._refuted_next(sents, marks))
        paragraphs = _Paragraphs(doc)
        if self.quote_type and self.quote_pairs:
            marks.extend(self._quoted(doc, paragraphs))
        if self.paragraph_type:
            marks.extend(self._paragraph_speaker(doc, marks, paragraphs))
        doc._.claimcheck_context = marks
        return doc

    def _quoted(self, doc: Doc, paragraphs: "_Paragraphs") -> list[ContextMark]:
        """Words between paired quotation marks, in one paragraph and at most quote_reach tokens
        apart: someone else's words (quote_type), or, when a short phrase and no sentence, a
        phrase mentioned rather than used (phrase_type: 'a search for "buy isotretinoin"').

        A quotation that runs on over paragraphs opens each of them again and closes only at
        its end (the printer's convention): its paragraphs are one quotation, attributed by
        the words before its first opening mark or after its last closing one."""
        orths, spaces = paragraphs.arrays()
        strings = doc.vocab.strings
        marks: list[ContextMark] = []
        open_at, closer = -1, 0
        earlier: list[tuple[int, int]] = []  # the paragraphs of a quotation that runs on
        carried = -1  # the opening mark of a quotation left open at a paragraph's end
        paragraph_start = True
        speaker: int | None = None  # the speech verb of the paragraph's last attributed quotation
        for i, (orth, space) in enumerate(zip(orths, spaces)):
            if space and "\n" in strings[orth]:
                if open_at < 0:
                    speaker = None  # a new paragraph, a new speaker
                if open_at >= 0:
                    earlier.append((open_at, i))
                    carried = orths[open_at]
                else:
                    earlier, carried = [], -1
                open_at, paragraph_start = -1, True  # a quotation does not close in another paragraph
                continue
            if paragraph_start and not space:
                paragraph_start = False
                if orth != carried:
                    earlier, carried = [], -1
            if open_at >= 0 and orth == closer:
                # one quotation over paragraphs, and one speaker per paragraph, only within
                # paragraph_chars: a text on one long line has no paragraphs to speak of, and a
                # long document's part sees that much beyond what it owns (parts.py)
                if earlier and self.paragraph_chars and \
                        _chars(doc, *paragraphs.around(earlier[0][0], i)) > self.paragraph_chars:
                    earlier = []  # too long to be judged whole in a part (parts.py): its last paragraph alone
                if i - open_at > 1 or earlier:
                    short = _chars(doc, *paragraphs.around(i, i)) <= self.paragraph_chars
                    found, said = self._quotation(doc, orths, spaces, earlier + [(open_at, i)],
                                                  speaker if short else None)
                    marks.extend(found)
                    if said is not None:
                        speaker = said
                open_at, earlier, carried = -1, [], -1
            elif open_at >= 0 and i - open_at > self.quote_reach:
                open_at, earlier, carried = -1, [], -1
            if open_at < 0 and orth in self.quote_pairs and (not marks or marks[-1].scope_end != i):
                open_at, closer = i, self.quote_pairs[orth]
        return marks

    def _quotation(self, doc: Doc, orths: list[int], spaces: list[int], parts: list[tuple[int, int]],
                   before: int | None) -> tuple[list[ContextMark], int | None]:
        """The marks of one quotation (its parts: (opening mark, end), one per paragraph), and
        the speech verb that attributes it. ``before``: the verb of an attributed quotation
        earlier in the paragraph, whose speaker goes on ('"...," says Dr Ross. "... This is a
        big game-changer."': a paragraph quotes one person)."""
        (first, _), (_, close_at) = parts[0], parts[-1]
        phrase = len(parts) == 1 and close_at - first - 1 <= self.phrase_reach and not any(
            t.is_punct and t.text in ".!?;" for t in doc[first + 1:close_at])
        kind = self.phrase_type if phrase else self.quote_type
        marks = [ContextMark(kind, doc[o].text, o, o + 1, o + 1, e) for o, e in parts if e - o > 1]
        said = None
        if not phrase and self.attributed_type:
            said = self._speaker(doc, orths, spaces, first, close_at)
            said = before if said is None else said
        if said is not None:
            marks.extend(ContextMark(self.attributed_type, doc[said].text, said, said + 1, o + 1, e)
                         for o, e in parts if e - o > 1)
        return marks, said

    def _speaker(self, doc: Doc, orths: list[int], spaces: list[int], open_at: int, close_at: int) -> int | None:
        """The speech verb that attributes the quotation [open_at, close_at] to someone: in the
        few words after the closing mark (', he said.', '" Dhillo added', or a title or degree:
        '" - Professor Chris Brightling'), or before the opening
        one in its sentence or at the end of the sentence just before ('Paterson says that if
        ..., "', '..." he said. "'). None when the quotation stands alone, as a shop's quoted
        customer with only a name under it does."""
        quotes = self.quote_marks
        n = len(orths)
        for j in range(close_at + 1, min(n, close_at + 1 + self.attribution_after)):
            if (spaces[j] and "\n" in doc[j].text) or orths[j] in quotes:
                break
            if doc[j].lower in self.speech or doc[j].lower in self.titles:
                return j
            if doc[j].text in ".!?" and j > close_at + 1:
                break
        stops = 0  # a sentence end may come once, right before the opening mark
        for j in range(open_at - 1, max(-1, open_at - 1 - self.attribution_before), -1):
            if (spaces[j] and "\n" in doc[j].text) or (orths[j] in quotes and j < open_at - 1):
                break
            if doc[j].lower in self.speech:
                return j
            if doc[j].text in ".!?":
                stops += 1
                if stops > 1 or j < open_at - 2:
                    break
        return self._introduced(doc, spaces, open_at)

    def _introduced(self, doc: Doc, spaces: list[int], open_at: int) -> int | None:
        """The speech verb of the paragraph before, when it ends by introducing the quotation
        that opens this one ('Professor Harrington, the trial lead, said:')."""
        j = open_at - 1
        if j < 1 or not (spaces[j] and "\n" in doc[j].text) or doc[j - 1].text != ":":
            return None
        for k in range(j - 2, max(-1, j - 2 - self.attribution_before), -1):
            if spaces[k] or doc[k].text in ".!?" or doc[k].orth in self.quote_marks:
                break
            if doc[k].lower in self.speech:
                return k
        return None

    def _paragraph_speaker(self, doc: Doc, marks: list[ContextMark], paragraphs: "_Paragraphs") -> list[ContextMark]:
        """A news paragraph names its speaker once ('..., Tamborlane said.'): each paragraph of
        at most paragraph_chars characters holding a speech cue (paragraph_speaker: cues) is
        reported speech as a whole."""
        speakers = [m for m in marks if m.cue.lower() in self.paragraph_cues and self._named(doc, m.cue_start, m.cue_end)]
        if not speakers:
            return []
        out: list[ContextMark] = []
        done: set[int] = set()
        for m in speakers:
            lo, hi = paragraphs.around(m.cue_start, m.cue_end - 1)
            if lo in done:
                continue
            done.add(lo)
            if _chars(doc, lo, hi) > self.paragraph_chars:
                continue
            out.append(ContextMark(self.paragraph_type, f"{m.cue} (in its paragraph)", m.cue_start, m.cue_end, lo, hi))
        return out

    def _named(self, doc: Doc, start: int, end: int) -> bool:
        """Does the speech verb have a person for its speaker, next to it: a name ('Tamborlane
        said', 'said Dr. Nelson'), a pronoun ('he added'), or a name's apposition closing
        ('Nelson, director of the centre, said')? Not 'many researchers said', 'that said'."""
        def person(i: int) -> bool:
            if not 0 <= i < len(doc):
                return False
            t = doc[i]
            return t.lower_ in self.paragraph_pronouns or (_name_like(t.text) and not t.is_sent_start)
        before = start - 1
        return person(before) or person(end) or (before >= 0 and doc[before].text == ",")

    def _refuted_next(self, sents, marks: list[ContextMark]) -> list[ContextMark]:
        """A reported claim whose next sentence negates, refutes or warns is refuted there."""
        refuting = set()
        for m in marks:
            if m.type in self.refuting:
                si = _sentence_index(sents, m.cue_start)
                if m.cue_start - sents[si][0] < self.refuting_within:
                    refuting.add(si)
        return [
            ContextMark("refuted", f"{m.cue} (refuted in the next sentence)", m.cue_start, m.cue_end,
                        m.scope_start, m.scope_end)
            for m in marks
            if m.type in self.refutable and _sentence_index(sents, m.cue_start) + 1 in refuting
        ]

    def _mark(self, doc: Doc, sents, lowers: list[int], spaces: list[int], cue: _Cue, start: int,
              end: int) -> ContextMark | None:
        si = _sentence_index(sents, start)
        s_start, s_end = sents[si]
        if cue.at == "end" and _last_word(spaces, s_start, s_end) != end - 1:
            return None
        if cue.at == "start" and _first_word(spaces, s_start, s_end) != start:
            return None
        if cue.speaker == "named" and not self._named(doc, start, end):
            return None
        reach = self.types[cue.type]["max_scope"]
        stops = self.stops[cue.type]
        if cue.direction == "sentence":
            lo, hi = s_start, s_end
        elif cue.direction == "section":
            return ContextMark(cue.type, doc[start:end].text, start, end, s_start, len(doc), section=True)
        elif cue.direction == "previous":
            if si == 0:
                return None
            lo, hi = sents[si - 1]
        else:
            lo, hi = start, end
            if cue.direction in ("forward", "both"):
                hi = end
                while hi < s_end and hi - end < reach and lowers[hi] not in stops:
                    hi += 1
            if cue.direction in ("backward", "both"):
                lo = start
                while lo > s_start and start - lo < reach and lowers[lo - 1] not in stops:
                    lo -= 1
        return ContextMark(cue.type, doc[start:end].text, start, end, lo, hi)


class _Paragraphs:
    """Where a Doc's paragraphs end: its white space tokens holding a line break, found once
    from its arrays (on first use) rather than by walking Token objects out from each
    quotation or speaker, which made a Token per word of the paragraph every time."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self._arrays: tuple[list[int], list[int]] | None = None
        self._breaks: list[int] | None = None

    def arrays(self) -> tuple[list[int], list[int]]:
        """The Doc's ORTH and IS_SPACE columns, made once (quotations read them too)."""
        if self._arrays is None:
            self._arrays = tuple(self.doc.to_array([ORTH, IS_SPACE]).T.tolist()) if len(self.doc) else ([], [])
        return self._arrays

    def breaks(self) -> list[int]:
        if self._breaks is None:
            strings = self.doc.vocab.strings
            orths, spaces = self.arrays()
            self._breaks = [i for i, (orth, space) in enumerate(zip(orths, spaces))
                            if space and "\n" in strings[orth]]
        return self._breaks

    def around(self, first: int, last: int) -> tuple[int, int]:
        """[lo, hi): the tokens of the paragraphs holding tokens ``first`` to ``last`` (a
        paragraph ends at white space holding a line break)."""
        breaks = self.breaks()
        i = bisect.bisect_left(breaks, first)
        j = bisect.bisect_left(breaks, last + 1)
        return (breaks[i - 1] + 1 if i else 0), (breaks[j] if j < len(breaks) else len(self.doc))


def _chars(doc: Doc, lo: int, hi: int) -> int:
    """The characters from token lo's start to token hi - 1's end."""
    return doc[hi - 1].idx + len(doc[hi - 1].text) - doc[lo].idx


def _name_like(word: str) -> bool:
    """A capitalised word, its inner capitals allowed: "Tamborlane", "DePaolo", "McDonald"."""
    return word[:1].isupper() and word[1:2].islower()


def _sentence_index(sents: list[tuple[int, int]], token: int) -> int:
    lo, hi = 0, len(sents) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sents[mid][0] <= token:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _last_word(spaces: list[int], start: int, end: int) -> int:
    i = end - 1
    while i > start and spaces[i]:
        i -= 1
    return i


def _first_word(spaces: list[int], start: int, end: int) -> int:
    i = start
    while i < end - 1 and spaces[i]:
        i += 1
    return i


def _text_of(doc: Doc) -> str:
    """doc.text, without the Token object spaCy makes per token to build it."""
    strings = doc.vocab.strings
    orths, spaced = doc.to_array([ORTH, SPACY]).T.tolist()
    return "".join([strings[o] + " " if s else strings[o] for o, s in zip(orths, spaced)])


@Language.factory("claimcheck_context")
def make_context_marker(nlp: Language, name: str) -> ContextMarker:
    return ContextMarker(nlp)
