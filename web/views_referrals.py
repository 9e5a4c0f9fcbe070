"""Referral pages: social workers refer and follow; mediators and coordinators decide."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from common.exceptions import DomainError
from inventory.enums import DeviceKind
from inventory.models import Site
from referrals import selectors, services, workflows
from referrals.enums import Accessory, Connectivity, Eligibility, Reason, ReferralStatus, Urgency
from web.permissions import role_required

READERS = (Role.SOCIAL_WORKER, Role.MEDIATOR, Role.COORDINATOR)
LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("pt", "Português"),
    ("tr", "Türkçe"),
    ("ro", "Română"),
    ("ps", "پښتو"),
    ("fa", "فارسی"),
    ("ti", "ትግርኛ"),
    ("so", "Soomaali"),
]


class ReferralForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    birth_year = forms.IntegerField(label=_("Birth year"))
    language = forms.ChoiceField(label=_("Language spoken"), choices=LANGUAGES, initial="fr")
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=200,
        required=False,
        help_text=_("Only what helps give the kit (large print, sign language…); no health details."),
    )
    eligibility = forms.MultipleChoiceField(
        label=_("Eligibility"), choices=Eligibility.choices, widget=forms.CheckboxSelectMultiple
    )
    eligibility_note = forms.CharField(label=_("If other, which"), max_length=200, required=False)
    device_kinds = forms.MultipleChoiceField(
        label=_("Device"), choices=DeviceKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    connectivity = forms.ChoiceField(
        label=_("Connectivity"), choices=Connectivity.choices, widget=forms.RadioSelect, initial=Connectivity.SIM
    )
    accessories = forms.MultipleChoiceField(
        label=_("Accessories"), choices=Accessory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(label=_("What it is for"), choices=Reason.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.NORMAL
    )
    urgency_justification = forms.CharField(label=_("Why it is urgent"), max_length=500, required=False)
    site = forms.ModelChoiceField(label=_("Reception point"), queryset=Site.objects.none(), to_field_name="code")
    notes = forms.CharField(label=_("Notes for the mediator"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    consent = forms.BooleanField(
        label=_("The person agrees that the association keeps these details to give them a kit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(is_reception_point=True, is_active=True).order_by("code")


def _form_error(form: forms.Form, exc: DomainError) -> None:
    field = str(exc.extra.get("field", "")).split(".")[-1]
    form.add_error(field if field in form.fields else None, exc.message)


@role_required(*READERS)
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
            "own": request.user.role == Role.SOCIAL_WORKER,
        },
    )


@role_required(Role.SOCIAL_WORKER)
def referral_new(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_submit(
                user=request.user,
                beneficiary={k: data[k] for k in services.BENEFICIARY_FIELDS},
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


@role_required(*READERS)
def referral_detail(request, referral_id: int):
    user = request.user
    referral = selectors.referral_get(user, referral_id)
    if referral is None:
        raise Http404(gettext("No such referral."))
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        try:
            if action in workflows.DECISIONS and user.role in services.DECIDERS:
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
    return render(
        request,
        "web/referral_detail.html",
        {
            "referral": referral,
            "person": referral.beneficiary,
            "events": selectors.referral_events(referral),
            "duplicates": selectors.possible_duplicates(user, referral),
            "can_decide": user.role in services.DECIDERS and bool(workflows.allowed(referral.status, "mediator")),
            "can_answer": user.role == Role.SOCIAL_WORKER
            and "answer" in workflows.allowed(referral.status, "social_worker"),
            "can_cancel": user.role in (Role.SOCIAL_WORKER, Role.COORDINATOR)
            and "cancel" in workflows.allowed(referral.status, "social_worker"),
            "eligibility": [Eligibility(e).label for e in referral.beneficiary.eligibility],
            "device_kinds": [DeviceKind(k).label for k in referral.device_kinds],
            "accessories": [Accessory(a).label for a in referral.accessories],
        },
    )
