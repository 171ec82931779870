"""Do the JSONL and WARC readers stream? Peak memory while reading generated files of growing size.

    .venv/bin/python bench/bench_streams.py                 # 20 MB and 200 MB of each format
    .venv/bin/python bench/bench_streams.py --sizes 10,300

For each format (JSONL, gzipped JSONL, gzipped WARC of HTML pages) and size, a file is written
to a temporary directory, then a fresh child process reads every document in it (JSONL: the
text reader; WARC: the HTML reader with main-content extraction) and reports its peak RSS, the
documents read and MB/s. Flat peak RSS across sizes means memory does not grow with the file.
Linting is left out on purpose: it costs the same per document either way, and would make a
200 MB run take hours.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("acne isotretinoin dose weeks skin doctor study patients treatment months risk "
         "pregnancy label daily effects dermatologist remission trial cream results").split()


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def article(rng: random.Random) -> str:
    return "\n\n".join(paragraph(rng, rng.randint(30, 90)) for _ in range(rng.randint(5, 20)))


def write_jsonl(path: Path, megabytes: int, gz: bool) -> int:
    rng = random.Random(7)
    opener = gzip.open if gz else open
    written = n = 0
    with opener(path, "wt", encoding="utf-8") as out:
        while written < megabytes * 1_000_000:
            line = json.dumps({"id": f"doc-{n}", "url": f"https://example.com/{n}", "text": article(rng)}) + "\n"
            out.write(line)
            written += len(line)
            n += 1
    return n


def write_warc(path: Path, megabytes: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(7)
    written = n = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        while written < megabytes * 1_000_000:
            body = "".join(f"<p>{paragraph(rng, rng.randint(30, 90))}</p>\n" for _ in range(rng.randint(5, 20)))
            html = (f"<html><head><title>Page {n}</title></head><body><nav><a href='/'>Home</a></nav>"
                    f"<article><h1>Article {n}</h1>\n{body}</article><footer>Share</footer></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.com/{n}", "response",
                                                          payload=io.BytesIO(html), http_headers=headers))
            written += len(html)
            n += 1
    return n


def measure(path: str, fmt: str) -> None:
    """Child process: read every document, print JSON with the figures."""
    from claimcheck.documents import Document, read_documents

    start = time.perf_counter()
    docs = errors = chars = 0
    with open(path, "rb") as stream:
        for doc in read_documents(stream, path, fmt):
            if isinstance(doc, Document):
                docs += 1
                chars += len(doc.text)
            else:
                errors += 1
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"docs": docs, "errors": errors, "seconds": seconds, "peak_mb": peak_mb, "chars": chars}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20,200", help="comma-separated sizes in MB of text (default 20,200)")
    ap.add_argument("--measure", nargs=2, metavar=("PATH", "FORMAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure(*args.measure)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'format':<12}{'text MB':>9}{'file MB':>9}{'docs':>9}{'MB/s':>8}{'peak RSS MB':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, suffix, writer in (("jsonl", ".jsonl", lambda p, mb: write_jsonl(p, mb, False)),
                                      ("jsonl.gz", ".jsonl.gz", lambda p, mb: write_jsonl(p, mb, True)),
                                      ("warc.gz", ".warc.gz", write_warc)):
            for mb in sizes:
                path = Path(tmp) / f"gen-{mb}{suffix}"
                writer(path, mb)
                fmt = "warc" if "warc" in suffix else "jsonl"
                out = subprocess.run([sys.executable, __file__, "--measure", str(path), fmt],
                                     check=True, capture_output=True, text=True).stdout
                r = json.loads(out)
                print(f"{label:<12}{mb:>9}{path.stat().st_size / 1e6:>9.1f}{r['docs']:>9}"
                      f"{mb / r['seconds']:>8.1f}{r['peak_mb']:>13.0f}")
                path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
