"""Right of access (GDPR art. 15): everything Bagage holds about one person, as plain JSON-able data."""

from django.utils import timezone

from distribution import selectors as distribution_selectors
from referrals import policies as referral_policies
from referrals import selectors as referral_selectors
from referrals.models import BeneficiaryAccess, Referral

BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "postal_code",
    "birth_year",
    "language",
    "accessibility_needs",
    "eligibility",
    "eligibility_note",
    "consent_given_at",
    "anonymised_at",
)
REFERRAL_FIELDS = (
    "status",
    "device_kinds",
    "connectivity",
    "accessories",
    "reason",
    "urgency",
    "urgency_justification",
    "notes",
    "decision_reason",
    "submitted_at",
    "decided_at",
    "status_changed_at",
)


def exportable_referral(user, referral_id: int) -> Referral | None:
    """The referral whose person's data `user` may export (coordinators), else None (a 404)."""
    if not referral_policies.allows(user, "beneficiary.export"):
        return None
    return (
        referral_policies.referrals_for(user)
        .select_related("beneficiary", "organisation", "site", "social_worker")
        .filter(pk=referral_id)
        .first()
    )


def person_export(user, referral: Referral) -> dict:
    """The person's details, their referral and its history, every kit and top-up received, and who read them.

    The person's own data only: other referrals are listed when they carry the same name, birth year and
    postal code, never because they share a phone number (someone else's file)."""
    person = referral.beneficiary
    found = distribution_selectors.ledger(referral)
    kits = []
    for allocation in found.allocations:
        handover = found.handovers.get(allocation.pk)
        receipt = getattr(handover, "receipt", None) if handover else None
        item = allocation.line_item
        kits.append(
            {
                "allocation": allocation.number,
                "kind": allocation.kind,
                "status": allocation.status,
                "site": allocation.site.code,
                "reserved_at": allocation.created_at,
                "device": {
                    "asset_tag": allocation.device.asset_tag,
                    "kind": allocation.device.kind,
                    "brand": allocation.device.brand,
                    "model": allocation.device.model,
                }
                if allocation.device_id
                else None,
                "connectivity": {
                    "operator": item.offer.operator,
                    "offer": item.offer.name,
                    "iccid": item.masked_iccid,
                    "phone_number": item.msisdn,
                    "expires_on": item.expires_on,
                }
                if item is not None
                else None,
                "accessories": handover.accessories if handover else allocation.accessories,
                "handed_over_at": handover.at if handover else None,
                "contribution_eur": str(handover.contribution_eur) if handover else None,
                "payment": handover.payment if handover else None,
                "warranty_until": handover.warranty_until if handover else None,
                "receipt_number": receipt.number if receipt else None,
            }
        )
    returns = [
        {
            "device": r.device.asset_tag,
            "at": r.at,
            "reason": r.reason,
            "outcome": r.outcome,
            "under_warranty": r.under_warranty,
        }
        for r in found.returns
    ]
    history = [
        {"at": e.at, "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status, "note": e.note}
        for e in referral_selectors.referral_events(referral)
    ]
    accesses = [
        {"at": a.at, "action": a.action, "role": a.user.role}
        for a in BeneficiaryAccess.objects.filter(referral=referral).select_related("user").order_by("at", "id")
    ]
    return {
        "exported_at": timezone.now(),
        "referral": referral.pk,
        "beneficiary": {
            **{name: getattr(person, name) for name in BENEFICIARY_FIELDS},
            "consent_version": person.consent_version_id,
        },
        "request": {
            **{name: getattr(referral, name) for name in REFERRAL_FIELDS},
            "organisation": referral.organisation.name,
            "social_worker": referral.social_worker.get_full_name() or referral.social_worker.username,
            "site": referral.site.code,
        },
        "history": history,
        "other_referrals": [
            {"id": other.pk, "status": other.status, "submitted_at": other.submitted_at}
            for other in referral_selectors.same_identity_referrals(user, referral)
        ],
        "kits": kits,
        "returns": returns,
        "accesses": accesses,
    }
