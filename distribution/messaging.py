"""What a kit tells people: ready (e-mail to the social worker, SMS to a consenting person) and the reminders.

Plain data for notifications; one call from the reservation service, one from the scheduler (expire_holds).
"""

import datetime as dt

from django.utils import timezone

from distribution.appointments import day_bounds
from distribution.enums import AllocationKind, AllocationStatus
from distribution.models import Allocation, AllocationEvent
from notifications.enums import MessageKind
from notifications.services import messages_queue
from referrals.messaging import person_sms, referral_context, social_worker_email

# The reminder before a hold ends goes this many days before its last day.
HOLD_REMINDER_DAYS = 2


def kit_context(allocation: Allocation, *, pickup_sequence: int = 0, pickup_cancelled_at=None) -> dict:
    """What a kit's messages say. `pickup_sequence`: how many times its appointment changed before this version
    (the calendar event's SEQUENCE); `pickup_cancelled_at`: the appointment just cleared, if any."""
    referral = allocation.referral
    site = allocation.site
    address = ", ".join(p for p in (site.address, f"{site.postal_code} {site.city}".strip()) if p)
    pickup_at = allocation.pickup_at
    return {
        **referral_context(referral),
        "kit": allocation.number,
        "site": {"name": site.name, "address": address, "opening_hours": site.opening_hours},
        "hold_until": allocation.hold_until.isoformat(),
        "pickup_at": pickup_at.isoformat() if pickup_at else "",
        "pickup_minutes": site.pickup_slot_minutes,
        "pickup_sequence": pickup_sequence,
        "pickup_cancelled_at": pickup_cancelled_at.isoformat() if pickup_cancelled_at else "",
    }


def kit_ready_notify(allocation: Allocation, *, pickup_sequence: int = 0, pickup_cancelled_at=None) -> None:
    """A kit is held (or its appointment changed: `kit_context`'s arguments): tell the social worker, and the person
    if they agreed to SMS (in the reservation's transaction: a reservation that rolls back sends nothing)."""
    if allocation.kind != AllocationKind.KIT:
        return
    context = kit_context(allocation, pickup_sequence=pickup_sequence, pickup_cancelled_at=pickup_cancelled_at)
    referral = allocation.referral
    messages_queue(
        [
            social_worker_email(referral, MessageKind.KIT_READY, context),
            person_sms(referral, MessageKind.KIT_READY, context),
        ]
    )


def kit_released_notify(allocation: Allocation, *, missed: bool) -> None:
    """A held kit went back to stock: released at the reception point, or not collected by its date (`missed`, the
    first time: the second is a no-show, which has its own e-mail). The social worker told the person it was
    ready, so they are told it is not any more; an appointment still to come is cancelled in their calendar (the
    same event, one version later)."""
    if allocation.kind != AllocationKind.KIT:
        return
    upcoming = allocation.pickup_at if allocation.pickup_at and allocation.pickup_at > timezone.now() else None
    versions = (
        AllocationEvent.objects.filter(allocation=allocation, note__startswith="appointment ").count()
        if upcoming
        else 0
    )
    context = {
        **kit_context(allocation, pickup_sequence=versions, pickup_cancelled_at=upcoming),
        "pickup_at": "",
        "missed": missed,
    }
    messages_queue([social_worker_email(allocation.referral, MessageKind.KIT_RELEASED, context)])


def reminders_queue(*, today: dt.date | None = None) -> int:
    """Queue the SMS reminders due today, once each however often it runs: two days before a hold ends, and the
    day before an appointment. Returns how many were queued."""
    today = today or timezone.localdate()
    held = Allocation.objects.filter(status=AllocationStatus.HELD, kind=AllocationKind.KIT).select_related(
        "referral__beneficiary", "referral__social_worker", "site"
    )
    outgoing = []
    for allocation in held.filter(
        hold_until=today + dt.timedelta(days=HOLD_REMINDER_DAYS), referral__beneficiary__sms_consent=True
    ):
        outgoing.append(
            person_sms(
                allocation.referral,
                MessageKind.HOLD_REMINDER,
                kit_context(allocation),
                dedupe_key=f"hold_reminder:{allocation.pk}:{allocation.hold_until.isoformat()}",
            )
        )
    start, end = day_bounds(today + dt.timedelta(days=1))
    for allocation in held.filter(pickup_at__gte=start, pickup_at__lt=end, referral__beneficiary__sms_consent=True):
        when = timezone.localtime(allocation.pickup_at)
        outgoing.append(
            person_sms(
                allocation.referral,
                MessageKind.PICKUP_REMINDER,
                kit_context(allocation),
                dedupe_key=f"pickup_reminder:{allocation.pk}:{when.isoformat()}",
            )
        )
    return len(messages_queue([o for o in outgoing if o is not None]))
