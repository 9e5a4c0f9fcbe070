from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role

# What each role finds on its home page; later pages add entries here.
HOME_SECTIONS = {
    Role.WAREHOUSE: [
        (_("Receive a donation batch"), _("Register the devices of a batch, by hand or by CSV import.")),
        (_("Label and scan"), _("Print labels and find any device by scanning it.")),
    ],
    Role.MEDIATOR: [
        (_("Referrals to review"), _("Accept, reject or ask for more information.")),
        (_("Kits and handovers"), _("Reserve a kit and hand it over with a receipt.")),
    ],
    Role.SOCIAL_WORKER: [
        (_("Refer a person"), _("Ask for a kit for someone you follow.")),
        (_("My organisation's referrals"), _("Follow their status and answer questions.")),
    ],
    Role.COORDINATOR: [
        (_("Partners and users"), _("Validate partner organisations and manage accounts.")),
        (_("Impact"), _("Handovers, beneficiaries and CO2e avoided.")),
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
