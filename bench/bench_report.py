"""The audit's HTML report at FakeHealth's size (2,156 pages) and at 100,000 pages: how long
`claimcheck report --html` takes, how large the file is, and how fast Debian's Chromium opens
it and redraws it after a filter (prints figures, asserts nothing).

The 2,156-page store is an audit of ../shared/corpus/fakehealth.jsonl.gz; the 100,000-page one
copies its documents and findings under new ids (so sites, titles and findings are real, only
repeated). Generation is timed beside the summary alone (`report --format json`) in the same
run, the baseline. Opening is timed in the browser: from navigation to the table drawn
(`#app[data-view]`), then a filter (grade F) and a sort (by score, descending) each until
redrawn; the median of --repeat runs.

    .venv/bin/python bench/bench_report.py [--pages 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKEHEALTH = REPO.parent / "shared" / "corpus" / "fakehealth.jsonl.gz"
CHROMIUM = Path("/usr/bin/chromium")


def claimcheck(*args: str) -> float:
    """Run a claimcheck command in this process; its wall time in seconds."""
    from click.testing import CliRunner

    from claimcheck.cli import main

    start = time.perf_counter()
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        sys.exit(f"claimcheck {' '.join(args)}: exit {result.exit_code}: {result.output[-500:]}")
    return elapsed


def grow(db: Path, pages: int) -> None:
    """Copy the store's documents (and their findings) under new ids up to ``pages`` documents."""
    import sqlite3

    con = sqlite3.connect(db)
    base = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    columns = [r[1] for r in con.execute("PRAGMA table_info(documents)")]
    finding_columns = [r[1] for r in con.execute("PRAGMA table_info(findings)") if r[1] not in ("id", "document_id")]
    copy = 1
    with con:
        while con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] < pages:
            need = pages - con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            picked = f"SELECT id FROM documents WHERE id NOT LIKE '%#%' ORDER BY id LIMIT {min(need, base)}"
            cols = ", ".join(f'"{c}"' for c in columns)
            values = ", ".join(f"id || '#{copy}'" if c == "id" else f'"{c}"' for c in columns)
            con.execute(f"INSERT INTO documents ({cols}) SELECT {values} FROM documents WHERE id IN ({picked})")
            fcols = ", ".join(f'"{c}"' for c in finding_columns)
            con.execute(f"INSERT INTO findings (document_id, {fcols}) SELECT document_id || '#{copy}', {fcols} "
                        f"FROM findings WHERE document_id IN ({picked})")
            copy += 1
    con.close()


def generate(db: Path, out: Path, repeat: int) -> tuple[float, float]:
    html = min(claimcheck("report", "--db", str(db), "--html", str(out)) for _ in range(repeat))
    summary = min(claimcheck("report", "--db", str(db), "--format", "json") for _ in range(repeat))
    return html, summary


def browse(report: Path, repeat: int) -> dict[str, float] | None:
    """Milliseconds to open the report and draw its table, to filter, to sort (medians)."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"open": [], "filter": [], "sort": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        for _ in range(repeat):
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(report.as_uri())
            page.wait_for_selector("#app[data-view]")
            times["open"].append(page.evaluate("performance.now()"))
            for name, act, part in (("filter", lambda: page.select_option('select[name="grade"]', "F"), "grade=F"),
                                    ("sort", lambda: page.locator('th button[data-sort="score"]').click(), "dir=desc")):
                start = page.evaluate("performance.now()")
                act()
                page.wait_for_function("part => document.getElementById('app').dataset.hash.includes(part)", arg=part)
                times[name].append(page.evaluate("performance.now()") - start)
            page.close()
        browser.close()
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not FAKEHEALTH.exists():
        sys.exit(f"{FAKEHEALTH} is absent")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "audit.sqlite"
        sink = io.StringIO()
        with redirect_stdout(sink), redirect_stderr(sink):
            claimcheck("audit", str(FAKEHEALTH), "--db", str(db), "--jobs", "2", "--no-progress")
        import sqlite3

        con = sqlite3.connect(db)
        changed, total = con.execute("SELECT TOTAL(site IS NOT domain), COUNT(*) FROM documents").fetchone()
        hosts, sites = con.execute("SELECT COUNT(DISTINCT domain), COUNT(DISTINCT site) FROM documents").fetchone()
        con.close()
        print(f"site (registered domain) differs from host on {int(changed)} of {total} pages "
              f"({100 * changed / total:.1f}%); {hosts} hosts -> {sites} sites")
        print(f"{'pages':>8} {'html s':>8} {'summary s':>9} {'ratio':>6} {'size MB':>8} {'open ms':>8} "
              f"{'filter ms':>9} {'sort ms':>8}")
        for pages in (None, args.pages):
            if pages is not None:
                grow(db, pages)
            n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            out = Path(tmp) / f"report-{n}.html"
            html, summary = generate(db, out, args.repeat)
            b = browse(out, args.repeat)
            opened = "-" if b is None else f"{b['open']:8.0f} {b['filter']:9.0f} {b['sort']:8.0f}"
            print(f"{n:>8} {html:8.2f} {summary:9.2f} {html / summary:6.1f} {out.stat().st_size / 1e6:8.1f} {opened}")


if __name__ == "__main__":
    main()
