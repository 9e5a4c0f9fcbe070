import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.services import token_issue
from referrals.models import AuthorisationDecision, Organisation
from tests.conftest import ApiClient
from tests.factories import OrganisationFactory, valid_siret

pytestmark = pytest.mark.django_db


def test_a_new_partner_is_pending(coordinator_api):
    response = coordinator_api.post(
        "organisations", {"name": "CCAS de Lyon", "kind": "ccas", "siret": valid_siret(77), "postal_code": "69003"}
    )
    assert response.status_code == 201
    assert response.json()["authorisation"] == "pending" and response.json()["department"] == "69"
    assert {"id", "authorisation"} <= set(response.json())


def test_an_invalid_siret_answers_422(coordinator_api):
    siret = valid_siret(5)
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    response = coordinator_api.post(
        "organisations", {"name": "X", "kind": "ccas", "siret": wrong, "postal_code": "75011"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_siret"
    assert not Organisation.objects.exists()


def test_la_postes_establishments_follow_their_own_rule(coordinator_api):
    # 356 000 000 (La Poste): the SIRET's digits sum to a multiple of 5 instead of passing Luhn.
    response = coordinator_api.post(
        "organisations",
        {"name": "La Poste Saint-Denis", "kind": "other", "siret": "356 000 000 00048", "postal_code": "93200"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["siret"] == "35600000000048"


def test_the_same_siret_twice_answers_409(coordinator_api):
    existing = OrganisationFactory()
    response = coordinator_api.post(
        "organisations", {"name": "Copy", "kind": "ccas", "siret": existing.siret, "postal_code": "93200"}
    )
    assert response.status_code == 409 and response.json()["code"] == "duplicate_siret"


def test_a_coordinator_decides_and_each_decision_is_kept(coordinator_api, coordinator_user, mediator_api):
    organisation = OrganisationFactory(pending=True)
    assert (
        mediator_api.post(f"organisations/{organisation.pk}/authorisation", {"status": "validated"}).status_code == 403
    )
    refused = mediator_api.post(f"organisations/{organisation.pk}/authorisation", {"status": "validated"})
    assert refused.json()["code"] == "forbidden"
    response = coordinator_api.post(f"organisations/{organisation.pk}/authorisation", {"status": "validated"})
    assert response.status_code == 200 and response.json()["authorisation"] == "validated"
    coordinator_api.post(f"organisations/{organisation.pk}/authorisation", {"status": "refused", "note": "Closed"})
    decisions = list(AuthorisationDecision.objects.values_list("status", "by", "note"))
    assert decisions == [("validated", coordinator_user.pk, ""), ("refused", coordinator_user.pk, "Closed")]
    bad = coordinator_api.post(f"organisations/{organisation.pk}/authorisation", {"status": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error" and bad.json()["errors"][0]["loc"][-1] == "status"
    organisation.refresh_from_db()
    assert organisation.authorisation == "refused"


def test_a_social_worker_sees_only_their_organisation(social_worker_api, social_worker_user):
    OrganisationFactory()
    ids = [o["id"] for o in social_worker_api.get("organisations").json()]
    assert ids == [social_worker_user.membership.organisation_id]


def test_an_invited_social_worker_sets_a_password_once_and_can_be_deactivated(coordinator_api, settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    organisation = OrganisationFactory()
    response = coordinator_api.post(
        f"organisations/{organisation.pk}/invitations",
        {"email": "Nadia.Roux@ccas.example.org", "first_name": "Nadia", "last_name": "Roux"},
    )
    assert response.status_code == 201 and response.json()["invitation_pending"] is True
    user = User.objects.get(username="nadia.roux@ccas.example.org")
    assert (user.is_active, user.has_usable_password(), user.membership.organisation) == (False, False, organisation)
    [message] = mail.outbox
    link = re.search(r"http://testserver(/invitation/\S+/)", message.body).group(1)

    client = Client()
    assert client.get(link).status_code == 200
    accepted = client.post(link, {"password1": "Un mot de passe solide 42", "password2": "Un mot de passe solide 42"})
    assert accepted.status_code == 302 and accepted["Location"] == "/home/"
    assert Client().get(link).status_code == 404  # one time only
    user.refresh_from_db()
    assert user.is_active and user.check_password("Un mot de passe solide 42")

    api = ApiClient(token=token_issue(username=user.username, password="Un mot de passe solide 42", label="t").secret)
    assert api.get("me").json()["organisation"] == organisation.name
    members = coordinator_api.get(f"organisations/{organisation.pk}/members").json()
    assert [(m["username"], m["invitation_pending"]) for m in members] == [(user.username, False)]
    assert coordinator_api.post(f"users/{user.pk}/deactivate").json()["is_active"] is False
    assert api.get("me").status_code == 401
    user.refresh_from_db()
    assert user.deactivated_by.username == "camille"


def test_only_coordinators_invite(mediator_api):
    organisation = OrganisationFactory()
    response = mediator_api.post(
        f"organisations/{organisation.pk}/invitations", {"email": "a@b.org", "first_name": "A", "last_name": "B"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not mail.outbox


def test_who_registered_a_partner_is_kept(coordinator_api, coordinator_user):
    response = coordinator_api.post(
        "organisations", {"name": "CADA Nord", "kind": "cada", "siret": valid_siret(91), "postal_code": "59000"}
    )
    assert Organisation.objects.get(pk=response.json()["id"]).created_by == coordinator_user
