"""The third attacker's replays through `Idempotency-Key` (issue 19 item 1), and the key's life (issue 20 item 7).

A stored answer is replayed only to the account that got it (through the same live token where a token was
used), after authentication and the operation's permission check: never to another account sharing a proxy's
`Authorization: Basic …` header, never to a request nobody is signed in for, never after the token is revoked.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import token_revoke
from api.models import IdempotencyRecord
from distribution.models import Allocation
from inventory.models import Device
from referrals.models import Referral
from tests.conftest import ApiClient
from tests.factories import UserFactory, valid_imei
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db

# What an authenticating proxy adds to every request it forwards, whoever is behind it.
PROXY = "Basic cHJveHk6c2hhcmVk"
KEY = "kit-124"


def session_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reserve(client: Client, referral_id: int, **headers):
    return client.post(
        "/api/v1/allocations",
        {"referral": referral_id},
        content_type="application/json",
        headers={"Authorization": PROXY, "Idempotency-Key": KEY, **headers},
    )


def first_reservation(world):
    first = reserve(session_of(world["mediator"]), world["referral"].pk)
    assert first.status_code == 201, first.content
    return first


def not_a_replay_of(answer, first) -> bool:
    return "Idempotent-Replayed" not in answer and answer.content != first.content


def test_a_second_mediator_behind_the_same_proxy_is_not_replayed_the_first_one_s_kit(world):
    first = first_reservation(world)
    colleague = UserFactory(mediator=True, site=world["sd"])
    answer = reserve(session_of(colleague), world["referral"].pk)
    assert not_a_replay_of(answer, first)
    # Their request ran for them: the referral already has its kit.
    assert answer.status_code == 409
    assert Allocation.objects.count() == 1


def test_a_social_worker_behind_the_same_proxy_is_refused_not_replayed(world):
    first = first_reservation(world)
    answer = reserve(session_of(world["social_worker"]), world["referral"].pk)
    assert answer.status_code == 403 and not_a_replay_of(answer, first)


def test_a_request_with_no_session_behind_the_same_proxy_is_refused_not_replayed(world):
    first = first_reservation(world)
    answer = reserve(Client(), world["referral"].pk)
    assert answer.status_code == 401 and not_a_replay_of(answer, first)
    # A session cookie that signs nobody in is nobody too.
    stale = Client()
    stale.cookies["sessionid"] = "not-a-session"
    answer = reserve(stale, world["referral"].pk)
    assert answer.status_code == 401 and not_a_replay_of(answer, first)


def test_the_same_mediator_s_retry_is_replayed(world):
    first = first_reservation(world)
    again = reserve(session_of(world["mediator"]), world["referral"].pk)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Allocation.objects.count() == 1


def test_an_account_that_lost_the_right_is_not_replayed(world):
    first = first_reservation(world)
    mediator = world["mediator"]
    mediator.role = "warehouse"
    mediator.save(update_fields=["role"])
    answer = reserve(session_of(mediator), world["referral"].pk)
    assert answer.status_code == 403 and not_a_replay_of(answer, first)


def test_a_revoked_token_gets_no_replay_of_what_it_wrote(world):
    social_worker = world["social_worker"]
    api = ApiClient(social_worker)
    first = api.post("referrals", referral_payload(), headers={"Idempotency-Key": "r-1"})
    assert first.status_code == 201, first.content
    assert "Diallo" in first.content.decode()
    token_revoke(user=social_worker, token_id=social_worker.api_tokens.get().pk)
    assert api.get("me").status_code == 401
    again = api.post("referrals", referral_payload(), headers={"Idempotency-Key": "r-1"})
    assert again.status_code == 401
    assert "Diallo" not in again.content.decode() and "Idempotent-Replayed" not in again
    assert Referral.objects.filter(beneficiary__last_name="Diallo").count() == 1


def test_another_token_of_the_same_account_does_not_share_the_first_token_s_keys(warehouse_user):
    phone = {"kind": "smartphone", "brand": "Fairphone", "model": "4", "imei": valid_imei(777)}
    first = ApiClient(warehouse_user).post("devices", phone, headers={"Idempotency-Key": "scan-1"})
    assert first.status_code == 201
    other = ApiClient(warehouse_user).post("devices", phone, headers={"Idempotency-Key": "scan-1"})
    assert "Idempotent-Replayed" not in other and other.status_code == 409  # the IMEI is registered already


# --- issue 20 item 7: the key's life ---------------------------------------------------------------------

PHONE = {"kind": "smartphone", "brand": "Fairphone", "model": "4", "imei": valid_imei(31415)}


def test_a_retry_23_hours_later_is_replayed(warehouse_api):
    first = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "late"})
    assert first.status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=23))
    again = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "late"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Device.objects.count() == 1


def test_a_request_that_failed_with_a_5xx_keeps_no_record_and_its_retry_does_the_work(warehouse_api, monkeypatch):
    from inventory import services

    register = services.device_register
    calls = []

    def disk_full_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("no space left on device")
        return register(**kwargs)

    monkeypatch.setattr(services, "device_register", disk_full_once)
    failed = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "flaky"})
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists() and not Device.objects.exists()
    retried = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "flaky"})
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Device.objects.filter(imei=PHONE["imei"]).count() == 1 and len(calls) == 2


# --- second attacker's pass: a replay shows what was created only to whom may still read it ------------------


def test_a_mediator_moved_to_another_site_is_not_replayed_the_kit_they_can_no_longer_read(world):
    mediator = world["mediator"]
    api = ApiClient(mediator)
    first = api.post("allocations", {"referral": world["referral"].pk}, headers={"Idempotency-Key": KEY})
    assert first.status_code == 201, first.content
    mediator.site = world["ly"]
    mediator.save(update_fields=["site"])
    assert api.get(f"allocations/{first.json()['id']}").status_code == 404
    again = api.post("allocations", {"referral": world["referral"].pk}, headers={"Idempotency-Key": KEY})
    assert again.status_code == 404 and again.json()["code"] == "not_found"
    assert "Idempotent-Replayed" not in again and first.json()["number"] not in again.content.decode()
    assert Allocation.objects.count() == 1


def test_a_social_worker_who_left_the_organisation_is_not_replayed_the_person_s_details(world):
    from referrals.models import Membership
    from tests.factories import OrganisationFactory

    social_worker = world["social_worker"]
    api = ApiClient(social_worker)
    first = api.post("referrals", referral_payload(), headers={"Idempotency-Key": "r-2"})
    assert first.status_code == 201, first.content
    assert "Diallo" in first.content.decode()
    Membership.objects.filter(user=social_worker).update(organisation=OrganisationFactory(name="Autre CCAS"))
    assert api.get(f"referrals/{first.json()['id']}").status_code == 404
    again = api.post("referrals", referral_payload(), headers={"Idempotency-Key": "r-2"})
    assert again.status_code == 404 and "Diallo" not in again.content.decode()
    assert Referral.objects.filter(beneficiary__last_name="Diallo").count() == 1


def test_a_request_too_large_with_a_key_is_a_json_413_as_without_one(warehouse_api):
    too_large = {**PHONE, "brand": "x" * 3_000_000}
    for headers in ({}, {"Idempotency-Key": "big"}):
        answer = warehouse_api.post("devices", too_large, headers=headers)
        assert answer.status_code == 413, (headers, answer.status_code, answer.content[:80])
        assert answer.json()["code"] == "too_large"
    assert not IdempotencyRecord.objects.exists() and not Device.objects.exists()
