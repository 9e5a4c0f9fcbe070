"""Group the instance and build the flow network the solvers share.

Interchangeable things are grouped so that the model stays small at network scale: devices by
(kind, site, grade), line items by (kind, site, expiry), referrals in classes by (site, accepted kinds,
connectivity need), with one arc per distinct priority inside a class. One unit of flow is one referral served:

    source ─▶ device group (kind, site, grade)
           ─▶ device hub (kind, referral's site, grade)          move cost when the sites differ
           ─▶ class chain level[grade points] ─▶ … ─▶ level[0]   ranks of the served (grade tie-break)
           ─▶ serve arc, one per priority in the class           weight = priority days + 1, per referral
           ─▶ item hub (need, referral's site)                  (the sink when no connectivity is needed)
           ─▶ item pool (need, item's site)                     move cost when the sites differ
           ─▶ sink, one parallel arc per expiry group            FEFO points
    source ─▶ serve arcs                                        for connectivity-only classes
    source ─▶ sink                                              bypass: serving nobody is feasible

A referral's flow crosses exactly one device arc and one item arc (or none of the kind it does not need),
so "device and connectivity both or neither" is flow conservation, not a side constraint: the model is a
pure min-cost flow, its matrix totally unimodular, every vertex of the LP relaxation integral.

"Better grades for the longest-waiting" is the score Σ grade points × priority rank, which the sorted pairing
maximises (rearrangement inequality). For a class receiving devices, write points = Σ_{t=1..4} [points >= t]:
the sorted pairing scores Σ_t R(N_t), where N_t counts the devices of points >= t and R(m) sums the m highest
ranks of the class. R is concave, so it is a chain level[4] ─▶ level[3] ─▶ … ─▶ level[0] of parallel arcs, one
per priority of the class with its count as capacity and its rank as reward; a device of points g enters at
level[g]. The solver fills the highest ranks first, exactly R(N_t). The members a class serves are its highest
priorities (any other choice loses weight), so these ranks are the served ones'.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from distribution.matching.types import GRADES, DeviceStock, ItemStock, Need

GRADE_POINTS = {grade: len(GRADES) - 1 - index for index, grade in enumerate(GRADES)}  # PREMIUM 4 … D 0


class Scoring:
    """The per-unit scores of the three objective levels, shared by the model and the checker."""

    def __init__(self, needs, items_usable, *, urgent_bonus_days, device_move_cost, item_move_cost):
        self.urgent_bonus_days = urgent_bonus_days
        self.device_move_cost = device_move_cost
        self.item_move_cost = item_move_cost
        priorities = sorted({need.priority_days(urgent_bonus_days) for need in needs})
        # Dense rank, lowest priority 1: grade points are multiplied by it.
        self.rank = {priority: index + 1 for index, priority in enumerate(priorities)}
        dates: dict[str, set] = defaultdict(set)
        for item in items_usable:
            dates[item.kind].add(item.expires_on)
        # FEFO points: how many distinct later expiry dates of the same kind; the soonest scores most.
        self.fefo = {}
        for kind, kind_dates in dates.items():
            ordered = sorted(kind_dates, reverse=True)
            for index, day in enumerate(ordered):
                self.fefo[(kind, day)] = index

    def weight(self, need: Need) -> int:
        return need.priority_days(self.urgent_bonus_days) + 1

    def grade_score(self, need: Need, grade: str) -> int:
        return GRADE_POINTS[grade] * self.rank[need.priority_days(self.urgent_bonus_days)]

    def fefo_score(self, item: ItemStock) -> int:
        return self.fefo[(item.kind, item.expires_on)]


@dataclass
class ReferralClass:
    """Referrals that accept the same kinds at the same site with the same connectivity need."""

    site: str
    kinds: tuple[str, ...]
    connectivity: str
    needs: list[Need] = field(default_factory=list)
    by_priority: dict[int, list[Need]] = field(default_factory=dict)


@dataclass
class Network:
    num_nodes: int
    source: int
    sink: int
    supply: int
    tail: np.ndarray
    head: np.ndarray
    cap: np.ndarray
    l1: np.ndarray  # to maximise: weight per referral served
    l2: np.ndarray  # to minimise: move cost
    l3: np.ndarray  # to maximise: grade × priority rank, FEFO points
    classes: list[ReferralClass]
    dgroups: list[tuple[str, str, str, list[DeviceStock]]]
    dhubs: list[tuple[str, str, str]]
    ihubs: list[tuple[str, str]]
    pools: list[tuple[str, str]]
    igroups: list[tuple[str, str, object, list[ItemStock]]]
    # Arc metadata for decoding a flow, per arc family.
    serve_arcs: list[tuple[int, int, int, int | None]]  # arc, class, priority, item hub
    dev_move_arcs: list[tuple[int, int, int]]  # arc, device group, device hub
    dev_take_arcs: list[tuple[int, int, int]]  # arc, device hub, class
    item_move_arcs: list[tuple[int, int, int]]  # arc, item hub, pool
    item_take_arcs: list[tuple[int, int, int]]  # arc, pool, expiry group

    @property
    def num_arcs(self) -> int:
        return len(self.tail)


def build_network(needs: list[Need], devices: list[DeviceStock], items: list[ItemStock], scoring: Scoring) -> Network:
    """Group ``needs`` and stock, and lay out the arcs of the flow network (``items`` already usable)."""
    nodes = 2
    source, sink = 0, 1

    def new_node() -> int:
        nonlocal nodes
        nodes += 1
        return nodes - 1

    arcs: list[tuple[int, int, int, int, int, int]] = []  # tail, head, capacity, L1, L2, L3

    def arc(t, h, c, v1=0, v2=0, v3=0) -> int:
        arcs.append((t, h, c, v1, v2, v3))
        return len(arcs) - 1

    by_key: dict[tuple, ReferralClass] = {}
    for need in needs:
        if not need.device_kinds and need.connectivity == "none":
            continue
        kinds = tuple(sorted(set(need.device_kinds)))
        key = (need.site, kinds, need.connectivity)
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = ReferralClass(need.site, kinds, need.connectivity)
        group.needs.append(need)
        group.by_priority.setdefault(need.priority_days(scoring.urgent_bonus_days), []).append(need)
    classes = list(by_key.values())

    by_dgroup: dict[tuple, list[DeviceStock]] = defaultdict(list)
    for device in devices:
        by_dgroup[(device.kind, device.site, device.grade)].append(device)
    dgroups = [(*key, members) for key, members in sorted(by_dgroup.items())]
    grades_of_kind: dict[str, set[str]] = defaultdict(set)
    for kind, _site, grade, _members in dgroups:
        grades_of_kind[kind].add(grade)

    by_igroup: dict[tuple, list[ItemStock]] = defaultdict(list)
    for item in items:
        by_igroup[(item.kind, item.site, item.expires_on)].append(item)
    igroups = [(*key, members) for key, members in sorted(by_igroup.items())]
    pool_sizes: dict[tuple[str, str], int] = defaultdict(int)
    for kind, site, _day, members in igroups:
        pool_sizes[(kind, site)] += len(members)
    pools = sorted(pool_sizes)
    item_kinds = {kind for kind, _site in pools}

    # Hubs exist only where some class could use them.
    dhub_index: dict[tuple, int] = {}
    ihub_index: dict[tuple, int] = {}
    for group in classes:
        for kind in group.kinds:
            for grade in sorted(grades_of_kind.get(kind, ()), key=GRADES.index):
                dhub_index.setdefault((kind, group.site, grade), len(dhub_index))
        if group.connectivity in item_kinds:
            ihub_index.setdefault((group.connectivity, group.site), len(ihub_index))
    dhubs = list(dhub_index)
    ihubs = list(ihub_index)
    dgroup_node = [new_node() for _ in dgroups]
    dhub_node = [new_node() for _ in dhubs]
    ihub_node = [new_node() for _ in ihubs]
    pool_node = [new_node() for _ in pools]

    hubs_of_kind_grade: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (kind, _site, grade) in enumerate(dhubs):
        hubs_of_kind_grade[(kind, grade)].append(index)
    dev_move_arcs = []
    for index, (kind, site, grade, members) in enumerate(dgroups):
        arc(source, dgroup_node[index], len(members))
        for hub in hubs_of_kind_grade.get((kind, grade), ()):
            moved = dhubs[hub][1] != site
            a = arc(dgroup_node[index], dhub_node[hub], len(members), v2=scoring.device_move_cost if moved else 0)
            dev_move_arcs.append((a, index, hub))

    dev_take_arcs = []
    serve_arcs = []
    total = 0
    top_points = GRADE_POINTS[GRADES[0]]
    for index, group in enumerate(classes):
        size = len(group.needs)
        total += size
        if group.connectivity == "none":
            out, out_hub = sink, None
        else:
            out_hub = ihub_index.get((group.connectivity, group.site))
            if out_hub is None:
                continue  # nothing this class needs is in stock: it cannot be served
            out = ihub_node[out_hub]
        priorities = sorted(group.by_priority, reverse=True)
        if group.kinds:
            # Threshold chain: level[t] collects every device of grade points >= t; the arcs from level t to
            # t - 1 carry N_t devices and reward the N_t highest ranks, which is the sorted pairing's score.
            level = [new_node() for _ in range(top_points + 1)]
            counts = [(len(group.by_priority[priority]), scoring.rank[priority]) for priority in priorities]
            for points in range(top_points, 0, -1):
                upper, lower = level[points], level[points - 1]
                arcs.extend((upper, lower, count, 0, 0, rank) for count, rank in counts)
            for kind in group.kinds:
                for grade in GRADES:
                    hub = dhub_index.get((kind, group.site, grade))
                    if hub is not None:
                        a = arc(dhub_node[hub], level[GRADE_POINTS[grade]], size)
                        dev_take_arcs.append((a, hub, index))
            start = level[0]
        else:
            start = source
        for priority in priorities:
            count = len(group.by_priority[priority])
            a = arc(start, out, count, v1=priority + 1)
            serve_arcs.append((a, index, priority, out_hub))

    item_move_arcs = []
    for hub, (kind, site) in enumerate(ihubs):
        for pool, (pool_kind, pool_site) in enumerate(pools):
            if pool_kind == kind:
                moved = pool_site != site
                a = arc(
                    ihub_node[hub],
                    pool_node[pool],
                    pool_sizes[(pool_kind, pool_site)],
                    v2=scoring.item_move_cost if moved else 0,
                )
                item_move_arcs.append((a, hub, pool))
    pool_index = {key: index for index, key in enumerate(pools)}
    item_take_arcs = []
    for index, (kind, site, day, members) in enumerate(igroups):
        pool = pool_index[(kind, site)]
        a = arc(pool_node[pool], sink, len(members), v3=scoring.fefo[(kind, day)])
        item_take_arcs.append((a, pool, index))

    arc(source, sink, total)  # bypass: whatever is not served flows here, at no cost

    table = np.array(arcs, dtype=np.int64).reshape(-1, 6)
    return Network(
        num_nodes=nodes,
        source=source,
        sink=sink,
        supply=total,
        tail=table[:, 0].astype(np.int32),
        head=table[:, 1].astype(np.int32),
        cap=table[:, 2].copy(),
        l1=table[:, 3].copy(),
        l2=table[:, 4].copy(),
        l3=table[:, 5].copy(),
        classes=classes,
        dgroups=dgroups,
        dhubs=dhubs,
        ihubs=ihubs,
        pools=pools,
        igroups=igroups,
        serve_arcs=serve_arcs,
        dev_move_arcs=dev_move_arcs,
        dev_take_arcs=dev_take_arcs,
        item_move_arcs=item_move_arcs,
        item_take_arcs=item_take_arcs,
    )
