"""The first-come baseline the optimal planner is measured against."""

import time
from collections import defaultdict
from datetime import date

from distribution.matching.explain import build_plan
from distribution.matching.network import Scoring
from distribution.matching.types import (
    DEFAULT_URGENT_BONUS_DAYS,
    GRADE_ORDER,
    GRADES,
    DeviceStock,
    ItemStock,
    Need,
    Plan,
    check_instance,
    check_parameters,
)


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
    result = build_plan(needs, devices, items, usable, assignment, scoring, hold_until, "greedy")
    result.solve_seconds = time.perf_counter() - started
    return result
