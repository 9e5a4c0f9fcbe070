"""The compiled token lookup (accounts.services) never answers from a former request: stale rows, others' users."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import LAST_USED_RESOLUTION, token_authenticate, token_issue
from tests.conftest import ApiClient
from tests.factories import PASSWORD, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_revoked_then_deactivated_after_acceptance_through_the_api(warehouse_user):
    api = ApiClient(warehouse_user)
    assert api.get("me").status_code == 200
    token = ApiToken.objects.get(user=warehouse_user)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api.get("me").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
    assert api.get("me").status_code == 200
    User.objects.filter(pk=warehouse_user.pk).update(is_active=False)
    assert api.get("me").status_code == 401


def test_a_site_changed_shows_on_the_next_request_and_a_cleared_one_too(warehouse_user):
    api = ApiClient(warehouse_user)
    before = api.get("me").json()["site"]
    # Another site than the user's (SiteFactory hands out seven codes in turn, gets or creates by code).
    other = SiteFactory(code="ZZ")
    User.objects.filter(pk=warehouse_user.pk).update(site=other)
    assert api.get("me").json()["site"] == other.code != before
    User.objects.filter(pk=warehouse_user.pk).update(site=None)
    assert api.get("me").json()["site"] is None


def test_two_users_interleaved_never_see_each_other(warehouse_user, mediator_user):
    a = ApiClient(warehouse_user)
    b = ApiClient(mediator_user)
    for _ in range(3):
        assert a.get("me").json()["username"] == warehouse_user.username
        assert b.get("me").json()["username"] == mediator_user.username


def test_instances_state_is_that_of_a_loaded_row(warehouse_user):
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="x")
    found = token_authenticate(issued.secret)
    for obj in (found, found.user, found.user.site):
        assert obj._state.adding is False and obj._state.db == "default"
    # saving loaded instances updates, never inserts
    found.user.first_name = "Renamed"
    with CaptureQueriesContext(connection) as captured:
        found.user.save(update_fields=["first_name"])
    assert "UPDATE" in captured[0]["sql"]
    found.label = "y"
    found.save()
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().label == "y"
    # two calls give distinct objects (nothing kept between requests)
    again = token_authenticate(issued.secret)
    assert again is not found and again.user is not found.user and again.user.site is not found.user.site
    assert again.user.first_name == "Renamed"


@pytest.mark.django_db(transaction=True)
def test_connection_closed_and_reopened_still_reads_fresh_rows(warehouse_user):
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="x")
    assert token_authenticate(issued.secret).user == warehouse_user
    connection.close()
    assert connection.connection is None
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
    connection.close()
    assert token_authenticate(issued.secret) is None
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=None)
    User.objects.filter(pk=warehouse_user.pk).update(is_active=False)
    connection.close()
    assert token_authenticate(issued.secret) is None


@pytest.mark.django_db(transaction=True)
def test_threads_each_get_their_own_user(warehouse_user, mediator_user):
    tokens = {
        user.username: token_issue(username=user.username, password=PASSWORD, label="t").secret
        for user in (warehouse_user, mediator_user)
    }
    errors = []
    barrier = threading.Barrier(2)

    def run(username):
        try:
            barrier.wait()
            for _ in range(30):
                token = token_authenticate(tokens[username])
                if token.user.username != username or token.user.site_id != token.user.site.pk:
                    errors.append((username, token.user.username))
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize("debug", [True, False])
def test_debug_on_and_off(warehouse_user, debug):
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="x")
    with override_settings(DEBUG=debug):
        assert token_authenticate(issued.secret).user == warehouse_user
        ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
        assert token_authenticate(issued.secret) is None


def test_last_used_at_is_aware_and_updated_past_the_resolution(warehouse_user):
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="x")
    first = token_authenticate(issued.secret)
    assert first.last_used_at is None
    stamped = ApiToken.objects.get().last_used_at
    assert stamped is not None
    second = token_authenticate(issued.secret)
    assert timezone.is_aware(second.last_used_at) and second.last_used_at == stamped
    assert timezone.is_aware(second.created_at)
    with CaptureQueriesContext(connection) as captured:
        token_authenticate(issued.secret)
    assert len(captured) == 1  # within the resolution: no update
    old = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.update(last_used_at=old)
    token_authenticate(issued.secret)
    assert ApiToken.objects.get().last_used_at > old + timedelta(seconds=1)


def test_a_user_without_a_site(db):
    siteless = UserFactory(username="claire", role="coordinator", site=None)
    issued = token_issue(username=siteless.username, password=PASSWORD, label="x")
    found = token_authenticate(issued.secret)
    assert found.user == siteless and found.user.site is None
    with CaptureQueriesContext(connection) as captured:
        assert found.user.site is None
    assert len(captured) == 0


def test_a_wrong_or_odd_secret_finds_nothing(warehouse_user):
    token_issue(username=warehouse_user.username, password=PASSWORD, label="x")
    for secret in ("", "x", "'; drop table accounts_apitoken; --", "\x00", "é" * 500):
        assert token_authenticate(secret) is None
    assert ApiToken.objects.count() == 1
