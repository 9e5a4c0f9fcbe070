"""Helpers for tests that drive Debian's Chromium through Playwright (never a downloaded browser)."""

import os

import pytest
from django.db import connections

from tests.conftest import require_or_skip

CHROMIUM = os.environ.get("BAGAGE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server):
    if not os.path.exists(CHROMIUM):
        require_or_skip("BAGAGE_REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop; Django then refuses ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        # Let the last requests finish, so that no server thread still holds a database connection.
        page.wait_for_load_state("networkidle")
        context.close()
        browser.close()
        # Playwright's sync API keeps an event loop running, so Django's context-local storage
        # hands the tests another database connection inside this block; close it here, or the
        # test database cannot be dropped at the end of the run.
        connections.close_all()
