"""Repeated wrong passwords lock the account at that address out for a while (issue 9, item 5); an address
failing for many accounts, and an account failing from many addresses, are locked as a whole (issue 19 item 8)."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from accounts.models import ApiToken
from accounts.services import token_issue
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 5


def ask_token(username, password, ip="203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/tokens",
        {"username": username, "password": password, "label": "t"},
        content_type="application/json",
    )


def sign_in(username, password, ip="203.0.113.7"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/", {"username": username, "password": password})


def assert_locked_out_json(response):
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_the_settings_limit_guessing():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)


def test_the_right_password_after_too_many_wrong_ones_gets_no_token(warehouse_user):
    statuses = [ask_token("karim", "wrong").status_code for _ in range(LIMIT)]
    assert statuses == [401] * (LIMIT - 1) + [429]  # the failure that reaches the limit locks
    assert_locked_out_json(ask_token("karim", PASSWORD))
    assert not ApiToken.objects.exists()


def test_fewer_failures_than_the_limit_do_not_lock(warehouse_user):
    for _ in range(LIMIT - 1):
        ask_token("karim", "wrong")
    assert ask_token("karim", PASSWORD).status_code == 201


def test_the_login_page_locks_out_too_and_says_so_in_french(warehouse_user):
    statuses = [sign_in("karim", "wrong")[1].status_code for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]
    client, response = sign_in("karim", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Trop de tentatives" in html and "15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_an_account_is_locked_whatever_address_the_guesses_come_from(warehouse_user):
    for n in range(settings.BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT):
        ask_token("karim", "wrong", ip=f"198.51.100.{n + 1}")
    assert_locked_out_json(ask_token("karim", PASSWORD, ip="198.51.100.99"))


def test_an_address_that_sprays_many_accounts_is_locked(warehouse_user):
    for n in range(settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS):
        ask_token(f"guess{n}", "wrong", ip="192.0.2.10")
    assert_locked_out_json(ask_token("karim", PASSWORD, ip="192.0.2.10"))
    assert ask_token("karim", PASSWORD, ip="192.0.2.11").status_code == 201


def test_the_lockout_lifts_after_the_cool_off(warehouse_user):
    for _ in range(LIMIT):
        ask_token("karim", "wrong")
    assert ask_token("karim", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert ask_token("karim", PASSWORD).status_code == 201


def test_a_lockout_is_logged(warehouse_user, caplog):
    with caplog.at_level(logging.WARNING, logger="bagage.security"):
        for _ in range(LIMIT):
            ask_token("karim", "wrong")
    records = [r for r in caplog.records if r.name == "bagage.security"]
    assert records and "karim" in records[0].getMessage()


def test_a_forwarded_for_header_does_not_hide_the_address(warehouse_user):
    for n in range(settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS):
        Client(REMOTE_ADDR="192.0.2.20", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            "/api/v1/auth/tokens", {"username": f"guess{n}", "password": "x"}, content_type="application/json"
        )
    assert ask_token("karim", PASSWORD, ip="192.0.2.20").status_code == 429


def test_the_token_endpoint_is_throttled_per_address(warehouse_user):
    statuses = [ask_token("karim", PASSWORD, ip="192.0.2.30").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10
    response = ask_token("karim", PASSWORD, ip="192.0.2.30")
    assert_locked_out_json(response)
    assert ask_token("karim", PASSWORD, ip="192.0.2.31").status_code == 201


def test_issuing_a_token_from_code_needs_no_request():
    user = UserFactory()
    assert token_issue(username=user.username, password=PASSWORD, label="script").secret


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(settings, rf):
    from common.lockout import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.5")
    assert client_ip(request) == "10.0.0.1"
    settings.BAGAGE_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.5"  # the client wrote 6.6.6.6 itself
