"""The five seed articles: the claims product.md names are caught, the look-alikes are not."""
import pytest

from claimcheck import text_document
from conftest import SEEDS, needs_shared


@pytest.fixture(scope="module")
def seed_findings(linter):
    needs_shared(SEEDS)
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name[:3]] = (text, linter.lint(text_document(text, str(path))))
    return out


@pytest.mark.parametrize("seed, rule, text", [
    ("003", "overclaim-permanent-remission", "permanent remission"),  # "Many patients experience permanent remission"
    ("003", "overclaim-only-solution", "the only effective solution"),
    ("003", "isotretinoin-antibacterial", "Kills Acne-Causing Bacteria"),
    ("004", "isotretinoin-buy-online", "Buy isotretinoin online"),
    ("001", "unsupported-studies-show", "Studies show"),
    ("003", "unsupported-statistic", "Up to 90% reduction"),
    ("000", "outdated-propionibacterium", "Propionibacterium acnes"),
    ("003", "risk-tolerated-well", "most people tolerate Isotretinoin very well"),
    ("003", "sensational-hype", "power pill"),
    ("002", "sensational-hype", "secret weapon"),
    ("002", "sensational-hype", "game-changer"),
    ("004", "testimonial-anecdotes", "Many users report"),
    ("000", "testimonial-anecdotes", "Success Stories"),
    ("004", "isotretinoin-antibacterial", "antimicrobial effects"),
    ("001", "sourcing-pharmacy-referral", "visit dosepharmacy"),
])
def test_seed_claims_are_caught(seed_findings, seed, rule, text):
    source, findings = seed_findings[seed]
    hits = [f for f in findings if f.rule == rule and f.text == text]
    assert hits, f"{rule} did not flag {text!r} in seed {seed}"
    for f in hits:  # the reported position points at the text in the file as the user sees it
        line = source.split("\n")[f.position.line - 1]
        assert line[f.position.column - 1:].startswith(text)


@pytest.mark.parametrize("seed, sentence_start", [
    ("002", "Ever wondered about the magic behind those incredible skin transformations you see online?"),
    ("003", "Bacterial growth: Particularly Cutibacterium acnes (formerly Propionibacterium acnes)."),
    ("002", "However, it's important to note that some individuals may experience a relapse"),
    ("002", "Because isotretinoin 20mg addresses these root causes, it can lead to long-term acne remission"),
    ("001", "Many patients experience long-term remission, but some may need a second course."),
])
def test_look_alikes_are_not_flagged(seed_findings, seed, sentence_start):
    _, findings = seed_findings[seed]
    hits = [f for f in findings if f.sentence.startswith(sentence_start)]
    allowed = {"sensational-hype"} if "magic" in sentence_start else set()  # "magic" is hype; "online" is no offer
    assert {f.rule for f in hits} <= allowed, [(f.rule, f.text) for f in hits]
    assert all(f.text == "magic" for f in hits)


def test_seeds_with_the_pregnancy_warning_get_no_missing_warning(seed_findings):
    for seed, (_, findings) in seed_findings.items():
        assert not [f for f in findings if f.rule == "isotretinoin-missing-pregnancy-warning"], seed
