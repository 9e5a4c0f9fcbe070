"""The audit page as a coordinator reads it: changes only (a read is no handover), objects by their number with a
link, people by name, and every filter working or refused in words."""

import pytest
from django.test import Client

from distribution import services
from inventory.services import device_update
from referrals.models import BeneficiaryAccess
from tests.conftest import ApiClient
from tests.conftest import client_for as signed_in
from tests.distribution.conftest import signature_b64, world  # noqa: F401  (fixture)
from tests.factories import DeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "en") -> Client:
    """English pages: these tests read the English words."""
    return signed_in(user, language)


def test_opening_a_handover_page_is_no_change_in_the_audit(world):  # noqa: F811
    coordinator = UserFactory(coordinator=True)
    allocation = services.allocation_reserve(user=world["mediator"], referral=world["referral"])
    assert client_for(world["mediator"]).get(f"/kits/{allocation.pk}/handover/").status_code == 200
    assert BeneficiaryAccess.objects.filter(action="handover").exists()  # the read is logged, in the access log
    page = client_for(coordinator).get("/audit/", {"object_type": "referral"}).content.decode()
    assert "Handover" not in page and "Read the details" not in page
    items = ApiClient(coordinator).get("/api/v1/audit").json()["items"]
    assert not [i for i in items if i["action"] in ("handover", "read", "decide")]


def test_objects_show_by_their_number_with_a_link_and_people_by_name(world):  # noqa: F811
    coordinator = UserFactory(coordinator=True)
    mediator = world["mediator"]
    allocation = services.allocation_reserve(user=mediator, referral=world["referral"])
    handover = services.handover_record(
        user=mediator, allocation=allocation, signature_png=signature_b64(), checklist={"device_starts": True}
    )
    receipt = handover.receipt.number
    html = client_for(coordinator).get("/audit/").content.decode()
    tag = allocation.device.asset_tag
    assert f'<a href="/devices/{tag}/">{tag}</a>' in html
    assert f'<a href="/kits/{allocation.pk}/">{allocation.number}</a>' in html
    assert f'<a href="/receipts/{receipt}/">{receipt}</a>' in html
    assert f'<a href="/referrals/{world["referral"].pk}/">#{world["referral"].pk}</a>' in html
    assert mediator.get_full_name() in html and f"<td>{mediator.username}</td>" not in html


def test_the_asset_tag_filter_shows_that_device_only(coordinator_user, warehouse_user):
    one, other = DeviceFactory(), DeviceFactory()
    for device in (one, other):
        device_update(user=warehouse_user, device=device, changes={"location": f"bin {device.pk}"})
    page = client_for(coordinator_user).get("/audit/", {"object_id": one.asset_tag.lower()})
    html = page.content.decode()
    assert page.status_code == 200
    assert f">{one.asset_tag}</a>" in html and other.asset_tag not in html


@pytest.mark.parametrize(
    "query",
    [
        {"object_id": "SDTE26-9999"},
        {"object_type": "device", "object_id": "12"},
        {"user": "nobody-here"},
        {"from": "31/12/2026"},
        {"from": "2026-12-05", "to": "2026-12-01"},
        {"object_type": "spaceship"},
    ],
)
def test_a_filter_that_cannot_work_is_refused_in_words_not_ignored(query, coordinator_user, warehouse_user):
    device = DeviceFactory()
    device_update(user=warehouse_user, device=device, changes={"location": "B-1"})
    page = client_for(coordinator_user).get("/audit/", query)
    html = page.content.decode()
    assert page.status_code == 400
    assert 'data-testid="refused-filters"' in html
    assert device.asset_tag not in html


def test_who_filters_by_name_or_username(coordinator_user, warehouse_user):
    device = DeviceFactory()
    device_update(user=warehouse_user, device=device, changes={"location": "B-1"})
    coordinator = client_for(coordinator_user)
    for who in (warehouse_user.username, warehouse_user.get_full_name()):
        html = coordinator.get("/audit/", {"user": who}).content.decode()
        assert device.asset_tag in html, who
    html = coordinator.get("/audit/", {"user": coordinator_user.username}).content.decode()
    assert device.asset_tag not in html


def test_a_referral_number_filters_its_history(world):  # noqa: F811
    coordinator = UserFactory(coordinator=True)
    referral = world["referral"]
    services.allocation_reserve(user=world["mediator"], referral=referral)  # the referral moves: its history
    html = client_for(coordinator).get("/audit/", {"object_id": f"#{referral.pk}"}).content.decode()
    assert f'<a href="/referrals/{referral.pk}/">#{referral.pk}</a>' in html
    assert "/devices/" not in html.split("<tbody>")[1]
