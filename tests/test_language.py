"""Pages in another language than the rulebook's get no findings and no grade, and say so:
the language is detected offline (nlp/language.py) and reported per document."""
from __future__ import annotations

import gzip
import json
import re
import sqlite3

import pytest

from claimcheck import text_document
from claimcheck.audit.store import SCHEMA, SCHEMA_VERSION, Store
from claimcheck.nlp.language import detect

from conftest import SHARED, needs_shared

# Written for these tests: Spanish and German pages that carry English drug words and an
# English offer, which English rules would match.
SPANISH = (
    "Comprar isotretinoin online without a prescription es muy fácil en nuestra farmacia. "
    "Los pacientes con acné severo buscan tratamientos que funcionen de verdad, y muchos "
    "preguntan por los precios y por los efectos secundarios. Nuestro equipo responde a todas "
    "las preguntas sobre el tratamiento y el envío a domicilio en toda España.\n"
)
GERMAN = (
    "Viele Menschen kaufen Medikamente im Internet, auch Isotretinoin und Ozempic, oft ohne "
    "Rezept und ohne ärztliche Beratung. Die Verbraucherzentrale warnt vor gefälschten "
    "Arzneimitteln aus unseriösen Versandapotheken und rät, nur bei zugelassenen Apotheken zu "
    "bestellen, die das Sicherheitslogo der Europäischen Union tragen.\n"
)
ENGLISH = ("Buy isotretinoin online without a prescription from our pharmacy today. Many patients "
           "with severe acne ask about prices, and our team answers every question about the "
           "treatment and delivery to your home. Orders placed before noon are shipped on the same "
           "day, in plain packaging.\n")


def test_detects_the_languages_of_pages_and_leaves_short_texts_alone():
    assert detect(SPANISH).code == "es" and detect(GERMAN).code == "de"
    assert detect(ENGLISH).code == "en"
    assert detect("Accutane cures acne.") is None  # too short to tell: every rule applies


def test_read_all_loads_the_model_before_any_document_needs_it(linter):
    """Linter.read_all, which an audit calls before forking its workers, loads the language
    model too: the workers share it, and no document pays for loading it."""
    from claimcheck.nlp import language

    language._identifier.cache_clear()
    linter.read_all()
    assert language._identifier.cache_info().currsize == 1
    assert detect(SPANISH).code == "es"
    assert language._identifier.cache_info().misses == 1  # the one read_all made


def test_a_page_in_another_language_is_skipped_with_its_language(cli, tmp_path):
    (tmp_path / "es.txt").write_text(SPANISH, encoding="utf-8")
    (tmp_path / "de.md").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    run = cli("lint", str(tmp_path / "es.txt"), str(tmp_path / "de.md"))
    assert run.code == 0, run.out
    assert run.out.splitlines() == [
        f"{tmp_path / 'es.txt'}: skipped: written in Spanish (es); no rule pack is for es",
        f"{tmp_path / 'de.md'}: skipped: written in German (de); no rule pack is for de",
        "No findings in 0 files; 2 files skipped.",
    ]
    data = cli("lint", str(tmp_path), "--format", "json").json()
    files = {f["path"].rsplit("/", 1)[1]: f for f in data["files"]}
    assert (files["es.txt"]["language"], files["es.txt"]["grade"], files["es.txt"]["findings"]) == ("es", None, [])
    assert files["en.txt"]["language"] == "en" and files["en.txt"]["findings"]
    short = cli("lint", "-", "--format", "json", input="Accutane gives permanent remission.\n").json()
    assert short["files"][0]["language"] is None and short["files"][0]["findings"]


def test_a_pack_in_another_language_applies_to_pages_in_it(cli, tmp_path):
    pack = tmp_path / "es.yaml"
    pack.write_text(
        "pack: farmacia\nlanguage: es\nrules:\n"
        "  - id: es-comprar-sin-receta\n    category: unsafe-sourcing\n    severity: critical\n"
        "    message: Ofrece medicamentos sin receta.\n    match: [\"comprar ... online\"]\n"
        "    examples:\n      fire: [Comprar Accutane online hoy.]\n      no_fire: [Nunca compre medicamentos en la calle.]\n",
        encoding="utf-8")
    (tmp_path / "es.txt").write_text(SPANISH, encoding="utf-8")
    (tmp_path / "en.txt").write_text("Comprar isotretinoin online. " + ENGLISH, encoding="utf-8")
    data = cli("lint", str(tmp_path / "es.txt"), str(tmp_path / "en.txt"), "--rules", str(pack),
               "--format", "json").json()
    rules = {f["path"].rsplit("/", 1)[1]: {x["rule"] for x in f["findings"]} for f in data["files"]}
    assert rules["es.txt"] == {"es-comprar-sin-receta"}  # the Spanish pack only
    assert "es-comprar-sin-receta" not in rules["en.txt"] and "isotretinoin-buy-online" in rules["en.txt"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(pack.read_text(encoding="utf-8").replace("language: es", "language: Spanish"), encoding="utf-8")
    run = cli("lint", str(tmp_path / "es.txt"), "--rules", str(bad))
    assert run.code == 2 and f"{bad}:2: 'language' must be a two-letter ISO 639-1 code" in run.err


def test_the_audit_store_records_the_language(cli, tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                            [("es", SPANISH), ("en", ENGLISH), ("short", "It cures acne.")]), encoding="utf-8")
    db = tmp_path / "audit.sqlite"
    assert cli("audit", str(dump), "--db", str(db), "--jobs", "1").code == 0
    con = sqlite3.connect(db)
    rows = {r[0].rsplit("[", 1)[1][:-1]: r[1:] for r in con.execute(
        "SELECT id, language, status, grade, findings, error FROM documents")}
    con.close()
    assert rows["es"][:4] == ("es", "skipped", None, 0) and "written in Spanish" in rows["es"][4]
    assert rows["en"][:2] == ("en", "ok") and rows["en"][3] > 0
    assert rows["short"][:2] == (None, "ok")


def test_a_store_from_before_languages_is_migrated_on_open(tmp_path):
    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(SCHEMA.replace("    language TEXT,                    -- ISO 639-1 code detected, NULL when too short to tell\n", ""))
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.commit()
    con.close()
    Store(db).close()
    con = sqlite3.connect(db)
    assert "language" in {r[1] for r in con.execute("PRAGMA table_info(documents)")}
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    con.close()


def test_no_page_of_the_development_set_in_another_language_gets_a_finding(linter):
    path = SHARED / "corpus" / "wild-pages.jsonl.gz"
    needs_shared(path)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        pages = [json.loads(line) for line in f]
    foreign = [p for p in pages if p["lang"] != "en"]
    assert len(foreign) == 12
    for page in foreign:
        checked = linter.check(text_document(page["text"], page["id"]))
        assert (checked.language, checked.findings) == (page["lang"], []), page["id"]
    english = [p for p in pages if p["lang"] == "en"]
    assert all(linter.check(text_document(p["text"], p["id"])).language == "en" for p in english)


@pytest.mark.parametrize("text", [SPANISH, GERMAN])
def test_language_of_a_long_document_is_told_from_its_start(text):
    assert detect(text * 2000).code == detect(text).code


@pytest.mark.parametrize("text", ["", "Plain ASCII words, digits 123 and under_scores.", "A\tB\nc-d'e",
                                  "Non-ASCII: café, naïve, Straße, ½ and ² and \u212a (Kelvin).",
                                  "Curly \u201cquotes\u201d, it\u2019s \u2013 dashes\u00a0and \u0663 digits"])
def test_the_ascii_shortcuts_count_what_the_regexes_count(text):
    from claimcheck.nlp import language

    assert language._letters(text) == len(re.findall(r"[^\W\d_]", text))
    lowered = text.lower()
    if lowered.isascii() or language._NON_ASCII_LETTER.search(lowered) is None:
        assert language._ASCII_WORD.findall(lowered) == language._WORD.findall(lowered)


def test_the_ascii_word_shortcut_holds_wherever_it_is_taken():
    """Over every character, alone and between words: where no letter out of ASCII is found,
    the ASCII regex finds the words the Unicode one finds."""
    from claimcheck.nlp import language

    taken = 0
    for code in range(0x30000):
        ch = chr(code)
        for text in (ch, f"ab{ch}cd", f"x {ch}y", f"{ch}\u2019s"):
            lowered = text.lower()
            if lowered.isascii() or language._NON_ASCII_LETTER.search(lowered) is None:
                taken += 1
                assert language._ASCII_WORD.findall(lowered) == language._WORD.findall(lowered), hex(code)
    assert taken > 100_000
