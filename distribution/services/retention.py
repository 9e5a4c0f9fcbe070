"""Retention where people met stock: who is due after their last handover, and receipts past their legal period.

Receipts are accounting records: kept BAGAGE_RETENTION["receipts_years"] whole (the PDF names the
person, so once the person is anonymised only coordinators may open it), then their PDF is deleted
from the `receipts` storage and their snapshot emptied. The row stays, with `file=""`: its number
proves the numbering has no gap, its digest and date that it existed; the handover it belongs to
and every statistic are untouched. A purged receipt answers 404 `receipt_purged`.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from common.integrity import atomic
from distribution.enums import AllocationStatus
from distribution.models import Allocation, AllocationEvent, Handover, Receipt
from distribution.services.receipts import receipts_storage
from referrals import services as referrals
from referrals.enums import ReferralStatus
from referrals.models import Referral
from referrals.services.retention import access_log_due, closed_referrals_due, months_ago


def handed_over_referrals_due(now: dt.datetime | None = None) -> QuerySet[Referral]:
    """People whose last handover is older than BAGAGE_RETENTION["beneficiary_after_last_handover_months"].

    Not while a kit is held for them or a warranty still runs (a return needs to find them).
    """
    now = now or timezone.now()
    limit = months_ago(now, settings.BAGAGE_RETENTION["beneficiary_after_last_handover_months"])
    today = timezone.localdate(now)
    held = Allocation.objects.filter(referral=OuterRef("pk"), status=AllocationStatus.HELD)
    under_warranty = Handover.objects.filter(allocation__referral=OuterRef("pk"), warranty_until__gte=today)
    return (
        Referral.objects.filter(status=ReferralStatus.HANDED_OVER, beneficiary__anonymised_at__isnull=True)
        .annotate(last_handover=Max("allocations__handover__at"))
        .filter(last_handover__lt=limit)
        .filter(~Exists(held), ~Exists(under_warranty))
    )


def receipts_due(now: dt.datetime | None = None) -> QuerySet[Receipt]:
    """Receipts issued longer ago than BAGAGE_RETENTION["receipts_years"], whose PDF is still kept."""
    now = now or timezone.now()
    limit = months_ago(now, 12 * settings.BAGAGE_RETENTION["receipts_years"])
    return Receipt.objects.filter(issued_at__lt=limit).exclude(file="")


@atomic
def receipt_purge(*, receipt: Receipt, now: dt.datetime | None = None) -> bool:
    """Delete a receipt's PDF and what it showed; keep its number, digest and date. False if done already."""
    now = now or timezone.now()
    row = Receipt.objects.select_for_update(of=("self",)).select_related("handover__allocation").get(pk=receipt.pk)
    if not row.file:
        return False
    name = row.file
    row.file = ""
    row.snapshot = {}
    row.save(update_fields=["file", "snapshot"])
    allocation = row.handover.allocation
    AllocationEvent.objects.create(
        allocation=allocation,
        at=now,
        by=None,
        from_status=allocation.status,
        to_status=allocation.status,
        note=f"receipt {row.number} deleted after {settings.BAGAGE_RETENTION['receipts_years']} years",
    )
    # Last, once the row says so: a failure above leaves the file in place.
    receipts_storage().delete(name)
    return True


def retention_due(now: dt.datetime | None = None) -> dict[str, int]:
    """What retention would change now, per kind of data (nothing is written)."""
    now = now or timezone.now()
    return {
        "beneficiaries_after_handover": handed_over_referrals_due(now).count(),
        "closed_referrals": closed_referrals_due(now).count(),
        "access_log_entries": access_log_due(now).count(),
        "receipts": receipts_due(now).count(),
    }


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise, delete and purge whatever BAGAGE_RETENTION says is due; return how many of each kind.

    One transaction per person or receipt, so a long run that stops half-way keeps what it did.
    """
    now = now or timezone.now()
    done = {"beneficiaries_after_handover": 0, "closed_referrals": 0, "access_log_entries": 0, "receipts": 0}
    for pk in list(handed_over_referrals_due(now).values_list("pk", flat=True)):
        done["beneficiaries_after_handover"] += referrals.beneficiary_anonymise(referral=pk, now=now)
    for pk in list(closed_referrals_due(now).values_list("pk", flat=True)):
        done["closed_referrals"] += referrals.beneficiary_anonymise(referral=pk, now=now)
    done["access_log_entries"] = referrals.access_log_purge(now=now)
    for receipt in list(receipts_due(now)):
        done["receipts"] += receipt_purge(receipt=receipt, now=now)
    return done
