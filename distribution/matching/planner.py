"""Plan kits for every waiting referral of the network at once, optimally.

The plan is lexicographically optimal over concrete assignments (one device and/or one line item per
referral, each used at most once, a referral needing a device and connectivity served with both or neither):

1. serve the greatest total weight, a referral weighing its priority days + 1, where priority days are the
   days waited plus ``urgent_bonus_days`` when urgent. The + 1 makes a referral accepted today worth serving
   (it would weigh 0 otherwise, and could be left out to save a move), and among equal sums of days it
   prefers serving more people;
2. then the least move cost: a device taken from another site than the referral's costs
   ``device_move_cost`` (2), a SIM or voucher from another site ``item_move_cost`` (1). Line items move
   like devices, but one fits in an envelope while a device needs a box and a trip, so moving one device
   weighs as much as moving two SIMs;
3. then the greatest tie-break score: Σ grade points (PREMIUM 4 … D 0) × priority rank of the referral
   (dense rank of priority days, lowest 1), which the rearrangement inequality maximises by giving the
   better grades to the longest-waiting, plus Σ FEFO points of the line items used (the number of later
   distinct expiry dates of that kind), which uses the soonest-expiring first.

A line item is usable only if it does not expire before ``hold_until`` (the allocation's hold date).

Why a min-cost flow, and why OR-Tools by default. Grouping (see ``network``) gives a network of about 1,500
nodes and 50,000 arcs at network scale, whose matrix is totally unimodular: the "both or neither" coupling is a
path source → device → referral → line item → sink, so no integer program is needed. Both solvers were
measured by ``bench/matching_solver.py`` on 10,000 referrals, 10,000 devices and 8,000 line items over 8 sites
(CPU time of the process, the machine being shared): building the model takes 0.08 s, OR-Tools'
``SimpleMinCostFlow``, one solve of the weighted objective, 0.12 s; HiGHS through SciPy, three sequential
LPs (dual simplex), 1.0 s for the same optimum, and 30 s as MILPs, hence LPs. ``flow`` is
the default; when its proven weights would overflow 64 bits (priorities of many thousands of days), the
planner falls back to ``highs`` and says so in ``Plan.notes``. ``solver="highs"`` selects HiGHS outright;
the tests hold both to the brute-force optimum.
"""

import time
from collections import defaultdict
from datetime import date

from distribution.matching.explain import build_plan
from distribution.matching.network import GRADE_POINTS, Scoring, build_network
from distribution.matching.solvers import WeightsTooLarge, solve_flow, solve_highs
from distribution.matching.types import (
    DEFAULT_URGENT_BONUS_DAYS,
    GRADE_ORDER,
    DeviceStock,
    ItemStock,
    Need,
    Plan,
    check_instance,
    check_parameters,
)

SOLVERS = ("flow", "highs")


def plan(
    needs: list[Need],
    devices: list[DeviceStock],
    items: list[ItemStock],
    *,
    hold_until: date,
    urgent_bonus_days: int = DEFAULT_URGENT_BONUS_DAYS,
    device_move_cost: int = 2,
    item_move_cost: int = 1,
    solver: str = "flow",
) -> Plan:
    """Return the lexicographically optimal plan for ``needs`` from the given stock.

    ``hold_until`` is the date an allocation made today would be held until (today + the hold days): a line
    item expiring before it is not used. Raise ``ValueError`` on malformed input, before any work.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {SOLVERS}")
    check_instance(needs, devices, items)
    check_parameters(urgent_bonus_days, device_move_cost, item_move_cost)
    started = time.perf_counter()
    usable = [item for item in items if item.expires_on >= hold_until]
    scoring = Scoring(
        needs,
        usable,
        urgent_bonus_days=urgent_bonus_days,
        device_move_cost=device_move_cost,
        item_move_cost=item_move_cost,
    )
    net = build_network(needs, devices, usable, scoring)
    built = time.perf_counter()
    notes = []
    used_solver = solver
    if solver == "flow":
        b2, b3 = _bounds(needs, devices, usable, scoring)
        try:
            flows = solve_flow(net, b2, b3)
        except WeightsTooLarge as error:
            notes.append(f"flow solver skipped ({error}); solved with highs")
            used_solver = "highs"
            flows = solve_highs(net)
    else:
        flows = solve_highs(net)
    solved = time.perf_counter()
    assignment = _decode(net, flows)
    result = build_plan(needs, devices, items, usable, assignment, scoring, hold_until, used_solver)
    result.build_seconds = built - started
    result.solve_seconds = solved - built
    result.notes = notes
    return result


def _bounds(needs, devices, usable, scoring: Scoring) -> tuple[int, int]:
    """Upper bounds of the move cost and of the tie-break score over every feasible plan."""
    device_needs = [n for n in needs if n.device_kinds]
    item_needs = [n for n in needs if n.connectivity != "none"]
    max_devices = min(len(device_needs), len(devices))
    max_items = min(len(item_needs), len(usable))
    b2 = scoring.device_move_cost * max_devices + scoring.item_move_cost * max_items
    # Grade part: no matching of devices to referrals beats pairing the sorted points with the sorted ranks.
    points = sorted((GRADE_POINTS[d.grade] for d in devices), reverse=True)
    ranks = sorted((scoring.rank[n.priority_days(scoring.urgent_bonus_days)] for n in device_needs), reverse=True)
    b3 = sum(p * r for p, r in zip(points, ranks, strict=False))
    # FEFO part: the items with the most points, one per referral at most.
    fefo = sorted((scoring.fefo_score(item) for item in usable), reverse=True)
    b3 += sum(fefo[:max_items])
    return b2, b3


def _decode(net, flows) -> list[tuple[Need, DeviceStock | None, ItemStock | None]]:
    """Turn the flow into concrete (need, device, item) triples.

    A class serves, per priority, as many members as its serve arc carries (the longest-waiting first among
    equal priorities), and pairs the devices it received best grade first with its members by priority:
    the sorted pairing that the threshold chain scores. The other choices are free for the objective and
    only add courtesy: local stock goes to the highest priorities first.
    """
    serving: dict[int, list[tuple[int, Need]]] = defaultdict(list)
    for arc, group, priority, _hub in net.serve_arcs:
        amount = int(flows[arc])
        if amount:
            members = sorted(
                net.classes[group].by_priority[priority], key=lambda n: (-n.waited_days, str(n.referral_id))
            )
            serving[group].extend((priority, need) for need in members[:amount])
    top = {group: max(priority for priority, _n in served) for group, served in serving.items()}

    # Devices: group → hub (taking devices by id), hub → classes with the highest priorities first.
    dgroup_left = [list(members) for *_key, members in net.dgroups]
    hub_bag: list[list[DeviceStock]] = [[] for _ in net.dhubs]
    for arc, group, hub in net.dev_move_arcs:
        amount = int(flows[arc])
        if amount:
            hub_bag[hub].extend(dgroup_left[group][:amount])
            del dgroup_left[group][:amount]
    for hub, bag in enumerate(hub_bag):
        site = net.dhubs[hub][1]
        bag.sort(key=lambda d: (d.site != site, str(d.device_id)), reverse=True)
    got_devices: dict[int, list[DeviceStock]] = defaultdict(list)
    for arc, hub, group in sorted(net.dev_take_arcs, key=lambda t: -top.get(t[2], 0)):
        for _ in range(int(flows[arc])):
            got_devices[group].append(hub_bag[hub].pop())

    # Line items: expiry group → pool (by id), pool → hub, hub → the classes it serves.
    pool_bag: list[list[ItemStock]] = [[] for _ in net.pools]
    for arc, pool, group in net.item_take_arcs:
        pool_bag[pool].extend(net.igroups[group][3][: int(flows[arc])])
    for bag in pool_bag:
        bag.sort(key=lambda i: (i.expires_on, str(i.item_id)), reverse=True)
    ihub_bag: list[list[ItemStock]] = [[] for _ in net.ihubs]
    for arc, hub, pool in net.item_move_arcs:
        for _ in range(int(flows[arc])):
            ihub_bag[hub].append(pool_bag[pool].pop())
    for hub, bag in enumerate(ihub_bag):
        site = net.ihubs[hub][1]
        bag.sort(key=lambda i: (i.site != site, i.expires_on, str(i.item_id)), reverse=True)

    ihub_index = {key: index for index, key in enumerate(net.ihubs)}
    assignment = []
    for group in sorted(serving, key=lambda g: -top[g]):
        rclass = net.classes[group]
        served = sorted(serving[group], key=lambda pair: (-pair[0], -pair[1].waited_days, str(pair[1].referral_id)))
        devices = sorted(got_devices.get(group, []), key=lambda d: (GRADE_ORDER[d.grade], d.site != rclass.site))
        item_bag = ihub_bag[ihub_index[(rclass.connectivity, rclass.site)]] if rclass.connectivity != "none" else None
        for position, (_priority, need) in enumerate(served):
            device = devices[position] if rclass.kinds else None
            item = item_bag.pop() if item_bag is not None else None
            assignment.append((need, device, item))
    return assignment
