from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from accounts.enums import Role
from api.errors import error_body
from referrals.models import Organisation
from referrals.policies import organisation_id_of
from web.permissions import navigation

# What the home page offers: (title, text, page, what the user must be allowed, from web.permissions).
HOME_SECTIONS = [
    (_("Refer a person"), _("Ask for a kit for someone you follow."), "web:referral_new", "refer"),
    (_("My organisation's referrals"), _("Follow their status and answer questions."), "web:referrals", "refer"),
    (_("Referrals to review"), _("Accept, reject or ask for more information."), "web:referrals", "decide_referrals"),
    (
        _("Receive a donation batch"),
        _("Register the devices of a batch, by hand or by CSV import."),
        "web:batches",
        "write_stock",
    ),
    (_("Label and scan"), _("Print labels and find any device by scanning it."), "web:scan", "read_stock"),
    (_("Devices"), _("Every device in stock, by status, kind, site and grade."), "web:devices", "read_stock"),
    (_("Partners and users"), _("Partner organisations and their social workers."), "web:partners", "partners"),
    (_("Access log"), _("Who read which beneficiary's details, and when."), "web:access_log", "access_log"),
    (_("Audit trail"), _("Every change of state, by whom and when."), "web:audit", "audit"),
]


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    if not user.role:
        return redirect("web:logout")
    can = navigation(request)["can"]
    organisation_id = organisation_id_of(user)
    return render(
        request,
        "web/home.html",
        {
            "sections": [(title, text, page) for title, text, page, need in HOME_SECTIONS if can[need]],
            "role_label": Role(user.role).label,
            "organisation": Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None,
        },
    )


# --- error pages: HTML in the reader's language, JSON under /api/ ---------------------------------


def _api_error(request, status: int, detail: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(status, detail), status=status)
    return None


def permission_denied(request, exception=None):
    return _api_error(request, 403, "Your role does not allow this.") or defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return _api_error(request, 404, f"No API operation at {request.path}.") or defaults.page_not_found(
        request, exception
    )


def server_error(request):
    return _api_error(request, 500, "Internal server error.") or defaults.server_error(request)
