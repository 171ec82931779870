"""The review page in a real browser (Debian's Chromium through Playwright; skipped where it is
absent): the app runs under uvicorn in a thread on a free port of 127.0.0.1, and the tests
paste, upload, accept a fix and download as a reviewer would, and check that a hostile draft
stays text.

``CLAIMCHECK_SCREENSHOT=docs/review-page.png .venv/bin/python -m pytest
tests/test_serve_browser.py -k screenshot`` also writes the README's screenshot.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

pytest_plugins = ["browser_support"]  # the browser and browser_page fixtures
pytestmark = pytest.mark.slow

uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed (pip install -e '.[test]')")

from claimcheck.atomic import write_bytes_atomically  # noqa: E402
from claimcheck.serve.app import create_app  # noqa: E402
from claimcheck.serve.command import listening_socket, page_url  # noqa: E402
from claimcheck.serve.review import Reviewer  # noqa: E402
from claimcheck.session import LintSession  # noqa: E402

DRAFT = ("# Clear skin\n\n"
         "This cream gives permanent remission of acne. You can order it without a prescription.\n\n"
         "Experts agree it is a miracle. Some call it juvenile diabetes.\n")
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1;alert(1)">.md'
HOSTILE_MARKDOWN = ("<script>window.__pwned=1;alert(1)</script>\n\n"
                    '<img src=x onerror="window.__pwned=1;alert(1)">\n\n'
                    "[x](javascript:window.__pwned=1)\n\n"
                    "This cream gives permanent remission of acne.\n")
HOSTILE_HTML = ('<html><body><article><h1>Clear skin</h1>'
                '<p>This cream gives permanent remission of acne.</p>'
                '<script>window.__pwned=1;alert(1)</script>'
                '<img src=x onerror="window.__pwned=1;alert(1)">'
                '<p><a href="javascript:window.__pwned=1">x</a></p></article></body></html>\n')


class _Server(uvicorn.Server):
    """uvicorn, saying when its start-up has finished (``started`` tells whether it worked)."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event):
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets=None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()


@pytest.fixture(scope="module")
def server():
    """The page's address, served by uvicorn in a thread on a free port (isolated: the
    repository's own configuration does not change what the tests see)."""
    yield from serving()


def serving(audit_db: Path | None = None):
    """Serve the app (with an audit store's report when given one) until the caller is done."""
    reviewer = Reviewer.start(LintSession({}, True, None, True))
    sock = listening_socket("127.0.0.1", 0)
    ready = threading.Event()
    config = uvicorn.Config(create_app(reviewer, audit_db=audit_db), log_level="warning", access_log=False,
                            lifespan="off")
    instance = _Server(config, ready)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    assert ready.wait(timeout=60) and instance.started, "uvicorn did not start"
    try:
        yield page_url(sock)
    finally:
        instance.should_exit = True
        thread.join(timeout=30)
        sock.close()


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def check_draft(page, url: str, text: str, filename: str) -> None:
    page.goto(url)
    page.fill("#filename", filename)
    page.fill("#draft", text)
    page.click("#check")
    expect()(page.locator("#view")).to_be_visible()


def test_a_claim_is_highlighted_accepted_and_downloaded(browser_page, server):
    page = browser_page.page
    check_draft(page, server, DRAFT, "draft.md")

    see = expect()
    marks = page.locator("#view mark")
    see(marks).to_have_count(4)
    for severity, text in (("critical", "order it without a prescription"), ("major", "permanent remission"),
                           ("minor", "miracle"), ("info", "juvenile diabetes")):
        see(page.locator(f"#view mark.sev-{severity}")).to_have_text(text)
    see(page.locator("#score-value")).to_have_text("55")
    see(page.locator("#grade")).to_have_text("F")
    item = page.locator("#findings li", has_text="overclaim-permanent-remission")
    see(item.locator(".message")).to_contain_text("Claims permanent remission")
    see(item.locator(".suggestion")).to_have_text("Suggestion: replace with \u201clong-term remission\u201d")
    see(item.locator(".advice")).to_contain_text("Say what the evidence supports")
    see(item.locator(".where")).to_have_text("3:18")

    item.get_by_role("button", name="Accept suggestion").click()

    see(page.locator("#score-value")).to_have_text("65")
    see(page.locator("#grade")).to_have_text("D")
    see(page.locator("#view mark.sev-major")).to_have_count(0)
    see(page.locator("#findings li", has_text="overclaim-permanent-remission")).to_have_count(0)
    see(page.locator("#findings li")).to_have_count(3)
    fixed = DRAFT.replace("permanent remission", "long-term remission")
    assert page.locator("#view").text_content() == fixed
    see(page.locator("#status")).to_contain_text("Score 55 (F) \u2192 65 (D)")

    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "draft.md"
    assert Path(download.value.path()).read_bytes() == fixed.encode("utf-8")

    page.click("#edit")
    assert page.input_value("#draft") == fixed
    page.fill("#draft", "This cream gives permanent remission of acne.")
    page.click("#check")
    see(page.locator("#view mark.sev-major")).to_have_text("permanent remission")
    see(page.locator("#score-value")).to_have_text("90")
    see(page.locator("#grade")).to_have_text("A")

    assert all(u.startswith(server) or u.startswith("blob:") for u in browser_page.requests), browser_page.requests
    assert browser_page.errors == [] and browser_page.dialogs == []


def test_a_hostile_draft_and_file_name_show_as_text_and_run_nothing(browser_page, server):
    page = browser_page.page
    check_draft(page, server, HOSTILE_MARKDOWN, HOSTILE_NAME)

    see = expect()
    see(page.locator("#view mark.sev-major")).to_have_text("permanent remission")
    assert page.locator("#view").text_content() == HOSTILE_MARKDOWN
    assert page.input_value("#filename") == HOSTILE_NAME
    see(page.locator("#status")).to_contain_text(f"Checked {HOSTILE_NAME}")
    assert page.locator("main img, main script, main a, #status *").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert browser_page.dialogs == []

    hostile_upload = '<img src=x onerror="window.__pwned=1;alert(1)">.html'
    page.set_input_files("#upload", files=[{"name": hostile_upload, "mimeType": "text/html",
                                            "buffer": HOSTILE_HTML.encode("utf-8")}])
    see(page.locator("#status")).to_contain_text(f"Uploaded {hostile_upload}")
    see(page.locator("#view mark.sev-major")).to_have_text("permanent remission")
    assert page.locator("#view").text_content() == HOSTILE_HTML
    assert page.input_value("#filename") == hostile_upload
    assert page.locator("main img, main script, main a, #status *").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert browser_page.dialogs == [] and browser_page.errors == []


def test_an_upload_that_cannot_be_read_says_why(browser_page, server):
    page = browser_page.page
    page.goto(server)
    latin = "Caf\u00e9 cream gives permanent remission.\n".encode("latin-1")
    page.set_input_files("#upload", files=[{"name": "latin.txt", "mimeType": "text/plain", "buffer": latin}])
    status = page.locator("#status.error")
    expect()(status).to_contain_text("latin.txt: not valid UTF-8 (byte 0xe9 on line 1")
    assert page.locator("#view").is_hidden()


def test_the_screenshot_shows_every_severity(browser_page, server):
    """The README's picture: CLAIMCHECK_SCREENSHOT=PATH writes it (atomically) to PATH."""
    page = browser_page.page
    check_draft(page, server, DRAFT, "draft.md")
    see = expect()
    for severity in ("critical", "major", "minor", "info"):
        see(page.locator(f"#view mark.sev-{severity}")).to_have_count(1)
        see(page.locator(f"#findings li.sev-{severity}")).to_have_count(1)
    see(page.locator("#status")).to_have_text(re.compile(r"Checked draft\.md: score 55 \(F\), 4 findings"))
    target = os.environ.get("CLAIMCHECK_SCREENSHOT")
    if target:
        write_bytes_atomically(Path(target), page.screenshot())


@pytest.fixture(scope="module")
def report_server(tmp_path_factory):
    from test_audit_report import hostile_docs, make_store

    db = make_store(tmp_path_factory.mktemp("audit") / "audit.sqlite", hostile_docs())
    yield from serving(db)


def test_the_audit_report_works_under_the_servers_headers(browser_page, report_server):
    """/report's script runs under the policy the server sends (its hashes), draws every page,
    opens one, and a hostile page's markup stays text."""
    page = browser_page.page
    page.goto(report_server + "report")
    page.wait_for_selector("#app[data-view]")
    assert page.locator(".pager .count").inner_text() == "1–4 of 4 pages"
    page.locator("table.pages a.page-link").first.click()
    page.wait_for_function("document.getElementById('app').dataset.hash.includes('#/page?i=')")
    assert page.locator("#app img, #app script").count() == 0
    assert browser_page.errors == [] and browser_page.dialogs == [] and browser_page.csp_violations == []
