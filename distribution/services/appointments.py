"""Pickup appointments: take a slot's place for a held kit, move it, give it back.

The guarantee is the database's: a place is taken by one conditional UPDATE of the slot's row
(`booked = booked + 1 WHERE booked < capacity`). Two mediators booking the last place at the same instant both
run it; PostgreSQL makes the second wait for the first's row lock and read the new count (it then updates nothing:
409 `slot_full`), SQLite lets one writer at a time. The site's row is never locked.
"""

import datetime as dt

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import Conflict, InvalidTransition
from common.integrity import atomic
from distribution import policies
from distribution.appointments import pickup_check
from distribution.enums import AllocationStatus
from distribution.messaging import kit_ready_notify
from distribution.models import Allocation, AllocationEvent, PickupSlot
from sites.models import Site


def slot_take(site: Site, starts_at: dt.datetime) -> None:
    """Take one place of the slot (two queries), or refuse with 409 `slot_full`."""
    # The slot's row exists once: a second request creating it at the same instant does nothing.
    PickupSlot.objects.bulk_create([PickupSlot(site=site, starts_at=starts_at)], ignore_conflicts=True)
    taken = PickupSlot.objects.filter(site=site, starts_at=starts_at, booked__lt=site.pickup_slot_capacity).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise Conflict(
            _("This slot is full: choose another time."), "slot_full", field="pickup_at", starts_at=starts_at
        )


def slot_free(site_id: int, starts_at: dt.datetime) -> None:
    """Give one place of the slot back (one query)."""
    PickupSlot.objects.filter(site_id=site_id, starts_at=starts_at, booked__gt=0).update(booked=F("booked") - 1)


def appointment_book(site: Site, pickup_at: dt.datetime, hold_until: dt.date) -> None:
    """The appointment of a kit being reserved: checked, its place taken; the caller saves it on the kit."""
    pickup_check(site, pickup_at, hold_until)
    slot_take(site, pickup_at)


def appointment_release(allocation: Allocation) -> None:
    """A kit closed (handed over, released, expired): its place is free again. No query without an appointment."""
    if allocation.pickup_at is not None:
        slot_free(allocation.site_id, allocation.pickup_at)


def appointment_note(pickup_at: dt.datetime | None) -> str:
    # A fact, put into words by the pages (web.templatetags.bagage.note_in_words).
    return f"appointment {timezone.localtime(pickup_at).isoformat()}" if pickup_at else "appointment cleared"


@atomic
def allocation_appointment_set(
    *, user, allocation: Allocation | int, pickup_at: dt.datetime | None, now: dt.datetime | None = None
) -> Allocation:
    """Set, move or clear the appointment of a held kit; the social worker and the person are told again.

    The old place is given back and the new one taken in one transaction: a full slot changes nothing. `now` is
    the moment the time must follow (the demo books a whole day from its morning); the faces never pass it.
    """
    from distribution.services.allocations import lock_allocation

    policies.require(user, "kit.reserve", _("Only mediators and coordinators give appointments."))
    allocation = lock_allocation(allocation, user, "kit.reserve")
    if allocation.status != AllocationStatus.HELD:
        raise InvalidTransition(
            _("Kit %(number)s is %(status)s: only a held kit has an appointment.")
            % {"number": allocation.number, "status": AllocationStatus(allocation.status).label},
            from_status=allocation.status,
        )
    if pickup_at == allocation.pickup_at:
        return allocation
    if pickup_at is not None:
        pickup_check(allocation.site, pickup_at, allocation.hold_until, now)
    appointment_release(allocation)
    if pickup_at is not None:
        slot_take(allocation.site, pickup_at)
    previous = allocation.pickup_at
    allocation.pickup_at = pickup_at
    allocation.save(update_fields=["pickup_at"])
    AllocationEvent.objects.create(
        allocation=allocation,
        by=user,
        from_status=allocation.status,
        to_status=allocation.status,
        note=appointment_note(pickup_at),
    )
    # The calendar event's version: each change of the kit's appointment (its first booking is version 0).
    changes = AllocationEvent.objects.filter(allocation=allocation, note__startswith="appointment ").count()
    kit_ready_notify(allocation, pickup_sequence=changes - 1, pickup_cancelled_at=None if pickup_at else previous)
    return allocation
