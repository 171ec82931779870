"""Document + compiled rulebook -> Findings. No I/O: readers, reporters and the CLI live elsewhere.

One piece, a little over 500 lines: a document's one path from matches to findings (the view,
the kinds, context, suppressions), whole or in parts, which every command shares."""
from __future__ import annotations

import bisect
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .documents import Document
from .findings import CATEGORIES, SEVERITY_NAMES, ContextEffect, Finding, Position, Severity, Suggestion
from .kinds import KINDS, Candidate, MatchView, trigger_keys
from .nlp.context import CONTEXT_TYPES, ContextMark, MarkIndex, lede, pull_quote, reference_document, reporting_page
from .nlp.language import Detected, detect, load_model as load_language_model
from .nlp.regexes import odd_letters, regex_matches, regex_spans, token_spans
from .parts import PART_CHARS, Part, is_long, parts
from .lists import list_leads
from .prefilter import Excerpt, Prefilter
from .rulebook import CONCEPT_PREFIX, CompiledRulebook, Rule
from .rulebook.compiled import in_scope
from .suppressions import Checked, apply_suppressions


@dataclass(frozen=True)
class Selection:
    """Which rules run: --select / --ignore by rule id or category (empty select = all), and
    the packs configuration enables (None = every pack)."""

    select: frozenset[str] = field(default_factory=frozenset)
    ignore: frozenset[str] = field(default_factory=frozenset)
    packs: frozenset[str] | None = None

    def allows(self, rule: Rule) -> bool:
        if self.packs is not None and rule.pack not in self.packs:
            return False
        names = {rule.id, rule.category}
        if self.select and not names & self.select:
            return False
        return not names & self.ignore


class Linter:
    """Lints Documents with one compiled rulebook and the process-wide pipeline."""

    def __init__(self, compiled: CompiledRulebook, nlp: Language, selection: Selection | None = None,
                 severities: dict[str, Severity] | None = None, prefilter: bool = True,
                 part_chars: int = PART_CHARS):
        self.compiled = compiled
        self.nlp = nlp
        self.selection = selection or Selection()
        self.severities = dict(severities or {})  # rule id -> base severity, from configuration
        self._rules = [r for r in compiled.rules if self.selection.allows(r)]
        self._sentence_rules = [r for r in self._rules if KINDS[r.kind].SCOPE == "sentence"]
        self._document_rules = [r for r in self._rules if KINDS[r.kind].SCOPE == "document"]
        self._rule_of = {r.id: r for r in self._document_rules}
        self._known = frozenset({r.id for r in compiled.rules} | {r.category for r in compiled.rules}
                                | set(CATEGORIES))
        self.use_prefilter = prefilter
        self.part_chars = part_chars  # a longer document is linted in parts (parts.py)
        languages = {p.name: p.language for p in compiled.rulebook.packs}
        self._languages = frozenset(languages[r.pack] for r in self._rules)  # of the active rules
        self._by_language: dict[str, Linter | None] = {}
        self._triggers: dict[str, tuple[str, ...]] = {}  # rule id -> its trigger keys
        self._ordered_rules = self._sentence_rules + self._document_rules
        self._trigger_index: dict[int, dict[str | None, list[int]]] = {}  # see _triggered
        self._prefilter: Prefilter | None = None

    def read_all(self) -> None:
        """Read now what the rulebook and the context cues loaded from the disk cache read
        when a document first needs it (nlp/disk_cache.py), and the language model (loaded
        when a text is not plainly English): before linting many documents, or forking
        workers that share it, so that it is read once and not in the first documents."""
        self.compiled.read_all()
        load_language_model()
        context = self.nlp.get_pipe("claimcheck_context") if "claimcheck_context" in self.nlp.pipe_names else None
        matcher = getattr(context, "matcher", None)
        if matcher is not None and hasattr(matcher, "read_all"):
            matcher.read_all()

    def configured(self, selection: Selection | None = None,
                   severities: dict[str, Severity] | None = None, prefilter: bool | None = None) -> "Linter":
        """The same rulebook and pipeline with another selection, severity overrides, or the
        prefilter switched (None: as this linter has it)."""
        return Linter(self.compiled, self.nlp, selection, severities,
                      self.use_prefilter if prefilter is None else prefilter, self.part_chars)

    @property
    def rules(self) -> list[Rule]:
        return list(self._rules)

    def lint(self, document: Document) -> list[Finding]:
        """The findings of a document that its suppression comments leave reported."""
        return self.check(document).findings

    def check(self, document: Document) -> Checked:
        """Findings, suppressed findings and unused suppression comments of a document, and
        the language it is written in: only the rules of packs in that language apply (all of
        them when it is too short to tell)."""
        language = detect(document.text)
        if language is None or self._languages == {language.code}:
            checked = self._check(document)
        else:
            linter = self.for_language(language.code)
            if linter is None:
                return Checked(language=language.code, not_checked=f"written in {language.name} "
                               f"({language.code}); no rule pack is for {language.code}")
            checked = linter._check(document)
        checked.language = None if language is None else language.code
        return checked

    def for_language(self, code: str) -> "Linter | None":
        """This linter narrowed to the packs written in ``code``; None when there are none."""
        if code not in self._by_language:
            packs = {p.name for p in self.compiled.rulebook.packs if p.language == code}
            if self.selection.packs is not None:
                packs &= self.selection.packs
            self._by_language[code] = None if not {r.pack for r in self._rules} & packs else Linter(
                self.compiled, self.nlp, Selection(self.selection.select, self.selection.ignore, frozenset(packs)),
                self.severities, self.use_prefilter, self.part_chars)
        return self._by_language[code]

    def _check(self, document: Document) -> Checked:
        if self.use_prefilter and is_long(document.text, self.part_chars):
            return self.suppress(document, self._findings_in_parts(document))
        excerpt = self.excerpt(document)
        if excerpt is not None and not excerpt.text:
            return self.suppress(document, [])  # no rule can match anywhere: no pipeline
        text = document.text if excerpt is None else excerpt.text
        return self.suppress(document, self._findings_of(document, self.nlp(text), excerpt))

    def excerpt(self, document: Document) -> Excerpt | None:
        """What of the document the pipeline must see (prefilter/); None: all of it."""
        if not self.use_prefilter:
            return None
        return self.prefilter.excerpt(document.text, document.section_starts)

    @property
    def prefilter(self) -> Prefilter:
        if self._prefilter is None:
            self._prefilter = Prefilter.for_rules(self.compiled, self._rules, self.nlp)
        return self._prefilter

    def _findings_of(self, document: Document, doc: Doc, excerpt: Excerpt | None) -> list[Finding]:
        if excerpt is not None and not excerpt.text:
            return []  # no rule can match anywhere
        return self.findings(document, doc, excerpt=excerpt)

    def suppress(self, document: Document, findings: list[Finding]) -> Checked:
        return apply_suppressions(findings, document.directives, self._known)

    def lint_many(self, documents: Iterable[Document], batch_size: int = 32) -> Iterator[tuple[Document, Checked]]:
        """Lint a stream of documents, letting spaCy batch the tokenizing."""
        docs_in = iter(documents)
        pending: deque[tuple[Document, Excerpt | None, Detected | None, bool]] = deque()

        def texts() -> Iterator[str]:
            for d in docs_in:
                language = detect(d.text)
                if (self.use_prefilter and is_long(d.text, self.part_chars)) or not (
                        language is None or self._languages == {language.code}):
                    pending.append((d, None, language, True))  # in parts, or another language: check()
                    yield ""
                    continue
                excerpt = self.excerpt(d)
                pending.append((d, excerpt, language, False))
                yield d.text if excerpt is None else excerpt.text

        for doc in self.nlp.pipe(texts(), batch_size=batch_size):
            document, excerpt, language, alone = pending.popleft()
            if alone:
                yield document, self.check(document)
                continue
            checked = self.suppress(document, self._findings_of(document, doc, excerpt))
            checked.language = None if language is None else language.code
            yield document, checked

    def findings(self, document: Document, doc: Doc, only: Rule | None = None,
                 excerpt: Excerpt | None = None) -> list[Finding]:
        """All findings of the active rules (or of one rule) in a document already parsed:
        ``doc`` is the document's text, or the prefilter's excerpt of it."""
        view = self._view(document, doc, excerpt)
        mentioned = _mentioned(view.spans)
        marks = view.marks
        out: list[Finding] = []
        rules = [only] if only else self._ordered_rules  # documents see the claims
        for rule, kind in self._triggered(view, rules):
            if in_scope(self.compiled.scopes[rule.id], mentioned):
                out.extend(self._rule_findings(document, view, rule, kind, kind.find(rule, view), marks, excerpt))
        out.sort(key=Finding.sort_key)
        return out

    def _triggered(self, view: MatchView, rules: list[Rule]) -> Iterator[tuple[Rule, object]]:
        """The rules (and their kinds) whose triggers matched, in the order of ``rules``: a
        kind finds nothing without. Only the rules one of whose trigger keys matched are
        looked at (an index of the list by key), not every rule of the rulebook."""
        spans = view.spans
        if rules is self._ordered_rules or rules is self._sentence_rules:
            by_key = self._trigger_index.get(id(rules))
            if by_key is None:
                by_key = self._trigger_index[id(rules)] = {None: []}  # None: rules without a trigger
                for i, rule in enumerate(rules):
                    for k in set(self._trigger_keys(rule)) or (None,):
                        by_key.setdefault(k, []).append(i)
            chosen = [rules[i] for i in sorted({*by_key[None], *(i for k in spans if k in by_key for i in by_key[k])})]
        else:
            chosen = rules
        for rule in chosen:
            kind = KINDS[rule.kind]
            if (any if kind.ANY_TRIGGER else all)(map(spans.get, self._trigger_keys(rule))):
                yield rule, kind

    def _trigger_keys(self, rule: Rule) -> tuple[str, ...]:
        triggers = self._triggers.get(rule.id)
        if triggers is None:
            triggers = self._triggers[rule.id] = trigger_keys(rule)
        return triggers

    def _rule_findings(self, document: Document, view: MatchView, rule: Rule, kind, candidates: Iterable[Candidate],
                       marks: MarkIndex, excerpt: Excerpt | None) -> Iterator[Finding]:
        """The findings of a rule's candidates, each span once, context judged."""
        seen: set[tuple[int, int]] = set()
        for cand in candidates:
            if (cand.start, cand.end) in seen:
                continue
            seen.add((cand.start, cand.end))
            finding = self._finding(document, view, rule, cand, marks if kind.SCOPE == "sentence" else None, excerpt)
            if finding is not None:
                if kind.SCOPE == "sentence":
                    view.found.setdefault(view.sentence_index(cand.start), []).append(
                        (cand.start, cand.end, rule.category, frozenset(c.type for c in finding.context)))
                yield finding

    def _findings_in_parts(self, document: Document) -> list[Finding]:
        """A long document, part by part (parts.py): each part's sentence findings in the range
        it owns, the concepts it mentions and what its document rules need. Scopes and
        document rules are decided once every part has been seen."""
        text = document.text
        points = sorted({0, *document.section_starts})  # the document's sections
        mentioned: set[str] = set()
        found: list[Finding] = []
        # (document rule, group) -> its candidates' findings, in document order, as many as its
        # kind may choose from; document rule -> what the parts tell it together (kinds/__init__.py)
        kept: dict[tuple[str, object], list[Finding]] = {}
        facts_of: dict[str, object] = {}
        for part in parts(text, self.prefilter, self.part_chars):
            excerpt = self._part_excerpt(document, part)
            if not excerpt.text:
                continue
            doc = self.nlp(excerpt.text)
            view = self._view(document, doc, excerpt, section_points=points)
            mentioned |= _mentioned(view.spans)
            marks = view.marks

            def owned(token: int) -> bool:
                return part.own_lo <= excerpt.to_document(doc[token].idx) < part.own_hi

            for rule, kind in self._triggered(view, self._sentence_rules):
                found.extend(self._rule_findings(document, view, rule, kind,
                                                 (c for c in kind.find(rule, view) if owned(c.start)), marks, excerpt))
            for rule in self._document_rules:  # without their triggers too: a part may satisfy them
                kind = KINDS[rule.kind]
                facts = kind.find_part(rule, view, owned)
                facts_of[rule.id] = kind.merge(rule, facts_of[rule.id], facts) if rule.id in facts_of else facts
                room = kind.candidates_per_group(rule)
                for group, candidates in facts.mentions.items():
                    have = kept.setdefault((rule.id, group), [])
                    for c in candidates:
                        if len(have) >= room:
                            break
                        if owned(c.start):
                            have.append(self._finding(document, view, rule, c, None, excerpt))
        for (rule_id, group), candidates in kept.items():
            rule = self._rule_of[rule_id]
            i = KINDS[rule.kind].chosen(rule, facts_of[rule_id], group)
            if i is not None and i < len(candidates):
                found.append(candidates[i])
        found = [f for f in found if in_scope(self.compiled.scopes[f.rule], mentioned)]
        found.sort(key=Finding.sort_key)
        return found

    def _part_excerpt(self, document: Document, part: Part) -> Excerpt:
        """What the pipeline sees of a part, in the document's offsets."""
        text = document.text[part.lo:part.hi]
        sections = [c - part.lo for c in document.section_starts if part.lo < c < part.hi]
        excerpt = self.prefilter.excerpt(text, sections, part=True)
        if excerpt is None:  # lower-casing changes the text's length: all of the part, as it is
            found: dict[str, list[tuple[int, int]]] = {}
            for rx, key in self.compiled.regexes:
                found.setdefault(key, []).extend(m.span() for m in regex_matches(rx, text) if m.end() > m.start())
            excerpt = Excerpt(text, [(0, 0, len(text))], sections, headings=sections, regex_spans=found)
        return excerpt.moved(part.lo)

    def _view(self, document: Document, doc: Doc, excerpt: Excerpt | None,
              section_points: list[int] | None = None) -> MatchView:
        """The matches of a parsed text. ``section_points``: the text is a part of a long
        document, whose sections start at these offsets (see parts.py): every scoped
        matcher runs (the other parts may mention its concepts), and sections are named by
        their number in the document."""
        strings = doc.vocab.strings
        token_starts = doc.to_array("IDX").tolist()
        where, judged = {}, frozenset()
        if excerpt is not None:
            judged = excerpt.judged
            where = {k: [(bisect.bisect_left(token_starts, a), bisect.bisect_left(token_starts, b))
                         for a, b in ranges] for k, ranges in excerpt.ranges.items()}
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for match_id, start, end in self.compiled.matcher(doc, where, judged):
            spans[strings[match_id]].append((start, end))
        mentioned = _mentioned(spans)
        scoped = ([m for _, m in self.compiled.scoped] if section_points is not None
                  else self.compiled.scoped_in(mentioned))
        for matcher in scoped:
            for match_id, start, end in matcher.get()(doc, where, judged):
                spans[strings[match_id]].append((start, end))
        lowered = odd = None
        for rx, key in self.compiled.regexes:
            if excerpt is None:  # document.text is doc.text, without spaCy rebuilding it
                if lowered is None:
                    lowered = document.text.lower()
                    odd = not document.text.isascii() and odd_letters(document.text)
                spans[key].extend(regex_spans(doc, document.text, rx, lowered, odd))
            elif key in excerpt.regex_spans:  # matched in the whole text, mapped to the excerpt
                spans[key].extend(token_spans(doc, excerpt.regex_spans[key]))
        _drop_crossing(doc, spans)
        for alias, concept in self.compiled.aliases_of(spans):
            spans[alias] = spans[concept]
        sections = [0]
        section_starts = document.section_starts if excerpt is None else excerpt.section_starts
        if section_starts:
            sections = sorted({0} | {bisect.bisect_left(token_starts, c) for c in section_starts})
        # the first tokens of the headings themselves (not the text's start)
        heading_chars = document.section_starts if excerpt is None else excerpt.headings
        headings = {bisect.bisect_left(token_starts, c) for c in heading_chars}
        title = _title(document, heading_chars, token_starts,
                       (lambda c: c) if excerpt is None else excerpt.to_document)
        ids = None
        if section_points is not None and token_starts:
            last = len(token_starts) - 1
            ids = [bisect.bisect_right(section_points, excerpt.to_document(token_starts[min(t, last)])) - 1
                   for t in sections]
        view = MatchView(doc, spans, sections, ids)
        view.leads = _leads(document, excerpt, token_starts)
        view.reference = reference_document(document.text)
        reporting = reporting_page(document.text)
        view.reporting = reporting[1] if reporting else None
        # a heading's sentence may open with the blank lines above it (a text that starts
        # with them): the heading and the title are named by their sentence's first token
        starts = [s for s, _ in view.sents]
        if starts:
            headings = {starts[bisect.bisect_right(starts, h) - 1] for h in headings}
            if title is not None:
                title = (starts[bisect.bisect_right(starts, title[0]) - 1], title[1])
        marks = _framed(doc._.claimcheck_context or [], sections, headings, view.sents, title)
        marks += _pull_quotes(doc, marks, headings, view.sents)
        view.marks = MarkIndex(marks + _lede_marks(document, token_starts,
                                                   (lambda c: c) if excerpt is None else excerpt.to_document)
                               + _page_marks(reporting, len(doc)))
        return view

    def _finding(self, document: Document, view: MatchView, rule: Rule, cand: Candidate,
                 marks: MarkIndex | None, excerpt: Excerpt | None) -> Finding | None:
        severity = self.severities.get(rule.id, rule.severity)
        effects: list[ContextEffect] = []
        policy = self.compiled.policy[rule.id]
        self.compiled.literals.need((rule.id,))  # (Buckets: read for get)
        spelled = self.compiled.literals.get(rule.id)
        nearby = [] if marks is None else sorted(
            (m for m in marks.near(cand.start, cand.end) if _bears_on(m, cand.targets, view.doc, spelled)),
            key=lambda m: m.cue_start)
        for ctype in CONTEXT_TYPES:
            effect = policy.get(ctype, "ignore")
            if effect == "ignore":
                continue
            mark = next((m for m in nearby if m.type == ctype), None)
            if mark is None:
                continue
            if effect == "suppress":
                return None
            before = severity
            if effect == "lower":
                severity = severity.lowered()
            elif effect in SEVERITY_NAMES:
                severity = min(severity, Severity.parse(effect))
            if severity != before:
                effects.append(ContextEffect(ctype, mark.cue, "lowered", before))
        doc = view.doc
        # A match and its sentence lie in one line, which the excerpt copies whole: map its
        # start, and the end follows.
        to_text = (lambda i: i) if excerpt is None else excerpt.to_document
        start_char = to_text(doc[cand.start].idx)
        end_char = start_char + _end_char(doc, cand.end) - doc[cand.start].idx
        s_start, s_end = view.sents[view.sentence_index(cand.start)]
        lo = to_text(doc[s_start].idx)
        hi = lo + _end_char(doc, s_end) - doc[s_start].idx
        sentence, sentence_char0 = _sentence_excerpt(document.text, lo, hi, start_char, end_char)
        text = document.text[start_char:end_char]
        return Finding(
            rule=rule.id,
            category=rule.category,
            severity=severity,
            message=rule.message,
            position=_position(document, start_char, end_char),
            text=text,
            sentence=sentence,
            sentence_span=(start_char - sentence_char0, end_char - sentence_char0),
            suggestion=_adapt_case(rule.suggestion, text),
            references=rule.references,
            context=tuple(effects),
            scope=KINDS[rule.kind].SCOPE,
            pack=rule.pack,
            prose_start=start_char,
        )


MAX_SENTENCE_CHARS = 600


UNLOCATED = "the matched text could not be located in the source (the extracted text differs from the markup there)"


def _position(document: Document, start: int, end: int) -> Position:
    span = document.source_span(start, end)
    if span is None:
        return Position.nowhere(UNLOCATED)
    line, col = document.line_col_of_source(span[0])
    end_line, end_col = document.line_col_of_source(span[1])
    return Position(line, col, end_line, end_col, span[0], span[1])


def _end_char(doc: Doc, end: int) -> int:
    last = doc[end - 1]
    return last.idx + len(last.text)


def _drop_crossing(doc: Doc, spans: dict[str, list[tuple[int, int]]]) -> None:
    """Matches run within one sentence of one line: a span across a line break (a gap or a
    regex reaching into the next paragraph) or across a sentence start is dropped, so what a
    sentence matches never depends on its neighbours (the prefilter lints lines, and pieces
    of long lines, apart from the text around them)."""
    if not len(doc):
        return
    table = doc.to_array([IS_SPACE, SENT_START])
    breaks = [i for i in numpy.flatnonzero(table[:, 0]).tolist() if "\n" in doc[i].text]
    firsts = numpy.flatnonzero(table[:, 1] == 1).tolist()
    for key, found in spans.items():
        kept = [(s, e) for s, e in found
                if bisect.bisect_left(breaks, s) == bisect.bisect_left(breaks, e)
                and bisect.bisect_right(firsts, s) == bisect.bisect_left(firsts, e)]
        if len(kept) != len(found):
            spans[key] = kept


def _leads(document: Document, excerpt: Excerpt | None, token_starts: list[int]) -> dict[int, tuple[int, int]]:
    """The list items of the text (lists.py) as the first token of each item line -> the token
    range of its lead-in line, where the excerpt holds both."""
    found = list_leads(document.text, document.section_starts)
    if not found:
        return {}
    at = (lambda c: c) if excerpt is None else excerpt.from_document
    out = {}
    for item, (lo, hi) in found.items():
        a, b, c = at(item), at(lo), at(hi)
        if a is not None and b is not None and c is not None:
            out[bisect.bisect_left(token_starts, a)] = (bisect.bisect_left(token_starts, b),
                                                        bisect.bisect_left(token_starts, c))
    return out


def _title(document: Document, heading_chars: list[int], token_starts: list[int],
           to_document) -> tuple[int, int | None] | None:
    """The document's title (a heading with nothing before it) as its first token, and where
    its reach ends: at the next heading of its level or above where the format gives levels
    (Markdown's '# A' ... '# B'), else at the end (a page's title is above all its headings)."""
    if not heading_chars:
        return None
    at = to_document(heading_chars[0])
    if document.text[:at].strip():
        return None
    first = bisect.bisect_left(token_starts, heading_chars[0])
    level = document.heading_levels.get(at)
    if level is None:
        return first, None
    after = next((d for d in document.section_starts
                  if d > at and document.heading_levels.get(d, 99) <= level), None)
    if after is None:
        return first, None
    # the first token at or past that heading (an excerpt may not hold the heading itself)
    return first, _first_token_at(token_starts, to_document, after, first)


def _first_token_at(token_starts: list[int], to_document, char: int, lo: int = 0) -> int:
    """The first token (from ``lo``) that starts at or past document offset ``char``."""
    hi = len(token_starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if to_document(token_starts[mid]) < char:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _lede_marks(document: Document, token_starts: list[int], to_document) -> list[ContextMark]:
    """The title and lede of a text that names its study (context.yaml ``lede``), as one mark
    over the tokens before the lede's end (none in a part of a long text after it)."""
    found = lede(document.text)
    if found is None:
        return []
    type_, cue, end = found
    lo = _first_token_at(token_starts, to_document, end)
    return [ContextMark(type_, cue, lo, lo, 0, lo)] if lo else []


def _page_marks(reporting: tuple[str, str] | None, n_tokens: int) -> list[ContextMark]:
    """A mark over the whole text when the text as a whole reports (context.yaml
    ``reporting_page``: its type and cue); its cue sits past the last token, so it is part of
    no match."""
    if reporting is None:
        return []
    type_, cue = reporting
    return [ContextMark(type_, cue, n_tokens + 1, n_tokens + 1, 0, n_tokens + 1)]


def _framed(marks: list[ContextMark], sections: list[int], headings: set[int],
            sents: list[tuple[int, int]], title: tuple[int, int | None] | None = None) -> list[ContextMark]:
    """The context marks, a section frame ("Risks of buying online" as a heading) kept only
    when its cue is in a heading, and reaching to the next section; a frame in the document's
    title ("Debunking weight-loss pill claims", "Top 5 false weight loss claims") governs the
    whole document, whose headings are its subsections."""
    if not any(m.section for m in marks):
        return marks
    starts = [s for s, _ in sents]
    out = []
    for m in marks:
        if not m.section:
            out.append(m)
            continue
        sentence = starts[bisect.bisect_right(starts, m.cue_start) - 1]
        if sentence not in headings:
            continue
        following = bisect.bisect_right(sections, sentence)
        end = sections[following] if following < len(sections) else m.scope_end
        if title is not None and sentence == title[0]:
            end = m.scope_end if title[1] is None else title[1]
        out.append(ContextMark(m.type, m.cue, m.cue_start, m.cue_end, m.scope_start, end, section=True))
    return out


def _pull_quotes(doc: Doc, marks: list[ContextMark], headings: set[int],
                 sents: list[tuple[int, int]]) -> list[ContextMark]:
    """Headings that repeat, word for word, an attributed quotation just below them (a pull
    quote: "HOLY GRAIL" above '"The Holy Grail is ...," said Dr. Starling'): the speaker's
    words, marked as the quotation's attribution marks it (context.yaml ``pull_quote``). A
    heading is one the format marks, or, in plain text, a line of a few words without a full
    stop."""
    kind, quoted, attributed, max_words, max_chars = pull_quote()
    quotations = {(m.scope_start, m.scope_end) for m in marks if m.type == quoted}
    said = sorted((m for m in marks if m.type == attributed and (m.scope_start, m.scope_end) in quotations),
                  key=lambda m: m.scope_start)
    if not said:
        return []
    out = []
    for start, end in sents:
        heading = start in headings
        if end >= len(doc) or not (heading or _starts_line(doc, start)):
            continue  # most sentences: in the middle of a paragraph, looked at no further
        words = [t.lower_ for t in doc[start:end] if t.is_alpha or t.like_num]
        if not words or len(words) > max_words:
            continue
        if not heading and not _line_of_its_own(doc, start, end):
            continue
        limit = doc[end - 1].idx + max_chars
        for m in said:
            if m.scope_start < end:
                continue
            if doc[m.scope_start].idx > limit:
                break
            inside = [t.lower_ for t in doc[m.scope_start:m.scope_end] if t.is_alpha or t.like_num]
            if any(inside[k:k + len(words)] == words for k in range(len(inside) - len(words) + 1)):
                out.append(ContextMark(kind, m.cue, m.cue_start, m.cue_end, start, end))
                break
    return out


def _starts_line(doc: Doc, start: int) -> bool:
    return start == 0 or "\n" in doc[start - 1].text or "\n" in doc[start - 1].whitespace_


def _line_of_its_own(doc: Doc, start: int, end: int) -> bool:
    """Tokens [start, end) make a line of their own with no full stop: a plain text's heading."""
    words = [t for t in doc[start:end] if not t.is_space]
    if not words or words[-1].text in (".", "!", "?", ":", ";", ","):
        return False
    last = words[-1].i
    after = last + 1 >= len(doc) or "\n" in doc[last].whitespace_ or "\n" in doc[last + 1].text
    return _starts_line(doc, start) and after


def _mentioned(spans: dict[str, list[tuple[int, int]]]) -> set[str]:
    """The concepts a document mentions, from its matches."""
    return {k[len(CONCEPT_PREFIX):] for k in spans if k.startswith(CONCEPT_PREFIX)}


def _bears_on(mark: ContextMark, targets, doc: Doc, spelled: frozenset[str] | None) -> bool:
    """Does a context mark bear on a candidate's spans? A cue the pattern spells out is part
    of the claim ("no side effects", "side effects are a myth"), not context for any part of
    it; a cue inside a match that the pattern did not spell (a gap swallowed it: "acne is not
    caused by dirt") counts when its reach takes in the match's first or last word: "far from
    ideal" inside "flu vaccines ... far from ideal because their safety is in doubt" ends at
    "because" and negates "ideal", not the claim."""
    inside = [(s, e) for s, e in targets if s <= mark.cue_start and mark.cue_end <= e]
    if inside:
        cue = doc[mark.cue_start:mark.cue_end]
        if spelled is None or any(t.lower_ in spelled or t.lemma_ in spelled for t in cue):
            return False
        return any(mark.scope_start <= s or mark.scope_end >= e for s, e in inside)
    return any(mark.applies_to(s, e) for s, e in targets)


def _sentence_excerpt(text: str, lo: int, hi: int, start: int, end: int) -> tuple[str, int]:
    """The sentence around a match, stripped, and where it starts in the text. A "sentence"
    longer than MAX_SENTENCE_CHARS (a file on one line without punctuation) is cut to a window
    around the match at word boundaries, so a finding never carries megabytes of text."""
    if hi - lo > MAX_SENTENCE_CHARS:
        margin = max(0, (MAX_SENTENCE_CHARS - (end - start)) // 2)
        new_lo, new_hi = max(lo, start - margin), min(hi, end + margin)
        if new_lo > lo:
            space = text.find(" ", new_lo, start)
            new_lo = space + 1 if space != -1 else new_lo
        if new_hi < hi:
            space = text.rfind(" ", end, new_hi)
            new_hi = space if space != -1 else new_hi
        lo, hi = new_lo, new_hi
    raw = text[lo:hi]
    stripped = raw.strip()
    return stripped, lo + (len(raw) - len(raw.lstrip()))


def _adapt_case(suggestion: Suggestion | None, matched: str) -> Suggestion | None:
    """'Permanent remission' -> 'Long-term remission': a replacement keeps a leading capital."""
    if suggestion is None or not suggestion.replacement:
        return suggestion
    rep = suggestion.replacement
    if matched[:1].isupper() and rep[:1].islower():
        rep = rep[0].upper() + rep[1:]
    if rep == suggestion.replacement:
        return suggestion
    return Suggestion(replacement=rep, advice=suggestion.advice, insert=suggestion.insert)
