"""In Chromium: Enter fires no status change, final actions ask first, a conflict keeps the text typed,
and a session that expired in the middle of a referral gives the form back after signing in again."""

import re

import pytest

from inventory.models import Device
from referrals import services as referral_services
from referrals.models import Organisation, Referral
from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, DeviceFactory, OrganisationFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, then="**/home/"):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(then)


def test_enter_in_a_remark_field_changes_no_status(page, live_server):  # noqa: F811
    UserFactory(coordinator=True, username="camille")
    device = DeviceFactory(status="diagnosed")
    organisation = OrganisationFactory()
    sign_in(page, live_server, "camille")

    page.goto(f"{live_server.url}/devices/{device.asset_tag}/")
    note = page.locator("#transition-note")
    note.fill("Écran à vérifier")
    note.press("Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/devices/{device.asset_tag}/")
    assert note.input_value() == "Écran à vérifier"
    device.refresh_from_db()
    assert device.status == "diagnosed"

    page.goto(f"{live_server.url}/partners/{organisation.pk}/")
    page.get_by_label("Remarque").fill("Convention en cours")
    page.get_by_label("Remarque").press("Enter")
    page.wait_for_timeout(300)
    organisation.refresh_from_db()
    assert organisation.authorisation == "validated"
    assert page.get_by_test_id("authorisation").inner_text() == "Validée"


def test_recycling_asks_first_and_then_happens(page, live_server):  # noqa: F811
    UserFactory(warehouse=True, username="karim")
    device = DeviceFactory(status="diagnosed")
    sign_in(page, live_server, "karim")
    page.goto(f"{live_server.url}/devices/{device.asset_tag}/")
    page.locator("#transition-note").fill("Carte mère morte")
    page.get_by_role("button", name="Recyclé").click()
    box = page.get_by_test_id("confirmation")
    assert "cela ne peut pas être annulé" in box.inner_text()
    device.refresh_from_db()
    assert device.status == "diagnosed"
    # The "Confirm" button has the focus: the choice is explicit, never a stray Enter elsewhere.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Confirmer"
    box.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(f"**/devices/{device.asset_tag}/")
    assert page.get_by_test_id("status").inner_text() == "Recyclé"
    assert Device.objects.get(pk=device.pk).status == "recycled"


def test_a_decision_another_tab_took_first_keeps_the_text_and_says_who(page, live_server):  # noqa: F811
    UserFactory(mediator=True, username="lea")
    other = UserFactory(mediator=True, username="leo", first_name="Léo", last_name="Petit")
    referral = ReferralFactory()
    sign_in(page, live_server, "lea")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_label("Message au travailleur social").fill("Nous n’avons plus de tablette ce mois-ci")
    referral_services.referral_decide(user=other, referral=referral, decision="accept")
    page.get_by_role("button", name="Refuser").click()
    page.get_by_test_id("confirmation").get_by_role("button", name="Confirmer").click()
    error = page.get_by_test_id("action-error")
    assert "Cette orientation est déjà « Acceptée » : Léo Petit l’a changée le" in error.inner_text()
    # Accepted meanwhile: the decision form is gone, the text waits apart, with the cursor in it to copy it.
    assert page.locator("#kept-note").input_value() == "Nous n’avons plus de tablette ce mois-ci"
    assert page.evaluate("document.activeElement.id") == "kept-note"
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_a_session_expired_while_referring_gives_the_form_back_after_signing_in(page, live_server):  # noqa: F811
    SiteFactory(code="SD", name="Saint-Denis")
    UserFactory(social_worker=True, username="sophie")
    sign_in(page, live_server, "sophie")
    page.goto(live_server.url + "/referrals/new/")
    page.get_by_label("Prénom").fill("Amina")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Code postal").fill("93200")
    page.get_by_label("Année de naissance").fill("1984")
    page.get_by_label("RSA").check()
    page.get_by_label("Smartphone", exact=True).check()
    page.get_by_label("Carte SIM prépayée").check()
    page.get_by_label("Remarques pour le médiateur").fill("Rendez-vous le mardi, avec son fils qui traduit")
    page.get_by_label("La personne accepte").check()

    # The session ends meanwhile (idle time out, or signed out in another tab): only its cookie goes.
    context = page.context
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)

    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_url(lambda url: url.endswith("/?next=/referrals/new/"))
    assert not Referral.objects.exists()
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: url.endswith("/referrals/new/") and "next=" not in url)
    assert page.get_by_label("Prénom").input_value() == "Amina"
    assert (
        page.get_by_label("Remarques pour le médiateur").input_value()
        == "Rendez-vous le mardi, avec son fils qui traduit"
    )
    assert page.get_by_label("RSA").is_checked() and page.get_by_label("La personne accepte").is_checked()
    assert page.locator("[data-keep-restored]").is_visible()

    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    referral = Referral.objects.get()
    assert referral.notes == "Rendez-vous le mardi, avec son fils qui traduit"
    assert referral.organisation == Organisation.objects.get(memberships__user__username="sophie")
    # Sent: the kept copy is forgotten, the next referral starts empty.
    page.goto(live_server.url + "/referrals/new/")
    assert page.get_by_label("Prénom").input_value() == ""
