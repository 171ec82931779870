"""`claimcheck serve` over HTTP (Starlette's TestClient, no browser): the JSON API's findings,
fixes, uploads and downloads, its errors, the security headers on every response, the page's
own files, and the command (configuration, extra, address)."""
from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import urllib.request
import warnings
from html.parser import HTMLParser
from importlib import resources

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[test]')")
with warnings.catch_warnings():  # starlette asks for httpx2; httpx (the test extra's) still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from claimcheck.serve import command  # noqa: E402
from claimcheck.serve.app import CONTENT_SECURITY_POLICY, create_app  # noqa: E402
from claimcheck.serve.review import MAX_DRAFT_BYTES, Reviewer  # noqa: E402
from claimcheck.session import LintSession  # noqa: E402

CLAIM = "This cream gives permanent remission of acne.\n"
DRAFT = ("# Clear skin\n\n"
         "This cream gives permanent remission of acne. You can order it without a prescription.\n\n"
         "Experts agree it is a miracle. Some call it juvenile diabetes.\n")
FINASTERIDE = "Finasteride 1 mg is a daily tablet for hair loss. Take finasteride every day.\n"
BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def reviewer():
    """Isolated: the repository's own configuration does not change what the tests see."""
    return Reviewer.start(LintSession({}, True, None, True))


@pytest.fixture
def client(reviewer):
    with TestClient(create_app(reviewer), base_url=BASE) as test_client:
        yield test_client


def lint(client, text: str, filename: str = "draft.md") -> dict:
    response = client.post("/api/lint", json={"text": text, "filename": filename})
    assert response.status_code == 200, response.text
    return response.json()


def by_rule(review: dict, rule: str) -> dict:
    [finding] = [f for f in review["findings"] if f["rule"] == rule]
    return finding


def upload(client, data: bytes, filename: str):
    return client.post("/api/upload", params={"filename": filename}, content=data,
                       headers={"content-type": "application/octet-stream"})


# --- findings ----------------------------------------------------------------------------------

def test_a_claim_is_a_finding_with_its_place_suggestion_and_score(client):
    review = lint(client, CLAIM, "draft.txt")
    assert (review["score"], review["grade"], review["format"], review["text"]) == (90, "A", "text", CLAIM)
    [f] = review["findings"]
    assert f["rule"] == "overclaim-permanent-remission" and f["severity"] == "major"
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (1, 18, 1, 37)  # as `claimcheck lint` says
    assert (f["start"], f["end"], f["utf16"], f["text"]) == (17, 36, [17, 36], "permanent remission")
    assert f["message"].startswith("Claims permanent remission")
    assert f["suggestion"]["replacement"] == "long-term remission"
    assert f["suggestion"]["advice"].startswith("Say what the evidence supports")
    assert (f["id"], f["fix"]) == ("overclaim-permanent-remission@17-36", "replace")


def test_every_severity_is_reported_and_scored(client):
    review = lint(client, DRAFT)
    found = {f["severity"]: (f["rule"], f["text"], f["fix"]) for f in review["findings"]}
    assert found == {
        "critical": ("sourcing-no-prescription", "order it without a prescription", None),
        "major": ("overclaim-permanent-remission", "permanent remission", "replace"),
        "minor": ("sensational-hype", "miracle", None),
        "info": ("outdated-juvenile-diabetes", "juvenile diabetes", "replace"),
    }
    assert (review["score"], review["grade"]) == (55, "F")  # 100 - 30 - 10 - 4 - 1


def test_offsets_for_the_browser_count_utf16_code_units(client):
    text = "\U0001f642\U0001f642 " + CLAIM  # two characters that JavaScript counts twice each
    [f] = lint(client, text, "draft.txt")["findings"]
    assert (f["start"], f["end"]) == (20, 39) and text[20:39] == "permanent remission"
    units = text.encode("utf-16-le")
    assert f["utf16"] == [22, 41] and units[2 * 22:2 * 41].decode("utf-16-le") == "permanent remission"


def test_a_lone_surrogate_from_the_browser_becomes_a_replacement_character(client):
    body = '{"text": "\\ud800 ' + CLAIM.strip() + '", "filename": "draft.txt"}'
    response = client.post("/api/lint", content=body, headers={"content-type": "application/json"})
    review = response.json()
    assert review["text"] == "\ufffd " + CLAIM.strip()
    assert review["findings"][0]["utf16"] == [19, 38]


def test_blank_text_has_no_findings(client):
    review = lint(client, " \n\n", "draft.md")
    assert (review["findings"], review["score"], review["grade"]) == ([], 100, "A")


def test_the_working_directorys_configuration_applies_as_for_lint(tmp_path, monkeypatch):
    (tmp_path / "claimcheck.toml").write_text('ignore = ["outdated"]\nmin-severity = "major"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    configured = Reviewer.start(LintSession())
    with TestClient(create_app(configured), base_url=BASE) as configured_client:
        review = lint(configured_client, DRAFT)
    assert sorted(f["severity"] for f in review["findings"]) == ["critical", "major"]
    assert review["hidden"] == 1  # the minor one: not shown, but scored, as lint scores it
    assert (review["score"], review["grade"]) == (56, "F")


# --- fixes -------------------------------------------------------------------------------------

def test_accepting_a_suggestion_changes_that_span_and_the_score(client):
    before = lint(client, DRAFT)
    major = by_rule(before, "overclaim-permanent-remission")
    response = client.post("/api/fix", json={"text": DRAFT, "filename": "draft.md", "id": major["id"]})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["fixed"] == {"rule": "overclaim-permanent-remission", "old": "permanent remission",
                               "new": "long-term remission", "inserted": False}
    after = result["review"]
    assert after["text"] == DRAFT.replace("permanent remission", "long-term remission")
    assert (after["score"], after["grade"]) == (65, "D")
    assert sorted(f["rule"] for f in after["findings"]) == sorted(
        f["rule"] for f in before["findings"] if f["rule"] != "overclaim-permanent-remission")


def test_a_missing_warning_is_inserted_as_a_paragraph(client):
    before = lint(client, FINASTERIDE, "hair.txt")
    pregnancy = by_rule(before, "finasteride-missing-pregnancy-warning")
    assert pregnancy["fix"] == "insert" and before["score"] == 40
    result = client.post("/api/fix", json={"text": FINASTERIDE, "filename": "hair.txt", "id": pregnancy["id"]}).json()
    warning = pregnancy["suggestion"]["insert"]
    assert result["fixed"]["inserted"] is True and result["fixed"]["new"] == warning
    assert result["review"]["text"] == FINASTERIDE + "\n" + warning + "\n"
    assert (result["review"]["score"], result["review"]["grade"]) == (70, "C")
    assert "finasteride-missing-pregnancy-warning" not in {f["rule"] for f in result["review"]["findings"]}


def test_a_fix_in_html_is_written_as_html(client):
    page = "<html><body><article><p>This cream gives permanent remission of acne.</p></article></body></html>\n"
    [f] = lint(client, page, "page.html")["findings"]
    assert page[f["start"]:f["end"]] == "permanent remission"
    result = client.post("/api/fix", json={"text": page, "filename": "page.html", "id": f["id"]}).json()
    assert result["review"]["text"] == page.replace("permanent remission", "long-term remission")
    assert result["review"]["findings"] == []


@pytest.mark.parametrize("text, finding_id, status, message", [
    ("This cream gives *permanent* remission of acne.\n", "overclaim-permanent-remission@18-38", 409,
     "overclaim-permanent-remission: not applied: its source crosses markup"),
    (CLAIM, "overclaim-permanent-remission@0-19", 409, "that finding is not in this text any more"),
    (DRAFT, "sourcing-no-prescription@68-99", 422, "sourcing-no-prescription: this finding has no suggestion"),
])
def test_a_fix_that_cannot_be_made_says_why(client, text, finding_id, status, message):
    response = client.post("/api/fix", json={"text": text, "filename": "draft.md", "id": finding_id})
    assert response.status_code == status and response.json()["error"].startswith(message)


def test_a_download_its_encoding_cannot_hold_is_refused(client):
    text = "Some call it juvenile diabetes \u2013 wrongly.\n"
    response = client.post("/api/download", json={"text": text, "filename": "draft.txt", "encoding": "ascii"})
    assert response.status_code == 422
    assert response.json()["error"] == "draft.txt: '\u2013' on line 1 cannot be written in ascii"


# --- uploads and downloads ---------------------------------------------------------------------

def test_an_upload_keeps_its_encoding_bom_and_line_endings_to_the_download(client):
    draft = DRAFT.replace("\n", "\r\n")
    data = codecs.BOM_UTF16_LE + draft.encode("utf-16-le")
    response = upload(client, data, "draft.md")
    assert response.status_code == 200, response.text
    uploaded = response.json()
    assert (uploaded["encoding"], uploaded["bom"]) == ("utf-16-le", codecs.BOM_UTF16_LE.hex())
    assert uploaded["review"]["text"] == draft and uploaded["review"]["score"] == 55
    major = by_rule(uploaded["review"], "overclaim-permanent-remission")
    fixed = client.post("/api/fix", json={"text": draft, "filename": "draft.md", "id": major["id"],
                                          "encoding": uploaded["encoding"], "bom": uploaded["bom"]}).json()
    response = client.post("/api/download", json={"text": fixed["review"]["text"], "filename": "draft.md",
                                                  "encoding": uploaded["encoding"], "bom": uploaded["bom"]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename=\"draft.md\"; filename*=UTF-8''draft.md"
    expected = draft.replace("permanent remission", "long-term remission")
    assert response.content == codecs.BOM_UTF16_LE + expected.encode("utf-16-le")


def test_an_html_page_is_read_in_its_declared_charset_and_written_back_in_it(client):
    page = ('<html><head><meta charset="windows-1252"></head><body><article>'
            "<p>Caf\u00e9 au lait aside, this cream gives permanent remission of acne.</p></article></body></html>\n")
    uploaded = upload(client, page.encode("cp1252"), "page.html").json()
    assert uploaded["encoding"] == "cp1252" and uploaded["review"]["text"] == page
    response = client.post("/api/download", json={"text": page, "filename": "page.html", "encoding": "cp1252"})
    assert response.content == page.encode("cp1252")


def test_a_download_is_named_after_the_last_part_of_the_file_name(client):
    response = client.post("/api/download", json={"text": "x", "filename": "drafts/Caf\u00e9 \"1\".md"})
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Caf_1_.md\"; filename*=UTF-8''Caf%C3%A9%20%221%22.md")


# --- bad input ---------------------------------------------------------------------------------

def _json_post(path, body):
    return lambda c: c.post(path, json=body)


BAD_REQUESTS = [
    ("undecodable", lambda c: upload(c, "Caf\u00e9\n".encode("latin-1"), "draft.txt"), 422,
     "draft.txt: not valid UTF-8 (byte 0xe9 on line 1, offset 3); save it as UTF-8"),
    ("binary", lambda c: upload(c, b"\x00\x01\x02 binary", "draft.txt"), 422, "draft.txt: binary file"),
    ("gzip", lambda c: upload(c, gzip.compress(CLAIM.encode()), "draft.txt"), 415,
     "draft.txt: is gzip-compressed; decompress it first"),
    ("upload without a name", lambda c: c.post("/api/upload", content=b"x",
                                               headers={"content-type": "application/octet-stream"}), 422,
     "filename: missing"),
    ("upload as a form", lambda c: c.post("/api/upload?filename=a.md", content=b"x",
                                          headers={"content-type": "text/plain"}), 415,
     "send the file's bytes as application/octet-stream"),
    ("unknown suffix", _json_post("/api/lint", {"text": CLAIM, "filename": "draft.pdf"}), 415,
     "draft.pdf: unknown suffix (.pdf); the review page reads .txt, .text, .md"),
    ("no suffix", _json_post("/api/lint", {"text": CLAIM, "filename": "draft"}), 415, "draft: unknown suffix (none)"),
    ("many documents", _json_post("/api/lint", {"text": CLAIM, "filename": "dump.jsonl"}), 415,
     "dump.jsonl: holds many documents (jsonl)"),
    ("compressed name", _json_post("/api/lint", {"text": CLAIM, "filename": "draft.md.gz"}), 415,
     "draft.md.gz: compressed files are not reviewed"),
    ("empty name", _json_post("/api/lint", {"text": CLAIM, "filename": " "}), 422, "a file name of 1 to 255"),
    ("missing text", _json_post("/api/lint", {"filename": "a.md"}), 422, "text: missing"),
    ("text not a string", _json_post("/api/lint", {"text": 3, "filename": "a.md"}), 422,
     "text: expected a string, not int"),
    ("not an object", _json_post("/api/lint", ["text"]), 400, "the request body must be a JSON object"),
    ("not JSON", lambda c: c.post("/api/lint", content=b"{text", headers={"content-type": "application/json"}),
     400, "the request body is not JSON"),
    ("deeply nested", lambda c: c.post("/api/lint", content=b"[" * 100_000,
                                       headers={"content-type": "application/json"}), 400,
     "the request body is not JSON"),
    ("a form post", lambda c: c.post("/api/lint", data={"text": CLAIM, "filename": "a.md"}), 415,
     "send the request as JSON"),
    ("unknown encoding", _json_post("/api/download", {"text": "x", "filename": "a.md", "encoding": "klingon"}),
     422, "encoding: unknown encoding 'klingon'"),
    ("not a BOM", _json_post("/api/download", {"text": "x", "filename": "a.md", "bom": "41"}), 422,
     "bom: not a byte-order mark"),
    ("upload too large", lambda c: upload(c, b"a" * (MAX_DRAFT_BYTES + 1), "big.txt"), 413,
     "the draft is too large: the review page takes up to 5 MB"),
    ("text too large", _json_post("/api/lint", {"text": "\u00e9" * (MAX_DRAFT_BYTES // 2 + 1), "filename": "a.md"}),
     413, "the draft is too large"),
    ("wrong method", lambda c: c.get("/api/lint"), 405, "Method Not Allowed"),
    ("no such page", lambda c: c.get("/admin"), 404, "Not Found"),
    ("no such file", lambda c: c.get("/static/app.py"), 404, "no such file: /static/app.py"),
    ("another host", lambda c: c.get("/", headers={"host": "attacker.example"}), 400,
     "this server answers to 127.0.0.1, ::1, localhost, not to the host 'attacker.example'"),
]


@pytest.mark.parametrize("send, status, message", [b[1:] for b in BAD_REQUESTS], ids=[b[0] for b in BAD_REQUESTS])
def test_bad_input_is_a_one_line_json_error(client, send, status, message):
    response = send(client)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error.startswith(message) and "\n" not in error and "Traceback" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


# --- the page and its headers ------------------------------------------------------------------

@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html; charset=utf-8"),
    ("/static/review.js", "text/javascript; charset=utf-8"),
    ("/static/review.css", "text/css; charset=utf-8"),
    ("/api/info", "application/json"),
])
def test_every_response_has_the_strict_policy_and_nosniff(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == content_type
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_info_names_what_the_page_reads_and_the_limit(client):
    info = client.get("/api/info").json()
    assert info["max_bytes"] == 5 * 1024 * 1024
    assert info["suffixes"] == [".txt", ".text", ".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".xhtml"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data


def _page_file(name: str) -> str:
    return resources.files("claimcheck.serve").joinpath("static", name).read_text(encoding="utf-8")


def test_the_page_has_no_inline_code_and_nothing_from_elsewhere():
    parser = _Tags()
    parser.feed(_page_file("review.html"))
    names = [tag for tag, _ in parser.tags]
    assert "style" not in names and parser.script_text.strip() == ""
    assert [a.get("src") for t, a in parser.tags if t == "script"] == ["/static/review.js"]
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on") or a == "style"], (tag, attrs)
        for key in ("src", "href"):
            assert attrs.get(key) in (None, "data:,") or attrs[key].startswith("/static/"), (tag, attrs)
    css = _page_file("review.css")
    assert not re.search(r"url\(|@import|@font-face", css)
    script = _page_file("review.js")
    html_parsing = r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function"
    assert not re.search(html_parsing + r"|https?:", script)


# --- the command -------------------------------------------------------------------------------

def test_serve_without_its_extra_says_how_to_install_it(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # an import of it now fails
    run = cli("serve")
    assert run.code == 2
    assert run.err == "claimcheck: error: claimcheck serve needs the serve extra: pip install 'claimcheck[serve]'\n"


def test_serve_on_port_0_prints_the_address_of_a_listening_page(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    served = []
    monkeypatch.setattr(command, "run", lambda app, sock: served.append((app, sock)))
    run = cli("serve", "--port", "0", "--isolated")
    assert run.code == 0, run.err
    [(app, sock)] = served
    with sock:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and port > 0
        assert run.out == f"claimcheck serve: http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        with TestClient(app, base_url=f"http://127.0.0.1:{port}") as test_client:
            assert lint(test_client, CLAIM, "a.txt")["score"] == 90


def test_serve_reports_a_busy_port_and_a_broken_configuration_in_one_line(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(command, "run", lambda app, sock: pytest.fail("served despite the error"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = cli("serve", "--port", str(port), "--isolated")
    assert run.code == 2
    assert run.err == f"claimcheck: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    (tmp_path / "claimcheck.toml").write_text("fial-on = 'major'\n", encoding="utf-8")
    run = cli("serve", "--port", "0")
    assert run.code == 2 and run.err.startswith("claimcheck: error: configuration error: ")
    assert "fial-on" in run.err and run.err.count("\n") == 1


@pytest.mark.slow
def test_the_serve_command_serves_the_page_until_ctrl_c(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "claimcheck", "serve", "--port", "0", "--isolated"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with selectors.DefaultSelector() as selector:  # its first line, or a failure after 120 s
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=120), "no address printed"
        line = process.stdout.readline()
        url = re.fullmatch(r"claimcheck serve: (http://127\.0\.0\.1:\d+/) \(Ctrl-C stops it\)\n", line)
        assert url, line + process.stderr.read() if process.poll() is not None else line
        with urllib.request.urlopen(url[1], timeout=60) as page:
            assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert b'<script src="/static/review.js" defer></script>' in page.read()
        request = urllib.request.Request(url[1] + "api/lint", method="POST",
                                         data=json.dumps({"text": CLAIM, "filename": "a.txt"}).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.load(response)["findings"][0]["rule"] == "overclaim-permanent-remission"
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        process.wait(timeout=60)
    assert (process.returncode, process.stderr.read()) == (0, "")


# --- the audit report, live (--db) ---------------------------------------------------------

def test_the_audit_report_is_served_with_its_own_policy(reviewer, tmp_path):
    from claimcheck.audit.html_report import csp, report_script
    from test_audit_report import checked_scripts, known_docs, make_store, parse

    db = make_store(tmp_path / "audit.sqlite", known_docs())
    with TestClient(create_app(reviewer, audit_db=db), base_url=BASE) as with_db:
        response = with_db.get("/report")
        assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
        # the report's inline script and style by hash, as its meta element says, not the page's 'self'
        assert response.headers["content-security-policy"] == csp(report_script())
        assert response.headers["x-content-type-options"] == "nosniff"
        data = checked_scripts(response.text, parse(response.text))
        assert [p[0] for p in data["pages"]] == ["a1", "a2", "b1", "b1-copy", "broken", "logo.png"]
        assert with_db.get("/").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    without = TestClient(create_app(reviewer), base_url=BASE).get("/report")
    assert without.status_code == 404 and "--db" in without.json()["error"]
    assert without.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_serve_names_the_report_and_refuses_a_store_it_cannot_read(cli, monkeypatch, tmp_path):
    from test_audit_report import known_docs, make_store

    monkeypatch.chdir(tmp_path)
    served = []
    monkeypatch.setattr(command, "run", lambda app, sock: served.append(sock))
    db = make_store(tmp_path / "audit.sqlite", known_docs())
    run = cli("serve", "--port", "0", "--isolated", "--db", str(db))
    assert run.code == 0, run.err
    [sock] = served
    with sock:
        port = sock.getsockname()[1]
    assert run.out.splitlines()[1] == f"claimcheck serve: the audit report of {db}: http://127.0.0.1:{port}/report"
    missing = tmp_path / "none.sqlite"
    run = cli("serve", "--port", "0", "--isolated", "--db", str(missing))
    assert run.code == 2 and run.err == f"claimcheck: error: {missing}: no such audit database\n"
    assert not missing.exists()
