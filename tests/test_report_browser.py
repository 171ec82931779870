"""The audit's HTML report in a real browser (Debian's Chromium, driven by Playwright; see
browser_support.py): every page in a table that pages, sorts, filters and searches; a site's
view; a page's findings in their sentences; and a hostile page that runs nothing and shows as
text. Skips with the reason where no browser is installed."""
from __future__ import annotations

import pytest

from claimcheck.audit.store import DocumentRow
from test_audit_report import BUY, FOREVER, HYPE, finding, make_store

pytestmark = pytest.mark.slow
pytest_plugins = ["browser_support"]  # the browser and browser_page fixtures: one Chromium for the run

EVIL_TITLE = '<img src=x onerror="window.__pwned=1">Cheap pills'
EVIL_SENTENCE = "Order <script>window.__pwned=2</script> now, a miracle cure [x](javascript:window.__pwned=3)."


def pages() -> list[DocumentRow]:
    """130 pages on three sites (one reached through the Wayback Machine), and a hostile one."""
    docs = []
    for i in range(120):
        site = ("calm.example.org", "shop.example.com")[i % 2]
        score = 100 - (i % 50)
        findings = [HYPE] if score < 100 else []
        docs.append(DocumentRow(f"p{i:03d}", "dump.jsonl", url=f"https://www.{site}/page-{i}", title=f"Page number {i}",
                                analysis_key="k", words=200, score=score, grade="A" if score >= 90 else "B",
                                worst="minor" if findings else None, findings=findings))
    for i in range(9):
        docs.append(DocumentRow(f"pharm{i}", "dump.jsonl",
                                url=f"https://web.archive.org/web/2019/https://rx.example.net/buy-{i}",
                                title=f"Pharmacy offer {i}", analysis_key="k", words=150, score=10 + i, grade="F",
                                worst="critical", findings=[BUY, FOREVER, HYPE]))
    docs.append(DocumentRow("evil", "dump.jsonl", url="javascript:window.__pwned=4", title=EVIL_TITLE,
                            analysis_key="k", words=20, score=0, grade="F", worst="critical",
                            findings=[finding("isotretinoin-buy-online", "unsafe-sourcing", "critical", EVIL_SENTENCE,
                                              "miracle cure", replacement='"><img src=x onerror=window.__pwned=5>')]))
    return docs


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from click.testing import CliRunner

    from claimcheck.cli import main

    folder = tmp_path_factory.mktemp("report")
    db = make_store(folder / "audit.sqlite", pages())
    out = folder / "report.html"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out.as_uri()


def open_report(watched, report, fragment=""):
    watched.page.goto(report + fragment)
    watched.page.wait_for_selector("#app[data-view]")
    return watched.page


def column(page, index):
    return page.locator(f"table.pages tbody tr td:nth-child({index})").all_inner_texts()


def drawn(page, fragment_part):
    """Wait until the view for a hash containing ``fragment_part`` is drawn."""
    page.wait_for_function("part => (document.getElementById('app').dataset.hash || '').includes(part)",
                           arg=fragment_part)


def test_the_table_holds_every_page_and_pages_through_them(browser_page, report):
    page = open_report(browser_page, report)
    assert page.locator(".pager .count").inner_text() == "1–100 of 130 pages"
    assert len(column(page, 1)) == 100
    scores = [int(s) for s in column(page, 3)]
    assert scores == sorted(scores) and scores[0] == 0  # lowest score first
    page.locator(".pager button.next").click()
    drawn(page, "p=1")
    assert page.locator(".pager .count").inner_text() == "101–130 of 130 pages"
    assert len(column(page, 1)) == 30
    assert browser_page.errors == [] and browser_page.dialogs == []


def test_sorting_by_a_column_and_back(browser_page, report):
    page = open_report(browser_page, report)
    page.locator('th button[data-sort="score"]').click()  # already ascending: now descending
    drawn(page, "dir=desc")
    scores = [int(s) for s in column(page, 3)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100
    assert page.locator('th[aria-sort="descending"] button').get_attribute("data-sort") == "score"
    page.locator('th button[data-sort="title"]').click()
    drawn(page, "sort=title")
    titles = column(page, 1)
    assert titles == sorted(titles, key=str.lower)


def test_filters_and_search(browser_page, report):
    page = open_report(browser_page, report)
    page.select_option('select[name="site"]', "example.net")  # the archived pharmacy's own site
    drawn(page, "site=example.net")
    assert set(column(page, 2)) == {"example.net"} and len(column(page, 2)) == 9
    page.select_option('select[name="grade"]', "F")
    drawn(page, "grade=F")
    assert set(column(page, 4)) == {"F"}
    page.goto(report + "#/pages")
    drawn(page, "#/pages")
    page.select_option('select[name="rule"]', "overclaim-permanent-remission")
    drawn(page, "rule=overclaim-permanent-remission")
    assert len(column(page, 1)) == 9
    page.goto(report + "#/pages")
    drawn(page, "#/pages")
    page.select_option('select[name="category"]', "sensational")
    drawn(page, "category=sensational")
    assert page.locator(".pager .count").inner_text() == "1–100 of 126 pages"  # 117 pages of hype, 9 pharmacies
    page.goto(report + "#/pages")
    drawn(page, "#/pages")
    page.fill('input[name="q"]', "number 11")
    page.press('input[name="q"]', "Enter")
    drawn(page, "q=number")
    assert sorted(column(page, 1)) == ["Page number 11", "Page number 110", "Page number 111", "Page number 112",
                                       "Page number 113", "Page number 114", "Page number 115", "Page number 116",
                                       "Page number 117", "Page number 118", "Page number 119"]


def test_a_sites_view_and_a_pages_findings(browser_page, report):
    page = open_report(browser_page, report, "#/sites")
    first = page.locator("table.sites tbody tr").first.locator("td").all_inner_texts()
    assert first[:4] == ["example.net", "9", "100%", "9"]  # the riskiest site first
    page.locator("table.sites a", has_text="example.net").click()
    drawn(page, "#/site?name=example.net")
    assert page.locator("h2.site-name").inner_text() == "example.net"
    assert "9 pages, 9 with a major or critical finding (100%)" in page.locator(".site-stats").inner_text()
    assert set(column(page, 2)) == {"example.net"}
    page.locator("table.pages a.page-link", has_text="Pharmacy offer 0").click()
    drawn(page, "#/page?i=")
    assert page.locator("h2.page-title").inner_text() == "Pharmacy offer 0"
    items = page.locator("li.finding")
    assert items.count() == 3
    worst = items.first
    assert worst.locator(".sev").inner_text().lower() == "critical"
    assert worst.locator("code.rule").inner_text() == "isotretinoin-buy-online"
    assert worst.locator("mark").inner_text() == "Buy isotretinoin online"
    assert worst.locator("blockquote").inner_text() == "Buy isotretinoin online today."
    assert page.locator("li.finding .suggestion").all_inner_texts() == ["Replace with “long-term remission”"]


def test_a_hostile_page_runs_nothing_and_shows_as_text(browser_page, report):
    page = open_report(browser_page, report)
    page.fill('input[name="q"]', "cheap pills")
    page.press('input[name="q"]', "Enter")
    drawn(page, "q=cheap")
    link = page.locator("table.pages a.page-link")
    assert link.inner_text() == EVIL_TITLE  # the markup, as text
    link.click()
    drawn(page, "#/page?i=")
    assert page.locator("h2.page-title").inner_text() == EVIL_TITLE
    assert page.locator("li.finding blockquote").inner_text() == EVIL_SENTENCE
    assert page.locator("li.finding .suggestion").inner_text() == 'Replace with “"><img src=x onerror=window.__pwned=5>”'
    assert page.locator("#app img, #app script, #app iframe").count() == 0
    assert page.locator('#app a[href^="javascript"]').count() == 0
    assert page.get_by_text("javascript:window.__pwned=4").count() == 1  # the URL, shown, not linked
    assert page.evaluate("window.__pwned") is None
    assert browser_page.errors == [] and browser_page.dialogs == [] and browser_page.csp_violations == []
    assert all(url.startswith("file://") for url in browser_page.requests)  # nothing fetched
