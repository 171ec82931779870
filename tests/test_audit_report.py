"""claimcheck report over audit stores built with the Store API: the summary's figures as a
user reads them (text and JSON), the HTML report opened as a browser would parse it with
hostile page content in every field, the CSV and Parquet exports read back, and the errors
(missing or foreign database, unwritable output, no pyarrow) with their exit code 2.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import json
import sqlite3
import sys
from collections import Counter
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from claimcheck.audit.store import FINDING_COLUMNS, DocumentRow, Store, finding_row
from claimcheck.findings import CATEGORIES, SEVERITY_NAMES

RANKS = {"critical": 4, "major": 3, "minor": 2, "info": 1}
XSS = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
ATTR = "' onmouseover='x"
LINK_BREAKOUT = 'https://ok.example/p?q="><svg/onload=alert(1)>'  # a link, its quote escaped


def finding(rule: str, category: str, severity: str, sentence: str = "It is a miracle cure.",
            text: str = "miracle", **extra) -> dict:
    """A findings-table row by hand, every FINDING_COLUMNS key present."""
    start = sentence.find(text)
    row = dict.fromkeys(FINDING_COLUMNS)
    row.update(rule=rule, category=category, severity=severity, severity_rank=RANKS.get(severity, 1),
               message=f"{rule} message", line=1, column=start + 1, end_line=1,
               end_column=start + len(text) + 1, start=start, end=start + len(text), text=text,
               sentence=sentence, sentence_start=start, sentence_end=start + len(text),
               replacement=None, advice="Say what the evidence supports.", insert_text=None,
               refs="[]", context="[]", scope="sentence", pack="core")
    row.update(extra)
    return row


def make_store(path: Path, docs: list[DocumentRow], complete: bool = True) -> Path:
    with Store(path) as store:
        run = store.begin_run(started="2024-05-01T10:00:00Z", analysis_key="k", rulebook_hash="r",
                              config_hash="c", claimcheck_version="0.1", spacy_version="3",
                              python_version="3.11", engine="local", jobs=2, sources='["dump.jsonl"]')
        store.write(docs, run, "2024-05-01T10:00:05Z")
        if complete:
            store.end_run(run, "complete", "2024-05-01T10:01:00Z",
                          {"documents": len(docs), "analysed": len(docs) - 1, "unchanged": 0,
                           "errors": sum(d.status == "error" for d in docs),
                           "findings": sum(len(d.findings) for d in docs)})
    return path


BUY = finding("isotretinoin-buy-online", "unsafe-sourcing", "critical",
              "Buy isotretinoin online today.", "Buy isotretinoin online")
HYPE = finding("sensational-miracle", "sensational", "minor")
FOREVER = finding("overclaim-permanent-remission", "overclaim", "major",
                  'A "permanent remission", for all,\nforever.', "permanent remission",
                  replacement="long-term remission")


def known_docs() -> list[DocumentRow]:
    """Four checked pages on two sites (one a duplicate), an error and a skipped image."""
    def page(id_, domain, score, grade, findings, **kw):
        return DocumentRow(id_, "dump.jsonl", record=id_, url=f"https://{domain}/{id_}", domain=domain,
                           content_hash=id_, analysis_key="k", words=100, score=score, grade=grade,
                           worst=max((f["severity"] for f in findings), key=RANKS.get, default=None),
                           findings=findings, **kw)
    return [
        page("a1", "a.example", 20, "F", [BUY, HYPE, HYPE]),
        page("a2", "a.example", 90, "A", [HYPE]),
        page("b1", "b.example", 60, "D", [FOREVER]),
        page("b1-copy", "b.example", 60, "D", [FOREVER], duplicate_of="b1"),
        DocumentRow("broken", "dump.jsonl", domain="c.example", analysis_key="k", status="error",
                    error="not UTF-8 at byte 12"),
        DocumentRow("logo.png", "crawl.warc", analysis_key="k", status="skipped"),
    ]


@pytest.fixture
def known(tmp_path) -> Path:
    return make_store(tmp_path / "audit.sqlite", known_docs())


def sections(text: str) -> dict[str, list[list[str]]]:
    """The text summary as {heading: rows of whitespace-separated cells}."""
    out = {}
    for block in text.strip().split("\n\n"):
        heading, *rows = block.splitlines()
        out[heading] = [r.split() for r in rows]
    return out


def test_text_summary_figures(cli, known):
    run = cli("report", "--db", str(known))
    assert run.code == 0, run.err
    assert run.err == ""
    s = sections(run.out)
    documents = {" ".join(r[:-1]): r[-1] for r in s["Documents"]}
    assert documents == {"total": "6", "ok": "4", "errors": "1", "skipped": "1", "duplicates": "1",
                         "findings": "6", "mean score": "57.5"}
    assert ["status", "complete"] in s["Last run (#1, 1 in all)"]
    assert ["analysed", "5"] in s["Last run (#1, 1 in all)"]
    grades = {r[0]: r[1] for r in s["Grades"][1:]}
    assert grades == {"A": "1", "B": "0", "C": "0", "D": "2", "F": "1"}
    matrix = {r[0]: r[1:] for r in s["Findings by category and severity"]}
    assert matrix["category"] == [*SEVERITY_NAMES, "total"]
    assert set(CATEGORIES) < set(matrix)
    assert matrix["unsafe-sourcing"] == ["1", "0", "0", "0", "1"]
    assert matrix["sensational"] == ["0", "0", "3", "0", "3"]
    assert matrix["overclaim"] == ["0", "2", "0", "0", "2"]
    assert matrix["dosing"] == ["0", "0", "0", "0", "0"]
    assert matrix["total"] == ["1", "2", "3", "0", "6"]
    rules = s["Top 10 rules"]
    assert rules[1] == ["sensational-miracle", "sensational", "3", "2"]
    assert rules[2] == ["overclaim-permanent-remission", "overclaim", "2", "2"]
    sites = s["Riskiest 10 sites (share of pages with a major or critical finding, then mean score)"]
    # b.example: both pages major (one a duplicate: still a page of the site); a.example: one of two
    assert sites[1:] == [["b.example", "2", "100%", "2", "2", "60"], ["a.example", "1", "50%", "2", "4", "55"]]
    worst = [r for r in s["Worst 10 pages (lowest score, then most critical findings)"] if r[0].endswith(".")]
    assert [r[-1] for r in worst] == ["a1", "b1", "a2"]  # the duplicate b1-copy is not listed again
    assert "critical isotretinoin-buy-online 1:1:" in run.out.replace("  ", " ")
    assert s["Errors (1)"] == [["broken:", "not", "UTF-8", "at", "byte", "12"]]


def test_json_summary_parses_back(cli, known):
    data = cli("report", "--db", str(known), "--format", "json").json()
    assert data["documents"] == {"total": 6, "ok": 4, "errors": 1, "skipped": 1, "duplicates": 1,
                                 "mean_score": 57.5}
    assert data["grades"] == {"A": 1, "B": 0, "C": 0, "D": 2, "F": 1}
    assert data["findings"] == 6
    assert data["by_severity"] == {"critical": 1, "major": 2, "minor": 3, "info": 0}
    assert list(data["by_category"]) == list(CATEGORIES)
    assert data["by_category"]["sensational"]["minor"] == 3
    assert data["top_rules"][0] == {"rule": "sensational-miracle", "category": "sensational",
                                    "findings": 3, "documents": 2,
                                    "by_severity": {"critical": 0, "major": 0, "minor": 3, "info": 0}}
    assert data["scores"] == {"100": 0, "90-99": 1, "80-89": 0, "70-79": 0, "60-69": 2, "50-59": 0,
                              "40-49": 0, "30-39": 0, "20-29": 1, "10-19": 0, "0-9": 0}
    assert data["words"] == 400
    assert data["top_sites"] == [
        {"site": "b.example", "documents": 2, "risky": 2, "risk": 1.0, "findings": 2, "mean_score": 60.0},
        {"site": "a.example", "documents": 2, "risky": 1, "risk": 0.5, "findings": 4, "mean_score": 55.0}]
    worst = data["worst_pages"][0]
    assert (worst["id"], worst["score"], worst["critical"], worst["findings"]) == ("a1", 20, 1, 3)
    assert [f["severity"] for f in worst["top_findings"]] == ["critical", "minor", "minor"]
    assert data["last_run"]["status"] == "complete" and data["last_run"]["jobs"] == 2
    assert data["errors"] == [{"id": "broken", "error": "not UTF-8 at byte 12"}]


def test_top_bounds_every_list(cli, known):
    data = cli("report", "--db", str(known), "--format", "json", "--top", "1").json()
    assert len(data["top_rules"]) == len(data["top_sites"]) == len(data["worst_pages"]) == 1
    assert len(data["worst_pages"][0]["top_findings"]) == 1
    assert data["worst_pages"][0]["top_findings"][0]["rule"] == "isotretinoin-buy-online"


def test_worst_pages_tie_on_score_goes_to_more_critical_findings(cli, tmp_path):
    docs = [DocumentRow("mild", "s", analysis_key="k", score=0, grade="F", findings=[HYPE] * 30),
            DocumentRow("harmful", "s", analysis_key="k", score=0, grade="F", findings=[BUY, BUY]),
            DocumentRow("fine", "s", analysis_key="k", score=100, grade="A")]
    db = make_store(tmp_path / "a.sqlite", docs)
    data = cli("report", "--db", str(db), "--format", "json").json()
    assert [p["id"] for p in data["worst_pages"]] == ["harmful", "mild"]  # "fine" has no findings


def test_real_findings_from_the_linter(cli, lint_text, tmp_path):
    texts = {"spam.txt": "Buy isotretinoin online. It gives permanent remission.",
             "hype.txt": "Isotretinoin is a miracle drug. Buy isotretinoin online."}
    found = {name: lint_text(text, name) for name, text in texts.items()}
    db = make_store(tmp_path / "a.sqlite", [
        DocumentRow(name, name, analysis_key="k", score=50, grade="F", findings=[finding_row(f) for f in fs])
        for name, fs in found.items()])
    data = cli("report", "--db", str(db), "--format", "json").json()
    rules = Counter(f.rule for fs in found.values() for f in fs)
    assert {r["rule"]: r["findings"] for r in data["top_rules"]} == dict(rules)
    assert data["top_rules"][0]["findings"] == max(rules.values())
    assert data["findings"] == sum(rules.values())
    assert data["by_severity"]["critical"] == sum(str(f.severity) == "critical" for fs in found.values() for f in fs)


def test_terminal_output_cannot_carry_escape_sequences(cli, tmp_path):
    evil = "page\x1b]0;owned\x07\x1b[31m\u202eevil"
    db = make_store(tmp_path / "a.sqlite", [
        DocumentRow(evil, "s", analysis_key="k", score=0, grade="F",
                    findings=[finding("r\x1b[2J", "overclaim", "major", f"It {evil} cures.", evil)]),
        DocumentRow("e", "s", analysis_key="k", status="error", error="bad\nline\x1b[0m")])
    run = cli("report", "--db", str(db))
    assert run.code == 0
    assert "\x1b" not in run.out and "\x07" not in run.out and "\u202e" not in run.out
    assert "\\u001b" in run.out and "\\u202e" in run.out
    assert "  e: bad\\u000aline\\u001b[0m" in run.out  # one line per error


# --- HTML ---------------------------------------------------------------------------------

class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html_text: str) -> Elements:
    parser = Elements()
    parser.feed(html_text)
    parser.close()
    return parser


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def checked_scripts(page: str, elements: Elements) -> dict:
    """The report's two script elements, checked: the inert JSON data (returned, parsed) and
    the packaged report.js, each allowed by the policy's hash and nothing else."""
    scripts = [attrs for tag, attrs in elements.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "claimcheck-data"}, {}]
    data_text = page.split('<script type="application/json" id="claimcheck-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data_text  # nothing in the data can close the element or open a comment
    code = page.split("<script>", 1)[1].split("</script>", 1)[0]
    assert code == resources.files("claimcheck.audit").joinpath("report.js").read_text("utf-8")
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    csp = [a["content"] for t, a in elements.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [f"default-src 'none'; script-src {sha256(code)}; style-src {sha256(style)}; img-src data:; "
                   "base-uri 'none'; form-action 'none'"]
    return json.loads(data_text)


def hostile_docs() -> list[DocumentRow]:
    sentence = f"Buy now {BREAKOUT} and {ATTR} then {XSS} permanent remission!"
    evil = finding('rule"><script>alert(2)</script>', f"cat{BREAKOUT}", "critical", sentence,
                   "permanent remission", message=f"msg {XSS}", replacement=ATTR,
                   advice='<a href="javascript:alert(3)">click</a>', insert_text=BREAKOUT,
                   unlocated=XSS, line=None, column=None)
    return [
        DocumentRow(XSS, "crawl.warc", record=XSS, url="javascript:alert(1)", domain=BREAKOUT,
                    analysis_key="k", score=0, grade="F", worst="critical",
                    findings=[evil, finding(ATTR, "overclaim", "major", sentence, XSS)]),
        DocumentRow("ok-page", "crawl.warc", url=LINK_BREAKOUT, domain="ok.example",
                    analysis_key="k", score=40, grade="F", findings=[HYPE]),
        DocumentRow("data-page", "crawl.warc", url="data:text/html,<script>alert(5)</script>",
                    domain=ATTR, analysis_key="k", score=50, grade="F", findings=[HYPE]),
        DocumentRow(f"err{BREAKOUT}", "crawl.warc", url=" JavaScript:alert(6)", analysis_key="k",
                    status="error", error=f"parse error {XSS}"),
    ]


def test_html_report_escapes_hostile_pages(cli, tmp_path):
    db = make_store(tmp_path / "a.sqlite", hostile_docs())
    out = tmp_path / "report.html"
    run = cli("report", "--db", str(db), "--html", str(out))
    assert run.code == 0, run.err
    assert run.err == f"wrote {out}\n"
    assert run.out == ""  # what was written is named; the summary only when asked for
    page = out.read_text(encoding="utf-8")
    elements = parse(page)
    data = checked_scripts(page, elements)
    tags = [t for t, _ in elements.tags]
    assert not {"img", "iframe", "object", "embed", "link", "frame", "base", "form"} & set(tags)
    for tag, attrs in elements.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href", "action", "data"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:")), (tag, attrs)
    links = [attrs for tag, attrs in elements.tags if tag == "a"]
    assert [a["href"] for a in links] == [LINK_BREAKOUT]  # not javascript:, data:
    assert all(set(a["rel"].split()) == {"noopener", "noreferrer", "nofollow"} for a in links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&#x27; onmouseover=&#x27;x" in page
    text = "".join(elements.text)
    assert XSS in text and BREAKOUT in text and "javascript:alert(1)" in text  # shown, as text
    assert "parse error <script>alert(4)" not in text and f"parse error {XSS}" in text
    assert page.count("<svg") == 4
    assert "<mark>permanent remission</mark>" in page
    # the browsable views' data holds the hostile values as they are, for the script to show as text
    pages = {p[0]: p for p in data["pages"]}
    assert pages[XSS][data["page_fields"].index("url")] == "javascript:alert(1)"
    assert any(f[data["finding_fields"].index("sentence")].endswith(f"{XSS} permanent remission!")
               for f in data["findings"])


def test_html_report_contents(cli, known, tmp_path):
    out = tmp_path / "report.html"
    assert cli("report", "--db", str(known), "--html", str(out)).code == 0
    page = out.read_text(encoding="utf-8")
    elements = parse(page)
    assert page.count("<svg") == 4 and page.count("<details") == 4  # 3 worst pages, the errors
    assert "Findings by category and severity" in page and "Score distribution (4 pages checked)" in page
    assert "Findings per 1,000 words, by category" in page and "Top 10 rules (findings, by severity)" in page
    data = checked_scripts(page, elements)
    fields = data["page_fields"]
    assert [p[0] for p in data["pages"]] == ["a1", "a2", "b1", "b1-copy", "broken", "logo.png"]  # all of them
    a1 = dict(zip(fields, data["pages"][0]))
    assert (a1["score"], a1["grade"], a1["critical"], a1["minor"], a1["count"]) == (20, "F", 1, 2, 3)
    assert data["sites"][a1["site"]] == "a.example"
    first = dict(zip(data["finding_fields"], data["findings"][a1["first"]]))  # the worst first
    assert data["rules"][first["rule"]][0] == "isotretinoin-buy-online" and first["line"] == 1
    assert "Buy isotretinoin online</mark> today." in page
    assert "A &quot;<mark>permanent remission</mark>&quot;, for all,\nforever." in page
    assert "replace with “long-term remission”" in page
    hrefs = [a["href"] for t, a in elements.tags if t == "a"]
    assert hrefs == ["https://a.example/a1", "https://b.example/b1", "https://a.example/a2"]
    assert "not UTF-8 at byte 12" in page


def test_html_written_atomically_over_an_old_report(cli, known, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    assert cli("report", "--db", str(known), "--html", str(out)).code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- CSV and Parquet -------------------------------------------------------------------------

def stored(db: Path, table: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        con.close()


def test_csv_export_reads_back_equal(cli, tmp_path):
    db = make_store(tmp_path / "a.sqlite", known_docs() + hostile_docs())
    out = tmp_path / "csv" / "nested"
    run = cli("report", "--db", str(db), "--csv", str(out), "--format", "json")
    assert run.code == 0, run.err
    json.loads(run.out)  # standard output stays the JSON summary
    assert run.err.splitlines() == [f"wrote {out / t}.csv" for t in ("documents", "findings", "runs")]
    for table in ("documents", "findings", "runs"):
        with open(out / f"{table}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        expected = stored(db, table)
        assert len(rows) == len(expected) > 0
        assert rows == [{k: "" if v is None else str(v) for k, v in r.items()} for r in expected]
    findings = list(csv.DictReader(open(out / "findings.csv", encoding="utf-8", newline="")))
    assert 'A "permanent remission", for all,\nforever.' in {r["sentence"] for r in findings}


def test_parquet_export_reads_back(cli, known, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    out = tmp_path / "pq"
    run = cli("report", "--db", str(known), "--parquet", str(out))
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"wrote {out / t}.parquet" for t in ("documents", "findings", "runs")]
    documents = pq.read_table(out / "documents.parquet")
    findings = pq.read_table(out / "findings.parquet")
    runs = pq.read_table(out / "runs.parquet")
    assert (documents.num_rows, findings.num_rows, runs.num_rows) == (6, 6, 1)
    assert documents.schema.field("score").type == pa.int64() and documents.schema.field("score").nullable
    assert findings.schema.field("line").type == pa.int64()
    assert not findings.schema.field("rule").nullable
    by_id = {d["id"]: d for d in documents.to_pylist()}
    assert by_id["a1"]["score"] == 20 and by_id["broken"]["score"] is None
    assert by_id["b1-copy"]["duplicate_of"] == "b1"
    assert Counter(findings.column("rule").to_pylist())["sensational-miracle"] == 3
    assert runs.column("status").to_pylist() == ["complete"]
    assert findings.column_names == list(stored(known, "findings")[0])


def test_parquet_without_pyarrow_exits_2(cli, known, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    run = cli("report", "--db", str(known), "--parquet", str(tmp_path / "pq"))
    assert run.code == 2
    assert run.err == "claimcheck: error: --parquet needs pyarrow: pip install 'claimcheck[parquet]'\n"
    assert not (tmp_path / "pq").exists()


# --- errors and the empty store --------------------------------------------------------------

def one_line_error(run, name: str) -> None:
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and run.err.startswith("claimcheck: error: ")
    assert name in run.err
    assert run.out == ""


def test_missing_database(cli, tmp_path):
    missing = tmp_path / "nope.sqlite"
    one_line_error(cli("report", "--db", str(missing)), str(missing))
    assert not missing.exists()


def test_not_a_database(cli, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    one_line_error(cli("report", "--db", str(text)), str(text))


def test_sqlite_file_that_is_not_an_audit_store(cli, tmp_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    one_line_error(cli("report", "--db", str(other)), str(other))


def test_unwritable_outputs(cli, known, tmp_path):
    html_target = tmp_path / "no-such-dir" / "report.html"
    one_line_error(cli("report", "--db", str(known), "--html", str(html_target)), str(html_target))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    one_line_error(cli("report", "--db", str(known), "--csv", str(blocker / "sub")), str(blocker / "sub"))


def test_empty_store(cli, tmp_path):
    db = tmp_path / "empty.sqlite"
    Store(db).close()
    out = tmp_path / "report.html"
    run = cli("report", "--db", str(db), "--html", str(out), "--format", "text")
    assert run.code == 0, run.err
    s = sections(run.out)
    assert ["total", "0"] in s["Documents"]
    assert "Last run: none" in run.out
    data = cli("report", "--db", str(db), "--format", "json").json()
    assert data["documents"]["total"] == 0 and data["last_run"] is None and data["worst_pages"] == []
    assert data["documents"]["mean_score"] is None and data["findings"] == 0
    page = out.read_text(encoding="utf-8")
    elements = parse(page)
    assert page.count("<svg") == 4 and "No page has findings" in page
    assert checked_scripts(page, elements)["pages"] == []
