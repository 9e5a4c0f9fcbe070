"""Handing a kit over: the checklist, the contribution, the signature, and the receipt, in one transaction."""

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed
from common.integrity import atomic
from distribution import policies
from distribution.enums import AllocationKind, ReturnOutcome
from distribution.models import Handover
from distribution.selectors import add_months
from distribution.services.allocations import allocation_aftercare_record, allocation_close, lock_allocation
from distribution.services.receipts import receipt_issue
from distribution.validators import clean_checklist, clean_contribution, clean_signature
from inventory import services as inventory
from referrals import services as referrals
from referrals.validators import clean_accessories


def _warranty_until(allocation, today):
    """A new kit: BAGAGE_WARRANTY_MONTHS from today. A repaired device given back: the original, extended."""
    if allocation.device_id is None:
        return None
    replaced = allocation.replaces
    if replaced is not None and replaced.outcome == ReturnOutcome.REPAIR:
        return replaced.handover.warranty_until
    return add_months(today, settings.BAGAGE_WARRANTY_MONTHS)


@atomic
def handover_record(
    *,
    user,
    allocation,
    checklist: dict | None = None,
    contribution_eur=0,
    payment: str = "free",
    accessories: list[str] | None = None,
    signature_png: str | bytes | None = None,
    signed_on_paper: bool = False,
) -> Handover:
    """Hand a held kit over: device, SIM card or voucher and referral become handed over; a receipt is issued."""
    policies.require(user, "kit.hand_over", _("Only mediators and coordinators hand kits over."))
    allocation = lock_allocation(allocation, user, "kit.hand_over", with_erasure=True)
    note = _("kit %(number)s handed over") % {"number": allocation.number}
    # Refused (409) before anything else when the kit is not held; undone with the rest if a check below fails.
    allocation_close(user=user, allocation=allocation, transition="hand_over", note=note)
    checks = clean_checklist(checklist)
    amount, payment = clean_contribution(contribution_eur, payment)
    extras = clean_accessories(accessories if accessories is not None else allocation.accessories)
    if allocation.kind == AllocationKind.TOPUP:
        # A short handover: connectivity only, no device to check and nothing else in the bag.
        if extras:
            raise ValidationFailed(
                _("A top-up comes without accessories."), "accessories_not_wanted", field="accessories"
            )
        if any(checks.values()):
            raise ValidationFailed(_("A top-up has no device checklist."), "checklist_not_wanted", field="checklist")
        checks = {}
    signature = clean_signature(signature_png, bool(signed_on_paper))
    if allocation.device_id:
        inventory.device_hand_over(user=user, device=allocation.device, note=note)
    if allocation.line_item_id:
        inventory.line_item_hand_over(user=user, item=allocation.line_item, note=note)
    if allocation.kind == AllocationKind.KIT:
        referrals.referral_hand_over(user=user, referral=allocation.referral, note=allocation.number)
    now = allocation.closed_at
    handover = Handover.objects.create(
        allocation=allocation,
        at=now,
        by=user,
        checklist=checks,
        contribution_eur=amount,
        payment=payment,
        accessories=extras,
        signed_on_paper=signature is None,
        signature_sha256=hashlib.sha256(signature.png).hexdigest() if signature else "",
        warranty_until=_warranty_until(allocation, timezone.localdate()),
        notice_version=allocation.referral.beneficiary.consent_version_id,
    )
    receipt = receipt_issue(user=user, handover=handover, signature=signature)
    if allocation.kind != AllocationKind.KIT:
        allocation_aftercare_record(user=user, allocation=allocation, event="handed_over", receipt=receipt.number)
    return handover
