"""A compiled rulebook finds what a document needs through indexes (a large rulebook has
hundreds of scopes and aliases; a page matches a few concepts): they must give what trying
every entry gives, in the same order."""
from __future__ import annotations

import random

from claimcheck.rulebook.compiled import CompiledRulebook, in_scope

CONCEPTS = [f"@c{i}" for i in range(12)]


def compiled_with(scoped=(), aliases=None) -> CompiledRulebook:
    return CompiledRulebook(None, None, [], aliases or {}, {}, {}, scoped=list(scoped))  # type: ignore[arg-type]


def test_the_scoped_matchers_a_document_gets_are_those_whose_every_group_it_mentions():
    rng = random.Random(16)
    scoped = [(tuple(tuple(rng.sample(CONCEPTS, rng.randint(1, 3))) for _ in range(rng.randint(1, 2))), f"m{i}")
              for i in range(60)]
    compiled = compiled_with(scoped=scoped)
    sizes = set()
    for _ in range(300):
        mentioned = set(rng.sample(CONCEPTS, rng.randint(0, 5)))
        got = compiled.scoped_in(mentioned)
        assert got == [m for scope, m in scoped if in_scope(scope, mentioned)]
        sizes.add(len(got))
    assert 0 in sizes and max(sizes) > 5  # some pages in no scope, some in many


def test_the_aliases_a_document_gets_are_those_of_the_concepts_it_matched_in_their_order():
    rng = random.Random(7)
    aliases = {f"rule-{i}:triggers": rng.choice(CONCEPTS) for i in range(80)}
    compiled = compiled_with(aliases=aliases)
    for _ in range(300):
        matched = set(rng.sample(CONCEPTS, rng.randint(0, 4))) | {"rule-3:triggers", "other"}
        got = compiled.aliases_of(matched)
        assert got == [(a, c) for a, c in aliases.items() if c in matched]
    assert compiled.aliases_of(set()) == []
