"""A reception point's pickup slots, cut from its opening hours (OSM format, read by opening-hours-py).

Each local day's open intervals are cut into slots of the site's length from the interval's start; a slot that
would end after the interval closes is not offered. The same cut serves the offer and the check, so a time is a
slot exactly when it is offered.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import opening_hours
from django.utils import timezone

from sites.models import Site


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # aware, local time
    ends_at: dt.datetime


@lru_cache(maxsize=64)
def _parsed(hours: str) -> opening_hours.OpeningHours | None:
    try:
        return opening_hours.OpeningHours(hours) if hours else None
    except Exception:  # noqa: BLE001 - the model's validator refuses such hours; a stale value offers no slot
        return None


def day_slots(site: Site, day: dt.date) -> list[Slot]:
    """The slots of one local day, in time order (none when the site has no opening hours that day)."""
    parsed = _parsed(site.opening_hours)
    if parsed is None:
        return []
    length = dt.timedelta(minutes=site.pickup_slot_minutes or 30)
    start = dt.datetime.combine(day, dt.time())
    found = []
    for begin, end, state, _comment in parsed.intervals(start, start + dt.timedelta(days=1)):
        if state != opening_hours.State.OPEN:
            continue
        at = begin
        while at + length <= end:
            found.append(Slot(timezone.make_aware(at), timezone.make_aware(at + length)))
            at += length
    return found


def slot_at(site: Site, when: dt.datetime) -> Slot | None:
    """The slot starting exactly at `when` (aware), or None."""
    local = timezone.localtime(when)
    for slot in day_slots(site, local.date()):
        if slot.starts_at == local:
            return slot
    return None


def is_open_at(site: Site, when: dt.datetime) -> bool:
    """Whether the site is open at `when` (aware): a time inside the hours that is no slot's start."""
    parsed = _parsed(site.opening_hours)
    if parsed is None:
        return False
    return bool(parsed.is_open(timezone.localtime(when).replace(tzinfo=None)))
