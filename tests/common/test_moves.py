"""common.moves: a status and its history row change in one statement, or neither; the transaction goes on."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from distribution.enums import AllocationStatus
from distribution.models import ALLOCATION_CLOSE, AllocationEvent
from inventory.enums import DeviceEventKind, DeviceStatus, LineItemStatus
from inventory.models import DEVICE_MOVE, LINE_ITEM_MOVE, Device, DeviceEvent, LineItemEvent
from referrals.enums import ReferralEventKind, ReferralStatus
from referrals.models import REFERRAL_MOVE, Referral, ReferralEvent
from tests.factories import AllocationFactory, DeviceFactory, LineItemFactory, ReferralFactory, SiteFactory

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2026, 3, 1, 10, 30))


def device_row(device, user, from_status, to_status, site_id=None, note="on the shelf"):
    return DeviceEvent(
        device=device,
        by=user,
        at=AT,
        kind=DeviceEventKind.TRANSITION,
        from_status=from_status,
        to_status=to_status,
        site_id=site_id or device.site_id,
        note=note,
        data={"transition": "reserve", "name": "Ōkubo 大久保 — تجربة"},
    )


def test_a_move_changes_the_row_and_writes_its_history_in_one_statement(mediator_user):
    device = DeviceFactory(ready=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        moved = DEVICE_MOVE.record(device_row(device, mediator_user, DeviceStatus.READY, DeviceStatus.RESERVED))
    assert moved is True
    assert len([q for q in captured if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]) == 1
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED and device.updated_at == AT
    row = DeviceEvent.objects.filter(device=device).latest("id")
    assert (row.by, row.at, row.kind, row.from_status, row.to_status, row.site_id, row.note) == (
        mediator_user,
        AT,
        DeviceEventKind.TRANSITION,
        DeviceStatus.READY,
        DeviceStatus.RESERVED,
        device.site_id,
        "on the shelf",
    )
    assert row.data == {"transition": "reserve", "name": "Ōkubo 大久保 — تجربة"}


@pytest.mark.parametrize("what", ["status", "site"])
def test_a_row_no_longer_as_read_is_not_moved_and_nothing_is_written(mediator_user, what):
    device = DeviceFactory(ready=True)
    other = SiteFactory(code="LY")
    row = device_row(
        device,
        mediator_user,
        DeviceStatus.REFURBISHED if what == "status" else DeviceStatus.READY,
        DeviceStatus.RESERVED,
        site_id=other.pk if what == "site" else None,
    )
    before = DeviceEvent.objects.count()
    with transaction.atomic():
        assert DEVICE_MOVE.record(row) is False
        # The transaction goes on (SQLite undid one statement; PostgreSQL matched no row): the next move works.
        assert DEVICE_MOVE.record(device_row(device, mediator_user, DeviceStatus.READY, DeviceStatus.RESERVED))
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED
    assert DeviceEvent.objects.count() == before + 1


def test_a_line_item_a_referral_and_a_kit_move_the_same_way(mediator_user):
    item = LineItemFactory(status=LineItemStatus.AVAILABLE)
    referral = ReferralFactory(accepted=True)
    kit = AllocationFactory()
    with transaction.atomic():
        reserved = dict(item=item, by=mediator_user, at=AT, from_status="available", to_status="reserved")
        assert LINE_ITEM_MOVE.record(LineItemEvent(**reserved))
        assert not LINE_ITEM_MOVE.record(LineItemEvent(**reserved))  # it is no longer available
        assert REFERRAL_MOVE.record(
            ReferralEvent(
                referral=referral,
                by=mediator_user,
                at=AT,
                kind=ReferralEventKind.TRANSITION,
                from_status=ReferralStatus.ACCEPTED,
                to_status=ReferralStatus.ALLOCATED,
                note="A-2026-000001",
            )
        )
        assert ALLOCATION_CLOSE.record(
            AllocationEvent(
                allocation=kit,
                by=mediator_user,
                at=AT,
                from_status=AllocationStatus.HELD,
                to_status=AllocationStatus.RELEASED,
                note="released: moved away",
            ),
            close_note="moved away",
        )
    item.refresh_from_db()
    assert item.status == LineItemStatus.RESERVED
    assert LineItemEvent.objects.filter(item=item, to_status="reserved").count() == 1
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.status, referral.status_changed_at, referral.updated_at) == (ReferralStatus.ALLOCATED, AT, AT)
    kit.refresh_from_db()
    assert (kit.status, kit.closed_at, kit.closed_by, kit.close_note) == (
        AllocationStatus.RELEASED,
        AT,
        mediator_user,
        "moved away",
    )
    assert AllocationEvent.objects.filter(allocation=kit, note="released: moved away").count() == 1


def test_an_error_other_than_a_refusal_is_raised(mediator_user):
    device = DeviceFactory(ready=True)
    row = device_row(device, mediator_user, DeviceStatus.READY, DeviceStatus.RESERVED)
    row.kind = None  # NOT NULL: an integrity error that is not "no longer as read"
    with pytest.raises(IntegrityError), transaction.atomic():
        DEVICE_MOVE.record(row)
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.READY
