"""The planner's rules one by one: what a move costs, the + 1 that serves today's referrals, strict weights."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from distribution.matching import DeviceStock, ItemStock, Need, plan
from distribution.matching.solvers import lexicographic_weights
from distribution.services import proposal_create
from inventory.models import Device, LineItem
from referrals.models import Referral
from tests.factories import LineItemFactory, OfferFactory

HOLD = dt.date(2026, 12, 10)
SOLVERS = ("flow", "highs")


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("connectivity", ["sim", "topup"])
def test_moving_a_device_costs_more_than_moving_a_sim_or_voucher(solver, connectivity):
    """One SIM (or voucher) at Lyon, one laptop at Villeurbanne, two people who waited as long.

    Serving the person at Villeurbanne moves the SIM; serving the one at Lyon moves the laptop (which would
    also score a grade): the plan moves the SIM.
    """
    needs = [
        Need("line-only", "VL", (), connectivity, waited_days=9),
        Need("laptop-and-line", "LY", ("laptop",), connectivity, waited_days=9),
    ]
    devices = [DeviceStock("laptop", "laptop", "VL", "A")]
    items = [ItemStock("line", connectivity, "LY", HOLD + dt.timedelta(days=1))]
    result = plan(needs, devices, items, hold_until=HOLD, solver=solver)
    assert [(line.referral_id, line.device_id, line.item_id) for line in result.lines] == [("line-only", None, "line")]
    assert (result.device_moves, result.item_moves) == (0, 1)
    assert result.lines[0].item_transfer_from == "LY"
    assert [(u.referral_id, u.code) for u in result.unserved] == [("laptop-and-line", "outranked")]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "kinds, devices",
    [((), []), (("laptop",), [DeviceStock("grade-d", "laptop", "LY", "D")])],
    ids=["sim only", "grade D laptop and a sim"],
)
def test_a_referral_accepted_today_without_urgency_or_grade_points_is_served_through_another_sites_sim(
    solver, kinds, devices
):
    needs = [Need("today", "LY", kinds, "sim", waited_days=0, urgent=False)]
    items = [ItemStock("sim", "sim", "VL", HOLD + dt.timedelta(days=30))]
    result = plan(needs, devices, items, hold_until=HOLD, solver=solver)
    assert [(line.referral_id, line.item_id, line.item_transfer_from) for line in result.lines] == [
        ("today", "sim", "VL")
    ]
    assert result.unserved == []


@pytest.mark.django_db
def test_a_referral_accepted_today_gets_a_sim_of_another_site_in_the_plan(world):
    """The same through the database: submitted and accepted today, no device, the only SIM at Lyon."""
    Referral.objects.filter(pk=world["referral"].pk).update(
        device_kinds=[], urgency="normal", submitted_at=timezone.now()
    )
    Device.objects.update(status="parts")
    LineItem.objects.update(status="void")
    lyon = LineItemFactory(
        offer=OfferFactory(created_by=world["warehouse"]),
        site=world["ly"],
        expires_on=timezone.localdate() + dt.timedelta(days=90),
    )
    proposal = proposal_create(user=world["mediator"])
    assert [(line.referral_id, line.line_item_id) for line in proposal.lines.all()] == [(world["referral"].pk, lyon.pk)]
    assert proposal.unserved == []


def lexicographically_better(x, y) -> bool:
    """Serve more weight, then move less, then score more."""
    return (x[0], -x[1], x[2]) > (y[0], -y[1], y[2])


@pytest.mark.parametrize("b2, b3", list(itertools.product(range(5), range(5))) + [(37, 0), (0, 41), (12, 29)])
def test_the_lexicographic_weights_make_every_better_vector_strictly_cheaper(b2, b3):
    """Whatever the move cost (0..B2) and the tie-break score (0..B3), one level better is always cheaper."""
    w1, w2 = lexicographic_weights(None, b2, b3)
    vectors = list(itertools.product(range(3), sorted({0, 1, b2 // 2, b2}), sorted({0, 1, b3 // 2, b3})))
    vectors = [v for v in vectors if v[1] <= b2 and v[2] <= b3]

    def cost(v):
        return -w1 * v[0] + w2 * v[1] - v[2]

    for x, y in itertools.product(vectors, repeat=2):
        if lexicographically_better(x, y):
            assert cost(x) < cost(y), (x, y, w1, w2)
    # The bounds themselves: one more unit served outweighs every move and every tie-break; one move less
    # outweighs every tie-break.
    assert w1 > w2 * b2 + b3 and w2 > b3
