"""The last day counts: support period, hold, warranty — each allowed on its last day, refused the day after."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from distribution.models import Allocation, Handover, Return
from distribution.selectors import add_months, support_until
from inventory.models import Device
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def handed_over(world):
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    receipt = world["api"].post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True})
    assert receipt.status_code == 201, receipt.json()
    return allocation


def first_kit_on_a_day_whose_support_ends(world, last_day: dt.date) -> None:
    """Move the first kit's handover back to the day from which BAGAGE_SUPPORT_MONTHS ends on `last_day`."""
    from django.conf import settings

    months = settings.BAGAGE_SUPPORT_MONTHS
    days = [last_day - dt.timedelta(days=n) for n in range(25 * months, 35 * months)]
    found = [day for day in days if add_months(day, months) == last_day]
    if not found:  # only 29 February: no support period of whole months ends on it
        pytest.skip(f"no support period ends on {last_day}")
    noon = timezone.make_aware(dt.datetime.combine(found[0], dt.time(12)))
    Handover.objects.update(at=noon)
    assert support_until(world["referral"]) == last_day


def top_up(world):
    return world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"})


def test_a_top_up_on_the_last_day_of_the_support_period_is_allowed(world):
    handed_over(world)
    first_kit_on_a_day_whose_support_ends(world, timezone.localdate())
    response = top_up(world)
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "topup"


def test_a_top_up_the_day_after_the_support_period_is_refused(world):
    handed_over(world)
    first_kit_on_a_day_whose_support_ends(world, timezone.localdate() - dt.timedelta(days=1))
    response = top_up(world)
    assert response.status_code == 409 and response.json()["code"] == "support_over"
    assert not Allocation.objects.filter(kind="topup").exists()


def test_a_kit_held_until_today_is_still_held_after_expire_holds_and_expired_the_day_after(world):
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    today = timezone.localdate()
    Allocation.objects.filter(pk=allocation["id"]).update(hold_until=today)
    call_command("expire_holds")
    assert Allocation.objects.get(pk=allocation["id"]).status == "held"
    assert Device.objects.get(pk=world["phone"].pk).status == "reserved"
    assert Referral.objects.get(pk=world["referral"].pk).status == "allocated"
    # The day after its last day (the hold ended yesterday): released.
    Allocation.objects.filter(pk=allocation["id"]).update(hold_until=today - dt.timedelta(days=1))
    call_command("expire_holds")
    assert Allocation.objects.get(pk=allocation["id"]).status == "expired"
    assert Device.objects.get(pk=world["phone"].pk).status == "ready"
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"


def test_a_return_on_the_last_day_of_the_warranty_is_under_warranty(world):
    handed_over(world)
    Handover.objects.update(warranty_until=timezone.localdate())
    response = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "return"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["under_warranty"] is True
    assert Return.objects.get().under_warranty is True


def test_a_swap_the_day_after_the_warranty_is_refused(world):
    handed_over(world)
    Handover.objects.update(warranty_until=timezone.localdate() - dt.timedelta(days=1))
    response = world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "swap"})
    assert response.status_code == 409 and response.json()["code"] == "warranty_over"
    assert not Return.objects.exists()
