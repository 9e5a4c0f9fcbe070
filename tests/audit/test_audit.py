"""The audit trail: every state change listed per object and per user for coordinators; history is append-only."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AccountEvent
from accounts.services import invitation_issue, user_create, user_deactivate, user_reactivate
from common.history import HistoryIsAppendOnly
from inventory.models import DeviceEvent
from inventory.services import device_update
from referrals.models import AuthorisationDecision, ReferralEvent
from tests.conftest import ApiClient
from tests.factories import DeviceFactory, OrganisationFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def a_device_event(user):
    device = DeviceFactory(created_by=user)
    device_update(user=user, device=device, changes={"location": "Étagère C-3"}, note="rangé")
    return device, DeviceEvent.objects.filter(device=device).latest("pk")


def test_a_history_row_cannot_be_changed_or_deleted(warehouse_user):
    _device, event = a_device_event(warehouse_user)
    event.note = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        event.save()
    with pytest.raises(HistoryIsAppendOnly):
        event.delete()
    assert DeviceEvent.objects.get(pk=event.pk).note == "rangé"


@pytest.mark.parametrize("model", [ReferralEvent, AuthorisationDecision, AccountEvent])
def test_every_kind_of_history_refuses_changes(model, coordinator_user):
    if model is ReferralEvent:
        row = ReferralFactory().events.first() or ReferralEvent.objects.create(
            referral=ReferralFactory(), by=coordinator_user, kind="updated", to_status="submitted"
        )
    elif model is AuthorisationDecision:
        row = AuthorisationDecision.objects.create(
            organisation=OrganisationFactory(), status="validated", by=coordinator_user
        )
    else:
        row = AccountEvent.objects.create(user=coordinator_user, by=coordinator_user, kind="created")
    with pytest.raises(HistoryIsAppendOnly):
        row.save()
    with pytest.raises(HistoryIsAppendOnly):
        row.delete()


def test_account_services_record_each_event(coordinator_user):
    person = user_create(username="nour", password=None, role="mediator", is_active=False, user=coordinator_user)
    invitation_issue(user=coordinator_user, account=person)
    person.set_password("a-long-password-2026")
    person.save()
    user_deactivate(user=coordinator_user, account=person)
    user_reactivate(user=coordinator_user, account=person)
    kinds = list(AccountEvent.objects.filter(user=person).values_list("kind", "by__username"))
    assert kinds == [
        ("created", coordinator_user.username),
        ("invited", coordinator_user.username),
        ("deactivated", coordinator_user.username),
        ("reactivated", coordinator_user.username),
    ]


def test_a_coordinator_lists_every_change_newest_first(coordinator_user, warehouse_user):
    device, event = a_device_event(warehouse_user)
    person = user_create(username="nour", password="a-long-password-2026", role="mediator", user=coordinator_user)
    user_deactivate(user=coordinator_user, account=person)
    answer = ApiClient(coordinator_user).get("/api/v1/audit")
    assert answer.status_code == 200, answer.json()
    items = answer.json()["items"]
    assert [(i["object_type"], i["action"]) for i in items[:2]] == [("account", "deactivated"), ("account", "created")]
    device_entry = next(i for i in items if i["object_type"] == "device" and i["object_id"] == device.pk)
    assert device_entry["by"] == warehouse_user.username and device_entry["by_id"] == warehouse_user.pk
    assert device_entry["action"] == "updated" and device_entry["note"] == "rangé"
    assert device_entry["to_status"] == device.status
    ats = [i["at"] for i in items]
    assert ats == sorted(ats, reverse=True)


def test_the_audit_filters_by_user_object_and_time(coordinator_user, warehouse_user):
    device, _event = a_device_event(warehouse_user)
    a_device_event(warehouse_user)
    user_create(username="nour", password="a-long-password-2026", role="mediator", user=coordinator_user)
    api = ApiClient(coordinator_user)
    by_warehouse = api.get("/api/v1/audit", {"user": warehouse_user.pk}).json()
    assert by_warehouse["count"] >= 2
    assert {i["by"] for i in by_warehouse["items"]} == {warehouse_user.username}
    one_device = api.get("/api/v1/audit", {"object_type": "device", "object_id": device.pk}).json()
    assert {(i["object_type"], i["object_id"]) for i in one_device["items"]} == {("device", device.pk)}
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/audit", {"from": later}).json()["count"] == 0
    assert api.get("/api/v1/audit", {"to": later}).json()["count"] == api.get("/api/v1/audit").json()["count"]
    assert api.get("/api/v1/audit", {"object_type": "spaceship"}).status_code == 422


def test_listing_the_audit_costs_the_same_queries_whatever_its_length(
    coordinator_user, warehouse_user, django_assert_max_num_queries
):
    api = ApiClient(coordinator_user)
    for _ in range(5):
        a_device_event(warehouse_user)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/audit").json()["count"] >= 5


@pytest.mark.parametrize("role", ["warehouse", "mediator", "social_worker"])
def test_only_coordinators_read_the_audit(role, users_by_role):
    answer = ApiClient(users_by_role[role]).get("/api/v1/audit")
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_the_audit_page_lists_changes_for_coordinators_only(coordinator_user, warehouse_user):
    device, _event = a_device_event(warehouse_user)
    client = Client()
    client.force_login(coordinator_user)
    page = client.get("/audit/", {"object_type": "device", "object_id": device.asset_tag})
    assert page.status_code == 200
    text = page.content.decode()
    assert "rangé" in text and warehouse_user.get_full_name() in text
    # Words, in the reader's language, not the stored codes; the device by its asset tag, never its database id.
    assert "Caractéristiques modifiées" in text and "Équipement" in text
    assert f'<a href="/devices/{device.asset_tag}/">{device.asset_tag}</a>' in text
    other = Client()
    other.force_login(warehouse_user)
    assert other.get("/audit/").status_code == 403
