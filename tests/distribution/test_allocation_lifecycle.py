"""The allocation (kit) life cycle over every (state, target) pair, through its service functions."""

import datetime as dt

import pytest
from django.utils import timezone

from common.exceptions import InvalidTransition
from distribution import services
from distribution.enums import AllocationStatus
from distribution.models import Allocation, AllocationEvent
from distribution.workflows import ALLOCATION_WORKFLOW
from inventory.models import Device, LineItem
from referrals.models import Referral

pytestmark = pytest.mark.django_db

S = AllocationStatus
# Written from DESIGN.md by hand, not read from distribution/workflows.py, so that a wrong table fails:
# service -> (from state, to state, the device's and the SIM's state after, the referral's state after).
EXPECTED = {
    "handover_record": (S.HELD, S.HANDED_OVER, "handed_over", "handed_over", "handed_over"),
    "allocation_release": (S.HELD, S.RELEASED, "ready", "available", "accepted"),
    "holds_expire": (S.HELD, S.EXPIRED, "ready", "available", "accepted"),
}
TRANSITIONS = {"handover_record": "hand_over", "allocation_release": "release", "holds_expire": "expire"}


def run(function: str, world, allocation: Allocation):
    if function == "handover_record":
        return services.handover_record(user=world["mediator"], allocation=allocation.pk, signed_on_paper=True)
    if function == "allocation_release":
        return services.allocation_release(user=world["mediator"], allocation=allocation.pk, note="moved away")
    return services.holds_expire(today=allocation.hold_until + dt.timedelta(days=1))


def test_the_table_says_a_kit_leaves_held_only_and_for_one_of_three_states():
    pairs = {(source, t.target) for t in ALLOCATION_WORKFLOW.transitions for source in t.sources}
    assert pairs == {(S.HELD, S.HANDED_OVER), (S.HELD, S.RELEASED), (S.HELD, S.EXPIRED)}
    assert all(t.service_only for t in ALLOCATION_WORKFLOW.transitions)


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_every_allocation_transition_pair(world, source, function):
    allocation = services.allocation_reserve(user=world["mediator"], referral=world["referral"])
    Allocation.objects.filter(pk=allocation.pk).update(
        status=source, hold_until=timezone.localdate() - dt.timedelta(days=1)
    )
    allocation.refresh_from_db()
    events_before = AllocationEvent.objects.filter(allocation=allocation).count()
    expected_from, target, device_after, item_after, referral_after = EXPECTED[function]
    if source == expected_from:
        run(function, world, allocation)
        allocation.refresh_from_db()
        assert allocation.status == target
        assert allocation.closed_at is not None
        event = AllocationEvent.objects.filter(allocation=allocation).latest("id")
        assert (event.from_status, event.to_status) == (source, target)
        assert Device.objects.get(pk=allocation.device_id).status == device_after
        assert LineItem.objects.get(pk=allocation.line_item_id).status == item_after
        assert Referral.objects.get(pk=allocation.referral_id).status == referral_after
        return
    if function == "holds_expire":
        # The daily command only looks at held kits: any other one is left as it is.
        assert run(function, world, allocation)["released"] == 0
    else:
        with pytest.raises(InvalidTransition) as refused:
            run(function, world, allocation)
        assert refused.value.extra["from_status"] == source
        assert refused.value.extra["transition"] == TRANSITIONS[function]
    allocation.refresh_from_db()
    assert allocation.status == source and allocation.closed_at is None
    assert AllocationEvent.objects.filter(allocation=allocation).count() == events_before
    assert Device.objects.get(pk=allocation.device_id).status == "reserved"
    assert LineItem.objects.get(pk=allocation.line_item_id).status == "reserved"
