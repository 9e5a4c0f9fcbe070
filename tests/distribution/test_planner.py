"""The matching planner: optimal against brute force, never worse than greedy, both solvers agree, reasons right."""

import random
from datetime import date, timedelta

import pytest

from distribution.matching import GRADES, DeviceStock, ItemStock, Need, greedy_plan, plan

HOLD = date(2026, 12, 10)
KINDS = ("laptop", "tablet", "smartphone")
GRADE_POINTS = {"PREMIUM": 4, "A": 3, "B": 2, "C": 1, "D": 0}


# --- An independent statement of the objective, written from the issue, not from the planner's code. ---


def objective(assignment, needs, items, *, bonus=30, device_move=2, item_move=1):
    """(served weight, move cost, tie-break score) of concrete (need, device, item) triples."""
    priority = {n.referral_id: n.waited_days + (bonus if n.urgent else 0) for n in needs}
    ranks = {value: position + 1 for position, value in enumerate(sorted(set(priority.values())))}
    usable = [i for i in items if i.expires_on >= HOLD]
    fefo = {}
    for kind in ("sim", "topup"):
        dates = sorted({i.expires_on for i in usable if i.kind == kind})
        for day in dates:
            fefo[(kind, day)] = sum(1 for other in dates if other > day)
    served = moves = score = 0
    for need, device, item in assignment:
        served += priority[need.referral_id] + 1
        if device is not None:
            moves += device_move * (device.site != need.site)
            score += GRADE_POINTS[device.grade] * ranks[priority[need.referral_id]]
        if item is not None:
            moves += item_move * (item.site != need.site)
            score += fefo[(item.kind, item.expires_on)]
    return served, moves, score


def better(a, b) -> bool:
    """True when objective vector ``a`` is lexicographically better than ``b``."""
    return (a[0], -a[1], a[2]) > (b[0], -b[1], b[2])


def brute_force_best(needs, devices, items):
    """Enumerate every feasible assignment and return the best objective vector."""
    usable = [i for i in items if i.expires_on >= HOLD]
    best = (0, 0, 0)

    def options(need, used_devices, used_items):
        device_choices = [d for d in devices if d.kind in need.device_kinds and d.device_id not in used_devices]
        item_choices = [i for i in usable if i.kind == need.connectivity and i.item_id not in used_items]
        if not need.device_kinds:
            device_choices = [None]
        if need.connectivity == "none":
            item_choices = [None]
        if not need.device_kinds and need.connectivity == "none":
            return []
        return [(d, i) for d in device_choices for i in item_choices]

    def walk(index, chosen, used_devices, used_items):
        nonlocal best
        if index == len(needs):
            value = objective(chosen, needs, items)
            if better(value, best):
                best = value
            return
        walk(index + 1, chosen, used_devices, used_items)
        need = needs[index]
        for device, item in options(need, used_devices, used_items):
            walk(
                index + 1,
                [*chosen, (need, device, item)],
                used_devices | ({device.device_id} if device else set()),
                used_items | ({item.item_id} if item else set()),
            )

    walk(0, [], frozenset(), frozenset())
    return best


def check_feasible(result, needs, devices, items):
    """Assert the plan is a real assignment and return its triples."""
    by_need = {n.referral_id: n for n in needs}
    by_device = {d.device_id: d for d in devices}
    by_item = {i.item_id: i for i in items}
    device_ids = [line.device_id for line in result.lines if line.device_id is not None]
    item_ids = [line.item_id for line in result.lines if line.item_id is not None]
    assert len(device_ids) == len(set(device_ids)), "a device is given twice"
    assert len(item_ids) == len(set(item_ids)), "a line item is given twice"
    referral_ids = [line.referral_id for line in result.lines] + [u.referral_id for u in result.unserved]
    assert sorted(map(str, referral_ids)) == sorted(str(n.referral_id) for n in needs)
    triples = []
    for line in result.lines:
        need = by_need[line.referral_id]
        device = by_device.get(line.device_id)
        item = by_item.get(line.item_id)
        # Both or neither: a served referral gets exactly what it needs.
        assert (device is not None) == bool(need.device_kinds)
        assert (item is not None) == (need.connectivity != "none")
        if device is not None:
            assert device.kind in need.device_kinds
            assert line.transfer_from == (None if device.site == need.site else device.site)
        if item is not None:
            assert item.kind == need.connectivity
            assert item.expires_on >= HOLD
        triples.append((need, device, item))
    return triples


def random_instance(rng, referrals, devices, items, sites):
    codes = ["LY", "VL", "GR"][:sites]
    needs = []
    for n in range(referrals):
        kinds = tuple(rng.sample(KINDS, rng.choice((0, 1, 1, 2))))
        connectivity = rng.choice(("none", "sim", "topup")) if kinds else rng.choice(("sim", "topup", "none"))
        needs.append(Need(f"r{n}", rng.choice(codes), kinds, connectivity, rng.randrange(0, 6), rng.random() < 0.2))
    stock = [DeviceStock(f"d{n}", rng.choice(KINDS), rng.choice(codes), rng.choice(GRADES)) for n in range(devices)]
    lines = [
        ItemStock(f"i{n}", rng.choice(("sim", "topup")), rng.choice(codes), HOLD + timedelta(days=rng.randrange(-3, 4)))
        for n in range(items)
    ]
    return needs, stock, lines


# --- Optimality ---


@pytest.mark.parametrize("solver", ["flow", "highs"])
def test_plan_matches_brute_force_optimum_on_250_small_random_instances(solver):
    rng = random.Random(20261126)
    for _ in range(250):
        instance = random_instance(rng, rng.randint(1, 5), rng.randint(0, 5), rng.randint(0, 4), rng.randint(2, 3))
        result = plan(*instance, hold_until=HOLD, solver=solver)
        triples = check_feasible(result, *instance)
        assert objective(triples, instance[0], instance[2]) == result.objective
        assert result.objective == brute_force_best(*instance), instance


def test_optimal_plan_swaps_kinds_where_greedy_leaves_someone_unserved():
    needs = [
        Need("A", "LY", ("laptop", "tablet"), waited_days=40),
        Need("B", "LY", ("tablet",), waited_days=10),
    ]
    # The tablet is the better grade, so a first-come pass hands it to A.
    devices = [DeviceStock("tab", "tablet", "LY", "A"), DeviceStock("lap", "laptop", "LY", "C")]
    greedy = greedy_plan(needs, devices, [], hold_until=HOLD)
    assert [(line.referral_id, line.device_id) for line in greedy.lines] == [("A", "tab")]
    assert [(u.referral_id, u.code) for u in greedy.unserved] == [("B", "outranked")]
    for solver in ("flow", "highs"):
        result = plan(needs, devices, [], hold_until=HOLD, solver=solver)
        assert {(line.referral_id, line.device_id) for line in result.lines} == {("A", "lap"), ("B", "tab")}
        assert result.unserved == []
        assert result.served_priority == 50


def test_better_grades_go_to_the_longest_waiting():
    needs = [Need(f"r{days}", "LY", ("laptop",), waited_days=days) for days in (3, 90, 30)]
    devices = [DeviceStock(grade, "laptop", "LY", grade) for grade in ("C", "PREMIUM", "A")]
    result = plan(needs, devices, [], hold_until=HOLD)
    assert {line.referral_id: line.device_id for line in result.lines} == {"r90": "PREMIUM", "r30": "A", "r3": "C"}


def test_same_site_stock_is_used_before_moving_any():
    needs = [Need("r", "LY", ("laptop",), "sim", waited_days=5)]
    devices = [DeviceStock("far", "laptop", "VL", "PREMIUM"), DeviceStock("near", "laptop", "LY", "D")]
    items = [
        ItemStock("far-sim", "sim", "VL", HOLD + timedelta(days=1)),
        ItemStock("sim", "sim", "LY", HOLD + timedelta(days=300)),
    ]
    result = plan(needs, devices, items, hold_until=HOLD)
    (line,) = result.lines
    assert (line.device_id, line.item_id, line.transfer_from, line.item_transfer_from) == ("near", "sim", None, None)
    assert result.moves == 0


def test_sims_expiring_soonest_are_used_first():
    needs = [Need("r", "LY", (), "sim", waited_days=5)]
    items = [ItemStock(f"s{n}", "sim", "LY", HOLD + timedelta(days=n)) for n in (30, 2, 9)]
    (line,) = plan(needs, [], items, hold_until=HOLD).lines
    assert line.item_id == "s2"


def test_a_transfer_is_made_when_it_is_the_only_way_to_serve():
    needs = [Need("r", "LY", ("tablet",), waited_days=5)]
    result = plan(needs, [DeviceStock("t", "tablet", "GR", "B")], [], hold_until=HOLD)
    (line,) = result.lines
    assert line.transfer_from == "GR"
    assert line.why == {
        "waited_days": 5,
        "urgent": False,
        "priority_days": 5,
        "same_site": False,
        "kind": "tablet",
        "grade": "B",
        "transfer_from": "GR",
    }
    assert line.text == "tablet grade B, from GR; waited 5 days"
    assert (result.device_moves, result.item_moves) == (1, 0)


# --- Both or nothing, connectivity ---


def test_referral_needing_device_and_sim_without_any_sim_is_unserved_and_its_device_goes_to_another():
    needs = [
        Need("both", "LY", ("laptop",), "sim", waited_days=200, urgent=True),
        Need("device-only", "LY", ("laptop",), "none", waited_days=1),
    ]
    devices = [DeviceStock("lap", "laptop", "LY", "A")]
    items = [ItemStock("voucher", "topup", "LY", HOLD + timedelta(days=30))]
    for solver in ("flow", "highs"):
        result = plan(needs, devices, items, hold_until=HOLD, solver=solver)
        assert [(line.referral_id, line.device_id, line.item_id) for line in result.lines] == [
            ("device-only", "lap", None)
        ]
        (unserved,) = result.unserved
        assert (unserved.referral_id, unserved.code) == ("both", "no_fitting_connectivity_anywhere")
        assert unserved.why["fitting_items"] == 0


def test_connectivity_only_referral_gets_just_a_line_item():
    needs = [Need("sim-only", "LY", (), "sim", waited_days=3), Need("topup-only", "LY", (), "topup", waited_days=3)]
    devices = [DeviceStock("lap", "laptop", "LY", "A")]
    items = [ItemStock("s", "sim", "LY", HOLD), ItemStock("v", "topup", "LY", HOLD + timedelta(days=5))]
    result = plan(needs, devices, items, hold_until=HOLD)
    got = {line.referral_id: (line.device_id, line.item_id) for line in result.lines}
    assert got == {"sim-only": (None, "s"), "topup-only": (None, "v")}
    assert result.lines[0].why["item_expires_on"] in {HOLD.isoformat(), (HOLD + timedelta(days=5)).isoformat()}


def test_line_items_expiring_before_the_hold_date_are_never_used():
    needs = [Need(f"r{n}", "LY", (), "sim", waited_days=n) for n in range(3)]
    items = [
        ItemStock("expired", "sim", "LY", HOLD - timedelta(days=1)),
        ItemStock("valid", "sim", "LY", HOLD),
    ]
    for solver in ("flow", "highs"):
        result = plan(needs, [], items, hold_until=HOLD, solver=solver)
        assert [(line.referral_id, line.item_id) for line in result.lines] == [("r2", "valid")]
        assert {u.code for u in result.unserved} == {"outranked"}
    alone = plan(needs[:1], [], items[:1], hold_until=HOLD)
    (unserved,) = alone.unserved
    assert unserved.code == "no_fitting_connectivity_anywhere"
    assert unserved.why["expiring_before_hold"] == 1
    assert "expire before then" in unserved.text


def test_greedy_never_uses_an_expired_line_item_either():
    rng = random.Random(3)
    for _ in range(30):
        needs, devices, items = random_instance(rng, 6, 4, 5, 2)
        check_feasible(greedy_plan(needs, devices, items, hold_until=HOLD), needs, devices, items)


# --- Unserved reasons ---


def test_unserved_reasons_name_what_is_missing():
    needs = [
        Need("no-desktop", "LY", ("desktop",), waited_days=9),
        Need("no-voucher", "LY", ("laptop",), "topup", waited_days=9),
        Need("outranked", "LY", ("laptop",), waited_days=2),
        Need("served", "LY", ("laptop",), waited_days=8),
        Need("nothing", "LY", (), "none", waited_days=8),
    ]
    devices = [DeviceStock("lap", "laptop", "LY", "B")]
    result = plan(needs, devices, [], hold_until=HOLD)
    assert [line.referral_id for line in result.lines] == ["served"]
    codes = {u.referral_id: u.code for u in result.unserved}
    assert codes == {
        "no-desktop": "no_fitting_device_anywhere",
        "no-voucher": "no_fitting_connectivity_anywhere",
        "outranked": "outranked",
        "nothing": "nothing_requested",
    }
    outranked = next(u for u in result.unserved if u.referral_id == "outranked")
    assert outranked.why == {
        "waited_days": 2,
        "urgent": False,
        "priority_days": 2,
        "device_kinds": ["laptop"],
        "fitting_devices": 1,
        "short_of": ["device"],
        "least_priority_served_instead": 8,
    }
    assert outranked.text == "fitting device went to referrals of greater total priority (the least of them 8 days)"


def test_outranked_can_mean_two_referrals_weigh_more_than_one():
    needs = [
        Need("kit", "LY", ("laptop",), "sim", waited_days=10),
        Need("laptop-only", "LY", ("laptop",), waited_days=6),
        Need("sim-only", "LY", (), "sim", waited_days=6),
    ]
    devices = [DeviceStock("lap", "laptop", "LY", "A")]
    items = [ItemStock("sim", "sim", "LY", HOLD)]
    result = plan(needs, devices, items, hold_until=HOLD)
    assert {line.referral_id for line in result.lines} == {"laptop-only", "sim-only"}
    (unserved,) = result.unserved
    assert (unserved.referral_id, unserved.code) == ("kit", "outranked")
    assert unserved.why["short_of"] == ["device", "connectivity"]
    assert unserved.why["least_priority_served_instead"] == 6


def test_urgency_bonus_outranks_days_waited_and_is_a_parameter():
    needs = [
        Need("waited", "LY", ("laptop",), waited_days=20),
        Need("urgent", "LY", ("laptop",), waited_days=1, urgent=True),
    ]
    devices = [DeviceStock("lap", "laptop", "LY", "B")]
    assert [line.referral_id for line in plan(needs, devices, [], hold_until=HOLD).lines] == ["urgent"]
    lines = plan(needs, devices, [], hold_until=HOLD, urgent_bonus_days=10).lines
    assert [line.referral_id for line in lines] == ["waited"]


def test_a_referral_accepted_today_is_still_served_even_if_stock_must_move():
    result = plan([Need("today", "LY", ("laptop",))], [DeviceStock("lap", "laptop", "VL", "A")], [], hold_until=HOLD)
    assert [(line.referral_id, line.transfer_from) for line in result.lines] == [("today", "VL")]


# --- Larger instances: greedy baseline, solver agreement ---


def large_instance(rng, referrals=200):
    codes = ["LY", "VL", "GR", "ST"]
    needs = []
    for n in range(referrals):
        kinds = tuple(rng.sample(KINDS, rng.choice((0, 1, 1, 2, 2))))
        connectivity = rng.choice(("none", "sim", "topup")) if kinds else rng.choice(("sim", "topup"))
        needs.append(Need(n, rng.choice(codes), kinds, connectivity, rng.randrange(0, 120), rng.random() < 0.1))
    devices = [
        DeviceStock(n, rng.choice(KINDS), rng.choice(codes), rng.choice(GRADES)) for n in range(rng.randint(80, 200))
    ]
    items = [
        ItemStock(n, rng.choice(("sim", "topup")), rng.choice(codes), HOLD + timedelta(days=rng.randrange(-20, 90)))
        for n in range(rng.randint(60, 160))
    ]
    return needs, devices, items


def test_optimal_plan_is_never_worse_than_greedy_on_50_instances_of_200_referrals():
    rng = random.Random(11)
    strictly_better = 0
    for _ in range(50):
        needs, devices, items = large_instance(rng)
        optimal = plan(needs, devices, items, hold_until=HOLD)
        greedy = greedy_plan(needs, devices, items, hold_until=HOLD)
        check_feasible(optimal, needs, devices, items)
        check_feasible(greedy, needs, devices, items)
        assert not better(greedy.objective, optimal.objective)
        assert optimal.served_priority >= greedy.served_priority
        # An optimal plan never leaves someone waiting while a whole kit for them is left over.
        assert all(u.why["short_of"] for u in optimal.unserved if u.code == "outranked")
        strictly_better += better(optimal.objective, greedy.objective)
    assert strictly_better > 0  # the instances are contested enough for the comparison to mean something


def test_both_solvers_reach_the_same_objective_on_random_instances():
    rng = random.Random(5)
    for _ in range(25):
        needs, devices, items = large_instance(rng, referrals=rng.randint(50, 250))
        flow = plan(needs, devices, items, hold_until=HOLD, solver="flow")
        highs = plan(needs, devices, items, hold_until=HOLD, solver="highs")
        assert (flow.solver, highs.solver) == ("flow", "highs")
        check_feasible(flow, needs, devices, items)
        check_feasible(highs, needs, devices, items)
        assert flow.objective == highs.objective
        assert objective(check_feasible(flow, needs, devices, items), needs, items) == flow.objective


def test_flow_solver_hands_over_to_highs_when_its_weights_would_overflow():
    rng = random.Random(8)
    needs, devices, items = large_instance(rng)
    # Priorities of a billion days make the proven weights exceed 64 bits.
    huge = [Need(n.referral_id, n.site, n.device_kinds, n.connectivity, n.waited_days * 10**9, n.urgent) for n in needs]
    result = plan(huge, devices, items, hold_until=HOLD, solver="flow")
    assert result.solver == "highs"
    assert "overflow" in result.notes[0]
    assert result.objective == plan(huge, devices, items, hold_until=HOLD, solver="highs").objective


# --- Input checks ---


@pytest.mark.parametrize(
    "needs, devices, items, message",
    [
        ([Need("r", "LY", ("laptop",), "wifi")], [], [], "connectivity"),
        ([], [DeviceStock("d", "laptop", "LY", "E")], [], "grade"),
        ([], [], [ItemStock("i", "hotspot", "LY", HOLD)], "kind"),
        ([Need("r", "LY", ("laptop",)), Need("r", "VL", ("laptop",))], [], [], "twice"),
        ([Need("r", "LY", ("laptop",), waited_days=-2)], [], [], "waited_days"),
        ([Need("r", "LY", ("laptop",), waited_days=2.5)], [], [], "waited_days"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(needs, devices, items, message):
    with pytest.raises(ValueError, match=message):
        plan(needs, devices, items, hold_until=HOLD)


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"device_move_cost": -1}, "device_move_cost"),
        ({"item_move_cost": 0.5}, "item_move_cost"),
        ({"urgent_bonus_days": -30}, "urgent_bonus_days"),
    ],
)
def test_negative_or_fractional_parameters_are_refused(parameters, message):
    with pytest.raises(ValueError, match=message):
        plan([], [], [], hold_until=HOLD, **parameters)
    with pytest.raises(ValueError, match=message):
        greedy_plan([], [], [], hold_until=HOLD, **parameters)


def test_unknown_solver_is_refused():
    with pytest.raises(ValueError, match="unknown solver"):
        plan([], [], [], hold_until=HOLD, solver="simplex")


def test_empty_instance_gives_an_empty_plan():
    result = plan([], [], [], hold_until=HOLD)
    assert (result.lines, result.unserved, result.objective) == ([], [], (0, 0, 0))


def test_model_size_follows_the_groups_not_the_number_of_referrals():
    from distribution.matching.network import Scoring, build_network

    rng = random.Random(2)
    needs, devices, items = large_instance(rng, referrals=3000)
    usable = [i for i in items if i.expires_on >= HOLD]
    scoring = Scoring(needs, usable, urgent_bonus_days=30, device_move_cost=2, item_move_cost=1)
    net = build_network(needs, devices, usable, scoring)
    # 4 sites × (kind sets) × connectivity needs classes, 5 chain nodes each at most, plus stock hubs.
    assert len(net.classes) <= 4 * 7 * 3
    assert net.num_nodes < 700
    result = plan(needs, devices, items, hold_until=HOLD)
    assert result.served + len(result.unserved) == 3000
