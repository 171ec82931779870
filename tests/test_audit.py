"""claimcheck audit: mixed sources into the SQLite store, resume (also after kill -9),
dedup, bad documents recorded without stopping the run, and the report over a real audit."""
from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_audit_report import checked_scripts, parse
from test_streams import warc

ROOT = Path(__file__).resolve().parent.parent

PAGE = """<html><head><title>Acne</title></head><body><article>
<h1>Clear skin fast</h1>
<p>Many readers ask about acne treatments and what the evidence says about them.</p>
<p>Buy isotretinoin online without a prescription and enjoy permanent remission.</p>
<p>Talk to a dermatologist about the options that suit your skin.</p>
</article></body></html>"""
CLAIM = "This cream gives permanent remission of acne. Buy isotretinoin online without a prescription."
CALM = "Sunscreen helps protect skin from sunburn. Reapply it every two hours outdoors."


def rows(db: Path, sql: str, *args) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, args)]
    finally:
        con.close()


def jsonl(*records) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


@pytest.fixture
def crawl(tmp_path) -> Path:
    """A crawl of mixed sources: HTML and text files, a JSONL dump (with duplicates and a
    malformed line), a gzipped JSONL dump and a WARC archive (with an image)."""
    top = tmp_path / "crawl"
    (top / "pages").mkdir(parents=True)
    (top / "pages" / "acne.html").write_text(PAGE, encoding="utf-8")
    (top / "pages" / "sun.txt").write_text(CALM + "\n", encoding="utf-8")
    (top / "dump.jsonl").write_bytes(jsonl(
        {"id": "r1", "url": "https://www.shop.example/a", "text": CLAIM},
        {"id": "r2", "url": "https://mirror.example/a", "text": CLAIM},  # the same page elsewhere
        b'{"id": "r3", "text": "unterminated',
        {"id": "r4", "url": "https://news.example/sun", "text": CALM},
    ))
    (top / "more.jsonl.gz").write_bytes(gzip.compress(jsonl({"id": "g1", "text": "Ozempic is a miracle cure."})))
    (top / "crawl.warc.gz").write_bytes(warc([
        ("https://clinic.example/acne", "text/html; charset=utf-8", PAGE.encode()),
        ("https://clinic.example/logo.png", "image/png", b"\x89PNG\r\n"),
    ]))
    return top


def test_audit_over_mixed_sources_records_every_document(cli, crawl, tmp_path):
    db = tmp_path / "audit.sqlite"
    run = cli("audit", str(crawl), "--db", str(db), "--jobs", "1")
    assert run.code == 0, run.err
    assert "audit complete" in run.err
    docs = {d["id"]: d for d in rows(db, "SELECT * FROM documents")}
    dump, warc_file = f"{crawl}/dump.jsonl", f"{crawl}/crawl.warc.gz"
    assert set(docs) == {
        f"{crawl}/pages/acne.html", f"{crawl}/pages/sun.txt", f"{dump}[r1]", f"{dump}[r2]",
        f"{dump}:3", f"{dump}[r4]", f"{crawl}/more.jsonl.gz[g1]",
        f"{warc_file}[https://clinic.example/acne]", f"{warc_file}[https://clinic.example/logo.png]",
    }
    r1 = docs[f"{dump}[r1]"]
    assert (r1["status"], r1["url"], r1["domain"], r1["source"], r1["record"]) == (
        "ok", "https://www.shop.example/a", "shop.example", dump, "r1")
    assert r1["grade"] == "F" and r1["score"] < 60 and r1["words"] == 13 and r1["worst"] == "critical"
    assert len(r1["content_hash"]) == 64
    page = docs[f"{warc_file}[https://clinic.example/acne]"]
    assert page["domain"] == "clinic.example" and page["status"] == "ok" and page["findings"] > 0
    assert docs[f"{warc_file}[https://clinic.example/logo.png]"]["status"] == "skipped"
    assert docs[f"{crawl}/pages/sun.txt"]["findings"] == 0 and docs[f"{crawl}/pages/sun.txt"]["grade"] == "A"
    found = rows(db, "SELECT rule, line, \"column\", text, severity FROM findings WHERE document_id = ? "
                     "ORDER BY seq", f"{dump}[r1]")
    assert {"rule": "isotretinoin-buy-online", "line": 1, "column": 47, "text": "Buy isotretinoin online",
            "severity": "critical"} in found
    run_row = rows(db, "SELECT * FROM runs")[0]
    assert run_row["status"] == "complete" and run_row["documents"] == 9 and run_row["errors"] == 1
    assert run_row["duplicates"] == 1 and len(run_row["rulebook_hash"]) == 64 and run_row["engine"] == "local"


def test_a_bad_document_is_recorded_and_the_run_goes_on(cli, crawl, tmp_path):
    db = tmp_path / "audit.sqlite"
    (crawl / "pages" / "broken.txt").write_bytes(b"caf\xe9 \xff\xfe cure\n")  # not UTF-8
    assert cli("audit", str(crawl), "--db", str(db), "--jobs", "1").code == 0
    bad = {d["id"]: d for d in rows(db, "SELECT * FROM documents WHERE status = 'error'")}
    assert bad[f"{crawl}/dump.jsonl:3"]["error"].startswith("malformed JSON line")
    assert "not valid UTF-8 (byte 0xe9 on line 1" in bad[f"{crawl}/pages/broken.txt"]["error"]
    assert rows(db, "SELECT count(*) AS n FROM documents WHERE status = 'ok'")[0]["n"] == 7


def test_a_document_over_the_time_limit_is_an_error_not_the_end(cli, crawl, tmp_path):
    db = tmp_path / "audit.sqlite"
    run = cli("audit", str(crawl / "pages"), "--db", str(db), "--jobs", "1", "--timeout", "0.000001")
    assert run.code == 0
    errors = [d["error"] for d in rows(db, "SELECT error FROM documents ORDER BY id")]
    assert errors == ["timed out after 1e-06 s"] * 2


def test_identical_pages_are_analysed_once_and_recorded_for_each_url(cli, crawl, tmp_path):
    db = tmp_path / "audit.sqlite"
    cli("audit", str(crawl / "dump.jsonl"), "--db", str(db), "--jobs", "1")
    dump = f"{crawl}/dump.jsonl"
    r1, r2 = rows(db, "SELECT * FROM documents WHERE id IN (?, ?) ORDER BY id", f"{dump}[r1]", f"{dump}[r2]")
    assert r1["duplicate_of"] is None and r2["duplicate_of"] == f"{dump}[r1]"
    assert r2["url"] == "https://mirror.example/a" and r2["domain"] == "mirror.example"
    assert (r1["content_hash"], r1["score"], r1["findings"]) == (r2["content_hash"], r2["score"], r2["findings"])
    same = rows(db, "SELECT document_id, rule, line, \"column\" FROM findings ORDER BY document_id, seq")
    assert [f[1:] for f in (tuple(d.values()) for d in same) if f[0].endswith("[r1]")] == \
           [f[1:] for f in (tuple(d.values()) for d in same) if f[0].endswith("[r2]")]
    assert rows(db, "SELECT analysed, duplicates FROM runs")[0] == {"analysed": 2, "duplicates": 1}
    # a later run meeting the same content under a new id reuses the analysis too
    (crawl / "again.jsonl").write_bytes(jsonl({"id": "r9", "text": CLAIM}))
    cli("audit", str(crawl / "again.jsonl"), "--db", str(db), "--jobs", "1")
    again = rows(db, "SELECT duplicate_of FROM documents WHERE id = ?", f"{crawl}/again.jsonl[r9]")[0]
    assert again["duplicate_of"] == f"{dump}[r1]"


def test_a_rerun_skips_what_is_done_and_redoes_what_changed(cli, crawl, tmp_path):
    db = tmp_path / "audit.sqlite"
    cli("audit", str(crawl), "--db", str(db), "--jobs", "1")
    run = cli("audit", str(crawl), "--db", str(db), "--jobs", "1")
    assert "0 documents recorded" in run.err and "9 unchanged" in run.err
    (crawl / "pages" / "sun.txt").write_text(CALM + " It cures cancer.\n", encoding="utf-8")
    run = cli("audit", str(crawl), "--db", str(db), "--jobs", "1")
    assert "1 documents recorded (1 analysed" in run.err
    changed = rows(db, "SELECT findings, run_id FROM documents WHERE id = ?", f"{crawl}/pages/sun.txt")[0]
    assert changed == {"findings": 1, "run_id": 3}
    assert rows(db, "SELECT count(*) AS n FROM documents")[0]["n"] == 9
    # another rulebook selection is another analysis: everything is checked again
    run = cli("audit", str(crawl), "--db", str(db), "--jobs", "1", "--ignore", "sensational")
    assert "0 unchanged" in run.err


def test_audit_usage_errors_exit_2(cli, crawl, tmp_path):
    assert cli("audit", str(crawl)).code == 2
    assert cli("audit", str(crawl), "--db", str(tmp_path / "a.sqlite"), "--select", "no-such-rule").code == 2
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database " * 100)
    run = cli("audit", str(crawl), "--db", str(not_db), "--jobs", "1")
    assert run.code == 2 and "not an audit database" in run.err
    missing, db = tmp_path / "no-such-crawl", tmp_path / "b.sqlite"
    run = cli("audit", str(crawl), str(missing), "--db", str(db), "--jobs", "1")
    assert (run.code, run.err) == (2, f"claimcheck: error: {missing}: no such file or directory\n")
    assert not db.exists()  # nothing started


def articles(first: int, last: int) -> bytes:
    """JSONL records a{first} .. a{last - 1}: distinct articles full of claims, about 4 KB each."""
    body = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))[:2])
    return b"".join(json.dumps({"id": f"a{i}", "url": f"https://site{i % 7}.example/{i}",
                                "text": f"Article number {i}.\n\n{body}"}).encode() + b"\n"
                    for i in range(first, last))


class FedAudit:
    """An audit (--jobs 2, in its own process group) of a FIFO that this test writes to and
    keeps open: the audit cannot finish, so the test interrupts it when it chooses, after the
    documents it fed are committed, however fast or slow the machine is.

    The test opens the FIFO for reading and writing, which never blocks, and feeds less than
    a pipe's buffer (64 KiB), so no write waits for the audit either."""

    def __init__(self, tmp_path: Path, fed: int):
        self.dump, self.db = tmp_path / "dump.jsonl", tmp_path / "audit.sqlite"
        self.cmd = [sys.executable, "-m", "claimcheck", "audit", str(self.dump), "--db", str(self.db),
                    "--jobs", "2", "--no-progress"]
        self.cwd = tmp_path
        os.mkfifo(self.dump)
        self.feed = os.open(self.dump, os.O_RDWR)
        data = articles(0, fed)
        assert len(data) < 65536
        os.write(self.feed, data)
        self.fed = fed
        # Ctrl-C's default action in the audit, whatever this process inherited (a job started
        # in the background by a shell ignores SIGINT, and Python then keeps ignoring it)
        self.proc = subprocess.Popen(self.cmd, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def committed(self) -> int:
        """Wait until the audit has committed every document fed (it does so once the FIFO
        stays silent): the number in the store. The deadline only guards against a hang."""
        deadline = time.monotonic() + 600
        n = 0
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the audit ended while its input was open: {self.proc.communicate()}"
            try:
                n = rows(self.db, "SELECT count(*) AS n FROM documents")[0]["n"] if self.db.exists() else 0
            except sqlite3.OperationalError:
                n = 0  # the schema is being created
            if n >= self.fed:
                return n
            time.sleep(0.1)
        raise AssertionError(f"{n} of {self.fed} documents committed after 600 s")

    def close(self) -> None:
        os.close(self.feed)

    def rerun_on_file(self, total: int) -> subprocess.CompletedProcess:
        """The same command, the FIFO replaced by a file of ``total`` articles (the fed ones first)."""
        self.close()
        self.dump.unlink()
        self.dump.write_bytes(articles(0, total))
        return subprocess.run(self.cmd, cwd=self.cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_resume_after_kill_9_loses_and_duplicates_nothing(cli, tmp_path):
    """Kill the audit (parent and workers) for real mid-run, then rerun: the killed run's row
    counts what the store holds, the report shows it as interrupted, every document is there
    exactly once, and those committed before the kill are not analysed again."""
    audit = FedAudit(tmp_path, 6)
    done = audit.committed()
    os.killpg(audit.proc.pid, signal.SIGKILL)
    audit.proc.wait()
    assert done == 6
    before = {d["id"]: d["checked_at"] for d in rows(audit.db, "SELECT id, checked_at FROM documents")}
    assert rows(audit.db, "SELECT count(*) AS n FROM findings WHERE document_id NOT IN (SELECT id FROM documents)"
                )[0]["n"] == 0
    killed = rows(audit.db, "SELECT * FROM runs")[0]
    held = rows(audit.db, "SELECT count(*) AS n, TOTAL(findings) AS f FROM documents WHERE run_id = ?", killed["id"])[0]
    assert (killed["status"], killed["documents"], killed["analysed"]) == ("running", held["n"], held["n"])
    assert killed["findings"] == held["f"] > 0
    report = cli("report", "--db", str(audit.db), "--format", "json")
    assert report.code == 0 and report.json()["last_run"]["status"] == "interrupted"
    assert "status      interrupted" in cli("report", "--db", str(audit.db)).out

    total = 10
    rerun = audit.rerun_on_file(total)
    assert rerun.returncode == 0, rerun.stderr
    docs = rows(audit.db, "SELECT id, status, checked_at, findings FROM documents")
    assert sorted(d["id"] for d in docs) == sorted(f"{audit.dump}[a{i}]" for i in range(total))
    assert all(d["status"] == "ok" for d in docs)
    assert all(d["checked_at"] == before[d["id"]] for d in docs if d["id"] in before)  # not redone
    runs = rows(audit.db, "SELECT status, unchanged, documents FROM runs ORDER BY id")
    assert runs[0]["status"] == "interrupted"
    assert runs[1] == {"status": "complete", "unchanged": len(before), "documents": total - len(before)}
    per_doc = rows(audit.db, "SELECT document_id, count(*) AS n FROM findings GROUP BY document_id")
    assert len({d["n"] for d in per_doc}) == 1  # the same article everywhere: the same findings


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_report_of_an_audited_hostile_page_escapes_it(cli, tmp_path):
    hostile = tmp_path / "pages"
    hostile.mkdir()
    (hostile / "evil.jsonl").write_bytes(jsonl({
        "id": "<script>alert(1)</script>", "url": "javascript:alert(1)//\"><img src=x onerror=alert(2)>",
        "text": "Buy isotretinoin online <script>alert(3)</script> \"><img src=x onerror=alert(4)> today.",
    }))
    db, html = tmp_path / "audit.sqlite", tmp_path / "report.html"
    assert cli("audit", str(hostile), "--db", str(db), "--jobs", "1").code == 0
    run = cli("report", "--db", str(db), "--html", str(html), "--format", "text")
    assert run.code == 0 and "isotretinoin-buy-online" in run.out
    page = html.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert not [t for t, _ in parser.tags if t in ("img", "iframe", "object", "embed", "link")]
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page and "Content-Security-Policy" in page
    # the report's own two scripts (its data, inert, and report.js), allowed by hash; the page's
    # text sits in the data as text (tests/test_report_browser.py shows it stays text on screen)
    data = checked_scripts(page, parse(page))
    assert any("<script>alert(3)</script>" in f[data["finding_fields"].index("sentence")] for f in data["findings"])


def test_a_worker_dying_on_a_document_costs_only_that_document(crawl, tmp_path, monkeypatch):
    """A document that kills its worker process (as a parser crash in C would) is recorded as
    an error; the pool is replaced and every other document is analysed."""
    from claimcheck.audit import runner, work
    from claimcheck.audit.sources import expand_globs
    from claimcheck.config import Settings
    from claimcheck.inputs import expand

    if not runner.FORK:
        pytest.skip("the patched analyser reaches the workers only when they are forked")
    analyse = work.Analyser.__call__

    def deadly(self, raw):
        if raw.id.endswith("[r4]"):
            os._exit(3)
        return analyse(self, raw)

    monkeypatch.setattr(work.Analyser, "__call__", deadly)
    db = tmp_path / "audit.sqlite"
    inputs = expand(expand_globs([str(crawl)]))
    result = runner.run_local(inputs, db, work.LinterSpec(Settings()), 2, [str(crawl)], chunk_size=4,
                              progress=False)
    assert result.status == "complete"
    docs = {d["id"]: d for d in rows(db, "SELECT id, status, error FROM documents")}
    assert len(docs) == 9
    dead = docs[f"{crawl / 'dump.jsonl'}[r4]"]
    assert dead["status"] == "error" and "worker analysing it died" in dead["error"]
    assert [d["id"] for d in docs.values() if d["status"] == "error" and d is not dead] == [
        f"{crawl / 'dump.jsonl'}:3"]  # the malformed line, as always
    assert all(d["status"] in ("ok", "skipped") for d in docs.values() if d["status"] != "error")


@pytest.mark.slow
def test_killing_only_the_parent_leaves_no_worker_behind(tmp_path):
    """kill -9 of the audit process alone: its workers die with it and release the store's
    lock, so the rerun starts at once."""
    audit = FedAudit(tmp_path, 4)
    audit.committed()  # analysed: the pool and its workers exist
    workers = _children(audit.proc.pid)
    assert len(workers) >= 2, f"no workers seen: {workers}"
    audit.proc.kill()
    audit.proc.wait()
    deadline = time.monotonic() + 120  # the kernel kills them (PR_SET_PDEATHSIG); only a hang guard
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the killed parent"
    rerun = audit.rerun_on_file(8)
    assert rerun.returncode == 0, rerun.stderr
    assert rows(audit.db, "SELECT count(*) AS n FROM documents")[0]["n"] == 8


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        pytest.skip("no /proc: cannot find the workers")
    return [int(p) for p in found]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_ctrl_c_keeps_what_is_done_and_exits_130(tmp_path):
    """SIGINT to the whole process group, as Ctrl-C in a terminal sends it: the audit writes
    what finished, marks the run interrupted, exits 130; a rerun does only the rest."""
    audit = FedAudit(tmp_path, 5)
    done = audit.committed()
    os.killpg(audit.proc.pid, signal.SIGINT)
    _, err = audit.proc.communicate(timeout=600)
    assert audit.proc.returncode == 130, err
    assert "audit interrupted" in err
    run = rows(audit.db, "SELECT status, documents FROM runs")[0]
    assert run == {"status": "interrupted", "documents": done} and done == 5
    assert rows(audit.db, "SELECT count(*) AS n FROM documents")[0]["n"] == done

    rerun = audit.rerun_on_file(9)
    assert rerun.returncode == 0, rerun.stderr
    assert rows(audit.db, "SELECT count(*) AS n FROM documents")[0]["n"] == 9
    assert rows(audit.db, "SELECT status, unchanged FROM runs ORDER BY id")[1] == {"status": "complete", "unchanged": done}
