"""A Content-Security-Policy with no inline script or style on every page, and nothing on the pages breaks it.

Each role's pages (those of tests/web/test_layout_browser.py) carry the header; in Chromium, no page reports
a violation of it on the console, the menu script still runs, and the API's documentation still draws.
"""

import os

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.browser import ARGS, CHROMIUM
from tests.conftest import require_or_skip
from tests.web.test_layout_browser import make_world, pages_of, sign_in

ROLES = ["warehouse", "mediator", "coordinator", "social_worker"]
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def test_the_policy_allows_no_inline_script_or_style():
    assert settings.BAGAGE_CONTENT_SECURITY_POLICY == POLICY
    assert "unsafe-inline" not in POLICY and "unsafe-eval" not in POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_served_with_the_policy(role):
    world = make_world()
    client = Client()
    client.force_login(world["users"][role])
    for name, path in pages_of(role, world):
        response = client.get(path)
        expected = int(name) if name.isdigit() else 200
        assert response.status_code == expected, path
        assert response["Content-Security-Policy"] == POLICY, path


@pytest.mark.django_db
def test_the_sign_in_page_the_docs_and_error_pages_carry_the_policy_but_json_does_not():
    client = Client()
    for path in ("/", "/api/v1/docs", "/no-such-page/"):
        assert client.get(path)["Content-Security-Policy"] == POLICY, path
    assert "Content-Security-Policy" not in client.get("/api/v1/openapi.json")


@pytest.fixture
def browser_page(live_server):
    if not os.path.exists(CHROMIUM):
        require_or_skip("BAGAGE_REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 800})
        page = context.new_page()
        page.set_default_timeout(10_000)
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        page.violations = violations
        yield page
        page.wait_for_load_state("networkidle")
        context.close()
        browser.close()
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_a_role_breaks_the_policy_in_chromium(role, browser_page, live_server):
    page = browser_page
    world = make_world()
    sign_in(page, live_server, world["users"][role].username)
    for _name, path in pages_of(role, world):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        # The page's own script ran: at 390 px it folds the menu.
        assert page.evaluate("document.querySelector('details[data-menu]').open") is False, path
    assert page.violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_injected_inline_script_is_refused_by_the_browser(browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.pwned") is None
    assert any("Content Security Policy" in v for v in page.violations), page.violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_draws_under_the_policy(browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert page.violations == []
