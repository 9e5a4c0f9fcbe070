"""Two mediators booking the last place of a slot at the same instant: exactly one wins (real threads).

On PostgreSQL the transactions overlap for real (the slot's conditional UPDATE decides, the site's row is never
locked); SQLite queues its writers. Both must give one appointment and one 409 `slot_full`.
"""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation, PickupSlot
from distribution.services import allocation_reserve
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.distribution.test_races import at_once, people
from tests.factories import valid_imei

pytestmark = pytest.mark.django_db(transaction=True)


def slot_site(n: int, capacity: int):
    sd, mediator, warehouse, referrals = people(n)
    sd.opening_hours = "Mo-Su 09:00-17:00"
    sd.pickup_slot_capacity = capacity
    sd.save()
    # Each mediator names their own phone: the race is for the slot's place, not for a device.
    phones = [ready_phone(sd, warehouse, imei=valid_imei(500 + i)).asset_tag for i in range(n)]
    when = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(10)))
    return sd, mediator, referrals, phones, when


def booking(referral, phone, when) -> dict:
    return {"referral": referral.pk, "device": phone, "pickup_at": when.isoformat()}


@pytest.mark.parametrize("taken_before", [0, 1])
def test_two_mediators_booking_the_last_place_at_once_one_wins(taken_before):
    """The slot's row is created by the race itself (0) or exists with one place left (1)."""
    sd, mediator, referrals, phones, when = slot_site(2 + taken_before, capacity=1 + taken_before)
    if taken_before:
        allocation_reserve(user=mediator, referral=referrals.pop(), device=phones.pop(), pickup_at=when)
    apis = [ApiClient(mediator), ApiClient(mediator)]
    answers = at_once(lambda i: apis[i].post("allocations", booking(referrals[i], phones[i], when)), 2)
    assert sorted(a.status_code for a in answers) == [201, 409], [a.json() for a in answers]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["slot_full"]
    assert Allocation.objects.filter(pickup_at=when, status="held").count() == 1 + taken_before
    assert PickupSlot.objects.get(site=sd, starts_at=when).booked == 1 + taken_before


def test_eight_mediators_on_a_slot_of_three_places_get_three():
    sd, mediator, referrals, phones, when = slot_site(8, capacity=3)
    apis = [ApiClient(mediator) for _ in range(8)]
    answers = at_once(lambda i: apis[i].post("allocations", booking(referrals[i], phones[i], when)), 8)
    assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 5, [a.json() for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"slot_full"}
    assert Allocation.objects.filter(pickup_at=when).count() == 3
    assert PickupSlot.objects.get(site=sd, starts_at=when).booked == 3


def test_two_mediators_moving_kits_to_the_last_place_at_once_one_wins():
    """The slot's row exists with one place left (were it created by the race, its INSERT would queue them)."""
    sd, mediator, referrals, phones, when = slot_site(3, capacity=2)
    allocation_reserve(user=mediator, referral=referrals.pop(), device=phones.pop(), pickup_at=when)
    kits = [allocation_reserve(user=mediator, referral=r, device=p) for r, p in zip(referrals, phones, strict=True)]
    apis = [ApiClient(mediator), ApiClient(mediator)]
    answers = at_once(lambda i: apis[i].patch(f"allocations/{kits[i].pk}", {"pickup_at": when.isoformat()}), 2)
    assert sorted(a.status_code for a in answers) == [200, 409], [a.json() for a in answers]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["slot_full"]
    assert Allocation.objects.filter(pickup_at=when).count() == 2
    assert PickupSlot.objects.get(site=sd, starts_at=when).booked == 2
