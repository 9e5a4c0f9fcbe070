"""Kit pages for mediators: reserve a kit, the pickup shelf, the kit, the handover desk, receipts, returns."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from common.exceptions import DomainError
from common.parsing import parse_id
from distribution import appointments, policies, selectors, services
from distribution.enums import AllocationKind, AllocationStatus, ReturnOutcome
from distribution.labelling import initials, kit_label
from distribution.models import Allocation
from inventory.labelling import check_label_count, default_stock_name
from inventory.models import Device
from labels.layout import LabelError
from labels.pdf import render_pdf
from labels.stocks import STOCKS
from referrals import services as referral_services
from referrals.enums import ReferralStatus
from sites.selectors import site_list
from web.distribution.forms import (
    AppointmentForm,
    GiveBackForm,
    HandoverForm,
    ReleaseForm,
    ReserveForm,
    ReturnForm,
    TopupForm,
    choice_key,
)
from web.forms import show_error
from web.permissions import allowed


def _allocation(user, allocation_id: int, action: str = "kit.read") -> Allocation:
    """One kit of the user's scope with everything its pages show, or 404."""
    allocation = selectors.allocation_for(user, allocation_id, action)
    if allocation is None:
        raise Http404(_("No such kit."))
    return allocation


def _receipt(allocation: Allocation):
    return selectors.receipt_of(allocation)


# --- reserve ---------------------------------------------------------------------------------------


@allowed(policies, "kit.reserve")
def kit_reserve(request, referral_id: int):
    referral = selectors.decidable_referral(request.user, referral_id)
    if referral is None:
        raise Http404(_("No such referral."))
    accepted = referral.status == ReferralStatus.ACCEPTED
    found = selectors.suggestions(referral) if accepted else []
    slots = _free_slots(referral.site, selectors.hold_until()) if accepted else []
    data = request.POST if request.method == "POST" else None
    form = ReserveForm(data, suggestions=found, slots=slots, initial={"accessories": referral.accessories})
    if data is not None and accepted and form.is_valid():
        chosen = form.chosen()
        try:
            allocation = services.allocation_reserve(
                user=request.user,
                referral=referral.pk,
                device=chosen.device.asset_tag if chosen.device else None,
                line_item=chosen.line_item.pk if chosen.line_item else None,
                accessories=form.cleaned_data["accessories"],
                pickup_at=form.chosen_pickup(),
            )
        except DomainError as exc:
            # Someone else may have taken the device or the last place of the slot a second ago: the choices are
            # read again, and what was chosen stays chosen if it is still offered.
            referral.refresh_from_db(fields=["status"])
            accepted = referral.status == ReferralStatus.ACCEPTED
            found = selectors.suggestions(referral) if accepted else []
            slots = _free_slots(referral.site, selectors.hold_until()) if accepted else []
            kept = data.copy()
            ticked = data.get("choice", "")
            if ticked not in {choice_key(s) for s in found}:
                kept.pop("choice", None)
            if data.get("pickup_at", "") not in {slot.value for slot in slots}:
                kept.pop("pickup_at", None)
            form = ReserveForm(kept, suggestions=found, slots=slots)
            form.is_valid()
            if "choice" not in kept:
                form.errors.pop("choice", None)
            show_error(form, exc)
        else:
            messages.success(request, _("Kit %(number)s reserved.") % {"number": allocation.number})
            return redirect("web:kit", allocation_id=allocation.pk)
    elif data is not None and not accepted:
        form.add_error(None, _("A kit is reserved for an accepted referral."))
    if referral.status == ReferralStatus.HANDED_OVER:
        # The person has their kit: what the desk can still give is a top-up.
        return redirect("web:kit_topup", referral_id=referral.pk)
    return render(
        request,
        "web/kit_reserve.html",
        {
            "referral": referral,
            "initials": initials(referral.beneficiary.first_name, referral.beneficiary.last_name),
            "accepted": accepted,
            "form": form,
            "choices": [(choice_key(s), s) for s in form.suggestions],
        },
    )


def _free_slots(site, until):
    return appointments.site_slots(site, until=until, days=appointments.SLOT_DAYS_MAX)


# --- the pickup shelf and labels -------------------------------------------------------------------


def todays_appointments(user, site: str | None = None, limit: int = 100) -> list[dict]:
    """Today's appointments in the user's scope (a site's, when given), in time order, with the person's initials."""
    kits = selectors.appointments_on(policies.allocations_for(user), site=site)[:limit]
    return [
        {"kit": kit, "initials": initials(kit.referral.beneficiary.first_name, kit.referral.beneficiary.last_name)}
        for kit in kits
    ]


@allowed(policies, "kit.read")
def kit_shelf(request):
    site = (request.GET.get("site") or "").strip() or None
    status = request.GET.get("status") or AllocationStatus.HELD
    if status not in AllocationStatus.values:
        status = AllocationStatus.HELD
    kits = list(selectors.shelf(policies.allocations_for(request.user), site=site, status=status)[:500])
    today = timezone.localdate()
    rows = [
        {
            "kit": kit,
            "initials": initials(kit.referral.beneficiary.first_name, kit.referral.beneficiary.last_name),
            "overdue": kit.status == AllocationStatus.HELD and kit.hold_until < today,
        }
        for kit in kits
    ]
    return render(
        request,
        "web/kit_shelf.html",
        {
            "rows": rows,
            "filters": {"site": site or "", "status": status},
            "statuses": AllocationStatus.choices,
            "sites": site_list(),
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(request.user.site),
            "can_hand_over": policies.allows(request.user, "kit.hand_over"),
            "appointments": todays_appointments(request.user, site) if status == AllocationStatus.HELD else None,
            "show_site": not site,
        },
    )


@allowed(policies, "kit.read")
def kit_labels(request):
    """The kit labels of the kits asked (`?id=…&id=…`), in one PDF, on the stock asked or the site's."""
    asked = request.GET.getlist("id")
    try:
        check_label_count(len(asked))
    except DomainError as exc:
        return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")
    ids = [kit_id for kit_id in map(parse_id, asked) if kit_id is not None]
    kits = list(
        selectors.shelf(policies.allocations_for(request.user), status=",".join(AllocationStatus.values)).filter(
            pk__in=ids
        )
    )
    if not kits:
        raise Http404(_("No such kit."))
    stock = STOCKS.get(request.GET.get("stock") or default_stock_name(kits[0].site))
    if stock is None:
        return HttpResponse(_("Unknown label stock."), status=400, content_type="text/plain; charset=utf-8")
    try:
        content = render_pdf([kit_label(kit) for kit in kits], stock, title=_("Kit labels"))
    except LabelError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    name = kits[0].number if len(kits) == 1 else "kits"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# --- one kit ---------------------------------------------------------------------------------------


@allowed(policies, "kit.read")
def kit_detail(request, allocation_id: int):
    allocation = _allocation(request.user, allocation_id)
    receipt = _receipt(allocation)
    return render(
        request,
        "web/kit_detail.html",
        {
            "kit": allocation,
            "initials": initials(allocation.referral.beneficiary.first_name, allocation.referral.beneficiary.last_name),
            "events": allocation.events.select_related("by"),
            "receipt": receipt
            if receipt and policies.receipts_for(request.user).filter(pk=receipt.pk).exists()
            else None,
            "held": allocation.status == AllocationStatus.HELD,
            "overdue": allocation.status == AllocationStatus.HELD and allocation.hold_until < timezone.localdate(),
            "release_form": ReleaseForm(),
            "appointment_form": _appointment_form(request.user, allocation),
            "can_release": policies.allows(request.user, "kit.reserve"),
            "can_hand_over": policies.allows(request.user, "kit.hand_over"),
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(allocation.site),
            **aftercare_context(request.user, allocation.referral),
        },
    )


def _appointment_form(user, allocation: Allocation, data=None) -> AppointmentForm | None:
    """The form that moves or clears a held kit's appointment, for those who may (None otherwise)."""
    if allocation.status != AllocationStatus.HELD or not policies.allows(user, "kit.reserve"):
        return None
    slots = _free_slots(allocation.site, allocation.hold_until)
    return AppointmentForm(data, slots=slots, current=allocation.pickup_at)


@allowed(policies, "kit.reserve")
def kit_appointment(request, allocation_id: int):
    """Set, move or clear the kit's appointment (POST from the kit page)."""
    allocation = _allocation(request.user, allocation_id, "kit.reserve")
    if request.method != "POST":
        return redirect("web:kit", allocation_id=allocation.pk)
    form = _appointment_form(request.user, allocation, request.POST)
    if form is None:
        messages.error(request, _("Only a held kit has an appointment."))
        return redirect("web:kit", allocation_id=allocation.pk)
    if form.is_valid():
        try:
            services.allocation_appointment_set(
                user=request.user, allocation=allocation.pk, pickup_at=form.chosen_pickup()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if form.chosen_pickup() is None:
                messages.success(request, _("The appointment is cancelled."))
            else:
                messages.success(
                    request, _("Appointment: %(when)s.") % {"when": appointments.words(form.chosen_pickup())}
                )
        return redirect("web:kit", allocation_id=allocation.pk)
    for error in form.errors.get("pickup_at", []):
        messages.error(request, error)
    return redirect("web:kit", allocation_id=allocation.pk)


@allowed(policies, "kit.reserve")
def kit_release(request, allocation_id: int):
    allocation = _allocation(request.user, allocation_id, "kit.reserve")
    if request.method != "POST":
        return redirect("web:kit", allocation_id=allocation.pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect("web:kit", allocation_id=allocation.pk)
    try:
        services.allocation_release(user=request.user, allocation=allocation.pk, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Kit %(number)s released: its contents are back in stock.") % {"number": allocation.number}
        )
    return redirect("web:kit", allocation_id=allocation.pk)


# --- the handover desk -----------------------------------------------------------------------------


@allowed(policies, "kit.hand_over")
def kit_handover(request, allocation_id: int):
    allocation = _allocation(request.user, allocation_id, "kit.hand_over")
    if allocation.status != AllocationStatus.HELD:
        receipt = _receipt(allocation)
        if receipt is not None:
            messages.info(request, _("This kit was handed over already."))
            return redirect("web:receipt", number=receipt.number)
        messages.error(
            request,
            _("Kit %(number)s is %(status)s.")
            % {"number": allocation.number, "status": allocation.get_status_display()},
        )
        return redirect("web:kit", allocation_id=allocation.pk)
    topup = allocation.kind == AllocationKind.TOPUP
    form = HandoverForm(
        request.POST or None, initial={"accessories": [] if topup else allocation.accessories}, allocation=allocation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = services.handover_record(
                user=request.user,
                allocation=allocation.pk,
                # A top-up's handover is short: no device to check, nothing else in the bag.
                checklist=None if topup else form.checklist(),
                contribution_eur=data["contribution_eur"],
                payment=data["payment"],
                accessories=[] if topup else data["accessories"],
                signature_png=data["signature_png"] or None,
                signed_on_paper=data["signed_on_paper"],
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            done = {
                AllocationKind.TOPUP: _("Top-up %(number)s handed over."),
                AllocationKind.SWAP: _("Replacement %(number)s handed over."),
                AllocationKind.REPAIR: _("Repaired device %(number)s given back."),
            }.get(allocation.kind, _("Kit %(number)s handed over."))
            messages.success(request, done % {"number": allocation.number})
            return redirect("web:receipt", number=handover.receipt.number)
    # The person's full name is shown to check who takes the kit: a read of personal data, logged.
    referral_services.beneficiary_access_record(user=request.user, referral=allocation.referral, action="handover")
    return render(
        request,
        "web/kit_handover.html",
        {"kit": allocation, "person": allocation.referral.beneficiary, "form": form, "topup": topup},
    )


# --- receipts --------------------------------------------------------------------------------------


def _receipt_or_404(user, number: str):
    receipt = selectors.receipt_by_number(policies.receipts_for(user), number)
    if receipt is None:
        raise Http404(_("No such receipt."))
    return receipt


@allowed(policies, "receipt.read")
def receipt_page(request, number: str):
    """The receipt just issued, shown ready to print."""
    receipt = _receipt_or_404(request.user, number)
    return render(request, "web/receipt.html", {"receipt": receipt, "kit": receipt.handover.allocation})


@xframe_options_sameorigin
@allowed(policies, "receipt.read")
def receipt_pdf(request, number: str):
    """The original bytes of the receipt, inline (the receipt page frames it); each read is logged."""
    receipt = _receipt_or_404(request.user, number)
    try:
        content = services.receipt_original(receipt, user=request.user)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.number}.pdf"'
    return response


# --- returns ---------------------------------------------------------------------------------------


def _return_answer(request, returned, person_present: bool):
    """Where the desk goes after a return: the swap's handover when the person is here, else what happens next."""
    if not policies.allows(request.user, "kit.read"):
        return redirect("web:device", asset_tag=returned.device.asset_tag)
    referral_id = returned.handover.allocation.referral_id
    if returned.outcome == ReturnOutcome.SWAP:
        kit = Allocation.objects.filter(replaces=returned, status=AllocationStatus.HELD).first()
        if kit is not None:
            if person_present and policies.allows(request.user, "kit.hand_over"):
                return redirect("web:kit_handover", allocation_id=kit.pk)
            return redirect("web:kit", allocation_id=kit.pk)
    return redirect("web:referral", referral_id=referral_id)


@allowed(policies, "kit.take_back")
def device_return(request, asset_tag: str):
    """Take a device back at the desk: who has it, its receipt and warranty, and for a swap the new device."""
    device = Device.objects.select_related("site").filter(asset_tag=asset_tag.strip().upper()).first()
    if device is None:
        raise Http404(_("No such device."))
    handover = selectors.last_handover_of(device)
    if handover is not None and not policies.may_take_back(request.user, handover):
        # Scoped like the person's referral, as the service is: another site's person's device is not here.
        raise Http404(_("No such device."))
    referral = handover.allocation.referral if handover is not None else None
    held = handover is not None and device.status == "handed_over"
    under_warranty = bool(held and handover.warranty_until and handover.warranty_until >= timezone.localdate())
    replacements = selectors.replacement_devices(referral, device.kind) if under_warranty else []
    form = ReturnForm(request.POST or None, replacements=replacements, under_warranty=under_warranty or not held)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            returned = services.device_return(
                user=request.user,
                device=device.asset_tag,
                reason=data["reason"],
                outcome=data["outcome"],
                note=data["note"],
                replacement=data.get("replacement") or None,
                present=bool(data.get("present")),
            )
        except DomainError as exc:
            # A swap reserves the replacement: its refusals name the device.
            show_error(form, exc, {"device": "replacement"})
        else:
            kit = Allocation.objects.filter(replaces=returned, status=AllocationStatus.HELD).first()
            if kit is not None:
                text = _("%(tag)s taken back; %(new)s is reserved for the person (kit %(number)s).") % {
                    "tag": device.asset_tag,
                    "new": kit.device.asset_tag if kit.device_id else "—",
                    "number": kit.number,
                }
            elif returned.outcome == ReturnOutcome.REPAIR:
                text = _(
                    "%(tag)s taken back for repair: the warranty now runs until %(date)s. Once ready again, give it "
                    "back from the person's referral page."
                ) % {"tag": device.asset_tag, "date": formats.date_format(returned.handover.warranty_until)}
            else:
                text = _("%(tag)s taken back (%(outcome)s).") % {
                    "tag": device.asset_tag,
                    "outcome": returned.get_outcome_display(),
                }
            messages.success(request, text)
            return _return_answer(request, returned, bool(data.get("present")))
    receipt = getattr(handover, "receipt", None) if handover is not None else None
    return render(
        request,
        "web/device_return.html",
        {
            "device": device,
            "form": form,
            "handover": handover if held else None,
            # Whose device it is: for the desk (kit readers); the workshop learns only the warranty.
            "initials": initials(referral.beneficiary.first_name, referral.beneficiary.last_name)
            if held and policies.allows(request.user, "kit.read")
            else "",
            "referral": referral if held and policies.allows(request.user, "kit.read") else None,
            "receipt": receipt
            if held and receipt and policies.receipts_for(request.user).filter(pk=receipt.pk).exists()
            else None,
            "under_warranty": under_warranty,
            "may_read_kits": policies.allows(request.user, "kit.read"),
        },
    )


# --- after the handover: top-ups and repaired devices given back -----------------------------------


def aftercare_context(user, referral) -> dict:
    """What the referral and kit pages show after the handover: the ledger, a top-up, a repaired device to give
    back. Empty for whoever does not handle kits, or outside their scope."""
    if not policies.allows(user, "kit.read") or not policies.allocations_for(user).filter(referral=referral).exists():
        return {}
    may_reserve = policies.allows(user, "kit.reserve")
    refusal = selectors.topup_refusal(referral)
    repair = selectors.repair_awaiting_give_back(referral) if may_reserve else None
    return {
        "ledger": selectors.ledger_lines(referral),
        "support_until": selectors.support_until(referral),
        "can_topup": may_reserve and refusal is None,
        "topup_refusal": refusal if may_reserve and referral.status == ReferralStatus.HANDED_OVER else None,
        "repair": repair,
        "repair_ready": repair is not None and repair.device.status == "ready",
        "give_back_form": GiveBackForm(),
        "aftercare_referral": referral,
    }


def _decidable_referral(user, referral_id: int):
    referral = selectors.decidable_referral(user, referral_id)
    if referral is None:
        raise Http404(_("No such referral."))
    return referral


@allowed(policies, "kit.reserve")
def kit_topup(request, referral_id: int):
    """A top-up at the desk: pick the SIM card or voucher (the first to expire proposed), then the short handover."""
    referral = _decidable_referral(request.user, referral_id)
    refusal = selectors.topup_refusal(referral)
    today = timezone.localdate()
    items = list(selectors.fitting_line_items(referral, today)[:10]) if refusal is None else []
    form = TopupForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            allocation = services.allocation_reserve(
                user=request.user,
                referral=referral.pk,
                kind=AllocationKind.TOPUP,
                line_item=int(form.cleaned_data["line_item"]),
                accessories=[],
                present=True,
            )
        except DomainError as exc:
            show_error(form, exc)
            status = exc.status if 400 <= exc.status < 500 else 400
        else:
            return redirect("web:kit_handover", allocation_id=allocation.pk)
    elif request.method == "POST" and refusal is not None:
        status = 409
    return render(
        request,
        "web/kit_topup.html",
        {
            "referral": referral,
            "initials": initials(referral.beneficiary.first_name, referral.beneficiary.last_name),
            "form": form,
            "items": [(str(item.pk), item) for item in form.items],
            "refusal": refusal,
            "support_until": selectors.support_until(referral),
        },
        status=status,
    )


@allowed(policies, "kit.reserve")
def kit_give_back(request, referral_id: int):
    """Give a repaired device back to its person: a repair kit, handed over now when the person is here."""
    referral = _decidable_referral(request.user, referral_id)
    if request.method != "POST":
        return redirect("web:referral", referral_id=referral.pk)
    form = GiveBackForm(request.POST)
    present = form.is_valid() and form.cleaned_data["present"]
    try:
        allocation = services.allocation_reserve(
            user=request.user, referral=referral.pk, kind=AllocationKind.REPAIR, present=present
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:referral", referral_id=referral.pk)
    if present and policies.allows(request.user, "kit.hand_over"):
        return redirect("web:kit_handover", allocation_id=allocation.pk)
    held = _("Repaired device held for the person (kit %(number)s).")
    messages.success(request, held % {"number": allocation.number})
    return redirect("web:kit", allocation_id=allocation.pk)
