"""A page's site is its registered domain (audit/sites.py): a publisher's subdomains roll up
together, an archive's copy counts for the archived page's site, and stores written before
sites existed read (and migrate) with sites computed from their URLs."""
from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from claimcheck.audit.sites import site_of
from claimcheck.audit.store import SCHEMA, Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.parametrize("url, site", [
    ("https://consumer.healthday.com/cancer-information-5/x.html", "healthday.com"),
    ("http://online.wsj.com/article/x", "wsj.com"),
    ("https://www.bbc.co.uk/news/health-1", "bbc.co.uk"),  # a two-part public suffix
    ("https://Example.COM./page", "example.com"),
    ("example.org/page", "example.org"),  # no scheme
    ("https://web.archive.org/web/20170101000000/http://www.cnn.com/2017/01/x", "cnn.com"),
    ("http://web.archive.org/web/20160307025417id_/http://www.statnews.com/x", "statnews.com"),
    ("https://web.archive.org/web/2016*/nytimes.com/health", "nytimes.com"),
    ("https://archive.ph/2020.01.01-101010/https://news.example.co.uk/p", "example.co.uk"),
    ("https://archive.today/20200101/http://www.mayoclinic.org/x", "mayoclinic.org"),
    ("https://archive.is/o/AbCd/https://someone.blogspot.com/2019/x", "someone.blogspot.com"),
    ("https://webcache.googleusercontent.com/search?q=cache:Ab12:https://www.webmd.com/x", "webmd.com"),
    ("https://web.archive.org/web/2019/https://archive.ph/2018/https://www.npr.org/x", "npr.org"),
    ("https://alice.github.io/notes", "alice.github.io"),  # a private suffix: each owner a site
    ("http://192.168.1.20:8080/x", "192.168.1.20"),
    ("http://localhost:8000/draft", "localhost"),
    ("https://web.archive.org/", "archive.org"),  # the archive's own page
    ("not a url", None),
    ("javascript:alert(1)", None),
    ("mailto:someone@example.com", None),
    ("data:text/html,<b>x</b>", None),
    ("example.com:8080/x", "example.com"),
    ("", None),
    (None, None),
])
def test_the_site_of_a_url(url, site):
    assert site_of(url) == site


def _schema_2_store(path: Path) -> None:
    """A store as claimcheck wrote it before sites (schema 2: no documents.site)."""
    old = SCHEMA.replace("    site TEXT,", "--").replace("documents.site", "")
    assert "site TEXT" not in old
    db = sqlite3.connect(path)
    db.executescript(old)
    db.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    db.execute("INSERT INTO runs (id, started, status, analysis_key, rulebook_hash, config_hash, "
               "claimcheck_version, spacy_version, python_version, engine, jobs, sources) "
               "VALUES (1, 't', 'complete', 'k', 'r', 'c', '0.1', '3', '3.11', 'local', 1, '[]')")
    rows = [("p1", "https://web.archive.org/web/2017/http://www.cnn.com/a", "web.archive.org", "critical", 40),
            ("p2", "https://edition.cnn.com/b", "edition.cnn.com", None, 100),
            ("p3", "https://consumer.healthday.com/c", "consumer.healthday.com", "minor", 96)]
    for id_, url, domain, worst, score in rows:
        db.execute("INSERT INTO documents (id, source, url, domain, analysis_key, score, grade, worst, status, "
                   "run_id, checked_at) VALUES (?, 's', ?, ?, 'k', ?, 'A', ?, 'ok', 1, 't')",
                   (id_, url, domain, score, worst))
    db.commit()
    db.close()


def test_a_store_from_before_sites_reads_with_sites_and_is_left_untouched(cli, tmp_path):
    db = tmp_path / "old.sqlite"
    _schema_2_store(db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    html = tmp_path / "report.html"
    run = cli("report", "--db", str(db), "--format", "json", "--html", str(html))
    assert run.code == 0, run.err
    sites = {s["site"]: (s["documents"], s["risky"]) for s in run.json()["top_sites"]}
    assert sites == {"cnn.com": (2, 1), "healthday.com": (1, 0)}
    data = json.loads(html.read_text(encoding="utf-8").split('id="claimcheck-data">', 1)[1].split("</script>", 1)[0])
    site, title = data["page_fields"].index("site"), data["page_fields"].index("title")
    assert [(data["sites"][p[site]], p[title]) for p in data["pages"]] == [
        ("cnn.com", None), ("cnn.com", None), ("healthday.com", None)]  # no titles were kept then
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # a report never writes


def test_a_store_from_before_sites_is_migrated_when_opened_for_writing(tmp_path):
    db = tmp_path / "old.sqlite"
    _schema_2_store(db)
    with Store(db) as store:
        rows = {r["id"]: (r["domain"], r["site"]) for r in store.documents()}
        version = store.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert version == "3"
    assert rows == {"p1": ("web.archive.org", "cnn.com"), "p2": ("edition.cnn.com", "cnn.com"),
                    "p3": ("consumer.healthday.com", "healthday.com")}


@pytest.mark.skipif(not (SHARED / "corpus" / "fakehealth.jsonl.gz").exists(),
                    reason="../shared/corpus/fakehealth.jsonl.gz is absent")
def test_fakehealth_archive_copies_count_for_their_publishers():
    """On FakeHealth, a quarter of the stories are Wayback Machine copies: none of them is a
    site of its own, and a publisher's hosts are one site."""
    with gzip.open(SHARED / "corpus" / "fakehealth.jsonl.gz", "rt", encoding="utf-8") as f:
        sites = Counter(site_of(json.loads(line).get("url")) for line in f)
    assert sites["archive.org"] == 0
    assert "consumer.healthday.com" not in sites and sites["healthday.com"] > 221
    assert "online.wsj.com" not in sites and sites["wsj.com"] > 0
