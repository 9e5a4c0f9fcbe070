"""Races around common.moves: a named device is read without a lock, so its move decides (real threads; on
PostgreSQL the transactions overlap for real, on SQLite they queue). One kit wins, the others get a clean 409,
and every row's status is its latest history row's."""

import datetime as dt

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from common.exceptions import AlreadyReserved, Conflict, InvalidTransition
from distribution.models import Allocation, AllocationEvent
from distribution.services import allocation_reserve, handover_record
from distribution.services.allocations import allocation_release
from inventory.models import Device, DeviceEvent, LineItem, LineItemEvent
from inventory.services.devices import device_update
from referrals.models import Referral, ReferralEvent
from tests.distribution.conftest import ready_phone
from tests.distribution.test_races import at_once, people
from tests.factories import LineItemFactory, OfferFactory, SiteFactory, valid_imei

pytestmark = pytest.mark.django_db(transaction=True)

CLEAN = (AlreadyReserved, Conflict, InvalidTransition)


def assert_history_agrees():
    """Every row's status is its latest history row's to_status, and every status change has its row."""
    for model, history, link in (
        (Device, DeviceEvent, "device"),
        (LineItem, LineItemEvent, "item"),
        (Referral, ReferralEvent, "referral"),
        (Allocation, AllocationEvent, "allocation"),
    ):
        last = history.objects.filter(**{link: OuterRef("pk")}).order_by("-id").values("to_status")[:1]
        wrong = [
            (model.__name__, pk, status, latest)
            for pk, status, latest in model.objects.annotate(latest=Subquery(last)).values_list(
                "pk", "status", "latest"
            )
            if latest is not None and latest != status
        ]
        assert not wrong, wrong


def test_named_and_first_fitting_reservations_of_one_device_at_once():
    sd, mediator, warehouse, referrals = people(16)
    phone = ready_phone(sd, warehouse, imei=valid_imei(7))

    def reserve(i):
        device = phone.asset_tag if i % 2 else None
        return allocation_reserve(user=mediator, referral=referrals[i].pk, device=device)

    results = at_once(reserve, 16)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, CLEAN) for e in errors), [repr(e) for e in errors if not isinstance(e, CLEAN)]
    assert len(results) - len(errors) == 1
    assert Allocation.objects.filter(device=phone, status="held").count() == 1
    assert DeviceEvent.objects.filter(device=phone, to_status="reserved").count() == 1
    assert Device.objects.get(pk=phone.pk).status == "reserved"
    assert_history_agrees()


def test_device_and_sim_both_contended_at_once():
    sd, mediator, warehouse, referrals = people(12, connectivity="sim")
    phone = ready_phone(sd, warehouse, imei=valid_imei(8))
    sim = LineItemFactory(
        offer=OfferFactory(created_by=warehouse), site=sd, expires_on=timezone.localdate() + dt.timedelta(days=300)
    )

    def reserve(i):
        return allocation_reserve(
            user=mediator,
            referral=referrals[i].pk,
            device=phone.asset_tag if i % 3 == 0 else None,
            line_item=sim.pk if i % 2 == 0 else None,
        )

    results = at_once(reserve, 12)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, CLEAN) for e in errors), [repr(e) for e in errors if not isinstance(e, CLEAN)]
    assert len(results) - len(errors) == 1
    assert Allocation.objects.filter(status="held").count() == 1
    assert LineItemEvent.objects.filter(item=sim, to_status="reserved").count() == 1
    assert_history_agrees()


@pytest.mark.parametrize("rounds", range(4))
def test_handover_and_release_of_one_kit_at_once(rounds):
    sd, mediator, warehouse, referrals = people(1, connectivity="sim")
    phone = ready_phone(sd, warehouse, imei=valid_imei(20 + rounds))
    sim = LineItemFactory(
        offer=OfferFactory(created_by=warehouse), site=sd, expires_on=timezone.localdate() + dt.timedelta(days=300)
    )
    kit = allocation_reserve(user=mediator, referral=referrals[0].pk, device=phone.asset_tag, line_item=sim.pk)

    def act(i):
        if i % 2:
            return handover_record(user=mediator, allocation=kit.pk, signed_on_paper=True)
        return allocation_release(user=mediator, allocation=kit.pk, note="parti — 100% %s \\ 'x'")

    results = at_once(act, 2)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], CLEAN), [repr(e) for e in errors]
    kit = Allocation.objects.get(pk=kit.pk)
    device, item = Device.objects.get(pk=phone.pk), LineItem.objects.get(pk=sim.pk)
    expected = {"handed_over": ("handed_over", "handed_over"), "released": ("ready", "available")}[kit.status]
    assert (device.status, item.status) == expected
    assert AllocationEvent.objects.filter(allocation=kit).exclude(from_status="").count() == 1
    assert kit.closed_at is not None and kit.closed_by_id == mediator.pk
    assert_history_agrees()


def test_a_named_device_moved_to_another_site_while_it_is_reserved():
    """The warehouse moves the phone to Lyon as a mediator reserves it at Saint-Denis: either the kit holds it at
    Saint-Denis and the move is refused (a reserved device does not move), or it went first and the kit brings it
    back for the person (its history says so)."""
    sd, mediator, warehouse, referrals = people(1)
    ly = SiteFactory(code="LY")
    phone = ready_phone(sd, warehouse, imei=valid_imei(30))

    def act(i):
        if i == 0:
            return allocation_reserve(user=mediator, referral=referrals[0].pk, device=phone.asset_tag)
        return device_update(user=warehouse, device=phone.asset_tag, changes={"site": ly}, note="to Lyon")

    results = at_once(act, 2)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, CLEAN)], results
    device = Device.objects.get(pk=phone.pk)
    kit = Allocation.objects.get(device=phone)
    assert (device.site_id, device.status, kit.status) == (sd.pk, "reserved", "held")
    moved = isinstance(results[1], Device)
    assert (kit.transfer_from_id == ly.pk) is moved
    assert DeviceEvent.objects.filter(device=phone, kind="transfer").exists() is moved
    assert_history_agrees()
