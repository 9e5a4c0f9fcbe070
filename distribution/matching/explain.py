"""Turn concrete assignments into a plan: lines with their reasons, the unserved with theirs, the figures."""

from collections import Counter

from distribution.matching.network import Scoring
from distribution.matching.types import Plan, PlanLine, Unserved

CONNECTIVITY_WORDS = {"sim": "SIM", "topup": "voucher"}


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


def build_plan(needs, devices, items, usable, assignment, scoring, hold_until, solver) -> Plan:
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
    stock = StockCounts(devices, items, usable, hold_until, assignment, scoring)
    unserved = [
        unserved_reason(need, stock, scoring, hold_until) for need in needs if need.referral_id not in served_ids
    ]
    return Plan(
        lines=lines,
        unserved=unserved,
        served_priority=served_priority,
        objective=evaluate(assignment, scoring),
        device_moves=device_moves,
        item_moves=item_moves,
        solver=solver,
    )


class StockCounts:
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


def unserved_reason(need, stock: StockCounts, scoring, hold_until) -> Unserved:
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
