"""Demo kits: held on the shelf, handed over with receipts, a few returns and top-ups, through the services.

Every reserved or handed-over device, SIM card and referral in the demo has its allocation and
receipt behind it. Loaded once (a second run finds the demo's kits and stops).
"""

import base64
import datetime as dt
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.enums import Role
from common.exceptions import DomainError
from distribution import services
from distribution.enums import AllocationKind, AllocationStatus
from distribution.models import Allocation
from inventory.models import Device
from referrals.enums import ReferralStatus
from referrals.models import Referral
from sites import slots


def drawn_signature(rng: random.Random) -> str:
    """A signature as the handover page's pad sends it: a stroke on a transparent canvas, base64 PNG."""
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x * 18, 75 + rng.randint(-45, 45)) for x in range(20)]
    draw.line(points, fill=(20, 30, 80, 255), width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def load_distribution(users) -> dict[str, int]:
    if Allocation.objects.exists():
        return {"held": 0, "handed_over": 0, "returns": 0, "topups": 0}
    rng = random.Random(1848)
    coordinator = next(u for u in users if u.role == Role.COORDINATOR)
    mediator = next(u for u in users if u.role == Role.MEDIATOR)
    warehouse = next(u for u in users if u.role == Role.WAREHOUSE)
    counts = {"held": 0, "handed_over": 0, "returns": 0, "topups": 0}
    accepted = list(Referral.objects.filter(status=ReferralStatus.ACCEPTED).order_by("submitted_at", "id"))
    rng.shuffle(accepted)
    handed: list[Allocation] = []
    # About half the accepted referrals get a kit: two in three of those are already handed over.
    for referral in accepted[: len(accepted) // 2]:
        by = mediator if referral.site_id == mediator.site_id else coordinator
        try:
            allocation = services.allocation_reserve(user=by, referral=referral)
        except DomainError:
            continue  # nothing of a fitting kind in stock: the referral waits, as in real life
        if rng.random() < 0.35:
            counts["held"] += 1
            continue
        signed = rng.random() < 0.8
        payment = rng.choice(["free", "free", "cash", "card"])
        services.handover_record(
            user=by,
            allocation=allocation,
            checklist={
                "device_starts": True,
                "sim_tested": allocation.line_item_id is not None,
                "email_account": rng.random() < 0.6,
                "first_steps_session": rng.random() < 0.7,
            },
            contribution_eur="0" if payment == "free" else rng.choice(["5", "10", "15"]),
            payment=payment,
            signature_png=drawn_signature(rng) if signed else None,
            signed_on_paper=not signed,
        )
        handed.append(allocation)
        counts["handed_over"] += 1
    with_device = [a for a in handed if a.device_id]
    for allocation, outcome in zip(with_device[:3], ["repair", "return", "swap"], strict=False):
        by = mediator if allocation.site_id == mediator.site_id else coordinator
        replacement = None
        if outcome == "swap":
            replacement = (
                Device.objects.filter(status="ready", kind=allocation.device.kind)
                .order_by("id")
                .values_list("asset_tag", flat=True)
                .first()
            )
            if replacement is None:
                outcome = "return"
        try:
            services.device_return(
                # The workshop takes back what was handed over at its own site (scoped like the referral).
                user=warehouse if outcome == "return" and allocation.site_id == warehouse.site_id else by,
                device=allocation.device.asset_tag,
                reason="faulty" if outcome != "return" else "not_needed",
                outcome=outcome,
                replacement=replacement,
                note="démo",
            )
            counts["returns"] += 1
        except DomainError:
            continue
    connected = [a for a in handed if a.line_item_id and a.kind == "kit"]
    for allocation in connected[:4]:
        by = mediator if allocation.site_id == mediator.site_id else coordinator
        try:
            topup = services.allocation_reserve(user=by, referral=allocation.referral_id, kind="topup")
            services.handover_record(user=by, allocation=topup, signed_on_paper=True)
            counts["topups"] += 1
        except DomainError:
            continue
    return counts


# How many kits the demo's day of appointments has, at most.
DEMO_APPOINTMENTS = 7


def load_appointments(users, today: dt.date | None = None) -> int:
    """A day of appointments at the demo mediator's site: today's (or its next opening day's), one kit a slot.

    Booked as from that day's morning, so that the day shows whole on the mediator's home whatever the hour.
    """
    mediator = next(u for u in users if u.role == Role.MEDIATOR)
    site = mediator.site
    held = Allocation.objects.filter(status=AllocationStatus.HELD, kind=AllocationKind.KIT, site=site)
    if held.filter(pickup_at__isnull=False).exists():
        return 0
    today = today or timezone.localdate()
    day = next(
        (today + dt.timedelta(days=n) for n in range(7) if slots.day_slots(site, today + dt.timedelta(days=n))), None
    )
    if day is None:
        return 0
    morning = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    kits = list(held.filter(hold_until__gte=day).order_by("id")[:DEMO_APPOINTMENTS])
    # A desk's day needs more kits than the shelf holds: the site's waiting referrals get theirs, as by hand.
    waiting = Referral.objects.filter(status=ReferralStatus.ACCEPTED, site=site).order_by("submitted_at", "id")
    for referral in waiting:
        if len(kits) >= DEMO_APPOINTMENTS:
            break
        try:
            kits.append(services.allocation_reserve(user=mediator, referral=referral))
        except DomainError:
            continue
    day_slots = slots.day_slots(site, day)
    booked = 0
    # Every other slot, from the opening: a desk's day with room left for the walk-ins.
    for allocation, slot in zip(kits, day_slots[::2], strict=False):
        try:
            services.allocation_appointment_set(
                user=mediator, allocation=allocation, pickup_at=slot.starts_at, now=morning
            )
        except DomainError:
            continue
        booked += 1
    return booked
