"""One typist does not lock out a whole reception point (issue 19 item 8).

The staff of a site share one public address: failures count per (account, address) pair for the short
lock-out; an address is locked only once it fails for many accounts, an account only from many addresses.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.50"  # the reception point's box


def ask_token(username, password, ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/tokens",
        {"username": username, "password": password, "label": "t"},
        content_type="application/json",
    )


def sign_in(username, password, ip=OFFICE):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/", {"username": username, "password": password})
    return client, response


def test_five_typos_lock_the_typist_but_not_a_colleague_at_the_same_address_through_the_page(db):
    UserFactory(username="typist")
    UserFactory(username="colleague")
    statuses = [sign_in("typist", "wrong")[1].status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429
    assert sign_in("typist", PASSWORD)[1].status_code == 429  # the typist waits out the cool-off
    client, response = sign_in("colleague", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_five_typos_lock_the_typist_but_not_a_colleague_at_the_same_address_through_the_api(db):
    UserFactory(username="typist")
    UserFactory(username="colleague")
    statuses = [ask_token("typist", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429
    assert ask_token("typist", PASSWORD).status_code == 429
    assert ask_token("colleague", PASSWORD).status_code == 201


def test_the_typist_still_signs_in_from_another_address(db):
    UserFactory(username="typist")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        ask_token("typist", "wrong")
    assert ask_token("typist", PASSWORD, ip="198.51.100.77").status_code == 201


def test_an_address_failing_for_many_accounts_is_locked_for_every_account(db):
    UserFactory(username="colleague")
    # Through the page: the token endpoint's own throttle (ten a minute per address) would answer first.
    for n in range(settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS - 1):
        assert sign_in(f"guess{n}", "wrong")[1].status_code == 200
    assert sign_in("colleague", PASSWORD)[1].status_code == 302  # one account fewer: not yet
    assert sign_in("guess-last", "wrong")[1].status_code == 429
    assert ask_token("colleague", PASSWORD).status_code == 429
    assert sign_in("colleague", PASSWORD)[1].status_code == 429
    assert ask_token("colleague", PASSWORD, ip="198.51.100.78").status_code == 201


def test_an_account_failing_from_many_addresses_is_locked_from_every_address(db):
    UserFactory(username="target")
    addresses = [f"198.51.100.{n + 1}" for n in range(settings.BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT)]
    for ip in addresses[:-1]:
        assert ask_token("target", "wrong", ip=ip).status_code == 401
    assert ask_token("target", PASSWORD, ip="192.0.2.99").status_code == 201  # one address fewer: not yet
    assert ask_token("target", "wrong", ip=addresses[-1]).status_code == 429
    assert ask_token("target", PASSWORD, ip="192.0.2.99").status_code == 429


def test_the_thresholds_are_settings(settings, db):
    settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS = 2
    UserFactory(username="colleague")
    assert ask_token("guess1", "wrong").status_code == 401
    assert ask_token("guess2", "wrong").status_code == 429
    assert ask_token("colleague", PASSWORD).status_code == 429


HOME = "2001:db8:4a:7f01"  # one IPv6 subscriber's /64: every address in it is theirs


def test_an_ipv6_typist_is_one_client_whatever_address_of_their_64_they_use(db):
    UserFactory(username="typist")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert ask_token("typist", "wrong", ip=f"{HOME}:{n + 1:x}::9").status_code == 401
    assert ask_token("typist", "wrong", ip=f"{HOME}::beef").status_code == 429
    assert ask_token("typist", PASSWORD, ip=f"{HOME}:aaaa:bbbb:cccc:dddd").status_code == 429
    # Their temporary addresses were one machine, not five: the account is not locked from everywhere.
    assert ask_token("typist", PASSWORD, ip="2001:db8:4a:7f02::1").status_code == 201


def test_a_64_guessing_for_many_accounts_is_locked_however_it_rotates_its_addresses(db):
    UserFactory(username="colleague")
    for n in range(settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS - 1):
        assert sign_in(f"guess{n}", "wrong", ip=f"{HOME}::{n + 1:x}")[1].status_code == 200
    assert sign_in("guess-last", "wrong", ip=f"{HOME}::ffff")[1].status_code == 429
    assert sign_in("colleague", PASSWORD, ip=f"{HOME}::1234")[1].status_code == 429
    assert sign_in("colleague", PASSWORD, ip="2001:db8:4a:7f02::1")[1].status_code == 302
