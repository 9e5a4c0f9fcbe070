"""Partner organisations and their social workers, for coordinators (mediators may register partners)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.enums import Role
from accounts.models import User
from common.exceptions import DomainError
from common.parsing import parse_id
from referrals import selectors, services
from referrals.enums import OPEN_STATES, OrganisationKind
from web.permissions import role_required


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    siret = forms.CharField(label=_("SIRET"), max_length=20)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    open_referral_quota = forms.IntegerField(
        label=_("Quota of open referrals (empty: no limit)"), min_value=0, max_value=100_000, required=False
    )


class InvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))


@role_required(Role.MEDIATOR, Role.COORDINATOR)
def partner_list(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            field = exc.extra.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request, gettext("%(name)s registered; a coordinator will decide.") % {"name": organisation.name}
            )
            return redirect("web:partner", organisation_id=organisation.pk)
    organisations = selectors.organisations_for(request.user).annotate(
        members_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        open_count=Count("referrals", filter=Q(referrals__status__in=OPEN_STATES), distinct=True),
    )
    return render(request, "web/partner_list.html", {"organisations": organisations, "form": form})


@role_required(Role.MEDIATOR, Role.COORDINATOR)
def partner_detail(request, organisation_id: int):
    organisation = selectors.organisations_for(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(gettext("No such organisation."))
    is_coordinator = request.user.role == Role.COORDINATOR
    invitation_form = InvitationForm()
    if request.method == "POST":
        if not is_coordinator:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action in ("validated", "refused"):
                services.organisation_authorise(
                    user=request.user, organisation=organisation, status=action, note=request.POST.get("note", "")
                )
                messages.success(request, gettext("Done."))
                return redirect("web:partner", organisation_id=organisation.pk)
            if action == "deactivate":
                member = User.objects.filter(pk=request.POST.get("user"), organisation=organisation).first()
                if member is None:
                    raise Http404
                account_services.user_deactivate(by=request.user, user=member)
                messages.success(request, gettext("%(name)s can no longer sign in.") % {"name": member})
                return redirect("web:partner", organisation_id=organisation.pk)
            invitation_form = InvitationForm(request.POST)
            if invitation_form.is_valid():
                invited = account_services.user_invite(
                    by=request.user, organisation=organisation, **invitation_form.cleaned_data
                )
                messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": invited.user.email})
                return redirect("web:partner", organisation_id=organisation.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    members = User.objects.filter(organisation=organisation).select_related("invitation").order_by("last_name")
    return render(
        request,
        "web/partner_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "invitation_form": invitation_form,
            "is_coordinator": is_coordinator,
            "decisions": organisation.decisions.select_related("by"),
        },
    )


@role_required(Role.COORDINATOR)
def access_log(request):
    entries = selectors.access_log(referral=parse_id(request.GET.get("referral")), user=request.GET.get("user") or None)
    return render(request, "web/access_log.html", {"entries": entries[:500], "filters": request.GET})
