"""Kits: reserve for an accepted referral, the pickup shelf, hand over, and what a person received."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AwareDatetime, Field

from api.pagination import PageNumber, paginate
from api.routers.labels import get_stock, pdf
from api.schemas import Day, Id
from common.exceptions import NotFound
from distribution import appointments, policies, selectors, services
from distribution.enums import AllocationKind, AllocationStatus, Payment, ReturnOutcome, ReturnReason
from distribution.labelling import kit_label
from distribution.models import Allocation
from inventory.models import LineItem
from referrals.enums import Accessory
from sites.selectors import site_get

router = Router(tags=["distribution"])

# The operations kept the ids they had when one router served every resource of distribution: generated
# clients call them by these names.
OPERATION = "api_routers_distribution_"


def item_label(item: LineItem | None) -> str | None:
    """The offer and the SIM card's or voucher's last four characters."""
    if item is None:
        return None
    return f"{item.offer} {item.masked_code}"


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
    pickup_at: AwareDatetime | None = Field(
        None,
        description="An appointment to collect the kit: the start of a free slot of the site's opening hours "
        "(GET /sites/{code}/slots), on or before the last day of the hold. 422 outside_opening_hours, "
        "not_a_slot_start, pickup_in_past or pickup_after_hold; 409 slot_full.",
    )


class AppointmentPatch(Schema):
    pickup_at: AwareDatetime | None = Field(
        description="The new appointment (a free slot's start), or null to clear it. The old place is given back."
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
    pickup_at: dt.datetime | None = Field(description="The appointment to collect the kit, if any.")
    referral: int = Field(alias="referral_id")
    site: str = Field(alias="site.code")
    device: str | None = Field(description="Asset tag.")
    line_item: int | None = Field(alias="line_item_id")
    line_item_label: str | None = Field(description="Offer and the SIM's or voucher's last four characters.")
    transfer_from: str | None = Field(description="Site code the device came from, when moved for this kit.")
    accessories: list[Accessory]
    created_at: dt.datetime
    receipt: ReceiptRefOut | None

    @staticmethod
    def resolve_device(allocation: Allocation) -> str | None:
        return allocation.device.asset_tag if allocation.device_id else None

    @staticmethod
    def resolve_line_item_label(allocation: Allocation) -> str | None:
        return item_label(allocation.line_item)

    @staticmethod
    def resolve_transfer_from(allocation: Allocation) -> str | None:
        return allocation.transfer_from.code if allocation.transfer_from_id else None

    @staticmethod
    def resolve_receipt(allocation: Allocation):
        return selectors.receipt_of(allocation)


class ShelfFilters(Schema):
    site: str | None = Field(None, description="Site code(s), comma-separated.")
    status: str | None = Field(None, description="held (default), handed_over, released, expired; comma-separated.")
    hold_before: Day | None = Field(None, description="Held until this date or earlier.")
    pickup_on: Day | None = Field(None, description="Only the kits with an appointment that day, in time order.")


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
    receipt_number: str = Field(alias="receipt.number")
    allocation: int = Field(alias="allocation_id")
    warranty_until: dt.date | None


class LedgerEntryOut(Schema):
    allocation: str = Field(alias="allocation.number")
    kind: AllocationKind = Field(alias="allocation.kind")
    status: AllocationStatus = Field(alias="allocation.status")
    device: str | None
    line_item_label: str | None
    reserved_at: dt.datetime = Field(alias="allocation.created_at")
    handed_over_at: dt.datetime | None
    receipt_number: str | None
    warranty_until: dt.date | None

    @staticmethod
    def resolve_device(entry: selectors.LedgerEntry) -> str | None:
        return entry.allocation.device.asset_tag if entry.allocation.device_id else None

    @staticmethod
    def resolve_line_item_label(entry: selectors.LedgerEntry) -> str | None:
        return item_label(entry.allocation.line_item)

    @staticmethod
    def resolve_handed_over_at(entry: selectors.LedgerEntry) -> dt.datetime | None:
        return entry.handover.at if entry.handover else None

    @staticmethod
    def resolve_receipt_number(entry: selectors.LedgerEntry) -> str | None:
        receipt = getattr(entry.handover, "receipt", None) if entry.handover else None
        return receipt.number if receipt else None

    @staticmethod
    def resolve_warranty_until(entry: selectors.LedgerEntry) -> dt.date | None:
        return entry.handover.warranty_until if entry.handover else None


class LedgerReturnOut(Schema):
    device: str = Field(alias="device.asset_tag")
    at: dt.datetime
    reason: ReturnReason
    outcome: ReturnOutcome
    under_warranty: bool


class LedgerOut(Schema):
    referral: int = Field(alias="referral.pk")
    support_until: dt.date | None
    entries: list[LedgerEntryOut]
    returns: list[LedgerReturnOut]

    @staticmethod
    def resolve_support_until(ledger: selectors.Ledger) -> dt.date | None:
        return selectors.support_until(ledger.referral)


def get_allocation(request: HttpRequest, allocation_id: int) -> Allocation:
    allocation = selectors.allocation_for(request.auth, allocation_id)
    if allocation is None:
        raise NotFound(f"No allocation #{allocation_id}.")
    return allocation


@router.post("/allocations", response={201: AllocationOut}, operation_id=f"{OPERATION}allocation_create")
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
        pickup_at=payload.pickup_at,
    )
    return Status(201, get_allocation(request, allocation.pk))


@router.get("/allocations", response=list[AllocationOut], operation_id=f"{OPERATION}allocation_list")
@paginate(PageNumber)
def allocation_list(request: HttpRequest, filters: Query[ShelfFilters]):
    """The pickup shelf: kits by hold date (held ones unless `status` says otherwise)."""
    policies.require(request.auth, "kit.read")
    return selectors.shelf(policies.allocations_for(request.auth), **filters.model_dump()).select_related(
        "handover__receipt"
    )


@router.get("/allocations/{allocation_id}", response=AllocationOut, operation_id=f"{OPERATION}allocation_read")
def allocation_read(request: HttpRequest, allocation_id: Id):
    policies.require(request.auth, "kit.read")
    return get_allocation(request, allocation_id)


@router.patch("/allocations/{allocation_id}", response=AllocationOut, operation_id=f"{OPERATION}allocation_update")
def allocation_update(request: HttpRequest, allocation_id: Id, payload: AppointmentPatch):
    """Set, move or clear a held kit's pickup appointment; the social worker and the person are told again."""
    services.allocation_appointment_set(user=request.auth, allocation=allocation_id, pickup_at=payload.pickup_at)
    return get_allocation(request, allocation_id)


@router.post(
    "/allocations/{allocation_id}/release", response=AllocationOut, operation_id=f"{OPERATION}allocation_release"
)
def allocation_release(request: HttpRequest, allocation_id: Id, payload: ReleaseIn):
    """Put a held kit back in stock; the referral waits for a kit again."""
    services.allocation_release(user=request.auth, allocation=allocation_id, note=payload.note)
    return get_allocation(request, allocation_id)


@router.get("/allocations/{allocation_id}/label.pdf", response={200: None}, operation_id=f"{OPERATION}allocation_label")
def allocation_label(request: HttpRequest, allocation_id: Id, stock: str | None = None):
    """The kit's bag label: allocation number as Code 128, referral number, initials, device, SIM, site, hold date."""
    policies.require(request.auth, "kit.read")
    allocation = get_allocation(request, allocation_id)
    return pdf([kit_label(allocation)], get_stock(stock, allocation.site), 1, f"{allocation.number}.pdf")


@router.post(
    "/allocations/{allocation_id}/handover", response={201: HandoverOut}, operation_id=f"{OPERATION}allocation_handover"
)
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
    return Status(201, handover)


@router.get("/referrals/{referral_id}/ledger", response=LedgerOut, operation_id=f"{OPERATION}referral_ledger")
def referral_ledger(request: HttpRequest, referral_id: Id):
    """Everything the person received (kits, top-ups, swaps, receipts) and gave back."""
    policies.require(request.auth, "kit.read")
    referral = selectors.decidable_referral(request.auth, referral_id)
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    return selectors.ledger(referral)


class SlotFilters(Schema):
    start: Day | None = Field(None, alias="from", description="First day (today when omitted).")
    days: int = Field(14, ge=1, le=appointments.SLOT_DAYS_MAX, description="How many days to look at.")
    all: bool = Field(False, description="Full slots too (their `free` is 0).")


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    free: int


@router.get("/sites/{code}/slots", response=list[SlotOut], operation_id=f"{OPERATION}site_slots")
def site_slots(request: HttpRequest, code: str, filters: Query[SlotFilters]):
    """The site's next pickup slots (cut from its opening hours), with their free places; at most 60."""
    policies.require(request.auth, "kit.read")
    site = site_get(code.strip().upper()[:2]) if len(code) <= 2 else None
    if site is None or not site.is_active:
        raise NotFound(f"No site {code[:10]}.")
    return appointments.site_slots(site, start=filters.start, days=filters.days, only_free=not filters.all)
