"""The Dask engine gives the rows the local engine's reading and per-document function give, in
partitioned Parquet: the reference is raw_documents + Analyser run here, in this process."""
from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")
pq = pytest.importorskip("pyarrow.parquet")

from test_streams import PAGE, warc  # noqa: E402

from claimcheck.audit.dask_engine import (NEEDS_DASK, NeedsDask, _jsonl_blocks, _LineBlock,  # noqa: E402
                                          run_dask)
from claimcheck.audit.sources import domain_of, expand_globs, raw_documents  # noqa: E402
from claimcheck.audit.store import DOCUMENT_COLUMNS, FINDING_COLUMNS  # noqa: E402
from claimcheck.audit.work import Analyser, LinterSpec  # noqa: E402
from claimcheck.config import Settings  # noqa: E402
from claimcheck.inputs import expand  # noqa: E402

SPEC = LinterSpec(Settings())
KEY = SPEC.hashes()["analysis_key"]
SPAM = "Buy isotretinoin online without a prescription."
REMISSION = "This cream gives permanent remission of acne."
TWICE = "Accutane gives permanent remission for everyone, our readers say."


def lines(*records: object) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


@pytest.fixture(scope="module")
def cluster():
    # dask's connect and start-up timeouts (30 s and 60 s) only guard against a hang: on a
    # machine loaded by other work, starting two worker processes may take longer
    with dask.config.set({"distributed.comm.timeouts.connect": "600s", "distributed.comm.timeouts.tcp": "600s",
                          "distributed.deploy.lost-worker-timeout": "600s"}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                     timeout="600s") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def analyser():
    return Analyser(SPEC, KEY)


def reference(sources: list[str], analyser: Analyser) -> tuple[dict, list]:
    """Document rows by id and finding rows, as the local engine reads and analyses the same
    sources, with identical content deduplicated within each file (as the Dask engine does
    within a partition; the tests put duplicates only inside one JSONL file)."""
    documents, findings = {}, []
    seen: Counter[str] = Counter()
    first = {}
    for item in expand(expand_globs(sources)):
        for raw in raw_documents(item, SPEC.read_options):
            seen[raw.id] += 1
            if seen[raw.id] > 1:
                raw = replace(raw, id=f"{raw.id}#{seen[raw.id]}")
            if (raw.source, raw.content_hash) in first and raw.content_hash:
                row = first[raw.source, raw.content_hash].copy_for(raw.id, raw.source, raw.record, raw.url, domain_of(raw.url))
            else:
                row = first[raw.source, raw.content_hash] = analyser(raw)
            documents[row.id] = {**{k: getattr(row, k) for k in DOCUMENT_COLUMNS[:-2] if k != "findings"},
                                 "findings": len(row.findings)}
            findings += [{"document_id": row.id, "seq": seq, **f} for seq, f in enumerate(row.findings)]
    return documents, sorted(findings, key=lambda f: (f["document_id"], f["seq"]))


def read_output(out: Path) -> tuple[dict, list]:
    documents = pq.read_table(out / "documents").to_pylist()
    findings = pq.read_table(out / "findings").to_pylist()
    by_id = {d["id"]: d for d in documents}
    assert len(by_id) == len(documents), "a document id written twice"
    return by_id, sorted(findings, key=lambda f: (f["document_id"], f["seq"]))


def part_names(out: Path, table: str) -> list[str]:
    return sorted(p.name for p in (out / table).iterdir())


@pytest.fixture
def crawl(tmp_path):
    """JSONL (claims, a duplicate, a malformed line, a repeated id, a record without id or
    text), gzipped JSONL, a gzipped WARC, and a directory of pages."""
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(lines(
        {"id": "a1", "url": "https://www.pharmacy.example/a1", "text": SPAM},
        {"id": "a2", "text": "Intro line.\n" + REMISSION},
        {"id": "a3", "text": "Drink water and sleep well."},
        {"id": "dup1", "text": TWICE},
        {"id": "dup2", "url": "https://other.example/x", "text": TWICE},
        b'{"id": "bad", "text": "cut',
        b"",
        {"text": "No id here. It brings permanent remission."},
        {"id": "a1", "text": "Same id, other text: juvenile diabetes is common."},
        [1, 2],
        {"id": "a10", "body": "no text field"},
        {"id": "a11", "text": "Isotretinoin is a strong drug. Ask your doctor about it."},
        {"id": "a12", "text": "Nothing to see."},
    ))
    feed = tmp_path / "feed.jsonl.gz"
    feed.write_bytes(gzip.compress(lines(
        {"id": "f1", "text": TWICE}, {"id": "f2", "text": SPAM + " Cheap!"}, {"id": "f3", "text": "Fine."})))
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(warc([
        ("https://example.com/a", "text/html; charset=utf-8", PAGE.encode()),
        ("https://example.com/logo.png", "image/png", b"\x89PNG\r\n"),
        ("https://example.com/b", "text/html", PAGE.replace("Acne care", "Acne").encode()),
    ]))
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    (pages / "a.html").write_text(PAGE)
    (pages / "b.txt").write_text(f"Shop news.\n\n{SPAM}\n")
    (pages / "sub" / "c.md").write_text(f"# Acne\n\n{REMISSION}\n")
    (pages / ".hidden.txt").write_text(SPAM)
    (pages / "data.csv").write_text("a,b\n")
    return tmp_path


@pytest.mark.slow
def test_dask_rows_equal_the_local_reference(cluster, analyser, crawl):
    sources = [str(crawl / "dump.jsonl"), str(crawl / "feed.jsonl.gz"), str(crawl / "crawl.warc.gz"),
               str(crawl / "pages"), str(crawl / "missing.jsonl")]
    out = crawl / "out"
    counts = run_dask(sources, SPEC, str(out), cluster)

    documents, findings = read_output(out)
    want_documents, want_findings = reference(sources, analyser)
    assert documents == want_documents
    assert findings == want_findings

    dump = crawl / "dump.jsonl"
    assert documents[f"{dump}[dup2]"]["duplicate_of"] == f"{dump}[dup1]"
    assert documents[f"{dump}[dup2]"]["findings"] == documents[f"{dump}[dup1]"]["findings"] > 0
    assert documents[f"{crawl}/feed.jsonl.gz[f1]"]["duplicate_of"] is None  # another partition
    assert documents[f"{dump}:6"]["error"].startswith("malformed JSON line: Unterminated string")
    assert f"{dump}[line 8]" in documents and f"{dump}[a1]#2" in documents
    assert documents[f"{dump}[a1]"]["domain"] == "pharmacy.example"
    assert documents[f"{crawl}/crawl.warc.gz[https://example.com/logo.png]"]["status"] == "skipped"
    assert documents[f"{crawl}/missing.jsonl"]["error"] == "no such file or directory"
    assert {i for i in documents if i.startswith(f"{crawl}/pages")} == {
        f"{crawl}/pages/a.html", f"{crawl}/pages/b.txt", f"{crawl}/pages/sub/c.md"}
    assert {f["rule"] for f in findings} >= {"overclaim-permanent-remission"}
    assert counts == {
        "documents": len(documents), "analysed": sum(d["content_hash"] is not None and not d["duplicate_of"]
                                                     for d in documents.values()),
        "duplicates": 1, "errors": sum(d["status"] == "error" for d in documents.values()),
        "findings": len(findings), "partitions": 4}

    names = [f"part-{i:05d}.parquet" for i in range(4)]  # three files, one group of pages
    assert part_names(out, "documents") == part_names(out, "findings") == names
    run = json.loads((out / "_run.json").read_text())
    assert {k: run[k] for k in counts} == counts
    assert run["analysis_key"] == KEY and run["sources"] == sources and run["engine"] == "dask"
    assert run["started"] <= run["ended"]
    schema = pq.read_schema(out / "findings" / names[0])
    assert schema.names == ["document_id", "seq", *FINDING_COLUMNS]
    assert not schema.field("rule").nullable and schema.field("line").nullable


@pytest.mark.slow
def test_split_jsonl_globs_and_file_urls_name_documents_as_the_local_engine(cluster, analyser, crawl,
                                                                           monkeypatch, capsys):
    # No repeated ids or identical records: blocks are partitions, which neither rename nor dedup.
    dump = crawl / "split.jsonl"
    dump.write_bytes(b"\n".join(line for line in (crawl / "dump.jsonl").read_bytes().split(b"\n")
                                if b'"a1"' not in line and b"dup2" not in line))
    monkeypatch.chdir(crawl)  # the glob is relative, as a user types it
    out = crawl / "out"
    given = [f"file://{dump}", "pages/*.html", "pages/sub/"]
    counts = run_dask(given, SPEC, str(out), cluster, blocksize=120)

    documents, findings = read_output(out)
    want_documents, want_findings = reference([str(dump), "pages/*.html", "pages/sub/"], analyser)
    assert documents == want_documents
    assert findings == want_findings
    assert {"pages/a.html", "pages/sub/c.md", f"{dump}[line 6]", f"{dump}:4"} <= set(documents)
    assert counts["partitions"] > 4

    # A rerun into the same output replaces the earlier parts; none are left over. A Client
    # passed in is used, and left open.
    with distributed.Client(cluster, set_as_default=False) as client:
        counts = run_dask(given, SPEC, str(out), client, progress=True)
        assert client.status == "running"
    assert counts["partitions"] == 2
    assert (f"2/2 partitions, {counts['documents']} documents, {counts['errors']} errors"
            in capsys.readouterr().err.splitlines())
    assert part_names(out, "documents") == part_names(out, "findings") == ["part-00000.parquet",
                                                                           "part-00001.parquet"]
    assert read_output(out)[0].keys() == want_documents.keys()


@pytest.mark.parametrize("tail", [b"", b"\n", b'{"id": "last"}'])
def test_blocks_hold_every_line_once_numbered_as_in_the_whole_file(tmp_path, tail):
    data = b"".join(b'{"id": %d, "text": "%s"}\n' % (i, b"x" * (i * 7 % 23)) for i in range(30)) + b"\n" + tail
    path = tmp_path / "d.jsonl"
    path.write_bytes(data)
    whole = list(enumerate(data.splitlines(keepends=True), start=1))
    for blocksize in (1, 17, 64, 500, len(data), 10 * len(data)):
        starts = _jsonl_blocks(str(path), blocksize)
        ends = [offset for offset, _ in starts[1:]] + [None]
        got = []
        with path.open("rb") as f:
            for (start, first), end in zip(starts, ends):
                got += [(n, line) for n, line in enumerate(_LineBlock(f, start, end, first), start=1)
                        if line.strip() or n >= first]
        assert got == whole, blocksize
    gz = tmp_path / "g.jsonl"
    gz.write_bytes(gzip.compress(data))
    assert _jsonl_blocks(str(gz), 10) is None


def test_without_the_dask_extra_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(NeedsDask, match=r"pip install 'claimcheck\[dask\]'") as caught:
        run_dask([str(tmp_path)], SPEC, str(tmp_path / "out"), None)
    assert isinstance(caught.value, ImportError) and str(caught.value) == NEEDS_DASK


def test_auto_blocksize_gives_each_worker_a_few_blocks_of_what_can_be_cut(tmp_path):
    """Uncompressed JSONL is cut so that every worker gets AUTO_BLOCKS_PER_WORKER blocks, never
    under MIN_BLOCKSIZE; gzip (and files that are no JSONL) cannot be cut and do not count."""
    from claimcheck.audit.dask_engine import AUTO_BLOCKS_PER_WORKER, MIN_BLOCKSIZE, Entry, auto_blocksize

    big = tmp_path / "big.jsonl"
    big.write_bytes(lines(*({"id": i, "text": "x" * 1000} for i in range(20_000))))
    small = tmp_path / "small.jsonl"
    small.write_bytes(lines({"id": 1, "text": SPAM}))
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(gzip.compress(big.read_bytes()))
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")

    def entry(path):
        return Entry(str(path), str(path), format_of_path(path), None)

    size = big.stat().st_size + small.stat().st_size
    assert auto_blocksize([entry(big), entry(small), entry(packed), entry(page)], 2) == \
        size // (AUTO_BLOCKS_PER_WORKER * 2) + 1
    assert auto_blocksize([entry(small)], 2) == MIN_BLOCKSIZE
    assert auto_blocksize([entry(packed), entry(page)], 2) is None


def format_of_path(path):
    from claimcheck.documents import format_of

    return format_of(path.name)


def test_a_blocksize_that_is_no_size_is_a_usage_error(cli, tmp_path):
    run = cli("audit", str(tmp_path), "--engine", "dask", "--output", str(tmp_path / "out"), "--blocksize", "12QB")
    assert run.code == 2
    assert run.err.strip() == "claimcheck: error: --blocksize: '12QB' is not a size (e.g. 64MB, 512KiB, auto, 0)"
    assert not (tmp_path / "out").exists()
