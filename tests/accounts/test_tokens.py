import hashlib

import pytest

from accounts.models import ApiToken
from tests.conftest import ApiClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_stored_hashed(anon_api, warehouse_user):
    response = anon_api.post("auth/tokens", {"username": "karim", "password": PASSWORD, "label": "scanner"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "token", "label"}
    assert body["label"] == "scanner"
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {stored.digest, stored.prefix, stored.label}
    listed = ApiClient(token=body["token"]).get("auth/tokens").json()
    assert "token" not in listed[0] and listed[0]["prefix"] == stored.prefix


def test_wrong_password_answers_401_and_issues_nothing(anon_api, warehouse_user):
    response = anon_api.post("auth/tokens", {"username": "karim", "password": "nope", "label": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert ApiToken.objects.count() == 0


def test_bearer_token_reads_me(anon_api, warehouse_user):
    token = anon_api.post("auth/tokens", {"username": "karim", "password": PASSWORD}).json()["token"]
    me = ApiClient(token=token).get("me")
    assert me.status_code == 200
    assert me.json() == {
        "username": "karim",
        "first_name": "Alex",
        "last_name": warehouse_user.last_name,
        "role": "warehouse",
        "site": "SD",
        "organisation": None,
        "organisation_id": None,
    }


def test_revoked_token_answers_401(warehouse_api):
    token_id = warehouse_api.get("auth/tokens").json()[0]["id"]
    assert warehouse_api.delete(f"auth/tokens/{token_id}").status_code == 200
    response = warehouse_api.get("me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_user_cannot_revoke_someone_elses_token(warehouse_api, mediator_api):
    other_id = mediator_api.get("auth/tokens").json()[0]["id"]
    assert warehouse_api.delete(f"auth/tokens/{other_id}").status_code == 404
    assert mediator_api.get("me").status_code == 200


def test_deactivated_users_token_answers_401(warehouse_api, warehouse_user):
    warehouse_user.is_active = False
    warehouse_user.save()
    assert warehouse_api.get("me").status_code == 401


def test_unknown_token_answers_401(anon_api):
    response = ApiClient(token="bgg_not-a-token").get("me")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["warehouse", "mediator", "coordinator", "social_worker"])
def test_me_reports_each_role(role):
    user = UserFactory(**{role: True})
    body = ApiClient(user).get("me").json()
    assert body["role"] == role
    if role == "social_worker":
        assert body["site"] is None and body["organisation"] == user.membership.organisation.name
    else:
        assert body["site"] == "SD" and body["organisation"] is None


def test_session_authenticates_and_writes_need_csrf(warehouse_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.login(username="karim", password=PASSWORD)
    assert client.get("/api/v1/me").json()["username"] == "karim"
    refused = client.delete("/api/v1/auth/tokens/1")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    client.get("/home/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.delete("/api/v1/auth/tokens/999", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 404
