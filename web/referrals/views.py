"""Referral pages: social workers refer and follow; mediators and coordinators decide."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from common.exceptions import DomainError
from distribution import policies as kit_policies
from distribution import selectors as kit_selectors
from distribution.enums import AllocationStatus
from inventory.enums import DeviceKind
from referrals import policies, selectors, services
from referrals.enums import Accessory, Eligibility, ReferralStatus
from referrals.validators import BENEFICIARY_FIELDS
from referrals.workflows import DECISIONS
from web.permissions import allowed
from web.referrals.forms import ReferralForm


def _form_error(form, exc: DomainError) -> None:
    field = str(exc.extra.get("field", "")).split(".")[-1]
    form.add_error(field if field in form.fields else None, exc.message)


@allowed(policies, "referral.read")
def referral_list(request):
    filters = {"status": request.GET.get("status") or None, "q": request.GET.get("q") or None}
    page = Paginator(selectors.referral_list(request.user, **filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/referral_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ReferralStatus.choices,
            "own": not policies.is_staff_reader(request.user),
        },
    )


@allowed(policies, "referral.submit")
def referral_new(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_submit(
                user=request.user,
                beneficiary={k: data[k] for k in BENEFICIARY_FIELDS},
                device_kinds=data["device_kinds"],
                connectivity=data["connectivity"],
                accessories=data["accessories"],
                reason=data["reason"],
                urgency=data["urgency"],
                urgency_justification=data["urgency_justification"],
                site=data["site"],
                notes=data["notes"],
                consent=data["consent"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, gettext("Referral #%(id)s sent to the mediators.") % {"id": referral.pk})
            return redirect("web:referral", referral_id=referral.pk)
    return render(request, "web/referral_form.html", {"form": form, "year": timezone.localdate().year})


@allowed(policies, "referral.read")
def referral_detail(request, referral_id: int):
    user = request.user
    referral = selectors.referral_get(user, referral_id)
    if referral is None:
        raise Http404(gettext("No such referral."))
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        try:
            if action in DECISIONS:
                services.referral_decide(user=user, referral=referral, decision=action, reason=note)
            elif action == "answer":
                services.referral_answer(user=user, referral=referral, answer=note)
            elif action == "cancel":
                services.referral_cancel(user=user, referral=referral, reason=note)
            else:
                raise DomainError(gettext("Unknown action."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Done."))
        return redirect("web:referral", referral_id=referral.pk)
    services.beneficiary_access_record(user=user, referral=referral)
    actions = policies.referral_actions(user, referral)
    # Staff see the kit held or handed over; a social worker sees only the date it was handed over.
    kit = (
        kit_policies.allocations_for(user)
        .filter(referral=referral, status__in=(AllocationStatus.HELD, AllocationStatus.HANDED_OVER))
        .select_related("handover__receipt")
        .order_by("-created_at", "-id")
        .first()
    )
    handed_over_at = (
        kit_selectors.first_handover_at(referral) if referral.status == ReferralStatus.HANDED_OVER else None
    )
    return render(
        request,
        "web/referral_detail.html",
        {
            "referral": referral,
            "person": referral.beneficiary,
            "events": selectors.referral_events(referral),
            "duplicates": selectors.possible_duplicates(user, referral),
            "can_decide": bool({"accept", "reject", "ask_info"} & set(actions)),
            "can_answer": "answer" in actions,
            "can_cancel": "cancel" in actions,
            "eligibility": [Eligibility(e).label for e in referral.beneficiary.eligibility],
            "device_kinds": [DeviceKind(k).label for k in referral.device_kinds],
            "accessories": [Accessory(a).label for a in referral.accessories],
            "kit": kit,
            "kit_receipt": getattr(getattr(kit, "handover", None), "receipt", None)
            if kit and kit.status == AllocationStatus.HANDED_OVER and kit_policies.allows(user, "receipt.read")
            else None,
            "handed_over_at": handed_over_at,
            "can_reserve": referral.status == ReferralStatus.ACCEPTED and kit_policies.allows(user, "kit.reserve"),
        },
    )
