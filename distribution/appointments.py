"""Pickup appointments: which times a kit may be collected at, and the free slots the pages and the API offer.

A time is an appointment when it starts a slot of the site's opening hours (sites/slots.py), is still to come and
falls on or before the last day of the hold. The places of a slot are counted in `PickupSlot` rows, taken and given
back by distribution/services/appointments.py.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed
from distribution.models import PickupSlot
from sites import slots
from sites.models import Site

# How far ahead the pages and the API look for free slots, at most.
SLOT_DAYS_MAX = 31
# How many free slots a list offers at most (a select, not a calendar).
SLOT_OFFER_MAX = 60


def words(when: dt.datetime) -> str:
    """An appointment as people read it: "jeudi 3 décembre 2026, 10:30"."""
    local = timezone.localtime(when)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "l j F Y"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


def pickup_check(site: Site, pickup_at: dt.datetime, hold_until: dt.date, now: dt.datetime | None = None) -> None:
    """Refuse (422) a time that is no appointment at this site for a kit held until `hold_until`; no query."""
    if timezone.is_naive(pickup_at):
        raise ValidationFailed(
            _("Give the appointment's time with its offset, e.g. 2026-12-04T10:30:00+01:00."),
            "pickup_at_naive",
            field="pickup_at",
        )
    now = now or timezone.now()
    if pickup_at <= now:
        raise ValidationFailed(_("This time has passed: choose a time to come."), "pickup_in_past", field="pickup_at")
    if timezone.localtime(pickup_at).date() > hold_until:
        raise ValidationFailed(
            _("The kit is held until %(date)s: the appointment must be on that day or before.")
            % {"date": formats.date_format(hold_until, "SHORT_DATE_FORMAT")},
            "pickup_after_hold",
            field="pickup_at",
        )
    if slots.slot_at(site, pickup_at) is not None:
        return
    if slots.is_open_at(site, pickup_at):
        raise ValidationFailed(
            _("Appointments start every %(minutes)s minutes from the opening time: choose one of the slots offered.")
            % {"minutes": site.pickup_slot_minutes},
            "not_a_slot_start",
            field="pickup_at",
        )
    raise ValidationFailed(
        _("%(site)s is closed at that time (opening hours: %(hours)s).")
        % {"site": site.name, "hours": site.opening_hours or _("none given")},
        "outside_opening_hours",
        field="pickup_at",
    )


@dataclass(frozen=True)
class FreeSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def value(self) -> str:
        """The slot as a form value and an API time (ISO 8601 with its offset)."""
        return timezone.localtime(self.starts_at).isoformat()

    @property
    def label(self) -> str:
        return words(self.starts_at)


def site_slots(
    site: Site,
    *,
    start: dt.date | None = None,
    days: int = 14,
    until: dt.date | None = None,
    only_free: bool = True,
    limit: int = SLOT_OFFER_MAX,
    now: dt.datetime | None = None,
) -> list[FreeSlot]:
    """The site's slots still to come from `start` for `days` days (not after `until`), with their places: one query."""
    now = now or timezone.now()
    first = max(start or timezone.localdate(now), timezone.localdate(now))
    last = first + dt.timedelta(days=max(1, min(days, SLOT_DAYS_MAX)) - 1)
    if until is not None:
        last = min(last, until)
    found: list[slots.Slot] = []
    day = first
    while day <= last and len(found) < limit * 4:
        found += [slot for slot in slots.day_slots(site, day) if slot.starts_at > now]
        day += dt.timedelta(days=1)
    if not found:
        return []
    booked = dict(
        PickupSlot.objects.filter(
            site=site, starts_at__gte=found[0].starts_at, starts_at__lte=found[-1].starts_at
        ).values_list("starts_at", "booked")
    )
    offered = [FreeSlot(s.starts_at, s.ends_at, site.pickup_slot_capacity, booked.get(s.starts_at, 0)) for s in found]
    if only_free:
        offered = [slot for slot in offered if slot.free > 0]
    return offered[:limit]


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as an aware [start, end) pair, for `pickup_at` range filters that use an index."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
