"""JSONL(.gz) and WARC(.gz) inputs, and encodings: every record a document, every bad record
a one-line error, and the rest of the input still read."""
from __future__ import annotations

import gzip
import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CLAIM = "It brings permanent remission."
REMISSION = "overclaim-permanent-remission"
PAGE = ("<html><head><title>t</title></head><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Acne care</h1><p>Our clinic has treated patients for years and we write about it "
        "often, with care and with references to the studies we read.</p>"
        "<p>Many say the drug &amp; diet together bring <b>permanent remission</b> quickly.</p>"
        "<p>Talk to a dermatologist before starting any treatment for acne, and ask about side effects.</p>"
        "</article></body></html>")


def jsonl(*records: object) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


# -- JSONL ---------------------------------------------------------------------------------

def test_gzipped_jsonl_records_are_documents_named_by_id(cli, tmp_path):
    dump = tmp_path / "dump.jsonl.gz"
    dump.write_bytes(gzip.compress(jsonl(
        {"id": "a1", "url": "https://example.com/a", "text": "Intro.\n" + CLAIM},
        {"id": "a2", "text": "Nothing to see here."},
        {"url": "https://example.com/c", "body": "Line one.\n\n" + CLAIM},
    )))
    run = cli("lint", str(dump), "--format", "json")
    files = run.json()["files"]
    assert [f["path"] for f in files] == [f"{dump}[a1]", f"{dump}[a2]", f"{dump}[https://example.com/c]"]
    assert files[0]["record"] == "a1" and files[0]["url"] == "https://example.com/a"
    [f] = files[0]["findings"]
    assert (f["rule"], f["line"], f["column"]) == (REMISSION, 2, 11)
    assert files[2]["error"] == "no 'text' field (--text-field names another)"
    run = cli("lint", str(dump), "--format", "json", "--text-field", "body", "--id-field", "url")
    files = run.json()["files"]
    [f] = files[2]["findings"]
    assert (files[2]["record"], f["line"], f["column"]) == ("https://example.com/c", 3, 11)


def test_a_malformed_line_is_an_error_for_that_record_only(cli, tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(jsonl({"id": 1, "text": CLAIM}, b'{"id": 2, "text": "cut', [1, 2],
                           b"\xff\xfe{}", {"id": 5, "text": CLAIM}))
    run = cli("lint", str(dump), "--color", "never")
    assert run.code == 2
    out = run.out.splitlines()
    assert f"{dump}:2: error: malformed JSON line: Unterminated string starting (column 19)" in out
    assert f"{dump}:3: error: a JSON list, not an object" in out
    assert any(line.startswith(f"{dump}:4: error: not valid UTF-8 (byte 0xff on line 1") for line in out)
    assert f"{dump}[1]:1:11: major {REMISSION}" in run.out
    assert f"{dump}[5]:1:11: major {REMISSION}" in run.out


def test_truncated_gzip_keeps_the_records_before_the_damage(cli, tmp_path):
    records = [{"id": i, "text": f"Record {i}. {CLAIM} " + "filler words " * 200} for i in range(40)]
    data = gzip.compress(jsonl(*records))
    dump = tmp_path / "cut.jsonl.gz"
    dump.write_bytes(data[:len(data) // 2])
    run = cli("lint", str(dump), "--format", "json")
    assert run.code == 2
    files = run.json()["files"]
    good = [f for f in files if not f["error"]]
    assert good and all(f["findings"][0]["rule"] == REMISSION for f in good)
    assert [f["record"] for f in good] == [str(i) for i in range(len(good))]
    assert files[-1]["path"] == str(dump)
    assert files[-1]["error"].startswith("truncated gzip data (the file ends before the compressed stream does) "
                                         f"after line {len(good)}")


def test_stdin_reads_jsonl_when_named_so(cli):
    run = cli("lint", "-", "--stdin-filename", "feed.jsonl", "--format", "json",
              input=jsonl({"id": "x", "text": CLAIM}))
    assert run.json()["files"][0]["path"] == "feed.jsonl[x]"


# -- WARC ----------------------------------------------------------------------------------

def warc(records: list[tuple[str, str, bytes]], gz: bool = True) -> bytes:
    """A WARC with one response per (uri, content type, body), and a request record before each."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for uri, ctype, body in records:
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=req))
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    return out.getvalue()


def test_warc_html_responses_are_pages_named_by_target_uri(cli, tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    latin = PAGE.replace("quickly", "r\xe1pidamente").encode("latin-1")
    archive.write_bytes(warc([
        ("https://example.com/a", "text/html; charset=utf-8", PAGE.encode()),
        ("https://example.com/logo.png", "image/png", b"\x89PNG\r\n"),
        ("https://example.com/b", "text/html; charset=ISO-8859-1", latin),
    ]))
    run = cli("lint", str(archive), "--format", "json")
    assert run.code == 0, run.out
    files = run.json()["files"]
    assert [f["path"] for f in files] == [f"{archive}[https://example.com/a]",
                                          f"{archive}[https://example.com/logo.png]",
                                          f"{archive}[https://example.com/b]"]
    assert files[1]["skipped"] == "not an HTML page (Content-Type image/png)" and files[1]["error"] is None
    for page in (files[0], files[2]):
        assert page["url"] == page["record"]
        [f] = [f for f in page["findings"] if f["rule"] == REMISSION]
        assert f["line"] == 1 and PAGE[f["column"] - 1:].startswith("permanent remission")
    text = cli("lint", str(archive), "--color", "never").out
    assert f"{archive}[https://example.com/logo.png]: skipped: not an HTML page (Content-Type image/png)" in text
    assert text.rstrip().endswith("1 record skipped.")


def test_a_damaged_warc_keeps_the_pages_before_the_damage(cli, tmp_path):
    pages = [(f"https://example.com/{i}", "text/html", PAGE.encode() + b"<!-- %d -->" % i * 50) for i in range(6)]
    data = warc(pages)
    archive = tmp_path / "cut.warc.gz"
    archive.write_bytes(data[:int(len(data) * 0.7)])
    files = cli("lint", str(archive), "--format", "json").json()["files"]
    good = [f for f in files if not f["error"]]
    assert 2 <= len(good) < 6
    assert files[-1]["path"] == str(archive)
    assert files[-1]["error"].startswith("damaged WARC (")
    assert files[-1]["error"].endswith(f"after {len(good)} responses; the pages before it were checked")


@pytest.mark.parametrize("gz", [True, False])
def test_a_warc_cut_inside_a_record_says_so(cli, tmp_path, gz):
    pages = [(f"https://example.com/{i}", "text/html", PAGE.encode()) for i in range(3)]
    data = warc(pages, gz=gz)
    archive = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    archive.write_bytes(data[:-40])
    files = cli("lint", str(archive), "--format", "json").json()["files"]
    assert [f["record"] for f in files[:-1]] == ["https://example.com/0", "https://example.com/1"]
    assert files[-1]["error"].startswith("damaged WARC (")


def test_an_uncompressed_warc_reads_too(cli, tmp_path):
    archive = tmp_path / "crawl.warc"
    archive.write_bytes(warc([("https://example.com/a", "text/html", PAGE.encode())], gz=False))
    [page] = cli("lint", str(archive), "--format", "json").json()["files"]
    assert REMISSION in {f["rule"] for f in page["findings"]}


# -- encodings -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_byte_order_mark_decides_the_encoding(cli, tmp_path, encoding):
    f = tmp_path / "bom.txt"
    f.write_bytes(("Intro.\n" + CLAIM).encode(encoding))
    [result] = cli("lint", str(f), "--format", "json").json()["files"]
    [finding] = result["findings"]
    assert (finding["line"], finding["column"]) == (2, 11)


def test_encoding_flag_and_replacement_of_bad_bytes(cli, tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes(("Caf\xe9 talk. " + CLAIM).encode("latin-1"))
    strict = cli("lint", str(f), "--format", "json")
    assert strict.code == 2 and strict.json()["files"][0]["error"].startswith("not valid UTF-8 (byte 0xe9 on line 1")
    latin = cli("lint", str(f), "--format", "json", "--encoding", "latin-1").json()["files"][0]
    assert latin["findings"][0]["column"] == 22
    replaced = cli("lint", str(f), "--format", "json", "--encoding-errors", "replace").json()["files"][0]
    assert replaced["error"] is None and replaced["findings"][0]["rule"] == REMISSION
    bad = cli("lint", str(f), "--encoding", "klingon")
    assert bad.code == 2 and "--encoding: unknown encoding 'klingon'" in bad.err


# -- bad input in every single-document format ---------------------------------------------

@pytest.mark.parametrize("name, content, message", [
    ("page.md", b"# T\n\nCaf\xe9 " + CLAIM.encode(), "not valid UTF-8 (byte 0xe9 on line 3"),
    ("page.html", b"<p>Caf\xe9 " + CLAIM.encode() + b"</p>", "not valid UTF-8 (byte 0xe9 on line 1"),
])
def test_undecodable_single_documents_are_errors_and_the_rest_is_checked(cli, tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(CLAIM)
    run = cli("lint", str(bad), str(good), "--format", "json")
    assert run.code == 2
    first, second = run.json()["files"]
    assert first["error"].startswith(message)
    assert [f["rule"] for f in second["findings"]] == [REMISSION]


@pytest.mark.parametrize("name, body", [
    ("page.md.gz", ("# Title\n\n" + CLAIM + "\n\n") * 300),
    ("page.html.gz", "<html><body>" + ("<p>" + CLAIM + "</p>") * 300 + "</body></html>"),
    ("page.txt.gz", (CLAIM + "\n") * 300),
])
def test_truncated_gzip_of_a_single_document_is_an_error(cli, tmp_path, name, body):
    data = gzip.compress(body.encode())
    whole = tmp_path / ("whole-" + name)
    whole.write_bytes(data)
    cut = tmp_path / name
    cut.write_bytes(data[:len(data) // 2])
    run = cli("lint", str(cut), str(whole), "--format", "json")
    assert run.code == 2
    first, second = run.json()["files"]
    assert first["error"] == "truncated gzip data (the file ends before the compressed stream does)"
    assert REMISSION in {f["rule"] for f in second["findings"]}


def test_a_warc_page_without_main_content_is_an_error_naming_the_page(cli, tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(warc([("https://example.com/empty", "text/html", b"<html><body></body></html>"),
                              ("https://example.com/a", "text/html", PAGE.encode())]))
    empty, page = cli("lint", str(archive), "--format", "json").json()["files"]
    assert (empty["path"], empty["record"]) == (f"{archive}[https://example.com/empty]", "https://example.com/empty")
    assert empty["error"] == "no main content found in the HTML page (try --html-mode all)"
    assert REMISSION in {f["rule"] for f in page["findings"]}
