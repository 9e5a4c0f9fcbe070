"""Personal data is never kept by a browser's or a proxy's cache; sessions end after a working day (item 7)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import OrganisationFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_not_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_a_referral_page_with_a_beneficiarys_details_is_not_stored(mediator_user):
    referral = ReferralFactory()
    response = client_for(mediator_user).get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200 and referral.beneficiary.last_name in response.content.decode()
    assert_not_stored(response)


@pytest.mark.parametrize("path", ["/home/", "/referrals/", "/devices/", "/offers/", "/batches/"])
def test_every_page_seen_signed_in_is_not_stored(mediator_user, path):
    assert_not_stored(client_for(mediator_user).get(path))


def test_api_answers_are_not_stored(mediator_api, anon_api):
    referral = ReferralFactory()
    response = mediator_api.get(f"referrals/{referral.pk}")
    assert response.status_code == 200
    assert_not_stored(response)
    assert_not_stored(anon_api.get("me"))  # a 401 too


def test_an_invitation_page_is_not_stored(coordinator_api, settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    organisation = OrganisationFactory()
    coordinator_api.post(
        f"organisations/{organisation.pk}/invitations",
        {"email": "nadia.roux@ccas.example.org", "first_name": "Nadia", "last_name": "Roux"},
    )
    link = re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[0].body).group(1)
    response = Client().get(link)
    assert response.status_code == 200
    assert_not_stored(response)


def test_the_login_page_keeps_its_own_cache_control():
    response = Client().get("/")
    assert "no-store" in response["Cache-Control"]


def test_a_session_ends_after_a_working_day_without_activity(mediator_user):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = client_for(mediator_user)
    response = client.get("/home/")
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 10 * 3600  # renewed on each request: idle time, not age, ends it


def test_an_expired_session_signs_out(mediator_user):
    from django.contrib.sessions.models import Session

    client = client_for(mediator_user)
    assert client.get("/home/").status_code == 200
    Session.objects.update(expire_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith("/?next=")
