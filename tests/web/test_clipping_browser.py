"""Nothing clipped, in Chromium, at 360, 390, 820, 1024 and 1280 px; no two home links open the same list.

Clipped: a table cell, a heading or a card's number whose content is wider than its box (scrollWidth >
clientWidth), or, from tablets up (640 px), a table wider than its box, which hides its last columns behind a
scroll bar (on phones a table's box is meant to scroll, or the table stacks its rows as cards). One browser,
one context per role, each page loaded once and measured at every width.
"""

import os

import pytest
from django.db import connections

from tests.browser import ARGS, CHROMIUM, clipped
from tests.conftest import require_or_skip
from tests.factories import BeneficiaryFactory, DeviceFactory, ReferralFactory, UserFactory
from tests.web.test_layout_browser import make_world, pages_of, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 390, 820, 1024, 1280)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        require_or_skip("BAGAGE_REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
    connections.close_all()


def measure(page, name: str, problems: list[str]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        problems.extend(f"{name} at {width}px: {problem}" for problem in clipped(page))


def propose_a_plan(page, live_server) -> None:
    page.goto(live_server.url + "/matching/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/matching/" in page.url and page.locator(".plan-table").count() == 1, page.url


def test_no_number_or_cell_is_clipped_and_home_links_open_distinct_lists(browser, live_server):
    world = make_world()
    site = world["kit"].site
    social = world["users"]["social_worker"]
    # A plan to look at: an accepted referral and a ready device for it.
    ReferralFactory(social_worker=social, site=site, status="accepted")
    # The widest a list's cells will be for years, whatever ran before on this database (ids and the factories'
    # sequence numbers grow along a run, and did widen the referral list by 2 px at 820 px on PostgreSQL once):
    # a six-digit number, a long one-word surname, a long organisation name.
    ReferralFactory(
        pk=123456,
        social_worker=UserFactory(
            social_worker=True, organisation__name="Association départementale d'accompagnement socioprofessionnel"
        ),
        site=site,
        status="needs_info",
        beneficiary=BeneficiaryFactory(first_name="Marie-Françoise", last_name="Ramanantsoavina"),
    )
    DeviceFactory(ready=True, site=site, batch=world["batch"], created_by=world["users"]["warehouse"])
    problems: list[str] = []
    for role in ("mediator", "coordinator", "warehouse", "social_worker"):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            sign_in(page, live_server, world["users"][role].username)
            links = page.locator("[data-testid=work] a").evaluate_all("links => links.map(a => a.href)")
            twice = sorted({link for link in links if links.count(link) > 1})
            assert not twice, f"{role}: two home links open the same list: {twice}"
            for name, path in pages_of(role, world):
                if not name.isdigit():
                    page.goto(live_server.url + path)
                    measure(page, f"{role} {name}", problems)
            if role == "mediator":
                propose_a_plan(page, live_server)
                measure(page, "mediator plan", problems)
            page.wait_for_load_state("networkidle")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
