"""The dashboard in Chromium: the charts load as images, and the printed page keeps figures and charts only."""

import pytest

from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts_and_prints_without_menu_or_filters(page, live_server, network):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(network["coordinator"].username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Tableau de bord"
    images = page.locator(".chart img")
    assert images.count() == 4
    for i in range(4):
        # A broken image has no natural width: each chart loaded and was drawn.
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth") == 800
    assert page.locator(".topbar").is_visible() and page.locator(".dashboard-filters").is_visible()
    page.screenshot(path="/tmp/impact_dashboard_screen.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".dashboard-filters").is_visible()
    assert page.locator(".key-figures").is_visible() and images.first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
