"""Kits at one site do not queue behind each other: a transition locks the rows it changes, never its site's row.

One handover is held open in a thread at the moment it holds every lock of its own kit (allocation, device, SIM
card, referral, their history rows), just before it takes the receipt counter. Meanwhile another kit at the same
site is reserved and handed over with `lock_timeout` set: any wait on the first one's locks is an error, not a
slow test. Then the first one finishes, and the receipt numbers are still consecutive.
"""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from distribution.models import Receipt
from distribution.services import allocation_reserve, handover_record
from distribution.services import handovers as handover_module
from tests.conftest import require_or_skip
from tests.distribution.conftest import ready_phone
from tests.factories import (
    LineItemFactory,
    OfferFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)


@pytest.mark.django_db(transaction=True)
def test_a_handover_held_open_does_not_stop_another_kit_at_the_same_site(monkeypatch):
    if connection.vendor != "postgresql":
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "row locks are PostgreSQL's: SQLite locks the whole database")
    site = SiteFactory(code="SD")
    mediator = UserFactory(mediator=True, site=site)
    warehouse = UserFactory(warehouse=True, site=site)
    social_worker = UserFactory(social_worker=True, organisation=OrganisationFactory())
    offer = OfferFactory(created_by=warehouse)
    kits = []
    for n in range(2):
        referral = ReferralFactory(social_worker=social_worker, site=site, status="accepted", connectivity="sim")
        phone = ready_phone(site, warehouse, imei=valid_imei(700 + n))
        LineItemFactory(offer=offer, site=site, expires_on=timezone.localdate() + dt.timedelta(days=300))
        kits.append((referral, phone))
    first = allocation_reserve(user=mediator, referral=kits[0][0], device=kits[0][1].asset_tag)

    holding, go = threading.Event(), threading.Event()
    issue = handover_module.receipt_issue
    held_thread = []

    def paused_receipt_issue(**kwargs):
        if threading.current_thread() in held_thread:
            holding.set()  # every lock of the first kit is taken; the receipt counter is not yet
            assert go.wait(30), "the other kit never finished"
        return issue(**kwargs)

    monkeypatch.setattr(handover_module, "receipt_issue", paused_receipt_issue)
    outcome = {}

    def hand_over_first():
        try:
            outcome["first"] = handover_record(user=mediator, allocation=first.pk, signed_on_paper=True)
        except Exception as exc:  # asserted below
            outcome["first"] = exc
        finally:
            holding.set()
            connections.close_all()

    thread = threading.Thread(target=hand_over_first)
    held_thread.append(thread)
    thread.start()
    try:
        assert holding.wait(30)
        assert "first" not in outcome, outcome  # it is really paused inside its transaction
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            second = allocation_reserve(user=mediator, referral=kits[1][0], device=kits[1][1].asset_tag)
            handed = handover_record(user=mediator, allocation=second.pk, signed_on_paper=True)
        except OperationalError as exc:
            pytest.fail(f"the second kit waited on the first one's locks at the same site: {exc}")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        go.set()
        thread.join(60)
    assert not isinstance(outcome["first"], Exception), outcome
    year = timezone.localdate().year
    numbers = dict(Receipt.objects.values_list("handover_id", "number"))
    # The second kit took the counter first; the first took the next number when it went on: gapless.
    assert numbers == {handed.pk: f"R-{year}-000001", outcome["first"].pk: f"R-{year}-000002"}
