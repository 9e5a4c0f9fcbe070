"""After the handover: returns under warranty or not, top-ups within the support period, the ledger."""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation, Handover, Return
from distribution.selectors import add_months
from inventory.models import Device
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.factories import LineItemFactory, valid_imei

pytestmark = pytest.mark.django_db


def handed_over(world):
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    receipt = world["api"].post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True}).json()
    return allocation, receipt


def test_a_swap_under_warranty_reserves_a_new_kit_with_a_fresh_warranty(world):
    allocation, _ = handed_over(world)
    replacement = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(555))
    response = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return",
        {"reason": "faulty", "outcome": "swap", "replacement": replacement.asset_tag, "note": "écran noir"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["under_warranty"] is True
    world["phone"].refresh_from_db()
    assert world["phone"].status == "returned"
    swap = Allocation.objects.get(kind="swap")
    assert swap.device == replacement and swap.status == "held" and swap.replaces_id == response.json()["id"]
    # The swap's handover gives a new receipt and a fresh warranty; the referral stays handed over.
    receipt = world["api"].post(f"allocations/{swap.pk}/handover", {"signed_on_paper": True}).json()
    assert receipt["receipt_number"].endswith("000002")
    assert Handover.objects.get(allocation=swap).warranty_until == add_months(timezone.localdate(), 24)
    assert world["referral"].__class__.objects.get(pk=world["referral"].pk).status == "handed_over"


def test_a_repair_under_warranty_extends_it_by_six_months(world):
    handed_over(world)
    before = Handover.objects.get().warranty_until
    response = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"}
    )
    assert response.status_code == 201
    assert response.json()["warranty_until"] == str(add_months(before, 6))
    assert Device.objects.get(pk=world["phone"].pk).status == "returned"


def test_out_of_warranty_only_a_return_is_recorded(world):
    handed_over(world)
    Handover.objects.update(warranty_until=timezone.localdate() - dt.timedelta(days=1))
    swap = world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "swap"})
    assert swap.status_code == 409 and swap.json()["code"] == "warranty_over"
    assert Device.objects.get(pk=world["phone"].pk).status == "handed_over"
    plain = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "not_needed", "outcome": "return"}
    )
    assert plain.status_code == 201 and plain.json()["under_warranty"] is False
    assert Return.objects.get().outcome == "return"


def test_a_device_never_handed_over_cannot_come_back(world):
    response = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "return"}
    )
    assert response.status_code == 409 and response.json()["code"] == "not_handed_over"


def test_a_returned_device_is_wiped_again_before_it_is_ready(world):
    handed_over(world)
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "not_needed", "outcome": "return"})
    tag = world["phone"].asset_tag
    workshop = ApiClient(world["warehouse"])
    assert workshop.post(f"devices/{tag}/transitions", {"to": "diagnosed"}).status_code == 200
    refused = workshop.post(f"devices/{tag}/transitions", {"to": "wiped"})
    assert refused.status_code == 409 and "since the device came in" in refused.json()["detail"]


def test_a_top_up_within_the_support_period_gets_a_short_receipt(world):
    handed_over(world)
    LineItemFactory(offer=world["offer"], site=world["sd"], expires_on=timezone.localdate() + dt.timedelta(days=90))
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"})
    assert response.status_code == 201, response.json()
    assert response.json()["device"] is None and response.json()["line_item"] is not None
    receipt = world["api"].post(f"allocations/{response.json()['id']}/handover", {"signed_on_paper": True})
    assert receipt.status_code == 201
    ledger = world["api"].get(f"referrals/{world['referral'].pk}/ledger").json()
    assert [entry["kind"] for entry in ledger["entries"]] == ["kit", "topup"]
    assert all(entry["receipt_number"] for entry in ledger["entries"])
    assert ledger["support_until"] == str(add_months(timezone.localdate(), 12))


def test_no_top_up_after_the_support_period(world):
    handed_over(world)
    Handover.objects.update(at=timezone.now() - dt.timedelta(days=400))
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"})
    assert response.status_code == 409 and response.json()["code"] == "support_over"


def test_a_top_up_is_only_for_people_already_equipped(world):
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert not Allocation.objects.exists()
