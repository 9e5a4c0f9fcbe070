"""Stock moves by one statement that checks the state it leaves (common.moves): an instance read earlier is not read
again, yet a row that moved meanwhile is refused as it is now, and nothing is written."""

import pytest
from django.db import transaction

from common.exceptions import InvalidTransition
from common.integrity import holds_lock, mark_locked
from inventory import services
from inventory.models import Device, DeviceEvent, LineItem, LineItemEvent
from tests.factories import DeviceFactory, LineItemFactory, OfferFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return UserFactory(warehouse=True, site=SiteFactory(code="SD"))


def test_a_device_read_before_it_moved_elsewhere_is_refused_as_it_is_now(warehouse):
    device = DeviceFactory(status="ready", site=warehouse.site, created_by=warehouse)
    stale = Device.objects.get(pk=device.pk)
    services.device_reserve(user=warehouse, device=device, note="kit A-1")
    with pytest.raises(InvalidTransition) as refused:
        services.device_reserve(user=warehouse, device=stale, note="kit A-2")
    assert refused.value.extra["from_status"] == "reserved"  # the row's state, not the stale instance's
    assert DeviceEvent.objects.filter(device=device, kind="transition").count() == 1


def test_a_device_moved_to_another_site_since_it_was_read_is_read_again(warehouse):
    device = DeviceFactory(status="ready", site=warehouse.site, created_by=warehouse)
    stale = Device.objects.get(pk=device.pk)
    elsewhere = SiteFactory(code="LY")
    Device.objects.filter(pk=device.pk).update(site=elsewhere)
    moved = services.device_reserve(user=warehouse, device=stale, note="kit A-1")
    assert moved.site_id == elsewhere.pk  # the caller sees where it is, to transfer it
    assert DeviceEvent.objects.get(device=device, kind="transition").site_id == elsewhere.pk


def test_a_sim_card_read_before_it_moved_is_refused_as_it_is_now(warehouse):
    item = LineItemFactory(offer=OfferFactory(created_by=warehouse), site=warehouse.site)
    stale = LineItem.objects.get(pk=item.pk)
    services.line_item_reserve(user=warehouse, item=item, note="kit A-1")
    with pytest.raises(InvalidTransition) as refused:
        services.line_item_reserve(user=warehouse, item=stale, note="kit A-2")
    assert refused.value.extra["from_status"] == "reserved"
    assert LineItemEvent.objects.filter(item=item).count() == 1  # the first reservation only
    assert LineItem.objects.get(pk=item.pk).status == "reserved"


def test_a_lock_is_held_while_the_block_that_took_it_is_open(warehouse):
    device = DeviceFactory(status="ready", site=warehouse.site, created_by=warehouse)
    with transaction.atomic():
        locked = mark_locked(Device.objects.select_for_update().get(pk=device.pk))
        assert holds_lock(locked)
        with transaction.atomic():
            assert holds_lock(locked)  # an inner block: still within the one that locked it
    assert not holds_lock(locked)
    assert not holds_lock(Device.objects.get(pk=device.pk))  # never marked
