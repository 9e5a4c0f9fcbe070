"""Reserving a kit for an accepted referral, releasing it, and the holds that run out.

Never promised twice: the device, the SIM card or voucher and the referral are row-locked
while the kit is reserved, and partial unique constraints on held allocations refuse a second
one even if two requests slip past the checks at the same instant (the loser gets 409
`already_reserved`).
"""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from common.compiled import CompiledRead, first_of_each
from common.exceptions import AlreadyReserved, Conflict, InvalidTransition, NotFound, ValidationFailed
from common.integrity import atomic, mark_locked
from common.policies import scope_shape
from common.workflows import Transition, advance
from distribution import policies
from distribution.enums import GIVE_BACK_KINDS, AllocationKind, AllocationStatus, ReturnOutcome
from distribution.messaging import kit_ready_notify, kit_released_notify
from distribution.models import ALLOCATION_CLOSE, Allocation, AllocationEvent, Return
from distribution.selectors import (
    ITEM_KINDS,
    devices_fitting,
    hold_until,
    line_items_fitting,
    returns_awaiting_give_back,
    support_until,
)
from distribution.services.appointments import appointment_book, appointment_note, appointment_release
from distribution.services.numbers import next_number
from distribution.workflows import ALLOCATION_WORKFLOW
from inventory import services as inventory
from inventory.enums import DeviceStatus, ErasureResult, LineItemStatus
from inventory.models import Device, Erasure, LineItem
from referrals import services as referrals
from referrals.enums import ReferralStatus
from referrals.models import Referral
from referrals.policies import referrals_for
from referrals.validators import clean_accessories


def _event(allocation: Allocation, user, from_status: str, note: str = "") -> None:
    AllocationEvent.objects.create(
        allocation=allocation, by=user, from_status=from_status, to_status=allocation.status, note=note
    )


def _taken(what: str) -> AlreadyReserved:
    return AlreadyReserved(_("%(what)s is reserved for someone else already.") % {"what": what})


def _reserve_device(user, device: Device, note: str) -> Device:
    try:
        return inventory.device_reserve(user=user, device=device, note=note)
    except InvalidTransition as exc:
        if exc.extra.get("from_status") == DeviceStatus.RESERVED:
            raise _taken(device.asset_tag) from exc
        raise Conflict(
            _("%(tag)s is not ready to give.") % {"tag": device.asset_tag}, "device_not_ready", field="device"
        ) from exc


def _reserve_item(user, item: LineItem, note: str) -> LineItem:
    try:
        return inventory.line_item_reserve(user=user, item=item, note=note)
    except InvalidTransition as exc:
        if exc.extra.get("from_status") == LineItemStatus.RESERVED:
            raise _taken(str(item)) from exc
        raise Conflict(
            _("This SIM card or voucher is not available."), "line_item_not_available", field="line_item"
        ) from exc


def _give_back_of(referral: Referral, replaces: Return | int | None, kind: str) -> Return:
    """The return under warranty a give-back kit answers (row-locked: one give-back per return).

    Kind `repair` answers a repair only; kind `swap` answers either (clients written before the `repair` kind
    ask `swap` for both), and the kit takes the kind of the return it answers.
    """
    waiting = returns_awaiting_give_back(referral).select_for_update(of=("self",)).select_related("device")
    if kind == AllocationKind.REPAIR:
        waiting = waiting.filter(outcome=ReturnOutcome.REPAIR)
    if replaces is not None:
        waiting = waiting.filter(pk=replaces if isinstance(replaces, int) else replaces.pk)
    found = waiting.first()
    if found is None:
        raise ValidationFailed(
            _("A repaired device is given back only for a repair under warranty not answered yet.")
            if kind == AllocationKind.REPAIR
            else _("A swap or a repaired device is given back only for a return under warranty not answered yet."),
            "repair_needs_return" if kind == AllocationKind.REPAIR else "swap_needs_return",
            field="replaces" if replaces is not None else "kind",
        )
    return found


def allocation_aftercare_record(*, user, allocation: Allocation, event: str, receipt: str = "") -> None:
    """A top-up, swap or repair kit in the person's history (a first kit's steps are status changes there)."""
    data = {"kind": allocation.kind, "allocation": allocation.number}
    if allocation.device_id:
        data["device"] = allocation.device.asset_tag
    if receipt:
        data["receipt"] = receipt
    referrals.referral_aftercare_record(
        user=user, referral=allocation.referral, event=event, note=allocation.number, data=data
    )


def _repaired_device(returned: Return, device: Device | str | None) -> str:
    """A repair gives the person back the device they returned, and no other."""
    tag = device if isinstance(device, str) or device is None else device.asset_tag
    if tag is not None and tag.strip().upper() != returned.device.asset_tag:
        raise ValidationFailed(
            _("A repair gives back the device returned, %(tag)s.") % {"tag": returned.device.asset_tag},
            "not_the_repaired_device",
            field="device",
        )
    return returned.device.asset_tag


# A kit's reservation reads its referral (locked) and the device and SIM card or voucher named, every time: their SQL
# built once per connection (and scope), as lock_allocation's.
_referral_locked = CompiledRead(
    lambda pk, *, user: (
        referrals_for(user, "referral.decide")
        .select_for_update(of=("self",))
        .select_related("site", "beneficiary", "social_worker")
        .filter(pk=pk)
        .order_by()[:1]
    )
)
_device_by_tag = CompiledRead(lambda tag: Device.objects.select_related("site").filter(asset_tag=tag).order_by()[:1])
_line_item_by_pk = CompiledRead(
    lambda pk: LineItem.objects.select_related("offer", "site").filter(pk=pk).order_by()[:1]
)

# The device and the SIM card or voucher a kit takes when none is named: per kinds of device accepted, per kind of
# connectivity and hold's end (a date: the compilation is kept for that day's holds).
_first_fitting_device = CompiledRead(lambda site_id, **need: devices_fitting(site_id, **need)[:1])
_first_fitting_item = CompiledRead(lambda site_id, **need: line_items_fitting(site_id, **need)[:1])


@atomic
def allocation_reserve(
    *,
    user,
    referral: Referral | int,
    device: Device | str | None = None,
    line_item: LineItem | int | None = None,
    accessories: list[str] | None = None,
    kind: str = AllocationKind.KIT,
    replaces: Return | int | None = None,
    present: bool = False,
    pickup_at: dt.datetime | None = None,
) -> Allocation:
    """Reserve a kit for an accepted referral: its device and connectivity both, or nothing.

    Without a device or a SIM card / voucher named, the best fitting one is taken (the site's
    first, better grade; for connectivity the first to expire that outlasts the hold). A device
    from another site is moved to the referral's site for the kit, and its history says so.

    A give-back (kind `swap`) exists only through a return under warranty of this person's device
    (`replaces`, else their latest one not yet answered; none → 422 `swap_needs_return`): a swap's
    new device, or the repaired device itself, whose handover keeps the extended warranty (kind `repair`).
    A top-up or a give-back takes no accessories unless named. With `present` (the person is at the desk), the
    hold ends today. With `pickup_at`, the kit has an appointment: a slot of the site's opening hours with a free
    place, on or before the hold's last day (distribution/appointments.py; 422 or 409 `slot_full` otherwise).
    """
    policies.require(user, "kit.reserve", _("Only mediators and coordinators reserve kits."))
    pk = referral if isinstance(referral, int) else referral.pk
    referral = _referral_locked.first(pk, user=user, shape=scope_shape(user))
    if referral is None:
        raise NotFound(_("No referral #%(id)s.") % {"id": pk})
    mark_locked(referral)  # its move to allocated below takes it as it is
    # An accepted referral has no kit held (reserving one makes it allocated, in the same transaction, and the
    # partial unique constraint refuses a second held kit anyway): only another status needs the look.
    if (kind != AllocationKind.KIT or referral.status != ReferralStatus.ACCEPTED) and Allocation.objects.filter(
        referral=referral, status=AllocationStatus.HELD
    ).exists():
        raise AlreadyReserved(_("A kit is held for this referral already."))
    if kind == AllocationKind.KIT and referral.status != ReferralStatus.ACCEPTED:
        raise InvalidTransition(
            _("Referral #%(id)s is %(status)s: a kit is reserved for an accepted referral.")
            % {"id": referral.pk, "status": ReferralStatus(referral.status).label},
            from_status=referral.status,
        )
    if kind != AllocationKind.KIT and referral.status != ReferralStatus.HANDED_OVER:
        raise InvalidTransition(_("Top-ups and swaps are for people already equipped."), from_status=referral.status)
    if kind in GIVE_BACK_KINDS:
        replaces = _give_back_of(referral, replaces, kind)
        kind = AllocationKind.REPAIR if replaces.outcome == ReturnOutcome.REPAIR else AllocationKind.SWAP
        if kind == AllocationKind.REPAIR:
            device = _repaired_device(replaces, device)
    elif replaces is not None:
        raise ValidationFailed(
            _("Only a warranty give-back answers a return."), "replaces_not_wanted", field="replaces"
        )
    until = timezone.localdate() if present else hold_until()
    wants_device = bool(referral.device_kinds) and kind != AllocationKind.TOPUP
    wants_item = referral.connectivity in ITEM_KINDS and kind not in GIVE_BACK_KINDS
    if kind == AllocationKind.TOPUP:
        support = support_until(referral)
        if support is None or support < timezone.localdate():
            raise Conflict(_("This person's support period is over."), "support_over")
    if kind == AllocationKind.TOPUP and not wants_item:
        raise ValidationFailed(_("This referral asked for no connectivity."), "no_connectivity_need")

    # The device and the SIM card or voucher, named or the first fitting ones, read in one round trip. Neither is
    # locked: each moves by a statement that checks it is still as read (stock's services), else is read again.
    device_read = item_read = None
    if wants_device:
        if device is None:
            kinds = tuple(referral.device_kinds)
            device_read = _first_fitting_device.call(referral.site_id, device_kinds=kinds, shape=kinds)
        else:
            tag = device if isinstance(device, str) else device.asset_tag
            device_read = _device_by_tag.call(tag.strip().upper())
    elif device is not None:
        raise ValidationFailed(_("This kit has no device."), "device_not_wanted", field="device")
    if wants_item:
        if line_item is None:
            item_read = _first_fitting_item.call(
                referral.site_id,
                connectivity=referral.connectivity,
                until=until,
                shape=(referral.connectivity, until),
            )
        else:
            item_pk = line_item if isinstance(line_item, int) else line_item.pk
            item_read = _line_item_by_pk.call(item_pk)
    chosen_device, chosen_item = first_of_each(device_read, item_read)

    if wants_device:
        if device is None:
            if chosen_device is None:
                raise Conflict(_("No ready device of a kind this referral accepts."), "no_fitting_device")
        else:
            if chosen_device is None:
                raise ValidationFailed(_("No device %(tag)s.") % {"tag": tag}, "unknown_device", field="device")
            if chosen_device.kind not in referral.device_kinds:
                raise ValidationFailed(
                    _("This referral asks for another kind of device."), "device_kind_not_wanted", field="device"
                )

    if wants_item:
        if line_item is None:
            if chosen_item is None:
                raise Conflict(
                    _("No SIM card or voucher of the right kind lasts until %(date)s.") % {"date": until},
                    "no_fitting_line_item",
                )
        else:
            if chosen_item is None:
                raise ValidationFailed(
                    _("No SIM card or voucher #%(id)s.") % {"id": item_pk}, "unknown_line_item", field="line_item"
                )
            if chosen_item.offer.kind not in ITEM_KINDS[referral.connectivity]:
                raise ValidationFailed(
                    _("This referral needs a SIM card, not a voucher.")
                    if referral.connectivity == "sim"
                    else _("This referral needs a top-up voucher, not a SIM card."),
                    "line_item_kind_not_wanted",
                    field="line_item",
                )
            if chosen_item.expires_on < until:
                raise ValidationFailed(
                    _("It expires on %(date)s, before the end of the hold.") % {"date": chosen_item.expires_on},
                    "line_item_expires_too_soon",
                    field="line_item",
                )
    elif line_item is not None:
        raise ValidationFailed(_("This referral asked for no connectivity."), "line_item_not_wanted", field="line_item")
    if chosen_device is None and chosen_item is None:
        raise ValidationFailed(_("Nothing to reserve for this referral."), "nothing_to_reserve")

    if pickup_at is not None:
        # Before the number: a full slot refuses at once, and the slot's row is the only thing the race is for.
        appointment_book(referral.site, pickup_at, until)
    number, _year, _seq = next_number("allocation")
    note = _("kit %(number)s for referral #%(id)s") % {"number": number, "id": referral.pk}
    # Stock's history is read by the workshop, who must not learn whose kit it is: the kit number only.
    stock_note = _("kit %(number)s") % {"number": number}
    transfer_from = None
    if chosen_device is not None:
        chosen_device = _reserve_device(user, chosen_device, stock_note)
        if chosen_device.site_id != referral.site_id:
            transfer_from = chosen_device.site
            inventory.device_transfer(user=user, device=chosen_device, site=referral.site, note=stock_note)
    if chosen_item is not None:
        chosen_item = _reserve_item(user, chosen_item, stock_note)
    allocation = Allocation.objects.create(
        number=number,
        kind=kind,
        referral=referral,
        device=chosen_device,
        line_item=chosen_item,
        # The referral's accessories go with the first kit; a top-up or a give-back brings none unless named.
        accessories=clean_accessories(
            accessories if accessories is not None else referral.accessories if kind == AllocationKind.KIT else []
        ),
        site=referral.site,
        transfer_from=transfer_from,
        hold_until=until,
        created_by=user,
        replaces=replaces,
        pickup_at=pickup_at,
    )
    _event(allocation, user, "", note)
    if pickup_at is not None:
        _event(allocation, user, allocation.status, appointment_note(pickup_at))
    if kind == AllocationKind.KIT:
        referrals.referral_allocate(user=user, referral=referral, note=number)
    else:
        allocation_aftercare_record(user=user, allocation=allocation, event="reserved")
    kit_ready_notify(allocation)
    return allocation


def _allocation_locked(pk: int, *, user, action: str | None, with_erasure: bool):
    allocations = policies.allocations_for(user, action) if action else Allocation.objects.all()
    if with_erasure:
        latest = Erasure.objects.filter(device=OuterRef("device_id"), result=ErasureResult.PASSED).order_by(
            "-recorded_at", "-id"
        )
        allocations = allocations.annotate(
            erasure_method=Subquery(latest.values("method")[:1]),
            erasure_finished_at=Subquery(latest.values("finished_at")[:1]),
        )
    return (
        # Its row and its referral's (which moves with it), not the device's, the SIM card's nor the site's: the
        # device and the SIM card move by a statement that checks their state (stock's services, common.moves).
        allocations.select_for_update(of=("self", "referral"))
        .select_related(
            "referral__beneficiary",
            "referral__social_worker",
            "device",
            "line_item__offer",
            "site",
            "replaces__handover",
        )
        .filter(pk=pk)
        .order_by()[:1]  # by its key: nothing to order
    )


# Every handover, release and give-back starts here: its SQL (six joins, the erasure's subqueries) built once per
# connection and scope (common.compiled), where building it took thirty times what the database takes to answer.
_locked_allocation = CompiledRead(_allocation_locked)


def lock_allocation(
    allocation: Allocation | int, user=None, action: str | None = None, *, with_erasure: bool = False
) -> Allocation:
    """The allocation, row-locked (its row only), with its referral, device, SIM card or voucher and site.

    With `with_erasure`, the device's latest passed erasure comes in the same query (`erasure_method`,
    `erasure_finished_at`, None without one), as the receipt prints it.
    """
    pk = allocation if isinstance(allocation, int) else allocation.pk
    locked = _locked_allocation.first(
        pk,
        user=user,
        action=action,
        with_erasure=with_erasure,
        shape=(scope_shape(user) if action else (), action, with_erasure),
    )
    if locked is None:
        raise NotFound(_("No allocation #%(id)s.") % {"id": pk})
    mark_locked(locked.referral)
    return locked


def _refused(allocation: Allocation, transition: Transition) -> str:
    words = {"number": allocation.number, "status": AllocationStatus(allocation.status).label}
    if transition.name == "hand_over":
        return _("Kit %(number)s is %(status)s: it cannot be handed over.") % words
    return _("Kit %(number)s is %(status)s.") % words


def allocation_close(*, user, allocation: Allocation, transition: str, note: str, close_note: str = "") -> Allocation:
    """Move a locked held kit along ALLOCATION_WORKFLOW (hand over, release, expire), or refuse (409).

    The one place a kit's state changes after its reservation: the check that it is held, the new state, who
    and when, and the history row. The caller moves stock and the referral in the same transaction, after it.
    """
    step = ALLOCATION_WORKFLOW.get(transition)
    from_status = advance(allocation, step, refused=lambda: _refused(allocation, step), blocked="; ".join)
    row = AllocationEvent(
        allocation=allocation, by=user, from_status=from_status, to_status=allocation.status, note=note
    )
    # Its state, who closed it and when, and the history row, in one statement; locked, so it is as read.
    if not ALLOCATION_CLOSE.record(row, close_note=close_note[:500]):
        raise Conflict(
            _("Kit %(number)s moved at the same instant; try again.") % {"number": allocation.number}, "moved_meanwhile"
        )
    allocation.closed_at, allocation.closed_by, allocation.close_note = row.at, user, close_note[:500]
    appointment_release(allocation)
    return allocation


def _put_back(user, allocation: Allocation, transition: str, note: str) -> Allocation:
    """Close a held kit (released or expired) and return its device and SIM card or voucher to stock."""
    allocation_close(user=user, allocation=allocation, transition=transition, note=note, close_note=note)
    if allocation.device_id:
        inventory.device_release(user=user, device=allocation.device, note=note)
    if allocation.line_item_id:
        inventory.line_item_release(user=user, item=allocation.line_item, note=note)
    return allocation


@atomic
def allocation_release(*, user, allocation: Allocation | int, note: str = "") -> Allocation:
    """Put a held kit back: the device and the SIM card or voucher go back to stock, the referral waits again."""
    policies.require(user, "kit.reserve", _("Only mediators and coordinators release kits."))
    allocation = lock_allocation(allocation, user, "kit.reserve")
    note = (note or "").strip() or _("released")
    _put_back(user, allocation, "release", note)
    if allocation.kind == AllocationKind.KIT:
        referrals.referral_release(user=user, referral=allocation.referral, note=f"{allocation.number}: {note}")
        kit_released_notify(allocation, missed=False)
    return allocation


@atomic
def holds_expire(*, today: dt.date | None = None) -> dict[str, int]:
    """Release every hold past its date; a referral whose kit was missed once waits again, twice is a no-show.

    Safe to run again at once (nothing is past its date twice) and from cron every few minutes.
    """
    today = today or timezone.localdate()
    counts = {"released": 0, "back_to_accepted": 0, "no_show": 0}
    stale = list(
        # Only the allocations' rows: PostgreSQL cannot lock the nullable side of the outer joins to device and SIM.
        Allocation.objects.select_for_update(of=("self",))
        .filter(status=AllocationStatus.HELD, hold_until__lt=today)
        .select_related("device", "line_item")
        .order_by("id")
    )
    for allocation in stale:
        note = f"not collected by {allocation.hold_until.isoformat()}"  # a fact, put into words by the pages
        _put_back(None, allocation, "expire", note)
        counts["released"] += 1
        if allocation.kind != AllocationKind.KIT:
            continue
        misses = Allocation.objects.filter(
            referral_id=allocation.referral_id, kind=AllocationKind.KIT, status=AllocationStatus.EXPIRED
        ).count()
        if misses >= settings.BAGAGE_NO_SHOW_AFTER_MISSES:
            referrals.referral_no_show(user=None, referral=allocation.referral_id, note=f"{allocation.number}: {note}")
            counts["no_show"] += 1
        else:
            referrals.referral_release(user=None, referral=allocation.referral_id, note=f"{allocation.number}: {note}")
            kit_released_notify(allocation, missed=True)
            counts["back_to_accepted"] += 1
    return counts
