"""Compiling a Rulebook into one spaCy Matcher (plus regexes) and per-rule context policy."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from spacy.language import Language

from ..kinds.base import key
from ..nlp.context import default_policy
from ..nlp.disk_cache import Buckets, Deferred
from ..nlp.matching import TokenMatcher, literal_words
from ..nlp.patterns import PatternCompiler, PatternError
from .model import Located, Problem, Rule, Rulebook, RulebookError

CONCEPT_PREFIX = "@"


@dataclass
class CompiledRulebook:
    rulebook: Rulebook
    matcher: TokenMatcher
    regexes: list[tuple[re.Pattern, str]]
    aliases: dict[str, str]  # matcher key -> concept key whose matches it shares
    policy: dict[str, dict[str, str]]  # rule id -> context type -> effect
    scopes: dict[str, tuple[tuple[str, ...], ...]]  # rule id -> pack and rule scope: concept groups
    # rule id -> the words its patterns spell out (lower case); a context cue inside a match is
    # part of the claim only when it is one of them ("no side effects"), not when a gap or a
    # class swallowed it ("acne is not caused by dirt" for "acne ...3 caused by dirt").
    # None: the rule has regexes, whose words are unknown, so every cue inside counts as spelled.
    literals: dict[str, frozenset[str] | None] = field(default_factory=Buckets)  # read by buckets
    # Patterns of rules that apply only to documents mentioning some concepts (a drug pack),
    # one matcher per scope, run only on documents in that scope: most pages never pay for them.
    # rules of packs with a scope, one matcher per scope, each unpickled from the disk cache
    # when a document first mentions the scope (nlp/disk_cache.py Deferred)
    scoped: list[tuple[tuple[tuple[str, ...], ...], Deferred]] = field(default_factory=list)
    # Prefilters (prefilter/) built for this rulebook, by the ids of the rules they serve.
    prefilters: dict[tuple[str, ...], object] = field(default_factory=dict)

    @property
    def rules(self) -> list[Rule]:
        return self.rulebook.rules

    @cached_property
    def _scope_index(self) -> dict[str, list[int]]:
        """A concept of a scope's first group -> the positions in ``scoped`` of its scopes."""
        index: dict[str, list[int]] = {}
        for i, (scope, _) in enumerate(self.scoped):
            for concept in scope[0]:
                index.setdefault(concept, []).append(i)
        return index

    @cached_property
    def _alias_index(self) -> dict[str, list[tuple[int, str]]]:
        """A concept -> (position in ``aliases``, alias) of the aliases sharing its matches."""
        index: dict[str, list[tuple[int, str]]] = {}
        for i, (alias, concept) in enumerate(self.aliases.items()):
            index.setdefault(concept, []).append((i, alias))
        return index

    def scoped_in(self, mentioned: set[str]) -> list[Deferred]:
        """The scoped matchers whose scope a document mentioning these concepts satisfies (in
        the order of ``scoped``), found through the concepts of each scope's first group: a
        large rulebook has hundreds of scopes, and a page mentions a few concepts."""
        index = self._scope_index
        candidates = sorted({i for c in mentioned for i in index.get(c, ())})
        return [self.scoped[i][1] for i in candidates if in_scope(self.scoped[i][0], mentioned)]

    def aliases_of(self, keys) -> list[tuple[str, str]]:
        """(alias, concept) of the aliases whose concept is one of ``keys`` (the keys a
        document matched), in the order of ``aliases``: found by concept, not by trying every
        alias (a large rulebook has hundreds, a page matches a few concepts)."""
        index = self._alias_index
        found = sorted(pair for k in keys if k in index for pair in index[k])
        return [(alias, self.aliases[alias]) for _, alias in found]

    def read_all(self) -> None:
        """Read now every part a rulebook loaded from the disk cache reads on first use (see
        TokenMatcher.read_all), the drug packs' matchers included."""
        self.matcher.read_all()
        for _, matcher in self.scoped:
            matcher.get().read_all()
        for prefilter in self.prefilters.values():
            prefilter.read_all()
        self.literals.read_all()

    def sequences(self) -> dict[str, list]:
        """Every matcher key's compiled token sequences (concepts, rules, scoped rules)."""
        out: dict[str, list] = {}
        for matcher in [self.matcher] + [m.get() for _, m in self.scoped]:
            for k, seqs in matcher.sequences.items():
                out.setdefault(k, []).extend(seqs)
        return out


def compile_rulebook(rulebook: Rulebook, nlp: Language) -> CompiledRulebook:
    """Compile every pattern; raises RulebookError naming file:line for each bad one."""
    concepts = {name: d.concept for name, d in rulebook.concepts.items()}
    compiler = PatternCompiler.for_nlp(nlp, concepts)
    matcher = TokenMatcher(nlp.vocab)
    regexes: list[tuple[re.Pattern, str]] = []
    problems: list[Problem] = []

    concept_words: dict[str, frozenset[str]] = {}
    for name, cdef in rulebook.concepts.items():
        try:
            seqs = compiler.compile(CONCEPT_PREFIX + name)
        except PatternError as exc:
            problems.append(Problem(cdef.file, cdef.line, str(exc)))
            continue
        matcher.add(CONCEPT_PREFIX + name, seqs)
        concept_words[CONCEPT_PREFIX + name] = _spelled_words(seqs)

    aliases: dict[str, str] = {}
    literals: dict[str, frozenset[str] | None] = Buckets()  # read by buckets from a cache entry
    scopes = _scope_checks(rulebook)
    scoped: dict[tuple[tuple[str, ...], ...], TokenMatcher] = {}

    def add(rule: Rule, part: str, patterns: list[Located]) -> None:
        only = str(patterns[0].value).strip() if len(patterns) == 1 else ""
        known = literals.get(rule.id, frozenset())
        if only.startswith(CONCEPT_PREFIX) and only[1:] in rulebook.concepts:
            aliases[key(rule.id, part)] = only  # "@isotretinoin" alone: reuse the concept's matches
            if known is not None:
                literals[rule.id] = known | concept_words.get(only, frozenset())
            return
        seqs = []
        for pattern in patterns:
            try:
                seqs.extend(compiler.compile(pattern.value))  # type: ignore[arg-type]
            except PatternError as exc:
                problems.append(Problem(rule.file, pattern.line, f"rule {rule.id}: {exc}"))
        if known is not None:
            literals[rule.id] = known | _spelled_words(seqs)
        if seqs:
            scope = scopes[rule.id]
            target = scoped.setdefault(scope, TokenMatcher(nlp.vocab)) if scope else matcher
            target.add(key(rule.id, part), seqs)

    policy_data = default_policy()
    policy: dict[str, dict[str, str]] = {}
    for pack in rulebook.packs:
        for rule in pack.rules:
            for part, patterns in rule.spec.items():
                if part == "regex":
                    literals[rule.id] = None
                    for pattern in patterns:
                        try:
                            regexes.append((re.compile(str(pattern.value)), key(rule.id, "regex")))
                        except re.error as exc:
                            problems.append(Problem(rule.file, pattern.line, f"rule {rule.id}: bad regex: {exc}"))
                elif part == "together":
                    for i, group in enumerate(patterns):
                        add(rule, f"together{i}", group.value)  # type: ignore[arg-type]
                else:
                    add(rule, part, patterns)
            policy[rule.id] = {
                **policy_data["default"],
                **policy_data.get(rule.category, {}),
                **rule.context,
            }
    if problems:
        raise RulebookError(problems)
    return CompiledRulebook(rulebook, matcher, regexes, aliases, policy, scopes, literals,
                            [(scope, Deferred(m)) for scope, m in scoped.items()])


def _spelled_words(seqs) -> frozenset[str]:
    return frozenset(w.lower() for seq in seqs for token in seq
                     for w in (literal_words(token) or ("", []))[1])


def in_scope(scope: tuple[tuple[str, ...], ...], mentioned: set[str]) -> bool:
    """Does a document mentioning these concepts satisfy the scope (one concept per group)?"""
    return all(any(c in mentioned for c in group) for group in scope)


def _scope_checks(rulebook: Rulebook) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per rule: groups of concepts; the document must mention one concept of every group."""
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for pack in rulebook.packs:
        for rule in pack.rules:
            out[rule.id] = tuple(g for g in (pack.scope, rule.scope) if g)
    return out
