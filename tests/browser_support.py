"""A real browser for tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright.

Nothing is downloaded: Playwright starts the browser at CHROMIUM with ``executable_path``
(never ``playwright install``). Where that browser or the playwright package is absent, a
test that asks for one skips, saying why.

Use the fixtures by naming this module as a plugin in a test module::

    pytest_plugins = ["browser_support"]

    @pytest.mark.slow
    def test_the_report_opens(browser_page):
        browser_page.page.goto(url)
        ...
        assert browser_page.dialogs == [] and browser_page.errors == []

``browser`` is one Chromium for the whole run; ``browser_page`` a fresh context and page per
test (VIEWPORT, downloads accepted) that records console messages, uncaught page errors and
dialogs (each dialog is dismissed, so a page's ``alert()`` cannot block a test). ``open_page``
does the same for a test that wants other context options (a viewport, a locale).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright passes --headless itself; these keep Chromium off the network and quiet.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1000, "height": 650}
TIMEOUT_MS = 20_000  # Playwright's waits (for an element, a download): a failure guard, not a delay


def sync_api_or_skip() -> Any:
    """playwright.sync_api, and CHROMIUM; the test skips with the reason when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: browser tests need Debian's chromium package (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                              "(pip install -e '.[test]')")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the test run (skips where there is none)."""
    sync_api = sync_api_or_skip()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class WatchedPage:
    """A page and what it did besides rendering: console messages (``type: text``), uncaught
    errors, the messages of dialogs it opened (alert, confirm, prompt), every URL it requested."""

    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@contextlib.contextmanager
def open_page(browser: Any, **context_options: Any) -> Iterator[WatchedPage]:
    """A new browser context and page (VIEWPORT and downloads unless ``context_options`` say
    otherwise), watched as WatchedPage says; closed afterwards."""
    options = {"viewport": VIEWPORT, "accept_downloads": True, **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watched = WatchedPage(page)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", lambda message: watched.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("dialog", on_dialog)
    page.on("request", lambda request: watched.requests.append(request.url))
    try:
        yield watched
    finally:
        context.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[WatchedPage]:
    """A fresh, watched page in the shared Chromium."""
    with open_page(browser) as watched:
        yield watched
