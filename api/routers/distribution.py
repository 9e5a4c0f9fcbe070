"""Kits: reserve for an accepted referral, the pickup shelf, hand over with a receipt, returns."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from api.pagination import PageNumber, paginate
from api.routers.labels import get_stock, pdf
from api.schemas import Day, Id
from common.exceptions import NotFound, ValidationFailed
from distribution import policies, selectors, services
from distribution.enums import AllocationKind, AllocationStatus, Payment, ReturnOutcome, ReturnReason
from distribution.labelling import kit_label
from distribution.models import Allocation, Handover, Receipt, Return
from referrals.enums import Accessory
from referrals.policies import referrals_for
from sites.selectors import site_by_code

router = Router(tags=["distribution"])

RECEIPT_MAX_BYTES = 2_000_000


class AllocationIn(Schema):
    referral: Id
    device: str | None = Field(None, max_length=32, description="Asset tag; the best fitting one when omitted.")
    line_item: Id | None = Field(None, description="SIM card or voucher; the first to expire that fits when omitted.")
    accessories: list[Accessory] | None = Field(None, max_length=10, description="Defaults to the referral's.")
    kind: AllocationKind = Field(
        AllocationKind.KIT,
        description="kit; for people already equipped: topup, or a give-back under warranty, swap (a new device) or "
        "repair (the device itself). A give-back takes the kind of the return it answers (swap accepts both).",
    )
    replaces: Id | None = Field(
        None,
        description="swap or repair only: the return under warranty this kit answers; the person's latest one not "
        "answered yet when omitted.",
    )


class ReceiptRefOut(Schema):
    number: str
    issued_at: dt.datetime


class AllocationOut(Schema):
    id: int
    number: str
    kind: AllocationKind
    status: AllocationStatus
    hold_until: dt.date
    referral: int
    site: str
    device: str | None = Field(description="Asset tag.")
    line_item: int | None
    line_item_label: str | None = Field(description="Offer and the SIM's or voucher's last four characters.")
    transfer_from: str | None = Field(description="Site code the device came from, when moved for this kit.")
    accessories: list[Accessory]
    created_at: dt.datetime
    receipt: ReceiptRefOut | None


class ShelfFilters(Schema):
    site: str | None = Field(None, description="Site code(s), comma-separated.")
    status: str | None = Field(None, description="held (default), handed_over, released, expired; comma-separated.")
    hold_before: Day | None = Field(None, description="Held until this date or earlier.")


class ReleaseIn(Schema):
    note: str = Field("", max_length=500)


class ChecklistIn(Schema):
    device_starts: bool = False
    sim_tested: bool = False
    email_account: bool = False
    first_steps_session: bool = False


class HandoverIn(Schema):
    checklist: ChecklistIn = Field(default_factory=ChecklistIn)
    contribution_eur: Decimal = Field(Decimal("0"), ge=0, le=1000, max_digits=7, decimal_places=2)
    payment: Payment = Payment.FREE
    accessories: list[Accessory] | None = Field(None, max_length=10)
    signature_png: str | None = Field(None, max_length=300_000, description="The drawn signature, a base64 PNG.")
    signed_on_paper: bool = False


class HandoverOut(Schema):
    receipt_number: str
    allocation: int
    warranty_until: dt.date | None


class VerifyOut(Schema):
    valid: bool
    number: str | None


class ReturnIn(Schema):
    reason: ReturnReason
    outcome: ReturnOutcome
    note: str = Field("", max_length=500)
    replacement: str | None = Field(None, max_length=32, description="Asset tag of the swap's new device.")


class ReturnOut(Schema):
    id: int
    device: str
    handover: int
    reason: ReturnReason
    outcome: ReturnOutcome
    under_warranty: bool
    warranty_until: dt.date | None
    at: dt.datetime


class SuggestedDeviceOut(Schema):
    asset_tag: str
    kind: str
    brand: str
    model: str
    grade: str
    site: str


class SuggestedItemOut(Schema):
    id: int
    offer: str
    site: str
    expires_on: dt.date
    label: str


class SuggestionOut(Schema):
    rank: int
    device: SuggestedDeviceOut | None
    line_item: SuggestedItemOut | None
    transfer_from: str | None
    why: list[str]


class LedgerEntryOut(Schema):
    allocation: str
    kind: AllocationKind
    status: AllocationStatus
    device: str | None
    line_item_label: str | None
    reserved_at: dt.datetime
    handed_over_at: dt.datetime | None
    receipt_number: str | None
    warranty_until: dt.date | None


class LedgerReturnOut(Schema):
    device: str
    at: dt.datetime
    reason: ReturnReason
    outcome: ReturnOutcome
    under_warranty: bool


class LedgerOut(Schema):
    referral: int
    support_until: dt.date | None
    entries: list[LedgerEntryOut]
    returns: list[LedgerReturnOut]


def item_label(item) -> str | None:
    if item is None:
        return None
    return f"{item.offer} {item.masked_iccid if item.iccid else item.masked_voucher_code}"


def allocation_out(allocation: Allocation) -> dict:
    handover = getattr(allocation, "handover", None) if allocation.status == AllocationStatus.HANDED_OVER else None
    receipt = getattr(handover, "receipt", None) if handover else None
    return {
        "id": allocation.pk,
        "number": allocation.number,
        "kind": allocation.kind,
        "status": allocation.status,
        "hold_until": allocation.hold_until,
        "referral": allocation.referral_id,
        "site": allocation.site.code,
        "device": allocation.device.asset_tag if allocation.device_id else None,
        "line_item": allocation.line_item_id,
        "line_item_label": item_label(allocation.line_item),
        "transfer_from": allocation.transfer_from.code if allocation.transfer_from_id else None,
        "accessories": allocation.accessories,
        "created_at": allocation.created_at,
        "receipt": {"number": receipt.number, "issued_at": receipt.issued_at} if receipt else None,
    }


def get_allocation(request: HttpRequest, allocation_id: int) -> Allocation:
    allocation = (
        selectors.shelf(policies.allocations_for(request.auth), status=",".join(AllocationStatus.values))
        .select_related("handover__receipt")
        .filter(pk=allocation_id)
        .first()
    )
    if allocation is None:
        raise NotFound(f"No allocation #{allocation_id}.")
    return allocation


@router.post("/allocations", response={201: AllocationOut})
def allocation_create(request: HttpRequest, payload: AllocationIn):
    """Reserve a kit for an accepted referral (device and connectivity both, or nothing); held BAGAGE_HOLD_DAYS."""
    allocation = services.allocation_reserve(
        user=request.auth,
        referral=payload.referral,
        device=payload.device,
        line_item=payload.line_item,
        accessories=payload.accessories,
        kind=payload.kind,
        replaces=payload.replaces,
    )
    return Status(201, allocation_out(get_allocation(request, allocation.pk)))


@router.get("/allocations", response=list[AllocationOut])
@paginate(PageNumber, transform=lambda allocation, request: allocation_out(allocation))
def allocation_list(request: HttpRequest, filters: Query[ShelfFilters]):
    """The pickup shelf: kits by hold date (held ones unless `status` says otherwise)."""
    policies.require(request.auth, "kit.read")
    return selectors.shelf(policies.allocations_for(request.auth), **filters.model_dump()).select_related(
        "handover__receipt"
    )


@router.get("/allocations/{allocation_id}", response=AllocationOut)
def allocation_read(request: HttpRequest, allocation_id: Id):
    policies.require(request.auth, "kit.read")
    return allocation_out(get_allocation(request, allocation_id))


@router.post("/allocations/{allocation_id}/release", response=AllocationOut)
def allocation_release(request: HttpRequest, allocation_id: Id, payload: ReleaseIn):
    """Put a held kit back in stock; the referral waits for a kit again."""
    services.allocation_release(user=request.auth, allocation=allocation_id, note=payload.note)
    return allocation_out(get_allocation(request, allocation_id))


@router.get("/allocations/{allocation_id}/label.pdf", response={200: None})
def allocation_label(request: HttpRequest, allocation_id: Id, stock: str | None = None):
    """The kit's bag label: allocation number as Code 128, referral number, initials, device, SIM, site, hold date."""
    policies.require(request.auth, "kit.read")
    allocation = get_allocation(request, allocation_id)
    return pdf([kit_label(allocation)], get_stock(stock, allocation.site), 1, f"{allocation.number}.pdf")


@router.post("/allocations/{allocation_id}/handover", response={201: HandoverOut})
def allocation_handover(request: HttpRequest, allocation_id: Id, payload: HandoverIn):
    """Hand the kit over: checklist, contribution, the signature (a PNG drawn on the pad, or on paper).

    Device, SIM card or voucher and referral become handed over in one transaction; a receipt is issued."""
    handover = services.handover_record(
        user=request.auth,
        allocation=allocation_id,
        checklist=payload.checklist.model_dump(),
        contribution_eur=payload.contribution_eur,
        payment=payload.payment,
        accessories=payload.accessories,
        signature_png=payload.signature_png,
        signed_on_paper=payload.signed_on_paper,
    )
    return Status(
        201,
        {
            "receipt_number": handover.receipt.number,
            "allocation": handover.allocation_id,
            "warranty_until": handover.warranty_until,
        },
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get("/receipts/{number}.pdf", response={200: None})
def receipt_pdf(
    request: HttpRequest,
    number: str,
    which: str = Query("original", alias="copy", pattern="^(original|duplicate)$"),
):
    """The receipt: the original bytes as issued, or a copy stamped DUPLICATA (`?copy=duplicate`).

    It names the person: each read is written to the access log."""
    policies.require(request.auth, "receipt.read")
    receipt = selectors.receipt_by_number(policies.receipts_for(request.auth), number)
    if receipt is None:
        raise NotFound(f"No receipt {number}.")
    if which == "duplicate":
        return pdf_response(services.receipt_duplicate(receipt, user=request.auth), f"{receipt.number}-duplicata.pdf")
    return pdf_response(services.receipt_original(receipt, user=request.auth), f"{receipt.number}.pdf")


@router.post("/receipts/verify", response=VerifyOut)
def receipt_verify(request: HttpRequest, file: File[UploadedFile]):
    """Is this PDF an original receipt of ours, and which? (A duplicate or an altered file is not.)"""
    policies.require(request.auth, "receipt.verify")
    if file.size > RECEIPT_MAX_BYTES:
        raise ValidationFailed("A receipt is a few tens of kilobytes; this file is too large.", "too_large")
    receipt = services.receipt_verify(file.read())
    return {"valid": receipt is not None, "number": receipt.number if receipt else None}


@router.post("/devices/{asset_tag}/return", response={201: ReturnOut})
def device_return(request: HttpRequest, asset_tag: str, payload: ReturnIn):
    """A device back from its beneficiary: a swap or a repair under warranty, or a plain return."""
    returned = services.device_return(user=request.auth, device=asset_tag, **payload.model_dump())
    returned = Return.objects.select_related("device", "handover").get(pk=returned.pk)
    return Status(
        201,
        {
            "id": returned.pk,
            "device": returned.device.asset_tag,
            "handover": returned.handover_id,
            "reason": returned.reason,
            "outcome": returned.outcome,
            "under_warranty": returned.under_warranty,
            "warranty_until": returned.handover.warranty_until,
            "at": returned.at,
        },
    )


def decidable_referral(request: HttpRequest, referral_id: int):
    referral = referrals_for(request.auth, "referral.decide").select_related("site").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    return referral


@router.get("/referrals/{referral_id}/suggestions", response=list[SuggestionOut])
def referral_suggestions(request: HttpRequest, referral_id: Id):
    """Ranked kits for one referral: a fitting device at its site first, then elsewhere; better grade first;
    the SIM card or voucher that expires first. Each says why."""
    policies.require(request.auth, "kit.reserve")
    referral = decidable_referral(request, referral_id)
    found = []
    for suggestion in selectors.suggestions(referral):
        device, item = suggestion.device, suggestion.line_item
        found.append(
            {
                "rank": suggestion.rank,
                "device": {
                    "asset_tag": device.asset_tag,
                    "kind": device.kind,
                    "brand": device.brand,
                    "model": device.model,
                    "grade": device.grade,
                    "site": device.site.code,
                }
                if device
                else None,
                "line_item": {
                    "id": item.pk,
                    "offer": str(item.offer),
                    "site": item.site.code,
                    "expires_on": item.expires_on,
                    "label": item_label(item),
                }
                if item
                else None,
                "transfer_from": device.site.code if device and device.site_id != referral.site_id else None,
                "why": suggestion.reasons,
            }
        )
    return found


@router.get("/referrals/{referral_id}/ledger", response=LedgerOut)
def referral_ledger(request: HttpRequest, referral_id: Id):
    """Everything the person received (kits, top-ups, swaps, receipts) and gave back."""
    policies.require(request.auth, "kit.read")
    referral = decidable_referral(request, referral_id)
    found = selectors.ledger(referral)
    entries = []
    for allocation in found["allocations"]:
        handover: Handover | None = found["handovers"].get(allocation.pk)
        receipt: Receipt | None = getattr(handover, "receipt", None) if handover else None
        entries.append(
            {
                "allocation": allocation.number,
                "kind": allocation.kind,
                "status": allocation.status,
                "device": allocation.device.asset_tag if allocation.device_id else None,
                "line_item_label": item_label(allocation.line_item),
                "reserved_at": allocation.created_at,
                "handed_over_at": handover.at if handover else None,
                "receipt_number": receipt.number if receipt else None,
                "warranty_until": handover.warranty_until if handover else None,
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
        for r in found["returns"]
    ]
    return {
        "referral": referral.pk,
        "support_until": selectors.support_until(referral),
        "entries": entries,
        "returns": returns,
    }


class ProposalIn(Schema):
    site: str | None = Field(None, description="Site code; the whole network (what you may decide on) when omitted.")


class ProposalLineOut(Schema):
    id: int
    referral: int
    device: str | None = Field(description="Asset tag.")
    line_item: int | None
    transfer_from: str | None
    why: str
    reasons: dict


class UnservedOut(Schema):
    referral: int
    code: str
    why: str


class ProposalOut(Schema):
    id: int
    site: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    solver: str
    served_priority: int
    device_moves: int
    lines: list[ProposalLineOut]
    unserved: list[UnservedOut]


class ConfirmIn(Schema):
    lines: list[Id] | None = Field(None, max_length=20_000, description="Line ids; every line when omitted.")


class ReservedLineOut(Schema):
    line: int
    allocation: int


class RefusedLineOut(Schema):
    line: int
    code: str


class ConfirmOut(Schema):
    reserved: list[ReservedLineOut]
    refused: list[RefusedLineOut]


def proposal_out(proposal) -> dict:
    lines = proposal.lines.select_related("device").order_by("id")
    return {
        "id": proposal.pk,
        "site": proposal.site.code if proposal.site_id else None,
        "created_at": proposal.created_at,
        "expires_at": proposal.expires_at,
        "solver": proposal.solver,
        "served_priority": proposal.served_priority,
        "device_moves": proposal.device_moves,
        "lines": [
            {
                "id": line.pk,
                "referral": line.referral_id,
                "device": line.device.asset_tag if line.device_id else None,
                "line_item": line.line_item_id,
                "transfer_from": line.transfer_from or None,
                "why": line.text,
                "reasons": line.why,
            }
            for line in lines
        ],
        "unserved": [{"referral": u["referral"], "code": u["code"], "why": u["text"]} for u in proposal.unserved],
    }


@router.post("/matching/proposals", response={201: ProposalOut})
def proposal_create(request: HttpRequest, payload: ProposalIn):
    """An optimal plan for every accepted referral without a kit: the most priority served, then the fewest
    devices moved, then the SIM cards that expire first and the better grades for the longest waiting."""
    site = site_by_code(payload.site) if payload.site else None
    proposal = services.proposal_create(user=request.auth, site=site)
    return Status(201, proposal_out(proposal))


@router.get("/matching/proposals/{proposal_id}", response=ProposalOut)
def proposal_read(request: HttpRequest, proposal_id: Id):
    policies.require(request.auth, "kit.reserve")
    proposal = selectors.proposal_for(request.auth, proposal_id)
    if proposal is None:
        raise NotFound(f"No allocation plan #{proposal_id}.")
    return proposal_out(proposal)


@router.post("/matching/proposals/{proposal_id}/confirm", response=ConfirmOut)
def proposal_confirm(request: HttpRequest, proposal_id: Id, payload: ConfirmIn):
    """Reserve the chosen lines (all by default) through the same service as a reservation by hand:
    per line, the kit reserved or why not (409 codes such as already_reserved when stock moved on)."""
    return services.proposal_confirm(user=request.auth, proposal=proposal_id, lines=payload.lines)
