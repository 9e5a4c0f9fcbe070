"""The social worker's job on a 390 px phone, in Chromium (issue 22, item 8, the social worker's part): a
referral with five mistakes, all told in one submit and fixed in one go (the summary's links move to each field),
a possible duplicate asked about before sending, whole cards to tap; then the mediator's question answered, after
which the page no longer shows it as open.

Every page is looked at: no 5xx, nothing clipped in its box, nothing wider than the screen, the expected words,
a screenshot in test-artifacts/.
"""

import re

import pytest

from referrals import services
from referrals.models import Referral
from tests.browser import PHONE, look, no_server_errors, page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, BeneficiaryFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")


def test_a_social_worker_on_a_phone_refers_a_person_and_answers_a_question(page, live_server):  # noqa: F811
    page.set_viewport_size(PHONE)
    failures = no_server_errors(page)
    sd = SiteFactory(code="SD", name="Saint-Denis")
    mediator = UserFactory(mediator=True, site=sd, first_name="Léa", last_name="Martin")
    sophie = UserFactory(social_worker=True, username="sophie")
    person = BeneficiaryFactory(last_name="Diallo", identity_key="diallo|amina|1984|93200")
    earlier = ReferralFactory(social_worker=sophie, beneficiary=person)

    sign_in(page, live_server, "sophie")
    look(page, "social-home", "Orienter une personne")
    page.goto(live_server.url + "/referrals/new/")
    look(page, "social-referral-new", "Prénom", "Code postal")
    assert page.get_by_label("Téléphone", exact=True).get_attribute("inputmode") == "tel"
    assert page.get_by_label("Code postal").get_attribute("inputmode") == "numeric"
    assert page.get_by_label("Année de naissance").get_attribute("inputmode") == "numeric"
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

    # Five mistakes, told at once: a summary on top, each beside its field.
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    links = summary.locator("a")
    assert links.count() == 5
    look(page, "social-referral-five-mistakes", "Année de naissance")
    assert page.locator("[aria-invalid=true]").count() >= 5
    # The summary has the focus, so a screen reader reads it first; each link moves the focus to its field.
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
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
    look(page, "social-referral-duplicate")
    page.get_by_test_id("send-anyway").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    new = Referral.objects.exclude(pk=earlier.pk).get()
    assert new.urgency == "high" and new.beneficiary.birth_year == 1984
    # The phone number as people write it in France, not +33612345678.
    look(page, "social-referral-sent", f"Orientation #{new.pk}", "Envoyée", "06 12 34 56 78")

    # On the phone list, the whole card opens the referral, and it is a big enough target.
    page.goto(live_server.url + "/referrals/")
    look(page, "social-referral-list", f"#{new.pk}", "Envoyée")
    card = page.locator("tr.row-link").filter(has=page.locator(f'a[href="/referrals/{new.pk}/"]'))
    box = card.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    page.mouse.click(box["x"] + box["width"] - 20, box["y"] + box["height"] - 10)
    page.wait_for_url(f"**/referrals/{new.pk}/")

    # The mediator asks a question: on the list it is the social worker's turn (« à vous »).
    services.referral_decide(
        user=mediator, referral=new, decision="needs_info", reason="Quel jour peut-elle venir au point d'accueil ?"
    )
    page.goto(live_server.url + "/referrals/")
    card = page.locator("tr.row-link").filter(has=page.locator(f'a[href="/referrals/{new.pk}/"]'))
    assert "Complément demandé" in card.inner_text() and "à vous" in card.inner_text()
    look(page, "social-referral-list-question", "à vous")
    card.click()
    page.wait_for_url(f"**/referrals/{new.pk}/")
    look(page, "social-referral-question", "La question du médiateur", "Quel jour peut-elle venir", "Votre réponse")
    assert page.get_by_test_id("decision-reason").count() == 1

    # An empty answer is refused beside its box, in the social worker's words, and nothing changes.
    page.locator("#answer").evaluate("box => box.removeAttribute('required')")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.locator("#answer-error").wait_for()
    assert "Écrivez votre réponse" in page.locator("#answer-error").inner_text()
    new.refresh_from_db()
    assert new.status == "needs_info"

    page.locator("#answer").fill("Le mardi matin, après son atelier.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_url(f"**/referrals/{new.pk}/")
    text = look(page, "social-referral-answered", "Envoyée", "Le mardi matin, après son atelier.")
    # Back with the mediators: the question no longer stands on top as if open, nor the answer box.
    assert page.get_by_test_id("decision-reason").count() == 0
    assert page.locator("#answer").count() == 0
    assert "La question du médiateur" not in text
    assert f"n° {new.pk} revient aux médiateurs" in page.locator(".messages").inner_text()
    new.refresh_from_db()
    assert new.status == "submitted"
    assert failures == []
