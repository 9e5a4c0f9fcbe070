"""A kit's cycle (reserve → handover → receipt) costs a fixed, small number of queries, history included."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from distribution.models import AllocationEvent, NumberSequence, Receipt
from distribution.services import allocation_reserve, handover_record
from inventory.models import DeviceEvent, LineItemEvent
from referrals.models import ReferralEvent
from tests.distribution.conftest import signature_b64

# Measured: 24 statements, and the savepoint (or BEGIN/COMMIT) pair around each of the two services. Lower it as
# queries are cut; never raise it. The floor, one statement per row written: 9 rows in 9 tables for a reservation
# (counter, device and its event, SIM card and its event, allocation and its event, referral and its event), 11 for
# a handover (allocation and its event, device and its event, SIM card and its event, referral and its event,
# handover, counter, receipt), plus one read each (the referral; the allocation with what it names): 22, and 26
# with the savepoints.
CEILING = 28

TABLES = {
    "referrals_referral": "referral",
    "referrals_referralevent": "referral history",
    "distribution_allocation": "allocation",
    "distribution_allocationevent": "allocation history",
    "distribution_numbersequence": "number counter",
    "distribution_handover": "handover",
    "distribution_receipt": "receipt",
    "inventory_device": "device",
    "inventory_deviceevent": "device history",
    "inventory_lineitem": "SIM card",
    "inventory_lineitemevent": "SIM card history",
    "inventory_erasure": "erasure",
    "notifications_message": "message",
}


def purpose(sql: str) -> str:
    """What a statement is for, in a few words: `lock referral`, `update device`, `insert device history`…"""
    if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
        return "savepoint"
    verb = sql.split(None, 1)[0].lower()
    # A SELECT's own table is its first column's (a subquery may come before its FROM).
    table = re.match(r'SELECT (?:DISTINCT )?"(\w+)"\.', sql) or re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    name = TABLES.get(table.group(1), table.group(1)) if table else "?"
    if verb == "select":
        verb = "lock" if "FOR UPDATE" in sql else "read"
    return f"{verb} {name}"


def purposes(captured) -> str:
    return "\n".join(f"{i:2d}. {purpose(q['sql'])}" for i, q in enumerate(captured.captured_queries, start=1))


@pytest.mark.django_db
def test_a_kits_cycle_with_its_history_stays_under_the_query_ceiling(world):
    year = timezone.localdate().year
    for name in ("allocation", "receipt"):  # the year's counters exist already, as on any day but the first
        NumberSequence.objects.create(name=name, year=year, last=7)
    mediator, png = world["mediator"], signature_b64()
    with CaptureQueriesContext(connection) as captured:
        allocation = allocation_reserve(user=mediator, referral=world["referral"], device=world["phone"].asset_tag)
        handover = handover_record(
            user=mediator,
            allocation=allocation.pk,
            checklist={"device_starts": True, "sim_tested": True},
            signature_png=png,
        )
    assert len(captured) <= CEILING, f"{len(captured)} queries for a kit's cycle (at most {CEILING}):\n" + purposes(
        captured
    )
    assert Receipt.objects.get(handover=handover).number == f"R-{year}-000008"
    assert list(AllocationEvent.objects.filter(allocation=allocation).values_list("to_status", flat=True)) == [
        "held",
        "handed_over",
    ]
    assert DeviceEvent.objects.filter(device=world["phone"], kind="transition", by=mediator).count() == 2
    assert LineItemEvent.objects.filter(item=allocation.line_item).count() == 2
    assert ReferralEvent.objects.filter(referral=world["referral"], kind="transition").count() == 2


def test_each_statement_is_named_by_its_purpose():
    assert purpose('SAVEPOINT "s1_x2"') == "savepoint"
    assert purpose('SELECT "referrals_referral"."id" FROM "referrals_referral" WHERE 1 FOR UPDATE') == "lock referral"
    assert purpose('UPDATE "inventory_device" SET "status" = 1') == "update device"
    assert purpose('INSERT INTO "inventory_deviceevent" ("device_id") VALUES (1)') == "insert device history"
    assert purpose('SELECT 1 AS "a" FROM "distribution_allocation" WHERE 1 LIMIT 1') == "read allocation"
