"""Referral pages: social workers refer and follow; mediators and coordinators decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from common.exceptions import DomainError, InvalidTransition, ValidationFailed
from distribution import policies as kit_policies
from distribution import selectors as kit_selectors
from distribution.enums import AllocationStatus
from inventory.enums import DeviceKind
from notifications.services import referral_messages
from referrals import policies, selectors, services
from referrals.enums import Accessory, Eligibility, ReferralStatus
from referrals.models import Organisation
from referrals.notice_texts import notice_text
from referrals.notices import current_notice, notice_get, notice_versions
from referrals.validators import BENEFICIARY_FIELDS
from referrals.workflows import DECISIONS
from sites.selectors import reception_points
from web.confirm import confirmation, confirmed
from web.distribution.views import aftercare_context
from web.forms import show_error
from web.permissions import allowed
from web.referrals.forms import LANGUAGES, NoticePublishForm, ReferralEditForm, ReferralForm, notice_to_plain
from web.templatetags.bagage import person


def _form_error(form, exc: DomainError) -> None:
    show_error(form, exc, ReferralForm.DOMAIN_FIELDS)


def _seen_duplicates(request) -> set[int]:
    """The referrals the social worker was shown as possibly the same person, and chose to send anyway."""
    return {int(value) for value in request.POST.get("duplicates_seen", "").split(",") if value.isdigit()}


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
    status = request.GET.get("status")
    if status is None and policies.allows(request.user, "referral.decide"):
        # A mediator's queue opens on what waits for their decision; every other status is one click away.
        status = ReferralStatus.SUBMITTED
    answered = request.GET.get("answered") == "1"
    filters = {"status": status or None, "q": request.GET.get("q") or None, "answered": answered}
    referrals = selectors.referral_list(request.user, **filters)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    # The page's rows with their duplicate flags, in the query that reads them; the count reads the list alone.
    flagged = selectors.with_duplicates(request.user, referrals)
    page.object_list = flagged[page.start_index() - 1 : page.end_index()] if page.paginator.count else []
    return render(
        request,
        "web/referral_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ReferralStatus.choices,
            "own": not policies.is_staff_reader(request.user),
            # The export takes the filters the list shows, including the status it opened on by default.
            "export_query": urlencode({k: "1" if v is True else v for k, v in filters.items() if v}),
        },
    )


@allowed(policies, "referral.submit")
def referral_new(request):
    notice = current_notice()
    form = ReferralForm(request.POST or None, notice_version=notice.label, initial={"site": nearest_site(request.user)})
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Before anything reaches the mediators: is this person referred already, among what this social worker
        # may open? Shown with a confirmation step; sending anyway is their call.
        duplicates = list(
            selectors.duplicates_of(
                request.user, identity_key=form.person["identity_key"], phone_key=form.person["phone_key"]
            )
        )
        if {d.pk for d in duplicates} <= _seen_duplicates(request):
            duplicates = []
    if request.method == "POST" and form.is_valid() and not duplicates:
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
            show_error(form, exc, {"consent_version": None})
        else:
            messages.success(
                request,
                gettext("Referral #%(id)s sent to the mediators.") % {"id": referral.pk},
                extra_tags="kept-referral-new",
            )
            return redirect("web:referral", referral_id=referral.pk)
    if form.is_bound and form.data.get("consent_version"):
        # Show again the version the person was shown (the hidden field sends it back); an unknown one gives way
        # to the current version, shown and sent from now on.
        shown = notice_get(form.data["consent_version"])
        if shown is None:
            form.data = form.data.copy()
            form.data["consent_version"] = notice.label
        notice = shown or notice
    context = {
        "form": form,
        "year": timezone.localdate().year,
        "duplicates": duplicates,
        "duplicates_seen": ",".join(str(d.pk) for d in duplicates),
        **_notice_context(form, notice),
    }
    return render(request, "web/referral_form.html", context)


def conflict_sentence(referral) -> str:
    """Why an action came too late, from the referral's last status change: who moved it, to what, when."""
    event = referral.events.exclude(to_status="").select_related("by").order_by("-at", "-id").first()
    status = ReferralStatus(referral.status).label
    if event is None:
        return gettext("This referral is already “%(status)s”.") % {"status": status}
    at = timezone.localtime(event.at)
    return gettext("This referral is already “%(status)s”: %(who)s changed it on %(date)s at %(time)s.") % {
        "status": status,
        "who": person(event.by) or "Bagage",
        "date": date_format(at, "SHORT_DATE_FORMAT"),
        "time": date_format(at, "TIME_FORMAT"),
    }


# What cannot be undone, said before it is done.
CONFIRM_REFERRAL = {
    "reject": gettext_lazy("Reject this referral? The social worker reads your message; a rejection cannot be undone."),
    "cancel": gettext_lazy("Cancel this referral? A cancelled referral cannot be reopened: a new one would be needed."),
}


def nearest_site(user) -> str | None:
    """The reception point nearest the social worker's organisation: same département, else the first."""
    organisation_id = policies.organisation_id_of(user)
    points = list(reception_points())
    if not points:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    code = (organisation.postal_code if organisation else "") or ""
    department = code[:3] if code[:2] in ("97", "98") else code[:2]
    for point in points:
        if department and (point.postal_code or "").startswith(department):
            return point.code
    return points[0].code


@allowed(policies, "referral.read")
def referral_edit(request, referral_id: int):
    """The social worker corrects their referral while it waits (submitted, or a question asked)."""
    referral = selectors.referral_get(request.user, referral_id)
    if referral is None:
        raise Http404(gettext("No such referral."))
    if "update" not in policies.referral_actions(request.user, referral):
        raise PermissionDenied
    person = referral.beneficiary
    initial = {name: getattr(person, name) for name in BENEFICIARY_FIELDS}
    initial.update(
        {
            name: getattr(referral, name)
            for name in ("device_kinds", "connectivity", "accessories", "reason", "urgency")
            + ("urgency_justification", "notes")
        }
    )
    initial["site"] = referral.site.code
    form = ReferralEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.referral_update(
                    user=request.user,
                    referral=referral,
                    changes={
                        "beneficiary": {k: data[k] for k in BENEFICIARY_FIELDS if k in data},
                        "needs": {k: data[k] for k in ("device_kinds", "connectivity", "accessories")},
                        "reason": data["reason"],
                        "urgency": data["urgency"],
                        "urgency_justification": data["urgency_justification"],
                        "site": data["site"],
                        "notes": data["notes"],
                    },
                )
            except DomainError as exc:
                show_error(form, exc, {"consent_version": None})
                status = exc.status if 400 <= exc.status < 500 else 400
            else:
                messages.success(
                    request,
                    gettext("Referral #%(id)s corrected.") % {"id": referral.pk},
                    extra_tags=f"kept-referral-edit-{referral.pk}",
                )
                return redirect("web:referral", referral_id=referral.pk)
        else:
            status = 400
    return render(request, "web/referral_edit.html", {"form": form, "referral": referral}, status=status)


def _done_sentence(action: str, referral) -> str:
    """What just happened, in words: a success that says only "Done." tells nothing."""
    number = {"id": referral.pk}
    return {
        "accept": gettext("Referral #%(id)s accepted."),
        "reject": gettext("Referral #%(id)s refused."),
        "needs_info": gettext("Question sent to the social worker of referral #%(id)s."),
        "answer": gettext("Answer sent: referral #%(id)s is back with the mediators."),
        "cancel": gettext("Referral #%(id)s cancelled."),
        "sms_stop": gettext("No more SMS will be sent to this person."),
    }.get(action, gettext("Referral #%(id)s updated.")) % number


@allowed(policies, "referral.read")
def referral_detail(request, referral_id: int):
    user = request.user
    referral = selectors.referral_get(user, referral_id)
    if referral is None:
        raise Http404(gettext("No such referral."))
    kept: dict = {}
    confirm = None
    status = 200
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        kept = {"action": action, "note": note}
        # A rejection without its reason is refused anyway: say that first, then ask to confirm.
        if action in CONFIRM_REFERRAL and not confirmed(request) and (action != "reject" or note.strip()):
            confirm = confirmation(request, str(CONFIRM_REFERRAL[action]))
        else:
            try:
                if action in DECISIONS:
                    services.referral_decide(user=user, referral=referral, decision=action, reason=note)
                elif action == "answer":
                    services.referral_answer(user=user, referral=referral, answer=note)
                elif action == "cancel":
                    services.referral_cancel(user=user, referral=referral, reason=note)
                elif action == "sms_stop":
                    services.beneficiary_sms_stop(user=user, referral=referral)
                else:
                    raise ValidationFailed(gettext("Unknown action."))
            except InvalidTransition:
                referral = selectors.referral_get(user, referral_id)
                kept["error"] = conflict_sentence(referral)
                status = 409
            except DomainError as exc:
                referral = selectors.referral_get(user, referral_id) or referral
                kept["error"] = exc.message
                status = exc.status if 400 <= exc.status < 500 else 400
            else:
                # What the browser kept of these forms (in case the session had expired) can go.
                kept_keys = f"kept-referral-{referral.pk}-decision kept-referral-{referral.pk}-answer"
                messages.success(request, _done_sentence(action, referral), extra_tags=kept_keys)
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
    can_decide = bool({"accept", "reject", "ask_info"} & set(actions))
    can_answer = "answer" in actions
    # The text typed is never lost: in its own box again, or, if that box is gone (the referral moved
    # meanwhile), shown apart so that it can be copied.
    form_shown = {"answer": can_answer, "cancel": False}.get(kept.get("action"), can_decide)
    return render(
        request,
        "web/referral_detail.html",
        {
            "referral": referral,
            "person": referral.beneficiary,
            "events": selectors.referral_events(referral),
            "duplicates": selectors.possible_duplicates(user, referral),
            "can_decide": can_decide,
            "can_answer": can_answer,
            "can_cancel": "cancel" in actions,
            "can_update": "update" in actions,
            "kept": kept,
            "kept_apart": bool(kept.get("note", "").strip()) and not form_shown,
            "confirmation": confirm,
            "eligibility": [Eligibility(e).label for e in referral.beneficiary.eligibility],
            "device_kinds": [DeviceKind(k).label for k in referral.device_kinds],
            "accessories": [Accessory(a).label for a in referral.accessories],
            "kit": kit,
            "kit_receipt": getattr(getattr(kit, "handover", None), "receipt", None)
            if kit and kit.status == AllocationStatus.HANDED_OVER and kit_policies.allows(user, "receipt.read")
            else None,
            "handed_over_at": handed_over_at,
            "appointment": kit_selectors.appointment_of(referral)
            if referral.status == ReferralStatus.ALLOCATED
            else None,
            "can_reserve": referral.status == ReferralStatus.ACCEPTED and kit_policies.allows(user, "kit.reserve"),
            **aftercare_context(user, referral),
            "messages_sent": referral_messages(referral.pk),
            "can_stop_sms": referral.beneficiary.sms_consent and can_decide_any(user),
        },
        status=status,
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
            show_error(form, exc, {"label": "version", "texts.fr": "text_fr", "texts.en": "text_en"})
        else:
            messages.success(request, gettext("Version %(version)s published.") % {"version": version.label})
            return redirect("web:notice_versions")
    return render(
        request,
        "web/notice_versions.html",
        {"form": form, "versions": notice_versions().select_related("created_by"), "current": current},
    )


def can_decide_any(user) -> bool:
    """Mediators and coordinators record a person's "stop"."""
    return policies.allows(user, "referral.decide")
