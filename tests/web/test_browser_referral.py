import pytest

from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")


def sign_out(page):  # noqa: F811
    page.get_by_role("button", name="Se déconnecter").click()


def test_refer_ask_answer_accept_in_a_real_browser(page, live_server):  # noqa: F811
    SiteFactory(code="SD", name="Saint-Denis")
    UserFactory(social_worker=True, username="sophie")
    UserFactory(mediator=True, username="lea")

    sign_in(page, live_server, "sophie")
    page.get_by_role("link", name="Orienter une personne").first.click()
    page.get_by_label("Prénom").fill("Amina")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Code postal").fill("93200")
    page.get_by_label("Année de naissance").fill("1984")
    page.get_by_label("RSA").check()
    page.get_by_label("Smartphone", exact=True).check()
    page.get_by_label("Carte SIM prépayée").check()
    page.get_by_label("Point d'accueil").select_option("SD")
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_url("**/referrals/*/")
    assert page.get_by_test_id("status").inner_text() == "Envoyée"
    referral_url = page.url
    sign_out(page)

    sign_in(page, live_server, "lea")
    page.goto(referral_url)
    page.get_by_label("Message au travailleur social").fill("Quel créneau convient ?")
    page.get_by_role("button", name="Demander un complément").click()
    assert page.get_by_test_id("status").inner_text() == "Complément demandé"
    sign_out(page)

    sign_in(page, live_server, "sophie")
    page.goto(referral_url)
    assert "Quel créneau convient ?" in page.get_by_test_id("decision-reason").inner_text()
    page.get_by_label("Votre réponse").fill("Le mardi matin")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_test_id("status").inner_text() == "Envoyée"
    sign_out(page)

    sign_in(page, live_server, "lea")
    page.goto(referral_url)
    page.get_by_role("button", name="Accepter").click()
    assert page.get_by_test_id("status").inner_text() == "Acceptée"
    assert "Le mardi matin" in page.content()
