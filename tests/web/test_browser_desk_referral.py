"""A social worker on a 390 px phone, in Chromium: five mistakes told in one submit and fixed in one go, the
summary's links move to each field, a possible duplicate asked about before sending, whole cards to tap."""

import os
import re

import pytest

from referrals.models import Referral
from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, BeneficiaryFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# BAGAGE_SCREENSHOTS=/some/folder keeps a picture of each page looked at.
SHOTS = os.environ.get("BAGAGE_SCREENSHOTS")


def shot(page, name):  # noqa: F811
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def sign_in(page, live_server, username):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")


def test_a_social_worker_on_a_phone_fixes_five_mistakes_in_one_go(page, live_server):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    SiteFactory(code="SD", name="Saint-Denis")
    sophie = UserFactory(social_worker=True, username="sophie")
    person = BeneficiaryFactory(last_name="Diallo", identity_key="diallo|amina|1984|93200")
    earlier = ReferralFactory(social_worker=sophie, beneficiary=person)

    sign_in(page, live_server, "sophie")
    page.goto(live_server.url + "/referrals/new/")
    assert page.get_by_label("Téléphone", exact=True).get_attribute("inputmode") == "tel"
    assert page.get_by_label("Code postal").get_attribute("inputmode") == "numeric"
    assert not page.get_by_label("Carte SIM prépayée").is_checked()
    page.get_by_label("Prénom").fill("Amina")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label("Téléphone", exact=True).fill("06 12")
    page.get_by_label("Code postal").fill("9320")
    page.get_by_label("Année de naissance").fill("1887")
    page.get_by_label("RSA").check()
    page.get_by_label("Smartphone", exact=True).check()
    page.get_by_label("Carte SIM prépayée").check()
    page.locator("#id_urgency_1").check()  # urgent, without saying why
    page.get_by_label("Point d'accueil").select_option("SD")
    page.get_by_role("button", name="Envoyer l'orientation").click()

    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    links = summary.locator("a")
    assert links.count() == 5
    # The summary has the focus, so a screen reader reads it first; each link moves the focus to its field.
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    shot(page, "referral-five-mistakes-390")
    summary.get_by_role("link", name=re.compile("Année de naissance")).click()
    assert page.evaluate("document.activeElement.id") == "id_birth_year"
    summary.get_by_role("link", name=re.compile("consent|accepte", re.I)).click()
    assert page.evaluate("document.activeElement.id") == "id_consent"
    assert not Referral.objects.exclude(pk=earlier.pk).exists()

    # Every mistake fixed in one go.
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Code postal").fill("93200")
    page.get_by_label("Année de naissance").fill("1984")
    page.locator("#id_urgency_justification").fill("Rendez-vous France Travail en ligne lundi")
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Envoyer l'orientation").click()

    # The same person is referred already: asked before anything reaches the mediators.
    duplicates = page.get_by_test_id("duplicates")
    duplicates.wait_for()
    assert duplicates.get_by_role("link", name=re.compile(f"#{earlier.pk}")).count() == 1
    assert not Referral.objects.exclude(pk=earlier.pk).exists()
    shot(page, "referral-duplicate-390")
    page.get_by_test_id("send-anyway").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    new = Referral.objects.exclude(pk=earlier.pk).get()
    assert new.urgency == "high" and new.beneficiary.birth_year == 1984
    assert "06 12 34 56 78" in page.content()

    # On the phone list, the whole card opens the referral, and it is a big enough target.
    page.goto(live_server.url + "/referrals/")
    card = page.locator("tr.row-link").filter(has=page.locator(f'a[href="/referrals/{new.pk}/"]'))
    box = card.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    shot(page, "referral-list-390")
    page.mouse.click(box["x"] + box["width"] - 20, box["y"] + box["height"] - 10)
    page.wait_for_url(f"**/referrals/{new.pk}/")
