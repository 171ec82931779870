"""requires: when the document (or a section) mentions X, it must also mention Y.

    when: ["@isotretinoin"]
    require: ["pregnancy|pregnant", "birth defect", "contraception", "iPLEDGE"]
    about: ["@offer", "@intake"]   # optional: only a document that sells or instructs about X
    within: document          # or: section (text between two headings)

The finding points at the first mention of X (in the document, or in each section lacking Y);
the rule's suggestion `insert` is the text to add.

A mention is not a subject: with ``about``, the rule applies only to a document with at least
ABOUT_SENTENCES sentences that match an ``about`` pattern in their own voice (no negation,
question, warning, report or refutation bears on the pattern), or that carry a finding of a
PROMOTING category, in a paragraph that mentions X ("Buy Accutane online. Take it daily."): a
shop's offers, a guide's doses, a post's praise. A match inside a mention of X counts once:
the strength in "Accutane 20 mg" says a dose, but repeated down a leaflet ("Finasteride 5 mg
Tablets") it is the product's name; a promoting finding whose words hold X's name is about
something X names ("nature's Ozempic"), not about X. One sentence with a DECISIVE finding (an offer
to sell, a dose to take) is enough. A news story that names the drug, a supplement "like Ozempic", a warning
against buying it online are not about it in that way.

X named as a yardstick ("cheaper than Ozempic", "a natural alternative to Viagra", "Ozempic-like")
is no mention of it for ``about``: such a sentence does not count, nor does its paragraph. A
sentence without X counts (its "it" is X: "Buy Accutane online. Take it daily.") unless it names
another product (a supplement, another drug): "The cost of a bottle of berberine is $30" beside
Ozempic's price is about berberine.

A drug's reference information (a page that opens as a patient leaflet, a medication guide,
prescribing information, a monograph's "Precautions": nlp/context.yaml ``reference_document``)
has no sentences about X in this sense: it is where the warnings are, and a copy of it is often
one section of it.

Nor does a sentence in the first person singular with no "you" in it: a diary names doses
without telling a reader to take them ("I have been prescribed 25 mg"); nor one about a
company's business ("the top-selling drug had sales of $2.7 billion", "investors had hoped").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..nlp.context import not_its_own
from .base import Candidate, MatchView, Option, chosen_mentions, key, longest_first

NAME = "requires"
KEYS = ("when", "require", "about")
REQUIRED = ("when", "require")
OPTIONS = {"within": Option(choices=("document", "section"))}
SCOPE = "document"
ANY_TRIGGER = False
ABOUT_SENTENCES = 2
# context that makes a sentence no offer or instruction of the document's own (context.yaml)
NOT_ITS_OWN = not_its_own()
# findings that show a document promoting what it names: claims of efficacy and safety, hype,
# anecdotes, offers and doses (a wrong name or a wrong fact alone does not)
PROMOTING = frozenset({"overclaim", "risk-minimization", "unsafe-sourcing", "dosing", "sensational", "testimonial"})
# ... of which these alone make a document about X: it sells X, or tells how much of it to take
DECISIVE = frozenset({"unsafe-sourcing", "dosing"})
# words before X (lower case) that make it a yardstick, not the subject: "cheaper than X"
YARDSTICK_BEFORE = frozenset({"than", "like", "versus", "vs", "vs.", "natural", "herbal", "nature's",
                              "nature’s", "instead of", "alternative to", "alternatives to", "compared to",
                              "compared with", "similar to", "rival to", "man's", "man’s", "as good as",
                              "as effective as"})
# ... and after it: "an Ozempic alternative", "Ozempic-like"
YARDSTICK_AFTER = frozenset({"alternative", "alternatives", "substitute", "substitutes", "dupe", "dupes",
                             "-like"})
# concepts that name another product a sentence may be about
OTHER_PRODUCTS = ("@supplement", "@rx-drug")
FIRST_PERSON = frozenset({"i", "my", "me", "i'm", "i've", "myself"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})
# a concept whose words are a company's business, not a sale to a reader (core.yaml)
BUSINESS = "@business"


@dataclass
class Facts:
    """What a part of a document (or a whole one) tells a document rule: the mentions of X by
    group (None: the document; else a section), in order; the groups where Y is mentioned; the
    sentences that make the document about X (see ``about``): their first token, and how much
    each counts towards ``about_needed``."""

    mentions: dict[int | None, list[Candidate]] = field(default_factory=dict)
    satisfied: set[int | None] = field(default_factory=set)
    about: list[tuple[int, int]] = field(default_factory=list)


def keeps(rule) -> tuple[tuple[str, ...], bool]:
    """What the prefilter must keep besides the mentions of X: the mentions of Y (they decide
    whether X's first mention is a finding), and with ``about`` the whole paragraph of each
    mention of X (its sentences may be about X)."""
    return ("require",), bool(rule.spec.get("about"))


def triggers(rule) -> list[str]:
    return ["when"]


def about_needed(rule) -> int:
    """Sentences about X a document needs for the rule to apply (0: any mention will do)."""
    return ABOUT_SENTENCES if rule.spec.get("about") else 0


def find(rule, view: MatchView) -> list[Candidate]:
    return chosen_mentions(rule, find_part(rule, view), chosen)


def candidates_per_group(rule) -> int:
    """The mentions of each group the engine keeps from the parts: the first is the finding."""
    return 1


def merge(rule, a: Facts, b: Facts) -> Facts:
    """What two parts tell together (their mentions are the engine's to keep)."""
    return Facts(satisfied=a.satisfied | b.satisfied, about=a.about + b.about)


def chosen(rule, facts: Facts, group) -> int | None:
    """Which mention of a group is the finding (the first), or None: Y is mentioned, or the
    document is not about X."""
    if group in facts.satisfied or sum(weight for _, weight in facts.about) < about_needed(rule):
        return None
    return 0


def find_part(rule, view: MatchView, owned=None) -> Facts:
    """The facts of one part of a long document (or of a whole one; ``owned(token)``: whether
    the part owns a token, so that sentences about X are counted once). Over the whole
    document, the findings are the first mention of each group that no part satisfies, when
    the parts hold enough sentences about X."""
    group = view.section_index if rule.within == "section" else (lambda token: None)
    facts = Facts(satisfied={group(s) for s, _ in view.get(key(rule.id, "require"))})
    for start, end in longest_first(view.get(key(rule.id, "when"))):  # "Accutane 40 mg", not "Accutane"
        facts.mentions.setdefault(group(start), []).append(Candidate(start, end, insert=True))
    if about_needed(rule) and not view.reference:  # a leaflet is where the warnings are
        names = view.get(key(rule.id, "when"))
        plain = [(s, e) for s, e in names if not _yardstick(view.doc, s, e)]
        mentioned = {view.paragraph_index(s) for s, _ in plain}
        with_x = {view.sentence_index(s) for s, _ in plain}
        compared = {view.sentence_index(s) for s, _ in names} - with_x
        others = {view.sentence_index(s) for concept in OTHER_PRODUCTS for s, e in view.get(concept)
                  if not any(a <= s and e <= b for a, b in names)}

        def inside_name(start: int, end: int) -> bool:
            # a word inside a mention is part of X's name: "Accutane 20 mg" once says which
            # dose, but "Finasteride 5 mg Tablets" repeated down a leaflet is its name
            return any(s <= start and end <= e for s, e in names)

        def around_name(start: int, end: int) -> bool:
            # a claim whose words hold X's name is about something else that X names: the
            # nickname "nature's Ozempic", "as good as Accutane"
            return any(s < end and start < e for s, e in names)

        business = {view.sentence_index(s) for s, _ in view.get(BUSINESS)}
        own: set[int] = set()
        strength_seen = False
        for s, e in sorted(view.get(key(rule.id, "about"))):
            if view.context_of(s, e) & NOT_ITS_OWN:
                continue
            i = view.sentence_index(s)
            sentence = view.doc[view.sents[i][0]:view.sents[i][1]]
            if _diary(sentence) or i in business:
                continue
            if inside_name(s, e):
                if strength_seen:
                    continue
                strength_seen = True
            own.add(i)
        weight: dict[int, int] = {}
        for i, found in view.found.items():
            for start, end, category, context in found:
                if context & NOT_ITS_OWN:
                    continue
                if category in DECISIVE:
                    weight[i] = ABOUT_SENTENCES
                elif category in PROMOTING and not around_name(start, end):
                    weight.setdefault(i, 1)
        own.update(weight)
        facts.about = [(view.sents[i][0], weight.get(i, 1)) for i in sorted(own)
                       if view.paragraph_index(view.sents[i][0]) in mentioned and i not in compared
                       and (i in with_x or i not in others)
                       and (owned is None or owned(view.sents[i][0]))]
    return facts


def _diary(sentence) -> bool:
    """A sentence in the first person singular that does not address the reader."""
    words = {t.lower_ for t in sentence}
    return not words.isdisjoint(FIRST_PERSON) and words.isdisjoint(SECOND_PERSON)


def _yardstick(doc, start: int, end: int) -> bool:
    """X, at tokens [start, end), named as what something else is compared with."""
    before = [t.lower_ for t in doc[max(0, start - 3):start] if not t.is_space and t.lower_ not in ('"', "“", "‘", "'")]
    if before and (before[-1] in YARDSTICK_BEFORE or " ".join(before[-2:]) in YARDSTICK_BEFORE
                   or "".join(before[-2:]) in YARDSTICK_BEFORE or " ".join(before[-3:]) in YARDSTICK_BEFORE):
        return True
    after = [t.lower_ for t in doc[end:end + 2] if not t.is_space]
    return bool(after) and (after[0] in YARDSTICK_AFTER or "".join(after[:2]) in YARDSTICK_AFTER)
