import pytest

from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediator_signs_in_and_out_in_a_real_browser(page, live_server, mediator_user):  # noqa: F811
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Identifiant").fill("lea")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")
    assert "Orientations à examiner" in page.content()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/")


def test_a_wrong_password_is_told_in_french(page, live_server, db):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill("nobody")
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "Identifiant ou mot de passe incorrect."
