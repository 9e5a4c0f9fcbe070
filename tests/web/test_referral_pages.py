import pytest

from referrals.models import BeneficiaryAccess, Referral
from tests.conftest import client_for
from tests.factories import OrganisationFactory, ReferralFactory, SiteFactory, UserFactory
from tests.web.referral_form import FORM

pytestmark = pytest.mark.django_db


def test_a_social_worker_refers_through_the_form(social_worker_user):
    SiteFactory(code="SD")
    client = client_for(social_worker_user)
    assert "La personne accepte" in client.get("/referrals/new/").content.decode()
    response = client.post("/referrals/new/", FORM, follow=True)
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == f"/referrals/{referral.pk}/"
    assert "Envoyée" in response.content.decode()


def test_the_form_without_consent_records_nothing(social_worker_user):
    SiteFactory(code="SD")
    response = client_for(social_worker_user).post("/referrals/new/", {**FORM, "consent": ""})
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "Le consentement de la personne est nécessaire" in response.content.decode()


def test_the_form_shows_domain_errors_next_to_the_field(social_worker_user):
    SiteFactory(code="SD")
    response = client_for(social_worker_user).post("/referrals/new/", {**FORM, "urgency": "high"})
    assert "Dites pourquoi c’est urgent." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_mediator_decides_on_the_page_and_the_read_is_logged(mediator_user):
    referral = ReferralFactory()
    client = client_for(mediator_user)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Accepter" in page and referral.beneficiary.last_name in page
    assert BeneficiaryAccess.objects.filter(user=mediator_user, referral=referral).exists()
    client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": ""})
    referral.refresh_from_db()
    assert referral.status == "submitted"  # a rejection needs a reason
    asked = client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": "Already equipped"})
    referral.refresh_from_db()
    assert referral.status == "submitted" and "ne peut pas être annulé" in asked.content.decode()
    client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": "Already equipped", "confirm": "1"})
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("rejected", "Already equipped")


def test_another_organisations_referral_page_is_404(social_worker_user):
    other = ReferralFactory(social_worker=UserFactory(social_worker=True, organisation=OrganisationFactory()))
    client = client_for(social_worker_user)
    assert client.get(f"/referrals/{other.pk}/").status_code == 404
    assert client.post(f"/referrals/{other.pk}/", {"action": "cancel"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "submitted"


def test_staff_lists_show_initials_only(mediator_user):
    referral = ReferralFactory()
    html = client_for(mediator_user).get("/referrals/").content.decode()
    assert f"{referral.beneficiary.first_name} D." in html
    assert referral.beneficiary.last_name not in html


def test_pages_show_labels_not_codes(mediator_user):
    referral = ReferralFactory(device_kinds=["laptop"])
    client = client_for(mediator_user)
    client.post(f"/referrals/{referral.pk}/", {"action": "accept", "note": ""})
    assert "Ordinateur portable" in client.get("/referrals/?status=accepted").content.decode()
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Envoyée → Acceptée" in html and "submitted →" not in html


def test_nul_characters_in_searches_and_forms_answer_400_and_change_nothing(mediator_user):
    referral = ReferralFactory()
    client = client_for(mediator_user)
    assert client.get("/referrals/", {"q": "a\x00b"}).status_code == 400
    response = client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": "no\x00pe"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_the_form_refuses_a_name_the_documents_cannot_print_beside_the_field(social_worker_user):
    SiteFactory(code="SD")
    response = client_for(social_worker_user).post("/referrals/new/", {**FORM, "last_name": "王"})
    assert response.status_code == 200 and not Referral.objects.exists()
    form = response.context["form"]
    assert "王" in " ".join(form.errors["last_name"])
    assert 'value="王"' in response.content.decode()  # the typed text stays
