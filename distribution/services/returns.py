"""A device back from its beneficiary: linked to its handover, under warranty or not."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import Conflict, NotFound, ValidationFailed
from common.integrity import atomic
from distribution import policies
from distribution.enums import AllocationKind, ReturnOutcome, ReturnReason
from distribution.models import Handover, Return
from distribution.selectors import add_months
from distribution.services.allocations import allocation_reserve
from inventory import services as inventory
from inventory.enums import DeviceStatus
from inventory.models import Device
from referrals import services as referrals


@atomic
def device_return(
    *,
    user,
    device: Device | str,
    reason: str,
    outcome: str,
    note: str = "",
    replacement: Device | str | None = None,
    present: bool = False,
) -> Return:
    """Take a handed-over device back: it goes to the workshop (wiped again before it is ready).

    Under warranty, a swap reserves a new kit for the person (a new receipt and a fresh warranty
    at its handover) and a repair extends the original warranty by BAGAGE_REPAIR_EXTENSION_MONTHS
    (the repaired device is given back through a give-back kit linked to this return, whose handover
    keeps that extended warranty). Out of warranty, only a return. Scoped like the referral: a device
    handed over to someone outside the user's referrals is not found. With `present` (the person is at the
    desk), a swap's new kit is held until today only. The referral's history records the return.
    """
    policies.require(user, "kit.take_back", _("Your role does not take devices back."))
    if reason not in ReturnReason.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(ReturnReason.values)}, field="reason")
    if outcome not in ReturnOutcome.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(ReturnOutcome.values)}, field="outcome")
    tag = device if isinstance(device, str) else device.asset_tag
    found = Device.objects.filter(asset_tag=tag.strip().upper()).first()
    if found is None:
        raise NotFound(_("No device %(tag)s.") % {"tag": tag})
    # The person who has the device now is its latest handover's, whatever older ones the user may see.
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("allocation__referral")
        .filter(allocation__device=found)
        .order_by("-at", "-id")
        .first()
    )
    if handover is None or found.status != DeviceStatus.HANDED_OVER:
        raise Conflict(_("%(tag)s was not handed over to anyone.") % {"tag": found.asset_tag}, "not_handed_over")
    if not policies.may_take_back(user, handover):
        # Scoped like the referral: outside it, the device is not there at all (nothing tells whose it is).
        raise NotFound(_("No device %(tag)s.") % {"tag": tag})
    today = timezone.localdate()
    under_warranty = handover.warranty_until is not None and handover.warranty_until >= today
    if outcome != ReturnOutcome.RETURN and not under_warranty:
        raise Conflict(
            _("The warranty ended on %(date)s: record a return.") % {"date": handover.warranty_until},
            "warranty_over",
        )
    inventory.device_take_back(user=user, device=found, note=f"returned: {reason}")
    returned = Return.objects.create(
        device=found,
        handover=handover,
        by=user,
        reason=reason,
        outcome=outcome,
        under_warranty=under_warranty,
        note=(note or "").strip()[:500],
    )
    referrals.referral_aftercare_record(
        user=user,
        referral=handover.allocation.referral_id,
        event="returned",
        note=found.asset_tag,
        data={"device": found.asset_tag, "reason": reason, "outcome": outcome, "under_warranty": under_warranty},
    )
    if outcome == ReturnOutcome.REPAIR:
        handover.warranty_until = add_months(handover.warranty_until, settings.BAGAGE_REPAIR_EXTENSION_MONTHS)
        handover.save(update_fields=["warranty_until"])
    if outcome == ReturnOutcome.SWAP:
        allocation_reserve(
            user=user,
            referral=handover.allocation.referral_id,
            device=replacement,
            kind=AllocationKind.SWAP,
            replaces=returned,
            accessories=[],
            present=present,
        )
    return returned
