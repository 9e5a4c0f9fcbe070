"""Partner organisations and their social workers, for coordinators (mediators may register partners)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accounts import services as account_services
from common.exceptions import DomainError
from common.parsing import parse_id
from referrals import policies, selectors, services
from referrals.enums import OPEN_STATES
from web.confirm import confirmation, confirmed
from web.forms import show_error
from web.partners.forms import InvitationForm, OrganisationForm
from web.permissions import allowed


@allowed(policies, "organisation.register")
def partner_list(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(
                request, gettext("%(name)s registered; a coordinator will decide.") % {"name": organisation.name}
            )
            return redirect("web:partner", organisation_id=organisation.pk)
    organisations = selectors.organisations_for(request.user).annotate(
        members_count=Count("memberships", filter=Q(memberships__user__is_active=True), distinct=True),
        open_count=Count("referrals", filter=Q(referrals__status__in=OPEN_STATES), distinct=True),
    )
    return render(request, "web/partner_list.html", {"organisations": organisations, "form": form})


@allowed(policies, "organisation.register")
def partner_detail(request, organisation_id: int):
    organisation = selectors.organisations_for(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(gettext("No such organisation."))
    can_authorise = policies.allows(request.user, "organisation.authorise")
    can_manage_members = policies.allows(request.user, "organisation.members")
    invitation_form = InvitationForm()
    confirm, note, status = None, "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        if not (can_authorise if action in ("validated", "refused") else can_manage_members):
            raise PermissionDenied
        if action in ("refused", "deactivate") and not confirmed(request):
            confirm = confirmation(request, _confirm_message(organisation, action, request.POST.get("user")))
        try:
            if confirm:
                pass
            elif action in ("validated", "refused"):
                services.organisation_authorise(
                    user=request.user, organisation=organisation, status=action, note=request.POST.get("note", "")
                )
                done = gettext("%(name)s is validated.") if action == "validated" else gettext("%(name)s is refused.")
                messages.success(request, done % {"name": organisation.name})
                return redirect("web:partner", organisation_id=organisation.pk)
            elif action in ("deactivate", "reactivate", "resend"):
                member_id = parse_id(request.POST.get("user"))
                member = selectors.organisation_members(organisation).filter(pk=member_id).first()
                if member is None:
                    raise Http404
                if action == "deactivate":
                    pending = member.invitation.is_pending if hasattr(member, "invitation") else False
                    account_services.user_deactivate(user=request.user, account=member)
                    done = (
                        gettext("The invitation of %(name)s is cancelled.")
                        if pending
                        else gettext("%(name)s can no longer sign in.")
                    )
                elif action == "reactivate":
                    account_services.user_reactivate(user=request.user, account=member)
                    done = gettext("%(name)s can sign in again.")
                else:
                    services.member_invitation_resend(user=request.user, account=member)
                    done = gettext("A new invitation was sent to %(name)s.")
                messages.success(request, done % {"name": member})
                return redirect("web:partner", organisation_id=organisation.pk)
            elif (invitation_form := InvitationForm(request.POST)).is_valid():
                invited = services.member_invite(
                    user=request.user, organisation=organisation, **invitation_form.cleaned_data
                )
                messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": invited.user.email})
                return redirect("web:partner", organisation_id=organisation.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status if 400 <= exc.status < 500 else 400
    # Members' names, e-mails and account state: the same policy as GET /organisations/{id}/members.
    members = selectors.organisation_members(organisation) if can_manage_members else None
    return render(
        request,
        "web/partner_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "invitation_form": invitation_form,
            "can_authorise": can_authorise,
            "can_manage_members": can_manage_members,
            "decisions": organisation.decisions.select_related("by"),
            "confirmation": confirm,
            "note": note,
        },
        status=status,
    )


def _confirm_message(organisation, action: str, member_id) -> str:
    """What a refusal or a deactivation does, said before it is done."""
    if action == "refused":
        if organisation.authorisation == "validated":
            return gettext(
                "Revoke %(name)s? Its social workers can no longer refer anyone until a coordinator validates it again."
            ) % {"name": organisation.name}
        return gettext("Refuse %(name)s? Its social workers cannot refer anyone.") % {"name": organisation.name}
    member = selectors.organisation_members(organisation).filter(pk=parse_id(member_id)).first()
    name = str(member) if member else ""
    if member is not None and hasattr(member, "invitation") and member.invitation.is_pending:
        return gettext(
            "Cancel the invitation of %(name)s? The link they received stops working; this cannot be undone, "
            "but you can invite them again."
        ) % {"name": name}
    return gettext(
        "Deactivate %(name)s? They can no longer sign in at once; their referrals stay. You can reactivate them later."
    ) % {"name": name}


@allowed(policies, "access_log.read")
def access_log(request):
    entries = selectors.access_log(referral=parse_id(request.GET.get("referral")), user=request.GET.get("user") or None)
    return render(request, "web/access_log.html", {"entries": entries[:500], "filters": request.GET})
