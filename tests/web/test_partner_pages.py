import re

import pytest
from django.core import mail

from accounts.models import User
from referrals.models import AuthorisationDecision, BeneficiaryAccess, Organisation
from tests.conftest import client_for
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory, valid_siret

pytestmark = pytest.mark.django_db


def test_a_coordinator_registers_validates_and_invites(coordinator_user, settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    client = client_for(coordinator_user)
    response = client.post(
        "/partners/", {"name": "CADA Nord", "kind": "cada", "siret": valid_siret(12), "postal_code": "59000"}
    )
    organisation = Organisation.objects.get()
    assert response["Location"] == f"/partners/{organisation.pk}/"
    assert organisation.authorisation == "pending" and organisation.created_by == coordinator_user
    client.post(f"/partners/{organisation.pk}/", {"action": "validated", "note": "Convention signée"})
    organisation.refresh_from_db()
    assert organisation.authorisation == "validated"
    assert AuthorisationDecision.objects.get().note == "Convention signée"
    client.post(
        f"/partners/{organisation.pk}/",
        {"action": "invite", "first_name": "Nadia", "last_name": "Roux", "email": "nadia@cada.example.org"},
    )
    assert re.search(r"/invitation/\S+/", mail.outbox[0].body)
    html = client.get(f"/partners/{organisation.pk}/").content.decode()
    assert "nadia@cada.example.org" in html and "Invité" in html


def test_a_wrong_siret_is_told_in_the_form(coordinator_user):
    siret = valid_siret(3)
    response = client_for(coordinator_user).post(
        "/partners/",
        {"name": "X", "kind": "ccas", "siret": siret[:-1] + str((int(siret[-1]) + 1) % 10), "postal_code": "75011"},
    )
    assert "n’est pas un SIRET valide" in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_coordinator_deactivates_a_social_worker(coordinator_user):
    organisation = OrganisationFactory()
    member = UserFactory(social_worker=True, organisation=organisation)
    client = client_for(coordinator_user)
    asked = client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": member.pk})
    member.refresh_from_db()
    assert member.is_active and 'data-testid="confirmation"' in asked.content.decode()
    client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": member.pk, "confirm": "1"})
    member.refresh_from_db()
    assert not member.is_active and member.deactivated_by == coordinator_user


def test_mediators_register_partners_but_do_not_decide(mediator_user):
    organisation = OrganisationFactory(pending=True)
    client = client_for(mediator_user)
    assert client.get("/partners/").status_code == 200
    assert client.post(f"/partners/{organisation.pk}/", {"action": "validated"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.authorisation == "pending"


def test_social_workers_have_no_partner_pages(social_worker_user):
    client = client_for(social_worker_user)
    assert client.get("/partners/").status_code == 403
    assert client.get("/access-log/").status_code == 403


def test_the_access_log_page(coordinator_user, mediator_user):
    referral = ReferralFactory()
    client_for(mediator_user).get(f"/referrals/{referral.pk}/")
    assert BeneficiaryAccess.objects.count() == 1
    client = client_for(coordinator_user)
    html = client.get("/access-log/", {"user": "lea"}).content.decode()
    assert f"#{referral.pk}" in html and "lea" in html
    assert client.get("/access-log/", {"referral": "abc"}).status_code == 200
    assert User.objects.filter(username="lea").exists()


def test_a_wild_quota_is_a_form_error_not_a_database_overflow(coordinator_user):
    response = client_for(coordinator_user).post(
        "/partners/",
        {
            "name": "X",
            "kind": "ccas",
            "siret": valid_siret(8),
            "postal_code": "75011",
            "open_referral_quota": "999999999999",
        },
    )
    assert response.status_code == 200 and not Organisation.objects.exists()
