"""Reads of kits: suggestions for a referral, the pickup shelf, a person's ledger."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.parsing import check_period, filter_values
from distribution import policies
from distribution.appointments import day_bounds
from distribution.enums import AllocationStatus, ReturnOutcome
from distribution.models import Allocation, Handover, Proposal, ProposalLine, Receipt, Return
from inventory import selectors as inventory_selectors
from inventory.enums import GRADE_ORDER, DeviceStatus, LineItemStatus, OfferKind
from inventory.models import Device, LineItem
from referrals.enums import Connectivity, ReferralStatus
from referrals.models import Referral
from referrals.policies import referrals_for
from sites.models import Site

# What each connectivity need takes from stock.
ITEM_KINDS = {Connectivity.SIM: (OfferKind.SIM,), Connectivity.TOPUP: (OfferKind.TOPUP,)}


def hold_until(today: dt.date | None = None) -> dt.date:
    """The date a kit reserved today is held until (BAGAGE_HOLD_DAYS)."""
    return (today or timezone.localdate()) + dt.timedelta(days=settings.BAGAGE_HOLD_DAYS)


def _grade_rank():
    return Case(
        *[When(grade=grade, then=Value(rank)) for rank, grade in enumerate(GRADE_ORDER)],
        default=Value(len(GRADE_ORDER)),
        output_field=IntegerField(),
    )


def fitting_devices(referral: Referral) -> QuerySet[Device]:
    """Ready devices of a kind the referral accepts: its site first, better grade first, oldest first."""
    return devices_fitting(referral.site_id, device_kinds=tuple(referral.device_kinds))


def devices_fitting(site_id: int, *, device_kinds: tuple[str, ...]) -> QuerySet[Device]:
    """fitting_devices for a site and the kinds accepted (what its SQL depends on: common.compiled)."""
    same_site = Case(When(site_id=site_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Device.objects.filter(status=DeviceStatus.READY, kind__in=device_kinds)
        .select_related("site")
        .annotate(same_site=same_site, grade_rank=_grade_rank())
        .order_by("same_site", "grade_rank", "id")
    )


def fitting_line_items(referral: Referral, until: dt.date | None = None) -> QuerySet[LineItem]:
    """SIM cards or vouchers that fit the need and outlast the hold: the site's first, then first to expire."""
    return line_items_fitting(referral.site_id, connectivity=referral.connectivity, until=until or hold_until())


def line_items_fitting(site_id: int, *, connectivity: str, until: dt.date) -> QuerySet[LineItem]:
    """fitting_line_items for a site and a kind of connectivity (what its SQL depends on: common.compiled)."""
    kinds = ITEM_KINDS.get(connectivity, ())
    same_site = Case(When(site_id=site_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        LineItem.objects.filter(status=LineItemStatus.AVAILABLE, offer__kind__in=kinds, expires_on__gte=until)
        .select_related("offer", "site")
        .annotate(same_site=same_site)
        .order_by("same_site", "expires_on", "id")
    )


@dataclass
class Suggestion:
    rank: int
    device: Device | None
    line_item: LineItem | None
    reasons: list[str] = field(default_factory=list)

    @property
    def transfer_from(self) -> Site | None:
        """The device's site when the device must move to the referral's (fitting_devices' `same_site`)."""
        return self.device.site if self.device is not None and self.device.same_site else None


def _date(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def suggestions(referral: Referral, limit: int = 5) -> list[Suggestion]:
    """Ranked kits for one referral, each with why it ranks there (two queries)."""
    needs_device = bool(referral.device_kinds)
    needs_item = referral.connectivity in ITEM_KINDS
    item = fitting_line_items(referral).first() if needs_item else None
    if needs_item and item is None:
        return []
    item_reasons = []
    if item is not None:
        where = _("at this site") if item.site_id == referral.site_id else _("from %(site)s") % {"site": item.site.name}
        item_reasons.append(
            _("%(offer)s expiring %(date)s, the first to expire %(where)s")
            % {"offer": item.offer, "date": _date(item.expires_on), "where": where}
        )
    if not needs_device:
        return [Suggestion(1, None, item, item_reasons)]
    found = []
    for rank, device in enumerate(fitting_devices(referral)[:limit], start=1):
        reasons = [
            _("at the pickup site")
            if device.same_site == 0
            else _("transfer from %(site)s") % {"site": device.site.name},
            _("grade %(grade)s") % {"grade": device.grade},
        ]
        found.append(Suggestion(rank, device, item, reasons + item_reasons))
    return found


def shelf(
    allocations: QuerySet[Allocation],
    *,
    site: str | None = None,
    status: str | None = None,
    hold_before: dt.date | None = None,
    pickup_on: dt.date | None = None,
) -> QuerySet[Allocation]:
    """Kits by hold date: the pickup shelf (held kits by default); with `pickup_on`, that day's appointments."""
    allocations = allocations.select_related(
        "referral__beneficiary", "referral__site", "device", "line_item__offer", "site", "transfer_from"
    )
    allocations = allocations.filter(status__in=filter_values(status or AllocationStatus.HELD))
    if site:
        allocations = allocations.filter(site__code__in=filter_values(site, upper=True))
    if hold_before:
        allocations = allocations.filter(hold_until__lte=hold_before)
    if pickup_on:
        start, end = day_bounds(pickup_on)
        return allocations.filter(pickup_at__gte=start, pickup_at__lt=end).order_by("pickup_at", "id")
    return allocations.order_by("hold_until", "id")


def appointments_on(
    allocations: QuerySet[Allocation], day: dt.date | None = None, site: str | None = None
) -> QuerySet[Allocation]:
    """The held kits with an appointment on a day (today by default), in time order: the desk's day (one query)."""
    return shelf(allocations, pickup_on=day or timezone.localdate(), site=site)


@dataclass(frozen=True)
class LedgerEntry:
    """A kit, top-up or give-back the person was reserved, and its handover once given."""

    allocation: Allocation
    handover: Handover | None


@dataclass(frozen=True)
class Ledger:
    referral: Referral
    allocations: list[Allocation]
    handovers: dict[int, Handover]
    returns: list[Return]

    @property
    def entries(self) -> list[LedgerEntry]:
        return [LedgerEntry(allocation, self.handovers.get(allocation.pk)) for allocation in self.allocations]


def ledger(referral: Referral) -> Ledger:
    """Everything the person received or gave back: kits, top-ups, receipts, returns (three queries)."""
    allocations = list(
        Allocation.objects.filter(referral=referral)
        .select_related("device", "line_item__offer", "site")
        .order_by("created_at", "id")
    )
    handovers = {
        h.allocation_id: h
        for h in Handover.objects.filter(allocation__referral=referral).select_related("receipt", "by")
    }
    returns = list(
        Return.objects.filter(handover__allocation__referral=referral)
        .select_related("device", "handover")
        .order_by("at")
    )
    return Ledger(referral, allocations, handovers, returns)


@dataclass(frozen=True)
class LedgerLine:
    """One event of a person's ledger, in time order: a kit, top-up, swap or repair, or a device brought back."""

    at: dt.datetime
    what: str  # an allocation kind (kit, topup, swap, repair) or "return"
    allocation: Allocation | None = None
    handover: Handover | None = None
    returned: Return | None = None


def ledger_lines(referral: Referral) -> list[LedgerLine]:
    """The ledger as one list, oldest first (the same four queries as `ledger`)."""
    found = ledger(referral)
    lines = [
        LedgerLine(
            at=found.handovers[a.pk].at if a.pk in found.handovers else a.created_at,
            what=a.kind,
            allocation=a,
            handover=found.handovers.get(a.pk),
        )
        for a in found.allocations
    ]
    lines += [LedgerLine(at=r.at, what="return", returned=r) for r in found.returns]
    return sorted(lines, key=lambda line: line.at)


def topup_refusal(referral: Referral, today: dt.date | None = None) -> str | None:
    """Why no top-up can be given to this person now, in words; None when one can."""
    if referral.status != ReferralStatus.HANDED_OVER:
        return _("A top-up is for a person who received a kit.")
    if referral.connectivity not in ITEM_KINDS:
        return _("This referral asked for no connectivity.")
    support = support_until(referral)
    if support is None:
        return _("This person's support period is over.")
    if support < (today or timezone.localdate()):
        return _("The support period ended on %(date)s: no more top-ups.") % {"date": _date(support)}
    if Allocation.objects.filter(referral=referral, status=AllocationStatus.HELD).exists():
        return _("A kit is held for this person already: hand it over or release it first.")
    return None


def repair_awaiting_give_back(referral: Referral) -> Return | None:
    """The latest repair under warranty whose device has not been given back to the person yet."""
    return (
        returns_awaiting_give_back(referral)
        .filter(outcome=ReturnOutcome.REPAIR)
        .select_related("device", "handover")
        .first()
    )


def replacement_devices(referral: Referral, kind: str, limit: int = 20) -> QuerySet[Device]:
    """Ready devices of this kind at the person's reception point, best first: what a swap can give now."""
    return fitting_devices(referral).filter(kind=kind, site_id=referral.site_id)[:limit]


def last_handover_of(device: Device) -> Handover | None:
    """The device's latest handover: the person who has it now, when the device is handed over."""
    return Handover.objects.filter(allocation__device=device).order_by("-at", "-id").first()


def returns_awaiting_give_back(referral: Referral) -> QuerySet[Return]:
    """Returns under warranty of this person's devices (a swap or a repair) that no held or handed-over kit
    answers yet, the latest first: a give-back kit is reserved for one of these and for nothing else."""
    answered = Allocation.objects.filter(
        replaces=OuterRef("pk"), status__in=(AllocationStatus.HELD, AllocationStatus.HANDED_OVER)
    )
    return (
        Return.objects.filter(
            handover__allocation__referral=referral,
            under_warranty=True,
            outcome__in=(ReturnOutcome.SWAP, ReturnOutcome.REPAIR),
        )
        .exclude(Exists(answered))
        .order_by("-at", "-id")
    )


def allocation_for(user, allocation_id: int, action: str = "kit.read") -> Allocation | None:
    """One kit within `user`'s scope for `action`, whatever its state, with what its pages and the API show."""
    return (
        shelf(policies.allocations_for(user, action), status=",".join(AllocationStatus.values))
        .select_related("handover__receipt", "replaces")
        .filter(pk=allocation_id)
        .first()
    )


def receipt_of(allocation: Allocation) -> Receipt | None:
    """The receipt of a handed-over kit (None for any other; read through `handover__receipt` when selected)."""
    if allocation.status != AllocationStatus.HANDED_OVER:
        return None
    handover = getattr(allocation, "handover", None)
    return getattr(handover, "receipt", None) if handover else None


def decidable_referral(user, referral_id: int) -> Referral | None:
    """A referral `user` may decide on (and so plan and equip), or None."""
    return referrals_for(user, "referral.decide").select_related("site", "beneficiary").filter(pk=referral_id).first()


def return_get(return_id: int) -> Return:
    return Return.objects.select_related("device", "handover").get(pk=return_id)


def receipt_by_number(receipts: QuerySet[Receipt], number: str) -> Receipt | None:
    return receipts.select_related("handover__allocation__referral").filter(number=number.strip().upper()).first()


def scan_distribution(code: str, user) -> list:
    """What a scanned code names among the kits and receipts `user` may read: an allocation (kit label) or a
    receipt number. Outside that scope nothing (a warehouse account never learns the referral behind a kit)."""
    text = code.strip().upper()
    if text.startswith("A-"):
        return list(policies.allocations_for(user, "kit.read").filter(number=text))
    if text.startswith("R-"):
        return list(policies.receipts_for(user).filter(number=text))
    return []


@dataclass(frozen=True)
class ScanHit:
    """One thing a scanned code names; each face (API, pages) builds its own link from `obj`."""

    type: str  # device, line_item, allocation or receipt
    id: str
    label: str
    obj: Device | LineItem | Allocation | Receipt


def _scan_hit(obj: Device | LineItem | Allocation | Receipt) -> ScanHit:
    if isinstance(obj, Device):
        return ScanHit("device", obj.asset_tag, f"{obj.asset_tag} · {obj.brand} {obj.model}".strip(), obj)
    if isinstance(obj, LineItem):
        return ScanHit("line_item", str(obj.pk), f"{obj.offer} · {obj.iccid}", obj)
    if isinstance(obj, Allocation):
        return ScanHit("allocation", str(obj.pk), f"{obj.number} · #{obj.referral_id}", obj)
    return ScanHit("receipt", obj.number, obj.number, obj)


def scan(code: str, user) -> list[ScanHit]:
    """Every hit of the first domain that recognises the code (several when a serial number is ambiguous), within
    what `user` may read: kits and receipts name people and are scoped like their referral; stock is the same for
    every staff reader.

    Kit and receipt numbers first: "A-…" and "R-…" cannot be asset tags or serial numbers people scan.
    """
    found = scan_distribution(code, user) or inventory_selectors.scan_stock(code)
    return [_scan_hit(obj) for obj in found]


def first_handover_at(referral: Referral) -> dt.datetime | None:
    return (
        Handover.objects.filter(allocation__referral=referral, allocation__kind="kit")
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def support_until(referral: Referral) -> dt.date | None:
    """The person stays in support (top-ups) for BAGAGE_SUPPORT_MONTHS after their first kit's handover."""
    first = (
        Handover.objects.filter(allocation__referral=referral)
        .filter(~Q(allocation__kind="topup"))
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    if first is None:
        return None
    return add_months(timezone.localtime(first).date(), settings.BAGAGE_SUPPORT_MONTHS)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def proposal_for(user, proposal_id: int) -> Proposal | None:
    """A plan its author (or a coordinator) may read."""
    proposal = Proposal.objects.select_related("site").filter(pk=proposal_id).first()
    if proposal is None or not (proposal.created_by_id == user.pk or policies.allows(user, "plan.any")):
        return None
    return proposal


def proposal_lines(proposal: Proposal) -> QuerySet[ProposalLine]:
    return proposal.lines.select_related("device").order_by("id")


def handover_export_list(user, *, site: str | None = None, start: dt.date | None = None, end: dt.date | None = None):
    """Handovers of the kits the user may read, oldest first, for an export (rows as values, streamed)."""
    check_period(start, end)
    handovers = Handover.objects.filter(allocation__in=policies.allocations_for(user).values("pk"))
    if site:
        handovers = handovers.filter(allocation__site__code__in=filter_values(site, upper=True))
    if start:
        handovers = handovers.filter(at__date__gte=start)
    if end:
        handovers = handovers.filter(at__date__lte=end)
    return handovers.order_by("at", "id")


def appointment_of(referral: Referral) -> Allocation | None:
    """The held kit of a referral (read within the user's scope already) when it has an appointment, with its site."""
    return (
        Allocation.objects.filter(referral=referral, status=AllocationStatus.HELD, pickup_at__isnull=False)
        .select_related("site")
        .first()
    )
