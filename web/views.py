from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from accounts.enums import Role
from api.errors import error_body

# What each role finds on its home page; later pages add entries here.
# (title, text, page) for each role; the API docs cover what has no page yet.
HOME_SECTIONS = {
    Role.WAREHOUSE: [
        (
            _("Receive a donation batch"),
            _("Register the devices of a batch, by hand or by CSV import."),
            "web:batches",
        ),
        (_("Label and scan"), _("Print labels and find any device by scanning it."), "web:scan"),
        (_("Devices"), _("Every device in stock, by status, kind, site and grade."), "web:devices"),
    ],
    Role.MEDIATOR: [
        (_("Referrals to review"), _("Accept, reject or ask for more information."), "web:referrals"),
        (_("Devices"), _("What is ready to give, site by site."), "web:devices"),
    ],
    Role.SOCIAL_WORKER: [
        (_("Refer a person"), _("Ask for a kit for someone you follow."), "web:referral_new"),
        (_("My organisation's referrals"), _("Follow their status and answer questions."), "web:referrals"),
    ],
    Role.COORDINATOR: [
        (_("Referrals"), _("Every referral of every partner."), "web:referrals"),
        (_("Partners and users"), _("Validate partner organisations and manage accounts."), "web:partners"),
        (_("Access log"), _("Who read which beneficiary's details, and when."), "web:access_log"),
        (_("Devices"), _("The stock of the whole network."), "web:devices"),
    ],
}


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    if not user.role:
        return redirect("web:logout")
    return render(
        request,
        "web/home.html",
        {"sections": HOME_SECTIONS.get(user.role, []), "role_label": Role(user.role).label},
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
