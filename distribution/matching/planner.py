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
from collections import Counter, defaultdict
from datetime import date

from distribution.matching.network import GRADE_POINTS, Scoring, build_network
from distribution.matching.solvers import WeightsTooLarge, solve_flow, solve_highs
from distribution.matching.types import (
    CONNECTIVITY_NEEDS,
    DEFAULT_URGENT_BONUS_DAYS,
    GRADES,
    ITEM_KINDS,
    DeviceStock,
    ItemStock,
    Need,
    Plan,
    PlanLine,
    Unserved,
)

SOLVERS = ("flow", "highs")
GRADE_ORDER = {grade: index for index, grade in enumerate(GRADES)}
CONNECTIVITY_WORDS = {"sim": "SIM", "topup": "voucher"}


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
    _validate(needs, devices, items)
    _validate_parameters(urgent_bonus_days, device_move_cost, item_move_cost)
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
    result = _make_plan(needs, devices, items, usable, assignment, scoring, hold_until, used_solver)
    result.build_seconds = built - started
    result.solve_seconds = solved - built
    result.notes = notes
    return result


def greedy_plan(
    needs: list[Need],
    devices: list[DeviceStock],
    items: list[ItemStock],
    *,
    hold_until: date,
    urgent_bonus_days: int = DEFAULT_URGENT_BONUS_DAYS,
    device_move_cost: int = 2,
    item_move_cost: int = 1,
) -> Plan:
    """Return the first-come baseline: by priority, each referral takes the best kit still available.

    Best kit: same site first, then better grade (then the order of its accepted kinds), and the line
    item from the same site first, then expiring soonest. A referral that cannot get its whole kit takes nothing.
    """
    _validate(needs, devices, items)
    _validate_parameters(urgent_bonus_days, device_move_cost, item_move_cost)
    started = time.perf_counter()
    usable = [item for item in items if item.expires_on >= hold_until]
    scoring = Scoring(
        needs,
        usable,
        urgent_bonus_days=urgent_bonus_days,
        device_move_cost=device_move_cost,
        item_move_cost=item_move_cost,
    )
    # Stacks popped from the end: the last element is the best of its bucket.
    device_buckets: dict[tuple[str, str, str], list[DeviceStock]] = defaultdict(list)
    for device in sorted(devices, key=lambda d: str(d.device_id), reverse=True):
        device_buckets[(device.kind, device.site, device.grade)].append(device)
    item_buckets: dict[tuple[str, str], list[ItemStock]] = defaultdict(list)
    for item in sorted(usable, key=lambda i: (i.expires_on, str(i.item_id)), reverse=True):
        item_buckets[(item.kind, item.site)].append(item)
    sites = sorted({d.site for d in devices} | {i.site for i in usable})
    order = sorted(needs, key=lambda n: (-n.priority_days(urgent_bonus_days), -n.waited_days, str(n.referral_id)))
    assignment = []
    for need in order:
        if not need.device_kinds and need.connectivity == "none":
            continue
        device_key = item_key = None
        if need.device_kinds:
            candidates = [
                (site != need.site, GRADE_ORDER[grade], position, site, kind, grade)
                for position, kind in enumerate(need.device_kinds)
                for site in sites
                for grade in GRADES
                if device_buckets.get((kind, site, grade))
            ]
            if not candidates:
                continue
            *_, site, kind, grade = min(candidates)
            device_key = (kind, site, grade)
        if need.connectivity != "none":
            candidates = [
                (site != need.site, item_buckets[(need.connectivity, site)][-1].expires_on, site)
                for site in sites
                if item_buckets.get((need.connectivity, site))
            ]
            if not candidates:
                continue
            item_key = (need.connectivity, min(candidates)[2])
        device = device_buckets[device_key].pop() if device_key else None
        item = item_buckets[item_key].pop() if item_key else None
        assignment.append((need, device, item))
    result = _make_plan(needs, devices, items, usable, assignment, scoring, hold_until, "greedy")
    result.solve_seconds = time.perf_counter() - started
    return result


def evaluate(assignment, scoring: Scoring) -> tuple[int, int, int]:
    """Return the objective vector (served weight, move cost, tie-break score) of concrete assignments."""
    served = moves = score = 0
    for need, device, item in assignment:
        served += scoring.weight(need)
        if device is not None:
            moves += scoring.device_move_cost if device.site != need.site else 0
            score += scoring.grade_score(need, device.grade)
        if item is not None:
            moves += scoring.item_move_cost if item.site != need.site else 0
            score += scoring.fefo_score(item)
    return served, moves, score


def _validate_parameters(urgent_bonus_days, device_move_cost, item_move_cost) -> None:
    # The lexicographic weights' proof needs whole, non-negative numbers.
    for name, value in (
        ("urgent_bonus_days", urgent_bonus_days),
        ("device_move_cost", device_move_cost),
        ("item_move_cost", item_move_cost),
    ):
        if not _is_count(value):
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _validate(needs, devices, items) -> None:
    for need in needs:
        if need.connectivity not in CONNECTIVITY_NEEDS:
            raise ValueError(f"referral {need.referral_id}: connectivity must be one of {CONNECTIVITY_NEEDS}")
        if not _is_count(need.waited_days):
            raise ValueError(f"referral {need.referral_id}: waited_days must be a whole number >= 0")
    for device in devices:
        if device.grade not in GRADE_ORDER:
            raise ValueError(f"device {device.device_id}: grade must be one of {GRADES}")
    for item in items:
        if item.kind not in ITEM_KINDS:
            raise ValueError(f"line item {item.item_id}: kind must be one of {ITEM_KINDS}")
    for label, ids in (
        ("referral", [n.referral_id for n in needs]),
        ("device", [d.device_id for d in devices]),
        ("line item", [i.item_id for i in items]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"the same {label} is listed twice")


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


def _make_plan(needs, devices, items, usable, assignment, scoring, hold_until, solver) -> Plan:
    lines = []
    device_moves = item_moves = 0
    served_priority = 0
    for need, device, item in assignment:
        priority = need.priority_days(scoring.urgent_bonus_days)
        served_priority += priority
        why = {"waited_days": need.waited_days, "urgent": need.urgent, "priority_days": priority}
        parts = []
        transfer_from = item_transfer_from = None
        if device is not None:
            same = device.site == need.site
            transfer_from = None if same else device.site
            device_moves += 0 if same else 1
            why.update(same_site=same, kind=device.kind, grade=device.grade, transfer_from=transfer_from)
            parts.append(f"{device.kind} grade {device.grade}, " + ("same site" if same else f"from {device.site}"))
        if item is not None:
            same = item.site == need.site
            item_transfer_from = None if same else item.site
            item_moves += 0 if same else 1
            why.update(
                item_kind=item.kind,
                item_expires_on=item.expires_on.isoformat(),
                item_same_site=same,
                item_transfer_from=item_transfer_from,
            )
            word = CONNECTIVITY_WORDS[item.kind]
            where = "same site" if same else f"from {item.site}"
            parts.append(f"{word} expiring {item.expires_on.isoformat()}, {where}")
        parts.append(f"waited {need.waited_days} days" + (", urgent" if need.urgent else ""))
        lines.append(
            PlanLine(
                referral_id=need.referral_id,
                device_id=device.device_id if device is not None else None,
                item_id=item.item_id if item is not None else None,
                transfer_from=transfer_from,
                item_transfer_from=item_transfer_from,
                why=why,
                text="; ".join(parts),
            )
        )
    served_ids = {need.referral_id for need, _d, _i in assignment}
    stock = _StockCounts(devices, items, usable, hold_until, assignment, scoring)
    unserved = [_unserved(need, stock, scoring, hold_until) for need in needs if need.referral_id not in served_ids]
    return Plan(
        lines=lines,
        unserved=unserved,
        served_priority=served_priority,
        objective=evaluate(assignment, scoring),
        device_moves=device_moves,
        item_moves=item_moves,
        solver=solver,
    )


class _StockCounts:
    """How much of each kind the network holds, how much the plan leaves, and the least priority it serves."""

    def __init__(self, devices, items, usable, hold_until, assignment, scoring):
        self.devices = Counter(d.kind for d in devices)
        self.items = Counter(i.kind for i in usable)
        self.expiring = Counter(i.kind for i in items if i.expires_on < hold_until)
        self.devices_left = self.devices.copy()
        self.items_left = self.items.copy()
        # Per kind, the lowest priority among the referrals the plan gives stock of that kind to.
        self.least_device_priority: dict[str, int] = {}
        self.least_item_priority: dict[str, int] = {}
        for need, device, item in assignment:
            priority = need.priority_days(scoring.urgent_bonus_days)
            for thing, left, least in (
                (device, self.devices_left, self.least_device_priority),
                (item, self.items_left, self.least_item_priority),
            ):
                if thing is not None:
                    left[thing.kind] -= 1
                    least[thing.kind] = min(least.get(thing.kind, priority), priority)


def _unserved(need, stock: _StockCounts, scoring, hold_until) -> Unserved:
    """Say why ``need`` is left waiting: no stock that fits anywhere, or fitting stock went to others."""
    priority = need.priority_days(scoring.urgent_bonus_days)
    why = {"waited_days": need.waited_days, "urgent": need.urgent, "priority_days": priority}
    if not need.device_kinds and need.connectivity == "none":
        return Unserved(need.referral_id, "nothing_requested", why, "asks for neither a device nor connectivity")
    fitting_devices = sum(stock.devices[kind] for kind in set(need.device_kinds))
    if need.device_kinds:
        why.update(device_kinds=list(need.device_kinds), fitting_devices=fitting_devices)
    if need.connectivity != "none":
        why.update(
            connectivity=need.connectivity,
            fitting_items=stock.items[need.connectivity],
            expiring_before_hold=stock.expiring[need.connectivity],
        )
    if need.device_kinds and not fitting_devices:
        kinds_text = " or ".join(need.device_kinds)
        return Unserved(need.referral_id, "no_fitting_device_anywhere", why, f"no {kinds_text} in stock on any site")
    if need.connectivity != "none" and not why["fitting_items"]:
        word = CONNECTIVITY_WORDS[need.connectivity]
        text = f"no {word} valid until {hold_until.isoformat()} on any site"
        if why["expiring_before_hold"]:
            text += f" ({why['expiring_before_hold']} expire before then)"
        return Unserved(need.referral_id, "no_fitting_connectivity_anywhere", why, text)
    # Fitting stock exists but the plan gives it to others: what ran out, and the least priority it serves.
    short_of = []
    served_priorities = []
    kinds = set(need.device_kinds)
    if kinds and not any(stock.devices_left[kind] for kind in kinds):
        short_of.append("device")
        served_priorities += [stock.least_device_priority[k] for k in kinds if k in stock.least_device_priority]
    if need.connectivity != "none" and not stock.items_left[need.connectivity]:
        short_of.append("connectivity")
        if need.connectivity in stock.least_item_priority:
            served_priorities.append(stock.least_item_priority[need.connectivity])
    least = min(served_priorities, default=None)
    why.update(short_of=short_of, least_priority_served_instead=least)
    text = f"fitting {' and '.join(short_of) or 'stock'} went to referrals of greater total priority"
    if least is not None:
        text += f" (the least of them {least} days)"
    return Unserved(need.referral_id, "outranked", why, text)
