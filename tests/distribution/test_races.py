"""Never promised twice, numbers never doubled: many requests at the same instant (real threads).

On PostgreSQL the requests overlap for real; SQLite's IMMEDIATE transactions queue them. Both must
give exactly one kit per device and per SIM, and gapless receipt numbers.
"""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from distribution.models import Allocation, Receipt
from distribution.services import allocation_reserve, handover_record
from tests.conftest import ApiClient
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

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(action, n: int) -> list:
    start = threading.Barrier(n)
    results = [None] * n

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = action(i)
        except Exception as exc:  # kept and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def people(n: int, connectivity: str = "none"):
    sd = SiteFactory(code="SD")
    mediator = UserFactory(mediator=True, site=sd)
    warehouse = UserFactory(warehouse=True, site=sd)
    social_worker = UserFactory(social_worker=True, organisation=OrganisationFactory())
    referrals = [
        ReferralFactory(social_worker=social_worker, site=sd, status="accepted", connectivity=connectivity)
        for _ in range(n)
    ]
    return sd, mediator, warehouse, referrals


def test_twenty_mediators_reserving_one_device_at_once_get_one_kit():
    sd, mediator, warehouse, referrals = people(20)
    phone = ready_phone(sd, warehouse, imei=valid_imei(1))
    api = ApiClient(mediator)
    answers = at_once(lambda i: api.post("allocations", {"referral": referrals[i].pk, "device": phone.asset_tag}), 20)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 19, [a.json() for a in answers if a.status_code not in (201, 409)]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_reserved"}
    assert Allocation.objects.filter(device=phone, status="held").count() == 1


def test_twenty_mediators_reserving_one_sim_at_once_get_one_kit():
    sd, mediator, warehouse, referrals = people(20, connectivity="sim")
    for referral in referrals:
        referral.device_kinds = []
        referral.save(update_fields=["device_kinds"])
    sim = LineItemFactory(
        offer=OfferFactory(created_by=warehouse), site=sd, expires_on=timezone.localdate() + dt.timedelta(days=300)
    )
    api = ApiClient(mediator)
    answers = at_once(lambda i: api.post("allocations", {"referral": referrals[i].pk, "line_item": sim.pk}), 20)
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_reserved"}
    assert Allocation.objects.filter(line_item=sim, status="held").count() == 1


def test_ten_handovers_at_once_get_ten_consecutive_receipt_numbers():
    sd, mediator, warehouse, referrals = people(10)
    allocations = []
    for i, referral in enumerate(referrals):
        phone = ready_phone(sd, warehouse, imei=valid_imei(100 + i))
        allocations.append(allocation_reserve(user=mediator, referral=referral, device=phone.asset_tag))
    results = at_once(lambda i: handover_record(user=mediator, allocation=allocations[i].pk, signed_on_paper=True), 10)
    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [f"R-{year}-{n:06d}" for n in range(1, 11)]
