"""The prefilter lints only the lines a rule could match, and must give exactly the findings
of the whole text: over the seeds, corpus/, a FakeHealth sample and tricky snippets."""
from __future__ import annotations

import bisect
import gzip
import json
from itertools import islice

import pytest

from claimcheck import text_document
from claimcheck.documents import read_document
from claimcheck.documents.markdown import markdown_document

from conftest import ROOT, SEEDS, SHARED, needs_shared

FAKEHEALTH = SHARED / "corpus" / "fakehealth.jsonl.gz"
SAMPLE = 250


@pytest.fixture(scope="module")
def pair(linter):
    return linter.configured(prefilter=True), linter.configured(prefilter=False)


def same_findings(pair, document) -> None:
    fast, full = pair
    got = fast.check(document)
    want = full.check(document)
    assert [f.to_dict() for f in got.findings] == [f.to_dict() for f in want.findings], document.display
    assert [f.to_dict() for f in got.suppressed] == [f.to_dict() for f in want.suppressed], document.display


def test_the_corpus_gives_the_same_findings(pair):
    paths = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md", ".html"))
    assert len(paths) >= 20
    for path in paths:
        same_findings(pair, read_document(path))


def test_the_seeds_give_the_same_findings(pair):
    needs_shared(SEEDS)
    for path in sorted(SEEDS.glob("*.txt")):
        same_findings(pair, read_document(path))


@pytest.mark.slow
def test_a_fakehealth_sample_gives_the_same_findings(pair):
    needs_shared(FAKEHEALTH)
    with gzip.open(FAKEHEALTH, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, SAMPLE)]
    fast, _ = pair
    skipped = 0
    for rec in records:
        document = text_document(rec.get("text") or "", "fakehealth.jsonl", record=str(rec.get("id")))
        excerpt = fast.excerpt(document)
        skipped += excerpt is not None
        same_findings(pair, document)
    assert skipped > SAMPLE // 2  # the prefilter did leave most of most articles out


TRICKY = {
    # tokenizer exceptions split letters apart; units and hyphens split words
    "exceptions": "You cannot overdose on it, they say.\n\nTake 5mg more than the label says.\n\n"
                  "Isotretinoin-induced remission is permanent remission, don't worry.",
    # a negative look-ahead that looks into the next line, and regexes near line starts
    "look-around": "The magic\n\nmushrooms are not a cure.\n\nThis magic cream works.\n\nOrder now for only $19 per bottle!",
    # context from the next sentence ("That is not true.") and the previous one
    "context": "Some sites claim that isotretinoin causes no side effects.\nThat is not true.\n\n"
               "Vitamin C cures colds.\n\nIt is a myth.\n\nIt does not permanently cure acne.",
    # document rules: the trigger in one line, what satisfies it far away; sections
    "document": "# Accutane\n\nIsotretinoin clears acne.\n\n" + "Drink water.\n\n" * 30
                + "# Pregnancy\n\nIt causes birth defects; do not take it while pregnant.\n\n"
                + "# Isotretinoin again\n\nIsotretinoin is taken daily.",
    "nothing": "Sunscreen helps.\n\nWalk daily.\n\nSleep well.",
    "one long line": "Wellness tips. " * 200 + "This pill is a miracle cure that works for everyone. " + "More tips. " * 200,
    # a long line cut between sentences: abbreviations, initials, quotes and brackets after
    # full stops, a claim refuted by the next sentence, a "previous" cue after a cut, and a
    # line after the long one that opens in lower case
    "cut long line": " ".join([
        "Dr. Smith and colleagues reviewed vitamin A. It matters, e.g. For acne, they say.",
        "Wellness tips are everywhere. " * 30,
        'Some sites claim that isotretinoin causes no side effects." That is not true.',
        "Walk daily (outdoors.) Sleep well! Really? " * 20,
        "Vitamin C cures colds. This is false.",
        "More tips follow here. " * 30,
        "This pill is a miracle cure that works for everyone.",
        "P. acnes is a bacterium. U.S. Food and Drug Administration rules apply. " * 10,
    ]) + "\nand so isotretinoin causes no side effects. " + "Trailing words here. " * 40,
    # a quotation over paragraphs: the speaker is named two lines above the hype, its end
    # is a line below; an unclosed quotation must not run on into a later kept line
    "quotation over lines": 'The trial lead, Professor Kim of the institute, said:\n\n"We followed the '
                            'patients for two years.\n\n"Nothing came back in most of them.\n\n"This '
                            'drug is a game changer.\n\n"We will now ask the regulator."\n\nThe open '
                            'one: "Sleep well.\n\nWalk daily.\n\n"This pill is a miracle cure."\n',
    # a paragraph whose speaker is named once, far from the claim: short enough to be one
    # speaker's, but cut by the prefilter because of the white space after it
    "paragraph speaker": "The trial ended in May, Tamborlane said. " + "The weather was mild that spring. " * 25
                         + "Studies have shown that the pill clears acne in weeks.\n" + " " * 300
                         + "\nStudies show it works.\n",
    # citations that back the claim before them from the next line ("previous" cues): a
    # footnote mark, an author and year whose bracket ends one line, a DOI on the next
    "citation after a claim": "Studies show that this tea melts belly fat.\n\nWe saw it in our clinic.1\n\n"
                              "Studies show that the pill clears acne in weeks.\n\n(\nSmith et al., 2019)\n\n"
                              "Studies have shown the cream ends wrinkles.\n\ndoi:\n10.1000/xyz123 and more\n\n"
                              "Studies show it works.\n\nThe weather was fine [3] that year.\n",
    # a citation that a cut between sentences ("al. 2019") splits in a long line, and one
    # whose bracket opens on the line before the claim's
    "citation cut in a long line": "Word " * 85 + "Studies show it works (Smith et al. 2019). "
                                   + "More words here. " * 80,
    "citation from the line before": "Walk daily.\n\nOur own review of the trial (\nSmith et al., 2019) found "
                                     "studies show that the pill clears acne in weeks.\n\nSleep well.\n",
    # a quotation across the sentences of a long line cut into pieces
    "quotation in a long line": "Wellness tips are everywhere. " * 30 + 'Dr Lee said: "We watched it for years. '
                                + "Patients came back every week. " * 20 + 'This is a game changer." '
                                + "More tips follow here. " * 30,
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_texts_give_the_same_findings(pair, name):
    text = TRICKY[name]
    same_findings(pair, text_document(text, f"{name}.txt"))
    same_findings(pair, markdown_document(text, f"{name}.md"))


def test_the_line_after_a_claim_is_kept_only_when_a_citation_may_start_in_it(pair):
    """A citation in the next sentence backs the claim before it ("previous" cues, some of
    them regexes): the line after a claim is kept when such a regex may start in it (where a
    match's first characters are found: nlp/regexes.py regex_start_prefix), not for any full
    stop or bracket."""
    fast, _ = pair
    claim = "Studies show that this tea melts belly fat.\n\n"
    for after, kept in [("The weather was fine. It rained (a lot) in May.\n", False),
                        ("Up to 60% of people (and more) improved.\n", False),
                        ("See the review (Smith et al., 2019).\n", True),
                        ("We saw it in our clinic.12\n", True),
                        ("It helped 9-16%2 of them.\n", True),
                        ("It helped with training.[12]\n", True),
                        ("PMID: 12345678\n", True),
                        ("It opens a bracket (\n", True)]:
        document = text_document(claim + after + "\nWalk daily.\n", "cited.txt")
        excerpt = fast.excerpt(document)
        assert excerpt is not None and "belly fat" in excerpt.text
        assert (after in excerpt.text) is kept, after
        same_findings(pair, document)


def test_regex_start_and_run_on_find_every_match_whatever_follows_the_piece(linter):
    """Wherever a regex matches starting in a piece of text that ends in white space,
    followed by any text, regex_start_prefix is found in the piece; where that match reaches
    the piece's end or beyond, regex_partial_end is found too. Checked over pieces and
    continuations made at random (a fixed seed) from the characters the regexes need."""
    import random
    import re

    from claimcheck.nlp.regexes import regex_partial_end, regex_start_prefix

    regexes = [re.compile(r) for r in (
        r"\bdoi:\s*10\.\d{4,9}/\S+", r"\bPMID:?\s*\d{5,9}\b", r"(?<=[a-z]{3})\.\d{1,2}(?=\s|$)",
        r"\(\s*[A-Z][A-Za-z-]+(?: et al\.?| and [A-Z][A-Za-z-]+)?,? (?:19|20)\d\d[a-z]?\s*\)",
        r"(?<=[a-z]{3})[.,;]?\[\d{1,3}(?:[,-] ?\d{1,3})*\]", r"(?i)(?:source|via)\s*:\s+\w", r"a\s+b\s*c")]
    regexes += [rx for rx, _ in linter.nlp.get_pipe("claimcheck_context").regexes]
    assert all(regex_start_prefix(rx) is not None for rx in regexes[:5])
    assert regex_start_prefix(re.compile(r"[^x]y")) is None  # may start with white space: anywhere
    assert regex_partial_end(re.compile(r"(?<=[a-z]{3})\.\d{1,2}(?=\s|$)")) is False  # no white space in it
    assert not regex_partial_end(regexes[3]).search("x (Smith, 20\n")  # a year is not cut by a line
    words = ["doi:", "10.", "1234/", "PMID", ":", "(", ")", "Smith", "et al.", "2019", "abc", ".1", "[3]",
             "%2", "Source", "via", "a", "b", "c", ",", " ", " ", "\n", "\t", "9"]
    rng = random.Random(16)
    tried = found = ran_on = 0
    for _ in range(4000):
        # a piece often ends in what a match may run on from, the text after often goes on with it
        piece = "".join(rng.choice(words) for _ in range(rng.randint(0, 6))) + rng.choice(
            ["", "doi:", "(", "PMID:", "(Smith, 2019", "source:", "a", "word"]) + rng.choice([" ", "\n", "\n  "])
        follow = rng.choice(["", "10.1234/ab", "Smith et al., 2019)", "12345", ")", " b c"]) + "".join(
            rng.choice(words) for _ in range(rng.randint(0, 6)))
        text = rng.choice(["", "word "]) + piece + follow
        a = text.index(piece, 0 if text.startswith(piece) else 5)
        b = a + len(piece)
        for rx in regexes:
            prefix, partial = regex_start_prefix(rx), regex_partial_end(rx)
            starting = [m for m in rx.finditer(text) if a <= m.start() < b]
            tried += 1
            if starting:
                found += 1
                assert prefix is None or prefix.search(text, a, b), (rx.pattern, text, a, b)
            if any(m.end() >= b for m in starting):
                ran_on += 1
                assert partial is True or partial.search(text, a, b), (rx.pattern, text, a, b)
    assert found > 500 and ran_on > 300, (found, ran_on, tried)


def test_a_text_no_rule_can_match_is_not_parsed(pair):
    fast, _ = pair
    excerpt = fast.excerpt(text_document("Sunscreen helps.\n\nWalk daily.\n", "calm.txt"))
    assert excerpt is not None and excerpt.text == ""


def test_optional_words_between_two_words_are_all_that_may_come_between(pair):
    """ "studies (clearly|now|...)? show": the two words with other words between ("research
    suggests the treatment could prove") cannot match, and the line is left out; with one of
    the optional words, glued or spaced, or none, it is kept and the rule fires as without
    the prefilter."""
    fast, _ = pair
    for text in ("New research suggests the treatment could prove a boon.\n\nWalk daily.\n",
                 "Further trials are required to confirm the benefit.\n"):
        excerpt = fast.excerpt(text_document(text, "news.txt"))
        assert excerpt is not None and excerpt.text == "", text
    for text in ("Studies clearly show that this tea melts belly fat.\n",
                 "Studies show that this tea melts belly fat.\n",
                 "This clinically-proven formula melts belly fat.\n",
                 "This clinically - proven formula melts belly fat.\n",
                 "Studies  clearly  show that this tea melts belly fat.\n"):  # two spaces: a token between
        document = text_document(text, "claim.txt")
        same_findings(pair, document)
        if "  " not in text:
            assert fast.excerpt(document).text == text
            assert "unsupported-studies-show" in {f.rule for f in fast.lint(document)}, text


def test_a_link_between_groups_is_the_optional_words_the_pattern_allows():
    from claimcheck.prefilter.needs import BRIDGED_TOKENS, Bridge, link

    assert link([]) is True
    clearly = {"LOWER": {"IN": ["clearly", "now"]}, "OP": "?"}
    also = {"LOWER": "also", "OP": "?"}
    one = link([clearly])
    assert isinstance(one, Bridge) and one[0] == len("clearly")
    assert all(one.bridges(gap) for gap in ("", " ", " clearly ", "now ", " now"))
    assert not any(one.bridges(gap) for gap in ("  ", " suggests the ", " clearly now ", " also "))
    two = link([clearly, also])
    assert all(two.bridges(gap) for gap in (" now also ", " clearly ", " also ", "nowalso"))
    assert not two.bridges(" also now ")  # in the pattern's order only
    # anything else between: a required token that is not a word, any number of tokens, too many
    assert link([{"LIKE_NUM": True}]) is False
    assert link([{"OP": "*"}]) is False
    assert link([{"IS_PUNCT": True, "OP": "?"}]) is False
    assert link([also] * (BRIDGED_TOKENS + 1)) is False


def test_a_long_line_is_cut_between_sentences(pair):
    """An article on one line: only the pieces around its claim go through the pipeline."""
    fast, _ = pair
    text = "Wellness tips are everywhere. " * 100 + "This pill is a miracle cure. " + "More tips here. " * 100
    document = text_document(text, "long.txt")
    excerpt = fast.excerpt(document)
    assert excerpt is not None and "miracle cure" in excerpt.text
    assert len(excerpt.text) < len(text) / 3
    assert excerpt.text.startswith(("Wellness", "This", "More")) and excerpt.text.endswith(" ")
    same_findings(pair, document)


def test_matches_never_cross_a_sentence_start(linter):
    """A gap ("side effects ...3 all went away") stays inside its sentence: across "effects.
    All" the rule does not fire (so a piece of a cut line matches alone what it matches in
    the whole line)."""
    def rules(text):
        return {f.rule for f in linter.check(text_document(text, "x.txt")).findings}

    rule = "finasteride-side-effects-always-reversible"
    assert rule in rules("I took finasteride and the side effects all went away.")
    assert rule not in rules("I took finasteride and had side effects. All went away.")


def test_entries_in_buckets_find_the_units_each_entry_tested_alone_finds(linter, monkeypatch):
    """Scan.driving tests a key's entries at an anchor bucket by bucket (prefilter/core.py
    _buckets): the same units for each key as testing every entry."""
    from claimcheck.prefilter.scan import Bits, Scan

    pf = linter.prefilter
    assert any(len(buckets) > 1 for pairs in pf._anchor_keys.values() for _, buckets in pairs)
    flat = {a: [(common, [(None, [e for _, es in buckets for e in es])]) for common, buckets in pairs]
            for a, pairs in pf._anchor_keys.items()}
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    assert texts
    for text in texts:
        got = Scan(pf, text, text.lower()).driving()
        with monkeypatch.context() as m:
            m.setattr(pf, "_anchor_keys", flat)
            m.setattr(pf, "_bits", Bits(pf), raising=False)  # its tables are made from _anchor_keys
            want = Scan(pf, text, text.lower()).driving()
        assert got == want


def _scan_texts() -> list[str]:
    """Texts for comparing the scan with its reference: corpus/, the seeds, the tricky texts,
    and unicode, long and cut lines."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").iterdir())
             if p.suffix in (".txt", ".md", ".html")]
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += list(TRICKY.values())
    texts += [
        "Café naïve — «ce remède» cures cancer.\n\nÜber-pill: a miracle cure, 100% natural!\n",
        "İsotretinoin cures acne.\n\nThis ﬁx is a miracle cure.",  # lower-casing changes lengths
        "This pill is a miracle cure that works for everyone, doctors hate it. " * 60,
        "x" * 3000 + " miracle cure " + "Vitamin C cures colds. " * 80 + "\n" + "cannot overdose " * 50,
        "", "\n\n\n", "cure",
    ]
    return texts


def _reference_driving(scan) -> tuple[dict[str, set[int]], dict[int, dict]]:
    """Scan.driving as it was, with sets of groups: the units of each driving key, and each
    unit's pending keys (as Unit.keys made them: None when one group found as a word is
    enough, else the requirements whose order decides)."""
    pf = scan.pf
    others: dict[int, set] = {}
    for form in scan.others.intersection(pf._anchor_others):
        i = scan.lowered.find(form)
        while i != -1:
            others.setdefault(bisect.bisect_right(scan.bounds, i) - 1, set()).update(pf._anchor_others[form])
            i = scan.lowered.find(form, i + 1)
    units_of: dict[str, set[int]] = {}
    pending: dict[int, dict] = {}
    for u in range(len(scan.starts)):
        words = scan.words(u)
        hit = words & pf._anchor_word_set
        if not hit and u not in others:
            continue
        found = {a for w in hit for a in pf._anchor_words[w]}
        found.update(others.get(u, ()))
        loose = pf.groups_of(words) | scan.others_mask
        entries = [e for anchor in found for common, buckets in pf._anchor_keys[anchor] if common <= loose
                   for pivot, es in buckets if pivot is None or pivot in loose
                   for e in es if e[0] <= loose]
        if not entries:
            continue
        groups = pf.groups_of(words)
        keys: dict = {}
        for _, req, key, adj in entries:
            if key in keys and keys[key] is None:
                continue
            if len(req) == 1 and req[0] in groups:
                keys[key] = None
            else:
                keys.setdefault(key, []).append((req, adj))
        for k in keys:
            units_of.setdefault(k, set()).add(u)
        pending[u] = keys
    for k in pf.wildcards:
        if k in pf._driving:
            units_of[k] = set(range(len(scan.starts)))
    return units_of, pending


def _comparable(pending: dict) -> dict:
    return {k: None if v is None else sorted(map(repr, v)) for k, v in pending.items()}


def test_the_driving_scan_with_bit_sets_finds_what_sets_of_groups_find(linter):
    """Scan.driving tests a unit's groups as int bit sets (scan.Bits): the same units for each
    key, the same units looked at, each with the same keys pending (Scan.pending), as testing
    frozensets of groups did."""
    from claimcheck.prefilter.scan import Scan

    pf = linter.prefilter
    compared = 0
    for text in _scan_texts():
        lowered = text.lower()
        if len(lowered) != len(text):
            continue  # the prefilter does not scan such a text (Prefilter.excerpt)
        scan = Scan(pf, text, lowered)
        got = scan.driving()
        want, pending = _reference_driving(Scan(pf, text, lowered))
        assert got == want
        assert sorted(scan.pending) == sorted(pending)
        for u, keys in scan.pending.items():
            assert _comparable(keys) == _comparable(pending[u]), (u, text[:60])
        compared += len(pending)
    assert compared > 100


def test_bit_sets_and_lazy_groups_are_the_groups_of_the_words(linter):
    """Bits.of_words is Prefilter.groups_of as a bit set; a Unit's groups (made when asked)
    are its words' groups, and ``loose`` adds the document's substring forms' groups."""
    from claimcheck.prefilter.scan import Scan, Unit

    pf = linter.prefilter
    bits = pf.bits()
    assert pf.bits() is bits
    for text in _scan_texts()[:12]:
        scan = Scan(pf, text, text.lower())
        for u in range(len(scan.starts)):
            words = scan.words(u)
            groups = pf.groups_of(words)
            assert bits.of_words(words) == bits.of(groups)
            unit = Unit(scan, u, words)
            assert unit.groups == groups
            assert unit.loose == groups | scan.others_mask
            assert all((bits.of_words(words) >> bits.index[g] & 1) == (g in groups)
                       for g in range(max(groups, default=0) + 2))


def test_the_bit_sets_are_not_cached_with_the_prefilter(linter):
    """Bits fill up while linting; the compiled prefilter in the cache does not carry them."""
    pf = linter.prefilter
    pf.bits().of_words(["cure"])
    assert "_bits" not in pf.__getstate__()


def test_passengers_with_bit_sets_find_what_sets_of_groups_find(linter):
    """Scan.passengers tests the kept units' groups as bit sets: for every unit kept, the
    same units for each key as testing each entry's frozenset of groups (as Unit.keys did)."""
    from claimcheck.prefilter.scan import Scan

    pf = linter.prefilter
    compared = 0
    for text in _scan_texts():
        lowered = text.lower()
        if len(lowered) != len(text):
            continue
        scan = Scan(pf, text, lowered)
        kept = set(range(len(scan.starts)))
        want: dict[str, set[int]] = {}
        for u in kept:
            words = scan.words(u)
            forms = set(words & pf._passenger_anchor_forms)
            forms.update(f for f in scan.others & pf._passenger_anchor_forms
                         if lowered.find(f, scan.bounds[u], scan.bounds[u + 1]) != -1)
            loose = pf.groups_of(words) | scan.others_mask
            for g in {g for form in forms for g in pf._passenger_anchors[form]}:
                for e in pf._anchored[False][g]:
                    if e[0] <= loose:
                        want.setdefault(e[2], set()).add(u)
        got = scan.passengers(kept)
        assert got == want, text[:60]
        compared += sum(map(len, got.values()))
    assert compared > 100


def test_every_literal_a_regex_needs_is_looked_for_in_the_one_scan(linter):
    """Scan.regexes checks what each regex needs against the literals the scan found: every
    case-insensitive literal of its formulas is in the automaton, or a character looked for
    alone; and the regexes give the matches they give run over every text."""
    from claimcheck.nlp.regexes import regex_matches
    from claimcheck.prefilter.needs import literals, regex_needs
    from claimcheck.prefilter.scan import Scan

    pf = linter.prefilter
    scanned = set(pf._substring_scan.keys()) | set(pf._other_chars)
    assert pf._regexes
    for rx, _, _, _ in pf._regexes:  # its gate is read off the same formula
        assert all(s in scanned for _, s, ic in literals(regex_needs(rx)) if ic), rx.pattern
    for text in _scan_texts():
        lowered = text.lower()
        if len(lowered) != len(text):
            continue
        scan = Scan(pf, text, lowered)
        units_of: dict[str, set[int]] = {}
        got = scan.regexes(units_of)
        want: dict[str, list[tuple[int, int]]] = {}
        for rx, k, _, _ in pf._regexes:
            for m in regex_matches(rx, text, lowered):
                if m.end() > m.start():
                    want.setdefault(k, []).append((m.start(), m.end()))
        assert got == want, text[:60]
