"""Connectivity stock: offers, deliveries of SIM cards and vouchers, and their life cycle."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.integrity import atomic
from common.validators import clean_phone
from common.workflows import Transition, advance
from inventory import policies
from inventory.enums import LineItemStatus, OfferKind
from inventory.exceptions import Conflict, DuplicateLineItem, NotFound, ValidationFailed
from inventory.models import LINE_ITEM_MOVE, LineItem, LineItemEvent, Offer
from inventory.validators import clean_line_item_code
from inventory.workflows import LINE_ITEM_WORKFLOW
from sites.models import Site


@atomic
def offer_create(
    *,
    user,
    operator: str,
    name: str,
    kind: str,
    validity_days: int,
    price: Decimal,
    data_gb: Decimal | None = None,
    unlimited_calls: bool = False,
    instructions: str = "",
) -> Offer:
    policies.require(user, "connectivity.manage")
    if kind not in OfferKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(OfferKind.values)}, field="kind")
    if not operator.strip() or not name.strip():
        raise ValidationFailed(_("The operator and the name are required."))
    if validity_days < 1:
        raise ValidationFailed(_("At least one day."), field="validity_days")
    if price < 0 or (data_gb is not None and data_gb < 0):
        raise ValidationFailed(_("The price and the data allowance cannot be negative."))
    return Offer.objects.create(
        operator=operator.strip(),
        name=name.strip(),
        kind=kind,
        validity_days=validity_days,
        price=price,
        data_gb=data_gb,
        unlimited_calls=unlimited_calls,
        instructions=_clean_instructions(instructions),
        created_by=user,
    )


def _clean_instructions(text: str) -> str:
    text = (text or "").strip()
    limit = Offer._meta.get_field("instructions").max_length
    if len(text) > limit:
        raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": limit}, field="instructions")
    return text


@atomic
def line_items_add(*, user, offer: Offer, site: Site, items: list[Mapping[str, Any]]) -> list[LineItem]:
    """Add a whole delivery of SIM cards or vouchers, or nothing if one line is wrong."""
    policies.require(user, "stock.write")
    if not items:
        raise ValidationFailed(_("The delivery is empty."), field="items")
    today = timezone.localdate()
    errors: list[dict] = []
    codes: list[str] = []
    new: list[LineItem] = []
    seen: dict[str, int] = {}
    for line, item in enumerate(items, start=1):
        expires_on = item.get("expires_on")
        try:
            iccid, voucher = clean_line_item_code(
                offer.kind, iccid=item.get("iccid"), voucher_code=item.get("voucher_code")
            )
            msisdn = clean_phone(item.get("msisdn") or "", "msisdn", code="invalid_msisdn")
            if not isinstance(expires_on, dt.date):
                raise ValidationFailed(_("A date."), field="expires_on")
            if expires_on < today:
                raise ValidationFailed(_("The expiry date is in the past."), field="expires_on")
            key = iccid or voucher
            if key in seen:
                raise ValidationFailed(_("Same as line %(line)s.") % {"line": seen[key]}, "duplicate_line_item")
            seen[key] = line
        except ValidationFailed as exc:
            errors.append({"line": line, "detail": exc.message})
            codes.append(exc.code)
            continue
        new.append(
            LineItem(
                offer=offer,
                site=site,
                iccid=iccid,
                voucher_code=voucher,
                msisdn=msisdn,
                expires_on=expires_on,
                created_by=user,
            )
        )
    if errors:
        raise ValidationFailed(
            ngettext(
                "%(bad)s of %(total)s lines is wrong; nothing was added.",
                "%(bad)s of %(total)s lines are wrong; nothing was added.",
                len(errors),
            )
            % {"bad": len(errors), "total": len(items)},
            # A delivery of one line is refused for that line's reason; several, line by line in `errors`.
            codes[0] if len(items) == 1 else None,
            errors=errors,
        )
    iccids = [item.iccid for item in new if item.iccid]
    vouchers = [item.voucher_code for item in new if item.voucher_code]
    taken = set(LineItem.objects.filter(iccid__in=iccids).values_list("iccid", flat=True)) if iccids else set()
    if vouchers:
        taken |= set(
            LineItem.objects.filter(offer=offer, voucher_code__in=vouchers).values_list("voucher_code", flat=True)
        )
    if taken:
        lines = [
            {"line": n, "detail": _("Already in stock.")}
            for n, item in enumerate(new, start=1)
            if (item.iccid or item.voucher_code) in taken
        ]
        raise DuplicateLineItem(
            ngettext(
                "%(count)s line is in stock already; nothing was added.",
                "%(count)s lines are in stock already; nothing was added.",
                len(taken),
            )
            % {"count": len(taken)},
            errors=lines,
        )
    created = LineItem.objects.bulk_create(new)
    LineItemEvent.objects.bulk_create(
        [LineItemEvent(item=item, by=user, to_status=item.status, note="delivery") for item in created]
    )
    return created


def status_label(status: str) -> str:
    return str(LineItemStatus(status).label)


def _advance(item: LineItem, transition: Transition) -> str:
    return advance(
        item,
        transition,
        refused=lambda: _("This SIM card or voucher is “%(status)s”.") % {"status": status_label(item.status)},
        blocked=lambda problems: "; ".join(problems),
    )


def lock_line_item(item: LineItem | int) -> LineItem:
    pk = item if isinstance(item, int) else item.pk
    # Only the item's row, not its offer's nor its site's (shared by every kit at the site).
    locked = LineItem.objects.select_for_update(of=("self",)).select_related("offer", "site").filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No SIM card or voucher #%(id)s.") % {"id": pk})
    return locked


def _run(item: LineItem, transition: Transition, user, *, note: str = "") -> LineItem:
    """Apply a transition to a line item and write its history row: the one way it moves.

    One statement (LINE_ITEM_MOVE) changes the status if it is still the state it leaves (locking the row until
    the transaction ends) and writes the history row, so an item read a moment ago, or locked earlier in this
    transaction, is not read again; if the row moved meanwhile, it is locked, read again and checked once more:
    refused, as of now.
    """
    if item.status in transition.sources:
        from_status = _advance(item, transition)
        if LINE_ITEM_MOVE.record(_history(item, user, from_status, note)):
            return item
        item.status = from_status
    fresh = lock_line_item(item.pk)
    from_status = _advance(fresh, transition)
    item.status = fresh.status
    if not LINE_ITEM_MOVE.record(_history(item, user, from_status, note)):  # locked here: it cannot have moved
        raise Conflict(_("This SIM card or voucher moved at the same instant; try again."), "moved_meanwhile")
    return item


def _history(item: LineItem, user, from_status: str, note: str) -> LineItemEvent:
    return LineItemEvent(item=item, by=user, from_status=from_status, to_status=item.status, note=note)


def _as_read(item: LineItem | int) -> LineItem:
    """The item as the caller read it (its move checks the status it leaves), or locked and read by its id."""
    return item if isinstance(item, LineItem) else lock_line_item(item)


@atomic
def line_item_void(*, user, item: LineItem | int, note: str) -> LineItem:
    """Take a lost, faulty or blocked SIM card or voucher out of stock for good, saying why."""
    policies.require(user, "connectivity.manage")
    if not (note or "").strip():
        raise ValidationFailed(_("Say why: lost, faulty, blocked…"), "reason_required", field="note")
    return _run(lock_line_item(item), LINE_ITEM_WORKFLOW.get("void"), user, note=note.strip())


@atomic
def line_item_reserve(*, user, item: LineItem | int, note: str = "") -> LineItem:
    """Reserve a SIM card or voucher for a kit (distribution's allocation service only)."""
    return _run(_as_read(item), LINE_ITEM_WORKFLOW.get("reserve"), user, note=note)


@atomic
def line_item_release(*, user, item: LineItem | int, note: str = "") -> LineItem:
    """Put a reserved SIM card or voucher back in stock."""
    return _run(_as_read(item), LINE_ITEM_WORKFLOW.get("release"), user, note=note)


@atomic
def line_item_hand_over(*, user, item: LineItem | int, note: str = "") -> LineItem:
    """A reserved SIM card or voucher given to its beneficiary (distribution's handover service only)."""
    return _run(_as_read(item), LINE_ITEM_WORKFLOW.get("hand_over"), user, note=note)


@atomic
def line_items_expire(*, today: dt.date | None = None) -> int:
    """Mark available SIM cards and vouchers past their date as expired; return how many."""
    today = today or timezone.localdate()
    transition = LINE_ITEM_WORKFLOW.get("expire")
    expired = list(LineItem.objects.select_for_update().filter(status__in=transition.sources, expires_on__lt=today))
    events = []
    for item in expired:
        from_status = advance(item, transition, refused=str, blocked="; ".join)
        events.append(
            LineItemEvent(
                item=item,
                by=None,
                from_status=from_status,
                to_status=item.status,
                note=f"past its date ({item.expires_on})",
            )
        )
    LineItem.objects.bulk_update(expired, ["status"])
    LineItemEvent.objects.bulk_create(events)
    return len(expired)
