"""The token throttle counts concurrent requests one after another: 20 at once, exactly 10 get a token.

django-ninja's own throttle reads the count from the cache, decides and writes it back, so requests
answered at the same instant on several workers all read the same count (13 of 20 got through a limit of
10). Here the count is one upserted row (api.RateCounter). Each thread has its own database connection, as
each gunicorn worker does.
"""

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client

from api.models import RateCounter
from tests.conftest import at_once
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def ask_token(ip: str) -> int:
    return (
        Client(REMOTE_ADDR=ip)
        .post(
            "/api/v1/auth/tokens",
            {"username": "sami", "password": PASSWORD, "label": "race"},
            content_type="application/json",
        )
        .status_code
    )


def ask_at_once(ip: str, n: int) -> list[int | str]:
    return at_once(lambda: ask_token(ip), n)


def test_twenty_concurrent_token_requests_let_exactly_the_rate_through():
    assert settings.BAGAGE_TOKEN_RATE == "10/min"
    UserFactory(username="sami")
    statuses = ask_at_once("198.51.100.77", REQUESTS)
    assert sorted(statuses, key=str) == [201] * 10 + [429] * 10
    counter = RateCounter.objects.get(key="anon_token:198.51.100.77")
    assert counter.hits + counter.previous == REQUESTS  # this minute's and, across a minute's end, the last's
    # The next one, after the burst, is still refused; another address is not.
    assert ask_token("198.51.100.77") == 429
    assert ask_token("198.51.100.78") == 201


def test_requests_older_than_the_window_no_longer_count():
    UserFactory(username="sami")
    ip = "198.51.100.79"
    statuses = [ask_token(ip) for _ in range(11)]
    assert statuses == [201] * 10 + [429]
    # Move the counts two minutes into the past: the sliding minute holds none of them any more.
    RateCounter.objects.filter(key=f"anon_token:{ip}").update(slot=F("slot") - 2)
    assert ask_token(ip) == 201
