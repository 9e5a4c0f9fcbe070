"""first_of_each: several reads' first rows in one statement, each exactly as its own read gives it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common.compiled import CompiledRead, first_of_each
from inventory.models import Device, LineItem
from tests.factories import DeviceFactory, LineItemFactory

pytestmark = pytest.mark.django_db

device_by_tag = CompiledRead(lambda tag: Device.objects.select_related("site").filter(asset_tag=tag).order_by()[:1])
item_by_pk = CompiledRead(lambda pk: LineItem.objects.select_related("offer", "site").filter(pk=pk).order_by()[:1])
ready_devices = CompiledRead(
    lambda site_id: Device.objects.filter(site_id=site_id, status="ready").order_by("-id").select_related("site")[:1]
)
device_locked = CompiledRead(
    lambda tag: Device.objects.select_for_update(of=("self",)).filter(asset_tag=tag).order_by()[:1]
)


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_each_read_gives_what_it_gives_alone_in_one_query():
    device = DeviceFactory(ready=True, model="Redmi Note 12 — 红米")
    DeviceFactory(ready=True, site=device.site)
    item = LineItemFactory()
    calls = (device_by_tag.call(device.asset_tag), item_by_pk.call(item.pk), ready_devices.call(device.site_id))
    alone = [call.first() for call in calls]
    with CaptureQueriesContext(connection) as captured:
        together = first_of_each(*calls)
    assert len(captured) == 1
    assert [type(found) for found in together] == [Device, LineItem, Device]
    for one, other in zip(alone, together, strict=True):
        assert fields(one) == fields(other)
    assert together[0].model == "Redmi Note 12 — 红米"
    assert together[0].created_at.tzinfo is not None  # each read's converters ran on its own columns
    with CaptureQueriesContext(connection) as captured:
        assert fields(together[1].offer) == fields(alone[1].offer)  # its select_related came along
        assert together[2].site.code == device.site.code
    assert len(captured) == 0


def test_a_read_that_finds_nothing_is_none_beside_the_others():
    item = LineItemFactory()
    with CaptureQueriesContext(connection) as captured:
        found = first_of_each(device_by_tag.call("NOPE26-0001"), None, item_by_pk.call(item.pk))
    assert len(captured) == 1
    assert found[0] is None and found[1] is None and found[2].pk == item.pk
    assert first_of_each(device_by_tag.call("NOPE26-0001"), item_by_pk.call(10**6)) == [None, None]
    assert first_of_each(None, None) == [None, None]


def test_what_it_cannot_join_runs_on_its_own():
    device = DeviceFactory(ready=True)
    item = LineItemFactory()
    # A key beyond 64 bits (the queryset answers: nothing), and a read that locks (run alone, in a transaction).
    assert first_of_each(device_by_tag.call(device.asset_tag), item_by_pk.call(2**70))[1] is None
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked, found = first_of_each(device_locked.call(device.asset_tag), item_by_pk.call(item.pk))
    assert (locked.pk, found.pk) == (device.pk, item.pk)
    # SQLite locks the whole database, not rows: there, nothing keeps them apart.
    assert len([q for q in captured if q["sql"].startswith("SELECT")]) == (
        2 if connection.vendor == "postgresql" else 1
    )
