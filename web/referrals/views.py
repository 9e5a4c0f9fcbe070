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
from referrals.notice_texts import notice_text
from referrals.notices import current_notice, notice_get, notice_versions
from referrals.validators import BENEFICIARY_FIELDS
from referrals.workflows import DECISIONS
from web.permissions import allowed
from web.referrals.forms import LANGUAGES, NoticePublishForm, ReferralForm, notice_to_plain


def _form_error(form, exc: DomainError) -> None:
    field = str(exc.extra.get("field", "")).split(".")[-1]
    form.add_error(field if field in form.fields and field != "consent_version" else None, exc.message)


def _notice_context(form: ReferralForm, notice) -> dict:
    """The notice beside the consent box: every translation (the page's script shows the person's language)."""
    language = form.chosen_language()
    return {
        "notice": notice,
        "notice_texts": [
            (notice_text(notice, code), dict(LANGUAGES).get(code, code))
            for code in sorted(notice.texts, key=lambda code: (code != "fr", code))
        ],
        "notice_fallback": language not in notice.texts,
        "notice_language_name": dict(LANGUAGES).get(language, language),
    }


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
    notice = current_notice()
    form = ReferralForm(request.POST or None, notice_version=notice.label)
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
                consent_version=data["consent_version"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, gettext("Referral #%(id)s sent to the mediators.") % {"id": referral.pk})
            return redirect("web:referral", referral_id=referral.pk)
    if form.is_bound and form.data.get("consent_version"):
        # Show again the version the person was shown (the hidden field sends it back); an unknown one gives way
        # to the current version, shown and sent from now on.
        shown = notice_get(form.data["consent_version"])
        if shown is None:
            form.data = form.data.copy()
            form.data["consent_version"] = notice.label
        notice = shown or notice
    context = {"form": form, "year": timezone.localdate().year, **_notice_context(form, notice)}
    return render(request, "web/referral_form.html", context)


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


def notice_public(request, version: str | None = None):
    """The information notice for anyone, signed in or not (no personal data): the page a receipt points to."""
    notice = current_notice() if version is None else notice_get(version)
    if notice is None:
        raise Http404(gettext("No information notice has this version."))
    text = notice_text(notice, request.GET.get("lang"))
    languages = [(code, dict(LANGUAGES).get(code, code)) for code in sorted(notice.texts, key=lambda c: (c != "fr", c))]
    return render(
        request,
        "web/notice.html",
        {
            "notice": notice,
            "text": text,
            "languages": languages,
            "current": notice.pk == current_notice().pk,
            "requested_name": dict(LANGUAGES).get(text.requested, text.requested),
            "can_publish": request.user.is_authenticated and policies.allows(request.user, "notice.publish"),
        },
    )


@allowed(policies, "notice.publish")
def notice_versions_page(request):
    """Coordinators: every version published, and a new one written from the current one's words."""
    current = current_notice()
    # The current words, with their version number back to a placeholder for the new one.
    initial = {
        f"text_{code}": notice_to_plain(current.texts[code]).replace(current.label, "{version}")
        for code in ("fr", "en")
        if code in current.texts
    }
    form = NoticePublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.notice_publish(user=request.user, label=form.cleaned_data["version"], texts=form.texts())
        except DomainError as exc:
            field = str(exc.extra.get("field", ""))
            target = {"label": "version", "texts.fr": "text_fr", "texts.en": "text_en"}.get(field)
            form.add_error(target, exc.message)
        else:
            messages.success(request, gettext("Version %(version)s published.") % {"version": version.label})
            return redirect("web:notice_versions")
    return render(
        request,
        "web/notice_versions.html",
        {"form": form, "versions": notice_versions().select_related("created_by"), "current": current},
    )
