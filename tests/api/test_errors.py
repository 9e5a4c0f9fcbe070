"""Every error kind answers JSON {"detail", "code"}."""

import pytest

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code:
        assert body["code"] == code
    return body


def test_401_without_credentials(anon_api):
    assert_error(anon_api.get("me"), 401, "not_authenticated")


def test_403_for_a_role_that_may_not(social_worker_api):
    assert_error(social_worker_api.get("devices"), 403, "forbidden")


def test_404_for_an_unknown_path_under_the_api(warehouse_api):
    assert_error(warehouse_api.get("no/such/thing"), 404, "not_found")


def test_404_for_an_unknown_path_even_anonymous(anon_api):
    assert_error(anon_api.get("/api/v1/nothing-here"), 404, "not_found")


def test_405_for_a_wrong_method(warehouse_api):
    body = assert_error(warehouse_api.delete("me"), 405, "method_not_allowed")
    assert body["detail"]


def test_422_for_invalid_input(anon_api):
    body = assert_error(anon_api.post("auth/tokens", {"username": "x"}), 422, "validation_error")
    assert "password" in body["detail"]


def test_400_for_malformed_json(anon_api):
    response = anon_api.client.post("/api/v1/auth/tokens", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")
