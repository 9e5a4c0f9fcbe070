"""What the sign-in lock-out stores as the client's address (axes keeps it in an inet column on PostgreSQL)."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from common.lockout import client_lockout_address
from tests.factories import UserFactory
from tests.security.test_shared_address_lockout import ask_token


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("203.0.113.50", "203.0.113.50"),
        ("::ffff:203.0.113.50", "203.0.113.50"),  # an IPv4 client of a dual-stack socket
        ("2001:DB8:4A:7F01::1234", "2001:db8:4a:7f01::"),
        ("fe80::1%eth0", "fe80::"),  # no zone id: PostgreSQL's inet has none
        ("garbage", None),
        ("", None),
    ],
)
def test_the_address_kept_is_an_address_or_none(remote_addr, stored):
    assert client_lockout_address(RequestFactory().get("/", REMOTE_ADDR=remote_addr)) == stored


@pytest.mark.django_db
def test_a_client_whose_remote_addr_is_no_address_is_locked_out_not_answered_500():
    UserFactory(username="typist")
    statuses = [ask_token("typist", "wrong", ip="unix:/run/bagage.sock").status_code for _ in range(6)]
    assert set(statuses[: settings.AXES_FAILURE_LIMIT - 1]) == {401} and statuses[-1] == 429
